"""Figures as officials write them: one year's :class:`Value` (exact, approximate — 6100余, 近500, 8.2万余 — or masked
***), a :class:`Figure` holding this year's and last year's value, and the derived :class:`Change` ("增长1.45%",
"下降0.65个百分点", "与上年持平"). Never a float: a float cannot hold 752.96.

What a value's words mean (money units, 万/亿 written with a number, the words of an approximation) is data:
``templates/numbers.yaml``. Rounding is 四舍五入 (ROUND_HALF_UP), as statistical reports round.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import attrs

from .errors import FieldValueError
from .resources import packaged_templates, packaged_yaml
from .sandbox import value_type

HUNDRED = Decimal(100)


@attrs.frozen
class NumberWords:
    """The words of numbers in official text (``templates/numbers.yaml``)."""

    money_units: dict[str, Decimal]
    magnitudes: dict[str, Decimal]
    before: tuple[str, ...]
    after: tuple[str, ...]
    mask: str

    @functools.cached_property
    def pattern(self) -> re.Pattern[str]:
        def alternatives(words: tuple[str, ...] | list[str]) -> str:
            return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
        mask = re.escape(self.mask)
        return re.compile(
            rf"(?P<masked>[{mask}]+(?:\.[{mask}]+)?)"
            rf"|(?P<before>{alternatives(self.before)})?(?P<number>\d+(?:\.\d+)?)"
            rf"(?P<magnitude>{alternatives(list(self.magnitudes))})?(?P<after>{alternatives(self.after)})?")


_LOCK = threading.Lock()


@functools.cache
def number_words() -> NumberWords:
    with _LOCK:  # one parse, even when many threads ask at once on first use
        data = packaged_yaml(packaged_templates() / "numbers.yaml")
        return NumberWords(
            money_units={k: Decimal(str(v)) for k, v in data["money_units"].items()},
            magnitudes={k: Decimal(str(v)) for k, v in data["magnitudes"].items()},
            before=tuple(data["approximate"]["before"]), after=tuple(data["approximate"]["after"]),
            mask=data["mask"])


def round_half_up(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


@value_type
@attrs.frozen
class Change:
    """A derived change: a percentage of an amount, or percentage points of a rate (``points``)."""

    value: Decimal  # signed; percent, or percentage points
    points: bool = False
    #: decimal places to state it with: those of the figures it comes from (a rate of 93.6 against 92.8 changes by
    #: 0.8 points; a stated growth of 6.00% stays 6.00%); None for the usual two places of a computed percentage
    places: int | None = None

    @property
    def direction(self) -> int:
        return (self.value > 0) - (self.value < 0)


def amount_change(current: Decimal, previous: Decimal) -> Change | None:
    """(current − previous) / previous in percent, exact; None where it is undefined (previous is zero)."""
    if previous == 0:
        return None
    return Change((current - previous) / previous * HUNDRED)


def rate_change(current: Decimal, previous: Decimal) -> Change:
    """A change of a rate is stated in percentage points, never in percent, with the decimals of the rates."""
    return Change(current - previous, points=True, places=max(_places(current), _places(previous)))


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


@value_type
@attrs.frozen
class Value:
    """One year's value as the report writes it: ``142689``; approximate (``6100余``, ``近500``, ``8.2万余``, with
    the exact number kept for the checks when the writer knows it); or masked (``***``, ``**.*``) in a version
    published with figures withheld."""

    number: Decimal | None = None  # as written (6100 of 6100余), in the figure's unit; None when masked
    before: str = ""  # 近, 约 … written before the number
    magnitude: str = ""  # 万, 亿 written after the number (8.2万余人次)
    after: str = ""  # 余, 多 … written after the number (and its magnitude)
    masked: str = ""
    exact: Decimal | None = None  # the exact value in the figure's unit, when known

    @property
    def approximate(self) -> bool:
        return bool(self.before or self.after)

    def known(self) -> Decimal | None:
        """The exact value in the figure's unit, or None when the text only gives an approximation or a mask."""
        if self.exact is not None:
            return self.exact
        if self.masked or self.approximate or self.number is None:
            return None
        return self.scaled()

    def scaled(self) -> Decimal | None:
        """The number as written, times its magnitude word (8.2万 → 82000); an approximation stays approximate."""
        if self.number is None:
            return None
        return self.number * number_words().magnitudes.get(self.magnitude, Decimal(1))

    def describe(self) -> str:
        """Why a check cannot use this value: 是约数 / 已隐去."""
        return "已隐去" if self.masked else "是约数"


def parse_value(text: str) -> Value:
    """``"6100余"``, ``"近500"``, ``"8.2万余"``, ``"***"`` → a :class:`Value` (ValueError in Chinese otherwise)."""
    words = number_words()
    m = words.pattern.fullmatch(text.strip())
    if not m:
        before, after = "、".join(words.before), "、".join(words.after)
        raise ValueError(f"“{text}”不是数字；约数写成“6100余”“近500”“8.2万余”（前面可加{before}，后面可加{after}），"
                         "隐去的数字写成“***”")
    if m["masked"]:
        return Value(masked=m["masked"])
    return Value(Decimal(m["number"]), m["before"] or "", m["magnitude"] or "", m["after"] or "")


def to_value(value: Any) -> Value | None:
    """Converter for Python code: a Value, a number (int or Decimal, never float) or its written form."""
    if value is None or isinstance(value, Value):
        return value
    if isinstance(value, bool):
        raise FieldValueError("", f"应为数字，实际是{value}")
    if isinstance(value, float):
        raise FieldValueError("", "不能用二进制浮点数（会丢失小数位）；请用 Decimal 或文本，如 \"752.96\"")
    if isinstance(value, (int, Decimal)):
        number = Decimal(value)
        if not number.is_finite():
            raise FieldValueError("", f"应为有限的数字，实际是{value}")
        return Value(number)
    if isinstance(value, str):
        try:
            return parse_value(value)
        except ValueError as e:
            raise FieldValueError("", str(e)) from None
    if isinstance(value, Mapping):
        return Value(**value)
    raise FieldValueError("", f"应为数字，实际是{type(value).__name__}")


def to_decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, Decimal):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    if isinstance(value, str):
        try:
            return Decimal(value)
        except InvalidOperation:
            raise FieldValueError("", f"“{value}”不是数字") from None
    raise FieldValueError("", f"应为数字，实际是{value!r}")


@value_type
@attrs.frozen
class Figure:
    """An indicator's value this year (``current``) and last year (``previous``). ``unit`` replaces the indicator's
    usual unit (亿元 for 万元, 人 for 人次); ``stated_change`` is the growth a source states without last year's
    value (percent of an amount, percentage points of a rate)."""

    current: Value | None = attrs.field(default=None, converter=to_value)
    previous: Value | None = attrs.field(default=None, converter=to_value)
    unit: str | None = None
    stated_change: Decimal | None = attrs.field(default=None, converter=to_decimal)

    def change(self, points: bool = False) -> Change | None:
        """Computed from the two values when both are known exactly, else the stated change, else None."""
        current = self.current.known() if self.current else None
        previous = self.previous.known() if self.previous else None
        if current is not None and previous is not None:
            return rate_change(current, previous) if points else amount_change(current, previous)
        if self.stated_change is not None:
            return Change(self.stated_change, points=points, places=_places(self.stated_change))
        return None


def in_unit(amount: Decimal, unit: str, target: str) -> Decimal | None:
    """An amount of money converted between 元/万元/亿元 exactly; None when either unit is not a money unit."""
    units = number_words().money_units
    if unit == target:
        return amount
    if unit not in units or target not in units:
        return None
    return amount * units[unit] / units[target]
