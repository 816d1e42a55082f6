"""The evaluation areas (评价重点) and narrative parts of a report, as typed classes made from the indicator catalogue.

Every area has a title, paragraphs and titled measures (举措); its indicators are fields whose type follows the
catalogue (a :class:`~edureport.quantities.Figure` this year and last, per breakdown item where the indicator has
one, yes/no for a flag). Which areas exist is data: a scheme lists them, the catalogue defines the common ones, and
:func:`area_class` makes a frozen attrs class for each, so code gets validated objects
(``report.areas["funding"].budget_expenditure.current``). The common areas are importable by name::

    from edureport.areas import Funding, Equity

A paragraph is text, or a list of parts: text, ``{figure: AREA.INDICATOR}`` (a value stated from the data),
``{statement: AREA.NAME}`` (a whole statement in officials' wording), ``{year: 0}`` (the evaluation year, or a year
relative to it) and ``{fill: 说明}`` (something still to write). A paragraph carried over from last year that holds
hand-typed numbers is wrapped as ``{text: …, review: 原因}`` until a person has checked it.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import attrs

from .errors import FieldValueError
from .fields import label as _label
from .fields import nonblank as _nonblank
from .fields import nonblank_texts, typed
from .quantities import Figure, number_words
from .sandbox import value_type
from .text import check_nonblank, check_text

if TYPE_CHECKING:
    from .catalogue import AreaDef, Catalogue, Indicator

Status = Literal["待整改", "持续推进", "基本完成", "已完成"]
Show = Literal["value", "previous", "change", "rate", "number", "verdict"]


@value_type
@attrs.frozen(field_transformer=typed)
class FigureRef:
    """A place in a paragraph where a figure of the data is stated: ``{figure: equity.inclusive_kindergarten_coverage}``
    (this year's value with its unit), with ``show`` for last year's value (previous), the change (change: 增长1.45%),
    the size of the change (rate: 1.45%), the number without its unit (number), or whether it rose every time
    (verdict: 实现了只增不减 / 未实现只增不减)."""

    figure: str = attrs.field(metadata=_label("数字", "评价重点.指标，如 equity.inclusive_kindergarten_coverage"))
    show: Show = attrs.field(default="value", metadata=_label(
        "显示", "value 今年的数（默认）；previous 上年的数；change 增减（增长1.45%）；rate 增减幅度（1.45%）；"
                "number 不带单位；verdict 是否实现只增不减"))


@value_type
@attrs.frozen(field_transformer=typed)
class StatementRef:
    """A whole statement of the catalogue in officials' wording: ``{statement: funding.two_no_decrease}``."""

    statement: str = attrs.field(metadata=_label("表述", "评价重点.指标 或 评价重点.组合表述，如 funding.two_no_decrease"))


@value_type
@attrs.frozen(field_transformer=typed)
class YearRef:
    """A year relative to the evaluation year: ``{year: 0}`` → 2023年, ``{year: 1}`` → 2024年."""

    year: int = attrs.field(metadata=_label("年份", "相对于评价年度：0 为评价年度，1 为次年，-1 为上一年"))

    @year.validator
    def _check(self, attribute: attrs.Attribute[Any], value: int) -> None:
        if isinstance(value, bool) or not -10 <= value <= 10:
            raise FieldValueError("year", "应为 -10 到 10 之间的整数（相对于评价年度）")


@value_type
@attrs.frozen(field_transformer=typed)
class Fill:
    """Something still to be written: a draft shows 【待填写：…】, a final render refuses."""

    fill: str = attrs.field(validator=_nonblank, metadata=_label("待填写", "说明要填写什么"))


Part = str | FigureRef | StatementRef | YearRef | Fill
Parts = tuple[Part, ...]


@value_type
@attrs.frozen(field_transformer=typed)
class Reviewed:
    """A paragraph a person must check before a final render (carried over from last year with hand-typed
    numbers, years or 文号): delete ``review`` once it is updated or confirmed."""

    text: str | Parts = attrs.field(metadata=_label("段落"))
    review: str = attrs.field(validator=_nonblank, metadata=_label("待核对", "核对或修改后删去 review 这一项"))


Paragraph = str | Parts | Reviewed
PART_TYPES = (FigureRef, StatementRef, YearRef, Fill)


def _paragraph(value: Any) -> Paragraph:
    if isinstance(value, (str, Reviewed)):
        return value
    return tuple(value)


def _paragraphs(value: Any) -> tuple[Paragraph, ...]:
    return tuple(_paragraph(p) for p in value)


def check_paragraph(paragraph: Any, where: str) -> None:
    """A paragraph must be text or parts that a document can hold (raises FieldValueError with its path)."""
    if isinstance(paragraph, Reviewed):
        check_paragraph(paragraph.text, f"{where}.text")
        return
    if isinstance(paragraph, str):
        try:
            check_text(paragraph)
        except ValueError as e:
            raise FieldValueError(where, str(e)) from None
        return
    if not isinstance(paragraph, tuple) or not paragraph:
        raise FieldValueError(where, "应为文本，或由文本和 {figure: …} 等组成的列表")
    for j, part in enumerate(paragraph):
        if isinstance(part, str):
            try:
                check_text(part)
            except ValueError as e:
                raise FieldValueError(f"{where}[{j}]", str(e)) from None
        elif not isinstance(part, PART_TYPES):
            raise FieldValueError(f"{where}[{j}]", "应为文本、{figure: …}、{statement: …}、{year: …} 或 {fill: …}")


def _check_paragraphs(_inst: Any, attribute: attrs.Attribute[Any], value: tuple[Paragraph, ...]) -> None:
    for i, paragraph in enumerate(value):
        check_paragraph(paragraph, f"{attribute.name}[{i}]")


def paragraphs_field(zh: str = "段落", help_zh: str = "") -> Any:
    return attrs.field(default=(), converter=_paragraphs, validator=_check_paragraphs, metadata=_label(zh, help_zh))


def _numbering(_inst: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    if value not in ("restart", "continue"):
        raise FieldValueError(attribute.name, f"只能是 restart 或 continue，不能是“{value}”")


@value_type
@attrs.frozen(field_transformer=typed)
class Measure:
    """A titled measure (一项举措) under an area: paragraphs, "一是……" points, and sub-measures."""

    title: str = attrs.field(validator=_nonblank, metadata=_label("标题", "不写编号"))
    paragraphs: tuple[Paragraph, ...] = paragraphs_field()
    points: tuple[Paragraph, ...] = paragraphs_field("分点", "每项一句，生成“一是……；二是……。”")
    measures: tuple[Measure, ...] = attrs.field(default=(), converter=tuple, metadata=_label("下级举措"))
    run_in: bool = attrs.field(default=True, metadata=_label("标题与正文同段"))
    numbering: Literal["restart", "continue"] = attrs.field(default="restart", validator=_numbering,
                                                           metadata=_label("下级编号方式"))


def _local_figures(_inst: Any, attribute: attrs.Attribute[Any], value: dict[str, Figure]) -> None:
    for name, figure in value.items():
        where = f"{attribute.name}.{name}"
        try:
            check_nonblank(name)
        except ValueError as e:
            raise FieldValueError(where, f"名称{e}") from None
        if not isinstance(figure, Figure):
            raise FieldValueError(where, "应为数字（current 今年、previous 上年、unit 单位）")
        if figure.unit is None:
            raise FieldValueError(f"{where}.unit", "请写单位（如 万元、所、人次、%；系数等没有单位的写 \"\"）")
        _check_figure(figure, where, "rate" if figure.unit == "%" else "quantity", None)


@value_type
@attrs.frozen(kw_only=True, field_transformer=typed)
class AreaBase:
    """What every area and narrative part has: a title (the scheme's heading when omitted), paragraphs, measures,
    figures of its own that no catalogue lists (``figures``: name → value with unit), and the self-assessed score."""

    title: str | None = attrs.field(default=None, metadata=_label("标题", "省略时用评价方案中的标题"))
    paragraphs: tuple[Paragraph, ...] = paragraphs_field()
    measures: tuple[Measure, ...] = attrs.field(default=(), converter=tuple, metadata=_label("分项（举措）"))
    figures: dict[str, Figure] = attrs.field(factory=dict, validator=_local_figures, metadata=_label(
        "本地数字", "指标目录中没有的数字：名称 → {current: 今年, previous: 上年, unit: 单位}；用 {figure: 评价重点.名称} 引用"))
    self_score: Decimal | None = attrs.field(default=None, metadata=_label("自评得分"))

    @title.validator
    def _check_title(self, attribute: attrs.Attribute[Any], value: str | None) -> None:
        if value is not None:
            try:
                check_nonblank(value)
            except ValueError as e:
                raise FieldValueError("title", str(e)) from None

    @self_score.validator
    def _check_score(self, attribute: attrs.Attribute[Any], value: Decimal | None) -> None:
        if value is not None and value < 0:
            raise FieldValueError("self_score", "不能为负数")

    def __attrs_post_init__(self) -> None:
        for name in self.figures:
            if name in type(self).__indicators__:
                raise FieldValueError(f"figures.{name}", f"“{name}”是指标目录中的指标，请直接写在 {name} 下")

    # set on each class made by area_class()
    __area__: ClassVar[str] = ""
    __indicators__: ClassVar[tuple[str, ...]] = ()
    __statements__: ClassVar[tuple[str, ...]] = ()
    __items__: ClassVar[Mapping[str, tuple[str, ...]]] = {}

    def indicator_values(self) -> Iterator[tuple[str, Any]]:
        """(indicator key, value) of every indicator this area has a value for."""
        for key in type(self).__indicators__:
            value = getattr(self, key)
            if value is not None and value != {}:
                yield key, value


@value_type
@attrs.frozen(field_transformer=typed)
class RectificationItem:
    """One problem found by last year's evaluation, and what was done about it."""

    problem: str = attrs.field(validator=_nonblank, metadata=_label("问题"))
    actions: tuple[Paragraph, ...] = paragraphs_field("整改情况")
    status: Status | None = attrs.field(default=None, metadata=_label("整改状态", "待整改、持续推进、基本完成 或 已完成"))

    @status.validator
    def _check_status(self, attribute: attrs.Attribute[Any], value: str | None) -> None:
        choices = ("待整改", "持续推进", "基本完成", "已完成")
        if value is not None and value not in choices:
            raise FieldValueError("status", f"只能是 {' 或 '.join(choices)}，不能是“{value}”")


@value_type
@attrs.frozen(field_transformer=typed)
class RectificationGroup:
    """Problems grouped under one heading (关于教育投入力度不够的问题)."""

    title: str = attrs.field(validator=_nonblank, metadata=_label("问题类别标题"))
    items: tuple[RectificationItem, ...] = attrs.field(default=(), converter=tuple, metadata=_label("问题"))


@value_type
@attrs.frozen(kw_only=True, field_transformer=typed)
class RectificationBase(AreaBase):
    """问题整改: last year's problems (问题 → 整改情况 → 状态), in groups or as a flat list."""

    groups: tuple[RectificationGroup, ...] = attrs.field(default=(), converter=tuple, metadata=_label("问题分组"))
    items: tuple[RectificationItem, ...] = attrs.field(default=(), converter=tuple, metadata=_label("问题"))

    def all_items(self) -> Iterator[tuple[str, RectificationItem]]:
        for i, item in enumerate(self.items):
            yield f"items[{i}]", item
        for g, group in enumerate(self.groups):
            for i, item in enumerate(group.items):
                yield f"groups[{g}].items[{i}]", item


# ---------------------------------------------------------------------------------------------------------------
# Classes made from the catalogue


def _check_value(value: Any, where: str, kind: str) -> None:
    if value is None:
        return
    for name in ("number", "exact"):
        number = getattr(value, name)
        if number is None:
            continue
        scaled = value.scaled() if name == "number" else number
        if number < 0:
            raise FieldValueError(where, f"不能为负数（{number}）")
        if kind == "rate" and scaled is not None and scaled > 100:
            raise FieldValueError(where, f"比率应在0到100之间（单位为%），实际是{number}")
        if kind == "count" and name == "number" and not value.magnitude and number != number.to_integral_value():
            raise FieldValueError(where, f"个数应为整数，实际是{number}")


def _check_figure(figure: Figure, where: str, kind: str, indicator: Indicator | None) -> None:
    _check_value(figure.current, f"{where}.current", kind)
    _check_value(figure.previous, f"{where}.previous", kind)
    if figure.unit is not None and indicator is not None:
        if kind == "amount" and figure.unit not in number_words().money_units:
            raise FieldValueError(f"{where}.unit", f"金额单位只能是 {'、'.join(number_words().money_units)}，"
                                                   f"不能是“{figure.unit}”")
        if kind == "rate" and figure.unit != "%":
            raise FieldValueError(f"{where}.unit", "比率的单位是 %")
        if kind not in ("amount", "rate"):
            try:
                check_nonblank(figure.unit)
            except ValueError as e:
                raise FieldValueError(f"{where}.unit", str(e)) from None


def _figure_validator(indicator: Indicator, items: tuple[str, ...]) -> Any:
    def check(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None:
            return
        if indicator.kind == "flag":
            if not isinstance(value, bool):
                raise FieldValueError(attribute.name, "应为 true（是）或 false（否）")
            return
        if items:
            if not isinstance(value, dict):
                raise FieldValueError(attribute.name, f"应按{'、'.join(items)}分项填写")
            for item, figure in value.items():
                if item not in items:
                    raise FieldValueError(f"{attribute.name}.{item}", f"不认识的“{item}”；可用：{'、'.join(items)}")
                if not isinstance(figure, Figure):
                    raise FieldValueError(f"{attribute.name}.{item}", "应为数字（current 今年、previous 上年）")
                _check_figure(figure, f"{attribute.name}.{item}", indicator.kind, indicator)
            return
        if not isinstance(value, Figure):
            raise FieldValueError(attribute.name, "应为数字（current 今年、previous 上年）")
        _check_figure(value, attribute.name, indicator.kind, indicator)
    return check


def _to_figure(value: Any) -> Any:
    """Converter for code: a plain number or written value is this year's value."""
    if value is None or isinstance(value, (Figure, bool, dict)):
        return value
    return Figure(current=value)


def _to_figures(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _to_figure(v) for k, v in value.items()}
    return value


def indicator_field(catalogue: Catalogue, indicator: Indicator) -> Any:
    """The attrs field of one indicator: its type follows the indicator's kind and breakdown."""
    items = catalogue.items(indicator)
    help_zh = indicator.wording + (f"（{indicator.unit_of()}）" if indicator.unit_of() else "")
    if indicator.kind == "flag":
        flag: Any = bool | None
        return attrs.field(default=None, type=flag, validator=_figure_validator(indicator, ()),
                           metadata=_label(indicator.name, help_zh))
    if items:
        key_type: Any = Literal[items]
        breakdown = catalogue.breakdowns[indicator.breakdown or ""].name
        per_item: Any = dict[key_type, Figure] | None
        return attrs.field(default=None, type=per_item,
                           converter=_to_figures, validator=_figure_validator(indicator, items),
                           metadata=_label(indicator.name, f"{help_zh}；按{breakdown}填写：{'、'.join(items)}"))
    single: Any = Figure | None
    return attrs.field(default=None, type=single, converter=_to_figure,
                       validator=_figure_validator(indicator, ()), metadata=_label(indicator.name, help_zh))


def class_name(key: str) -> str:
    return "".join(part.capitalize() for part in key.split("_"))


_CLASSES: dict[tuple[Any, ...], type[AreaBase]] = {}
_LOCK = threading.Lock()


def area_class(catalogue: Catalogue, key: str, definition: AreaDef) -> type[AreaBase]:
    """The frozen attrs class of one area: the base fields, plus one field per indicator of ``definition``."""
    cache_key = (id(catalogue), key, definition.kind, definition.indicators, tuple(definition.statements))
    with _LOCK:
        cls = _CLASSES.get(cache_key)
        if cls is None:
            base = RectificationBase if definition.kind == "rectification" else AreaBase
            fields = {ind: indicator_field(catalogue, catalogue.indicators[ind]) for ind in definition.indicators}
            made: Any = attrs.make_class(class_name(key), fields, bases=(base,), frozen=True, kw_only=True)
            made.__doc__ = definition.name
            made.__module__ = __name__
            made.__area__ = key
            made.__indicators__ = definition.indicators
            stated = tuple(i for i in definition.indicators if catalogue.indicators[i].statement is not None)
            made.__statements__ = (*stated, *definition.statements)
            made.__items__ = {i: catalogue.items(catalogue.indicators[i]) for i in definition.indicators}
            value_type(made)
            cls = _CLASSES[cache_key] = made
        return cls


def _optional(cls: type) -> Any:
    return cls | None


def areas_record_class(scheme: str, classes: Mapping[str, type[AreaBase]]) -> type:
    """The shape of a report's ``areas`` under one scheme: an optional field per area the scheme allows, and the
    evaluators' feedback (not shown in the report; next year's rectification items)."""
    fields: dict[str, Any] = {key: attrs.field(default=None, type=_optional(cls), metadata=_label(cls.__doc__ or key))
                              for key, cls in classes.items()}
    fields["feedback"] = attrs.field(default=(), type=tuple[str, ...], converter=tuple, validator=nonblank_texts,
                                     metadata=_label("督导反馈问题", "上级评价反馈的问题；不在报告中显示，次年结转时转为整改事项"))
    record = attrs.make_class(f"Areas_{re.sub(r'[^0-9A-Za-z_]', '_', scheme)}", fields, frozen=True, kw_only=True)
    record.__module__ = __name__
    return record


class Areas(Mapping[str, AreaBase]):
    """A report's areas: area key → its data (an object of the area's class), in the order given, plus the
    evaluators' ``feedback``. Immutable. ``Areas(funding=Funding(...), feedback=[...])`` or ``Areas({...})``."""

    __slots__ = ("_items", "feedback")
    _items: dict[str, AreaBase]
    feedback: tuple[str, ...]

    def __init__(self, items: Mapping[str, Any] | None = None, /, *, feedback: Any = (), **areas: Any) -> None:
        merged = {**(items or {}), **areas}
        for key, value in merged.items():
            if value is not None and not isinstance(value, AreaBase):
                raise FieldValueError(str(key), "应为评价重点的数据（如 edureport.areas.Funding(...)）")
        object.__setattr__(self, "_items", {k: v for k, v in merged.items() if v is not None})
        feedback = tuple(feedback)
        for i, text in enumerate(feedback):
            if not isinstance(text, str):
                raise FieldValueError(f"feedback[{i}]", "应为文本")
            try:
                check_nonblank(text)
            except ValueError as e:
                raise FieldValueError(f"feedback[{i}]", str(e)) from None
        object.__setattr__(self, "feedback", feedback)

    def __setattr__(self, name: str, value: Any) -> None:
        raise attrs.exceptions.FrozenInstanceError()

    @classmethod
    def from_record(cls, record: Any) -> Areas:
        values = {f.name: getattr(record, f.name) for f in attrs.fields(type(record)) if f.name != "feedback"}
        return cls(values, feedback=record.feedback)

    def __getitem__(self, key: str) -> AreaBase:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Areas):
            return NotImplemented
        return self._items == other._items and self.feedback == other.feedback

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Areas({self._items!r}, feedback={self.feedback!r})"

    def present(self) -> list[str]:
        """Keys of the areas this report has data for."""
        return list(self._items)


#: the areas of a report that has none (so code can read ``report.areas or NO_AREAS`` as a mapping)
NO_AREAS = Areas()


def to_areas(value: Any) -> Areas | None:
    """Converter of ``Report.areas``: a mapping of area objects (or an Areas) becomes an Areas."""
    if value is None or isinstance(value, Areas):
        return value
    if isinstance(value, Mapping):
        feedback = value.get("feedback", ())
        return Areas({k: v for k, v in value.items() if k != "feedback"}, feedback=feedback)
    if attrs.has(type(value)) and any(f.name == "feedback" for f in attrs.fields(type(value))):
        return Areas.from_record(value)
    raise FieldValueError("areas", "应为评价重点名称到数据的对应（如 {\"funding\": Funding(...)}）")


# ---------------------------------------------------------------------------------------------------------------
# Walking the narrative


def area_paragraphs(area: AreaBase, path: str) -> Iterator[tuple[str, Paragraph]]:
    """(field path, paragraph) of every paragraph of an area: its own, its measures' (with their points), and the
    整改情况 of rectification items."""
    for i, p in enumerate(area.paragraphs):
        yield f"{path}.paragraphs[{i}]", p
    yield from _measure_paragraphs(area.measures, path)
    if isinstance(area, RectificationBase):
        for where, item in area.all_items():
            for i, p in enumerate(item.actions):
                yield f"{path}.{where}.actions[{i}]", p


def _measure_paragraphs(measures: tuple[Measure, ...], path: str) -> Iterator[tuple[str, Paragraph]]:
    for m, measure in enumerate(measures):
        here = f"{path}.measures[{m}]"
        for i, p in enumerate(measure.paragraphs):
            yield f"{here}.paragraphs[{i}]", p
        for i, p in enumerate(measure.points):
            yield f"{here}.points[{i}]", p
        yield from _measure_paragraphs(measure.measures, here)


def parts_of(paragraph: Paragraph) -> Parts:
    """The parts of a paragraph (a text paragraph is one part; a reviewed one, the parts of its text)."""
    if isinstance(paragraph, Reviewed):
        return parts_of(paragraph.text)
    return (paragraph,) if isinstance(paragraph, str) else paragraph


# ---------------------------------------------------------------------------------------------------------------
# The common areas, importable by name (from edureport.areas import Funding)


def common_classes() -> dict[str, type[AreaBase]]:
    """The classes of the packaged catalogue's areas, by class name (Funding, Equity …)."""
    from .catalogue import load_catalogue
    catalogue = load_catalogue()
    return {class_name(key): area_class(catalogue, key, d) for key, d in catalogue.areas.items()}


def __getattr__(name: str) -> Any:
    # Only a class name (Funding) reads the catalogue: the import system asks every module for __path__ on each
    # `from .areas import …`, which must not load and compile the whole catalogue (~190 ms at start-up)
    if name[:1].isupper():
        classes = common_classes()
        if name in classes:
            return classes[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "AreaBase",
    "Areas",
    "FigureRef",
    "Fill",
    "Measure",
    "Paragraph",
    "Part",
    "RectificationBase",
    "RectificationGroup",
    "RectificationItem",
    "Reviewed",
    "StatementRef",
    "YearRef",
    "area_class",
]


# ---------------------------------------------------------------------------------------------------------------
# References from paragraphs to figures


@attrs.frozen(field_transformer=typed)
class Target:
    """What ``{figure: AREA.NAME[.ITEM]}`` points at: an indicator (``indicator`` True) or a figure of the area's
    own, and for an indicator with a breakdown, one item or (``item`` None) all of them."""

    area: str
    name: str
    item: str | None
    indicator: bool


def locate(areas: Mapping[str, AreaBase] | None, ref: str, statement: bool = False) -> Target:
    """Resolve a reference against the report's areas; ValueError (Chinese) when it points at nothing."""
    parts = ref.split(".")
    if len(parts) not in (2, 3) or not all(parts):
        form = "评价重点.表述名称" if statement else "评价重点.指标（或 评价重点.指标.分项）"
        raise ValueError(f"“{ref}”应写成 {form}，如 {'funding.two_no_decrease' if statement else 'funding.budget_funds'}")
    key, name = parts[0], parts[1]
    item = parts[2] if len(parts) == 3 else None
    area = (areas or {}).get(key)
    if area is None:
        have = "、".join(areas or {}) or "（无）"
        raise ValueError(f"报告中没有评价重点“{key}”的数据；已有：{have}")
    cls = type(area)
    if statement:
        if item is not None or name not in cls.__statements__:
            from .parsing import unknown_keys_message
            raise ValueError(unknown_keys_message([name], list(cls.__statements__), what=f"评价重点“{key}”没有表述",
                                                  available="可用表述"))
        return Target(key, name, None, name in cls.__indicators__)
    if name in cls.__indicators__:
        value = getattr(area, name)
        if item is not None:
            choices = cls.__items__.get(name, ())
            if not choices:
                raise ValueError(f"指标“{name}”没有分项，不能写“.{item}”")
            if item not in choices:
                raise ValueError(f"指标“{name}”没有分项“{item}”；可用：{'、'.join(map(str, choices))}")
            if isinstance(value, dict) and item not in value:
                raise ValueError(f"{key}.{name} 中没有填写“{item}”")
        return Target(key, name, item, True)
    if name in area.figures:
        if item is not None:
            raise ValueError(f"本地数字“{name}”没有分项")
        return Target(key, name, None, False)
    from .parsing import unknown_keys_message
    known = [*cls.__indicators__, *area.figures]
    raise ValueError(unknown_keys_message([name], known, what=f"评价重点“{key}”中没有数字", available="可用"))
