"""Lint of official-document conventions (GB/T 15834 punctuation, GB/T 15835 numbers, GB/T 9704 numbering) on
every text field of the data, before anything is rendered. Each rule yields a :class:`~edureport.checks.Finding`
with the field path, the offending text and a suggested fix.

Traditional characters are found with OpenCC (its t2s conversion), not a hand-kept character list. Other rules are
regular expressions over the text: they describe layout conventions no library checks.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import attrs
import opencc

from .checks import Finding
from .numbering import chinese_numeral, numeral_value
from .parsing import leaves

CJK = "\u4e00-\u9fff"
_HALF_PUNCT = re.compile(rf"(?<=[{CJK}])[,:;?!]|[,:;?!](?=[{CJK}])")
_HALF_BRACKETS = re.compile(rf"(?<=[{CJK}])\(([^()]*)\)|\(([^()]*[{CJK}][^()]*)\)")
_DOC_NUMBER_BRACKETS = re.compile(rf"([{CJK}]+)[(（\[【](\d{{4}})[)）\]】](\d+号)")
_HAND_NUMBER = re.compile(r"^\s*(\d+\s*[、.．]|[（(]\s*[一二三四五六七八九十\d]+\s*[）)]\s*、?|[一二三四五六七八九十]+\s*[、.．])\s*")
_DATE = re.compile(r"(\d{4})年(\d{1,2})月(?:(\d{1,2})日)?")
_CHINESE_DATE = re.compile(r"[〇零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,2}月([一二三四五六七八九十]{1,3}日)?")
_SPACE_IN_NUMBER = re.compile(r"\d+\s*[.．]\s*\d+")
_ODD_SPACE = re.compile("|".join((
    r"[\u00a0\u2002-\u200b\u202f\u205f]",  # no-break, en/em/thin and zero-width spaces
    rf"(?<=[\d{CJK}])\u3000(?=[\d{CJK}])",  # an ideographic space inside a sentence
    rf"(?<=\d) (?=[{CJK}])|(?<=[{CJK}]) (?=\d)",  # a space between a number and its Chinese unit or word
)))
_ENUMERATION = re.compile(r"([一二三四五六七八九十]+)是")
_RESIDUE = re.compile(r"\[bookmark:[^\]]*\]|登录\s*\|\s*注册|_GoBack")
# Misspellings and garbled phrases common in these reports; no library lists them.
_WORDING = {"布署": "部署", "年比下降": "比上年下降", "年比增长": "比上年增长", "即使整改": "及时整改",
            "既时": "及时", "按排": "安排", "截止目前": "截至目前", "截止到": "截至"}

#: fields whose text is a heading title: a number typed by hand there duplicates the generated one
_TITLE_FIELDS = {"title"}


def _excerpt(text: str, start: int, end: int, margin: int = 8) -> str:
    return ("…" if start > margin else "") + text[max(0, start - margin):end + margin] + (
        "…" if end + margin < len(text) else "")


@functools.lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def lint_text(path: str, text: str, enumeration: bool = True) -> list[Finding]:
    """Findings for one piece of text. ``enumeration``: check "一是……二是……" here (off for a piece of a paragraph
    that is split by references to figures: the paragraph is checked as a whole)."""
    found: list[Finding] = []

    def add(severity: str, message: str, m: re.Match[str] | None, fix: str) -> None:
        excerpt = _excerpt(text, m.start(), m.end()) if m else text[:30]
        found.append(Finding(severity, path, message, excerpt, fix))  # type: ignore[arg-type]

    field = path.rsplit(".", 1)[-1].split("[")[0]
    if field in _TITLE_FIELDS and (m := _HAND_NUMBER.match(text)):
        add("error", f"标题前手写了编号“{m.group(0).strip()}”，编号会自动生成", m, f"删去“{m.group(0).strip()}”")
    for m in _HALF_PUNCT.finditer(text):
        full = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！"}[m.group(0)]
        add("warning", f"中文中用了半角标点“{m.group(0)}”", m, f"改为全角“{full}”")
    for m in _HALF_BRACKETS.finditer(text):
        inner = m.group(1) if m.group(1) is not None else m.group(2)
        if not re.fullmatch(r"\d{4}", inner):  # (2022) after an organ code is a 发文字号, reported below
            add("warning", "中文中用了半角括号“()”", m, f"改为“（{inner}）”")
    for m in _DOC_NUMBER_BRACKETS.finditer(text):
        if m.group(0) != f"{m.group(1)}〔{m.group(2)}〕{m.group(3)}":
            add("error", "发文字号的年份应使用六角括号〔〕", m, f"{m.group(1)}〔{m.group(2)}〕{m.group(3)}")
    for m in _DATE.finditer(text):
        if any(part and part.startswith("0") for part in m.groups()[1:]):
            day = f"{int(m.group(3))}日" if m.group(3) else ""
            add("warning", "日期中的月、日不编虚位（不加0）", m, f"{m.group(1)}年{int(m.group(2))}月{day}")
    for m in _CHINESE_DATE.finditer(text):
        add("warning", "成文日期等日期应使用阿拉伯数字", m, "如 2024年6月5日")
    for m in _SPACE_IN_NUMBER.finditer(text):
        if re.search(r"\s", m.group(0)):
            add("error", "数字中间有空格", m, re.sub(r"\s+", "", m.group(0)))
    for m in _ODD_SPACE.finditer(text):
        name = {"\u00a0": "不换行空格", "\u3000": "全角空格"}.get(m.group(0), "空格")
        add("warning", f"文字或数字之间有{name}", m, "删去空格")
    if "％" in text:
        m = re.search("％", text)
        add("warning", "百分号应使用“%”（与全文统一）", m, "把“％”改为“%”")
    for wrong, right in _WORDING.items():
        for m in re.finditer(re.escape(wrong), text):
            add("error", f"“{wrong}”用词有误", m, f"改为“{right}”")
    for m in _RESIDUE.finditer(text):
        add("error", "含有从网页或 Word 复制带来的残留内容", m, f"删去“{m.group(0)}”")
    simplified = _t2s().convert(text)
    if simplified != text and len(simplified) == len(text):  # t2s maps character for character here
        i, (a, b) = next((i, pair) for i, pair in enumerate(zip(text, simplified, strict=True)) if pair[0] != pair[1])
        found.append(Finding("warning", path, f"含有繁体字“{a}”", _excerpt(text, i, i + 1), f"改为“{b}”"))
    numbers = [numeral_value(m.group(1)) for m in _ENUMERATION.finditer(text)] if enumeration else []
    for previous, current in zip([0, *numbers], numbers, strict=False):
        if current > 1 and current != previous + 1:
            m = re.search(f"{chinese_numeral(current)}是", text)
            add("warning", f"列举不连续：“{chinese_numeral(current)}是”前没有“{chinese_numeral(current - 1)}是”", m,
                "补齐前面的各项，或删去序号")
            break
    return found


def lint_data(data: Any) -> list[Finding]:
    """Findings for every text field of parsed report data; a rule broken several times in one field is reported
    once, with the first place and the count."""
    found: list[Finding] = []
    split = dict(_split_paragraphs(data))
    pieces = {piece for path in split for piece in _piece_paths(data, path)}
    for path, text in leaves(data):
        if path in split:
            found += [f for f in lint_text(path, split[path]) if f.message.startswith("列举")]
        if not isinstance(text, str):
            continue
        by_message: dict[str, list[Finding]] = {}
        for finding in lint_text(path, text, enumeration=path not in pieces):
            by_message.setdefault(finding.message, []).append(finding)
        for message, same in by_message.items():
            first = same[0]
            if len(same) > 1:
                first = attrs.evolve(first, message=f"{message}（本处共{len(same)}处）")
            found.append(first)
    return found


_PART_KEYS = ("figure", "statement", "year", "fill")


def _is_parts(value: Any) -> bool:
    return isinstance(value, list) and any(isinstance(v, dict) and any(k in v for k in _PART_KEYS) for v in value) \
        and all(isinstance(v, str) or isinstance(v, dict) for v in value)


def _split_paragraphs(node: Any, path: str = "") -> list[tuple[str, str]]:
    """(path of the first part, the paragraph's text) of every paragraph written as a list of parts; references to
    figures stand in as a neutral character, so "一是……{figure}……二是……" reads as one sentence."""
    out: list[tuple[str, str]] = []
    if _is_parts(node):
        text = "".join(v if isinstance(v, str) else "〇" for v in node)
        return [(f"{path}[0]", text)]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _split_paragraphs(value, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _split_paragraphs(value, f"{path}[{i}]")
    return out


def _piece_paths(data: Any, first: str) -> list[str]:
    base = first[: -len("[0]")]
    node: Any = data
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", base):
        node = node[int(part[1:-1])] if part.startswith("[") else node[part]
    return [f"{base}[{i}]" for i, v in enumerate(node) if isinstance(v, str)]
