"""Evaluation schemes (评价方案) as data: the areas a report covers (any number, common or new, each with its heading
and the indicators of the catalogue it holds), the parts of the report and their headings, the skeleton template that
lays the report out, the rules the scheme adds to the catalogue's, and the tables it asks for.

A scheme is ``schemes/NAME.yaml`` in a template folder (user folders first, packaged templates last). It is validated
like report data — unknown key, duplicate area, unknown indicator, a rule of an unknown indicator — and every problem
names the file, line and field path.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Literal

import attrs

from . import resources
from .areas import AreaBase, Areas, area_class, areas_record_class
from .catalogue import AreaDef, Catalogue, Indicator, Rule, load_catalogue
from .errors import DataError, FieldValueError, Problem
from .fields import label
from .model import Report
from .parsing import Locator, base_converter, hook, parse_text, structure, unknown_keys_message

#: the scheme a report uses when it has areas but names no scheme
DEFAULT_SCHEME = "general"
TableName = Literal["two_no_decrease", "indicators"]


@attrs.frozen
class SchemeArea:
    """One 评价重点 of a scheme: a common area of the catalogue, or a new one (give its indicators, even [])."""

    area: str = attrs.field(metadata=label("键名", "指标目录中的评价重点，或新的评价重点（英文键名）"))
    heading: str = attrs.field(metadata=label("标题"))
    indicators: tuple[str, ...] | None = attrs.field(
        default=None, metadata=label("指标", "省略时用指标目录中这个评价重点的指标；新的评价重点必须写（可以是空列表）"))
    add_indicators: tuple[str, ...] = attrs.field(
        default=(), metadata=label("增加的指标", "在指标目录中这个评价重点的指标之外，本方案还放在这里的指标"))
    name: str | None = attrs.field(default=None, metadata=label("名称", "省略时同标题"))
    kind: Literal["narrative", "rectification"] | None = attrs.field(default=None, metadata=label("类型"))
    score: Decimal | None = attrs.field(default=None, metadata=label("分值"))
    source: str = attrs.field(default="", metadata=label("依据"))


@attrs.frozen
class TablePlacement:
    """A table generated from the data, placed at the end of an area's section or as an attachment."""

    table: TableName = attrs.field(metadata=label("表格", "two_no_decrease（两个只增不减）或 indicators（指标自评表）"))
    place: str = attrs.field(metadata=label("位置", "attachment（附件），或评价重点的键名（放在该部分末尾）"))
    title: str | None = attrs.field(default=None, metadata=label("表题"))


@attrs.frozen
class SchemeFile:
    """One ``schemes/NAME.yaml``."""

    name: str = attrs.field(metadata=label("方案名称"))
    source: str = attrs.field(metadata=label("依据", "印发方案的文件名称和文号"))
    skeleton: str = attrs.field(metadata=label("骨架模板", "如 skeletons/practices.xml.j2"))
    areas: tuple[SchemeArea, ...] = attrs.field(default=(), metadata=label("评价重点"))
    parts: dict[str, str] = attrs.field(factory=dict, metadata=label("报告各部分的标题", "键名 → 标题"))
    numbering: Literal["restart", "continue"] = attrs.field(
        default="restart", metadata=label("评价重点下事项的编号", "restart 各自从1编号；continue 贯穿编号"))
    rules: dict[str, tuple[Rule, ...]] = attrs.field(factory=dict, metadata=label("本方案的评价规则", "指标键名 → 规则"))
    tables: tuple[TablePlacement, ...] = attrs.field(default=(), metadata=label("由数据生成的表格"))


def _converter() -> Any:
    from .catalogue import _CONVERTER  # the same rules for Rule (bounds by item)
    conv = base_converter()

    def rule(value: Any, _t: Any) -> Rule:
        structured: Rule = _CONVERTER.structure(value, Rule)
        return structured
    conv.register_structure_hook(Rule, rule)
    hook(conv, SchemeFile)
    return conv


_CONVERTER = _converter()


@attrs.frozen(eq=False)
class Scheme:
    """A scheme resolved against its catalogue: every area with its definition and typed class."""

    key: str
    name: str
    source: str
    skeleton: str
    areas: tuple[SchemeArea, ...]
    parts: Mapping[str, str]
    numbering: Literal["restart", "continue"]
    rules: Mapping[str, tuple[Rule, ...]]
    tables: tuple[TablePlacement, ...]
    catalogue: Catalogue = attrs.field(repr=False)
    path: str = ""
    definitions: Mapping[str, AreaDef] = attrs.field(factory=dict, repr=False)
    classes: Mapping[str, type[AreaBase]] = attrs.field(factory=dict, repr=False)
    record: type = attrs.field(default=object, repr=False)
    locate: Locator | None = attrs.field(default=None, repr=False, eq=False)

    def problem(self, path: str, message: str) -> Problem:
        """A problem of this scheme file, with the line of ``path`` in it."""
        return self.locate.problem(path, message) if self.locate else Problem(path, message)

    def heading(self, key: str, default: str = "") -> str:
        return self.parts.get(key, default)

    @property
    def data_keys(self) -> tuple[str, ...]:
        """Every key report data may have under ``areas``: the evaluation areas, then the parts that hold data."""
        return tuple(self.classes)

    def indicator(self, area: str, key: str) -> Indicator | None:
        definition = self.definitions.get(area)
        if definition is None or key not in definition.indicators:
            return None
        return self.catalogue.indicators[key]

    def rules_of(self, key: str) -> tuple[Rule, ...]:
        """The catalogue's rules of an indicator and the ones this scheme adds."""
        return (*self.catalogue.indicators[key].rules, *self.rules.get(key, ()))

    def where(self, key: str) -> str | None:
        """The area that holds indicator ``key`` in this scheme."""
        return next((area for area, d in self.definitions.items() if key in d.indicators), None)

    @property
    def has_scores(self) -> bool:
        return any(a.score is not None for a in self.areas)


def _resolve(key: str, parsed: SchemeFile, catalogue: Catalogue, path: str, locate: Locator,
             template_dirs: resources.TemplateDirs) -> Scheme:
    problems: list[Problem] = []

    def add(where: str, message: str) -> None:
        problems.append(locate.problem(where, message))

    if (why := resources.bad_name(parsed.skeleton)) is not None:
        add("skeleton", f"骨架模板{why}")
    elif resources.find(parsed.skeleton, template_dirs) is None:
        add("skeleton", f"找不到骨架模板“{parsed.skeleton}”")
    definitions: dict[str, AreaDef] = {}
    resolved: list[SchemeArea] = []
    holder: dict[str, str] = {}
    for i, area in enumerate(parsed.areas):
        where = f"areas[{i}]"
        if area.area in definitions:
            add(f"{where}.area", f"评价重点“{area.area}”重复")
            continue
        if area.area in parsed.parts:
            add(f"{where}.area", f"“{area.area}”同时是评价重点和报告的一部分（parts），只能是其中一种")
        common = catalogue.areas.get(area.area)
        if common is None and area.indicators is None:
            add(f"{where}.area", unknown_keys_message([area.area], list(catalogue.areas), what="指标目录中没有评价重点",
                                                      available="可用") + "；新的评价重点请写出 indicators（可以是空列表）")
            continue
        base = area.indicators if area.indicators is not None else common.indicators  # type: ignore[union-attr]
        indicators = (*base, *area.add_indicators)
        for j, ref in enumerate(indicators):
            field = f"indicators[{j}]" if j < len(base) else f"add_indicators[{j - len(base)}]"
            if ref not in catalogue.indicators:
                add(f"{where}.{field}", unknown_keys_message([ref], list(catalogue.indicators),
                                                             what="指标目录中没有指标", available="可用指标"))
            elif ref in holder:
                add(f"{where}.{field}", f"指标“{ref}”已在评价重点“{holder[ref]}”中；一个指标只能属于一个评价重点")
            else:
                holder[ref] = area.area
        definition = AreaDef(name=area.name or (common.name if common else area.heading),
                             kind=area.kind or (common.kind if common else "narrative"),
                             indicators=tuple(indicators),
                             statements=dict(common.statements) if common else {},
                             source=area.source or (common.source if common else ""))
        definitions[area.area] = definition
        resolved.append(attrs.evolve(area, indicators=tuple(indicators), add_indicators=()))
    for part in parsed.parts:  # parts that hold data are the catalogue's common areas
        if part in catalogue.areas and part not in definitions:
            definitions[part] = catalogue.areas[part]
            for ref in catalogue.areas[part].indicators:
                holder.setdefault(ref, part)
    for indicator, rules in parsed.rules.items():
        if indicator not in catalogue.indicators:
            add(f"rules.{indicator}", unknown_keys_message([indicator], list(holder) or list(catalogue.indicators),
                                                           what="没有指标", available="本方案的指标"))
        elif indicator not in holder:
            add(f"rules.{indicator}", f"指标“{indicator}”不在本方案的任何评价重点中；请先把它列入某个评价重点的 indicators")
        else:
            ind = catalogue.indicators[indicator]
            items = set(catalogue.items(ind))
            for r, rule in enumerate(rules):
                for ref in (rule.not_below, rule.at_most, rule.share_of):
                    if ref is not None and ref not in catalogue.indicators:
                        add(f"rules.{indicator}[{r}].{rule.test}", unknown_keys_message(
                            [ref], list(catalogue.indicators), what="指标目录中没有指标", available="可用指标"))
                for name in ("min", "max"):
                    bound = getattr(rule, name)
                    for item in bound if isinstance(bound, dict) else ():
                        if item not in items:
                            add(f"rules.{indicator}[{r}].{name}.{item}",
                                f"没有“{item}”这个分项；可用：{'、'.join(sorted(items)) or '（无）'}")
    for i, table in enumerate(parsed.tables):
        if table.place != "attachment" and table.place not in definitions:
            add(f"tables[{i}].place", unknown_keys_message([table.place], ["attachment", *definitions],
                                                           what="没有这个位置", available="可用"))
    if problems:
        raise DataError(path, problems)
    classes = {k: area_class(catalogue, k, d) for k, d in definitions.items()}
    return Scheme(key=key, name=parsed.name, source=parsed.source, skeleton=parsed.skeleton, areas=tuple(resolved),
                  parts=dict(parsed.parts), numbering=parsed.numbering, rules=dict(parsed.rules),
                  tables=parsed.tables, catalogue=catalogue, path=path, definitions=definitions, classes=classes,
                  record=areas_record_class(key, classes), locate=locate)


def available_schemes(template_dirs: resources.TemplateDirs = ()) -> list[str]:
    return resources.names("schemes", ".yaml", template_dirs)


_CACHE: dict[tuple[Any, ...], Scheme] = {}
_CACHE_LOCK = threading.Lock()


def load_scheme(name: str, template_dirs: resources.TemplateDirs = ()) -> Scheme:
    """The scheme ``name`` from the first template folder that has it, resolved against the catalogue of the same
    folders. Read once per version of its files; raises DataError naming the file, line and field path."""
    if (why := resources.bad_name(name)) is not None:
        raise DataError("scheme", [Problem("scheme", f"评价方案{why}")])
    path = resources.find(f"schemes/{name}.yaml", template_dirs)
    if path is None:
        known = "、".join(available_schemes(template_dirs)) or "（无）"
        raise DataError("scheme", [Problem("scheme", f"找不到评价方案“{name}”；可用：{known}")])
    catalogue = load_catalogue(template_dirs)
    stat = path.stat()
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size, id(catalogue),
           tuple(str(d) for d in template_dirs))
    with _CACHE_LOCK:  # one read per version of the files, even when many threads ask at once on first use
        cached = _CACHE.get(key)
        if cached is None:
            data, text, fmt = parse_text(path.read_bytes(), str(path))
            parsed = structure(data, SchemeFile, str(path), _CONVERTER, text=text, fmt=fmt,
                               what="name、source、skeleton、areas、parts 等")
            cached = _CACHE[key] = _resolve(name, parsed, catalogue, str(path), Locator(text, fmt), template_dirs)
        return cached


def scheme_for(report: Report, template_dirs: resources.TemplateDirs = ()) -> tuple[Report, Scheme | None]:
    """The scheme a report is laid out by (the default one when it has areas but names none), and the report with
    its areas checked against the scheme's classes (an area built in code from a common class is rebuilt as the
    scheme's class, so its values are validated by the scheme's catalogue)."""
    if report.scheme is None and report.areas is None:
        return report, None
    scheme = load_scheme(report.scheme or DEFAULT_SCHEME, template_dirs)
    return fit(report, scheme), scheme


def fit(report: Report, scheme: Scheme) -> Report:
    """The report with its areas as ``scheme``'s classes: an area built in code from a common class is rebuilt as the
    scheme's class, so its values are validated by the scheme's catalogue; an area the scheme lacks is a data error."""
    if report.areas is None:
        return report
    rebuilt: dict[str, AreaBase] = {}
    problems = []
    for key, area in report.areas.items():
        cls = scheme.classes.get(key)
        if cls is None:
            problems.append(Problem(f"areas.{key}", unknown_keys_message([key], list(scheme.classes),
                                                                         what="评价方案中没有", available="可用")))
            continue
        if type(area) is cls:
            rebuilt[key] = area
            continue
        names = {f.name for f in attrs.fields(cls)}
        values = {f.name: getattr(area, f.name) for f in attrs.fields(type(area))}
        extra = [n for n, v in values.items() if n not in names and v not in (None, (), {})]
        if extra:
            problems.append(Problem(f"areas.{key}", unknown_keys_message(extra, sorted(names))))
            continue
        try:
            rebuilt[key] = cls(**{n: v for n, v in values.items() if n in names})
        except (FieldValueError, TypeError, ValueError) as e:
            where = f"areas.{key}.{e.path}" if isinstance(e, FieldValueError) else f"areas.{key}"
            problems.append(Problem(where, e.message if isinstance(e, FieldValueError) else str(e)))
    if problems:
        raise DataError("数据", problems)
    if all(rebuilt[key] is area for key, area in report.areas.items()):
        return report  # already the scheme's classes: nothing to rebuild (and nothing to validate again)
    return attrs.evolve(report, areas=Areas(rebuilt, feedback=report.areas.feedback))
