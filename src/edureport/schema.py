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

from .areas import FiguresRef, Paragraph, Part
from .model import MAX_HEADING_LEVEL, Report, Section, Table

# text: no control characters and no lone surrogates (what the loader refuses)
_BAD = "\\u0000-\\u001f\\ud800-\\udfff\\ufffe\\uffff"
_LINE = {"type": "string", "pattern": f"^[^{_BAD}]*$"}
_NONBLANK = {"type": "string", "pattern": f"^[^{_BAD}]*[^\\s{_BAD}][^{_BAD}]*$"}
_NUMBER = {"anyOf": [{"type": "number"}, {"type": "string", "pattern": "^[-+]?(\\d+(\\.\\d*)?|\\.\\d+)$"}]}
_DATE = {"anyOf": [{"type": "string", "format": "date"},
                   {"type": "string", "pattern": "^\\d{4}年\\d{1,2}月\\d{1,2}日$"}]}


# (field, class) → (minimum, maximum) of numbers the model validates
_BOUNDS: dict[tuple[str, str], tuple[int, int | None]] = {
    **{(name, "RatePair"): (0, 100) for name in ("current", "previous")},
    **{(name, "AmountPair"): (0, None) for name in ("current", "previous")},
    ("amount", "Money"): (0, None),
    ("value", "Count"): (0, None),
    **{(name, "Safety"): (0, 100) for name in ("guard_rate", "closed_management_rate", "alarm_link_rate")},
}


class _Builder:
    def __init__(self) -> None:
        self.defs: dict[str, Any] = {}

    def type_schema(self, t: Any, field: attrs.Attribute[Any] | None = None, owner: str = "") -> dict[str, Any]:
        origin, args = get_origin(t), get_args(t)
        if t is str:
            return dict(_LINE)
        if t is bool:
            return {"type": "boolean"}
        if t is int:
            return {"type": "integer"}
        if t is Decimal:
            bounds = _BOUNDS.get((field.name if field else "", owner), None)
            if bounds is None:
                return dict(_NUMBER)
            number: dict[str, Any] = {"type": "number", "minimum": bounds[0]}
            if bounds[1] is not None:
                number["maximum"] = bounds[1]
            return {"anyOf": [number, _NUMBER["anyOf"][1]]}
        if t is dt.date:
            return dict(_DATE)
        if t == Part:
            return {"anyOf": [dict(_LINE), self.type_schema(FiguresRef)]}
        if t == Paragraph:
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
        if field.name == "year":
            year = {"type": "integer", "minimum": 1949, "maximum": 2200}
            return year if cls.__name__ == "DocNumber" else {"anyOf": [year, {"type": "null"}]}
        if field.name in ("title", "issuer_mark", "organ", "printer", "problem") and field.type is str:
            return dict(_NONBLANK)
        return self.type_schema(field.type, field, cls.__name__)


def report_schema() -> dict[str, Any]:
    """The JSON Schema of a report data file."""
    builder = _Builder()
    root = builder.object_schema(Report)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://edureport.invalid/schema/report.json",
        **root,
        "title": "edureport 履行教育职责自评报告数据",
        "description": "字段名为英文，内容为中文；标题不写编号，编号自动生成。",
        "$defs": dict(sorted(builder.defs.items())),
    }
