"""How figures and dates are written in Chinese official text. Numbers go through babel (patterns, rounding already
done to 四舍五入); Chinese numerals and enumerations are written by hand because babel has no Chinese spell-out.

These functions are also the Jinja filters templates use: ``{{ pair.current | amount }}``,
``{{ pair.change() | growth }}``, ``{{ points | enumerate_points }}``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal

from .areas import STAGE_NAMES, STAGES
from .numbering import chinese_numeral
from .quantities import AmountPair, Change, Money, MoneyUnit, RatePair, round_half_up

# Parsed once: given a locale *string*, babel searches its list of locales on every call.
LOCALE = Locale.parse("zh_CN")
_TRAILING = "。；，、;,."


def _pattern(places: int, group: bool) -> str:
    integer = "#,##0" if group else "0"
    return integer + ("." + "0" * places if places > 0 else "")


def places_of(value: Decimal) -> int:
    """Decimal places as written: Decimal('6.00') → 2, Decimal('142689') → 0."""
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def number(value: Decimal | int, places: int | None = None, group: bool = False) -> str:
    """A number in running text: no thousands separators (143311), the decimals as written unless ``places``."""
    value = Decimal(value)
    places = places_of(value) if places is None else places
    return format_decimal(round_half_up(value, places), format=_pattern(places, group), locale=LOCALE)


def amount(value: Decimal | int, places: int | None = None, group: bool = False, unit: str = "") -> str:
    """An amount followed by its unit: 142689万元, 752.96万元."""
    return number(value, places, group) + unit


def money(value: Money, unit: MoneyUnit | None = None, places: int | None = None) -> str:
    """Money in its own unit or scaled to another (万元 ↔ 亿元), exactly."""
    scaled = value.to(unit) if unit is not None else value  # exact: units differ by powers of ten
    return amount(scaled.amount, places, unit=scaled.unit)


def percent(value: Decimal | int, places: int = 2) -> str:
    """A rate already in percent: 88.11%."""
    return number(value, places) + "%"


def growth(change: Change | None, places: int = 2, *, prefix: str = "比上年",
           undefined: str = "上年为零或未填写，无法计算增幅") -> str:
    """The comparison officials write: 比上年增长1.45% / 比上年下降0.32% / 与上年持平; a rate's change in percentage
    points (比上年提高0.65个百分点). ``prefix`` may be 同比 or 较上年. Undefined growth is said, not hidden."""
    if change is None:
        return undefined
    rounded = round_half_up(change.value, places)
    if rounded == 0:
        return "与上年持平"
    magnitude = number(abs(rounded), places)
    if change.points:
        return prefix + ("提高" if rounded > 0 else "下降") + magnitude + "个百分点"
    return prefix + ("增长" if rounded > 0 else "下降") + magnitude + "%"


def change_of(pair: AmountPair | RatePair | None) -> Change | None:
    return None if pair is None else pair.change()


def by_stage(per_stage: Mapping[str, AmountPair]) -> list[tuple[str, AmountPair]]:
    """(学段名称, figure) in the order stages are always listed: 学前教育, 小学, 初中, 普通高中, 中职."""
    return [(STAGE_NAMES[s], per_stage[s]) for s in STAGES if s in per_stage]


def rising(change: Change | None) -> bool:
    return change is not None and change.value > 0


def falling(change: Change | None) -> bool:
    return change is not None and change.value < 0


def cn_date(value: dt.date) -> str:
    """2024年6月5日: Arabic digits, full year, no leading zeros (GB/T 9704 clause 7.3.5)."""
    return format_date(value, "y年M月d日", locale=LOCALE)


def cn_year(year: int, zero: str = "〇") -> str:
    """A year in Chinese digits, as in dates written out: 2023 → 二〇二三."""
    return "".join(zero if d == "0" else chinese_numeral(int(d)) for d in str(year))


def cn_number(n: int) -> str:
    return chinese_numeral(n)


def enumerate_points(items: Iterable[str], separator: str = "；", end: str = "。") -> str:
    """一是……；二是……。 from a list: each item's own closing punctuation is replaced by the separator."""
    cleaned = [item.rstrip(_TRAILING) for item in items]
    if not cleaned:
        return ""
    return separator.join(f"{chinese_numeral(i)}是{text}" for i, text in enumerate(cleaned, start=1)) + end
