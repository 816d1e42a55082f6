"""How figures and dates are written in Chinese official text. Numbers go through babel (patterns, rounding already
done to 四舍五入); Chinese numerals and enumerations are written by hand because babel has no Chinese spell-out.

These functions are also the Jinja filters templates use: ``{{ value | number }}``, ``{{ change | growth }}``,
``{{ points | enumerate_points }}``.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal

from .numbering import chinese_numeral
from .quantities import Change, Value, round_half_up

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
    return _formatted(str(round_half_up(value, places)), places, group)


@functools.lru_cache(maxsize=8192)
def _formatted(digits: str, places: int, group: bool) -> str:
    # babel's formatting costs ~20 µs a call and a report states the same numbers many times; the key is the
    # rounded value's exact text, so 6.00 and 6 stay different numbers
    return format_decimal(Decimal(digits), format=_pattern(places, group), locale=LOCALE)


def amount(value: Decimal | int, places: int | None = None, group: bool = False, unit: str = "") -> str:
    """An amount followed by its unit: 142689万元, 752.96万元."""
    return number(value, places, group) + unit


def percent(value: Decimal | int, places: int | None = None) -> str:
    """A rate already in percent, its decimals as written: 88.11%, 97.3%."""
    return number(value, places) + "%"


def written(value: Value, unit: str = "") -> str:
    """One year's value as the report writes it, with its unit: 142689万元, 6100余万元, 近500人, 8.2万余人次,
    97.3%, ***%."""
    if value.masked:
        return value.masked + unit
    assert value.number is not None
    return f"{value.before}{number(value.number)}{value.magnitude}{value.after}{unit}"


def growth(change: Change | None, places: int | None = None, *, prefix: str = "比上年",
           undefined: str = "上年为零或未填写，无法计算增幅") -> str:
    """The comparison officials write: 比上年增长1.45% / 比上年下降0.32% / 与上年持平; a rate's change in percentage
    points (比上年提高0.65个百分点). ``prefix`` may be 同比 or 较上年. Undefined growth is said, not hidden."""
    if change is None:
        return undefined
    if round_half_up(change.value, _change_places(change, places)) == 0:
        return "与上年持平"
    return prefix + change_words(change, places)


def _change_places(change: Change, places: int | None) -> int:
    if places is not None:
        return places
    return change.places if change.places is not None else 2


def change_words(change: Change, places: int | None = None) -> str:
    """The direction and size of a change without the comparison: 增长1.45%, 下降0.65个百分点, 持平."""
    places = _change_places(change, places)
    rounded = round_half_up(change.value, places)
    if rounded == 0:
        return "持平"
    magnitude = number(abs(rounded), places)
    if change.points:
        return ("提高" if rounded > 0 else "下降") + magnitude + "个百分点"
    return ("增长" if rounded > 0 else "下降") + magnitude + "%"


def change_size(change: Change, places: int | None = None) -> str:
    """The size of a change alone, signed when it is a fall: 1.45%, -0.32%, 0.65个百分点."""
    places = _change_places(change, places)
    rounded = round_half_up(change.value, places)
    return number(rounded, places) + ("个百分点" if change.points else "%")


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


def ensure_end(text: str, ending: str) -> str:
    return text if text.endswith(ending) else text + ending


def bracket(text: str) -> str:
    """Wrap in full-width round brackets (附注, clause 7.3.6) unless the text already is."""
    return text if text.startswith("（") and text.endswith("）") else f"（{text}）"


def template_filters() -> dict[str, Callable[..., Any]]:
    """The filters edureport adds to Jinja."""
    return {"cn_date": cn_date, "cn_year": cn_year, "cn_number": cn_number, "number": number, "amount": amount,
            "percent": percent, "growth": growth, "enumerate_points": enumerate_points, "ensure_end": ensure_end,
            "bracket": bracket}


def template_tests() -> dict[str, Callable[..., Any]]:
    return {"rising": rising, "falling": falling}
