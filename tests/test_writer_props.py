"""Paragraph and run properties are typed values (``edureport.writer.oxml.ParagraphProperties``, ``RunProperties``):
their children come out in the schema's order, which is python-docx's declaration of it; lengths are converted to
twips, half points and eighths of a point in one place; a wrong value is refused when the value is made; and the
shapes the writer uses serialise to the bytes they had when they were string dicts (the golden hashes of
tests/test_determinism.py hold whole documents to that)."""

from __future__ import annotations

import ast
import inspect
import io
import zipfile
from collections.abc import Callable

import attrs
import pytest
from docx.enum.text import WD_COLOR_INDEX, WD_LINE_SPACING, WD_PARAGRAPH_ALIGNMENT, WD_TAB_ALIGNMENT
from docx.oxml import parse_xml
from docx.oxml.text.font import CT_RPr
from docx.oxml.text.parfmt import CT_PPr
from docx.shared import Emu, Length, Mm, Pt, Twips
from lxml import etree

from edureport import tree
from edureport.errors import LayoutError
from edureport.renderer import default_profile
from edureport.writer import write_docx
from edureport.writer.oxml import (
    NSMAP,
    PBDR_SEQUENCE,
    PPR_SEQUENCE,
    RPR_SEQUENCE,
    Border,
    Fonts,
    Indentation,
    Language,
    ParagraphProperties,
    RunProperties,
    Spacing,
    TabStop,
    Unit,
    build,
    measure,
)

W = NSMAP["w"]
DECLARE = f' xmlns:w="{W}"'
EXACT = WD_LINE_SPACING.EXACTLY
LATIN = "Times New Roman"


def python_docx_sequence(element_class: type) -> list[str]:
    """``_tag_seq`` as python-docx's source declares it (the class deletes it once built, so it is read here)."""
    for node in ast.walk(ast.parse(inspect.getsource(element_class))):
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "_tag_seq" for t in node.targets):
            assert isinstance(node.value, ast.Tuple)
            return [str(ast.literal_eval(e)).removeprefix("w:") for e in node.value.elts]
    raise AssertionError(f"no _tag_seq in {element_class.__name__}")


def children(xml: str) -> list[str]:
    root = etree.fromstring(xml.replace("<w:pPr", f"<w:pPr{DECLARE}", 1).replace("<w:rPr", f"<w:rPr{DECLARE}", 1))
    return [etree.QName(child).localname for child in root]


def every_paragraph_property() -> ParagraphProperties:
    return ParagraphProperties(
        style="Normal", keep_next=True, keep_lines=True, page_break_before=True, widow_control=False,
        borders=(Border("bottom", Pt(1), "FF0000"), Border("top", Pt(1), "000000")),
        tabs=(TabStop(WD_TAB_ALIGNMENT.RIGHT, Mm(150)),), snap_to_grid=False,
        spacing=Spacing(before=Pt(6), after=Length(0), line=Pt(28), line_rule=EXACT),
        indentation=Indentation(left=Twips(315), right=Twips(0), hanging=Twips(630)),
        alignment=WD_PARAGRAPH_ALIGNMENT.JUSTIFY, outline_level=1)


def every_run_property() -> RunProperties:
    return RunProperties(fonts=Fonts.chinese(LATIN, "仿宋_GB2312"), bold=True, color="FF0000",
                         character_spacing=Pt(-0.25), size=Pt(16), highlight=WD_COLOR_INDEX.YELLOW,
                         language=Language(latin="en-US", east_asia="zh-CN", bidi="ar-SA"))


# --- the schema's order -------------------------------------------------------------------------------------------


def test_the_sequences_are_python_docx_s_declaration_of_the_schema() -> None:
    assert list(PPR_SEQUENCE) == python_docx_sequence(CT_PPr)
    assert list(RPR_SEQUENCE) == python_docx_sequence(CT_RPr)


@pytest.mark.parametrize(("props", "sequence"), [(every_paragraph_property(), PPR_SEQUENCE),
                                                 (every_run_property(), RPR_SEQUENCE)])
def test_every_property_is_written_in_the_schema_s_order(props: ParagraphProperties | RunProperties,
                                                         sequence: tuple[str, ...]) -> None:
    written = children(props.xml())
    declared = [name for field in attrs.fields(type(props)) for name in field.metadata["ooxml"].names]
    assert sorted(written) == sorted(declared)  # every field is written, each element once
    assert written == sorted(written, key=sequence.index)
    # whatever order the fields are given in
    reordered = type(props)(**dict(reversed(list(attrs.asdict(props, recurse=False).items()))))
    assert reordered.xml() == props.xml()


def test_python_docx_reads_the_properties_back() -> None:
    ppr = parse_xml(every_paragraph_property().xml().replace("<w:pPr", f"<w:pPr{DECLARE}", 1))
    assert isinstance(ppr, CT_PPr)
    assert ppr.style == "Normal" and ppr.keepNext.val and ppr.widowControl.val is False
    assert ppr.spacing_before == Pt(6) and ppr.spacing_line == Pt(28) and ppr.spacing_lineRule == EXACT
    assert ppr.ind_left == Twips(315) and ppr.first_line_indent == -Twips(630)
    assert ppr.jc_val == WD_PARAGRAPH_ALIGNMENT.JUSTIFY
    rpr = parse_xml(every_run_property().xml().replace("<w:rPr", f"<w:rPr{DECLARE}", 1))
    assert isinstance(rpr, CT_RPr)
    assert rpr.sz_val == Pt(16) and rpr.b.val is True and rpr.highlight_val == WD_COLOR_INDEX.YELLOW
    assert rpr.rFonts_hAnsi == LATIN and rpr.rFonts_ascii == LATIN  # python-docx reads these two slots


def test_borders_are_written_in_the_order_of_w_pbdr() -> None:
    props = ParagraphProperties(borders=tuple(Border(side, Pt(1), "000000") for side in reversed(PBDR_SEQUENCE)))
    pbdr = etree.fromstring(props.xml().replace("<w:pPr", f"<w:pPr{DECLARE}", 1))[0]
    assert [etree.QName(b).localname for b in pbdr] == list(PBDR_SEQUENCE)


# --- lengths ------------------------------------------------------------------------------------------------------


def test_28_pt_exact_line_spacing_is_560_twips() -> None:
    xml = ParagraphProperties(spacing=Spacing(line=Pt(28), line_rule=EXACT)).xml()
    assert xml == '<w:pPr><w:spacing w:line="560" w:lineRule="exact"/></w:pPr>'


@pytest.mark.parametrize(("length", "unit", "expected"), [
    (Pt(28), Unit.TWIPS, "560"), (Mm(210), Unit.TWIPS, "11906"), (Pt(-0.25), Unit.TWIPS, "-5"),
    (Twips(579), Unit.TWIPS, "579"), (Emu(317), Unit.TWIPS, "0"), (Emu(318), Unit.TWIPS, "1"),  # to the nearest
    (Pt(16), Unit.HALF_POINTS, "32"), (Pt(10.5), Unit.HALF_POINTS, "21"), (Pt(62), Unit.HALF_POINTS, "124"),
    (Pt(15.9), Unit.HALF_POINTS, "32"),  # nearest, where python-docx's ST_HpsMeasure truncates to 31
    (Pt(0.75), Unit.EIGHTH_POINTS, "6"), (Pt(1), Unit.EIGHTH_POINTS, "8"), (Mm(4), Unit.POINTS, "11"),
])
def test_lengths_become_the_numbers_of_their_unit(length: Length, unit: Unit, expected: str) -> None:
    assert measure(length, unit) == expected


def test_run_sizes_and_spacing_are_half_points_and_twips() -> None:
    xml = RunProperties(character_spacing=Pt(-0.25), size=Pt(22)).xml()
    assert xml == '<w:rPr><w:spacing w:val="-5"/><w:sz w:val="44"/><w:szCs w:val="44"/></w:rPr>'


def test_an_int_is_taken_as_emu() -> None:
    assert Spacing(before=12700, line=Pt(1), line_rule=EXACT).before == Pt(1)
    assert type(Indentation(left=635).left) is Length


def test_a_border_width_is_kept_in_the_schema_s_range() -> None:
    thin, thick = ParagraphProperties(borders=(Border("top", Pt(0.1), "000000"),)), \
        ParagraphProperties(borders=(Border("top", Pt(20), "000000"),))
    assert 'w:sz="2"' in thin.xml() and 'w:sz="96"' in thick.xml()


# --- refused values -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("make", [
    lambda: ParagraphProperties(alignment="middle"),  # type: ignore[arg-type]
    lambda: ParagraphProperties(alignment="center"),  # type: ignore[arg-type]  # a member, not its XML text
    lambda: ParagraphProperties(keep_next=1),  # type: ignore[arg-type]
    lambda: ParagraphProperties(style=""),
    lambda: ParagraphProperties(outline_level=9 + 1),
    lambda: ParagraphProperties(spacing={"line": "560"}),  # type: ignore[arg-type]
    lambda: ParagraphProperties(borders=(Border("top", Pt(1), "000000"), Border("top", Pt(2), "000000"))),
    lambda: ParagraphProperties(borders=(Border("insideH", Pt(1), "000000"),)),  # a table's border
    lambda: Spacing(line=Pt(28)),  # a line height without its rule
    lambda: Spacing(line=240, line_rule=WD_LINE_SPACING.MULTIPLE),  # 240ths of a line, not a length
    lambda: Spacing(line=Pt(28), line_rule=WD_LINE_SPACING.SINGLE),  # no XML value
    lambda: Spacing(before=Pt(-1)),
    lambda: Spacing(before="12pt"),  # type: ignore[arg-type]
    lambda: Indentation(first_line=Pt(32), hanging=Pt(32)),
    lambda: Indentation(first_line=Pt(-1)),
    lambda: RunProperties(color="red"),
    lambda: RunProperties(highlight=WD_COLOR_INDEX.AUTO),  # "default" is not a highlight colour
    lambda: RunProperties(size=Pt(-16)),
    lambda: RunProperties(bold="yes"),  # type: ignore[arg-type]
    lambda: Fonts(hint="latin"),
    lambda: Border("middle", Pt(1), "000000"),
    lambda: TabStop("right", Mm(10)),  # type: ignore[arg-type]
    lambda: TabStop(2, Mm(10)),  # type: ignore[arg-type]  # an int equal to a member's number
    lambda: ParagraphProperties(alignment=1),  # type: ignore[arg-type]
    lambda: ParagraphProperties(alignment=WD_LINE_SPACING.EXACTLY),  # type: ignore[arg-type]  # another enumeration
    lambda: RunProperties(highlight=7),  # type: ignore[arg-type]
])
def test_a_wrong_value_is_refused_when_the_value_is_made(make: Callable[[], object]) -> None:
    """A wrong property value is edureport's own mistake (the profile's values are checked when it is read): a
    ValueError, which the command line reports as an internal error, not a LayoutError blaming the user's profile."""
    with pytest.raises(ValueError, match=r"格式属性|行距|缩进") as raised:
        make()
    assert not isinstance(raised.value, LayoutError)


def test_an_unknown_property_is_refused_by_name() -> None:
    with pytest.raises(TypeError, match="colour"):
        RunProperties(colour="FF0000")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="jc"):
        ParagraphProperties(jc=WD_PARAGRAPH_ALIGNMENT.LEFT)  # type: ignore[call-arg]


def test_values_are_frozen_and_serialised_once() -> None:
    a, b = every_run_property(), every_run_property()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        a.size = Pt(12)  # type: ignore[misc]
    assert a == b and a.xml() is b.xml()


# --- the shapes the writer uses, byte for byte as before ----------------------------------------------------------

RIGHT, CENTER, LEFT = WD_PARAGRAPH_ALIGNMENT.RIGHT, WD_PARAGRAPH_ALIGNMENT.CENTER, WD_PARAGRAPH_ALIGNMENT.LEFT
ZERO = Length(0)
BEFORE = [  # (typed value, the XML the string-dict builders wrote for it)
    (ParagraphProperties(style="BodyText"), '<w:pPr><w:pStyle w:val="BodyText"/></w:pPr>'),
    (ParagraphProperties(style="Heading2", keep_next=False),
     '<w:pPr><w:pStyle w:val="Heading2"/><w:keepNext w:val="0"/></w:pPr>'),
    (ParagraphProperties(style="IssuerMark", snap_to_grid=False,
                         spacing=Spacing(before=Twips(1984), after=ZERO, line=Twips(1426), line_rule=EXACT)),
     '<w:pPr><w:pStyle w:val="IssuerMark"/><w:snapToGrid w:val="0"/><w:spacing w:before="1984" w:after="0" '
     'w:line="1426" w:lineRule="exact"/></w:pPr>'),
    (ParagraphProperties(style="Normal", keep_next=True, indentation=Indentation(left=Twips(1575),
                                                                                 hanging=Twips(945))),
     '<w:pPr><w:pStyle w:val="Normal"/><w:keepNext/><w:ind w:left="1575" w:hanging="945"/></w:pPr>'),
    (ParagraphProperties(style="Normal", keep_next=True, indentation=Indentation(right=Twips(1265), first_line=ZERO),
                         alignment=RIGHT),
     '<w:pPr><w:pStyle w:val="Normal"/><w:keepNext/><w:ind w:right="1265" w:firstLine="0"/><w:jc w:val="right"/>'
     '</w:pPr>'),
    (ParagraphProperties(style="Normal", page_break_before=True, alignment=LEFT),
     '<w:pPr><w:pStyle w:val="Normal"/><w:pageBreakBefore/><w:jc w:val="left"/></w:pPr>'),
    (ParagraphProperties(style="Normal", borders=(Border("bottom", Pt(1.5), "FF0000", Mm(4)),),
                         tabs=(TabStop(WD_TAB_ALIGNMENT.RIGHT, Twips(8529)),),
                         indentation=Indentation(left=Twips(315), first_line=ZERO), alignment=LEFT),
     '<w:pPr><w:pStyle w:val="Normal"/><w:pBdr><w:bottom w:val="single" w:sz="12" w:space="11" w:color="FF0000"/>'
     '</w:pBdr><w:tabs><w:tab w:val="right" w:pos="8529"/></w:tabs><w:ind w:left="315" w:firstLine="0"/>'
     '<w:jc w:val="left"/></w:pPr>'),
    (ParagraphProperties(style="Colophon", keep_next=True,
                         borders=(Border("top", Pt(1), "000000"), Border("bottom", Pt(0.75), "000000")),
                         indentation=Indentation(left=Twips(275), right=Twips(275))),
     '<w:pPr><w:pStyle w:val="Colophon"/><w:keepNext/><w:pBdr><w:top w:val="single" w:sz="8" w:space="0" '
     'w:color="000000"/><w:bottom w:val="single" w:sz="6" w:space="0" w:color="000000"/></w:pBdr>'
     '<w:ind w:left="275" w:right="275"/></w:pPr>'),
    (ParagraphProperties(keep_next=True, indentation=Indentation(first_line=Twips(630)), outline_level=0),
     '<w:pPr><w:keepNext/><w:ind w:firstLine="630"/><w:outlineLvl w:val="0"/></w:pPr>'),
    (ParagraphProperties(widow_control=False, spacing=Spacing(before=ZERO, after=ZERO, line=Twips(579),
                                                              line_rule=EXACT),
                         alignment=WD_PARAGRAPH_ALIGNMENT.JUSTIFY),
     '<w:pPr><w:widowControl w:val="0"/><w:spacing w:before="0" w:after="0" w:line="579" w:lineRule="exact"/>'
     '<w:jc w:val="both"/></w:pPr>'),
    (ParagraphProperties(), "<w:pPr/>"),
    (RunProperties(highlight=WD_COLOR_INDEX.YELLOW), '<w:rPr><w:highlight w:val="yellow"/></w:rPr>'),
    (RunProperties(fonts=Fonts.chinese(LATIN, "方正小标宋简体"), color="FF0000", character_spacing=ZERO,
                   size=Pt(62)),
     '<w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="方正小标宋简体" '
     'w:cs="Times New Roman" w:hint="eastAsia"/><w:color w:val="FF0000"/><w:spacing w:val="0"/><w:sz w:val="124"/>'
     '<w:szCs w:val="124"/></w:rPr>'),
    (RunProperties(fonts=Fonts.chinese(LATIN, "仿宋_GB2312"), size=Pt(16),
                   language=Language(latin="en-US", east_asia="zh-CN", bidi="ar-SA")),
     '<w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="仿宋_GB2312" '
     'w:cs="Times New Roman" w:hint="eastAsia"/><w:sz w:val="32"/><w:szCs w:val="32"/><w:lang w:val="en-US" '
     'w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr>'),
    (RunProperties(fonts=Fonts.chinese(LATIN, "黑体"), bold=False),
     '<w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="黑体" w:cs="Times New Roman" '
     'w:hint="eastAsia"/><w:b w:val="0"/><w:bCs w:val="0"/></w:rPr>'),
    (RunProperties(fonts=Fonts.chinese("宋体", "宋体"), character_spacing=ZERO, size=Pt(14)),
     '<w:rPr><w:rFonts w:ascii="宋体" w:hAnsi="宋体" w:eastAsia="宋体" w:cs="宋体" w:hint="eastAsia"/>'
     '<w:spacing w:val="0"/><w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr>'),
]


@pytest.mark.parametrize(("props", "before"), BEFORE)
def test_the_writer_s_shapes_serialise_as_before(props: ParagraphProperties | RunProperties, before: str) -> None:
    assert props.xml() == before
    assert etree.tostring(build(props), encoding="unicode") == before.replace(
        props.TAG, f'{props.TAG} xmlns:w="{W}" xmlns:r="{NSMAP["r"]}"', 1)  # the element as the styles part gets it


def test_a_body_paragraph_before_the_colophon_carries_the_section() -> None:
    # the last body paragraph is written by the fast path in pieces; the section's properties go into its w:pPr
    document = tree.Document((tree.Paragraph((tree.Run("正文&<>"),)),
                              tree.Colophon("县教育局", (tree.Run("2024年5月1日印发"),))))
    with zipfile.ZipFile(io.BytesIO(write_docx(document, default_profile()))) as package:
        body = etree.fromstring(package.read("word/document.xml"))[0]
    first = body[0]
    assert first.find(f"{{{W}}}pPr/{{{W}}}sectPr") is not None
    assert "".join(first.itertext()) == "正文&<>"
