"""Structure checks: python-docx re-reads each rendered example — heading labels and their order, fonts on every
run, and the body text compared with the reference report it was transcribed from."""

from __future__ import annotations

import re
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from lxml import etree

import edureport
from edureport.profile import load_profile
from edureport.render import default_profile

from .conftest import EXAMPLE_IDS, Rendered

REFERENCE_DIR = Path(__file__).parent / "reference"
LABEL = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.、]|（\d+）)\s*")
HALF_TO_FULL = str.maketrans({",": "，", ":": "：", ";": "；", "(": "（", ")": "）"})

# The reference reports and the mistakes the examples correct (see tests/reference/ and the examples' comments).
REFERENCES: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "000-anyue-2024": ("000_b5e8ecbf2dd1edbd.txt", [
        ("1、 履职情况", "一、履职情况"), ("[bookmark: OLE_LINK6][bookmark: OLE_LINK5]", ""),
        ("752. 96", "752.96"), ("13282. 41", "13282.41"), ("142.689万元", "142689万元"), ("布署", "部署")]),
    "001-dianjiang-2022": ("001_a095cdc0dadbd697.txt", [
        ("年比下降0.65个百分点", "比上年下降0.65个百分点")]),
    "004-nanan-2024": ("004_70c1f3deedfc4c99.txt", [
        ("[bookmark: _GoBack]", ""), ("％", "%"), ("298\u00a0所", "298所"),
        ("人员\u00a071\u00a0人，兼职保健教师\u00a061人", "人员71人，兼职保健教师61人"),
        ("百生数为3.04间、3.57间", "百生数小学、初中分别为3.04间、3.57间"), ("五是加强教师队伍建设", "加强教师队伍建设")]),
}
WEB_CHROME = ("登录 |", "日期:", "字体:")

# Where an example states figures through a generated statement ({figures: …}), the rendered wording is edureport's;
# each pair is (the reference's words, the generated words), and both must state the same figures.
GENERATED: dict[str, list[tuple[str, str]]] = {
    "000-anyue-2024": [(
        "一是一般公共预算教育经费实现了只增不减，2023年一般公共预算教育经费为142689万元，同比增长1.45%；二是2023年较2022年"
        "生均一般公共预算教育经费也实现了只增不减，普通高中、初中、小学、幼儿园、职业高中增长率分别为9.69%、5.59%、7.14%、6.00%、0.16%。",
        "一是一般公共预算教育经费实现了只增不减，2023年一般公共预算教育经费142689万元，比上年增长1.45%；二是生均一般公共预算"
        "教育经费实现了只增不减，学前教育、小学、初中、普通高中、中职分别比上年增长6.00%、7.14%、5.59%、9.69%、0.16%。")],
    "001-dianjiang-2022": [(
        "2021年，一般公共预算教育经费143311万元，比上年增长了0.81%；各学段生均一般公共预算教育支出比上年均有增长，其中，"
        "职业高中15353元，同比增长7.19%；普通高中12343元，同比增长5.11%；普通初中14662元，同比增长4.18%；普通小学14662元，"
        "同比增长5.91%；学前教育4610元，同比增长16.74%。",
        "2021年一般公共预算教育经费143311万元，比上年增长0.81%；各学段生均一般公共预算教育经费学前教育4610元，比上年增长16.74%；"
        "小学14662元，比上年增长5.91%；初中14662元，比上年增长4.18%；普通高中12343元，比上年增长5.11%；中职15353元，比上年增长7.19%。"),
        ("2021年全县抽检学生近视率48.52%，比上年下降0.65个百分点", "2021年全县抽检学生近视率48.52%，比上年下降0.65个百分点")],
    "004-nanan-2024": [(
        "2023年我区一般公共预算教育支出增长1.03%；义务教育生均一般公共预算教育支出增长为：小学0.32%、初中3.17%，",
        "2023年一般公共预算教育经费比上年增长1.03%；义务教育生均一般公共预算教育经费小学、初中分别比上年增长0.32%、3.17%，")],
}


def stated_figures(text: str) -> list[str]:
    """The figures a sentence states (numbers with a unit), in any order."""
    return sorted(re.findall(r"\d+(?:\.\d+)?(?=%|万元|元|个百分点)", text))


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_statements_state_the_reference_figures(name: str) -> None:
    for theirs, ours in GENERATED[name]:
        assert stated_figures(theirs) == stated_figures(ours) and stated_figures(ours)


def _half_width(text: str) -> str:
    """The same text with the half-width punctuation reference 001 used (so a fragment matches its original)."""
    return text.translate(str.maketrans({"，": ",", "：": ":", "；": ";", "（": "(", "）": ")"}))


def normalise(text: str) -> str:
    return re.sub(r"\s+", "", text.translate(HALF_TO_FULL))


def reference_lines(name: str, title_start: str) -> list[str]:
    filename, corrections = REFERENCES[name]
    text = (REFERENCE_DIR / filename).read_text("utf-8")
    for wrong, right in corrections:
        assert wrong in text, f"correction {wrong!r} no longer matches the reference"
        text = text.replace(wrong, right)
    for theirs, ours in GENERATED.get(name, []):
        if theirs not in text:  # reference 001 writes half-width punctuation
            theirs, ours = _half_width(theirs), _half_width(ours)
        assert theirs in text, f"generated fragment no longer matches the reference: {theirs}"
        text = text.replace(theirs, ours)
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
        level = p._p.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}")
        out.append((None if level is None else int(level.get(qn("w:val"))) + 1, normalise(p.text)))
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
    document = docx.Document(str(rendered[name].docx))
    run_in = [p for p in document.paragraphs if p.style.style_id == "BodyText"
              and p._p.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}") is not None]
    assert run_in, "no run-in headings"
    profile = default_profile()
    for p in run_in:
        label_run, body_run = p.runs[0], p.runs[1]
        level = int(p._p.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}").get(qn("w:val"))) + 1
        heading_font = profile.font(getattr(profile.roles, f"heading{level}"))
        assert LABEL.match(label_run.text) and label_run.text.endswith("。")
        assert label_run._r.rPr.rFonts.get(qn("w:eastAsia")) == heading_font
        assert body_run._r.rPr.rFonts.get(qn("w:eastAsia")) == profile.fonts.fangsong


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_body_text_equals_the_reference_report(name: str, rendered: dict[str, Rendered]) -> None:
    r = rendered[name]
    ours = "".join(LABEL.sub("", text) if level else text for level, text in document_paragraphs(r))
    theirs = "".join(LABEL.sub("", line) for line in reference_lines(name, r.report.title[0]))
    if ours != theirs:
        at = next(i for i, (a, b) in enumerate(zip(ours, theirs, strict=False)) if a != b) if ours[:50] else 0
        pytest.fail(f"texts differ at {at}:\n ours:   …{ours[max(0, at - 30):at + 40]}\n theirs: …"
                    f"{theirs[max(0, at - 30):at + 40]}")


def _runs(data: bytes) -> list[etree._Element]:
    import io
    import zipfile
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        parts = [n for n in z.namelist() if n.startswith("word/") and n.endswith(".xml")]
        runs = []
        for part in parts:
            root = etree.fromstring(z.read(part))
            assert not root.xpath("//@*[contains(local-name(), 'Theme')]"), f"theme font attribute in {part}"
            runs += root.iter(qn("w:r"))
        return runs


@pytest.mark.parametrize("name", EXAMPLE_IDS)
def test_every_run_names_the_profile_fonts_in_all_four_slots(name: str, rendered: dict[str, Rendered]) -> None:
    profile = default_profile()
    allowed = {profile.fonts.latin, profile.fonts.fangsong, profile.fonts.kaiti, profile.fonts.heiti,
               profile.fonts.xiaobiaosong, profile.fonts.songti}
    runs = _runs(rendered[name].data)
    assert runs
    for run in runs:
        if run.find(qn("w:t")) is None and run.find(qn("w:instrText")) is None:
            continue  # the run that holds the 版记's text box shows no text of its own
        fonts = run.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
        assert fonts is not None, etree.tostring(run)
        for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
            assert fonts.get(qn(f"w:{slot}")) in allowed
        assert fonts.get(qn("w:hint")) == "eastAsia"


def test_a_user_profile_swaps_fonts_everywhere(rendered: dict[str, Rendered]) -> None:
    profile = load_profile(overrides={"fonts": {"fangsong": "仿宋", "kaiti": "楷体"}})
    data = edureport.render_docx(rendered["000-anyue-2024"].report, profile=profile)
    east_asian = {r.find(f"{qn('w:rPr')}/{qn('w:rFonts')}").get(qn("w:eastAsia")) for r in _runs(data)}
    assert "仿宋" in east_asian and "楷体" in east_asian
    assert not east_asian & {"仿宋_GB2312", "楷体_GB2312"}


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
