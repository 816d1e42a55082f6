from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edureport.numbering import Counter, chinese_numeral, heading_label

KNOWN = {1: "一", 2: "二", 9: "九", 10: "十", 11: "十一", 19: "十九", 20: "二十", 21: "二十一", 99: "九十九",
         100: "一百", 101: "一百零一", 110: "一百一十", 111: "一百一十一", 1000: "一千", 1001: "一千零一",
         1010: "一千零一十", 10000: "一万", 10001: "一万零一", 100000: "十万", 2024: "二千零二十四"}


@pytest.mark.parametrize(("n", "text"), sorted(KNOWN.items()))
def test_chinese_numerals(n: int, text: str) -> None:
    assert chinese_numeral(n) == text


_VALUE = {ch: i for i, ch in enumerate("零一二三四五六七八九")}
_UNIT = {"十": 10, "百": 100, "千": 1000}


def _parse(text: str) -> int:
    """An independent reader of the numerals (for the round-trip property)."""
    total, section, digit = 0, 0, 0
    for ch in text:
        if ch in _VALUE:
            digit = _VALUE[ch]
        elif ch in _UNIT:
            section += (digit or 1) * _UNIT[ch]
            digit = 0
        elif ch == "万":
            total += (section + digit) * 10000
            section = digit = 0
    return total + section + digit


@given(st.integers(min_value=1, max_value=99_999))
def test_numerals_read_back_to_the_number(n: int) -> None:
    text = chinese_numeral(n)
    assert _parse(text) == n
    assert not text.startswith("一十")


def test_heading_labels_at_each_level() -> None:
    assert [heading_label(1, n) for n in (1, 10, 11, 21)] == ["一、", "十、", "十一、", "二十一、"]
    assert heading_label(2, 3) == "（三）"
    assert heading_label(3, 12) == "12."
    assert heading_label(3, 2, level3_period="．") == "2．"
    assert heading_label(4, 21) == "（21）"
    with pytest.raises(ValueError):
        heading_label(5, 1)


def test_counter_restarts_under_each_parent_by_default() -> None:
    c = Counter()
    assert [c.enter(1), c.enter(2), c.enter(2), c.enter(1), c.enter(2)] == [1, 1, 2, 2, 1]


def test_counter_continues_when_a_parent_asks() -> None:
    c = Counter()
    c.enter(1)
    c.enter(2)
    numbers = []
    for _parent in range(3):
        c.enter(3, restart_children=False)
        numbers += [c.enter(4), c.enter(4)]
    assert numbers == [1, 2, 3, 4, 5, 6]
    c.enter(2)  # a new level-2 parent restarts everything below it
    c.enter(3, restart_children=False)
    assert c.enter(4) == 1
