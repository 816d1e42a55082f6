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
# Every character check_text refuses, as one class: control characters (category Cc: U+0000–U+001F and
# U+007F–U+009F), surrogates, and Unicode's non-characters. One compiled search per string replaces a Python loop
# over its characters (~20× faster); the loop below runs only to describe a refused character.
_REFUSED = "\x00-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef" + "".join(
    chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF) for plane in range(17))


@functools.lru_cache(maxsize=16)
def _refused(allow: str) -> re.Pattern[str]:
    allowed = "".join(re.escape(ch) for ch in allow)
    return re.compile(f"(?![{allowed}])[{_REFUSED}]" if allowed else f"[{_REFUSED}]")


def _describe(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X}" + (f" {name}" if name else "")


def check_text(value: str, *, allow: str = "") -> str:
    """Return ``value`` unchanged if it is acceptable text, else raise ``ValueError`` (message in Chinese).

    Refused: control characters (tab and line breaks too, unless listed in ``allow``), lone surrogates, the non-characters
    U+FFFE/U+FFFF and Unicode's other non-characters. Nothing is stripped or replaced.
    """
    if _refused(allow).search(value) is None:
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
