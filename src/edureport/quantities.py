"""Figures as officials state them: exact Decimal amounts with units, rates in percent, year-on-year pairs, and the
derived changes ("增长1.45%", "下降0.65个百分点", "与上年持平"). Never a float: a float cannot hold 752.96.

Rounding is 四舍五入 (ROUND_HALF_UP), as statistical reports round; babel formats the rounded value.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

import attrs

from .errors import FieldValueError
from .fields import non_negative, percent

MoneyUnit = Literal["元", "万元", "亿元"]
MONEY_UNITS: dict[str, Decimal] = {"元": Decimal(1), "万元": Decimal(10_000), "亿元": Decimal(100_000_000)}

HUNDRED = Decimal(100)


def _money_unit(_inst: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    if value not in MONEY_UNITS:
        raise FieldValueError(attribute.name, f"金额单位只能是 元、万元 或 亿元，不能是“{value}”")


def round_half_up(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


@attrs.frozen
class Change:
    """A derived change: a percentage of an amount, or percentage points of a rate (``points``)."""

    value: Decimal  # signed; percent, or percentage points
    points: bool = False

    @property
    def direction(self) -> int:
        return (self.value > 0) - (self.value < 0)


def amount_change(current: Decimal, previous: Decimal) -> Change | None:
    """(current − previous) / previous in percent, exact; None where it is undefined (previous is zero)."""
    if previous == 0:
        return None
    return Change((current - previous) / previous * HUNDRED)


def rate_change(current: Decimal, previous: Decimal) -> Change:
    """A change of a rate is stated in percentage points, never in percent."""
    return Change(current - previous, points=True)


@attrs.frozen
class Money:
    """An amount of money with its unit (元 / 万元 / 亿元)."""

    amount: Decimal = attrs.field(validator=non_negative)
    unit: MoneyUnit = attrs.field(default="万元", validator=_money_unit)

    def to(self, unit: MoneyUnit) -> Money:
        """The same amount in another unit, exactly (142689 万元 → 14.2689 亿元)."""
        return Money(self.amount * MONEY_UNITS[self.unit] / MONEY_UNITS[unit], unit)


@attrs.frozen
class AmountPair:
    """An amount this year and last year (一般公共预算教育支出, 生均…). ``stated_change`` is the growth in percent as a
    source states it, for reports that give the growth but not last year's amount."""

    current: Decimal | None = attrs.field(default=None, validator=non_negative)
    previous: Decimal | None = attrs.field(default=None, validator=non_negative)
    unit: MoneyUnit = attrs.field(default="万元", validator=_money_unit)
    stated_change: Decimal | None = None

    def change(self) -> Change | None:
        """Computed from the two amounts when both are known, else the stated change, else None."""
        if self.current is not None and self.previous is not None:
            return amount_change(self.current, self.previous)
        if self.stated_change is not None:
            return Change(self.stated_change)
        return None


@attrs.frozen
class RatePair:
    """A rate in percent this year and last year (近视率, 普惠性幼儿园覆盖率 …); changes are percentage points."""

    current: Decimal | None = attrs.field(default=None, validator=percent)
    previous: Decimal | None = attrs.field(default=None, validator=percent)
    stated_change: Decimal | None = None  # in percentage points, as a source states it

    def change(self) -> Change | None:
        if self.current is not None and self.previous is not None:
            return rate_change(self.current, self.previous)
        if self.stated_change is not None:
            return Change(self.stated_change, points=True)
        return None


@attrs.frozen
class Count:
    """A counted or measured quantity with its measure word: 298 所, 89051 人次, 4.64 万平方米."""

    value: Decimal = attrs.field(validator=non_negative)
    measure: str = "个"
