"""The rule every piece of user text obeys: it is plain text that a .docx can hold, or it is refused.

Nothing here alters text. Either a string is accepted as it is, or :func:`check_text` raises ``ValueError`` with a
Chinese message saying which character is wrong and where, so that no input is silently dropped or mangled.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Python has no predicate for "characters XML 1.0 cannot carry"; the ranges are in the XML 1.0 spec (Char
# production), so they are written out here rather than pulled from a dependency.
_XML_FORBIDDEN_BMP = {0xFFFE, 0xFFFF}
# Every character check_text refuses in the Basic Multilingual Plane: control characters (category Cc:
# U+0000–U+001F and U+007F–U+009F), surrogates, and Unicode's non-characters there. The other planes' non-characters
# (U+1FFFE, U+1FFFF, … U+10FFFF) are refused too.
_REFUSED_BMP = ((0x00, 0x1F), (0x7F, 0x9F), (0xD800, 0xDFFF), (0xFDD0, 0xFDEF), (0xFFFE, 0xFFFF))


def _escape(code: int) -> str:
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


@functools.lru_cache(maxsize=16)
def _candidates(allow: str) -> re.Pattern[str]:
    """One character class of the refused BMP characters (less ``allow``) and every character beyond the BMP.

    re matches a class of BMP characters through a bitmap, one step per character (~20× faster than a Python loop
    over the characters); the 32 non-characters of the other planes, listed in the class, would be tried one by one
    for every character of the text (5× slower), so the class takes the whole range beyond the BMP instead and
    check_text looks at such a character itself.
    """
    allowed = sorted({ord(ch) for ch in allow})
    parts = []
    for low, high in _REFUSED_BMP:
        start = low
        for code in [c for c in allowed if low <= c <= high] + [high + 1]:
            if start < code:
                parts.append(_escape(start) + ("" if start == code - 1 else "-" + _escape(code - 1)))
            start = code + 1
    return re.compile(f"[{''.join(parts)}{_escape(0x10000)}-{_escape(0x10FFFF)}]")


def _describe(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X}" + (f" {name}" if name else "")


def check_text(value: str, *, allow: str = "") -> str:
    """Return ``value`` unchanged if it is acceptable text, else raise ``ValueError`` (message in Chinese).

    Refused: control characters (tab and line breaks too, unless listed in ``allow``), lone surrogates, the non-characters
    U+FFFE/U+FFFF and Unicode's other non-characters. Nothing is stripped or replaced.
    """
    candidates = _candidates(allow)
    match = candidates.search(value)
    # a candidate beyond the BMP is refused only when it is a non-character that is not allowed: look past others
    while match is not None and ord(match.group()) > 0xFFFF and (
            (ord(match.group()) & 0xFFFE) != 0xFFFE or match.group() in allow):
        match = candidates.search(value, match.end())
    if match is None:
        return value
    for index, ch in enumerate(value):
        code = ord(ch)
        category = unicodedata.category(ch)
        if ch in allow:
            continue
        if category == "Cc":
            if ch in "\n\r":
                problem = "含有换行符；一个段落请写成一行，多个段落请分开写成列表的多项"
            elif ch == "\t":
                problem = "含有制表符（Tab）；请改用空格或删除"
            else:
                problem = f"含有控制字符 {_describe(ch)}，文档无法容纳，请删除"
            raise ValueError(f"{problem}（第{index + 1}个字符）")
        if category == "Cs":
            raise ValueError(f"含有不成对的代理字符 U+{code:04X}（文本编码已损坏），请重新输入该处文字（第{index + 1}个字符）")
        if code in _XML_FORBIDDEN_BMP or (0xFDD0 <= code <= 0xFDEF) or (code & 0xFFFE) == 0xFFFE:
            raise ValueError(f"含有非字符 U+{code:04X}，请删除（第{index + 1}个字符）")
    return value


def check_nonblank(value: str) -> str:
    """Like :func:`check_text`, and the text must show something."""
    check_text(value)
    if not value.strip():
        raise ValueError("不能为空")
    return value
