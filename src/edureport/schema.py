"""JSON Schema (draft 2020-12) of the report data format, for systems that produce the data.

Generated from the attrs classes, so it cannot drift from what the loader accepts. No maintained library turns attrs
classes into JSON Schema (cattrs structures, it does not describe), so the walk over ``attrs.fields`` is written here.
Rules JSON Schema cannot state (a table row as long as its header, a statement belonging to its area) are enforced
by the loader only.
"""

from __future__ import annotations

import datetime as dt
import types
from decimal import Decimal
from typing import Any, Literal, Union, get_args, get_origin

import attrs

from .areas import PART_TYPES, AreaBase, Areas, Paragraph, Part, Reviewed
from .model import MAX_HEADING_LEVEL, Report, Section, Table
from .quantities import Figure, Value, number_words
from .resources import TemplateDirs
from .schemes import DEFAULT_SCHEME, Scheme, load_scheme

# text: no control characters and no lone surrogates (what the loader refuses)
_BAD = "\\u0000-\\u001f\\ud800-\\udfff\\ufffe\\uffff"
_LINE = {"type": "string", "pattern": f"^[^{_BAD}]*$"}
_NONBLANK = {"type": "string", "pattern": f"^[^{_BAD}]*[^\\s{_BAD}][^{_BAD}]*$"}
_NUMBER = {"anyOf": [{"type": "number"}, {"type": "string", "pattern": "^[-+]?(\\d+(\\.\\d*)?|\\.\\d+)$"}]}
_DATE = {"anyOf": [{"type": "string", "format": "date"},
                   {"type": "string", "pattern": "^\\d{4}年\\d{1,2}月\\d{1,2}日$"}]}


def _written_pattern() -> str:
    """The written forms of a value the loader accepts: 6100余, 近500, 8.2万余, ***."""
    words = number_words()

    def alternatives(items: Any) -> str:
        return "|".join(sorted(items, key=len, reverse=True))
    mask = "".join(f"\\{c}" if c in "*" else c for c in words.mask)
    return (f"^(?:[{mask}]+(?:\\.[{mask}]+)?|(?:{alternatives(words.before)})?\\d+(?:\\.\\d+)?"
            f"(?:{alternatives(words.magnitudes)})?(?:{alternatives(words.after)})?)$")


class _Builder:
    def __init__(self, scheme: Scheme | None = None) -> None:
        self.defs: dict[str, Any] = {}
        self.scheme = scheme

    def value_schema(self, maximum: int | None) -> dict[str, Any]:
        name = "Value" if maximum is None else "RateValue"
        if name not in self.defs:
            number: dict[str, Any] = {"type": "number", "minimum": 0}
            if maximum is not None:
                number["maximum"] = maximum
            written = {"anyOf": [number, {"type": "string", "pattern": _written_pattern()}]}
            self.defs[name] = {"anyOf": [*written["anyOf"], {
                "type": "object", "properties": {"value": written, "exact": number}, "required": ["value"],
                "additionalProperties": False}],
                "description": "数字；约数写成“6100余”“近500”“8.2万余”；隐去的数字写成“***”；知道准确数时写 {value: 约数, exact: 准确数}"}
        return {"$ref": f"#/$defs/{name}"}

    def local_figure_schema(self) -> dict[str, Any]:
        if "LocalFigure" not in self.defs:
            value = self.value_schema(None)
            self.defs["LocalFigure"] = {
                "type": "object", "additionalProperties": False, "required": ["unit"],
                "properties": {"current": {"anyOf": [value, {"type": "null"}], "description": "今年"},
                               "previous": {"anyOf": [value, {"type": "null"}], "description": "上年"},
                               "unit": {**dict(_LINE), "description": "单位（%为比率；没有单位时写空字符串）"},
                               "stated_change": {"anyOf": [dict(_NUMBER), {"type": "null"}]}},
                "description": "指标目录中没有的数字：今年、上年和单位"}
        return {"$ref": "#/$defs/LocalFigure"}

    def figure_schema(self, kind: str) -> dict[str, Any]:
        rate = kind == "rate"
        name = {"rate": "RateFigure", "amount": "AmountFigure"}.get(kind, "Figure")
        if name not in self.defs:
            value = self.value_schema(100 if rate else None)
            unit: dict[str, Any] = {"enum": ["%"]} if rate else {"enum": list(number_words().money_units)} \
                if kind == "amount" else dict(_NONBLANK)
            self.defs[name] = {"anyOf": [value, {
                "type": "object", "additionalProperties": False,
                "properties": {"current": {"anyOf": [value, {"type": "null"}], "description": "今年"},
                               "previous": {"anyOf": [value, {"type": "null"}], "description": "上年"},
                               "unit": {"anyOf": [unit, {"type": "null"}], "description": "单位"},
                               "stated_change": {"anyOf": [dict(_NUMBER), {"type": "null"}],
                                                 "description": "原文所述增幅（%，比率为百分点）"}}}]}
        return {"$ref": f"#/$defs/{name}"}

    def type_schema(self, t: Any, field: attrs.Attribute[Any] | None = None, owner: str = "") -> dict[str, Any]:
        origin, args = get_origin(t), get_args(t)
        if t is str:
            return dict(_LINE)
        if t is bool:
            return {"type": "boolean"}
        if t is int:
            return {"type": "integer"}
        if t is Decimal:
            return dict(_NUMBER)
        if t is dt.date:
            return dict(_DATE)
        if t is Figure:
            return self.figure_schema("quantity")
        if t is Value:
            return self.value_schema(None)
        if t is Areas:
            return self.areas_schema()
        if t == Part:
            return {"anyOf": [dict(_LINE), *[self.type_schema(c) for c in PART_TYPES]]}
        if t == Paragraph:
            parts = {"type": "array", "items": self.type_schema(Part), "minItems": 1}
            return {"anyOf": [dict(_LINE), parts, self.type_schema(Reviewed)]}
        if t == str | tuple[Part, ...]:
            return {"anyOf": [dict(_LINE), {"type": "array", "items": self.type_schema(Part), "minItems": 1}]}
        if origin is Literal:
            return {"enum": list(args)}
        if origin in (Union, types.UnionType):
            options = [a for a in args if a is not type(None)]
            inner = self.type_schema(options[0], field, owner) if len(options) == 1 else {
                "anyOf": [self.type_schema(a) for a in options]}
            return {"anyOf": [inner, {"type": "null"}]} if type(None) in args else inner
        if origin is tuple:
            return {"type": "array", "items": self.type_schema(args[0])}
        if origin is dict:
            key, value = args
            schema: dict[str, Any] = {"type": "object", "additionalProperties": self.type_schema(value)}
            if get_origin(key) is Literal:
                schema["propertyNames"] = {"enum": list(get_args(key))}
            return schema
        if attrs.has(t):
            return self.ref(t)
        raise TypeError(f"no JSON Schema for {t!r}")  # a programming error: a new field type needs a rule here

    def areas_schema(self) -> dict[str, Any]:
        if self.scheme is None:
            return {"type": "object"}
        properties: dict[str, Any] = {}
        for key, cls in self.scheme.classes.items():
            properties[key] = {**self.ref(cls), "description": cls.__doc__ or key}
        properties["feedback"] = {"type": "array", "items": dict(_NONBLANK),
                                  "description": "督导反馈问题：不在报告中显示，次年结转时转为整改事项"}
        return {"type": "object", "properties": properties, "additionalProperties": False,
                "description": f"评价方案“{self.scheme.name}”的评价重点和报告部分"}

    def indicator_schema(self, cls: type[AreaBase], field: attrs.Attribute[Any]) -> dict[str, Any] | None:
        if self.scheme is None or field.name not in cls.__indicators__:
            return None
        indicator = self.scheme.catalogue.indicators[field.name]
        if indicator.kind == "flag":
            return {"anyOf": [{"type": "boolean"}, {"type": "null"}]}
        figure = self.figure_schema(indicator.kind)
        items = self.scheme.catalogue.items(indicator)
        if items:
            return {"anyOf": [{"type": "object", "propertyNames": {"enum": list(items)},
                               "additionalProperties": figure}, {"type": "null"}]}
        return {"anyOf": [figure, {"type": "null"}]}

    def ref(self, cls: type, depth: int | None = None) -> dict[str, Any]:
        name = cls.__name__ if depth is None else f"{cls.__name__}{depth}"
        if name not in self.defs:
            self.defs[name] = {}  # reserve: classes refer to themselves
            self.defs[name] = self.object_schema(cls, depth)
        return {"$ref": f"#/$defs/{name}"}

    def object_schema(self, cls: type, depth: int | None = None) -> dict[str, Any]:
        attrs.resolve_types(cls)
        properties: dict[str, Any] = {}
        required = []
        for field in attrs.fields(cls):
            if field.name == "source" and cls.__name__ == "Scheme":
                continue
            schema = self.field_schema(cls, field, depth)
            if schema is None:
                continue
            label = field.metadata.get("zh")
            if label:
                help_text = field.metadata.get("help")
                schema = {**schema, "description": label + (f"：{help_text}" if help_text else "")}
            properties[field.name] = schema
            if field.default is attrs.NOTHING:
                required.append(field.name)
        result: dict[str, Any] = {"type": "object", "properties": properties, "additionalProperties": False}
        if cls.__doc__:
            result["title"] = cls.__name__
        if required:
            result["required"] = required
        return result

    def field_schema(self, cls: type, field: attrs.Attribute[Any], depth: int | None) -> dict[str, Any] | None:
        if isinstance(cls, type) and issubclass(cls, AreaBase) and (schema := self.indicator_schema(cls, field)):
            return schema
        if isinstance(cls, type) and issubclass(cls, AreaBase) and field.name == "figures":
            return {"type": "object", "additionalProperties": self.local_figure_schema()}
        # Sections nest four levels deep at most: Section1 … Section4, the last without sub-sections.
        if cls is Report and field.name == "sections":
            return {"type": "array", "items": self.ref(Section, 1)}
        if cls is Section and field.name == "sections":
            if depth is None or depth >= MAX_HEADING_LEVEL:
                return None
            return {"type": "array", "items": self.ref(Section, depth + 1)}
        if cls is Report and field.name == "title":
            return {"anyOf": [dict(_NONBLANK), {"type": "array", "items": dict(_NONBLANK), "minItems": 1}]}
        if cls is Table and field.name == "rows":
            cell = {"anyOf": [dict(_LINE), {"type": "integer"}, dict(_NUMBER)]}
            return {"type": "array", "items": {"type": "array", "items": cell}}
        if field.name in ("paragraphs", "opening") and field.type == tuple[str, ...]:
            return {"type": "array", "items": dict(_LINE)}
        if field.name == "copy_number":
            return {"anyOf": [{"type": "string", "pattern": "^[0-9]{6}$"}, {"type": "null"}]}
        if field.name in ("serial",):
            return {"type": "integer", "minimum": 1}
        if field.name == "year" and cls.__name__ in ("Report", "DocNumber"):
            year = {"type": "integer", "minimum": 1949, "maximum": 2200}
            return year if cls.__name__ == "DocNumber" else {"anyOf": [year, {"type": "null"}]}
        if field.name in ("title", "issuer_mark", "organ", "printer", "problem") and field.type is str:
            return dict(_NONBLANK)
        return self.type_schema(field.type, field, cls.__name__)


def report_schema(scheme: str | Scheme | None = None, template_dirs: TemplateDirs = ()) -> dict[str, Any]:
    """The JSON Schema of a report data file under one scheme (the default scheme when none is named): its areas
    are the scheme's, each with the indicators the catalogue gives it."""
    resolved = scheme if isinstance(scheme, Scheme) else load_scheme(scheme or DEFAULT_SCHEME, template_dirs)
    builder = _Builder(resolved)
    root = builder.object_schema(Report)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://edureport.invalid/schema/report.json",
        **root,
        "title": "edureport 履行教育职责自评报告数据",
        "description": "字段名为英文，内容为中文；标题不写编号，编号自动生成。",
        "$defs": dict(sorted(builder.defs.items())),
    }
