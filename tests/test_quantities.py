"""Figures and their wording: exact Decimal arithmetic, direction words that follow the sign, babel formatting that
reads back to the rounded value, and no float artefacts anywhere."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edureport.formatting import amount, cn_date, cn_year, enumerate_points, growth, money, number, percent, places_of
from edureport.quantities import AmountPair, Change, Money, RatePair, amount_change, rate_change, round_half_up

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999999.99"), places=2, allow_nan=False,
                      allow_infinity=False)
rates = st.decimals(min_value=Decimal(0), max_value=Decimal(100), places=2, allow_nan=False, allow_infinity=False)
NO_FLOAT_ARTEFACT = re.compile(r"^-?\d+(\.\d+)?$")


@given(amounts, amounts)
def test_amount_change_is_exact_and_its_wording_follows_the_sign(current: Decimal, previous: Decimal) -> None:
    change = amount_change(current, previous)
    assert change is not None and not change.points
    assert change.value == (current - previous) / previous * 100  # Decimal arithmetic, no float in between
    words = growth(change)
    rounded = round_half_up(change.value, 2)
    if rounded > 0:
        assert words == f"比上年增长{number(rounded, 2)}%"
    elif rounded < 0:
        assert words == f"比上年下降{number(-rounded, 2)}%"
    else:
        assert words == "与上年持平"


@given(rates, rates)
def test_a_rate_changes_in_percentage_points(current: Decimal, previous: Decimal) -> None:
    change = RatePair(current, previous).change()
    assert change == rate_change(current, previous) and change.points
    words = growth(change)
    if current > previous:
        assert words.startswith("比上年提高") and words.endswith("个百分点")
    elif current < previous:
        assert words.startswith("比上年下降") and words.endswith("个百分点")
    else:
        assert words == "与上年持平"
    assert "%" not in words


@given(st.decimals(min_value=Decimal("-1e9"), max_value=Decimal("1e9"), allow_nan=False, allow_infinity=False),
       st.integers(min_value=0, max_value=4))
def test_numbers_format_without_artefacts_and_read_back(value: Decimal, places: int) -> None:
    text = number(value, places)
    assert NO_FLOAT_ARTEFACT.match(text), text
    assert "," not in text and "E" not in text
    assert Decimal(text) == round_half_up(value, places)
    assert places_of(Decimal(text)) == places


def test_growth_is_undefined_without_a_base_and_says_so() -> None:
    assert amount_change(Decimal(5), Decimal(0)) is None
    assert AmountPair(current=Decimal(5), previous=Decimal(0)).change() is None
    assert AmountPair(current=Decimal(5)).change() is None
    assert growth(None) == "上年为零或未填写，无法计算增幅"


def test_stated_change_is_used_when_last_year_is_unknown() -> None:
    assert AmountPair(current=Decimal(142689), stated_change=Decimal("1.45")).change() == Change(Decimal("1.45"))
    assert growth(Change(Decimal("1.45")), prefix="同比") == "同比增长1.45%"


def test_official_examples() -> None:
    assert amount(Decimal("142689"), unit="万元") == "142689万元"
    assert amount(Decimal("752.96"), unit="万元") == "752.96万元"
    assert amount(Decimal("143311"), group=True) == "143,311"
    assert percent(Decimal("6")) == "6.00%" and percent(Decimal("100"), 0) == "100%"
    assert number(Decimal("2.665"), 2) == "2.67"  # 四舍五入, not banker's rounding
    assert growth(AmountPair(Decimal(143311), Decimal(142160)).change()) == "比上年增长0.81%"
    assert growth(RatePair(Decimal("48.52"), Decimal("49.17")).change()) == "比上年下降0.65个百分点"
    assert growth(Change(Decimal("0.001"))) == "与上年持平"


def test_money_scales_between_units_exactly() -> None:
    assert money(Money(Decimal(142689), "万元"), "亿元") == "14.2689亿元"
    assert money(Money(Decimal("14.2689"), "亿元"), "万元") == "142689.0000万元"
    assert money(Money(Decimal("14.2689"), "亿元"), "万元", places=0) == "142689万元"
    assert Money(Decimal(1), "亿元").to("元").amount == Decimal(100_000_000)


def test_dates_and_chinese_numerals() -> None:
    assert cn_date(dt.date(2024, 6, 5)) == "2024年6月5日"
    assert cn_date(dt.date(2022, 11, 2)) == "2022年11月2日"
    assert cn_year(2023) == "二〇二三" and cn_year(2010, zero="零") == "二零一零"


@pytest.mark.parametrize(("items", "separator", "expected"), [
    (["加大投入。", "均衡资源；", "精准帮扶"], "；", "一是加大投入；二是均衡资源；三是精准帮扶。"),
    (["甲", "乙"], "，", "一是甲，二是乙。"),
    ([], "；", ""),
])
def test_enumerations(items: list[str], separator: str, expected: str) -> None:
    assert enumerate_points(items, separator) == expected


@given(st.lists(st.text(alphabet="教育经费投入均衡发展", min_size=1, max_size=8), min_size=1, max_size=12))
def test_enumeration_numbers_every_item_in_order(items: list[str]) -> None:
    text = enumerate_points(items)
    assert text.endswith("。") and text.count("是") >= len(items)
    assert text.startswith("一是") and (len(items) < 10 or "十是" in text)


def test_money_and_rates_refuse_impossible_values() -> None:
    from edureport.errors import FieldValueError
    with pytest.raises(FieldValueError, match="负数"):
        Money(Decimal(-1))
    with pytest.raises(FieldValueError, match="0到100"):
        RatePair(Decimal("100.5"))
    with pytest.raises(FieldValueError, match="元、万元"):
        Money(Decimal(1), "千元")  # type: ignore[arg-type]
