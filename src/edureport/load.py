"""Stage 1 of the pipeline: bytes (YAML or JSON) → a typed :class:`~edureport.model.Report`.

The report's ``scheme`` decides what its ``areas`` may hold (the scheme lists the areas; the indicator catalogue types
their figures), so the scheme is read first and the areas are structured with the classes made from it. Every
problem is reported in Chinese with its field path and line (:mod:`edureport.parsing`).
"""

from __future__ import annotations

import contextvars
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import cattrs

from .areas import Areas, FigureRef, Fill, Paragraph, Part, Reviewed, StatementRef, YearRef
from .errors import DataError, FieldValueError
from .model import Report, Table
from .parsing import (
    Locator,
    TypeProblem,
    base_converter,
    check_shape,
    hook,
    parse_text,
    read_data_file,
    structure,
    structure_decimal,
    structure_error,
    structure_str,
    type_name,
)
from .quantities import Figure, Value, parse_value
from .resources import TemplateDirs
from .sandbox import Limits
from .schemes import DEFAULT_SCHEME, Scheme, load_scheme
from .text import check_text

_scheme: contextvars.ContextVar[Scheme | None] = contextvars.ContextVar("edureport_loading_scheme", default=None)


def _structure_cell(value: Any, _t: type) -> str:
    # Table cells may be numbers written without quotes (720, 2.50); numbers are read as exact decimals, so their
    # text is exactly what was written.
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return str(value)
    return structure_str(value, str)


class _Cell(str):
    """Marker type: a table cell (text, or a whole number written without quotes)."""


def _structure_rows(value: Any, _t: type) -> tuple[tuple[str, ...], ...]:
    rows: tuple[tuple[str, ...], ...] = converter.structure(value, tuple[tuple[_Cell, ...], ...])
    return rows


def _structure_title(value: Any, _t: type) -> tuple[str, ...]:
    if isinstance(value, str):
        return (check_text(value),)
    if isinstance(value, list):
        return converter.structure(value, tuple[str, ...])
    raise TypeProblem(f"应为文本或文本列表，实际是{type_name(value)}")


_PART_KEYS = {"figure": FigureRef, "statement": StatementRef, "year": YearRef, "fill": Fill}


def _structure_part(value: Any, _t: Any) -> Part:
    if isinstance(value, str):
        return check_text(value)
    if isinstance(value, Mapping):
        kind = next((k for k in _PART_KEYS if k in value), None)
        if kind is not None:
            part: Part = converter.structure(value, _PART_KEYS[kind])
            return part
    raise TypeProblem(f"应为文本，或 {{figure: …}}、{{statement: …}}、{{year: …}}、{{fill: …}}，实际是{type_name(value)}")


def _structure_parts(value: Any) -> tuple[Part, ...]:
    if not value:
        raise TypeProblem("列表不能为空")
    parts: tuple[Part, ...] = converter.structure(value, tuple[Part, ...])
    return parts


def _structure_paragraph(value: Any, _t: Any) -> Paragraph:
    # A paragraph is text, a list of parts (text and references to the data) joined into one paragraph, or either
    # of these wrapped for review ({text: …, review: 原因}).
    if isinstance(value, str):
        return check_text(value)
    if isinstance(value, list):
        return _structure_parts(value)
    if isinstance(value, Mapping) and "review" in value:
        reviewed: Reviewed = converter.structure(value, Reviewed)
        return reviewed
    raise TypeProblem("应为文本，或由文本和 {figure: …} 等组成的列表（待核对的段落写成 {text: …, review: …}），"
                      f"实际是{type_name(value)}")


def _structure_reviewed_text(value: Any, _t: Any) -> str | tuple[Part, ...]:
    if isinstance(value, str):
        return check_text(value)
    if isinstance(value, list):
        return _structure_parts(value)
    raise TypeProblem(f"应为文本或由文本和 {{figure: …}} 等组成的列表，实际是{type_name(value)}")


def _structure_value(value: Any, _t: Any) -> Value:
    # 142689; "6100余", "近500", "8.2万余", "***"; or {value: …, exact: …} when the exact number is known.
    if isinstance(value, Mapping):
        unknown = sorted(set(value) - {"value", "exact"})
        if unknown or "value" not in value:
            raise TypeProblem("应为数字、约数（如“6100余”）或 {value: 约数, exact: 准确数}" +
                              (f"；未知字段 {'、'.join(map(str, unknown))}" if unknown else ""))
        written = _structure_value(value["value"], Value)
        try:
            exact = structure_decimal(value["exact"]) if value.get("exact") is not None else None
        except TypeProblem as e:
            raise TypeProblem(f"exact {e}") from None
        return Value(written.number, written.before, written.magnitude, written.after, written.masked, exact)
    if isinstance(value, str):
        try:
            return parse_value(value)
        except ValueError as e:
            raise TypeProblem(str(e)) from None
    return Value(structure_decimal(value))


def _structure_figure(value: Any, _t: Any) -> Figure:
    # A figure is its fields ({current: …, previous: …, unit: …}), or just this year's value.
    if isinstance(value, Mapping):
        figure: Figure = _figure_fields(value, Figure)
        return figure
    if isinstance(value, list):
        raise TypeProblem("应为数字，或 {current: 今年, previous: 上年}，实际是列表")
    return Figure(current=_structure_value(value, Value))


def _structure_areas(value: Any, _t: Any) -> Areas:
    scheme = _scheme.get()
    if scheme is None:  # pragma: no cover - report_from_data always sets it when there are areas
        raise TypeProblem("缺少评价方案")
    if not isinstance(value, Mapping):
        raise TypeProblem(f"应为键值对（评价重点: 数据），实际是{type_name(value)}")
    for key in value:
        if key in scheme.catalogue.areas and key not in scheme.classes:
            where = "、".join(scheme.data_keys) or "（无）"
            raise FieldValueError(str(key), f"评价方案“{scheme.name}”的报告结构中没有“{scheme.catalogue.areas[key].name}”"
                                            f"（{key}）的位置；这个方案可用：{where}")
    record: Any = converter.structure(value, scheme.record)
    return Areas.from_record(record)


def _make_converter() -> cattrs.Converter:
    conv = base_converter()
    conv.register_structure_hook(_Cell, _structure_cell)
    conv.register_structure_hook_func(lambda t: t == Part, _structure_part)
    conv.register_structure_hook_func(lambda t: t == Paragraph, _structure_paragraph)
    conv.register_structure_hook(Value, _structure_value)
    conv.register_structure_hook(Figure, _structure_figure)
    conv.register_structure_hook(Areas, _structure_areas)
    hook(conv, Reviewed, text=_structure_reviewed_text)
    # Hooks are resolved when a class's function is generated: register inner classes first.
    hook(conv, Table, rows=_structure_rows)
    hook(conv, Report, title=_structure_title)
    return conv


converter = _make_converter()
_figure_fields = cattrs.gen.make_dict_structure_fn(Figure, converter)


def scheme_of(data: Any, template_dirs: TemplateDirs = ()) -> Scheme | None:
    """The scheme report data names (the default scheme when it has areas but names none), or None."""
    if not isinstance(data, Mapping):
        return None
    name = data.get("scheme")
    if name is None:
        return load_scheme(DEFAULT_SCHEME, template_dirs) if data.get("areas") is not None else None
    if not isinstance(name, str):
        return None  # reported by the loader as a wrong type, with its path
    return load_scheme(name, template_dirs)


def report_from_data(data: Any, source: str = "<数据>", *, text: str | None = None, fmt: str = "yaml",
                     template_dirs: TemplateDirs = (), limits: Limits | None = None) -> Report:
    """Structure already-parsed data (dicts and lists, as from ``json.loads``) into a Report; ``template_dirs``
    are where the scheme (and the catalogue) named in the data are looked for, before the packaged ones. The data
    is first checked against ``limits`` (depth, number of values, text length, digits)."""
    if problems := check_shape(data, limits or Limits()):
        locate = Locator(text, fmt)
        raise DataError(source, [locate.problem(path, message) for path, message in problems])
    return _report(data, source, text, fmt, template_dirs)


def _report(data: Any, source: str, text: str | None, fmt: str, template_dirs: TemplateDirs) -> Report:
    try:
        scheme = scheme_of(data, template_dirs)
    except DataError as e:
        if e.source == "scheme":  # the data names a scheme that does not exist: the data's problem
            raise structure_error(DataError(source, e.problems), Report, source, text, fmt) from None
        raise
    token = _scheme.set(scheme)
    try:
        return structure(data, Report, source, converter, text=text, fmt=fmt)
    finally:
        _scheme.reset(token)


def loads_report(data: str | bytes, source: str = "<数据>", fmt: str | None = None, *,
                 template_dirs: TemplateDirs = (), limits: Limits | None = None) -> Report:
    """Parse YAML or JSON text (``fmt`` 'yaml' or 'json'; guessed from the first character when omitted)."""
    parsed, text, fmt = parse_text(data, source, fmt, limits)  # checked against the limits as it is parsed
    return _report(parsed, source, text, fmt, template_dirs)


def load_report(path: str | Path, *, template_dirs: TemplateDirs = (), limits: Limits | None = None) -> Report:
    """Read a report data file (``.yaml``/``.yml``/``.json``)."""
    p = Path(path)
    data = read_data_file(p, limits)
    fmt = "json" if p.suffix.lower() == ".json" else "yaml"
    return loads_report(data, str(p), fmt, template_dirs=template_dirs, limits=limits)


__all__ = ["converter", "load_report", "loads_report", "report_from_data", "scheme_of"]
