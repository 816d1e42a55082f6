"""Lint of official-document conventions (GB/T 15834 punctuation, GB/T 15835 numbers, GB/T 9704 numbering) on
every text field of the data, before anything is rendered. Each rule yields a :class:`~edureport.checks.Finding`
with the field path, the offending text, a suggested fix, and a severity that says how sure the rule is: ``error``
where the text is wrong whatever was meant (an unclosed 《, a space inside a number, a misspelling), ``warning``
where a legitimate use is conceivable or the rule is a convention of style (a doubled character, a space between
two Chinese characters, a full-width hyphen in a number).

Where the knowledge comes from:

* traditional characters: OpenCC (its t2s conversion), not a hand-kept character list;
* which characters are Chinese (汉字): ``zhon.hanzi``;
* which characters are odd spaces: Unicode's categories through ``unicodedata`` (every space separator but the
  ordinary space, and the zero-width ones), named in the message by their Unicode names;
* doubled characters (进一步步): the rjieba segmenter's dictionary, with the education words and the
  reduplications of ``templates/wording.yaml``;
* misspellings: ``templates/wording.yaml``, each group with its source.

The other rules are written here by hand (regular expressions, a bracket stack): they are layout conventions of the
three standards that no library checks.

A paragraph written as parts (text and references to figures) is checked piece by piece, and as a whole for the
rules that span pieces (paired punctuation, enumerations); a title given as lines is one field. Enumerations
("一是……二是……") run on over the paragraphs of one list: 二是 opening the paragraph after the one with 一是 is
fine; a skipped number is found wherever it is. :func:`lint_data` lists its findings in the order of the text.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import attrs
import opencc
from zhon import hanzi  # type: ignore[import-untyped]  # zhon ships no type information

from .checks import Finding
from .numbering import chinese_numeral, numeral_value
from .resources import packaged_templates, packaged_yaml

if TYPE_CHECKING:
    from rjieba import Jieba

#: a character class of the Chinese characters (汉字, 〇 included), for use inside [...]
HANZI: str = hanzi.characters
#: stands for a reference to a figure inside a paragraph written as parts, when the paragraph is checked as a whole
_REFERENCE = "\ufffc"

_HALF_PUNCT = re.compile(rf"(?<=[{HANZI}])[,:;?!]|[,:;?!](?=[{HANZI}])")
_HALF_BRACKETS = re.compile(rf"(?<=[{HANZI}])\(([^()]*)\)|\(([^()]*[{HANZI}][^()]*)\)")
# (?<!…): an organ code starts a run of Chinese characters (matching from inside a long run again and again was
# quadratic in its length)
_DOC_NUMBER_BRACKETS = re.compile(rf"(?<![{HANZI}])([{HANZI}]+)[(（\[【](\d{{4}})[)）\]】](\d+号)")
_HAND_NUMBER = re.compile(r"^\s*(\d+\s*[、.．]|[（(]\s*[一二三四五六七八九十\d]+\s*[）)]\s*、?|[一二三四五六七八九十]+\s*[、.．])\s*")
_DATE = re.compile(r"(\d{4})年(\d{1,2})月(?:(\d{1,2})日)?")
_CHINESE_DATE = re.compile(r"[〇零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,2}月([一二三四五六七八九十]{1,3}日)?")
_SPACE_IN_NUMBER = re.compile(r"\d+\s*[.．]\s*\d+")
_SPACE_BY_NUMBER = re.compile(rf"(?<=\d) +(?=[{HANZI}])|(?<=[{HANZI}]) +(?=\d)")
_SPACE_IN_WORDS = re.compile(rf"(?<=[{HANZI}]) +(?=[{HANZI}])")
# An enumerator "一是" not inside a word: 之一是, 统一是, 唯一是 are not enumerators (hand-written rule).
_ENUMERATION = re.compile(rf"(?<![{HANZI}])([一二三四五六七八九十]+)是")
_RESIDUE = re.compile(r"\[bookmark:[^\]]*\]|登录\s*\|\s*注册|_GoBack")
# Full-width hyphen and solidus in numbers and units (GB/T 15834-2011 4.13, 4.17; GB/T 15835-2011): a date, a range
# of years, any other number, and units written with a solidus after a number or in brackets (元／人, （元／生／年）).
_FULL_HYPHEN = re.compile(r"(?P<date>\d{4}－\d{1,2}－\d{1,2})|(?P<years>\d{4}－\d{4})(?!\d)|\d*(?:－\d+)+|\d+－")
# a range of years written with a half-width hyphen, "2019-2021年": the standard's 一字线 (4.13.3)
_HALF_YEARS = re.compile(r"(?<![\d-])((?:19|20)\d{2})-((?:19|20)\d{2})(?=年)")
_FULL_SLASH = re.compile(
    rf"(?<=\d)[{HANZI}]{{1,2}}(?:／[{HANZI}]{{1,2}})+|(?<=[（(])[{HANZI}]{{1,3}}(?:／[{HANZI}]{{1,2}})+(?=[）)])"
    r"|[\dA-Za-z%％]*(?:／[\dA-Za-z%％]+)+|[\dA-Za-z%％]+／")
_DOUBLED = re.compile(rf"([{HANZI}])\1")

#: fields whose text is a heading title: a number typed by hand there duplicates the generated one
_TITLE_FIELDS = {"title"}

# --- odd spaces ---------------------------------------------------------------------------------------------------

# Chinese names of the spaces Unicode lists as space separators (category Zs) and of the zero-width ones (category
# Cf, listed by hand: Unicode has no category of its own for them). A space not named here is a "特殊空格".
_SPACE_NAMES = {"\u00a0": "不换行空格", "\u2000": "半字宽空格", "\u2001": "一字宽空格", "\u2002": "半字宽空格",
                "\u2003": "一字宽空格", "\u2004": "窄空格", "\u2005": "窄空格", "\u2006": "窄空格",
                "\u2007": "数字宽空格", "\u2008": "标点宽空格", "\u2009": "窄空格", "\u200a": "极窄空格",
                "\u202f": "窄不换行空格", "\u205f": "数学空格", "\u3000": "全角空格", "\u200b": "零宽空格",
                "\u2060": "零宽连接符", "\ufeff": "零宽不换行空格"}
_ZERO_WIDTH = "\u200b\u2060\ufeff"
_SPACES = "".join(ch for ch in map(chr, range(0x3001))
                  if unicodedata.category(ch) == "Zs" and ch not in " \u3000") + _ZERO_WIDTH
_ODD_SPACE = re.compile(rf"[{_SPACES}]+|(?<=[\d{HANZI}])\u3000+(?=[\d{HANZI}])")  # 　 only inside a sentence

# --- paired punctuation -------------------------------------------------------------------------------------------

_PAIRS = {"《": "》", "〈": "〉", "（": "）", "(": ")", "“": "”", "‘": "’", "【": "】", "〔": "〕", "「": "」", "『": "』"}
_OPENING = {closer: opener for opener, closer in _PAIRS.items()}
_MIXED_WIDTH = ({"（", ")"}, {"(", "）"})
# "1）" "a)" opening a paragraph or an item: a list marker, not half of a pair
_LIST_MARKER = re.compile(r"(?:^|(?<=[\s，。；：、]))[0-9A-Za-z一二三四五六七八九十]{1,3}$")


def _excerpt(text: str, start: int, end: int, margin: int = 8) -> str:
    if end - start > 4 * margin:  # a long span (a pair opened far before it is closed): both ends of it
        return f"{_excerpt(text, start, start + margin, margin)}{_excerpt(text, end - margin, end, margin)}"
    shown = ("…" if start > margin else "") + text[max(0, start - margin):end + margin] + (
        "…" if end + margin < len(text) else "")
    return shown.replace(_REFERENCE, "{…}")


@functools.lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@attrs.frozen
class _Wording:
    """``templates/wording.yaml``: misspellings, and the words the doubled-character rule adds to the segmenter."""

    misspellings: dict[str, str]
    words: tuple[str, ...]
    reduplications: frozenset[str]
    organ_endings: tuple[str, ...]

    @functools.cached_property
    def misspelt(self) -> re.Pattern[str]:
        return re.compile("|".join(re.escape(w) for w in sorted(self.misspellings, key=len, reverse=True)))


_WORDING_LOCK = threading.Lock()


@functools.cache
def _wording() -> _Wording:
    with _WORDING_LOCK:  # one parse, even when many threads ask at once on first use
        data = packaged_yaml(packaged_templates() / "wording.yaml")
        doubled = data["doubled"]
        return _Wording(
            misspellings={wrong: right for group in data["misspellings"] for wrong, right in group["words"].items()},
            words=tuple(w for group in doubled["words"] for w in group["words"]),
            reduplications=frozenset(w for group in doubled["reduplications"] for w in group["words"]),
            organ_endings=tuple(data["organ_endings"]["words"]))


_SEGMENTER: Jieba | None = None
_SEGMENTER_LOCK = threading.Lock()


def _segmenter() -> Jieba:
    """A private jieba-rs instance (words added here must not reach the title breaker's), with the education words
    of ``wording.yaml`` added, built once on first use, under a lock. Cutting only reads it, so threads may share
    it."""
    global _SEGMENTER
    words = _wording().words
    with _SEGMENTER_LOCK:
        if _SEGMENTER is None:
            from .segmenter import new_segmenter
            segmenter = new_segmenter()
            for word in words:
                segmenter.add_word(word, None, "n")
            _SEGMENTER = segmenter
        return _SEGMENTER


# --- the rules on one piece of text ---------------------------------------------------------------------------------

@attrs.frozen
class _Hit:
    """A finding with the offset in its field where it starts (for the order of the findings)."""

    start: int
    finding: Finding


_Add = Callable[[str, str, int, int, str], None]
_T = TypeVar("_T")


def _text_rules(path: str, text: str, add: _Add) -> None:
    """Every rule that looks at one piece of text on its own (not paired punctuation, not enumerations)."""
    field = path.rsplit(".", 1)[-1].split("[")[0]
    if field in _TITLE_FIELDS and (m := _HAND_NUMBER.match(text)):
        add("error", f"标题前手写了编号“{m.group(0).strip()}”，编号会自动生成", m.start(), m.end(),
            f"删去“{m.group(0).strip()}”")
    for m in _HALF_PUNCT.finditer(text):
        full = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！"}[m.group(0)]
        add("warning", f"中文中用了半角标点“{m.group(0)}”", m.start(), m.end(), f"改为全角“{full}”")
    for m in _HALF_BRACKETS.finditer(text):
        inner = m.group(1) if m.group(1) is not None else m.group(2)
        if not re.fullmatch(r"\d{4}", inner):  # (2022) after an organ code is a 发文字号, reported below
            add("warning", "中文中用了半角括号“()”", m.start(), m.end(), f"改为“（{inner}）”")
    for m in _DOC_NUMBER_BRACKETS.finditer(text):
        if m.group(0) != f"{m.group(1)}〔{m.group(2)}〕{m.group(3)}":
            add("error", "发文字号的年份应使用六角括号〔〕", m.start(), m.end(), f"{m.group(1)}〔{m.group(2)}〕{m.group(3)}")
    for m in _DATE.finditer(text):
        if any(part and part.startswith("0") for part in m.groups()[1:]):
            day = f"{int(m.group(3))}日" if m.group(3) else ""
            add("warning", "日期中的月、日不编虚位（不加0）", m.start(), m.end(), f"{m.group(1)}年{int(m.group(2))}月{day}")
    for m in _CHINESE_DATE.finditer(text):
        add("warning", "成文日期等日期应使用阿拉伯数字", m.start(), m.end(), "如 2024年6月5日")
    for m in _SPACE_IN_NUMBER.finditer(text):
        if re.search(r"\s", m.group(0)):
            add("error", "数字中间有空格", m.start(), m.end(), re.sub(r"\s+", "", m.group(0)))
    _space_rules(text, add)
    _number_punctuation_rules(text, add)
    if (i := text.find("％")) >= 0:
        add("warning", "百分号应使用“%”（与全文统一）", i, i + 1, "把“％”改为“%”")
    wording = _wording()
    for m in wording.misspelt.finditer(text):
        add("error", f"“{m.group(0)}”用词有误", m.start(), m.end(), f"改为“{wording.misspellings[m.group(0)]}”")
    for m in _RESIDUE.finditer(text):
        add("error", "含有从网页或 Word 复制带来的残留内容", m.start(), m.end(), f"删去“{m.group(0)}”")
    simplified = _t2s().convert(text)
    if simplified != text and len(simplified) == len(text):  # t2s maps character for character here
        i, (a, b) = next((i, pair) for i, pair in enumerate(zip(text, simplified, strict=True)) if pair[0] != pair[1])
        add("warning", f"含有繁体字“{a}”", i, i + 1, f"改为“{b}”")
    for start, word, char in _doubled_characters(text):
        add("warning", f"疑似多打了一个字：“{word}{char}”", start, start + len(word) + 1, f"改为“{word}”")


def _space_rules(text: str, add: _Add) -> None:
    quoted = _Quoted(text)
    for m in _ODD_SPACE.finditer(text):
        kinds = dict.fromkeys(m.group(0))
        if set(kinds) == {"\u3000"} and _separating_space(text, m.start(), m.end()):
            continue  # 中共中央办公厅　国务院办公厅, 易　磊: a full-width space where such a space belongs
        name = "、".join(f"{_SPACE_NAMES.get(ch, '特殊空格')}（{unicodedata.name(ch)}，U+{ord(ch):04X}）" for ch in kinds)
        slogan = _slogan_space(text, m.start(), m.end(), quoted)
        fix = "改为一个普通空格" if slogan else "删去（不可见的字符）" if set(kinds) <= set(_ZERO_WIDTH) else "删去空格"
        add("warning", f"文字中有{name}", m.start(), m.end(), fix)
    for m in _SPACE_BY_NUMBER.finditer(text):
        add("warning", "数字和文字之间有空格", m.start(), m.end(), "删去空格")
    for m in _SPACE_IN_WORDS.finditer(text):
        if not _slogan_space(text, m.start(), m.end(), quoted) and not _separating_space(text, m.start(), m.end()):
            joined = text[max(0, m.start() - 2):m.start()] + text[m.end():m.end() + 2]
            add("warning", "两个汉字之间有空格（多为从PDF或网页复制时留下）", m.start(), m.end(), f"删去空格：“{joined}”")


class _Quoted:
    """Whether a place of a text is inside “…” or 《…》: the depths are counted in one pass over the text, the first
    time a place is asked about (every rule that asks stays linear in the text)."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._inside: list[bool] | None = None

    def __call__(self, at: int) -> bool:
        if self._inside is None:
            inside, depth = [], {"“": 0, "《": 0}
            for ch in self._text:
                inside.append(any(depth.values()))
                if ch in depth:
                    depth[ch] += 1
                elif ch in ("”", "》"):
                    opener = _OPENING[ch]
                    depth[opener] = max(0, depth[opener] - 1)
            self._inside = inside
        return self._inside[at] if at < len(self._inside) else False


_HANZI_RUN_4 = re.compile(rf"[{HANZI}]{{4}}")
_ONE_HANZI = re.compile(rf"[{HANZI}]")
_DOC_NUMBER_END = re.compile(r"\d号")
_LIST_NUMBER = re.compile(r"[一二三四五六七八九十]+、")


def _slogan_space(text: str, start: int, end: int, quoted: _Quoted) -> bool:
    """Whether the space at start:end separates two phrases of a quoted slogan (“凝心铸魂跟党走 强国有我创未来”):
    inside “…” or 《…》, with at least four Chinese characters on each side. Hand-written: no library knows it."""
    return (start >= 4 and _HANZI_RUN_4.fullmatch(text, start - 4, start) is not None
            and _HANZI_RUN_4.match(text, end) is not None and quoted(start))


def _is_hanzi(text: str, at: int) -> bool:
    return 0 <= at < len(text) and _ONE_HANZI.match(text, at) is not None


def _separating_space(text: str, start: int, end: int) -> bool:
    """Whether the space at start:end is an accepted separator between Chinese words: after a joint issuer's name
    (教育部 财政部《……》, the endings are in ``wording.yaml``), after a document number (〔2021〕2号 教育部),
    before a list number (一、……情况 二、……), or inside a two-character name padded to the width of three
    (签发人：易  磊, the usual way of aligning names). Only the characters next to the space are read (linear in
    the text however many spaces it holds). Hand-written: no library knows it."""
    padded_name = (_is_hanzi(text, start - 1) and not _is_hanzi(text, start - 2)
                   and _is_hanzi(text, end) and not _is_hanzi(text, end + 1)
                   # not one of a run of characters each spaced apart (a PDF's 教 育 督 导)
                   and not (start >= 2 and text[start - 2].isspace()) and not text[end + 1:end + 2].isspace())
    return (text.endswith(_wording().organ_endings, 0, start)
            or (start >= 2 and _DOC_NUMBER_END.fullmatch(text, start - 2, start) is not None)
            or _LIST_NUMBER.match(text, end) is not None or padded_name)


def _number_punctuation_rules(text: str, add: _Add) -> None:
    for m in _FULL_HYPHEN.finditer(text):
        if m.group("date"):
            fix = f"改为“{m.group(0).replace('－', '-')}”"
        elif m.group("years"):
            fix = f"改为“{m.group(0).replace('－', '—')}”（年份起止用一字线）"
        elif re.fullmatch(r"\d{3,4}－\d{7,8}", m.group(0)):  # a telephone number with its area code
            fix = f"改为“{m.group(0).replace('－', '-')}”"
        elif re.search(r"\d－\d", m.group(0)):
            fix = f"改为“{m.group(0).replace('－', '-')}”（表示数值范围时用浪纹线“～”）"
        else:
            fix = f"改为“{m.group(0).replace('－', '-')}”"
        add("warning", "数字中用了全角连接号“－”", m.start(), m.end(), fix)
    for m in _HALF_YEARS.finditer(text):
        add("warning", "年份起止用了半字线“-”", m.start(), m.end(),
            f"改为“{m.group(1)}—{m.group(2)}”（GB/T 15834-2011 4.13.3：起止用一字线）")
    for m in _FULL_SLASH.finditer(text):
        add("warning", "数字或计量单位中用了全角斜线“／”", m.start(), m.end(), f"改为“{m.group(0).replace('／', '/')}”")


def _doubled_characters(text: str) -> Iterator[tuple[int, str, str]]:
    """(offset, word, character) where a word is followed by its own last character typed again (进一步步, 工作作):
    the segmenter's word, then that character alone, which begins no word with what follows (工作|作风 and
    学生|生均 are fine), which does not make a reduplication after the word less that character (让|人人, 再|说说),
    and is not the 一AA form (一步步, 一个个). The character three times in a row, alone between two words that
    end and begin with it (小学|学|学位, 学校|校|校长), is one too many; the segmenter cuts a word followed by a
    reduplication apart (师生|生|生|互动, 学校|校|校|结对), which the rules above leave alone."""
    if not _DOUBLED.search(text):
        return
    segmenter = _segmenter()
    words = segmenter.cut(text, hmm=False)
    if "".join(words) != text:
        return
    wording = _wording()
    offset = 0
    for before, word, after in zip(["", *words[:-1]], words, [*words[1:], ""], strict=True):
        start, offset = offset, offset + len(word)
        if len(word) != 1 or len(before) < 2 or before[-1] != word or before == "一" + word:
            continue
        rest = text[offset:offset + 3]
        if segmenter.has_word(before + word):
            continue
        if len(after) > 1 and after[0] == word:  # 小学|学|学位: the character three times, the last in a word
            yield start - len(before), before, word
            continue
        if any(segmenter.has_word(word + rest[:n]) for n in range(1, len(rest) + 1)):
            continue
        pair = word + word
        if (pair in wording.reduplications or segmenter.has_word(pair)) and segmenter.has_word(before[:-1]):
            continue
        yield start - len(before), before, word


# --- the rules on a whole field -------------------------------------------------------------------------------------

def _pair_rules(text: str, add: _Add) -> None:
    """Paired punctuation (《》〈〉（）“”‘’【】〔〕) checked as pairs over the whole field, with a stack: a pair closed
    by the other kind's mark, a mark never closed, a closing mark never opened. Hand-written: no library checks it."""
    stack: list[int] = []
    open_count = dict.fromkeys(_PAIRS, 0)  # how many of each opener the stack holds (no scan of the stack)

    def pop() -> int:
        j = stack.pop()
        open_count[text[j]] -= 1
        return j

    for i, ch in enumerate(text):
        if ch in _PAIRS:
            if ch == "《" and open_count["《"]:  # GB/T 15834-2011 4.15.3: a title inside a title takes 〈〉
                add("warning", "书名号里的书名号应使用单书名号〈〉", i, i + 1, "把里面一层的《》改为〈〉")
            stack.append(i)
            open_count[ch] += 1
        elif ch in _OPENING:
            if ch == "’" and i > 0 and text[i - 1].isascii() and text[i - 1].isalpha() and not open_count["‘"]:
                continue  # an apostrophe: China’s, the teachers’ training
            if stack and text[stack[-1]] == _OPENING[ch]:
                pop()
            elif open_count[_OPENING[ch]]:
                while text[stack[-1]] != _OPENING[ch]:  # the marks opened inside were never closed
                    _unclosed(text, pop(), add)
                pop()
            elif stack and {text[stack[-1]], ch} in _MIXED_WIDTH:
                opener = text[pop()]  # （…) or (…）: a full-width mark paired with a half-width one
                add("error", f"括号全角、半角混用：“{opener}”与“{ch}”", i, i + 1, "改为“（……）”")
            elif stack:
                j = pop()
                opener = text[j]
                add("error", f"标点不成对：“{opener}”以“{ch}”结束", j, i + 1,
                    f"把“{ch}”改为“{_PAIRS[opener]}”，或把“{opener}”改为“{_OPENING[ch]}”")
            elif not _LIST_MARKER.search(text, max(0, i - 4), i):  # a window: "^" and the look-behind see the text
                add("error", f"“{ch}”前没有对应的“{_OPENING[ch]}”", i, i + 1, f"补上“{_OPENING[ch]}”或删去“{ch}”")
    for j in reversed(stack):
        _unclosed(text, j, add)


def _unclosed(text: str, at: int, add: _Add) -> None:
    opener = text[at]
    add("error", f"“{opener}”没有对应的“{_PAIRS[opener]}”", at, at + 1, f"补上“{_PAIRS[opener]}”或删去“{opener}”")


def _enumerators(text: str) -> Iterator[tuple[re.Match[str], int]]:
    for m in _ENUMERATION.finditer(text):
        yield m, numeral_value(m.group(1))


def _enumeration_rule(text: str, add: _Add, last: int = 0) -> int:
    """Checks "一是……二是……" in one paragraph, following on from ``last`` (the number the paragraphs before ended
    with, 0 for none); reports the first skipped number and returns the last number seen."""
    reported = False
    for m, current in _enumerators(text):
        if not reported and current > 1 and current != last + 1:
            add("warning", f"列举不连续：“{chinese_numeral(current)}是”前没有“{chinese_numeral(current - 1)}是”",
                m.start(), m.end(), "补齐前面的各项，或删去序号")
            reported = True
        last = current
    return last


# --- one text, and the whole data ------------------------------------------------------------------------------------

def lint_text(path: str, text: str, enumeration: bool = True) -> list[Finding]:
    """Findings for one piece of text, in the order of the text. ``enumeration``: check "一是……二是……" here (off
    for a piece of a paragraph that is split by references to figures: the paragraph is checked as a whole)."""
    return [hit.finding for hit in sorted(_lint_piece(path, text, whole=True, enumeration=enumeration),
                                           key=lambda h: h.start)]


def _collector(path: str, text: str, hits: list[_Hit]) -> _Add:
    def add(severity: str, message: str, start: int, end: int, fix: str) -> None:
        finding = Finding(severity, path, message, _excerpt(text, start, end), fix)  # type: ignore[arg-type]
        hits.append(_Hit(start, finding))
    return add


def _lint_piece(path: str, text: str, whole: bool, enumeration: bool = False) -> list[_Hit]:
    hits: list[_Hit] = []
    add = _collector(path, text, hits)
    _text_rules(path, text, add)
    if whole:
        _pair_rules(text, add)
    if enumeration:
        _enumeration_rule(text, add)
    return hits


@attrs.frozen
class _Field:
    """The text of one field made of pieces (a paragraph of parts, a title's lines), each piece with its path."""

    pieces: tuple[tuple[str, str], ...]  # (path, text); a reference to a figure is one _REFERENCE character

    def check(self, rule: Callable[[str, _Add], _T]) -> tuple[_T, list[_Hit]]:
        """What ``rule`` returns for the whole text, and its findings, each at the piece where it starts."""
        whole = "".join(text for _, text in self.pieces)
        hits: list[_Hit] = []

        def add(severity: str, message: str, start: int, end: int, fix: str) -> None:
            path, offset = self._place(start)
            finding = Finding(severity, path, message, _excerpt(whole, start, end), fix)  # type: ignore[arg-type]
            hits.append(_Hit(offset, finding))
        return rule(whole, add), hits

    def _place(self, offset: int) -> tuple[str, int]:
        """(path of the piece holding ``offset`` of the whole text, the offset inside that piece)."""
        for path, text in self.pieces:
            if offset < len(text):
                return path, offset
            offset -= len(text)
        return self.pieces[-1][0], len(self.pieces[-1][1])


_PART_KEYS = ("figure", "statement", "year", "fill")


def _is_parts(value: Any) -> bool:
    return isinstance(value, list) and any(isinstance(v, dict) and any(k in v for k in _PART_KEYS) for v in value) \
        and all(isinstance(v, str) or isinstance(v, dict) for v in value)


def _is_paragraph(value: Any) -> bool:
    return isinstance(value, str) or _is_parts(value)


def _as_field(value: str | list[Any], path: str) -> _Field:
    """A paragraph as a field: a text, or parts whose references to figures stand in as one neutral character."""
    if isinstance(value, str):
        return _Field(((path, value),))
    return _Field(tuple((f"{path}[{i}]", v if isinstance(v, str) else _REFERENCE) for i, v in enumerate(value)))


_UNCLOSED_QUOTE = "““”没有对应的“””"
_PIECE_PATH = re.compile(r"(.*\[\d+\])\[\d+\]")


def _quotation_over_paragraphs(paragraphs: list[Any], path: str, found: list[tuple[int, int, Finding]]) -> None:
    """A quotation over several paragraphs opens each with “ and closes only the last (GB/T 15834-2011 4.1.3.3):
    a paragraph whose “ is left open is no mistake when the next paragraph opens with “."""
    continued = set()
    for i, following in enumerate(paragraphs[1:]):
        first = following if isinstance(following, str) else next(
            (part for part in following if isinstance(part, str)), "") if _is_parts(following) else ""
        if first.startswith("“"):
            continued.add(f"{path}[{i}]")
    def paragraph_of(finding_path: str) -> str:  # a piece of a paragraph of parts: PATH[i][k] → PATH[i]
        piece = _PIECE_PATH.fullmatch(finding_path)
        return piece.group(1) if piece and finding_path not in continued else finding_path

    if continued:
        found[:] = [entry for entry in found
                    if not (entry[2].message == _UNCLOSED_QUOTE and paragraph_of(entry[2].path) in continued)]


def lint_data(data: Any) -> list[Finding]:
    """Findings for every text field of parsed report data, in the order of the text (the order of the fields in
    the data, then of the places in each field); a rule broken several times in one field is reported once, at the
    first place, with the count."""
    order: dict[str, int] = {}  # every path, numbered in the order of the data
    found: list[tuple[int, int, Finding]] = []

    def keep(hits: list[_Hit]) -> None:
        by_message: dict[tuple[str, str], list[_Hit]] = {}
        for hit in hits:
            by_message.setdefault((hit.finding.path, hit.finding.message), []).append(hit)
        for (path, message), same in by_message.items():
            finding = same[0].finding
            if len(same) > 1:
                finding = attrs.evolve(finding, message=f"{message}（本处共{len(same)}处）")
            found.append((order[path], same[0].start, finding))

    def enumerations(fields: list[_Field]) -> None:
        """Paragraphs in a row (a list of paragraphs, or one alone): enumerations run on from one to the next."""
        last = 0
        for field in fields:
            last, hits = field.check(functools.partial(_enumeration_rule, last=last))
            keep(hits)

    def walk(node: Any, path: str, key: str, alone: bool, piece: bool = False) -> None:
        """``alone``: a paragraph here is not one of a list of paragraphs (its enumeration is checked here);
        ``piece``: a text here is a piece of a paragraph of parts (its pairs are checked over the paragraph)."""
        order[path] = len(order)
        if isinstance(node, str):
            keep(_lint_piece(path, node, whole=not piece))
        elif _is_parts(node):
            for i, part in enumerate(node):
                walk(part, f"{path}[{i}]", key, alone=False, piece=True)
            keep(_as_field(node, path).check(_pair_rules)[1])
        elif isinstance(node, Mapping):
            for name, value in node.items():
                walk(value, f"{path}.{name}" if path else str(name), str(name), alone=True)
        elif isinstance(node, list):
            lines = key in _TITLE_FIELDS and bool(node) and all(isinstance(v, str) for v in node)
            in_row = bool(node) and all(map(_is_paragraph, node))
            for i, value in enumerate(node):
                if lines:  # a title's lines are one field: its pairs are checked over all the lines
                    order[f"{path}[{i}]"] = len(order)
                    keep(_lint_piece(f"{path}[{i}]", value, whole=False))
                else:
                    walk(value, f"{path}[{i}]", key, alone=not in_row)
            if lines:
                keep(_Field(tuple((f"{path}[{i}]", v) for i, v in enumerate(node))).check(_pair_rules)[1])
            if in_row:
                enumerations([_as_field(item, f"{path}[{i}]") for i, item in enumerate(node)])
                _quotation_over_paragraphs(node, path, found)
            return
        if alone and _is_paragraph(node):
            enumerations([_as_field(node, path)])

    walk(data, "", "", alone=False)
    return [finding for _, _, finding in sorted(found, key=lambda f: (f[0], f[1]))]
