"""The text rule (edureport.text.check_text) accepts and refuses exactly by Unicode's definitions, with its fast
compiled search and its describing loop agreeing on every code point."""

from __future__ import annotations

import unicodedata

import pytest

from edureport.text import check_text


def refused_by_definition(ch: str, allow: str) -> bool:
    code = ord(ch)
    if ch in allow:
        return False
    return unicodedata.category(ch) in ("Cc", "Cs") or 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


@pytest.mark.parametrize("allow", ["", "\n\t"])
def test_every_code_point_is_accepted_or_refused_by_definition(allow: str) -> None:
    wrong = []
    for code in range(0x110000):
        ch = chr(code)
        try:
            check_text(f"正文{ch}正文", allow=allow)
            refused = False
        except ValueError as e:
            refused = True
            assert "第3个字符" in str(e)
        if refused != refused_by_definition(ch, allow):
            wrong.append(f"U+{code:04X}")
    assert wrong == []
