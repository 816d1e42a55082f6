"""The parts of a .docx that depend on the layout profile only: styles, settings, the font table, the footers (and
the fixed document properties). Built once per profile; the body is ``document.py``'s.

Paragraph formatting lives in these styles, defined once; paragraphs reference them. Headings, title, body and footer
use Word's built-in style names, which Word and WPS show localised (标题 1, 标题, 正文, 页脚) and which the navigation
pane, an inserted 目录, pandoc and mammoth rely on; the alias carries the 公文 name.
"""

from __future__ import annotations

import functools

import attrs
from docx.enum.text import WD_PARAGRAPH_ALIGNMENT
from lxml import etree

from ..profile import Profile, Role
from .oxml import (
    Fonts,
    Indentation,
    Language,
    ParagraphProperties,
    RunProperties,
    Spacing,
    Unit,
    build,
    el,
    field_runs,
    measure,
    serialize,
    text,
)
from .package import CT, RT, Part

#: style id → (name, Chinese alias, profile role, outline level or None)
PARAGRAPH_STYLES: dict[str, tuple[str, str, str, int | None]] = {
    "Normal": ("Normal", "正文", "body", None),
    "BodyText": ("Body Text", "公文正文", "body", None),
    "DocTitle": ("Title", "公文标题", "title", None),
    "Heading1": ("heading 1", "一级标题", "heading1", 0),
    "Heading2": ("heading 2", "二级标题", "heading2", 1),
    "Heading3": ("heading 3", "三级标题", "heading3", 2),
    "Heading4": ("heading 4", "四级标题", "heading4", 3),
    "IssuerMark": ("发文机关标志", "", "issuer_mark", None),
    "Colophon": ("版记", "", "colophon", None),
    "Footer": ("footer", "页码", "page_number", None),
    "TableText": ("表格文字", "", "table", None),
}



#: the languages of the document's text, in w:docDefaults: Latin, East Asian and complex-script text
_LANGUAGE = Language(latin="en-US", east_asia="zh-CN", bidi="ar-SA")


def role_run_properties(p: Profile, role: Role, *, latin: str | None = None) -> RunProperties:
    """The run properties of ``role`` as its style gives them: fonts, bold, colour (when not the text colour),
    character spacing (the grid's unless the role has its own) and size. ``latin``: the Latin face, when not the
    profile's (the page number's digits take the role's own face)."""
    spacing = role.spacing if role.spacing is not None else p.grid.char_spacing
    return RunProperties(fonts=Fonts.chinese(p.fonts.latin if latin is None else latin, p.font(role)),
                         bold=True if role.bold else None, color=p.color(role) if role.color != "text" else None,
                         character_spacing=spacing, size=role.size)


def _styles(p: Profile) -> etree._Element:
    root = el(None, "w:styles")
    defaults = el(root, "w:docDefaults")
    body = p.roles.body
    build(RunProperties(fonts=Fonts.chinese(p.fonts.latin, p.font(body)), size=body.size, language=_LANGUAGE),
          el(defaults, "w:rPrDefault"))
    build(ParagraphProperties(
        widow_control=False,  # the standard fills the type area: no widow/orphan lines moved
        spacing=Spacing.exact(p.grid.line_pitch), alignment=WD_PARAGRAPH_ALIGNMENT.JUSTIFY,
    ), el(defaults, "w:pPrDefault"))
    indented = Indentation(first_line=p.chars(p.indents.first_line))
    heading = ParagraphProperties(keep_next=True, indentation=indented)
    off_grid = ParagraphProperties(snap_to_grid=False)
    extra = {
        "Normal": ParagraphProperties(),
        "BodyText": ParagraphProperties(indentation=indented),
        # LibreOffice lays text larger than the grid's base size over two grid lines unless it is off the grid
        "DocTitle": attrs.evolve(off_grid, alignment=WD_PARAGRAPH_ALIGNMENT.CENTER),
        "Heading1": heading, "Heading2": heading, "Heading3": heading, "Heading4": heading,
        "IssuerMark": attrs.evolve(off_grid, alignment=WD_PARAGRAPH_ALIGNMENT.CENTER),
        "Colophon": attrs.evolve(off_grid, spacing=Spacing.exact(p.colophon.line_height),
                                 alignment=WD_PARAGRAPH_ALIGNMENT.LEFT),
        "Footer": attrs.evolve(off_grid, spacing=Spacing.exact(p.roles.page_number.size)),
        "TableText": attrs.evolve(off_grid, spacing=Spacing.exact(p.table.line_height),
                                  alignment=WD_PARAGRAPH_ALIGNMENT.LEFT),
    }
    for style_id, (name, alias, role_name, outline) in PARAGRAPH_STYLES.items():
        role: Role = getattr(p.roles, role_name)
        attrs_ = {"type": "paragraph", "styleId": style_id}
        if style_id == "Normal":
            attrs_["default"] = "1"
        style = el(root, "w:style", attrs_)
        el(style, "w:name", {"val": name})
        if alias:
            el(style, "w:aliases", {"val": alias})
        if style_id != "Normal":
            el(style, "w:basedOn", {"val": "Normal"})
        el(style, "w:qFormat")
        build(attrs.evolve(extra[style_id], outline_level=outline), style)
        build(role_run_properties(p, role), style)
    table = el(root, "w:style", {"type": "table", "styleId": "TableGrid"})
    el(table, "w:name", {"val": "Table Grid"})
    return root


def _settings(p: Profile) -> etree._Element:
    root = el(None, "w:settings")
    el(root, "w:defaultTabStop", {"val": measure(p.char_pitch(), Unit.TWIPS)})
    el(root, "w:evenAndOddHeaders")  # odd pages: number on the right; even pages: on the left (clause 7.5)
    el(root, "w:characterSpacingControl", {"val": "doNotCompress"})
    compat = el(root, "w:compat")
    el(compat, "w:compatSetting", {"name": "compatibilityMode", "uri": "http://schemas.microsoft.com/office/word",
                                   "val": "15"})
    el(root, "w:themeFontLang", {"val": "en-US", "eastAsia": "zh-CN"})
    return root


def _footer(p: Profile, odd: bool) -> etree._Element:
    root = el(None, "w:ftr")
    role = p.roles.page_number
    side = p.chars(p.page_number.side_indent, role)
    para = el(root, "w:p")
    build(ParagraphProperties(
        style="Footer", indentation=Indentation(right=side) if odd else Indentation(left=side),
        alignment=WD_PARAGRAPH_ALIGNMENT.RIGHT if odd else WD_PARAGRAPH_ALIGNMENT.LEFT), para)
    font = p.font(role)
    props = attrs.evolve(role_run_properties(p, role, latin=font), bold=None, color=None)

    def dash(value: str) -> None:
        r = el(para, "w:r")
        build(props, r)
        text(r, value)
    dash(f"{p.page_number.dash} ")
    field_runs(para, "PAGE", "1", props)
    dash(f" {p.page_number.dash}")
    return root


def _font_table(p: Profile) -> etree._Element:
    root = el(None, "w:fonts")
    for name in dict.fromkeys((p.fonts.fangsong, p.fonts.kaiti, p.fonts.heiti, p.fonts.xiaobiaosong,
                               p.fonts.songti)):
        font = el(root, "w:font", {"name": name})
        el(font, "w:charset", {"val": "86"})  # GB2312
        el(font, "w:family", {"val": "auto"})
        el(font, "w:pitch", {"val": "variable"})
    font = el(root, "w:font", {"name": p.fonts.latin})
    el(font, "w:charset", {"val": "00"})
    el(font, "w:family", {"val": "roman"})
    el(font, "w:pitch", {"val": "variable"})
    return root


_CORE = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
         b'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>edureport</dc:creator></cp:coreProperties>')
_APP = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        b'<Application>edureport</Application></Properties>')


def _blank_footer() -> bytes:
    root = el(None, "w:ftr")
    el(root, "w:p")
    return serialize(root)


@functools.lru_cache(maxsize=8)
def _built(profile: Profile) -> tuple[Part, ...]:
    return (
        Part("word/styles.xml", CT.WML_STYLES, serialize(_styles(profile)), RT.STYLES, "rIdStyles"),
        Part("word/settings.xml", CT.WML_SETTINGS, serialize(_settings(profile)), RT.SETTINGS, "rIdSettings"),
        Part("word/fontTable.xml", CT.WML_FONT_TABLE, serialize(_font_table(profile)), RT.FONT_TABLE, "rIdFonts"),
        Part("word/footer1.xml", CT.WML_FOOTER, serialize(_footer(profile, odd=True)), RT.FOOTER, "rIdFooterOdd"),
        Part("word/footer2.xml", CT.WML_FOOTER, serialize(_footer(profile, odd=False)), RT.FOOTER, "rIdFooterEven"),
    )


_BLANK_FOOTER = Part("word/footer3.xml", CT.WML_FOOTER, _blank_footer(), RT.FOOTER, "rIdFooterBlank")
_PROPERTIES = (
    Part("docProps/core.xml", CT.OPC_CORE_PROPERTIES, _CORE, RT.CORE_PROPERTIES, "rId2", from_package=True),
    Part("docProps/app.xml", CT.OFC_EXTENDED_PROPERTIES, _APP, RT.EXTENDED_PROPERTIES, "rId3", from_package=True),
)


def profile_parts(profile: Profile, *, blank_footer: bool = False) -> list[Part]:
    """Every part but word/document.xml, in the package's order: styles, settings, fonts and footers (built once
    per profile), the footer without a page number when the document has a 版记's section, the properties."""
    return [*_built(profile), *([_BLANK_FOOTER] if blank_footer else []), *_PROPERTIES]
