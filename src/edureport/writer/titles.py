"""Line breaking of the 公文标题 (GB/T 9704-2012 clause 7.3.1: “标题……回行时，要做到词意完整，排列对称，长短适宜，
间距恰当，标题排列应当使用梯形或菱形”).

A title given as several lines is kept as given (the author chose the breaks; a given line wider than the type area
is reported by ``render.prepare``, see :func:`wrapping_lines`). A title given as one line that is wider than the
type area is broken here, before the writer lays it out. The rule:

* Where: only between the words of a Chinese word segmenter (jieba-rs through ``rjieba``: its built-in dictionary,
  HMM on, deterministic, nothing downloaded, printed or cached on disk). Never after an opening bracket or quote,
  never before a closing one or before punctuation that may not start a line, never inside a number or at a dash,
  never before a space (a space at a break is dropped with it).
* Fit: every line is at most the type width wide, measured as the writer measures text (:func:`title_width`), and
  has at least two characters that are not punctuation or spaces: never one character alone on a line.
* Shape, from the lines' measured widths w1 … wk, top to bottom (:func:`shape`):
  - 梯形: the widths never rise (w1 ≥ … ≥ wk, w1 > wk: 上长下短, the usual shape) or never fall (w1 ≤ … ≤ wk,
    w1 < wk: 上短下长, as in “××县人民政府 / 关于……的报告”; it costs a little more, see below);
  - 菱形: k ≥ 3, the widths rise to the widest line and then fall (short, long, short), never rising again;
  - never an hourglass (沙漏形: a line narrower than a line above it and a line below it); a rectangle of equal
    lines (长方形) only when no trapezoid or diamond exists.
* Choice, in this order: breaks only between words (a break inside a word is used only when no layout exists
  without one: a word wider than the type area); a trapezoid or diamond before a rectangle; the fewest lines; the
  least cost. The cost is the sum of the squared line widths (so lines are as even as the shape allows) plus, in
  em² (moving a break d em away from the even split costs about 2·d² em²):
  - 200 for a break inside a 《》“”（）〔〕【】 pair, between a number and its unit (2023 | 年度) or between 第 and
    its number: they stay together unless that takes another line;
  - 18 for a break inside a phrase: between words that are not at a phrase boundary (教育 | 职责, 履行 | 教育).
    Phrase boundaries, read from the segmenter's part-of-speech tags, are before a preposition or conjunction
    (| 关于), after an organisation's name or a time word (人民政府 | 2023年, 以来 | 履行), and before a verb that
    follows a noun (职责 | 自查自评);
  - 18 for a line starting with a particle (的, 之, 以来, 等 …) or ending with a preposition or conjunction
    (关于, 对, 和, 与 …);
  - 12 for an upper trapezoid (上短下长) rather than an inverted one or a diamond;
  - −8 (a bonus) for a break just before 关于, between the issuer and the subject.
  All arithmetic is on integers (EMU), so the same title, profile and segmenter version give the same lines.

The lines joined together give back the title, less the spaces at the breaks. Lines longer than
``MAX_BALANCED`` characters are filled greedily at word boundaries instead (such a title is a data error; the
balanced search grows with the square of the length).
"""

from __future__ import annotations

import itertools
import threading
import unicodedata
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from docx.shared import Length

from .. import tree
from ..profile import Profile
from .layout import text_width

if TYPE_CHECKING:
    from rjieba import Jieba

#: shape names, as returned by :func:`shape`: 倒梯形 (上长下短) and 正梯形 (上短下长) are the two 梯形
INVERTED_TRAPEZOID, UPPER_TRAPEZOID, DIAMOND, RECTANGLE, HOURGLASS, SINGLE = (
    "倒梯形", "正梯形", "菱形", "长方形", "沙漏形", "单行")
#: the shapes clause 7.3.1 asks for
STANDARD_SHAPES = frozenset({INVERTED_TRAPEZOID, UPPER_TRAPEZOID, DIAMOND})

_OPENERS = frozenset("（《“‘〔【「『〈([{")
_CLOSERS = frozenset("）》”’〕】」』〉)]}")
_PAIRS = {"（": "）", "《": "》", "“": "”", "‘": "’", "〔": "〕", "【": "】", "「": "」", "『": "』", "〈": "〉",
          "(": ")", "[": "]", "{": "}"}
# characters that may not start a line (closing punctuation), and joiners that may neither start nor end one
_NO_START = _CLOSERS | frozenset("、，。：；！？,.;:!?%％·…")
_JOINERS = frozenset("—–-~～/／")
_UNIT_STARTS = frozenset("年月日号时分秒个所名人位元角万亿千百次项条款届期季周岁度倍批家座台件篇章节页级类轮")
_WEAK_STARTS = frozenset({"的", "之", "以来", "以后", "以前", "以上", "以下", "等", "了", "和", "与", "及", "或"})
_WEAK_ENDS = frozenset({"关于", "对于", "对", "在", "和", "与", "及", "或", "就", "把", "将", "为", "向"})
_GOOD_STARTS = frozenset({"关于"})

# penalties in em² (an em is the title's font size): moving a break by d em from the even split costs about 2·d² em²
_KEEP_TOGETHER = 200  # inside a bracket pair, number | unit, 第 | number: kept together whenever anything else fits
_WEAK = 18  # a particle starting a line, a preposition ending one: worth about 3 em of unevenness
_GOOD = -8  # a break before 关于
_IN_PHRASE = 18  # a break between words that is not between phrases (see _phrase_boundary)
_IN_WORD = 50  # only when some word is wider than the type area
_UPPER = 12  # an upper trapezoid (short line above a long one) rather than an inverted one

#: a longer line is filled greedily at word boundaries (see the module docstring)
MAX_BALANCED = 120

_SEGMENTER: Jieba | None = None
_SEGMENTER_LOCK = threading.Lock()


def _segmenter() -> Jieba:
    """A private jieba-rs instance (the module's shared default could be changed by add_word elsewhere), built once,
    on first use, under a lock. Cutting only reads it, so threads may share it."""
    global _SEGMENTER
    with _SEGMENTER_LOCK:
        if _SEGMENTER is None:
            from ..segmenter import new_segmenter
            _SEGMENTER = new_segmenter()
        return _SEGMENTER


def words(text: str) -> list[tuple[str, str]]:
    """``text`` cut into words, each with its part-of-speech tag (jieba's: n noun, v verb, p preposition …); the
    words' concatenation is ``text``."""
    if not text:
        return []
    tagged = _segmenter().tag(text, hmm=True)
    return tagged if "".join(w for w, _ in tagged) == text else [(ch, "x") for ch in text]


def _phrase_boundary(before: tuple[str, str], after: tuple[str, str]) -> bool:
    """Whether a break between these two words falls between phrases: before a preposition (关于) or a
    conjunction, after an organisation's name or a time word (…人民政府 | 2023年, 以来 | 履行), before a verb that
    follows a noun (职责 | 自查自评). Any other boundary between words splits a phrase (教育 | 职责, 履行 | 教育)."""
    tag_before, tag_after = before[1], after[1]
    if tag_after in ("p", "c") or after[0] in _GOOD_STARTS:
        return True
    if tag_before in ("nt", "f", "t") and not tag_after.startswith("n"):
        return True
    return tag_after.startswith("v") and not tag_before.startswith(("v", "d", "p", "c", "u"))


# --- measuring -------------------------------------------------------------------------------------------------

def _narrow(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("Na", "H")


def title_width(text: str, profile: Profile) -> Length:
    """Width of ``text`` in the title role: :func:`layout.text_width`, with the space Word and LibreOffice put
    where Chinese meets digits or Latin scaled to the title's size (the profile's autospace is for body text;
    LibreOffice adds about 1/5 em, 4.4 pt at 2号, and at the profile's 3.4 pt per change a title line of digits
    and Chinese measured as fitting wrapped)."""
    role = profile.roles.title
    width = text_width(text, role, profile)
    autospace = profile.grid.autospace
    extra = round(autospace * role.size / profile.roles.body.size) - autospace
    changes = sum(1 for a, b in itertools.pairwise(text) if _narrow(a) != _narrow(b))
    return Length(width + changes * extra)


def letters(line: str) -> int:
    """Characters of ``line`` that are not spaces or punctuation (a line needs two: never one character alone)."""
    return sum(1 for ch in line if not ch.isspace() and not unicodedata.category(ch).startswith("P"))


def shape(widths: Sequence[int]) -> str:
    """The shape of lines of these widths, top to bottom (see the module docstring)."""
    if len(widths) < 2:
        return SINGLE
    rose = fell = False
    for above, below in itertools.pairwise(widths):
        if below > above:
            if fell:
                return HOURGLASS
            rose = True
        elif below < above:
            fell = True
    if rose and fell:
        return DIAMOND
    return UPPER_TRAPEZOID if rose else INVERTED_TRAPEZOID if fell else RECTANGLE


# --- breaking ----------------------------------------------------------------------------------------------------

def title_lines(lines: Sequence[str], profile: Profile) -> tuple[str, ...]:
    """The lines the writer lays out: a one-line title wider than the type area broken by :func:`break_title`;
    a title given as several lines as given."""
    if len(lines) != 1:
        return tuple(lines)
    return break_title(lines[0], profile)


def wrapping_lines(document: tree.Document, profile: Profile) -> list[tuple[int, str, str, str]]:
    """The lines of a title given as several lines that are wider than the type area (the word processor would
    wrap them wherever it likes, perhaps leaving one character alone): index, line, what is wrong and how to fix
    it, for a finding at ``title[index]``."""
    found = []
    for block in document.blocks:
        if isinstance(block, tree.Title) and len(block.lines) > 1:
            for i, line in enumerate(block.lines):
                width = title_width(line.strip(), profile)  # spaces at the ends are not seen
                if width > profile.type_width:
                    found.append((i, line, f"标题第{i + 1}行宽约{_mm(width)}mm，超过版心宽度{_mm(profile.type_width)}mm，"
                                           "会自动折行", "在词意完整处把这一行分为两行，或把标题写成一行，由程序按梯形或菱形分行"))
    return found


def _mm(length: int) -> str:
    return f"{round(Length(length).mm, 1):g}"


def break_title(text: str, profile: Profile) -> tuple[str, ...]:
    """One title line → the lines it is laid out in (itself when it fits the type area)."""
    return break_line(text, lambda s: title_width(s, profile), profile.type_width, profile.roles.title.size)


def break_line(text: str, measure: Callable[[str], int], limit: int, em: int) -> tuple[str, ...]:
    """``text`` in the fewest lines no wider than ``limit`` by ``measure``, shaped and chosen as the module
    docstring says. ``em`` (the font size, in the unit of ``measure``) scales the penalties."""
    if measure(text.strip()) <= limit or letters(text) < 4:
        return (text,)
    tagged = words(text)
    if len(text) > MAX_BALANCED:
        return _greedy(text, _word_breaks(text, tagged), measure, limit)
    for breaks in (_word_breaks(text, tagged), _char_breaks(text, tagged)):
        found = _balanced(text, breaks, measure, limit, em)
        if found is not None:
            return found
    return _greedy(text, {i: 0 for i in range(1, len(text))}, measure, limit)


def _word_breaks(text: str, tagged: Sequence[tuple[str, str]]) -> dict[int, int]:
    """Where a line may break (offsets into ``text``) → penalty in em², at the boundaries of the words."""
    pieces = [w for w, _ in tagged]
    starts: list[int] = []
    offset = 0
    for piece in pieces:
        starts.append(offset)
        offset += len(piece)
    depth = _pair_depths(text)
    breaks: dict[int, int] = {}
    for k in range(1, len(pieces)):
        at = starts[k]
        before, after = pieces[k - 1], pieces[k]
        if _forbidden(text, at):
            continue
        penalty = 0
        if depth[at] > 0 or (before[-1].isdigit() and after[0] in _UNIT_STARTS) or (
                before.endswith("第") and after[0].isdigit()):
            penalty += _KEEP_TOGETHER
        if after.strip() in _WEAK_STARTS or before.strip() in _WEAK_ENDS:
            penalty += _WEAK
        if after in _GOOD_STARTS:
            penalty += _GOOD
        if not _phrase_boundary(tagged[k - 1], tagged[k]):
            penalty += _IN_PHRASE
        breaks[at] = penalty
    return breaks


def _char_breaks(text: str, tagged: Sequence[tuple[str, str]]) -> dict[int, int]:
    """Every boundary the punctuation allows; those inside a word cost ``_IN_WORD`` more."""
    breaks = _word_breaks(text, tagged)
    depth = _pair_depths(text)
    return {at: breaks.get(at, _IN_WORD + (_KEEP_TOGETHER if depth[at] > 0 else 0))
            for at in range(1, len(text)) if not _forbidden(text, at)}


def _forbidden(text: str, at: int) -> bool:
    """A break between text[at - 1] and text[at] would start a line with closing punctuation or a space, or end one
    with an opening bracket, or split a number or a dash."""
    before, after = text[at - 1], text[at]
    return (before in _OPENERS or after in _NO_START or after.isspace() or before in _JOINERS or after in _JOINERS
            or (before.isdigit() and after.isdigit()))


def _pair_depths(text: str) -> list[int]:
    """For each offset, how many bracket pairs are open there (a pair counts only when it is closed)."""
    change = [0] * (len(text) + 2)
    stack: list[tuple[str, int]] = []
    for i, ch in enumerate(text):
        if ch in _PAIRS:
            stack.append((_PAIRS[ch], i))
        elif stack and ch == stack[-1][0]:
            start = stack.pop()[1]
            change[start + 1] += 1  # offsets start + 1 … i lie inside the pair
            change[i + 1] -= 1
    depth, open_pairs = [], 0
    for delta in change[:len(text) + 1]:
        open_pairs += delta
        depth.append(open_pairs)
    return depth


_FLAT, _RISE, _FALL = 0, 1, 2


def _balanced(text: str, breaks: dict[int, int], measure: Callable[[str], int], limit: int,
              em: int) -> tuple[str, ...] | None:
    """The best layout over the allowed breaks (see the module docstring), or None when none fits."""
    positions = [0, *sorted(breaks), len(text)]
    last = len(positions) - 1
    scale = em * em

    # every line that fits: (start, end) position numbers → width
    fits: dict[tuple[int, int], int] = {}
    for a in range(last):
        for b in range(a + 1, last + 1):
            line = _line(text, positions[a], positions[b], b == last)
            width = measure(line.strip())
            if width > limit:
                break  # a longer line is no narrower
            if letters(line) >= 2:
                fits[a, b] = width
    following: dict[int, list[int]] = {}
    for a, b in fits:
        following.setdefault(a, []).append(b)

    def cost(a: int, b: int) -> int:
        penalty = breaks[positions[b]] * scale if b != last else 0
        return fits[a, b] ** 2 + penalty

    # state: the last line (a, b) and the shape so far → (lines, cost), and the state before it
    best: dict[tuple[int, int, int], tuple[int, int]] = {}
    back: dict[tuple[int, int, int], tuple[int, int, int] | None] = {}
    for b in following.get(0, []):
        best[0, b, _FLAT] = (1, cost(0, b))
        back[0, b, _FLAT] = None
    for a in range(last):  # states in the order of their line's start: every predecessor ends where it starts
        for b in following.get(a, []):
            if b == last:
                continue
            width = fits[a, b]
            for phase in (_FLAT, _RISE, _FALL):
                here = best.get((a, b, phase))
                if here is None:
                    continue
                for c in following.get(b, []):
                    below = fits[b, c]
                    if below == width:
                        nxt = phase
                    elif below < width:
                        nxt = _FALL
                    elif phase == _FALL:
                        continue  # an hourglass
                    else:
                        nxt = _RISE
                    key = (b, c, nxt)
                    value = (here[0] + 1, here[1] + cost(b, c))
                    if key not in best or value < best[key]:
                        best[key] = value
                        back[key] = (a, b, phase)
    # a trapezoid or a diamond before a rectangle; then the fewest lines; then the cost, an upper trapezoid
    # paying a little more than an inverted one
    finals = [(1 if key[2] == _FLAT else 0, lines, total + (_UPPER * scale if key[2] == _RISE else 0), key)
              for key, (lines, total) in best.items() if key[1] == last and lines >= 2]
    if not finals:
        return None
    state: tuple[int, int, int] | None = min(finals)[3]
    ends: list[int] = []
    while state is not None:
        ends.append(state[1])
        state = back[state]
    ends.reverse()
    starts = [0, *ends[:-1]]
    return tuple(_line(text, positions[a], positions[b], b == last) for a, b in zip(starts, ends, strict=True))


def _line(text: str, start: int, end: int, final: bool) -> str:
    """The line text[start:end]; a space before a break is dropped with the break."""
    line = text[start:end]
    return line if final else line.rstrip()


def _greedy(text: str, breaks: dict[int, int], measure: Callable[[str], int], limit: int) -> tuple[str, ...]:
    """Fill each line as far as it fits (the fallback for very long titles, and when no balanced layout exists);
    a last line of one character goes back to the line above."""
    lines: list[str] = []
    candidates = [*sorted(breaks), len(text)]
    start = k = 0
    while start < len(text):
        while candidates[k] <= start:
            k += 1
        end = candidates[k]  # at least one word, even one wider than the type area
        j = k + 1
        while j < len(candidates) and measure(text[start:candidates[j]].strip()) <= limit:
            end = candidates[j]
            j += 1
        lines.append(_line(text, start, end, end == len(text)))
        start = end
    if len(lines) > 1 and letters(lines[-1]) < 2:
        tail = lines.pop()
        lines[-1] = lines[-1] + tail
    return tuple(lines)
