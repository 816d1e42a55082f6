"""The indicator catalogue: every figure a report can state, as data (``catalogue.yaml`` in a template folder).

An indicator has a key (English, for the systems that produce data), a Chinese name, the exact statistical term the
report uses (一般公共预算教育经费 and 一般公共预算教育支出 are different indicators), a kind (amount, count, rate,
coefficient, ratio, yes/no) with its unit, an optional breakdown (学段 …), the rules evaluators apply, how a report
states it (a statement template in officials' wording) and the source of all of it. The catalogue also defines the
common areas (评价重点 and parts of the report) that schemes assemble.

The packaged catalogue is read first; a ``catalogue.yaml`` in a user's template folder adds entries or replaces whole
entries of the same key. Every entry is validated like report data: an error names the file, line and field path.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import attrs
import jinja2
from jinja2 import nodes
from markupsafe import Markup

from . import formatting, resources
from .errors import DataError, FieldValueError, Problem
from .fields import label
from .parsing import Locator, base_converter, hook, parse_text, structure, structure_decimal
from .quantities import number_words
from .sandbox import ReportSandbox

Kind = Literal["amount", "count", "quantity", "rate", "coefficient", "ratio", "flag"]
Severity = Literal["error", "warning", "info"]
Bound = Decimal | dict[str, Decimal]

#: the rule tests a catalogue or scheme may state (each rule states exactly one)
TESTS = ("min", "max", "no_fall", "fall_at_least", "rise_at_least", "not_below", "at_most", "share_of", "distinct")
_KEY = re.compile(r"[a-z][a-z0-9_]*")


def _nonblank(_inst: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    if not value.strip():
        raise FieldValueError(attribute.name, "不能为空")


def _states(value: Any) -> bool:
    return value is not None and value is not False  # 0 is a bound (max: 0), not an absent one


@attrs.frozen
class Rule:
    """One rule evaluators apply to an indicator; it states exactly one test, and cites where it comes from."""

    source: str = attrs.field(validator=_nonblank, metadata=label("依据", "文件名称和文号，如 教督〔2020〕1号"))
    min: Bound | None = attrs.field(default=None, metadata=label("不低于", "数字，或按分项写，如 {小学: 650, 初中: 850}"))
    max: Bound | None = attrs.field(default=None, metadata=label("不高于"))
    no_fall: bool = attrs.field(default=False, metadata=label("只增不减"))
    fall_at_least: Decimal | None = attrs.field(default=None, metadata=label("每年至少下降", "比率为百分点，金额为%"))
    rise_at_least: Decimal | None = attrs.field(default=None, metadata=label("每年至少提高"))
    not_below: str | None = attrs.field(default=None, metadata=label("不低于另一指标", "指标键名"))
    at_most: str | None = attrs.field(default=None, metadata=label("不超过另一指标（部分不大于整体）", "指标键名"))
    share_of: str | None = attrs.field(default=None, metadata=label("占另一指标的比例", "与 at_least 一起写"))
    at_least: Decimal | None = attrs.field(default=None, metadata=label("比例下限（%）", "share_of 的下限"))
    distinct: bool = attrs.field(default=False, metadata=label("各分项数值不应相同"))
    items: tuple[str, ...] | None = attrs.field(default=None, metadata=label("适用的分项", "省略时适用于全部分项"))
    severity: Severity | None = attrs.field(default=None, metadata=label("严重程度", "error、warning 或 info"))
    note: str = attrs.field(default="", metadata=label("说明"))

    def __attrs_post_init__(self) -> None:
        stated = [t for t in TESTS if _states(getattr(self, t))]
        if len(stated) != 1:
            names = "、".join(TESTS)
            raise FieldValueError("", f"每条规则只写一项要求（{names}），这里写了{len(stated) or '零'}项"
                                  + (f"：{'、'.join(stated)}" if stated else ""))
        if (self.share_of is None) != (self.at_least is None):
            raise FieldValueError("at_least" if self.at_least is None else "share_of",
                                  "share_of（另一指标）和 at_least（比例下限）要一起写")

    @property
    def test(self) -> str:
        return next(t for t in TESTS if _states(getattr(self, t)))

    @property
    def level(self) -> Severity:
        if self.severity is not None:
            return self.severity
        return "error" if self.no_fall else "warning"


@attrs.frozen
class Breakdown:
    """A breakdown of an indicator (学段, 城乡 …): its items in the order reports list them, with their names."""

    name: str = attrs.field(validator=_nonblank, metadata=label("名称"))
    items: dict[str, str] = attrs.field(metadata=label("分项", "键为数据中的写法，值为报告中的名称"))
    source: str = attrs.field(default="", metadata=label("依据"))


@attrs.frozen
class Indicator:
    """One indicator of the catalogue."""

    name: str = attrs.field(validator=_nonblank, metadata=label("名称"))
    kind: Kind = attrs.field(metadata=label(
        "类型", "amount 金额、count 个数、quantity 数量（面积等）、rate 比率、coefficient 系数、ratio 比值、flag 是否"))
    source: str = attrs.field(validator=_nonblank, metadata=label("来源", "指标出处：文件名称和文号"))
    term: str | None = attrs.field(default=None, metadata=label("统计口径的确切名称", "省略时同名称"))
    unit: str = attrs.field(default="", metadata=label("单位", "金额：元、万元、亿元；数量：量词，如 所、人次"))
    breakdown: str | None = attrs.field(default=None, metadata=label("分项", "如 stage（学段）"))
    rollover: Literal["move", "carry", "clear"] = attrs.field(
        default="move", metadata=label("结转", "move 今年的数移入上年（默认）；carry 原样保留（标准）；clear 清空"))
    rules: tuple[Rule, ...] = attrs.field(default=(), metadata=label("评价规则"))
    statement: str | None = attrs.field(default=None, metadata=label("表述模板", "Jinja 模板，按公文习惯表述"))
    note: str = attrs.field(default="", metadata=label("说明"))
    key: str = attrs.field(default="", metadata=label("键名"))

    @property
    def wording(self) -> str:
        """The statistical term as reports write it."""
        return self.term or self.name

    @property
    def points(self) -> bool:
        """Whether a change of this indicator is stated in percentage points (a rate), not percent."""
        return self.kind == "rate"

    def unit_of(self, override: str | None = None) -> str:
        if self.kind == "rate":
            return "%"
        return override or self.unit


@attrs.frozen
class AreaDef:
    """A common area (评价重点) or part of the report (主要成效, 存在问题 …): its indicators and statements."""

    name: str = attrs.field(validator=_nonblank, metadata=label("名称"))
    kind: Literal["narrative", "rectification"] = attrs.field(
        default="narrative", metadata=label("类型", "narrative 一般；rectification 问题整改（问题 → 整改情况 → 状态）"))
    indicators: tuple[str, ...] = attrs.field(default=(), metadata=label("指标", "指标目录中的键名"))
    statements: dict[str, str] = attrs.field(factory=dict, metadata=label("组合表述", "名称 → Jinja 模板"))
    source: str = attrs.field(default="", metadata=label("依据"))


@attrs.frozen
class CatalogueFile:
    """One ``catalogue.yaml``."""

    breakdowns: dict[str, Breakdown] = attrs.field(factory=dict, metadata=label("分项"))
    indicators: dict[str, Indicator] = attrs.field(factory=dict, metadata=label("指标"))
    areas: dict[str, AreaDef] = attrs.field(factory=dict, metadata=label("评价重点和报告部分"))


def _structure_bound(value: Any, _t: Any) -> Bound:
    if isinstance(value, Mapping):
        return {str(k): structure_decimal(v) for k, v in value.items()}
    return structure_decimal(value)


def _converter() -> Any:
    conv = base_converter()
    conv.register_structure_hook_func(lambda t: t == Bound or t == Bound | None,
                                      lambda v, t: None if v is None else _structure_bound(v, t))
    hook(conv, Rule)
    return conv


_CONVERTER = _converter()


@attrs.frozen(eq=False)
class Catalogue:
    """The merged catalogue of a set of template folders, with its statement templates compiled."""

    breakdowns: Mapping[str, Breakdown]
    indicators: Mapping[str, Indicator]
    areas: Mapping[str, AreaDef]
    files: tuple[str, ...]
    templates: Mapping[str, jinja2.Template] = attrs.field(repr=False)
    origins: Mapping[str, str] = attrs.field(factory=dict, repr=False)

    def origin(self, name: str) -> str:
        """The file an entry (``indicators.KEY``, ``areas.KEY…``) comes from."""
        return self.origins.get(".".join(name.split(".")[:2]), "catalogue.yaml")

    def statement(self, name: str) -> jinja2.Template | None:
        """The compiled statement ``indicators.KEY`` or ``areas.KEY.NAME``."""
        return self.templates.get(name)

    def item_name(self, indicator: Indicator, item: str) -> str:
        breakdown = self.breakdowns.get(indicator.breakdown or "")
        return breakdown.items.get(item, item) if breakdown else item

    def items(self, indicator: Indicator) -> tuple[str, ...]:
        breakdown = self.breakdowns.get(indicator.breakdown or "")
        return tuple(breakdown.items) if breakdown else ()

    def describe(self, rule: Rule, indicator: Indicator) -> str:
        """A rule as a table or a message states it: 不低于80%, 只增不减, 不低于当地公务员年平均工资收入."""
        unit = indicator.unit_of()

        def bound(value: Bound) -> str:
            if isinstance(value, dict):
                return "，".join(f"{self.item_name(indicator, k)}{formatting.number(v)}{unit}" for k, v in value.items())
            return f"{formatting.number(value)}{unit}"

        other = self.indicators.get(rule.not_below or rule.at_most or rule.share_of or "")
        change_unit = "个百分点" if indicator.points else "%"
        text: dict[str, Callable[[], str]] = {
            "min": lambda: f"不低于{bound(rule.min)}" if rule.min is not None else "",
            "max": lambda: f"不高于{bound(rule.max)}" if rule.max is not None else "",
            "no_fall": lambda: "只增不减",
            "fall_at_least": lambda: f"每年下降{formatting.number(rule.fall_at_least or 0)}{change_unit}以上",
            "rise_at_least": lambda: f"每年提高{formatting.number(rule.rise_at_least or 0)}{change_unit}以上",
            "not_below": lambda: f"不低于{other.name if other else rule.not_below}",
            "at_most": lambda: f"不超过{other.name if other else rule.at_most}",
            "share_of": lambda: f"不低于{other.name if other else rule.share_of}的{formatting.number(rule.at_least or 0)}%",
            "distinct": lambda: "各分项数值不应相同",
        }
        return text[rule.test]()


# ---------------------------------------------------------------------------------------------------------------
# Statement templates


def statement_environment() -> ReportSandbox:
    """The sandbox statement templates run in: autoescaped (values arrive already written, placeholders as
    markup), undefined names are errors, and edureport's filters are available."""
    env = ReportSandbox(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(formatting.template_filters())
    env.tests.update(formatting.template_tests())
    env.globals["Markup"] = Markup
    return env


_ENV = statement_environment()


# ---------------------------------------------------------------------------------------------------------------
# Loading


@attrs.frozen
class _Source:
    path: str
    locate: Locator


class _Merged:
    def __init__(self) -> None:
        self.entries: dict[str, dict[str, Any]] = {"breakdowns": {}, "indicators": {}, "areas": {}}
        self.origin: dict[tuple[str, str], _Source] = {}

    def add(self, parsed: CatalogueFile, source: _Source) -> None:
        for section in self.entries:
            for key, value in getattr(parsed, section).items():
                self.entries[section][key] = value
                self.origin[(section, key)] = source


def _read(path: Path) -> tuple[CatalogueFile, _Source]:
    data, text, fmt = parse_text(path.read_bytes(), str(path))
    parsed = structure(data, CatalogueFile, str(path), _CONVERTER, text=text, fmt=fmt,
                       what="breakdowns、indicators、areas")
    return parsed, _Source(str(path), Locator(text, fmt))


class _Problems:
    def __init__(self, merged: _Merged) -> None:
        self.merged = merged
        self.by_file: dict[str, list[Problem]] = {}

    def add(self, section: str, key: str, rest: str, message: str) -> None:
        source = self.merged.origin[(section, key)]
        path = f"{section}.{key}" + (f".{rest}" if rest else "")
        self.by_file.setdefault(source.path, []).append(source.locate.problem(path, message))

    def raise_any(self) -> None:
        for path, problems in self.by_file.items():
            raise DataError(path, problems)


def _check_syntax(source: str) -> None:
    """What compiling would refuse, without compiling: Jinja's parser, then the filters and tests the compiler
    would look up (it raises the same error for an unknown one, with the same message)."""
    ast = _ENV.parse(source)
    for node in ast.find_all((nodes.Filter, nodes.Test)):
        known, kind = (_ENV.filters, "filter") if isinstance(node, nodes.Filter) else (_ENV.tests, "test")
        if node.name not in known:
            raise jinja2.TemplateAssertionError(f"No {kind} named {node.name!r}.", node.lineno)


class _Statements(Mapping[str, jinja2.Template]):
    """The catalogue's statement templates, each compiled the first time it is used. Loading checks every source's
    syntax (Jinja's parser: file, line and message as before); compiling to Python code, four fifths of the cost,
    waits until a report states the figure — a report uses a handful of the catalogue's hundred-odd statements."""

    def __init__(self, sources: dict[str, str], problem: dict[str, Callable[[str], DataError]]) -> None:
        self._sources = sources
        self._problem = problem  # the data error naming the statement's file, line and path
        self._compiled: dict[str, jinja2.Template] = {}
        self._lock = threading.Lock()

    def __getitem__(self, name: str) -> jinja2.Template:
        template = self._compiled.get(name)
        if template is None:
            source = self._sources[name]
            with self._lock:  # threads rendering at once compile each statement once
                template = self._compiled.get(name)
                if template is None:
                    try:
                        template = self._compiled[name] = _ENV.from_string(source)
                    except jinja2.TemplateSyntaxError as e:  # what only the compiler sees (assigning to loop, a
                        # block twice): reported as the loader reports a syntax error, when the statement is used
                        raise self._problem[name](f"表述模板第{e.lineno}行语法错误：{e.message}") from None
        return template

    def __iter__(self) -> Iterator[str]:
        return iter(self._sources)

    def __len__(self) -> int:
        return len(self._sources)


def _validate(merged: _Merged) -> tuple[dict[str, Indicator], _Statements]:
    problems = _Problems(merged)
    breakdowns: dict[str, Breakdown] = merged.entries["breakdowns"]
    indicators: dict[str, Indicator] = merged.entries["indicators"]
    areas: dict[str, AreaDef] = merged.entries["areas"]
    money = number_words().money_units
    sources: dict[str, str] = {}
    problem: dict[str, Callable[[str], DataError]] = {}

    shipped = str(resources.packaged_templates() / "catalogue.yaml")  # as find_all names it

    def compile_into(name: str, section: str, key: str, rest: str, source: str) -> None:
        try:
            if merged.origin[(section, key)].path != shipped:
                # the packaged statements are compiled by the tests (test_catalogue); a user's are checked here, so
                # a mistake is reported with its file and line before any report is rendered
                _check_syntax(source)
            sources[name] = source
            origin = merged.origin[(section, key)]
            where = f"{section}.{key}" + (f".{rest}" if rest else "")
            problem[name] = lambda message: DataError(origin.path, [origin.locate.problem(where, message)])
        except jinja2.TemplateSyntaxError as e:
            problems.add(section, key, rest, f"表述模板第{e.lineno}行语法错误：{e.message}")

    for section, entries in merged.entries.items():
        for key in entries:
            if not _KEY.fullmatch(key):
                problems.add(section, key, "", "键名只能用小写英文字母、数字和下划线，并以字母开头（如 budget_expenditure）")
    for key, ind in indicators.items():
        if ind.breakdown is not None and ind.breakdown not in breakdowns:
            problems.add("indicators", key, "breakdown",
                         f"没有“{ind.breakdown}”这种分项；可用：{'、'.join(breakdowns) or '（无）'}")
        if ind.kind == "amount" and ind.unit not in money:
            problems.add("indicators", key, "unit", f"金额的单位应为 {'、'.join(money)} 之一，实际是“{ind.unit}”")
        if ind.kind in ("count", "quantity") and not ind.unit.strip():
            problems.add("indicators", key, "unit", "数量要写单位或量词（如 所、人、人次、平方米）")
        if ind.kind == "rate" and ind.unit not in ("", "%"):
            problems.add("indicators", key, "unit", "比率的单位是 %（可省略）")
        items = set(breakdowns[ind.breakdown].items) if ind.breakdown in breakdowns else set()
        for i, rule in enumerate(ind.rules):
            where = f"rules[{i}]"
            for ref in (rule.not_below, rule.at_most, rule.share_of):
                if ref is not None and ref not in indicators:
                    problems.add("indicators", key, f"{where}.{rule.test}", _unknown_indicator(ref, indicators))
            for name in ("min", "max"):
                bound = getattr(rule, name)
                if isinstance(bound, dict):
                    if ind.breakdown is None:
                        problems.add("indicators", key, f"{where}.{name}", "这个指标没有分项，界限应为一个数字")
                    for item in bound:
                        if item not in items:
                            problems.add("indicators", key, f"{where}.{name}.{item}", _unknown_item(item, items))
            for item in rule.items or ():
                if item not in items:
                    problems.add("indicators", key, f"{where}.items", _unknown_item(item, items))
            if rule.distinct and ind.breakdown is None:
                problems.add("indicators", key, f"{where}.distinct", "distinct 只适用于有分项的指标")
        if ind.statement is None and not ind.rules:
            problems.add("indicators", key, "", "指标要有表述模板（statement）或评价规则（rules），否则既不表述也不检查")
        if ind.statement is not None:
            compile_into(f"indicators.{key}", "indicators", key, "statement", ind.statement)
    for key, area in areas.items():
        seen: set[str] = set()
        for i, ref in enumerate(area.indicators):
            if ref not in indicators:
                problems.add("areas", key, f"indicators[{i}]", _unknown_indicator(ref, indicators))
            if ref in seen:
                problems.add("areas", key, f"indicators[{i}]", f"指标“{ref}”重复列出")
            seen.add(ref)
        for name, source in area.statements.items():
            if name in area.indicators:
                problems.add("areas", key, f"statements.{name}", f"组合表述的名称“{name}”与指标重名")
            compile_into(f"areas.{key}.{name}", "areas", key, f"statements.{name}", source)
    problems.raise_any()
    keyed = {key: attrs.evolve(ind, key=key) for key, ind in indicators.items()}
    return keyed, _Statements(sources, problem)


def _unknown_indicator(ref: str, indicators: Mapping[str, Any]) -> str:
    from .parsing import unknown_keys_message
    return unknown_keys_message([ref], list(indicators), what="指标目录中没有指标", available="可用指标")


def _unknown_item(item: str, items: set[str]) -> str:
    return f"没有“{item}”这个分项；可用：{'、'.join(sorted(items)) or '（无）'}"


_CACHE: dict[tuple[tuple[str, int, int], ...], Catalogue] = {}
_CACHE_LOCK = threading.Lock()


def load_catalogue(template_dirs: resources.TemplateDirs = ()) -> Catalogue:
    """The catalogue of the packaged templates with every ``catalogue.yaml`` of the user's folders merged over it.
    Read once per version of the files (an edited file is read again)."""
    paths = list(resources.find_all("catalogue.yaml", template_dirs))
    key = tuple((str(p.resolve()), (s := p.stat()).st_mtime_ns, s.st_size) for p in paths)
    with _CACHE_LOCK:  # one read per version, even when many threads ask at once on first use
        cached = _CACHE.get(key)
        if cached is None:
            cached = _CACHE[key] = _build(paths)
        return cached


def _build(paths: list[Path]) -> Catalogue:
    merged = _Merged()
    for path in reversed(paths):  # packaged first; the first user folder last, so it wins
        parsed, source = _read(path)
        merged.add(parsed, source)
    indicators, templates = _validate(merged)
    origins = {f"{section}.{key}": source.path for (section, key), source in merged.origin.items()}
    return Catalogue(breakdowns=dict(merged.entries["breakdowns"]), indicators=indicators,
                     areas=dict(merged.entries["areas"]), files=tuple(str(p) for p in paths), templates=templates,
                     origins=origins)


__all__ = ["AreaDef", "Breakdown", "Catalogue", "Indicator", "Rule", "load_catalogue"]
