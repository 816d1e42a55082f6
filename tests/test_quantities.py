"""Figures and their wording: exact Decimal arithmetic, direction words that follow the sign, babel formatting that
reads back to the rounded value, and no float artefacts anywhere."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edureport.formatting import (
    amount,
    change_size,
    change_words,
    cn_date,
    cn_year,
    enumerate_points,
    growth,
    number,
    percent,
    places_of,
    written,
)
from edureport.quantities import (
    Change,
    Figure,
    Value,
    amount_change,
    in_unit,
    parse_value,
    rate_change,
    round_half_up,
    to_value,
)

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
    change = Figure(current, previous).change(points=True)
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
    assert Figure(current=Decimal(5), previous=Decimal(0)).change() is None
    assert Figure(current=Decimal(5)).change() is None
    assert growth(None) == "上年为零或未填写，无法计算增幅"


def test_stated_change_is_used_when_last_year_is_unknown() -> None:
    assert Figure(current=Decimal(142689), stated_change=Decimal("1.45")).change() == Change(Decimal("1.45"), places=2)
    assert Figure(current=Decimal("48.52"), stated_change=Decimal("-0.65")).change(points=True) == \
        Change(Decimal("-0.65"), points=True, places=2)


def test_a_change_keeps_the_decimals_of_its_figures() -> None:
    assert growth(Figure(Decimal("93.6"), Decimal("92.8")).change(points=True)) == "比上年提高0.8个百分点"
    assert growth(Figure(Decimal("6.00"), stated_change=Decimal("6.00")).change()) == "比上年增长6.00%"
    assert growth(Figure(Decimal(100), Decimal(99)).change(points=True)) == "比上年提高1个百分点"
    assert growth(Figure(Decimal(110), Decimal(100)).change()) == "比上年增长10.00%"  # a computed percentage: 2 places
    assert growth(Change(Decimal("1.45")), prefix="同比") == "同比增长1.45%"


def test_official_examples() -> None:
    assert amount(Decimal("142689"), unit="万元") == "142689万元"
    assert amount(Decimal("752.96"), unit="万元") == "752.96万元"
    assert amount(Decimal("143311"), group=True) == "143,311"
    assert percent(Decimal("97.3")) == "97.3%" and percent(Decimal("6.00")) == "6.00%"  # decimals as given
    assert percent(Decimal("6"), 2) == "6.00%" and percent(Decimal("100"), 0) == "100%"
    assert number(Decimal("2.665"), 2) == "2.67"  # 四舍五入, not banker's rounding
    assert growth(Figure(Decimal(143311), Decimal(142160)).change()) == "比上年增长0.81%"
    assert growth(Figure(Decimal("48.52"), Decimal("49.17")).change(points=True)) == "比上年下降0.65个百分点"
    assert growth(Change(Decimal("0.001"))) == "与上年持平"
    assert change_words(Change(Decimal("1.45"))) == "增长1.45%" and change_size(Change(Decimal("-0.32"))) == "-0.32%"


def test_money_converts_between_units_exactly() -> None:
    assert in_unit(Decimal(142689), "万元", "亿元") == Decimal("14.2689")
    assert in_unit(Decimal(1), "亿元", "元") == Decimal(100_000_000)
    assert in_unit(Decimal(1), "所", "元") is None  # not money: no conversion


@pytest.mark.parametrize(("text", "unit", "shown", "known", "estimate"), [
    ("6100余", "万元", "6100余万元", None, Decimal(6100)),
    ("8.2万余", "人次", "8.2万余人次", None, Decimal(82000)),
    ("近500", "人", "近500人", None, Decimal(500)),
    ("约3000", "平方米", "约3000平方米", None, Decimal(3000)),
    ("超过2万", "人次", "超过2万人次", None, Decimal(20000)),
    ("12万", "名", "12万名", Decimal(120000), Decimal(120000)),
    ("97.3", "%", "97.3%", Decimal("97.3"), Decimal("97.3")),
    ("***", "万元", "***万元", None, None),
    ("**.*", "%", "**.*%", None, None),
])
def test_values_as_officials_write_them(text: str, unit: str, shown: str, known: Decimal | None,
                                        estimate: Decimal | None) -> None:
    value = parse_value(text)
    assert written(value, unit) == shown  # renders as written
    assert value.known() == known  # only an exact value is used by the checks
    assert value.scaled() == estimate


def test_an_approximation_may_carry_the_exact_number() -> None:
    value = Value(Decimal(9), "近", "万", exact=Decimal(89051))
    assert written(value, "人次") == "近9万人次" and value.known() == Decimal(89051)
    masked = Value(masked="***", exact=Decimal("88.11"))
    assert written(masked, "%") == "***%" and masked.known() == Decimal("88.11")


@pytest.mark.parametrize("text", ["很多", "6100余余", "近", "1,000", "1e5", "余6100", "*.8", ""])
def test_what_is_not_a_value_is_refused_with_the_forms_that_are(text: str) -> None:
    with pytest.raises(ValueError, match="约数写成"):
        parse_value(text)


def test_a_change_needs_exact_values() -> None:
    assert Figure("6100余", "5800").change() is None  # an approximation gives no computed growth
    assert Figure(Value(Decimal(6100), after="余", exact=Decimal(6123)), Decimal(5800)).change() is not None
    assert Figure("***", Decimal(10), stated_change=Decimal(2)).change() == Change(Decimal(2), places=0)


def test_a_float_is_refused_in_code() -> None:
    from edureport.errors import FieldValueError
    with pytest.raises(FieldValueError, match="浮点数"):
        to_value(0.45)


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


def test_areas_refuse_impossible_values() -> None:
    from edureport.areas import Equity, Funding
    from edureport.errors import FieldValueError
    with pytest.raises(FieldValueError, match="负数"):
        Funding(budget_funds=Figure(Decimal(-1)))
    with pytest.raises(FieldValueError, match="0到100"):
        Equity(public_kindergarten_share=Figure(Decimal("100.5")))
    with pytest.raises(FieldValueError, match="元、万元"):
        Funding(budget_funds=Figure(Decimal(1), unit="千元"))
    with pytest.raises(FieldValueError, match="整数"):
        Equity(large_classes=Figure(Decimal("3.5")))
