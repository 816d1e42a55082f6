"""attrs field validators and metadata shared by every data class (the report model, areas, quantities).

A validator raises :class:`~edureport.errors.FieldValueError` with the field's name and a Chinese message, so the
loader can report the full field path and code that builds objects directly gets the same message.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs

from .errors import FieldValueError
from .parsing import TypeProblem, scalar_hook
from .text import check_nonblank, check_text


def label(zh: str, help_zh: str = "") -> dict[str, str]:
    """Field metadata: the Chinese label and help that schemas, docs and messages show to bureau staff."""
    return {"zh": zh, "help": help_zh}


def text(_inst: Any, attribute: attrs.Attribute[Any], value: str | None) -> None:
    """Optional text that a document can hold (see :func:`~edureport.text.check_text`)."""
    if value is not None:
        try:
            check_text(value)
        except ValueError as e:
            raise FieldValueError(attribute.name, str(e)) from None


def nonblank(_inst: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    """Text that must show something."""
    try:
        check_nonblank(value)
    except ValueError as e:
        raise FieldValueError(attribute.name, str(e)) from None


def texts(_inst: Any, attribute: attrs.Attribute[Any], value: tuple[str, ...]) -> None:
    """A list of texts (paragraphs)."""
    _each(attribute, value, check_text)


def nonblank_texts(_inst: Any, attribute: attrs.Attribute[Any], value: tuple[str, ...]) -> None:
    """A list of texts each of which shows something (title lines, enumerated points)."""
    _each(attribute, value, check_nonblank)


def _each(attribute: attrs.Attribute[Any], value: tuple[str, ...], check: Callable[[str], str]) -> None:
    for i, item in enumerate(value):
        try:
            check(item)
        except ValueError as e:
            raise FieldValueError(f"{attribute.name}[{i}]", str(e)) from None


def non_negative(_inst: Any, attribute: attrs.Attribute[Any], value: Decimal | None) -> None:
    if value is not None and value < 0:
        raise FieldValueError(attribute.name, f"不能为负数（{value}）")


def percent(_inst: Any, attribute: attrs.Attribute[Any], value: Decimal | None) -> None:
    """A rate in percent: 0 to 100."""
    if value is not None and not Decimal(0) <= value <= Decimal(100):
        raise FieldValueError(attribute.name, f"比率应在0到100之间（单位为%），实际是{value}")


def typed(_cls: type, fields: list[attrs.Attribute[Any]]) -> list[attrs.Attribute[Any]]:
    """attrs field transformer: every scalar field (true/false, integer, date, number) without a converter of its own
    gets the loader's rule for its type as a converter, so an object built in code is checked (and a date written
    as text converted) exactly as one loaded from a file, with the same Chinese message and the field's name."""
    out = []
    for field in fields:
        hint = field.type if isinstance(field.type, str) else getattr(field.type, "__name__", "")
        name, optional = (hint[:-len(" | None")], True) if hint.endswith(" | None") else (hint, False)
        hook = scalar_hook(name.rsplit(".", 1)[-1])
        if name == "str" and field.converter is None:  # text: a str subclass (markupsafe's Markup) becomes plain str,
            out.append(field.evolve(converter=plain_text))  # so nothing given in code reaches a template as markup
            continue
        if hook is None or field.converter is not None:
            out.append(field)
            continue
        out.append(field.evolve(converter=attrs.Converter(_scalar(hook, optional), takes_field=True)))
    return out


def plain_text(value: Any) -> Any:
    """Text as plain str (a str subclass given in code carries no meaning of its own here); anything else as is,
    for the field's validator to judge."""
    return str(value) if isinstance(value, str) and type(value) is not str else value


def _scalar(hook: Callable[[Any, type], Any], optional: bool) -> Callable[[Any, attrs.Attribute[Any]], Any]:
    def convert(value: Any, field: attrs.Attribute[Any]) -> Any:
        if value is None and optional:
            return None
        try:
            return hook(value, object)
        except TypeProblem as e:
            raise FieldValueError(field.name, str(e)) from None
    return convert
