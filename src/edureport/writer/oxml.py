"""Small named builders for the WordprocessingML that python-docx has no API for (docGrid, PAGE fields, all four
rFonts slots, borders), each writing its children in the order the schema (ECMA-376 Part 1, §17)
requires. Only lxml is used, so text is always set as text: it is escaped by the serializer and cannot become markup.

The body of word/document.xml is the exception: it is written as text (``fragment``, ``text_xml``), see there.
"""

from __future__ import annotations

import re

from docx.oxml.ns import nsmap as _docx_nsmap
from docx.shared import Length
from lxml import etree

W_NS = _docx_nsmap["w"]
R_NS = _docx_nsmap["r"]
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
NSMAP = {"w": W_NS, "r": R_NS}
_ALL_NS = dict(_docx_nsmap)

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
        lang: bool = False, unbold: bool = False) -> etree._Element:
    """Run properties. ``unbold`` writes bold off explicitly, for a run in a paragraph whose style is bold."""
    props = el(parent, "w:rPr")
    rfonts(props, latin, east_asia)
    if bold:
        el(props, "w:b")
        el(props, "w:bCs")
    elif unbold:
        el(props, "w:b", {"val": "0"})
        el(props, "w:bCs", {"val": "0"})
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


def serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# --- the document body written as text --------------------------------------------------------------------------
#
# The body of word/document.xml is written as str fragments joined once, not as an lxml tree serialized at the end.
# This is hand-written because no library writes XML text fast enough here: creating the lxml elements one at a time
# (w:p, w:pPr copy, w:r, w:rPr copy, w:t, xml:space) was most of the render time. Measured on the benchmark corpus
# (benchmarks/harness.corpus_report, medians of interleaved runs against the lxml-built writer): building and
# serializing word/document.xml took 8.5 ms at 1,000 paragraphs (106 ms at 10,000), against 2.1 ms to deflate it;
# written as text it takes 1.9 ms (21.6 ms), and write_docx went from 11.2 ms to 4.6 ms (129 ms to 54 ms), the same
# bytes. Only two things are written by hand, and both are checked against lxml over every Unicode code point
# (tests/test_writer_speed.py):
#
# - the escaping of text content, which is libxml2's: &, < and > as entities, carriage return as &#13; (an XML
#   parser would read a raw one as a line feed), everything else as UTF-8;
# - the refusal of what XML cannot hold: a text that may hold such a character is handed to lxml, which raises
#   exactly the error it raised when the body was built with it (ValueError for control characters and U+FFFE/FFFF,
#   UnicodeEncodeError for a lone surrogate), so a bad text is an error, never a corrupt part.
#
# Element structure (properties, borders, tabs, tables' grids, section properties) is still built with the lxml
# builders above and serialized once per distinct value (``fragment``), so names, attribute escaping and order
# stay lxml's.

_NS_DECLARATIONS = f' xmlns:w="{W_NS}" xmlns:r="{R_NS}"'

#: the characters lxml refuses in text: C0 controls but tab, line feed and carriage return; surrogates; U+FFFE and
#: U+FFFF (the test compares this with lxml over every code point; a match only hands the text to lxml, which decides)
_MAYBE_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_T_OPEN = '<w:t xml:space="preserve">'


def fragment(element: etree._Element) -> str:
    """A detached ``w:`` element as XML text for the document body: lxml's own serialization without the namespace
    declarations it writes on a detached root (w:document declares them)."""
    xml = etree.tostring(element, encoding="UTF-8").decode("utf-8")  # UTF-8, as ``serialize`` writes
    tag = xml[:xml.index(" ")]
    head = tag + _NS_DECLARATIONS
    if not xml.startswith(head):  # a programming error: an element of another namespace
        raise ValueError(f"unexpected namespace declarations in {xml[:200]!r}")
    return tag + xml[len(head):]


def escape_text(value: str) -> str:
    """``value`` as libxml2 writes a text node in UTF-8; a character XML cannot hold raises lxml's own error."""
    if not value.isprintable() and _MAYBE_REFUSED.search(value) is not None:
        etree.Element("t").text = value  # raises ValueError or UnicodeEncodeError, as building the tree did
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def text_xml(value: str) -> str:
    """The run's text as ``w:t`` elements, each below the parsers' text-node limit (the rule of ``text``)."""
    # ``escape_text``, inlined. A printable text holds none of the characters lxml refuses (they are all in Unicode's
    # categories Cc, Cs and Cn, which are not printable), and str.isprintable is twice as fast as the search
    if len(value) <= TEXT_NODE_CHARS and (value.isprintable() or _MAYBE_REFUSED.search(value) is None):
        return _T_OPEN + value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace(
            "\r", "&#13;") + "</w:t>"
    return "".join(f"{_T_OPEN}{escape_text(value[start:start + TEXT_NODE_CHARS])}</w:t>"
                   for start in range(0, len(value), TEXT_NODE_CHARS))


def _document_frame() -> tuple[str, str]:
    """word/document.xml up to the body's content (XML declaration, w:document's and w:body's start tags) and
    after it, as lxml writes them."""
    root = el(None, "w:document")
    el(el(root, "w:body"), "w:sectPr")
    start, end = serialize(root).decode("utf-8").split("<w:sectPr/>")
    return start, end


#: what comes before and after the body's content in word/document.xml
DOCUMENT_START, DOCUMENT_END = _document_frame()
