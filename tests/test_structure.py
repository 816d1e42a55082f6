"""Structure checks: python-docx re-reads each rendered example — heading labels and their order, fonts on every
run, and the body text compared with the reference report it was transcribed from."""

from __future__ import annotations

import io
import re
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from lxml import etree

import edureport
from edureport.profile import load_profile
from edureport.renderer import default_profile

from .conftest import EXAMPLE_IDS, ROOT, Rendered, outline_level

REFERENCE_DIR = Path(__file__).parent / "reference"
LABEL = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.、]|（\d+）)\s*")
HALF_TO_FULL = str.maketrans({",": "，", ":": "：", ";": "；", "(": "（", ")": "）"})

# The reference reports and every difference the examples allow: (the reference's words, ours, why). Nothing else
# may differ — in particular every sentence stated from typed data reads exactly as the reference wrote it.
REFERENCES: dict[str, tuple[str, list[tuple[str, str, str]]]] = {
    "000-anyue-2024": ("000_b5e8ecbf2dd1edbd.txt", [
        ("1、 履职情况", "一、履职情况", "hand numbering drift: headings are numbered by the library"),
        ("[bookmark: OLE_LINK6][bookmark: OLE_LINK5]", "", "Word bookmark residue, not text"),
        ("752. 96", "752.96", "a space inside a number (GB/T 15835)"),
        ("13282. 41", "13282.41", "a space inside a number (GB/T 15835)"),
        ("142.689万元", "142689万元", "a unit slip: 142689万元 is the county's education budget"),
        ("布署", "部署", "a misspelling")]),
    "001-dianjiang-2022": ("001_a095cdc0dadbd697.txt", [
        ("年比下降0.65个百分点", "比上年下降0.65个百分点", "a garbled comparison")]),
    "004-nanan-2024": ("004_70c1f3deedfc4c99.txt", [
        ("[bookmark: _GoBack]", "", "Word bookmark residue, not text"),
        ("％", "%", "one percent sign throughout"),
        ("298\u00a0所", "298所", "a no-break space inside a number"),
        ("人员\u00a071\u00a0人，兼职保健教师\u00a061人", "人员71人，兼职保健教师61人", "no-break spaces inside numbers"),
        ("百生数为3.04间、3.57间", "百生数小学、初中分别为3.04间、3.57间", "two values without their stages"),
        ("五是加强教师队伍建设", "加强教师队伍建设", "a lone 五是 with no 一是…四是 before it")]),
}
WEB_CHROME = ("登录 |", "日期:", "字体:")


def test_every_allowed_difference_says_why() -> None:
    for _, corrections in REFERENCES.values():
        assert all(len(c) == 3 and c[2] for c in corrections)


def normalise(text: str) -> str:
    return re.sub(r"\s+", "", text.translate(HALF_TO_FULL))


def reference_lines(name: str, title_start: str) -> list[str]:
    filename, corrections = REFERENCES[name]
    text = (REFERENCE_DIR / filename).read_text("utf-8")
    for wrong, right, _why in corrections:
        assert wrong in text, f"correction {wrong!r} no longer matches the reference"
        text = text.replace(wrong, right)
    lines = [normalise(line) for line in text.splitlines() if not line.strip().startswith(WEB_CHROME)]
    lines = [line for line in lines if line]
    start = next(i for i, line in enumerate(lines) if line.startswith(normalise(title_start)))
    return lines[start:]


def document_paragraphs(r: Rendered) -> list[tuple[int | None, str]]:
    """(outline level or None, normalised text) of every non-empty paragraph from the title on."""
    document = docx.Document(str(r.docx))
    out: list[tuple[int | None, str]] = []
    started = False
    for p in document.paragraphs:
        started = started or (p.style is not None and p.style.style_id == "DocTitle")
        if not started or not p.text.strip():
            continue
        out.append((outline_level(p), normalise(p.text)))
    return out


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_heading_labels_match_the_reference_sequence(name: str, rendered: dict[str, Rendered]) -> None:
    r = rendered[name]
    ours = [LABEL.match(text).group(0) for level, text in document_paragraphs(r) if level is not None]  # type: ignore
    theirs = [m.group(0) for line in reference_lines(name, r.report.title[0]) if (m := LABEL.match(line))]
    assert ours == theirs


def test_000_numbers_level_4_straight_through_eight_parents(rendered: dict[str, Rendered]) -> None:
    paragraphs = document_paragraphs(rendered["000-anyue-2024"])
    level4 = [LABEL.match(t).group(0) for level, t in paragraphs if level == 4]  # type: ignore[union-attr]
    assert level4 == [f"（{n}）" for n in range(1, 22)]
    level3_under_duties = [LABEL.match(t).group(0) for level, t in paragraphs if level == 3][4:]  # type: ignore
    assert level3_under_duties == [f"{n}." for n in range(1, 9)]  # level 3 itself restarts under （二）


@pytest.mark.parametrize("name", ["001-dianjiang-2022", "004-nanan-2024", "000-anyue-2024"])
def test_run_in_headings_share_their_paragraph_with_the_text(name: str, rendered: dict[str, Rendered]) -> None:
    """A run-in heading is one paragraph in the built-in heading style of its level (so Word's navigation pane,
    a 目录 and pandoc see it), not kept with the next paragraph; its body runs undo what the heading style would
    lend them: the body's font, and bold off when the heading level is bold."""
    document = docx.Document(str(rendered[name].docx))
    keep_next = f"{qn('w:pPr')}/{qn('w:keepNext')}"
    run_in = [p for p in document.paragraphs if p.style.style_id.startswith("Heading") and len(p.runs) > 1]
    assert run_in, "no run-in headings"
    profile = default_profile()
    headings = [p for p in document.paragraphs if p.style.style_id.startswith("Heading")]
    for p in run_in:
        label_run, body_run = p.runs[0], p.runs[1]
        level = outline_level(p)
        assert level is not None and p.style.style_id == f"Heading{level}" and p.style.element.name_val == f"heading {level}"
        if p._p.find(keep_next).get(qn("w:val")) != "0":  # only the text just before the signature keeps with it
            assert p is headings[-1] or p._p is headings[-1]._p
        heading = getattr(profile.roles, f"heading{level}")
        assert LABEL.match(label_run.text) and label_run.text.endswith("。")
        # the heading's own text takes everything from the style; the body says what differs from it
        assert label_run._r.rPr is None
        assert p.style.element.rPr.rFonts.get(qn("w:eastAsia")) == profile.font(heading)
        assert body_run._r.rPr.rFonts.get(qn("w:eastAsia")) == profile.fonts.fangsong
        assert body_run.bold is (False if heading.bold else None)


def test_the_body_of_a_run_in_heading_is_not_bold_when_its_level_is(tmp_path: Path) -> None:
    """heading3 bold (as many offices set it): the heading text is bold, the text after it in the same paragraph is
    not."""
    profile_file = tmp_path / "bold.yaml"
    base = (ROOT / "src" / "edureport" / "profiles" / "gbt9704-2012.yaml").read_text(encoding="utf-8")
    profile_file.write_text(base.replace("heading3: {value: {font: fangsong, size: 16pt, bold: false}",
                                         "heading3: {value: {font: fangsong, size: 16pt, bold: true}"), encoding="utf-8")
    profile = load_profile(profile_file)
    assert profile.roles.heading3.bold
    report = edureport.Report(title=("报告",), sections=[edureport.Section("一级", sections=[
        edureport.Section("二级", sections=[edureport.Section("三级", run_in=True, paragraphs=["正文。"])])])])
    document = docx.Document(io.BytesIO(edureport.render_docx(report, profile=profile)))
    p = next(p for p in document.paragraphs if p.style.style_id == "Heading3")
    assert [(r.text, r.bold) for r in p.runs] == [("1.三级。", None), ("正文。", False)]  # bold from the style
    assert document.styles["Heading 3"].font.bold is True


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_body_text_equals_the_reference_report(name: str, rendered: dict[str, Rendered]) -> None:
    r = rendered[name]
    ours = "".join(LABEL.sub("", text) if level else text for level, text in document_paragraphs(r))
    theirs = "".join(LABEL.sub("", line) for line in reference_lines(name, r.report.title[0]))
    if ours != theirs:
        at = next(i for i, (a, b) in enumerate(zip(ours, theirs, strict=False)) if a != b) if ours[:50] else 0
        pytest.fail(f"texts differ at {at}:\n ours:   …{ours[max(0, at - 30):at + 40]}\n theirs: …"
                    f"{theirs[max(0, at - 30):at + 40]}")


def _runs(data: bytes) -> list[tuple[etree._Element, etree._Element | None]]:
    """Every run of every part, with the w:rFonts it is printed in: its own, else its paragraph style's (then that
    style's base, Normal), else the document defaults'. No part may name theme fonts."""
    import io
    import zipfile
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        parts = [n for n in z.namelist() if n.startswith("word/") and n.endswith(".xml")]
        styles = etree.fromstring(z.read("word/styles.xml"))
        by_id = {st.get(qn("w:styleId")): st for st in styles.iter(qn("w:style"))}
        default = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}")

        def style_fonts(style_id: str | None) -> etree._Element | None:
            while style_id in by_id:
                fonts = by_id[style_id].find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
                if fonts is not None:
                    return fonts
                based = by_id[style_id].find(qn("w:basedOn"))
                style_id = None if based is None else based.get(qn("w:val"))
            return default

        runs = []
        for part in parts:
            root = etree.fromstring(z.read(part))
            assert not root.xpath("//@*[contains(local-name(), 'Theme')]"), f"theme font attribute in {part}"
            for run in root.iter(qn("w:r")):
                own = run.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
                paragraph = run.getparent()
                style = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}") if paragraph is not None else None
                runs.append((run, own if own is not None else style_fonts(
                    style.get(qn("w:val")) if style is not None else "Normal")))
    return runs


@pytest.mark.parametrize("name", EXAMPLE_IDS)
def test_every_run_is_printed_in_the_profile_fonts_in_all_four_slots(name: str, rendered: dict[str, Rendered]) -> None:
    """Each run's fonts (its own or its style's) name a font of the profile in all four slots with the eastAsia hint:
    without them quotes, dashes and digits fall back to other faces."""
    profile = default_profile()
    allowed = {profile.fonts.latin, profile.fonts.fangsong, profile.fonts.kaiti, profile.fonts.heiti,
               profile.fonts.xiaobiaosong, profile.fonts.songti}
    runs = _runs(rendered[name].data)
    assert runs
    for run, fonts in runs:
        assert fonts is not None, etree.tostring(run)
        for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
            assert fonts.get(qn(f"w:{slot}")) in allowed
        assert fonts.get(qn("w:hint")) == "eastAsia"


def test_a_user_profile_swaps_fonts_everywhere(rendered: dict[str, Rendered]) -> None:
    profile = load_profile(overrides={"fonts": {"fangsong": "仿宋", "kaiti": "楷体"}})
    data = edureport.render_docx(rendered["000-anyue-2024"].report, profile=profile)
    east_asian = {fonts.get(qn("w:eastAsia")) for _, fonts in _runs(data) if fonts is not None}
    assert "仿宋" in east_asian and "楷体" in east_asian
    assert not east_asian & {"仿宋_GB2312", "楷体_GB2312"}


@pytest.mark.parametrize("name", EXAMPLE_IDS)
def test_a_style_edited_in_word_restyles_every_run_of_it(name: str, rendered: dict[str, Rendered],
                                                         tmp_path: Path) -> None:
    """Formatting lives in the styles: change the body style's font in the package (as a user does in Word's style
    dialog) and every run of body text follows; the same for heading 1. Runs of another role keep theirs."""
    import zipfile
    source = zipfile.ZipFile(rendered[name].docx)
    styles = etree.fromstring(source.read("word/styles.xml"))
    changed = {"BodyText": "华文中宋", "Normal": "华文中宋", "Heading1": "华文琥珀"}
    for style in styles.iter(qn("w:style")):
        if style.get(qn("w:styleId")) in changed:
            style.find(f"{qn('w:rPr')}/{qn('w:rFonts')}").set(qn("w:eastAsia"), changed[style.get(qn("w:styleId"))])
    edited = tmp_path / "edited.docx"
    with zipfile.ZipFile(edited, "w") as out:
        for item in source.infolist():
            data = source.read(item.filename)
            out.writestr(item.filename, etree.tostring(styles) if item.filename == "word/styles.xml" else data)
    document = docx.Document(str(edited))
    body = [p for p in document.paragraphs if p.style.style_id in ("BodyText", "Heading1") and p.text.strip()]
    assert body
    for p in body:
        first = p.runs[0]  # a heading's own text, a paragraph's first words
        fonts = first._r.rPr.rFonts.get(qn("w:eastAsia")) if first._r.rPr is not None and \
            first._r.rPr.rFonts is not None else p.style.element.rPr.rFonts.get(qn("w:eastAsia"))
        assert fonts == changed[p.style.style_id], (p.style.style_id, p.text[:20])


def test_defaults_declare_chinese_and_no_theme(rendered: dict[str, Rendered]) -> None:
    import io
    import zipfile
    with zipfile.ZipFile(io.BytesIO(rendered["000-anyue-2024"].data)) as z:
        styles = etree.fromstring(z.read("word/styles.xml"))
        settings = etree.fromstring(z.read("word/settings.xml"))
        assert "word/theme/theme1.xml" not in z.namelist()
    lang = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
    assert lang.get(qn("w:eastAsia")) == "zh-CN"
    assert settings.find(qn("w:evenAndOddHeaders")) is not None
    assert settings.find(qn("w:themeFontLang")).get(qn("w:eastAsia")) == "zh-CN"


def test_page_geometry_and_grid(rendered: dict[str, Rendered]) -> None:
    document = docx.Document(str(rendered["000-anyue-2024"].docx))
    section = document.sections[0]
    assert (section.page_width.twips, section.page_height.twips) == (11906, 16838)
    assert (section.top_margin.twips, section.bottom_margin.twips) == (2098, 1984)
    assert (section.left_margin.twips, section.right_margin.twips) == (1587, 1474)
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines" and grid.get(qn("w:linePitch")) == "579"


def test_tables_span_the_type_area_on_tblw_and_every_gridcol(rendered: dict[str, Rendered]) -> None:
    document = docx.Document(str(rendered["showcase-full-format"].docx))
    [table] = document.tables
    tbl = table._tbl
    width = int(tbl.tblPr.find(qn("w:tblW")).get(qn("w:w")))
    columns = [int(c.get(qn("w:w"))) for c in tbl.tblGrid.findall(qn("w:gridCol"))]
    assert width == sum(columns) == round(default_profile().type_width.twips)
    assert tbl.tr_lst[0].trPr.find(qn("w:tblHeader")) is not None
    assert all(len(cell.paragraphs) >= 1 for row in table.rows for cell in row.cells)


def test_page_number_fields_carry_a_cached_result(rendered: dict[str, Rendered]) -> None:
    import io
    import zipfile
    with zipfile.ZipFile(io.BytesIO(rendered["000-anyue-2024"].data)) as z:
        for part in ("word/footer1.xml", "word/footer2.xml"):
            root = etree.fromstring(z.read(part))
            kinds = [f.get(qn("w:fldCharType")) for f in root.iter(qn("w:fldChar"))]
            assert kinds == ["begin", "separate", "end"]
            assert "PAGE" in "".join(root.itertext())
            texts = [t.text for t in root.iter(qn("w:t"))]
            assert texts == ["— ", "1", " —"]
