"""Small named builders for the WordprocessingML that python-docx has no API for (docGrid, PAGE fields, all four
rFonts slots, borders, floating tables), each writing its children in the order the schema (ECMA-376 Part 1, §17)
requires. Only lxml is used, so text is always set as text: it is escaped by the serializer and cannot become markup.
"""

from __future__ import annotations

from docx.oxml.ns import nsmap as _docx_nsmap
from docx.shared import Length
from lxml import etree

W_NS = _docx_nsmap["w"]
R_NS = _docx_nsmap["r"]
WP_NS = _docx_nsmap["wp"]
A_NS = _docx_nsmap["a"]
WPS_NS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
NSMAP = {"w": W_NS, "r": R_NS, "wp": WP_NS, "a": A_NS, "wps": WPS_NS, "mc": MC_NS}
_ALL_NS = {**_docx_nsmap, "wps": WPS_NS, "mc": MC_NS}

_qn_cache: dict[str, str] = {}


def qn(tag: str) -> str:
    """'w:p' → '{namespace}p' (cached: this runs for every element written)."""
    try:
        return _qn_cache[tag]
    except KeyError:
        prefix, local = tag.split(":")
        _qn_cache[tag] = name = f"{{{_ALL_NS[prefix]}}}{local}"
        return name


def twips(length: Length | int) -> str:
    """A length as the decimal twips string OOXML attributes take."""
    return str(Length(length).twips)


def half_points(length: Length) -> str:
    return str(round(Length(length).pt * 2))


def el(parent: etree._Element | None, tag: str, attrs: dict[str, str] | None = None) -> etree._Element:
    """Append (or create, when ``parent`` is None) a ``w:`` element with ``w:`` attributes."""
    attrib = {qn(f"w:{k}") if ":" not in k else qn(k): v for k, v in attrs.items()} if attrs else None
    if parent is None:
        return etree.Element(qn(tag), attrib, nsmap=NSMAP)
    return etree.SubElement(parent, qn(tag), attrib)


# --- run properties (CT_RPr order: rStyle, rFonts, b, bCs, …, color, spacing, w, kern, position, sz, szCs, …, lang)


def rfonts(parent: etree._Element, latin: str, east_asia: str) -> etree._Element:
    """All four slots plus the eastAsia hint: without them quotes, dashes and digits fall back to other faces."""
    return el(parent, "w:rFonts", {"ascii": latin, "hAnsi": latin, "eastAsia": east_asia, "cs": latin,
                                   "hint": "eastAsia"})


def rpr(parent: etree._Element | None, *, latin: str, east_asia: str, bold: bool = False, color: str | None = None,
        spacing: Length | None = None, size: Length | None = None, highlight: str | None = None,
        lang: bool = False) -> etree._Element:
    props = el(parent, "w:rPr")
    rfonts(props, latin, east_asia)
    if bold:
        el(props, "w:b")
        el(props, "w:bCs")
    if color is not None:
        el(props, "w:color", {"val": color})
    if spacing is not None:
        el(props, "w:spacing", {"val": twips(spacing)})
    if size is not None:
        el(props, "w:sz", {"val": half_points(size)})
        el(props, "w:szCs", {"val": half_points(size)})
    if highlight is not None:
        el(props, "w:highlight", {"val": highlight})
    if lang:
        el(props, "w:lang", {"val": "en-US", "eastAsia": "zh-CN", "bidi": "ar-SA"})
    return props


#: characters in one w:t: XML parsers (libxml2, so lxml and python-docx) refuse a text node over 10 MB unless told
#: otherwise, and a character takes up to 4 bytes in UTF-8
TEXT_NODE_CHARS = 1_000_000


def text(parent: etree._Element, value: str) -> etree._Element:
    """The run's text, in as many w:t as keep each below the parsers' text-node limit (a run may hold several)."""
    t = parent
    for start in range(0, max(len(value), 1), TEXT_NODE_CHARS):
        t = el(parent, "w:t")
        t.text = value[start:start + TEXT_NODE_CHARS]
        t.set(XML_SPACE, "preserve")
    return t


# --- paragraph properties (CT_PPr order) ------------------------------------------------------------------------

_PPR_ORDER = ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
              "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
              "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid",
              "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
              "textAlignment", "textboxTightWrap", "outlineLvl")


def ppr(parent: etree._Element | None, props: dict[str, dict[str, str] | list[etree._Element] | None]) -> etree._Element:
    """Paragraph properties from ``{local name: attributes}`` (None = element without attributes; a list = ready
    child elements, for pBdr and tabs), written in schema order whatever order the caller used."""
    node = el(parent, "w:pPr")
    for name in _PPR_ORDER:
        if name not in props:
            continue
        value = props[name]
        if isinstance(value, list):
            child = el(node, f"w:{name}")
            child.extend(value)
        else:
            el(node, f"w:{name}", value)
    unknown = set(props) - set(_PPR_ORDER)
    if unknown:  # a programming error, not a user error
        raise ValueError(f"unknown paragraph properties: {sorted(unknown)}")
    return node


def border(side: str, width: Length, color: str, space: Length | int = 0) -> etree._Element:
    """One border line; ``w:sz`` is in eighths of a point (2..96), ``w:space`` in points."""
    eighths = max(2, min(96, round(Length(width).pt * 8)))
    return el(None, f"w:{side}", {"val": "single", "sz": str(eighths), "space": str(round(Length(space).pt)),
                                  "color": color})


def tab(kind: str, position: Length) -> etree._Element:
    return el(None, "w:tab", {"val": kind, "pos": twips(position)})


# --- fields -----------------------------------------------------------------------------------------------------


def field_runs(parent: etree._Element, instruction: str, cached: str,
               *, latin: str, east_asia: str, size: Length | None = None, spacing: Length | None = None) -> None:
    """A complex field (begin, instruction, separate, cached result, end). The cached result matters: a field
    without one makes Word offer to repair the file, and readers that do not update fields show the result."""
    def run() -> etree._Element:
        r = el(parent, "w:r")
        rpr(r, latin=latin, east_asia=east_asia, size=size, spacing=spacing)
        return r
    el(run(), "w:fldChar", {"fldCharType": "begin"})
    instr = el(run(), "w:instrText")
    instr.text = f" {instruction} "
    instr.set(XML_SPACE, "preserve")
    el(run(), "w:fldChar", {"fldCharType": "separate"})
    text(run(), cached)
    el(run(), "w:fldChar", {"fldCharType": "end"})


def _sub(parent: etree._Element, tag: str, attrs: dict[str, str] | None = None) -> etree._Element:
    """Append an element whose attributes are unqualified (DrawingML's convention)."""
    return etree.SubElement(parent, qn(tag), attrs or {})


def bottom_textbox(parent: etree._Element, content: list[etree._Element], *, width: Length, height: Length,
                   shape_id: int, name: str) -> None:
    """A borderless text box anchored to the bottom of the page's type area, centred, with text above and below
    it but never beside it. ``content`` is its paragraphs. LibreOffice ignores w:framePr positioning, so a
    DrawingML anchor is the one way both Word and LibreOffice put text at the bottom of a page."""
    alt = _sub(el(parent, "w:r"), "mc:AlternateContent")
    drawing = el(_sub(alt, "mc:Choice", {"Requires": "wps"}), "w:drawing")
    anchor = _sub(drawing, "wp:anchor", {
        "distT": "0", "distB": "0", "distL": "0", "distR": "0", "simplePos": "0", "relativeHeight": str(shape_id),
        "behindDoc": "0", "locked": "1", "layoutInCell": "1", "allowOverlap": "0"})
    _sub(anchor, "wp:simplePos", {"x": "0", "y": "0"})
    _sub(_sub(anchor, "wp:positionH", {"relativeFrom": "margin"}), "wp:align").text = "center"
    _sub(_sub(anchor, "wp:positionV", {"relativeFrom": "margin"}), "wp:align").text = "bottom"
    size = {"cx": str(int(width)), "cy": str(int(height))}
    _sub(anchor, "wp:extent", size)
    _sub(anchor, "wp:effectExtent", {"l": "0", "t": "0", "r": "0", "b": "0"})
    _sub(anchor, "wp:wrapTopAndBottom")
    _sub(anchor, "wp:docPr", {"id": str(shape_id), "name": name})
    _sub(anchor, "wp:cNvGraphicFramePr")
    data = _sub(_sub(anchor, "a:graphic"), "a:graphicData", {"uri": WPS_NS})
    shape = _sub(data, "wps:wsp")
    _sub(shape, "wps:cNvSpPr", {"txBox": "1"})
    props = _sub(shape, "wps:spPr")
    xfrm = _sub(props, "a:xfrm")
    _sub(xfrm, "a:off", {"x": "0", "y": "0"})
    _sub(xfrm, "a:ext", size)
    _sub(_sub(props, "a:prstGeom", {"prst": "rect"}), "a:avLst")
    _sub(props, "a:noFill")
    _sub(_sub(props, "a:ln"), "a:noFill")
    box = el(_sub(shape, "wps:txbx"), "w:txbxContent")
    box.extend(content)
    body = _sub(shape, "wps:bodyPr", {"rot": "0", "vert": "horz", "wrap": "square", "lIns": "0", "tIns": "0",
                                      "rIns": "0", "bIns": "0", "anchor": "b", "anchorCtr": "0"})
    _sub(body, "a:noAutofit")


def serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
