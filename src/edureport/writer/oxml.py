"""Small named builders for the WordprocessingML that python-docx has no API for (docGrid, PAGE fields, all four
rFonts slots, borders), each writing its children in the order the schema (ECMA-376 Part 1, §17)
requires. Only lxml is used, so text is always set as text: it is escaped by the serializer and cannot become markup.

Paragraph and run properties are typed values (``ParagraphProperties``, ``RunProperties``: python-docx ``Length``s
and enumerations, checked when made), written in the schema's order from one declaration (``PPR_SEQUENCE``,
``RPR_SEQUENCE``), lengths converted in one place (``measure``), each distinct value's XML text built once.

The body of word/document.xml is the exception: it is written as text (``fragment``, ``text_xml``), see there.
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar, cast

import attrs
from docx.enum.base import BaseXmlEnum
from docx.enum.text import WD_COLOR_INDEX, WD_LINE_SPACING, WD_PARAGRAPH_ALIGNMENT, WD_TAB_ALIGNMENT
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


def el(parent: etree._Element | None, tag: str, attrs: dict[str, str] | None = None) -> etree._Element:
    """Append (or create, when ``parent`` is None) a ``w:`` element with ``w:`` attributes."""
    attrib = {qn(f"w:{k}") if ":" not in k else qn(k): v for k, v in attrs.items()} if attrs else None
    if parent is None:
        return etree.Element(qn(tag), attrib, nsmap=NSMAP)
    return etree.SubElement(parent, qn(tag), attrib)


# --- lengths as OOXML numbers -------------------------------------------------------------------------------------


class Unit(enum.Enum):
    """What an OOXML attribute counts a length in (the simple types of ECMA-376 Part 1, §17.18)."""

    TWIPS = "ST_TwipsMeasure, ST_SignedTwipsMeasure"  # twentieths of a point: indents, spacing, tab stops, page
    HALF_POINTS = "ST_HpsMeasure"  # font sizes
    EIGHTH_POINTS = "ST_EighthPointMeasure"  # border widths
    POINTS = "ST_PointMeasure"  # the space between a border and the text


def measure(length: Length, unit: Unit) -> str:
    """``length`` (EMU, python-docx's ``Length``) as the decimal number an attribute of ``unit`` holds: the one place
    the writer converts lengths. Twips are python-docx's (``Length.twips``, rounded to the nearest); the point units
    are rounded to the nearest too (python-docx's ``ST_HpsMeasure`` truncates, which would make 15.99 pt 15.5 pt)."""
    if unit is Unit.TWIPS:
        return str(Length(length).twips)
    per_point = {Unit.HALF_POINTS: 2, Unit.EIGHTH_POINTS: 8, Unit.POINTS: 1}[unit]
    return str(round(Length(length).pt * per_point))


# --- typed properties ---------------------------------------------------------------------------------------------
#
# Paragraph properties (w:pPr) and run properties (w:rPr) are frozen values: each field is one property, with its
# element, its type (python-docx's ``Length`` for lengths, python-docx's enumerations for alignments, line rules and
# highlight colours, bool for on/off properties, None for "not set") and its check, made when the value is built. A
# value is written in one place (``build``), in the order of one declaration per element (``PPR_SEQUENCE``,
# ``RPR_SEQUENCE``), its lengths converted in one place (``measure``), and the XML text of each distinct value is kept
# (``xml``): a document uses few. The declarations are hand-written because python-docx's element classes (CT_PPr,
# CT_RPr) delete their sequences once built and offer no way to write a detached property set as text.

#: The children of w:pPr in schema order: ECMA-376 Part 1 §17.3.1.26 (pPr), wml.xsd's CT_PPrBase (pStyle …
#: outlineLvl, divId, cnfStyle) extended by CT_PPr (rPr, sectPr, pPrChange). python-docx declares the same sequence
#: as ``CT_PPr._tag_seq`` (docx/oxml/text/parfmt.py) but deletes it once the class is built, so it is written out
#: here; tests/test_writer_props.py compares the two.
PPR_SEQUENCE = ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
                "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
                "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid",
                "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
                "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange")

#: The children of w:rPr in schema order: ECMA-376 Part 1 §17.3.2.28 (rPr), wml.xsd's CT_RPr (EG_RPrBase, then
#: rPrChange). python-docx declares the same sequence as ``CT_RPr._tag_seq`` (docx/oxml/text/font.py), deleted once
#: the class is built like CT_PPr's; tests/test_writer_props.py compares the two.
RPR_SEQUENCE = ("rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline",
                "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing", "w",
                "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign",
                "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath")

#: The children of w:pBdr in schema order (ECMA-376 Part 1 §17.3.1.24, wml.xsd's CT_PBdr)
PBDR_SEQUENCE = ("top", "left", "bottom", "right", "between", "bar")
#: The children of w:tblBorders in schema order (ECMA-376 Part 1 §17.4.39, wml.xsd's CT_TblBorders, transitional)
TBL_BORDERS_SEQUENCE = ("top", "left", "bottom", "right", "insideH", "insideV")
#: A border's width in eighths of a point: ST_EighthPointMeasure's range for line borders (ECMA-376 Part 1 §17.3.4)
BORDER_EIGHTHS = range(2, 97)

_HEX_COLOR = re.compile(r"[0-9A-Fa-f]{6}|auto")  # ST_HexColor


def _refuse(what: str, value: object, expected: str) -> ValueError:
    """A property value edureport itself got wrong (the profile's values are checked when it is read, naming their
    keys): an internal error, never a message telling the user to fix their profile."""
    return ValueError(f"格式属性 {what} 不能取 {value!r}：应为{expected}")


def _length(*, signed: bool) -> Callable[[object, attrs.Attribute[Any], object], None]:
    """A validator: a python-docx ``Length`` (EMU; an int is taken as EMU), not negative unless ``signed``."""
    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is None:
            return
        if not isinstance(value, int) or isinstance(value, bool):
            raise _refuse(attribute.name, value, "长度（python-docx 的 Length，单位 EMU）")
        if not signed and value < 0:
            raise _refuse(attribute.name, value, "不小于零的长度")
    return check


def _as_length(value: Length | int | None) -> Length | None:
    """Converter: an int is EMU and becomes a ``Length``; a value of another type is left for the validator."""
    if isinstance(value, int) and not isinstance(value, (bool, Length)):
        return Length(value)
    return cast("Length | None", value)


def _member(enumeration: type[BaseXmlEnum], *refused: BaseXmlEnum) -> Callable[[object, attrs.Attribute[Any], object],
                                                                             None]:
    """A validator: a member of python-docx's ``enumeration`` that has an XML value (and is not ``refused``)."""
    allowed = [m for m in enumeration if m.xml_value not in (None, "UNMAPPED") and m not in refused]

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        # by identity: python-docx's members compare equal to plain ints and to other enumerations' members of the
        # same number, which would also make two different values share one cached XML text
        if value is not None and not any(value is m for m in allowed):
            raise _refuse(attribute.name, value, "、".join(f"{enumeration.__name__}.{m.name}" for m in allowed))
    return check


def _of(kind: type, expected: str) -> Callable[[object, attrs.Attribute[Any], object], None]:
    """A validator: None or an instance of ``kind`` (for bool: True or False, not 0 or 1)."""
    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is not None and not isinstance(value, kind):
            raise _refuse(attribute.name, value, expected)
    return check


def _one_of(values: tuple[str, ...]) -> Callable[[object, attrs.Attribute[Any], object], None]:
    """A validator: None or one of ``values`` (the values of a schema's enumeration type)."""
    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is not None and value not in values:
            raise _refuse(attribute.name, value, "、".join(values))
    return check


def _text(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and (not isinstance(value, str) or not value):
        raise _refuse(attribute.name, value, "非空文字")


def _hex_color(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and (not isinstance(value, str) or not _HEX_COLOR.fullmatch(value)):
        raise _refuse(attribute.name, value, "六位十六进制颜色（如 FF0000）或 auto")


# How a value is written. An element field names its element(s) and how its value becomes the element; an attribute
# field (of a value written as one element's attributes: Spacing, Indentation, Fonts, Language) names its attribute.
_OOXML = "ooxml"


class _Kind(enum.Enum):
    ON_OFF = "on/off"  # True: <w:x/>; False: <w:x w:val="0"/>
    VALUE = "value"  # <w:x w:val="…"/>: text, a number, or an enumeration's XML value
    MEASURE = "measure"  # <w:x w:val="…"/>: a length in the field's unit
    ATTRIBUTES = "attributes"  # <w:x …/>: the fields of an attribute value
    CHILDREN = "children"  # <w:x>…</w:x>: a tuple of values that build themselves (borders, tab stops)


@attrs.frozen
class _Element:
    kind: _Kind
    names: tuple[str, ...]  # the elements written, each in its place of the sequence
    unit: Unit | None = None


@attrs.frozen
class _Attribute:
    name: str
    unit: Unit | None = None


def _in(kind: _Kind, *names: str, unit: Unit | None = None) -> dict[str, _Element]:
    """A field's metadata: it is written as the elements ``names`` (in their places of the schema's sequence)."""
    return {_OOXML: _Element(kind, names, unit)}


def _as(name: str, unit: Unit | None = None) -> dict[str, _Attribute]:
    """A field's metadata: it is written as the XML attribute ``name``."""
    return {_OOXML: _Attribute(name, unit)}


def _xml_value(value: object, unit: Unit | None) -> str:
    if unit is not None:
        return measure(value, unit)  # type: ignore[arg-type]  # the field's validator made it a Length
    if isinstance(value, BaseXmlEnum):
        return str(value.xml_value)
    return str(value)


def _attributes_of(value: object) -> dict[str, str]:
    """The XML attributes of an attribute value, in its fields' order (the order python-docx declares them)."""
    out = {}
    for field in attrs.fields(cast(Any, type(value))):
        v = getattr(value, field.name)
        if v is not None:
            spec: _Attribute = field.metadata[_OOXML]
            out[spec.name] = _xml_value(v, spec.unit)
    return out


_UNSIGNED = _length(signed=False)
_SIGNED = _length(signed=True)
_ON_OFF = _of(bool, "True、False 或 None")


@attrs.frozen(kw_only=True)
class Spacing:
    """w:spacing of a paragraph: the space before and after it and its line height. The line height is a length, so
    its rule is exact or at least (a multiple of single spacing counts 240ths of a line, not a length)."""

    before: Length | None = attrs.field(default=None, converter=_as_length, validator=_UNSIGNED,
                                        metadata=_as("before", Unit.TWIPS))
    after: Length | None = attrs.field(default=None, converter=_as_length, validator=_UNSIGNED,
                                       metadata=_as("after", Unit.TWIPS))
    line: Length | None = attrs.field(default=None, converter=_as_length, validator=_SIGNED,
                                      metadata=_as("line", Unit.TWIPS))
    line_rule: WD_LINE_SPACING | None = attrs.field(
        default=None, validator=_member(WD_LINE_SPACING, WD_LINE_SPACING.MULTIPLE), metadata=_as("lineRule"))

    @classmethod
    def exact(cls, line: Length) -> Spacing:
        """No space before or after, lines exactly ``line`` apart."""
        return cls(before=Length(0), after=Length(0), line=line, line_rule=WD_LINE_SPACING.EXACTLY)

    def __attrs_post_init__(self) -> None:
        if (self.line is None) != (self.line_rule is None):
            raise ValueError(f"行距 line 与 line_rule 须同时给出：line={self.line!r}，line_rule={self.line_rule!r}")


@attrs.frozen(kw_only=True)
class Indentation:
    """w:ind: left and right indents, and either a first-line indent or a hanging one."""

    left: Length | None = attrs.field(default=None, converter=_as_length, validator=_SIGNED,
                                      metadata=_as("left", Unit.TWIPS))
    right: Length | None = attrs.field(default=None, converter=_as_length, validator=_SIGNED,
                                       metadata=_as("right", Unit.TWIPS))
    first_line: Length | None = attrs.field(default=None, converter=_as_length, validator=_UNSIGNED,
                                            metadata=_as("firstLine", Unit.TWIPS))
    hanging: Length | None = attrs.field(default=None, converter=_as_length, validator=_UNSIGNED,
                                         metadata=_as("hanging", Unit.TWIPS))

    def __attrs_post_init__(self) -> None:
        if self.first_line is not None and self.hanging is not None:
            raise ValueError("缩进不能同时有首行缩进（first_line）和悬挂缩进（hanging）")


@attrs.frozen(kw_only=True)
class Fonts:
    """w:rFonts: the face of each of the four character slots, and which slot ambiguous characters take."""

    ascii: str | None = attrs.field(default=None, validator=_text, metadata=_as("ascii"))
    h_ansi: str | None = attrs.field(default=None, validator=_text, metadata=_as("hAnsi"))
    east_asia: str | None = attrs.field(default=None, validator=_text, metadata=_as("eastAsia"))
    cs: str | None = attrs.field(default=None, validator=_text, metadata=_as("cs"))
    hint: str | None = attrs.field(default=None, validator=_one_of(("default", "eastAsia", "cs")),  # ST_Hint
                                   metadata=_as("hint"))

    @classmethod
    def chinese(cls, latin: str, east_asia: str) -> Fonts:
        """All four slots and the eastAsia hint: without them quotes, dashes and digits fall back to other faces."""
        return cls(ascii=latin, h_ansi=latin, east_asia=east_asia, cs=latin, hint="eastAsia")


@attrs.frozen(kw_only=True)
class Language:
    """w:lang: the language of Latin, East Asian and complex-script text (BCP 47 tags)."""

    latin: str | None = attrs.field(default=None, validator=_text, metadata=_as("val"))
    east_asia: str | None = attrs.field(default=None, validator=_text, metadata=_as("eastAsia"))
    bidi: str | None = attrs.field(default=None, validator=_text, metadata=_as("bidi"))


@attrs.frozen
class Border:
    """One border line (``w:top``, ``w:bottom`` … of w:pBdr or w:tblBorders): single, ``width`` wide (eighths of a
    point, within the schema's range), ``space`` from the text (whole points), in ``color``."""

    side: str = attrs.field(validator=_one_of(tuple(dict.fromkeys(PBDR_SEQUENCE + TBL_BORDERS_SEQUENCE))))
    width: Length = attrs.field(converter=_as_length, validator=_UNSIGNED)
    color: str = attrs.field(validator=_hex_color)
    space: Length = attrs.field(default=Length(0), converter=_as_length, validator=_UNSIGNED)

    def build(self, parent: etree._Element) -> etree._Element:
        eighths = int(measure(self.width, Unit.EIGHTH_POINTS))
        eighths = max(BORDER_EIGHTHS.start, min(BORDER_EIGHTHS.stop - 1, eighths))
        return el(parent, f"w:{self.side}", {"val": "single", "sz": str(eighths),
                                             "space": measure(self.space, Unit.POINTS), "color": self.color})


@attrs.frozen
class TabStop:
    """A custom tab stop (w:tab of w:tabs) at ``position`` from the paragraph's start."""

    alignment: WD_TAB_ALIGNMENT = attrs.field(validator=_member(WD_TAB_ALIGNMENT))
    position: Length = attrs.field(converter=_as_length, validator=_SIGNED)

    def build(self, parent: etree._Element) -> etree._Element:
        return el(parent, "w:tab", {"val": str(self.alignment.xml_value), "pos": measure(self.position, Unit.TWIPS)})


def _paragraph_borders(value: tuple[Border, ...]) -> tuple[Border, ...]:
    """Converter: the borders of w:pBdr in schema order, each side once."""
    if not isinstance(value, (tuple, list)) or not all(isinstance(b, Border) for b in value):
        raise _refuse("borders", value, "Border 的元组")
    sides = [b.side for b in value]
    if len(set(sides)) != len(sides) or not set(sides) <= set(PBDR_SEQUENCE):
        raise _refuse("borders", sides, f"{'、'.join(PBDR_SEQUENCE)} 中不重复的边")
    return tuple(sorted(value, key=lambda b: PBDR_SEQUENCE.index(b.side)))


def _tab_stops(value: tuple[TabStop, ...]) -> tuple[TabStop, ...]:
    if not isinstance(value, (tuple, list)) or not all(isinstance(t, TabStop) for t in value):
        raise _refuse("tabs", value, "TabStop 的元组")
    return tuple(value)


_T = TypeVar("_T")


def _in_schema_order(sequence: tuple[str, ...]) -> Callable[[type[_T]], type[_T]]:
    """Class decorator: the order in which ``build`` writes the class's fields, from ``sequence`` (a field may write
    several elements, e.g. w:sz and w:szCs). A field naming an element outside the sequence is a programming error."""
    def decorate(cls: type[_T]) -> type[_T]:
        order = []
        for field in attrs.fields(cast(Any, cls)):
            spec: _Element = field.metadata[_OOXML]
            for name in spec.names:
                if name not in sequence:
                    raise TypeError(f"{cls.__name__}.{field.name}: w:{name} is not in the schema's sequence")
                order.append((sequence.index(name), name, field.name, spec))
        cls._order = tuple((name, field, spec) for _, name, field, spec in sorted(order))  # type: ignore[attr-defined]
        return cls
    return decorate


def _outline_level(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and (type(value) is not int or not 0 <= value <= 9):  # ST_DecimalNumber, levels 0–9
        raise _refuse(attribute.name, value, "0 到 9 的整数")


@_in_schema_order(PPR_SEQUENCE)
@attrs.frozen(kw_only=True, cache_hash=True)
class ParagraphProperties:
    """w:pPr: what a paragraph (or a paragraph style) sets. None: not set (the style's or the default applies)."""

    TAG: ClassVar[str] = "w:pPr"
    _order: ClassVar[tuple[tuple[str, str, _Element], ...]]

    style: str | None = attrs.field(default=None, validator=_text, metadata=_in(_Kind.VALUE, "pStyle"))
    keep_next: bool | None = attrs.field(default=None, validator=_ON_OFF, metadata=_in(_Kind.ON_OFF, "keepNext"))
    keep_lines: bool | None = attrs.field(default=None, validator=_ON_OFF, metadata=_in(_Kind.ON_OFF, "keepLines"))
    page_break_before: bool | None = attrs.field(default=None, validator=_ON_OFF,
                                                 metadata=_in(_Kind.ON_OFF, "pageBreakBefore"))
    widow_control: bool | None = attrs.field(default=None, validator=_ON_OFF,
                                             metadata=_in(_Kind.ON_OFF, "widowControl"))
    borders: tuple[Border, ...] = attrs.field(default=(), converter=_paragraph_borders,
                                              metadata=_in(_Kind.CHILDREN, "pBdr"))
    tabs: tuple[TabStop, ...] = attrs.field(default=(), converter=_tab_stops, metadata=_in(_Kind.CHILDREN, "tabs"))
    snap_to_grid: bool | None = attrs.field(default=None, validator=_ON_OFF, metadata=_in(_Kind.ON_OFF, "snapToGrid"))
    spacing: Spacing | None = attrs.field(default=None, validator=_of(Spacing, "Spacing"),
                                          metadata=_in(_Kind.ATTRIBUTES, "spacing"))
    indentation: Indentation | None = attrs.field(default=None, validator=_of(Indentation, "Indentation"),
                                                  metadata=_in(_Kind.ATTRIBUTES, "ind"))
    alignment: WD_PARAGRAPH_ALIGNMENT | None = attrs.field(default=None, validator=_member(WD_PARAGRAPH_ALIGNMENT),
                                                           metadata=_in(_Kind.VALUE, "jc"))
    outline_level: int | None = attrs.field(default=None, validator=_outline_level,
                                            metadata=_in(_Kind.VALUE, "outlineLvl"))

    def xml(self) -> str:
        """The w:pPr element as XML text for the document body (built once per distinct value)."""
        return _xml(self)


@_in_schema_order(RPR_SEQUENCE)
@attrs.frozen(kw_only=True, cache_hash=True)
class RunProperties:
    """w:rPr: what a run (or a style's runs) sets. None: not set. ``bold`` and ``size`` set the complex-script
    twins (w:bCs, w:szCs) too."""

    TAG: ClassVar[str] = "w:rPr"
    _order: ClassVar[tuple[tuple[str, str, _Element], ...]]

    fonts: Fonts | None = attrs.field(default=None, validator=_of(Fonts, "Fonts"),
                                      metadata=_in(_Kind.ATTRIBUTES, "rFonts"))
    bold: bool | None = attrs.field(default=None, validator=_ON_OFF, metadata=_in(_Kind.ON_OFF, "b", "bCs"))
    color: str | None = attrs.field(default=None, validator=_hex_color, metadata=_in(_Kind.VALUE, "color"))
    character_spacing: Length | None = attrs.field(default=None, converter=_as_length, validator=_SIGNED,
                                                   metadata=_in(_Kind.MEASURE, "spacing", unit=Unit.TWIPS))
    size: Length | None = attrs.field(default=None, converter=_as_length, validator=_UNSIGNED,
                                      metadata=_in(_Kind.MEASURE, "sz", "szCs", unit=Unit.HALF_POINTS))
    highlight: WD_COLOR_INDEX | None = attrs.field(
        default=None, validator=_member(WD_COLOR_INDEX, WD_COLOR_INDEX.AUTO),  # ST_HighlightColor has no "default"
        metadata=_in(_Kind.VALUE, "highlight"))
    language: Language | None = attrs.field(default=None, validator=_of(Language, "Language"),
                                            metadata=_in(_Kind.ATTRIBUTES, "lang"))

    def xml(self) -> str:
        """The w:rPr element as XML text for the document body (built once per distinct value)."""
        return _xml(self)


def build(props: ParagraphProperties | RunProperties, parent: etree._Element | None = None) -> etree._Element:
    """The properties as a new lxml element (appended to ``parent`` if given), children in schema order."""
    node = el(parent, props.TAG)
    for name, field, spec in props._order:
        value = getattr(props, field)
        if value is None or value == ():
            continue
        if spec.kind is _Kind.ON_OFF:
            el(node, f"w:{name}", None if value else {"val": "0"})
        elif spec.kind is _Kind.ATTRIBUTES:
            el(node, f"w:{name}", _attributes_of(value))
        elif spec.kind is _Kind.CHILDREN:
            child = el(node, f"w:{name}")
            for item in value:
                item.build(child)
        else:
            el(node, f"w:{name}", {"val": _xml_value(value, spec.unit)})
    return node


#: distinct property values whose XML text is kept: a document uses a few dozen; the bound keeps a long-running
#: process's memory flat when documents bring their own (indents follow the signature's width)
_KEPT_PROPERTIES = 1024


@functools.lru_cache(maxsize=_KEPT_PROPERTIES)
def _xml(props: ParagraphProperties | RunProperties) -> str:
    return fragment(build(props))


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


# --- fields -----------------------------------------------------------------------------------------------------


def field_runs(parent: etree._Element, instruction: str, cached: str, props: RunProperties) -> None:
    """A complex field (begin, instruction, separate, cached result, end), each run with ``props``. The cached result
    matters: a field without one makes Word offer to repair the file, and readers that do not update fields show
    the result."""
    def run() -> etree._Element:
        r = el(parent, "w:r")
        build(props, r)
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
# The body of word/document.xml is written as text pieces joined once, not as an lxml tree serialized at the end.
# This is hand-written because no library writes XML text fast enough here: creating the lxml elements one at a time
# (w:p, w:pPr copy, w:r, w:rPr copy, w:t, xml:space) was most of the render time. Measured on the benchmark corpus
# (benchmarks/harness.corpus_report, medians of interleaved runs against the lxml-built writer): building and
# serializing word/document.xml took 8.5 ms at 1,000 paragraphs (106 ms at 10,000), against 2.1 ms to deflate it;
# written as text it takes 1.9 ms (21.6 ms), and write_docx went from 11.2 ms to 4.6 ms (129 ms to 54 ms), the same
# bytes. Only two things are written by hand, and both are checked against lxml over every Unicode code point
# (tests/test_writer_speed.py; the escaping is also inlined in ``_Writer.build`` for one-run paragraphs, which the
# tests hold to ``text_xml`` over every code point too):
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
T_OPEN = '<w:t xml:space="preserve">'


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
        return T_OPEN + value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace(
            "\r", "&#13;") + "</w:t>"
    return "".join(f"{T_OPEN}{escape_text(value[start:start + TEXT_NODE_CHARS])}</w:t>"
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
