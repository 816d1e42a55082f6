"""Rendering checks: each example is converted to PDF by LibreOffice and measured as a reader sees it.

Geometry comes from the layout profile, so the checks prove the profile's numbers are realised on the page.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import unicodedata
from pathlib import Path

import attrs
import docx
import pytest
from docx.shared import Length, Mm

import edureport
from edureport.areas import parts_of
from edureport.profile import load_profile
from edureport.renderer import default_profile

from .conftest import EXAMPLE_IDS, Rendered, examples_with
from .pdfpages import Line, Page, convert_to_pdf, is_full_width, need_office, read_pages

pytestmark = pytest.mark.rendering

P = default_profile()


def pt(value: int) -> float:
    return float(Length(value).pt)


TOP = pt(P.page.margin_top)
BOTTOM = pt(P.page.height - P.page.margin_bottom)
LEFT = pt(P.page.margin_left)
RIGHT = pt(P.page.width - P.page.margin_right)
PITCH = pt(P.grid.line_pitch)
CHAR = pt(P.char_pitch())
INDENT = pt(P.chars(P.indents.first_line))
NUMBER_CHAR = pt(P.char_pitch(P.roles.page_number))
LINES = P.grid.lines_per_page
CHARS = P.grid.chars_per_line


def body_lines(page: Page) -> list[Line]:
    return [line for line in page.lines if TOP - 4 <= line.center <= BOTTOM + 2]


def footer_lines(page: Page) -> list[Line]:
    return [line for line in page.lines if line.center > BOTTOM + 4]


def starts_attachment(page: Page) -> bool:
    lines = body_lines(page)
    return bool(lines) and re.fullmatch(r"附件\d*", lines[0].text) is not None


def standalone_headings(r: Rendered) -> list[str]:
    document = docx.Document(str(r.docx))
    return [p.text for p in document.paragraphs if p.style is not None and p.style.style_id.startswith("Heading")]


def leading_heading_lines(page: Page, headings: list[str]) -> int:
    """How many of the page's first lines are standalone headings (kept with their text)."""
    lines = body_lines(page)
    count = i = 0
    while i < len(lines):
        matched = False
        for heading in headings:
            text, used = "", 0
            while i + used < len(lines) and heading.replace(" ", "").startswith(text + lines[i + used].text):
                text += lines[i + used].text
                used += 1
                if text == heading.replace(" ", ""):
                    matched = True
                    break
            if matched:
                count += used
                i += used
                break
        if not matched:
            break
    return count


def colophon_pages(pages: list[Page]) -> list[Page]:
    """The pages of the 版记's section at the end: the 版记 page and the blank page before it, if any."""
    if not pages or not any(line.text.endswith("印发") for line in body_lines(pages[-1])):
        return []
    out = [pages[-1]]
    if len(pages) > 1 and not body_lines(pages[-2]):
        out.insert(0, pages[-2])
    return out


def continued_pages(pages: list[Page]) -> list[tuple[Page, Page]]:
    """(page, next page) where the body flows on without a forced break: the pages the body must fill."""
    pairs = []
    forced = colophon_pages(pages)
    for page, nxt in itertools.pairwise(pages):
        if page.number == 1 or starts_attachment(nxt) or nxt in forced or page in forced:
            continue  # page 1 carries the header block; an attachment and the 版记 start a new page by rule
        if any(len(line.words) > 3 and line.x0 > LEFT + 1 and "表" in page.lines[0].text for line in page.lines):
            continue
        pairs.append((page, nxt))
    return pairs


@pytest.mark.parametrize("name", EXAMPLE_IDS)
def test_full_pages_hold_22_lines_at_the_grid_pitch(name: str, pages: dict[str, list[Page]],
                                                     rendered: dict[str, Rendered]) -> None:
    headings = standalone_headings(rendered[name])
    cells = "|".join(c.text for t in docx.Document(str(rendered[name].docx)).tables for row in t.rows
                     for c in row.cells)
    checked = 0
    for page, nxt in continued_pages(pages[name]):
        if any(len(line.text) > 2 and line.text.replace(" ", "") in cells.replace(" ", "") for line in page.lines):
            continue  # a page with a table: rows are not on the text grid
        lines = body_lines(page)
        short = LINES - len(lines)
        if short:
            kept = leading_heading_lines(nxt, headings)
            assert 0 < short <= kept, (
                f"{name} page {page.number}: {len(lines)} lines; only a heading kept with its text may end a page "
                f"early, and page {nxt.number} starts with {kept} heading line(s)")
        centres = [line.center for line in lines]
        pitch = (centres[-1] - centres[0]) / (len(centres) - 1)
        assert abs(pitch - PITCH) < 0.1, f"{name} page {page.number}: line pitch {pitch:.2f} pt"
        checked += 1
    assert checked or len(pages[name]) <= 2, f"{name}: no full page was checked"


HEADING_LABEL = re.compile(r"[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+\.|（\d+）")


def hanging(line: Line) -> int:
    """1 if the line's last character hangs past the right margin (Word and LibreOffice let closing punctuation
    overflow the type area by default rather than leave a line one character short)."""
    return 1 if line.x1 > RIGHT + 2 and unicodedata.category(line.text[-1]).startswith("P") else 0


@pytest.mark.parametrize("name", EXAMPLE_IDS)
def test_full_body_lines_hold_28_characters(name: str, pages: dict[str, list[Page]]) -> None:
    counted = 0
    for page in pages[name]:
        lines = body_lines(page)
        if page.number == 1:  # start below the header block and the title: at the first indented line
            first = next(i for i, line in enumerate(lines) if abs(line.x0 - LEFT - INDENT) < 2)
            lines = lines[first:]
        for line, nxt in itertools.pairwise(lines):
            continues = abs(nxt.x0 - LEFT) < 2 and abs(nxt.center - line.center - PITCH) < 3
            indented = abs(line.x0 - LEFT - INDENT) < 2
            if not continues or not (indented or abs(line.x0 - LEFT) < 2):
                continue  # the last line of a paragraph, or not body text
            # justified: a continued line reaches the right edge (a space that ends a line is not drawn)
            assert line.x1 > RIGHT - CHAR - 2, f"{name} p{page.number}: a full line ends short: {line.text}"
            if all(is_full_width(ch) for ch in line.text + nxt.text[:3]):
                # Pure CJK lines hold exactly the grid's characters. Where the next line opens with a Latin or digit
                # run (〔2022〕, 9.69%) that cannot be broken, the line is stretched instead: not counted.
                expected = CHARS - (2 if indented else 0) + hanging(line)
                if HEADING_LABEL.match(line.text):
                    continue  # a run-in heading is set in its level's font, whose stand-in punctuation may differ
                allowed = {expected}
                if len(nxt.text) > 1 and unicodedata.category(nxt.text[1]) in ("Pe", "Pf", "Po"):
                    allowed.add(expected - 1)  # kinsoku: punctuation may not open a line; the character before it
                assert len(line.text) in allowed, f"{name} p{page.number}: {line.text}"  # moved down with it
                counted += 1
    assert counted >= 3, f"{name}: too few full CJK lines to measure ({counted})"


@pytest.mark.parametrize("name", EXAMPLE_IDS)
def test_page_numbers_read_dash_n_dash_outside_on_odd_and_even_pages(name: str,
                                                                    pages: dict[str, list[Page]]) -> None:
    unnumbered = colophon_pages(pages[name])
    for page in pages[name]:
        footer = footer_lines(page)
        if page in unnumbered:
            assert footer == [], f"{name} page {page.number} of the 版记 is numbered: {footer[0].text}"
            continue
        assert len(footer) == 1, f"{name} page {page.number}: footer lines {[f.text for f in footer]}"
        line = footer[0]
        assert line.text == f"—{page.number}—"
        top_gap = line.y0 - BOTTOM
        expected_gap = pt(P.page_number.gap_below_type_area)
        assert abs(top_gap - expected_gap) < pt(Mm(1)), f"page number top {top_gap:.1f} pt below the type area"
        if page.number % 2:
            assert abs(RIGHT - NUMBER_CHAR - line.x1) < 3, f"odd page {page.number}: right edge {line.x1:.1f}"
        else:
            assert abs(LEFT + NUMBER_CHAR - line.x0) < 3, f"even page {page.number}: left edge {line.x0:.1f}"


@pytest.mark.parametrize("name", EXAMPLE_IDS)
def test_first_page_shows_body_text(name: str, pages: dict[str, list[Page]], rendered: dict[str, Rendered]) -> None:
    report = rendered[name].report
    first = report.opening[0] if report.opening else report.sections[0].title
    if not isinstance(first, str):  # a paragraph with references to figures: its first words
        first = next(part for part in parts_of(first) if isinstance(part, str))
    page_one = "".join(line.text for line in pages[name][0].lines)
    assert first[:12].replace(" ", "") in page_one


@pytest.mark.parametrize("name", examples_with("signature"))
def test_signature_never_stands_alone(name: str, pages: dict[str, list[Page]], rendered: dict[str, Rendered]) -> None:
    signature = rendered[name].report.signature
    assert signature is not None
    date = f"{signature.date.year}年{signature.date.month}月{signature.date.day}日"
    for page in pages[name]:
        lines = body_lines(page)
        at = [i for i, line in enumerate(lines) if line.text == date]
        if at:
            before = [line for line in lines[: at[0]] if line.text != (signature.issuer or "")]
            assert before, f"{name}: the signature stands alone on page {page.number}"
            return
    pytest.fail(f"{name}: date {date} not found")


@pytest.mark.parametrize("name", examples_with("colophon"))
def test_colophon_last_line_sits_at_the_bottom_of_the_type_area(name: str, pages: dict[str, list[Page]],
                                                                 rendered: dict[str, Rendered]) -> None:
    last = pages[name][-1]
    printed = [line for line in body_lines(last) if line.text.endswith("印发")]
    assert printed, "印发 line not on the last page"
    assert abs(printed[0].y1 - BOTTOM) < 3, f"版记 ends {BOTTOM - printed[0].y1:.1f} pt above the type area bottom"


@pytest.mark.parametrize("name", examples_with("colophon"))
def test_colophon_is_on_an_even_page_and_its_pages_are_unnumbered(name: str, pages: dict[str, list[Page]]) -> None:
    """GB/T 9704 7.4/7.5: the 版记 is on the last page, an even one (封四); a blank page before it when the body
    ends on an even page; neither carries a page number. Measured in the PDF LibreOffice prints."""
    forced = colophon_pages(pages[name])
    assert forced, f"{name}: no 版记 page"
    assert len(pages[name]) % 2 == 0, f"{name}: the 版记 is on page {len(pages[name])}"
    assert all(footer_lines(page) == [] for page in forced)
    body_end = pages[name][-len(forced) - 1]
    assert footer_lines(body_end) and body_lines(body_end), "the page before the 版记's section is the body's"
    # a blank page exactly when the body ends on an even page
    assert (len(forced) == 2) == (body_end.number % 2 == 0)


def test_colophon_after_a_body_ending_on_an_odd_page_needs_no_blank_page(tmp_path: Path) -> None:
    """The other parity: a one-page report puts its 版记 on page 2 with no blank page; a report whose body ends on
    page 2 gets a blank page 3 and the 版记 on page 4."""
    need_office()
    short = edureport.Report(title=("报告",), sections=[edureport.Section("情况", paragraphs=["正文。"])],
                             colophon=edureport.Colophon(printer="某县人民政府办公室", cc=("某单位",),
                                                         print_date=dt.date(2024, 6, 5)))
    longer = attrs.evolve(short, sections=[edureport.Section("情况", paragraphs=["正文。"] * 30)])
    files = []
    for stem, report in (("short", short), ("longer", longer)):
        files.append(tmp_path / f"{stem}.docx")
        files[-1].write_bytes(edureport.render_docx(report))
    measured = [read_pages(pdf) for pdf in convert_to_pdf(files, tmp_path)]
    assert [len(p) for p in measured] == [2, 4]
    assert [len(colophon_pages(p)) for p in measured] == [1, 2]
    for document in measured:
        assert [bool(footer_lines(page)) for page in document] == [True] * (len(document) - len(
            colophon_pages(document))) + [False] * len(colophon_pages(document))


@pytest.mark.parametrize("name", examples_with("header"))
def test_issuer_mark_top_edge_35mm_below_type_area(name: str, pages: dict[str, list[Page]],
                                                   rendered: dict[str, Rendered]) -> None:
    header = rendered[name].report.header
    assert header is not None
    mark = [line for line in pages[name][0].lines if line.text == header.issuer_mark]
    assert mark, "issuer mark not found on page 1"
    expected = TOP + pt(P.header_block.mark_top)
    assert abs(mark[0].y0 - expected) < 4, f"mark top at {mark[0].y0:.1f} pt, expected {expected:.1f}"


def test_the_line_count_check_sees_a_wrong_pitch(rendered: dict[str, Rendered], pages: dict[str, list[Page]],
                                                 tmp_path: Path) -> None:
    """Control: the same report on a 29 pt grid (the common 580-twip mistake, here with 21 lines so the profile
    accepts it) measures 21 lines on full pages, so the 22-line check above is not vacuous."""
    profile = load_profile(overrides={"grid": {"line_pitch": "580twip", "lines_per_page": 21}})
    docx_path = tmp_path / "wrong-pitch.docx"
    docx_path.write_bytes(edureport.render_docx(rendered["000-anyue-2024"].report, profile=profile))
    [pdf] = convert_to_pdf([docx_path], tmp_path)
    measured = read_pages(pdf)
    full = [len(body_lines(page)) for page, _ in continued_pages(measured)]
    assert full and max(full) == 21


def _find(pages: list[Page], text: str) -> tuple[Page, Line]:
    for page in pages:
        for line in body_lines(page):
            if line.text == text:
                return page, line
    raise AssertionError(f"{text!r} not found")


@pytest.mark.parametrize("name", examples_with("signature"))
def test_signature_layout_with_and_without_seal(name: str, pages: dict[str, list[Page]],
                                                rendered: dict[str, Rendered]) -> None:
    signature = rendered[name].report.signature
    assert signature is not None and signature.issuer
    date = f"{signature.date.year}年{signature.date.month}月{signature.date.day}日"
    page, date_line = _find(pages[name], date)
    issuer = [line for line in body_lines(page) if line.text == signature.issuer and line.center < date_line.center]
    assert issuer, "issuer not above the date on the same page"
    issuer_line = issuer[-1]
    assert abs(date_line.center - issuer_line.center - PITCH) < 2, "date is not on the line after the issuer"
    if signature.seal:
        # 7.3.5.1: date 4 characters from the right, issuer centred over the date
        assert abs(RIGHT - date_line.x1 - 4 * CHAR) < 4, f"date ends {RIGHT - date_line.x1:.1f} pt from the right"
        centre = (issuer_line.x0 + issuer_line.x1) / 2 - (date_line.x0 + date_line.x1) / 2
        assert abs(centre) < 4, f"issuer off the date's centre by {centre:.1f} pt"
    else:
        # 7.3.5.2: issuer 2 characters from the right, the date starting 2 characters right of the issuer's start;
        # a date longer than that sits 2 characters from the right and the issuer moves left instead
        issuer_gap, date_gap = RIGHT - issuer_line.x1, RIGHT - date_line.x1
        assert abs(issuer_gap - 2 * CHAR) < 4 or abs(date_gap - 2 * CHAR) < 4, (issuer_gap, date_gap)
        assert date_gap > 2 * CHAR - 4, f"date ends {date_gap:.1f} pt from the right"
        assert abs(date_line.x0 - issuer_line.x0 - 2 * CHAR) < 6


@pytest.mark.parametrize("name", [n for n in EXAMPLE_IDS if n.startswith("showcase")])
def test_attachments_start_a_page_with_label_top_left_and_title_on_line_3(name: str,
                                                                        pages: dict[str, list[Page]]) -> None:
    starts = [page for page in pages[name] if starts_attachment(page)]
    assert [body_lines(p)[0].text for p in starts] == ["附件1", "附件2"]
    for page in starts:
        label, title = body_lines(page)[:2]
        assert abs(label.x0 - LEFT) < 2 and abs(label.center - (TOP + PITCH / 2)) < 6
        assert abs(title.center - (TOP + 2.5 * PITCH)) < 6, "attachment title not on line 3"
        assert abs((title.x0 + title.x1) / 2 - (LEFT + RIGHT) / 2) < 4, "attachment title not centred"
