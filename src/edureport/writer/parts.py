"""The parts of a .docx that depend on the layout profile only: styles, settings, the font table, the footers (and
the fixed document properties). Built once per profile; the body is ``document.py``'s.

Paragraph formatting lives in these styles, defined once; paragraphs reference them. Headings, title, body and footer
use Word's built-in style names, which Word and WPS show localised (标题 1, 标题, 正文, 页脚) and which the navigation
pane, an inserted 目录, pandoc and mammoth rely on; the alias carries the 公文 name.
"""

from __future__ import annotations

import functools

from lxml import etree

from ..profile import Profile, Role
from .oxml import el, field_runs, ppr, rpr, serialize, text, twips
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



def _styles(p: Profile) -> etree._Element:
    root = el(None, "w:styles")
    defaults = el(root, "w:docDefaults")
    body = p.roles.body
    rpr(el(defaults, "w:rPrDefault"), latin=p.fonts.latin, east_asia=p.font(body), size=body.size, lang=True)
    ppr(el(defaults, "w:pPrDefault"), {
        "widowControl": {"val": "0"},  # the standard fills the type area: no widow/orphan lines moved
        "spacing": {"before": "0", "after": "0", "line": twips(p.grid.line_pitch), "lineRule": "exact"},
        "jc": {"val": "both"},
    })
    first_line = twips(p.chars(p.indents.first_line))
    extra: dict[str, dict[str, dict[str, str] | None]] = {
        "Normal": {},
        "BodyText": {"ind": {"firstLine": first_line}},
        # LibreOffice lays text larger than the grid's base size over two grid lines unless it is off the grid
        "DocTitle": {"snapToGrid": {"val": "0"}, "jc": {"val": "center"}},
        "Heading1": {"keepNext": None, "ind": {"firstLine": first_line}},
        "Heading2": {"keepNext": None, "ind": {"firstLine": first_line}},
        "Heading3": {"keepNext": None, "ind": {"firstLine": first_line}},
        "Heading4": {"keepNext": None, "ind": {"firstLine": first_line}},
        "IssuerMark": {"snapToGrid": {"val": "0"}, "jc": {"val": "center"}},
        "Colophon": {"snapToGrid": {"val": "0"}, "spacing": {"before": "0", "after": "0", "line": twips(p.colophon.line_height),
                                 "lineRule": "exact"}, "jc": {"val": "left"}},
        "Footer": {"snapToGrid": {"val": "0"}, "spacing": {"before": "0", "after": "0",
                                                           "line": twips(p.roles.page_number.size),
                                                           "lineRule": "exact"}},
        "TableText": {"snapToGrid": {"val": "0"}, "spacing": {"before": "0", "after": "0",
                                                              "line": twips(p.table.line_height),
                                                              "lineRule": "exact"}, "jc": {"val": "left"}},
    }
    for style_id, (name, alias, role_name, outline) in PARAGRAPH_STYLES.items():
        role: Role = getattr(p.roles, role_name)
        attrs = {"type": "paragraph", "styleId": style_id}
        if style_id == "Normal":
            attrs["default"] = "1"
        style = el(root, "w:style", attrs)
        el(style, "w:name", {"val": name})
        if alias:
            el(style, "w:aliases", {"val": alias})
        if style_id != "Normal":
            el(style, "w:basedOn", {"val": "Normal"})
        el(style, "w:qFormat")
        props: dict[str, dict[str, str] | list[etree._Element] | None] = dict(extra[style_id])
        if outline is not None:
            props["outlineLvl"] = {"val": str(outline)}
        ppr(style, props)
        spacing = role.spacing if role.spacing is not None else p.grid.char_spacing
        colour = p.color(role) if role.color != "text" else None
        rpr(style, latin=p.fonts.latin, east_asia=p.font(role), bold=role.bold, color=colour, spacing=spacing,
            size=role.size)
    table = el(root, "w:style", {"type": "table", "styleId": "TableGrid"})
    el(table, "w:name", {"val": "Table Grid"})
    return root


def _settings(p: Profile) -> etree._Element:
    root = el(None, "w:settings")
    el(root, "w:defaultTabStop", {"val": twips(p.char_pitch())})
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
    side = twips(p.chars(p.page_number.side_indent, role))
    para = el(root, "w:p")
    ppr(para, {"pStyle": {"val": "Footer"}, "ind": {"right": side} if odd else {"left": side},
               "jc": {"val": "right" if odd else "left"}})
    font = p.font(role)
    spacing = role.spacing if role.spacing is not None else p.grid.char_spacing

    def dash(value: str) -> None:
        r = el(para, "w:r")
        rpr(r, latin=font, east_asia=font, size=role.size, spacing=spacing)
        text(r, value)
    dash(f"{p.page_number.dash} ")
    field_runs(para, "PAGE", "1", latin=font, east_asia=font, size=role.size, spacing=spacing)
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
