"""The 公文标题's lines (clause 7.3.1): a one-line title wider than the type area is broken at word boundaries into a
梯形 or 菱形 with no character alone on a line; a title given as lines is kept, and a given line that would wrap is
a finding. The rule is in the docstring of ``edureport.writer.titles``."""

from __future__ import annotations

import io
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import attrs
import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import edureport
from edureport.model import Report
from edureport.renderer import default_profile, prepare
from edureport.writer.layout import text_width
from edureport.writer.titles import (
    DIAMOND,
    HOURGLASS,
    INVERTED_TRAPEZOID,
    RECTANGLE,
    SINGLE,
    STANDARD_SHAPES,
    UPPER_TRAPEZOID,
    break_title,
    letters,
    shape,
    title_lines,
    title_width,
    words,
)

from .conftest import EXAMPLE_IDS, EXAMPLES, TEMPLATES, Rendered, load_example
from .pdfpages import Page, convert_to_pdf, need_office, read_pages

P = default_profile()
WIDTH = P.type_width


def check_lines(title: str, lines: tuple[str, ...]) -> None:
    """Every line fits, none is one character, the shape is one clause 7.3.1 allows, nothing is lost."""
    assert "".join(lines) == title
    widths = [title_width(line.strip(), P) for line in lines]  # spaces at the ends are not seen
    assert all(w <= WIDTH for w in widths), [(line, w.pt) for line, w in zip(lines, widths, strict=True)]
    assert all(letters(line) >= 2 for line in lines), lines
    assert shape(widths) in (STANDARD_SHAPES if len(lines) > 1 else {SINGLE}), (lines, shape(widths))


def word_boundaries(title: str) -> set[int]:
    ends, offset = set(), 0
    for word, _ in words(title):
        offset += len(word)
        ends.add(offset)
    return ends


def breaks(lines: tuple[str, ...]) -> list[int]:
    offsets, offset = [], 0
    for line in lines[:-1]:
        offset += len(line)
        offsets.append(offset)
    return offsets


# --- the shape rule --------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("widths", "expected"), [
    ([5], SINGLE),
    ([5, 3], INVERTED_TRAPEZOID),
    ([5, 5, 3], INVERTED_TRAPEZOID),
    ([3, 5], UPPER_TRAPEZOID),
    ([3, 5, 5], UPPER_TRAPEZOID),
    ([3, 5, 4], DIAMOND),
    ([3, 5, 5, 2], DIAMOND),
    ([5, 3, 5], HOURGLASS),
    ([5, 4, 5, 3], HOURGLASS),
    ([4, 4], RECTANGLE),
])
def test_shape_names_the_figure_the_line_widths_make(widths: list[int], expected: str) -> None:
    assert shape(widths) == expected


# --- breaking one-line titles ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("title", "expected"), [
    # an inverted trapezoid, broken between phrases (after the time phrase, before the verb)
    ("垫江县人民政府办公室关于2021年以来履行教育职责自查自评的报告",
     ("垫江县人民政府办公室关于2021年以来", "履行教育职责自查自评的报告")),
    # an upper trapezoid rather than splitting 履行 | 教育职责
    ("南岸区人民政府2023年以来履行教育职责自评情况的报告", ("南岸区人民政府2023年以来", "履行教育职责自评情况的报告")),
    # the book title stays whole and 的 does not go alone
    ("教育部关于印发《义务教育学校管理标准》的通知", ("教育部关于印发", "《义务教育学校管理标准》的通知")),
    # a diamond: issuer, subject, document type
    ("重庆市人民政府教育督导委员会关于印发2022年对区县人民政府履行教育职责评价方案的通知",
     ("重庆市人民政府教育督导委员会", "关于印发2022年对区县人民政府", "履行教育职责评价方案的通知")),
])
def test_known_titles_break_between_phrases(title: str, expected: tuple[str, ...]) -> None:
    lines = break_title(title, P)
    assert lines == expected
    check_lines(title, lines)


def test_a_title_that_fits_is_one_line() -> None:
    title = "关于2023年度履行教育职责情况的自评报告"
    assert title_width(title, P) <= WIDTH
    assert break_title(title, P) == (title,)
    assert break_title("关于" * 10, P) == ("关于" * 10,)  # 20 characters of 2号 fill the 156 mm exactly


def test_example_001_title_as_one_line_does_not_leave_one_character() -> None:
    lines = break_title("关于2021年以来履行教育职责自查自评的报告", P)
    assert lines == ("关于2021年以来履行教育职责", "自查自评的报告")
    check_lines("关于2021年以来履行教育职责自查自评的报告", lines)


@pytest.mark.parametrize("title", [
    "教育部关于印发《义务教育学校管理标准》的通知",
    "关于做好2024年秋季学期“双减”督导和校外培训治理工作的通知",
    "某某县人民政府关于2023年度县域义务教育优质均衡发展（第2批）自评情况的报告",
])
def test_pairs_and_numbers_with_units_stay_together(title: str) -> None:
    lines = break_title(title, P)
    check_lines(title, lines)
    for offset in breaks(lines):
        before = title[:offset]
        assert all(before.count(a) == before.count(b) for a, b in ("《》", "“”", "（）")), lines
        assert not (title[offset - 1].isdigit() or title[offset].isdigit() or title[offset - 1] == "第"), lines


def test_a_pair_breaks_at_a_word_boundary_when_keeping_it_takes_another_line() -> None:
    title = "某某县人民政府关于印发《某某县义务教育优质均衡发展实施方案》的通知"  # 《…》的通知 alone is 23 characters
    lines = break_title(title, P)
    assert lines == ("某某县人民政府关于印发《某某县义务教育", "优质均衡发展实施方案》的通知")
    check_lines(title, lines)


def test_no_line_starts_with_closing_punctuation_or_ends_with_an_opening_one() -> None:
    title = "某某县人民政府关于“双减”工作、课后服务和“五项管理”落实情况（2023年度）的自查自评报告"
    lines = break_title(title, P)
    check_lines(title, lines)
    assert not any(line[0] in "）》”、，" for line in lines[1:]), lines
    assert not any(line[-1] in "（《“" for line in lines[:-1]), lines


def test_a_space_at_a_break_goes_with_the_break() -> None:
    title = "中共某某县委 某某县人民政府关于深化教育教学改革全面提高义务教育质量的实施意见"
    lines = break_title(title, P)
    assert "".join(lines).replace(" ", "") == title.replace(" ", "")
    assert all(line == line.strip() for line in lines)


def test_a_word_wider_than_the_type_area_is_broken_inside_only_then() -> None:
    title = "关于" + "甲" * 30 + "的报告"  # one unknown 30-character word
    lines = break_title(title, P)
    check_lines(title, lines)


def test_a_very_long_title_is_filled_greedily_and_quickly() -> None:
    title = "关于2023年度履行教育职责情况的自评报告" * 300
    start = time.perf_counter()
    lines = break_title(title, P)
    assert time.perf_counter() - start < 5
    assert "".join(lines) == title
    assert all(title_width(line, P) <= WIDTH for line in lines)
    assert all(letters(line) >= 2 for line in lines)


def test_title_width_is_the_writers_text_width_with_autospace_at_the_titles_size() -> None:
    role = P.roles.title
    assert title_width("履行教育职责", P) == text_width("履行教育职责", role, P)
    # two changes between Chinese and digits: LibreOffice adds about 1/5 em (4.4 pt) at 2号 for each
    extra = title_width("关于2021年", P) - text_width("关于2021年", role, P)
    assert 2 * 0.9 <= extra / 12700 <= 2 * 1.5


def test_breaking_is_deterministic_and_thread_safe() -> None:
    titles = ["垫江县人民政府办公室关于2021年以来履行教育职责自查自评的报告",
              "教育部关于印发《义务教育学校管理标准》的通知",
              "重庆市人民政府教育督导委员会关于印发2022年对区县人民政府履行教育职责评价方案的通知"] * 20
    expected = [break_title(t, P) for t in titles]
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(lambda t: break_title(t, P), titles)) == expected


def test_the_segmenter_prints_nothing_and_writes_no_cache(tmp_path: Path) -> None:
    code = ("from edureport.renderer import default_profile\nfrom edureport.writer.titles import break_title\n"
            "print(break_title('关于2021年以来履行教育职责自查自评的报告', default_profile()))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={"TMPDIR": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert done.stderr == ""
    assert done.stdout.strip() == "('关于2021年以来履行教育职责', '自查自评的报告')"
    assert list(tmp_path.iterdir()) == []


VOCABULARY = ["关于", "人民政府", "办公室", "履行", "教育", "职责", "自查自评", "自评", "情况", "的", "报告", "县",
              "2023年度", "2021年以来", "义务教育", "优质均衡", "发展", "督导", "评估", "工作", "重庆市", "垫江县",
              "印发", "通知", "实施方案", "意见", "和", "加快推进", "现代化", "学前教育", "普及普惠", "《义务教育法》",
              "（试行）", "专项", "整改", "落实", "第3次", "全面", "提高", "质量", "教师队伍", "建设", "深化", "改革"]


@st.composite
def titles(draw: st.DrawFn) -> str:
    """Titles of 20–80 characters made of words a title uses."""
    parts: list[str] = []
    target = draw(st.integers(min_value=20, max_value=80))
    while len("".join(parts)) < target:
        parts.append(draw(st.sampled_from(VOCABULARY)))
    if len("".join(parts)) > 80:
        parts.pop()  # what is left is 74 characters at least
    return "".join(parts)


@settings(max_examples=400, deadline=None)
@given(titles())
def test_random_titles_fit_with_no_lone_character_in_a_trapezoid_or_diamond(title: str) -> None:
    lines = break_title(title, P)
    check_lines(title, lines)
    assert set(breaks(lines)) <= word_boundaries(title), lines  # never inside a word


# --- titles given as lines, the writer and the finding ---------------------------------------------------------

def title_paragraph(data: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "title.docx"
    path.write_bytes(data)
    paragraph = next(p for p in docx.Document(str(path)).paragraphs if p.style is not None
                     and p.style.style_id == "DocTitle")
    return paragraph.text.split("\n")


def with_title(report: Report, title: str | tuple[str, ...]) -> Report:
    return attrs.evolve(report, title=title)


def test_the_writer_breaks_a_one_line_title(tmp_path: Path) -> None:
    title = "垫江县人民政府办公室关于2021年以来履行教育职责自查自评的报告"
    report = with_title(load_example(EXAMPLES[EXAMPLE_IDS.index("001-dianjiang-2022")]), title)
    data = edureport.render_docx(report, template_dirs=TEMPLATES)
    assert title_paragraph(data, tmp_path) == list(break_title(title, P))
    _, findings = prepare(report, P, TEMPLATES)
    assert not [f for f in findings if f.path.startswith("title")]


def test_an_attachments_title_is_broken_like_the_documents() -> None:
    title = "某县2024年度义务教育优质均衡发展各项指标达标情况及薄弱环节整改措施一览表"
    assert text_width(title, P.roles.title, P) > P.type_width
    report = edureport.Report(title=("报告",), sections=[edureport.Section("情况", paragraphs=["正文。"])],
                              attachments=[edureport.Attachment(title=title, paragraphs=["附件正文。"])])
    document = docx.Document(io.BytesIO(edureport.render_docx(report)))
    titles = [p.text.split("\n") for p in document.paragraphs if p.style.style_id == "DocTitle"]
    assert titles == [["报告"], list(break_title(title, P))]
    assert len(titles[1]) > 1 and all(len(line) > 1 for line in titles[1])


def test_a_title_given_as_lines_is_kept_and_a_wrapping_line_is_a_finding(tmp_path: Path) -> None:
    given = ("垫江县人民政府办公室", "关于2021年以来履行教育职责自查自评的报告")
    report = with_title(load_example(EXAMPLES[EXAMPLE_IDS.index("001-dianjiang-2022")]), given)
    assert title_lines(given, P) == given
    data = edureport.render_docx(report, template_dirs=TEMPLATES)
    assert title_paragraph(data, tmp_path) == list(given)
    _, findings = prepare(report, P, TEMPLATES)
    found = [f for f in findings if f.path.startswith("title")]
    assert [(f.severity, f.path, f.text) for f in found] == [("warning", "title[1]", given[1])]
    width = title_width(given[1], P).mm
    assert found[0].message == f"标题第2行宽约{round(width, 1):g}mm，超过版心宽度156mm，会自动折行"


def test_titles_given_as_lines_that_fit_are_no_finding() -> None:
    report = with_title(load_example(EXAMPLES[EXAMPLE_IDS.index("001-dianjiang-2022")]),
                        ("垫江县人民政府办公室关于2021年以来", "履行教育职责自查自评的报告"))
    _, findings = prepare(report, P, TEMPLATES)
    assert not [f for f in findings if f.path.startswith("title")]


@pytest.mark.parametrize("name", EXAMPLE_IDS)
def test_no_example_title_line_wraps(name: str) -> None:
    _, findings = prepare(load_example(EXAMPLES[EXAMPLE_IDS.index(name)]), P, TEMPLATES)
    assert [f.message for f in findings if f.path.startswith("title")] == []


# --- as LibreOffice lays them out ------------------------------------------------------------------------------

def printed_title(page: Page, title: str) -> list[str]:
    """The printed lines of page 1 that together read ``title`` (spaces ignored)."""
    texts = [line.text.replace(" ", "") for line in page.lines]
    target = title.replace(" ", "")
    for start in range(len(texts)):
        read = ""
        for end in range(start, len(texts)):
            read += texts[end]
            if read == target:
                return texts[start:end + 1]
            if not target.startswith(read):
                break
    raise AssertionError(f"title {title!r} not found on page 1: {texts[:12]}")


@pytest.mark.rendering
@pytest.mark.parametrize("name", EXAMPLE_IDS)
def test_no_example_title_leaves_one_character_on_a_line(name: str, pages: dict[str, list[Page]],
                                                          rendered: dict[str, Rendered]) -> None:
    printed = printed_title(pages[name][0], "".join(rendered[name].report.title))
    assert all(letters(line) >= 2 for line in printed), printed


BROKEN = ["垫江县人民政府办公室关于2021年以来履行教育职责自查自评的报告",
          "某某县人民政府关于2023年度义务教育优质均衡发展督导评估自评工作情况的报告",
          "关于2021年2022年2023年履行教育职责自查自评情况和2024年工作计划的报告",
          "国务院办公厅关于印发《中国教育现代化2035》实施方案和加快推进教育现代化实施方案（2018—2022年）的通知"]


@pytest.mark.rendering
def test_broken_titles_print_as_broken(tmp_path: Path) -> None:
    """LibreOffice prints a broken title in exactly the computed lines: none of them wraps again."""
    need_office()
    base = load_example(EXAMPLES[EXAMPLE_IDS.index("001-dianjiang-2022")])
    files = []
    for n, title in enumerate(BROKEN):
        path = tmp_path / f"title{n}.docx"
        path.write_bytes(edureport.render_docx(with_title(base, title), template_dirs=TEMPLATES))
        files.append(path)
    for title, pdf in zip(BROKEN, convert_to_pdf(files, tmp_path), strict=True):
        expected = [line.replace(" ", "") for line in break_title(title, P)]
        assert len(expected) > 1
        assert printed_title(read_pages(pdf)[0], title) == expected
