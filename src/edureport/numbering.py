"""Heading numbers of GB/T 9704 (clause 7.3.3): 一、 → （一） → 1. → （1）.

Numbers are computed here and written into the document as literal text, so they survive WPS, copy-and-paste and
PDF conversion unchanged (Word list numbering does not). :class:`Counter` implements restart-per-parent and the
straight-through "continue" numbering that some reports use.
"""

from __future__ import annotations

import functools

_DIGITS = "〇一二三四五六七八九"
_SMALL_UNITS = ((1000, "千"), (100, "百"), (10, "十"))
_BIG_UNITS = ((10**8, "亿"), (10**4, "万"))


def _below_10000(n: int) -> str:
    out = ""
    zero_pending = False
    for value, unit in _SMALL_UNITS:
        digit, n = divmod(n, value)
        if digit:
            if zero_pending:
                out += "零"
                zero_pending = False
            out += _DIGITS[digit] + unit
        elif out:
            zero_pending = True
    if n:
        if zero_pending:
            out += "零"
        out += _DIGITS[n]
    return out


def chinese_numeral(n: int) -> str:
    """Chinese numeral as used in counting and headings: 1 → 一, 10 → 十, 11 → 十一, 21 → 二十一, 101 → 一百零一.

    Babel formats numbers but has no Chinese spell-out rules, so this is written by hand.
    """
    if n < 0:
        raise ValueError("negative numbers have no heading numeral")
    if n == 0:
        return "零"
    out = ""
    for value, unit in _BIG_UNITS:
        part, n = divmod(n, value)
        if part:
            out += chinese_numeral(part) + unit
            if 0 < n < value // 10:
                out += "零"
    if n:
        out += _below_10000(n)
    # 一十 → 十 at the start (十一, not 一十一), as written in headings and ordinary counting
    return out[1:] if out.startswith("一十") else out


def numeral_value(text: str) -> int:
    """The number a Chinese numeral (一 … 九十九) or Arabic digits stand for; 0 when it is neither."""
    if text.isdigit():
        return int(text)
    return next((n for n in range(1, 100) if chinese_numeral(n) == text), 0)


@functools.lru_cache(maxsize=1024)  # a report numbers the same few headings over and over
def heading_label(level: int, number: int, *, level3_period: str = ".") -> str:
    """The literal label of a heading: level 1..4, number ≥ 1."""
    if level == 1:
        return f"{chinese_numeral(number)}、"
    if level == 2:
        return f"（{chinese_numeral(number)}）"
    if level == 3:
        return f"{number}{level3_period}"
    if level == 4:
        return f"（{number}）"
    raise ValueError(f"heading level {level} does not exist (1..4)")


class Counter:
    """Running heading numbers for levels 1..``depth``.

    ``enter(level, restart_children)`` numbers a heading at ``level``. Deeper counters restart unless the heading
    asks its children to continue (``restart_children=False``): then the next child carries on from the last
    number used at that level, e.g. （1）…（21） straight through eight “1.” … “8.” parents.
    """

    def __init__(self, depth: int = 4) -> None:
        self._counts = [0] * (depth + 1)

    def enter(self, level: int, restart_children: bool = True) -> int:
        self._counts[level] += 1
        if restart_children:
            for deeper in range(level + 1, len(self._counts)):
                self._counts[deeper] = 0
        return self._counts[level]
