"""``edureport import REPORT.docx``: recover report data from a .docx written by a person in Word or WPS (or by
edureport), so that last year's file can be rolled over.

The package is checked before anything in it is inflated (size, part count, compression ratio, amount of XML:
see the bounds below), then opened with python-docx. The text is read from the XML itself, not from python-docx's
``paragraph.text``, which skips content controls, tracked insertions, smart tags, simple fields, custom XML and text
boxes. Recovered: the 版头 (份号, 密级, 紧急程度, 发文机关标志, 发文字号, 签发人), the title, the addressee, the
numbered hierarchy 一、（一）1.（1）— from typed labels (including the usual mistakes: "1、" at level 1, half-width
"(一)", "（一）、"), from Word list numbering whose label is not in the text, from heading styles and outline levels
(on the paragraph, in its style, or only in the style's name "heading N") — run-in headings, paragraphs, tables
wherever they stand, 附件说明 and attachments, the signature and date, 附注 and the 版记 (in a text box, with or
without a VML fallback, in a frame, in a floating table, or typed as the last lines). A numbering that runs on across
parents becomes ``numbering: continue``. Then the year, the scheme (the one the report cites, else the one whose parts
it is headed by) and the figures its sentences state, as data (see "the year, the scheme and the figures" below).

Nothing is dropped silently: text that cannot be placed is kept as a paragraph and reported; text that is not part
of the report's data (deleted revisions, hidden text, a table of contents, footnotes, page headers) is listed in the
review notes. Tabs become spaces and line breaks split paragraphs, so the data never holds a character the loader
refuses; what is returned always loads as report data, or a DataError naming the input .docx is raised.
"""

from __future__ import annotations

import copy
import datetime as _dt
import functools
import io
import itertools
import re
import struct
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, BinaryIO

import attrs
import docx
from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from lxml import etree
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from . import formatting, resources
from .errors import DataError, Problem
from .numbering import numeral_value
from .quantities import Change, Value, number_words
from .sandbox import Limits

if TYPE_CHECKING:
    from .catalogue import Indicator
    from .model import Report
    from .schemes import Scheme

# --- bounds on the input package ----------------------------------------------------------------------------------
# Checked from the zip's central directory before any part is inflated, so a zip bomb costs no memory. Parts are
# then inflated a chunk at a time, never past their declared size, into a copy that python-docx reads (see
# _open_package). lxml needs ~120-400 bytes per element, so the XML is bounded by its number of tags too.
# A later issue moves these into edureport.Limits.
MB = 1024 * 1024
MAX_DOCX_BYTES = 200 * MB  # the .docx file itself
MAX_CENTRAL_DIRECTORY_BYTES = 4 * MB  # zipfile keeps one object per entry listed there
MAX_PARTS = 2000  # entries in the zip (a long report with many pictures has a few hundred)
MAX_PART_BYTES = 100 * MB  # one part, inflated (word/document.xml, a picture)
MAX_TOTAL_BYTES = 200 * MB  # all parts, inflated
MAX_RATIO = 200  # inflated / compressed, for a part over RATIO_FLOOR (real XML compresses 5–30 times)
RATIO_FLOOR = 1 * MB
_CHUNK = 1 * MB  # what is inflated at a time
_SPOOL_BYTES = 32 * MB  # the checked copy python-docx reads is kept in memory up to this size, then on disk
MAX_XML_TAGS = 1_000_000  # "<" in all XML parts together: ~400 MB once parsed at worst (a 300-page report: 300 000)

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, and encrypted .docx (an OLE container)

# --- WordprocessingML -------------------------------------------------------------------------------------------
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_M = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"
_V = "{urn:schemas-microsoft-com:vml}"
_GRAPHICS = ("{http://schemas.openxmlformats.org/drawingml/2006/chart}chart",
             "{http://schemas.openxmlformats.org/drawingml/2006/diagram}relIds")
W_P, W_TBL, W_TR, W_TC, W_R, W_T = (_W + t for t in ("p", "tbl", "tr", "tc", "r", "t"))
W_VAL = _W + "val"
# inside a paragraph: not visible text, or not text at all
_INLINE_SKIP = frozenset(_W + t for t in (
    "pPr", "rPr", "sdtPr", "sdtEndPr", "instrText", "delInstrText", "fldData", "customXmlPr", "smartTagPr",
    "footnoteReference", "endnoteReference", "commentReference", "annotationRef"))
_DELETED = frozenset(_W + t for t in ("del", "moveFrom", "delText"))
# around rows and cells: properties only
_TABLE_SKIP = frozenset(_W + t for t in ("tblPr", "tblGrid", "trPr", "tcPr", "tblPrEx"))

_CN = "一二三四五六七八九十"
_LABELS: list[tuple[int, re.Pattern[str]]] = [
    (1, re.compile(rf"^\s*([{_CN}]+)\s*[、．.]\s*")),
    (2, re.compile(rf"^\s*[（(]\s*([{_CN}]+)\s*[）)]\s*[、.．]?\s*")),
    (3, re.compile(r"^\s*(\d+)\s*[.．、](?!\d)\s*")),
    (4, re.compile(r"^\s*[（(]\s*(\d+)\s*[）)]\s*")),
]
# a 发文字号 line: a short organ code, the year in brackets (any of the usual wrong ones too), the serial
_DOC_NUMBER = re.compile(r"^\s*([^\s\d〔\[【（(〕\]】）)，。：；]{1,12}?)\s*[〔\[【（(](\d{4})[〕\]】）)]\s*第?0*(\d+)\s*号")
_HEAD_LINE = re.compile(r"^(?:[0-9]{6}|.*★.*|(?:绝密|机密|秘密).*|特急|加急)$")  # 份号, 密级, 紧急程度
_TITLE_WORDS = re.compile(r"报告|关于.{2,}(?:情况|工作)|自评|自查")
_SIGNER = re.compile(r"签发人\s*[：:]?\s*(\S.*)$")
_AMBIGUOUS = re.compile(r"^\s*\d+\s*、")  # "1、": level 1 written wrongly, or level 3 written wrongly
_DATE = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$")
_ATTACHMENT_LABEL = re.compile(r"^\s*附件\s*(\d*)\s*$")
_ATTACHMENT_NOTE = re.compile(r"^\s*附件[：:]\s*(?:\d+[.．、])?\s*(.+)$")
_NOTE = re.compile(r"^\s*[（(](.+)[）)]\s*$")
_PRINTED = re.compile(r"^\s*(.+?)\s*(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*印发\s*$")
_CC = re.compile(r"^\s*抄\s*送\s*[：:]?")
_PRINTED_DATE = re.compile(r"^\s*(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*印发\s*$")  # the printer on the line before
_TOC_STYLE = re.compile(r"^(?:toc\s*\d|toc heading|目录\s*\d?)$", re.IGNORECASE)
_HEADING_STYLE = re.compile(r"(?<![a-z])(?:heading|标题)\s*(\d)", re.IGNORECASE)

# Text the loader refuses (edureport.text.check_text): line breaks split a paragraph, a tab becomes a space, the
# other control characters and the non-characters are removed (and counted in a note).
_BREAKS = re.compile("[\n\r\v\f\x85\u2028\u2029]")
_UNSAFE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
                     + "".join(f"{chr(p * 0x10000 + 0xFFFE)}{chr(p * 0x10000 + 0xFFFF)}" for p in range(1, 17))
                     + "]")
_MAX_SPAN = 64  # a cell spanning more grid columns than this is padded to this many (the text is never cut)
_SHOWN = 30  # characters of a text quoted in a note that only points at it


@dataclass
class Node:
    level: int
    title: str
    number: int
    run_in: bool = False
    paragraphs: list[str] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)
    numbering: str = "restart"
    tables: list[dict[str, Any]] = field(default_factory=list)
    arabic: bool = False  # labelled "1、", which is level 1 or level 3

    def data(self) -> dict[str, Any]:
        out: dict[str, Any] = {"title": self.title}
        if self.run_in:
            out["run_in"] = True
        if self.numbering == "continue":
            out["numbering"] = "continue"
        if self.paragraphs:
            out["paragraphs"] = self.paragraphs
        if self.tables:
            out["tables"] = self.tables
        if self.children:
            out["sections"] = [c.data() for c in self.children]
        return out


@dataclass
class ImportResult:
    data: dict[str, Any]
    notes: list[str]  # what could not be placed exactly, or is not in the data, for a person to check


@dataclass
class _Item:
    """One line of the document (a paragraph, or one line of a paragraph broken by soft line breaks) or a table."""

    kind: str  # "p" or "table"
    text: str = ""
    p: Any = None  # the w:p element the line comes from (alignment, style, list numbering), None for WordArt
    first: bool = True  # the first line of its paragraph: the one Word's list label stands before
    rows: list[list[str]] = field(default_factory=list)
    grid: list[int] = field(default_factory=list)  # a table's column widths (twips), from w:tblGrid
    tabs: int = 0  # tabs inside the text, now spaces
    floating: bool = False  # positioned on the page (a frame, a floating table), not in the flow of the text

    def lines(self) -> list[str]:
        if self.kind == "p":
            return [self.text]
        return [line for line in (" ".join(c.strip() for c in row if c.strip()) for row in self.rows) if line]


def _is_colophon_line(line: str) -> bool:
    """A line of the 版记: 抄送 or the 印发 line."""
    return bool(_PRINTED.match(line) or _CC.match(line) or _PRINTED_DATE.match(line))


def _clean(raw: str, limit: int) -> tuple[list[str], int, int]:
    """A paragraph's raw text → its lines (split at line breaks, tabs as spaces, each at most ``limit`` characters),
    the number of tabs inside the text and the number of characters removed."""
    lines: list[str] = []
    tabs = removed = 0
    for line in _BREAKS.split(raw):
        tabs += line.strip().count("\t")
        line, n = _UNSAFE.subn("", line.replace("\t", " "))
        removed += n
        if line.strip():
            lines += [line[k:k + limit] for k in range(0, len(line), limit)]
    return lines, tabs, removed


def _one_line(text: str) -> str:
    """Text for a note or a comment: on one line, with nothing the loader refuses."""
    return _UNSAFE.sub("", re.sub(r"[\t\n\r\v\f\x85\u2028\u2029]+", " ", text))


def _date(year: str, month: str, day: str) -> str | None:
    try:
        return _dt.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def _parse_date(text: str) -> str | None:
    m = _DATE.match(text)
    return _date(m[1], m[2], m[3]) if m else None


def _flag(element: Any) -> bool:
    """A WordprocessingML on/off property (w:vanish, w:b…): on unless its w:val says off."""
    return element is not None and element.get(W_VAL, "true").lower() not in ("0", "false", "off")


class _Numbering:
    """Labels Word draws from list numbering (w:numPr): the level is read from the number format and text."""

    def __init__(self, root: Any) -> None:
        self.levels: dict[tuple[str, str], int] = {}  # (numId, ilvl) → heading level
        if root is None:
            return  # no list numbering in this file
        abstract = {a.get(_W + "abstractNumId"): a for a in root.findall(_W + "abstractNum")}
        for num in root.findall(_W + "num"):
            ref = num.find(_W + "abstractNumId")
            definition = abstract.get(ref.get(W_VAL) if ref is not None else None)
            link = definition.find(_W + "numStyleLink") if definition is not None else None
            if link is not None:  # the levels are in the list the numbering style names (w:styleLink)
                definition = next((a for a in abstract.values() if (s := a.find(_W + "styleLink")) is not None
                                   and s.get(W_VAL) == link.get(W_VAL)), definition)
            if definition is None:
                continue
            for lvl in definition.findall(_W + "lvl"):
                fmt = lvl.find(_W + "numFmt")
                text = lvl.find(_W + "lvlText")
                level = _level_of_format(fmt.get(W_VAL, "") if fmt is not None else "",
                                         text.get(W_VAL, "") if text is not None else "")
                if level is not None:
                    self.levels[(str(num.get(_W + "numId")), str(lvl.get(_W + "ilvl")))] = level

    def level(self, p: Any, styles: _Styles) -> int | None:
        """The heading level of the label Word draws before paragraph ``p`` (its own list numbering, or its
        style's), None when it has none or its numbering is not a heading numbering; 0 for "1、" (level 1 or 3)."""
        key = self.key(p, styles)
        return None if key is None else self.levels.get(key)

    @staticmethod
    def key(p: Any, styles: _Styles) -> tuple[str, str] | None:
        """(numId, ilvl) of the list level paragraph ``p`` is numbered by, None when it has no list numbering."""
        num = p.find(f"{_W}pPr/{_W}numPr")
        num_id = num.find(_W + "numId") if num is not None else None
        if num_id is not None:
            ilvl = num.find(_W + "ilvl")
            key = (str(num_id.get(W_VAL)), str(ilvl.get(W_VAL)) if ilvl is not None else "0")
        else:
            inherited = styles.numbering(p)
            if inherited is None:
                return None
            ilvl = num.find(_W + "ilvl") if num is not None else None
            key = (inherited[0], str(ilvl.get(W_VAL)) if ilvl is not None else inherited[1])
        return None if key[0] == "0" else key  # numId 0: numbering switched off


def _level_of_format(fmt: str, text: str) -> int | None:
    chinese = fmt in ("chineseCounting", "chineseCountingThousand", "chineseLegalSimplified", "ideographTraditional",
                      "ideographLegalTraditional", "taiwaneseCounting", "taiwaneseCountingThousand",
                      "japaneseCounting", "koreanCounting")
    bracketed = text.startswith(("（", "("))
    if chinese:
        return 2 if bracketed else 1
    if fmt in ("decimal", "decimalFullWidth", "decimalHalfWidth"):
        if text.rstrip().endswith("、") and not bracketed:
            return 0  # "1、": level 1 or 3, decided by where it stands, as when it is typed
        return 4 if bracketed else 3
    return None


class _Reader:
    def __init__(self, document: DocxDocument, body: Any, template_dirs: resources.TemplateDirs = ()) -> None:
        self.document = document
        self.body = body
        self.template_dirs = template_dirs
        self.numbering = _Numbering(_related_xml(document, RT.NUMBERING))
        self.styles = _Styles(_related_xml(document, RT.STYLES))
        self.notes: list[str] = []
        self.limit = Limits().text_chars
        self.removed = 0  # characters the loader would refuse, removed
        self.deleted: list[str] = []  # tracked deletions and moves, not imported
        self.hidden: list[str] = []  # hidden text (w:vanish), not imported
        self.symbols = 0  # w:sym characters of a symbol font, not imported
        self.graphics = 0  # charts and SmartArt, whose text is in parts of their own
        self.toc: list[str] = []  # lines of a table of contents, not imported
        self.nested_tables = 0
        self.colophon_lines: list[str] = []  # from text boxes (as edureport writes it) or the last paragraphs
        self.tabs = 0  # tabs inside the imported text, now spaces
        self.list_levels: dict[tuple[str, str], int] = {}  # a "1、" level of Word list numbering → heading level
        self._props: dict[int, tuple[int, bool, bool]] = {}  # id(w:p) → size, red, bold
        self.body_size_twips = 320  # a character of the body text (三号, 16 pt), until body_size() measures it

    # --- reading the XML --------------------------------------------------------------------------------------

    def blocks(self, container: Any, items: list[_Item]) -> None:
        """Paragraphs and tables of a body, cell or text box, in document order, through the wrappers Word puts
        around them (content controls, custom XML, tracked moves, alternate content)."""
        for child in container:
            tag = child.tag
            if tag == W_P:
                self.paragraph(child, items)
            elif tag == W_TBL:
                rows = self.table_rows(child)
                if any(cell.strip() for row in rows for cell in row):
                    grid = [int(w) if (w := str(col.get(_W + "w", ""))).isdigit() else 0
                            for col in child.findall(f"{_W}tblGrid/{_W}gridCol")]
                    items.append(_Item("table", rows=rows, grid=grid,
                                       floating=child.find(f"{_W}tblPr/{_W}tblpPr") is not None))
            elif tag == _W + "sdt":
                if _is_toc(child):
                    self.toc += [line for item in self._collect(child) for line in item.lines()]
                else:
                    content = child.find(_W + "sdtContent")
                    if content is not None:
                        self.blocks(content, items)
            elif tag == _MC + "AlternateContent":
                branch = _branch(child)
                if branch is not None:
                    self.blocks(branch, items)
            elif tag in _DELETED:
                self.deleted.append(_plain(child))
            elif tag == _W + "altChunk":
                self.notes.append("文档中嵌入了另一个文件（altChunk），其内容未导入，请核对")
            elif isinstance(tag, str) and tag not in (_W + "sectPr", _W + "sdtPr", _W + "sdtEndPr"):
                self.blocks(child, items)  # customXml, ins, moveTo, smartTag and wrappers not known here

    def _collect(self, container: Any) -> list[_Item]:
        items: list[_Item] = []
        self.blocks(container, items)
        return items

    def paragraph(self, p: Any, items: list[_Item]) -> None:
        parts: list[str] = []
        boxes: list[Any] = []
        self.inline(p, parts, boxes)
        lines, tabs, removed = _clean("".join(parts), self.limit)
        self.removed += removed
        if _TOC_STYLE.match(self.styles.name(p)):
            self.toc += lines
            lines = []
        floating = p.find(f"{_W}pPr/{_W}framePr") is not None
        for k, line in enumerate(lines):
            items.append(_Item("p", line, p, first=k == 0, tabs=tabs if k == 0 else 0, floating=floating))
        for box in boxes:
            if isinstance(box, str):  # WordArt (v:textpath): one line
                found = [_Item("p", line) for line in _clean(box, self.limit)[0]]
            else:
                found = self._collect(box)
            lines = [line for item in found for line in item.lines()]
            if not lines:
                continue
            if any(_is_colophon_line(line) for line in lines):
                self.colophon_lines += lines  # the 版记, as edureport and many people lay it out
                continue
            self.notes.append(f"文本框中的文字已作为段落导入，请核对位置：{lines[0][:_SHOWN]}")
            items += found

    def inline(self, element: Any, parts: list[str], boxes: list[Any]) -> None:
        """The visible text of a paragraph: every w:t in document order, whatever wraps it (runs, hyperlinks,
        content controls, tracked insertions, smart tags, simple fields, custom XML); tabs as "\\t" and line
        breaks as "\\n". Text boxes are set aside in ``boxes``; deleted and hidden text is listed, not kept."""
        for child in element:
            tag = child.tag
            if tag == W_T or tag == _M + "t":
                parts.append(child.text or "")
            elif tag in (_W + "tab", _W + "ptab"):
                parts.append("\t")
            elif tag in (_W + "br", _W + "cr"):
                parts.append("\n")
            elif tag == _W + "noBreakHyphen":
                parts.append("-")
            elif tag in _DELETED:
                self.deleted.append(_plain(child))
            elif tag == _W + "txbxContent":
                boxes.append(child)
            elif tag == _V + "textpath":
                if child.get("string"):
                    boxes.append(child.get("string"))
            elif tag == _MC + "AlternateContent":
                branch = _branch(child)
                if branch is not None:
                    self.inline(branch, parts, boxes)
            elif tag == W_R and _flag(child.find(f"{_W}rPr/{_W}vanish")):
                text = _plain(child)
                if text.strip():
                    self.hidden.append(text)
            elif tag == _W + "sym":
                self.symbols += 1
            elif tag in _GRAPHICS:
                self.graphics += 1
            elif isinstance(tag, str) and tag not in _INLINE_SKIP:
                self.inline(child, parts, boxes)

    def table_rows(self, tbl: Any) -> list[list[str]]:
        """The table's text as a rectangle: one string per grid column (a merged cell's text in its first column,
        the columns it spans empty), short rows padded; rows deleted in a tracked change are listed, not kept."""
        rows: list[list[str]] = []
        for tr in _children(tbl, W_TR, self):
            props = tr.find(_W + "trPr")
            if props is not None and props.find(_W + "del") is not None:
                self.deleted.append(_plain(tr))
                continue
            row = [""] * min(_int(props, "gridBefore"), _MAX_SPAN)
            for tc in _children(tr, W_TC, self):
                texts: list[str] = []
                for item in self._collect(tc):
                    if item.kind == "table":
                        self.nested_tables += 1
                    texts += [line.strip() for line in item.lines()]
                row += [" ".join(t for t in texts if t)] + [""] * (min(_int(tc.find(_W + "tcPr"), "gridSpan"),
                                                                       _MAX_SPAN) - 1)
            rows.append(row)
        width = max((len(row) for row in rows), default=0)
        return [row + [""] * (width - len(row)) for row in rows] if width else []

    # --- the report ---------------------------------------------------------------------------------------------

    def classify(self, item: _Item) -> tuple[int, int, str] | None:
        """(level, number, text without label) for a heading line, else None."""
        text = item.text
        word_level = self.numbering.level(item.p, self.styles) if item.first and item.p is not None else None
        if word_level is not None:  # Word draws the label; the text has none
            return word_level, 0, text.strip()
        for level, pattern in _LABELS:
            m = pattern.match(text)
            if m and text[m.end():].strip():
                if level == 3 and _AMBIGUOUS.match(text):
                    level = 0  # decided by where it stands (see _place)
                return level, numeral_value(m.group(1)), text[m.end():].strip()
        outline = self.outline_level(item.p) if item.first and item.p is not None else None
        if outline is not None and (len(text) < 60 or len(_split_run_in(text.strip())[0]) <= 40):
            return outline, 0, text.strip()  # a heading style or outline level: a heading, standing or run in
        return None

    def outline_level(self, p: Any) -> int | None:
        node = p.find(f"{_W}pPr/{_W}outlineLvl")
        value = _int_value(node, None) if node is not None else self.styles.outline(p)
        if value is not None:
            level = int(value) + 1
            return level if 1 <= level <= 4 else None
        m = _HEADING_STYLE.search(self.styles.name(p))
        return int(m.group(1)) if m and 1 <= int(m.group(1)) <= 4 else None

    def alignment(self, item: _Item) -> str:
        if item.p is None:
            return ""
        jc = item.p.find(f"{_W}pPr/{_W}jc")
        return str(jc.get(W_VAL, "")) if jc is not None else self.styles.alignment(item.p)

    def read(self) -> ImportResult:
        items = self._collect(self.body)
        self._take_colophon(items)
        self.tabs = sum(item.tabs for item in items)
        data: dict[str, Any] = {}
        items = self._head_tables_aside(items)
        i = self._header(items, data)
        i = self._title(items, i, data)
        body_end, stray, tail = self._tail(items, i, data)
        self._body(items[i:body_end], stray, data)
        self._attachments(tail, data)
        self._colophon(data)
        self._summary()
        try:
            data = _recover(data, self.notes, self.template_dirs)
        except Exception as e:  # recovering figures is a bonus: the text is imported without it
            self.notes.append(f"识别年度和数字时出错（{type(e).__name__}），数字仍保留为文字")
        order = ("scheme", "year", "header", "title", "addressee", "opening", "areas", "sections", "attachments",
                 "signature", "note", "colophon")
        data = {key: data[key] for key in sorted(data, key=lambda k: order.index(k) if k in order else len(order))}
        return ImportResult(data, [_one_line(note) for note in self.notes])

    def _summary(self) -> None:
        """Notes for what was read but is not in the data: listed, so that no text is lost silently."""
        others = list(_other_parts(self.document, self))
        if self.tabs:
            self.notes.append(f"{self.tabs}处制表符（Tab）已改为空格")
        if self.removed:
            self.notes.append(f"删除了{self.removed}个文档无法容纳的控制字符")
        if self.nested_tables:
            self.notes.append(f"{self.nested_tables}个嵌套在单元格中的表格已并入单元格文字")
        deleted = [d for d in self.deleted if d.strip()]
        if deleted:
            self.notes.append(f"修订中删除或移走的文字未导入（{len(deleted)}处）：" + "／".join(deleted))
        if self.hidden:
            self.notes.append(f"隐藏文字未导入（{len(self.hidden)}处）：" + "／".join(self.hidden))
        if self.toc:
            self.notes.append(f"目录未导入（{len(self.toc)}行，生成后可在 Word 中重新插入）：" + "／".join(self.toc))
        if self.symbols:
            self.notes.append(f"{self.symbols}个符号字体字符（插入的符号）未导入")
        if self.graphics:
            self.notes.append(f"{self.graphics}个图表或 SmartArt 图形中的文字未导入")
        for kind, text in others:
            self.notes.append(f"{kind}未导入：{text}")

    # --- 版头 ---------------------------------------------------------------------------------------------------

    def _header(self, items: list[_Item], data: dict[str, Any]) -> int:
        """The 版头: lines before the 发文字号 (份号, 密级, 紧急程度, the issuer mark), or, in a file without a
        发文字号, an issuer mark told from the title by its size, colour or wording (××县人民政府文件)."""
        for j, item in enumerate(items[:8]):
            text = item.text
            m = _DOC_NUMBER.match(text) if item.kind == "p" else None
            if m is None or len(text.split("签发人")[0].strip()) > 24 or not 1949 <= int(m.group(2)) <= 2200:
                continue
            if any(it.kind != "p" or self._is_addressee(it.text) for it in items[:j]):
                break  # a 文号 cited after the title or the addressee is not the 版头's
            self.tabs -= item.tabs  # a tab before 签发人 is layout; the line is read into fields
            header = self._header_lines(items[:j])
            organ = m.group(1).strip()
            serial = int(m.group(3))
            header = {"issuer_mark": header.pop("issuer_mark", "") or organ, **header,
                      "doc_number": {"organ": organ, "year": int(m.group(2)), **({"serial": serial} if serial
                                                                                 else {})}}
            if not serial:
                self.notes.append(f"发文字号的顺序号为0，已留空：{text.strip()}")
            rest = text[m.end():]
            signer = _SIGNER.search(rest)
            if signer and re.sub(r"\s+", "", signer.group(1)):
                header["signer"] = re.sub(r"\s+", "", signer.group(1))
                rest = rest[:signer.start()]
            if rest.strip():
                self.notes.append(f"发文字号一行中的其余文字未导入：{rest.strip()}")
            data["header"] = header
            return j + 1
        # no 发文字号: an issuer mark stands above the title (a line of 份号, 密级 or 紧急程度 may stand above it), or
        # above the addressee or the body of a report without a title
        for j, item in enumerate(items[:4]):
            if item.kind != "p":
                break
            title = next((after for after in items[j + 1:j + 3] if self._could_be_title(after)), None)
            after = items[j + 1] if j + 1 < len(items) else None
            if (self._is_mark(item, title) if title is not None else
                    after is not None and after.kind == "p" and self._is_mark_without_title(item, after)):
                header = self._header_lines(items[:j + 1])
                if "issuer_mark" in header:
                    data["header"] = header
                    return j + 1
                break
            if not _HEAD_LINE.match(item.text.strip()):
                break
        return 0

    def _header_lines(self, items: list[_Item]) -> dict[str, Any]:
        """份号, 密级, 紧急程度 and the issuer mark from the lines of the 版头."""
        header: dict[str, Any] = {}
        marks = []
        for line in (line.strip() for before in items for line in before.lines()):
            if re.fullmatch(r"[0-9]{6}", line):
                header["copy_number"] = line
            elif "★" in line or line.startswith(("绝密", "机密", "秘密")):
                header["secrecy"] = line
            elif line in ("特急", "加急"):
                header["urgency"] = line
            else:
                marks.append(line)
        if marks:
            header = {"issuer_mark": "".join(marks), **header}
        return header

    def _is_mark(self, item: _Item, title: _Item) -> bool:
        """An issuer mark (发文机关标志) above ``title``: a short line without punctuation, printed red, ending with
        文件, or set clearly larger than the title."""
        if not self._could_be_mark(item):
            return False
        size = self.size(item)
        return (self.red(item) or (size >= 52 and size >= self.size(title) + 8)
                or (item.text.strip().endswith("文件") and (self.alignment(item) == "center" or size >= 40)))

    def _is_mark_without_title(self, item: _Item, after: _Item) -> bool:
        """An issuer mark above the addressee or the body (``after``) of a report without a title: red and larger
        than what follows, or a centred line ending with 文件."""
        if not self._could_be_mark(item) or self.alignment(after) == "center":
            return False
        return ((self.red(item) and self.size(item) >= self.size(after) + 8)
                or (item.text.strip().endswith("文件") and self.alignment(item) == "center"))

    def _could_be_mark(self, item: _Item) -> bool:
        """A short line without punctuation, a date or a heading label."""
        text = item.text.strip()
        if item.kind != "p" or not text or len(text) > 30 or re.search("[，。：；:;,、]", text) or _parse_date(text):
            return False
        return not any(p.match(text) for _, p in _LABELS)

    def _could_be_title(self, item: _Item) -> bool:
        text = item.text.strip()
        return (item.kind == "p" and not self._is_addressee(text) and not _parse_date(text)
                and (self.alignment(item) == "center" or bool(_TITLE_WORDS.search(text))))

    def _title(self, items: list[_Item], i: int, data: dict[str, Any]) -> int:
        """The title: centred lines (or a first line set larger, in bold, or worded as a title) before the addressee
        and the body. A report without one gets a placeholder; its first paragraph is never taken for it."""
        lines: list[str] = []
        body_size = self.body_size(items)
        while i < len(items) and items[i].kind == "p":
            item = items[i]
            text = item.text.strip()
            centred = self.alignment(item) == "center"
            if self._is_addressee(text) or _parse_date(text) or _ATTACHMENT_LABEL.match(text):
                break
            if lines and not centred:
                break
            if not lines and not centred:
                labelled = any(p.match(text) for _, p in _LABELS) or (item.p is not None and (
                    self.numbering.level(item.p, self.styles) is not None or self.outline_level(item.p) is not None))
                prominent = self.size(item) >= body_size + 4 or self.bold(item)
                worded = bool(_TITLE_WORDS.search(text))
                if labelled or len(text) > 60 or re.search("[。；]", text[:-1]) or text.endswith(("。", "；")) \
                        or not (prominent or worded) or "，" in text:
                    break
                lines.append(text)
                i += 1
                break  # a title that is not centred: its first line only
            lines.append(text)
            i += 1
        if lines:
            data["title"] = lines if len(lines) > 1 else lines[0]
        else:
            data["title"] = "（未找到标题，请填写）"
            self.notes.append("没有找到标题，已填入占位文字，请改为报告标题")
        if i < len(items) and items[i].kind == "p" and self._is_addressee(items[i].text):
            data["addressee"] = items[i].text.strip().rstrip("：:").strip()
            i += 1
        return i

    @staticmethod
    def _is_addressee(text: str) -> bool:
        """主送机关: a short line ending with a colon, no sentence punctuation, no heading label."""
        text = text.strip()
        return (text.endswith(("：", ":")) and 1 < len(text) <= 40 and not re.search("[，。；,;]", text)
                and "如下" not in text and not any(p.match(text) for _, p in _LABELS)
                and not _ATTACHMENT_NOTE.match(text))

    # --- how a line is set: size, colour, weight -------------------------------------------------------------

    def _runs_props(self, item: _Item) -> tuple[int, bool, bool]:
        """(largest font size in half-points, any text red, all text bold) of a line's paragraph."""
        key = id(item.p)
        cached = self._props.get(key)
        if cached is not None:
            return cached
        p = item.p
        size, red, bold, runs = 0, False, True, 0
        base_size, base_color, base_bold = self.styles.size(p), self.styles.color(p), self.styles.bold(p)
        for r in p.iter(W_R):
            if not "".join(t.text or "" for t in r.iter(W_T)).strip():
                continue
            runs += 1
            rpr = r.find(_W + "rPr")
            size = max(size, _int_value(rpr.find(_W + "sz") if rpr is not None else None) or base_size)
            red = red or _red(_color(rpr) or base_color)
            b = rpr.find(_W + "b") if rpr is not None else None
            bold = bold and (_flag(b) if b is not None else base_bold)
        result = (size or base_size, red, bold and runs > 0)
        self._props[key] = result
        return result

    def size(self, item: _Item) -> int:
        return self._runs_props(item)[0] if item.p is not None else 0

    def red(self, item: _Item) -> bool:
        return self._runs_props(item)[1] if item.p is not None else False

    def bold(self, item: _Item) -> bool:
        return self._runs_props(item)[2] if item.p is not None else False

    def body_size(self, items: list[_Item]) -> int:
        """The size most of the text is set in (half-points); also kept as the width of a character in twips."""
        weights: dict[int, int] = {}
        for item in items:
            if item.kind == "p" and item.p is not None:
                size = self.size(item)
                weights[size] = weights.get(size, 0) + len(item.text)
        size = max(weights, key=lambda k: weights[k]) if weights else 32
        self.body_size_twips = size * 10
        return size

    # --- 附件说明, 署名, 附注, 附件, 版记 ---------------------------------------------------------------------

    def _take_colophon(self, items: list[_Item]) -> None:
        """The 版记 when it is not in a text box (those are read with their paragraph): positioned blocks holding its
        lines (a frame, a floating table) wherever they stand in the body, and the last paragraphs or a table typed
        as a 版记. Up to three other blocks may stand after or between its lines (a table, a contact line): they stay
        where they are. A short line between two of its lines is a line of it (抄送 on two lines)."""
        def colophon(item: _Item) -> bool:
            return any(_is_colophon_line(line) for line in item.lines())

        taken = {k for k, item in enumerate(items) if item.floating and colophon(item)}
        for k in sorted(taken):  # a positioned 版记 on several framed paragraphs
            for step in (-1, 1):
                j = k + step
                while 0 <= j < len(items) and items[j].floating and items[j].kind == "p" and j not in taken \
                        and len(items[j].text.strip()) <= 40 and not _parse_date(items[j].text):
                    taken.add(j)
                    j += step
        gap: list[int] = []  # other blocks since the last line of the 版记 found (reading from the end)
        seen = False
        for k in range(len(items) - 1, -1, -1):
            item = items[k]
            if k in taken or colophon(item):
                if seen:
                    taken |= {j for j in gap if items[j].kind == "p" and len(items[j].text.strip()) <= 40
                              and not _parse_date(items[j].text)}
                taken.add(k)
                seen, gap = True, []
                continue
            if item.kind == "p" and (_parse_date(item.text) or _ATTACHMENT_LABEL.match(item.text)):
                break  # the 版记 stands after the signature and the attachments
            gap.append(k)
            if len(gap) > 3:
                break
        self.colophon_lines += [line for k in sorted(taken) for line in items[k].lines()]
        items[:] = [item for k, item in enumerate(items) if k not in taken]

    def _head_tables_aside(self, items: list[_Item]) -> list[_Item]:
        """Tables among the lines of the 版头, the title and the addressee (a layout table, a table pasted before
        the text) moved to the start of the body, so that those lines are read together; said in a note."""
        head = [k for k, item in enumerate(items[:16]) if item.kind == "table"]
        if not head:
            return items
        paragraphs = [item for item in items if item.kind == "p"]
        notes, tabs = list(self.notes), self.tabs  # a trial read: how many lines the 版头, title and addressee take
        count = self._title(paragraphs, self._header(paragraphs, {}), {})
        self.notes, self.tabs = notes, tabs
        at = len(items)  # where the body starts: at the paragraph after the lines read
        for k, item in enumerate(items):
            if item.kind == "p":
                if count == 0:
                    at = k
                    break
                count -= 1
        aside = [k for k in head if k < at]
        if not any(items[k].kind == "p" for k in range(min(aside, default=at), at)):
            return items  # no line of the 版头, title or addressee after them: they stay where they are
        self.notes.append(f"标题等版头内容之间的{len(aside)}个表格已移到正文开头，请核对位置")
        before = [item for k, item in enumerate(items[:at]) if k not in aside]
        return before + [items[k] for k in aside] + items[at:]

    def _tail(self, items: list[_Item], start: int,
              data: dict[str, Any]) -> tuple[int, list[_Item], list[_Item]]:
        """Where the body ends (the 附件说明 or the signature), what stands after the signature but is neither the
        附注 nor an attachment (it goes back to the end of the body), and the attachments."""
        attachment_at = next((k for k in range(start, len(items)) if items[k].kind == "p"
                              and _ATTACHMENT_LABEL.match(items[k].text)), len(items))
        end = attachment_at
        stray: list[_Item] = []
        date_at = next((k for k in range(attachment_at - 1, start - 1, -1) if items[k].kind == "p"
                        and _parse_date(items[k].text)), None)
        if date_at is not None:
            signature: dict[str, Any] = {"date": _parse_date(items[date_at].text)}
            end = date_at
            issuer_at = date_at - 1  # the issuer's line, over any table between it and the date
            while issuer_at > start and items[issuer_at].kind == "table":
                issuer_at -= 1
            if issuer_at >= start and items[issuer_at].kind == "p" and self._is_signature_line(items[issuer_at]):
                signature = {"issuer": items[issuer_at].text.strip(), **signature}
                end = issuer_at
                stray += items[issuer_at + 1:date_at]  # tables between the issuer and the date: after the body
            if self._sealed(items[max(start, end - 1):date_at + 1]):
                signature["seal"] = True
            data["signature"] = signature
            for k in range(date_at + 1, attachment_at):
                note = _NOTE.match(items[k].text) if items[k].kind == "p" else None
                if note and "note" not in data:
                    data["note"] = note.group(1)
                else:
                    stray.append(items[k])
        # 附件说明 just before the signature: "附件：1.名称" and the following "2.名称" lines; without attachment
        # pages they stay in the body as they are
        names: list[str] = []
        k = end - 1
        while attachment_at < len(items) and k >= start and items[k].kind == "p":
            text = items[k].text
            first = _ATTACHMENT_NOTE.match(text)
            if first:
                names.insert(0, first.group(1).strip())
                data["_attachment_names"] = names
                end = k
                break
            more = re.match(r"^\s*\d+[.．、]\s*(.+)$", text)
            if not more:
                break
            names.insert(0, more.group(1).strip())
            k -= 1
        return end, stray, items[attachment_at:]

    def _sealed(self, signature: list[_Item]) -> bool:
        """Laid out for a seal (GB/T 9704 7.3.5.1): the date set right with about 4 characters to spare (without a
        seal it is 2), or a picture of the seal in the signature."""
        date = signature[-1].p
        if date is None:
            return False
        ind = date.find(f"{_W}pPr/{_W}ind")
        right = next((int(v) for v in (ind.get(_W + "right"), ind.get(_W + "end")) if v and v.isdigit()), 0) \
            if ind is not None else 0
        chars = ind.get(_W + "rightChars") or ind.get(_W + "endChars") if ind is not None else None
        if chars and chars.isdigit():
            right = max(right, int(chars) * self.body_size_twips // 100)
        if self.alignment(signature[-1]) in ("right", "end") and right >= 3 * self.body_size_twips:
            return True
        pictures = ("{http://schemas.openxmlformats.org/drawingml/2006/picture}pic", _V + "imagedata")
        return any(item.p is not None and next(item.p.iter(*pictures), None) is not None for item in signature)

    def _is_signature_line(self, item: _Item) -> bool:
        text = item.text.strip()
        right = self.alignment(item) in ("right", "end", "center")
        ind = item.p.find(f"{_W}pPr/{_W}ind") if item.p is not None else None
        indent = (ind.get(_W + "left") or ind.get(_W + "start") or "0") if ind is not None else "0"
        indented = indent.lstrip("-").isdigit() and int(indent) > 0
        return len(text) <= 30 and not text.endswith(("。", "；")) and (right or indented or len(text) <= 20)

    def _attachments(self, tail: list[_Item], data: dict[str, Any]) -> None:
        names: list[str] = data.pop("_attachment_names", [])
        attachments: list[dict[str, Any]] = []
        for item in tail:
            if item.kind == "p" and _ATTACHMENT_LABEL.match(item.text):
                attachments.append({"title": None, "paragraphs": [], "tables": []})
                continue
            current = attachments[-1]  # the tail starts with a label
            if item.kind == "table" and len(item.rows) > 1:
                current["tables"].append(_table_data(item))
            elif item.kind == "table":  # a table needs a header and a row: one row is kept as a paragraph
                self.notes.append(f"只有一行的表格已转为段落，请核对：{item.lines()[0][:_SHOWN]}")
                current["paragraphs"] += [line for line in (_row_text(row) for row in item.rows) if line]
            elif current["title"] is None:
                current["title"] = item.text.strip()
            else:
                current["paragraphs"].append(item.text.strip())
        for j, attachment in enumerate(attachments):
            if attachment["title"] is None:
                attachment["title"] = names[j] if j < len(names) else f"附件{j + 1}"
            for key in ("paragraphs", "tables"):
                if not attachment[key]:
                    del attachment[key]
        for j, name in enumerate(names):  # the 附件说明 is written from the titles: say where they differ
            title = attachments[j]["title"] if j < len(attachments) else None
            if re.sub(r"\s+", "", name) != re.sub(r"\s+", "", title or ""):
                self.notes.append(f"附件说明中的名称与附件标题不同，生成时按附件标题列出：{name}")
        if attachments:
            data["attachments"] = attachments

    def _colophon(self, data: dict[str, Any]) -> None:
        """抄送 (continued on the lines after it) and the 印发 line (the printer may stand on the line before the
        date) of the 版记; what else it holds is listed."""
        lines = [line.strip() for line in self.colophon_lines if line.strip()]
        for k in range(len(lines) - 1, 0, -1):  # "××办公室" / "2024年3月1日印发": one 印发 line
            if _PRINTED_DATE.match(lines[k]) and not _is_colophon_line(lines[k - 1]):
                lines[k - 1:k + 1] = [f"{lines[k - 1]} {lines[k]}"]
        printed = next((line for line in lines if _PRINTED.match(line)), None)
        m = _PRINTED.match(printed) if printed else None
        d = _DATE.match(m.group(2)) if m else None
        date = _date(d[1], d[2], d[3]) if d else None
        if printed is None or m is None or date is None:
            if lines:
                self.notes.append("版记无法识别，未导入：" + "／".join(lines))
            return
        colophon: dict[str, Any] = {"printer": m.group(1).strip(), "print_date": date}
        before, rest = lines[:lines.index(printed)], lines[lines.index(printed) + 1:]
        at = next((k for k, line in enumerate(before) if _CC.match(line)), None)
        if at is not None:
            end = at + 1
            while end < len(before) and not _is_colophon_line(before[end]):
                end += 1  # the list of 抄送 goes on on the lines before the 印发 line
            words = _CC.sub("", "".join(before[at:end])).strip().rstrip("。.")
            colophon["cc"] = [x.strip() for x in re.split("[，,、；;]", words) if x.strip()]
            del before[at:end]
        elif any(_CC.match(line) for line in rest):  # 抄送 set below the 印发 line
            cc = next(line for line in rest if _CC.match(line))
            words = _CC.sub("", cc).strip().rstrip("。.")
            colophon["cc"] = [x.strip() for x in re.split("[，,、；;]", words) if x.strip()]
            rest.remove(cc)
        rest = before + rest
        if rest:
            self.notes.append("版记中的其余文字未导入：" + "／".join(rest))
        data["colophon"] = colophon

    # --- 正文 -------------------------------------------------------------------------------------------------

    def _body(self, items: list[_Item], stray: list[_Item], data: dict[str, Any]) -> None:
        opening: list[str] = []
        roots: list[Node] = []
        stack: list[Node] = []
        for item in items:
            if item.kind == "table":
                self._table(item, opening, stack)
                continue
            parsed = self.classify(item)
            key = self.numbering.key(item.p, self.styles) if parsed and parsed[:2] == (0, 0) and item.p is not None \
                else None
            self._place(item.text, parsed, opening, roots, stack, key)
        for item in stray:  # after the signature: back to the end of the body, as it is
            where = f"“{stack[-1].title[:_SHOWN]}”部分的末尾" if stack else "开头段落的末尾"
            self.notes.append(f"署名之后的内容已移到正文{where}，请核对：{item.lines()[0][:_SHOWN]}")
            if item.kind == "table":
                self._table(item, opening, stack)
            else:
                (stack[-1].paragraphs if stack else opening).append(item.text.strip())
        _mark_continued(roots)
        if opening:
            data["opening"] = opening
        if roots:
            data["sections"] = [r.data() for r in roots]

    def _table(self, item: _Item, opening: list[str], stack: list[Node]) -> None:
        if stack and len(item.rows) > 1:  # a table of a part of the body
            stack[-1].tables.append(_table_data(item))
            return
        if stack:  # a table needs a header and a row
            self.notes.append(f"只有一行的表格已转为段落，请核对：{item.lines()[0][:_SHOWN]}")
        else:
            self.notes.append("正文中的表格已转为段落（每行一段），请核对")
        lines = [line for line in (_row_text(row) for row in item.rows) if line]
        (stack[-1].paragraphs if stack else opening).extend(lines)

    def _place(self, text: str, parsed: tuple[int, int, str] | None, opening: list[str], roots: list[Node],
               stack: list[Node], list_key: tuple[str, str] | None = None) -> None:
        title, body, run_in = _split_run_in(parsed[2]) if parsed is not None else ("", "", False)
        if parsed is None or not title.strip():
            (stack[-1].paragraphs if stack else opening).append(text.strip())
            return
        level, number, rest = parsed
        arabic = level == 0
        if level == 0 and list_key is not None and list_key in self.list_levels:
            level = self.list_levels[list_key]  # a level of Word's list numbering is read once
        elif level == 0:
            level = _arabic_level(number, roots, stack)
            if list_key is not None:
                self.list_levels[list_key] = level
            said = f"“{number}、”" if number else "自动编号“1、”"
            self.notes.append(f"{said}按{'三' if level == 3 else '一'}级标题处理：{rest[:16]}")
        while stack and stack[-1].level >= level:
            stack.pop()
        if stack and level > stack[-1].level + 1:
            level = stack[-1].level + 1  # a skipped level: attach one below its parent
        node = Node(level, title, number, run_in, [body] if body else [], arabic=arabic)
        if stack:
            stack[-1].children.append(node)
        else:
            roots.append(node)
        stack.append(node)


@dataclass
class _Style:
    """What the importer reads of a paragraph style, its own values (``based_on`` is followed by :class:`_Styles`)."""

    name: str = ""
    alignment: str = ""
    size: int = 0  # font size in half-points, 0 when the style does not set it
    color: str = ""
    bold: bool | None = None
    numbering: tuple[str, str] | None = None  # (numId, ilvl) of list numbering the style carries
    outline: int | None = None
    based_on: str | None = None


class _Styles:
    """Paragraph styles by id (read once; python-docx looks a style up by XPath each time), with the document's
    default font size, and the values a style inherits from the styles it is based on."""

    def __init__(self, root: Any) -> None:
        self.styles: dict[str, _Style] = {}
        self.default_id: str | None = None
        size = root.find(f"{_W}docDefaults/{_W}rPrDefault/{_W}rPr/{_W}sz") if root is not None else None
        self.default_size = _int_value(size) or 21  # Word's default: 五号 (10.5 pt)
        for style in root.findall(_W + "style") if root is not None else []:
            if style.get(_W + "type", "paragraph") != "paragraph" or style.get(_W + "styleId") is None:
                continue
            sid = str(style.get(_W + "styleId"))
            name = style.find(_W + "name")
            jc = style.find(f"{_W}pPr/{_W}jc")
            num = style.find(f"{_W}pPr/{_W}numPr")
            num_id = num.find(_W + "numId") if num is not None else None
            ilvl = num.find(_W + "ilvl") if num is not None else None
            outline = _int_value(style.find(f"{_W}pPr/{_W}outlineLvl"), None)
            based = style.find(_W + "basedOn")
            rpr = style.find(_W + "rPr")
            self.styles.setdefault(sid, _Style(
                name=str(name.get(W_VAL, "")) if name is not None else "",
                alignment=str(jc.get(W_VAL, "")) if jc is not None else "",
                size=_int_value(rpr.find(_W + "sz") if rpr is not None else None),
                color=_color(rpr),
                bold=_flag(rpr.find(_W + "b")) if rpr is not None and rpr.find(_W + "b") is not None else None,
                numbering=(str(num_id.get(W_VAL)), str(ilvl.get(W_VAL)) if ilvl is not None else "0")
                if num_id is not None else None,
                outline=outline,
                based_on=str(based.get(W_VAL)) if based is not None else None))
            if style.get(_W + "default") in ("1", "true", "on") and self.default_id is None:
                self.default_id = sid

    def _chain(self, p: Any) -> Iterator[_Style]:
        """The paragraph's style, then the styles it is based on (at most 20: a loop in basedOn ends there)."""
        ref = p.find(f"{_W}pPr/{_W}pStyle") if p is not None else None
        sid = str(ref.get(W_VAL)) if ref is not None else None
        if sid not in self.styles:
            sid = self.default_id
        for _ in range(20):
            style = self.styles.get(sid) if sid is not None else None
            if style is None:
                return
            yield style
            sid = style.based_on

    def name(self, p: Any) -> str:
        return next(self._chain(p), _Style()).name

    def alignment(self, p: Any) -> str:
        return next((s.alignment for s in self._chain(p) if s.alignment), "")

    def size(self, p: Any) -> int:
        return next((s.size for s in self._chain(p) if s.size), self.default_size)

    def color(self, p: Any) -> str:
        return next((s.color for s in self._chain(p) if s.color), "")

    def bold(self, p: Any) -> bool:
        return next((s.bold for s in self._chain(p) if s.bold is not None), False)

    def numbering(self, p: Any) -> tuple[str, str] | None:
        return next((s.numbering for s in self._chain(p) if s.numbering is not None), None)

    def outline(self, p: Any) -> int | None:
        return next((s.outline for s in self._chain(p) if s.outline is not None), None)


def _int_value(node: Any, default: Any = 0) -> Any:
    """The integer w:val of a property element (w:sz, w:outlineLvl), or ``default``."""
    value = str(node.get(W_VAL, "")) if node is not None else ""
    return int(value) if value.isdigit() else default


def _color(rpr: Any) -> str:
    color = rpr.find(_W + "color") if rpr is not None else None
    value = str(color.get(W_VAL, "")).upper() if color is not None else ""
    return "" if value in ("", "AUTO") else value


def _red(color: str) -> bool:
    """A red as issuer marks are printed (FF0000, C00000, E60012 …): much more red than green or blue."""
    if not re.fullmatch(r"[0-9A-F]{6}", color):
        return False
    r, g, b = (int(color[k:k + 2], 16) for k in (0, 2, 4))
    return r >= 0xB0 and g <= 0x60 and b <= 0x60


def _table_data(item: _Item) -> dict[str, Any]:
    """A table of the data: its header row, the other rows, and its column widths when they are not all equal."""
    table: dict[str, Any] = {"columns": item.rows[0], "rows": item.rows[1:]}
    widths = _ratios(item.grid) if len(item.grid) == len(item.rows[0]) else None
    if widths is not None and len(set(widths)) > 1:
        table["widths"] = widths
    return table


def _ratios(grid: list[int]) -> list[int] | None:
    """Column widths (twips) as the smallest whole-number proportions that give them back (the writer divides the
    type area in proportion, rounding down), else as percentages of the whole."""
    total = sum(grid)
    if not grid or any(w <= 0 for w in grid):
        return None
    for parts in range(len(grid), 61):
        weights = [max(1, round(w * parts / total)) for w in grid]
        if sum(weights) == parts and all(abs(total * k // parts - w) <= 1 for k, w in zip(weights[:-1], grid[:-1],
                                                                                         strict=True)):
            return weights
    return [max(1, round(w * 100 / total)) for w in grid]


def _row_text(row: list[str]) -> str:
    return "　".join(cell.strip() for cell in row if cell.strip())


def _int(props: Any, name: str) -> int:
    """An integer property (w:gridSpan, w:gridBefore) of a cell's or row's properties, at least 1 for a span."""
    node = props.find(_W + name) if props is not None else None
    value = str(node.get(W_VAL, "")) if node is not None else ""
    if not value.isdigit():
        return 1 if name == "gridSpan" else 0
    return max(int(value), 1 if name == "gridSpan" else 0)


def _children(element: Any, tag: str, reader: _Reader) -> Iterator[Any]:
    """The rows of a table or the cells of a row, through content controls, custom XML and tracked changes."""
    for child in element:
        if child.tag == tag:
            yield child
        elif child.tag in _DELETED:
            reader.deleted.append(_plain(child))
        elif child.tag == _MC + "AlternateContent":
            branch = _branch(child)
            if branch is not None:
                yield from _children(branch, tag, reader)
        elif isinstance(child.tag, str) and child.tag not in _TABLE_SKIP and child.tag not in (W_TBL, W_TR, W_TC):
            yield from _children(child, tag, reader)


def _branch(alternate: Any) -> Any:
    """The branch of an mc:AlternateContent to read: the first choice with text, else the fallback."""
    choices = [c for c in alternate if c.tag == _MC + "Choice"]
    for choice in choices:
        if next(choice.iter(W_T, _W + "txbxContent", _M + "t"), None) is not None:
            return choice
    fallback = alternate.find(_MC + "Fallback")
    return fallback if fallback is not None else (choices[0] if choices else None)


def _plain(element: Any) -> str:
    """All text of an element, deleted text included (for notes)."""
    return _one_line("".join(t.text or "" for t in element.iter(W_T, _W + "delText", _M + "t")))


def _is_toc(sdt: Any) -> bool:
    gallery = sdt.find(f"{_W}sdtPr/{_W}docPartObj/{_W}docPartGallery")
    return gallery is not None and str(gallery.get(W_VAL, "")).lower().startswith("table of contents")


def _xml_of(part: Any) -> Any:
    """The XML of a package part: python-docx's parsed element, or the blob parsed here for a part python-docx
    keeps as bytes (a content type it does not know)."""
    element = getattr(part, "element", None)
    if element is not None:
        return element
    try:
        # a parser per call: lxml parsers must not be shared between threads
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        return etree.fromstring(part.blob, parser)
    except (etree.XMLSyntaxError, ValueError):
        return None


def _related_xml(document: DocxDocument, reltype: str) -> Any:
    rel = next((r for r in document.part.rels.values() if r.reltype == reltype and not r.is_external), None)
    return _xml_of(rel.target_part) if rel is not None else None


def _other_parts(document: DocxDocument, reader: _Reader) -> Iterator[tuple[str, str]]:
    """Text of the document outside its body that the report data has no place for: page headers (a 发文机关标志
    is sometimes put there), footnotes and endnotes; and how many comments there are. Page footers hold the page
    number only and are not read."""
    seen: set[tuple[str, str]] = set()
    for rel in list(document.part.rels.values()):
        if rel.is_external or rel.reltype not in (RT.HEADER, RT.FOOTNOTES, RT.ENDNOTES, RT.COMMENTS):
            continue
        root = _xml_of(rel.target_part)
        if root is None:
            continue
        if rel.reltype == RT.COMMENTS:
            count = len(root.findall(_W + "comment"))
            if count:
                yield "批注", f"{count}条"
            continue
        kind = "页眉文字" if rel.reltype == RT.HEADER else "脚注" if rel.reltype == RT.FOOTNOTES else "尾注"
        for note in [root] if rel.reltype == RT.HEADER else list(root):
            if note.get(_W + "type") in ("separator", "continuationSeparator", "continuationNotice"):
                continue
            reader.colophon_lines, before = [], reader.colophon_lines  # a text box here is not the 版记
            lines = [line for item in reader._collect(note) for line in item.lines()] + reader.colophon_lines
            reader.colophon_lines = before
            text = "／".join(lines)
            if text.strip() and (kind, text) not in seen:  # one note per distinct text
                seen.add((kind, text))
                yield kind, text


def _arabic_level(number: int, roots: list[Node], stack: list[Node]) -> int:
    """The level of a heading labelled "N、": level 1 when no level-1 heading is open, or when the open one was
    labelled "N、" too and N follows it while no level-3 count N is running below it; else level 3."""
    if not any(n.level == 1 for n in stack):
        return 1
    last = roots[-1]
    parent = next((n for n in reversed(stack) if n.level <= 2), None)
    running = [c.number for c in parent.children if c.arabic] if parent is not None else []
    after_level3 = number == (running[-1] if running else 0) + 1
    after_level1 = last.arabic and number > 0 and number == last.number + 1
    return 1 if after_level1 and not after_level3 else 3


def _split_run_in(text: str) -> tuple[str, str, bool]:
    """A run-in heading: its title ends at the first full stop, the body follows in the same paragraph. A heading
    with nothing after its full stop stands alone and keeps its punctuation."""
    stop = text.find("。")
    if 0 < stop < len(text) - 1 and stop <= 60:
        return text[:stop], text[stop + 1:].strip(), True
    return text, "", False


def _mark_continued(nodes: list[Node]) -> None:
    """Children numbered straight through several parents (（1）…（21）) → ``numbering: continue`` on those parents."""
    last = 0
    for node in nodes:
        if node.children and node.children[0].number > 1 and node.children[0].number == last + 1:
            node.numbering = "continue"
        if node.children and node.children[-1].number:
            last = node.children[-1].number if node.numbering == "continue" or node.children[0].number == 1 else last
            last = node.children[-1].number
        _mark_continued(node.children)
    # the first parent of a continued run starts at 1 and continues into the next: mark it too
    for a, b in itertools.pairwise(nodes):
        if b.numbering == "continue" and a.children and a.numbering == "restart":
            a.numbering = "continue"


# --- figures stated in the text -------------------------------------------------------------------------------------
# A report states its figures in sentences: "2023年一般公共预算教育经费为142689万元，比上年增长1.45%", "普惠性幼儿园
# 覆盖率达88.11%", "生均公用经费补助标准为：小学720元/年、初中940元/年", "学前教育、小学、初中生均一般公共预算教育经费
# 增长率为6.00%、7.14%、5.59%". The indicator catalogue gives the words (name, term, the words its statement template
# puts around the value) and the unit; a number is taken for an indicator only when those words stand right before it
# (or, for some, right after it) and its unit fits, and only when stating the figure from the data gives back exactly
# the words of the text. Anything else stays text.

_CJK = re.compile(r"[\u4e00-\u9fff]")
_UNITS = ("个百分点", "平方米", "万元", "亿元", "人次", "场次", "批次", "元", "%", "％", "㎡", "所", "人", "名", "个",
          "次", "场", "家", "项", "间", "处", "起", "套", "册", "类", "期", "位", "台", "条", "张", "户", "节", "班")
_TOKEN = re.compile(r"(?<![0-9.．A-Za-z〔\[【/-])(?P<before>近|约|超过|逾|超)?(?P<number>[0-9]+(?:\.[0-9]+)?)"
                    r"(?P<magnitude>万|亿)?(?P<after>余|多)?(?P<space>[ \u3000]?)"
                    r"(?P<unit>" + "|".join(map(re.escape, _UNITS)) + r")?(?![0-9.．])")
# what joins a figure's words to its number: 为, 达到, 共计 …; a bracketed remark (（56人及以上）) may stand between
_LINK = re.compile(r"(?:（[^（）]{1,20}）|\([^()]{1,20}\)|分别为|分别是|分别达到|分别达|依次为|达到了|达到|提高到|提高至|"
                   r"增加到|增加至|增至|降至|下降到|降低到|上升到|升至|共计|合计|累计|总计|约为|为|达|是|共|计|有|了|"
                   r"[：:]|\s)+$")
_BRACKETED = re.compile(r"（[^（）]{1,20}）|\([^()]{1,20}\)")  # a remark in brackets: 残疾学生（含送教上门学生）按
_GROWTH_WORD = re.compile(r"(?:增长率|增长幅度|增幅|增速)$")
_DIRECTION = re.compile(r"(比上年|较上年|同比|比去年|较去年|与上年相比|比\d{4}年|较\d{4}年)?"
                        r"(增长|增加|提高|上升|提升|下降|减少|降低|回落)(了)?$")
_FALLING = ("下降", "减少", "降低", "回落")
_LEFT_OK = set("年县区市州省共有了计是中其各全我为和及与对在将已，、。；：（(“ ")  # before a short cue
_VERBS = ("共", "已", "累计", "下达", "发放", "拨付", "足额拨付", "投入", "组织", "召开", "开展", "举行", "实施", "建成",
          "选聘", "排查整改", "增设", "完成", "安排", "新增", "新建", "改扩建", "落实", "配备", "查处", "排查", "存入")
@dataclass(frozen=True)
class _Reading:
    """How reports word what the importer looks for, from ``reading.yaml`` in the packaged templates (knowledge of
    the domain is data): stage words, indicator words besides the catalogue's, words right after some numbers,
    units written two ways, and the words of part headings."""

    item_words: dict[str, tuple[str, ...]]
    aliases: dict[str, tuple[tuple[str, str, str], ...]]
    after_aliases: dict[str, tuple[str, ...]]
    same_units: tuple[frozenset[str], ...]
    part_words: dict[str, tuple[str, ...]]


@functools.cache
def _reading() -> _Reading:
    """Read once per process (functools.cache: a second thread at first use reads the same file twice at worst)."""
    data = resources.packaged_yaml(resources.packaged_templates() / "reading.yaml")

    def words(group: str) -> dict[str, tuple[str, ...]]:
        return {str(k): tuple(map(str, v)) for k, v in data[group].items()}

    aliases = {str(key): tuple((entry, "", "") if isinstance(entry, str) else
                               (entry["words"], entry.get("after", ""), entry.get("not_after", "")) for entry in entries)
               for key, entries in data["indicator_words"].items()}
    return _Reading(item_words=words("stage_words"), aliases=aliases, after_aliases=words("words_after_number"),
                    same_units=tuple(frozenset(map(str, same)) for same in data["same_units"]),
                    part_words=words("part_words"))


@dataclass(frozen=True)
class _Cue:
    key: str
    words: str
    context: str = ""  # a word the sentence must have before the cue
    exclude: str = ""  # a word it must not have


@dataclass
class _Match:
    """A number of a paragraph taken for a figure: its span, the figure and what the text states of it."""

    start: int
    end: int
    key: str
    item: str | None
    field: str  # "current" or "change"
    value: Any  # a Value (current) or a signed Decimal (change)
    unit: str  # the unit written (current)
    show: str  # how the reference states it: value, rate or change
    text: str  # the words replaced


class _Recogniser:
    """Finds the catalogue's figures in the sentences of a report, for the indicators of one scheme."""

    def __init__(self, scheme: Scheme) -> None:
        self.scheme = scheme
        catalogue = scheme.catalogue
        self.area: dict[str, str] = {}
        self.before: list[_Cue] = []
        self.after: list[_Cue] = []
        self.items: dict[str, list[tuple[str, str]]] = {}  # breakdown indicator → (item key, words), longest first
        for area, definition in scheme.definitions.items():
            for key in definition.indicators:
                indicator = catalogue.indicators[key]
                if indicator.kind == "flag" or key in self.area:
                    continue
                self.area[key] = area
                before, after = _statement_words(indicator)
                before |= {indicator.wording, indicator.name}
                also = re.search(r"也(?:写作|称)((?:“[^”]{2,20}”)+)", indicator.note)  # 也写作“…”“…”
                if also:
                    before |= set(re.findall(r"“([^”]+)”", also.group(1)))
                self.before += [_Cue(key, w) for w in before if len(w) >= 2]
                self.before += [_Cue(key, *alias) for alias in _reading().aliases.get(key, ())]
                self.after += [_Cue(key, w) for w in {*after, *_reading().after_aliases.get(key, ())} if len(w) >= 2]
                if indicator.breakdown:
                    words = []
                    for item in catalogue.items(indicator):
                        names = {catalogue.item_name(indicator, item), item, *_reading().item_words.get(item, ())}
                        words += [(item, name) for name in names]
                    self.items[key] = sorted(words, key=lambda w: -len(w[1]))
        self.before.sort(key=lambda c: -len(c.words))
        self.after.sort(key=lambda c: -len(c.words))

    # --- one paragraph -----------------------------------------------------------------------------------------

    def matches(self, text: str) -> list[_Match]:
        tokens = list(_TOKEN.finditer(text))
        found: list[_Match] = []
        taken: set[int] = set()  # tokens already read (in a list, or as the growth of a figure before them)
        for k, token in enumerate(tokens):
            if k in taken:
                continue
            listed = self._list(text, tokens, k)
            if listed:
                found += listed
                taken |= set(range(k, k + len(listed)))
                continue
            match = self._single(text, token)
            if match is None:
                continue
            found.append(match)
            if match.field == "current" and k + 1 < len(tokens):
                growth = self._growth_after(text, match, tokens[k + 1])
                if growth is not None:
                    found.append(growth)
                    taken.add(k + 1)
        for said in re.finditer("未实现只增不减|实现了只增不减", text):  # 一般公共预算教育经费实现了只增不减
            head = re.sub("(?:也|均|都|已经|已)$", "", text[:said.start()])
            keys = self._cue_before(head)
            if len(keys) == 1:
                found.append(_Match(said.start(), said.end(), keys[0], None, "verdict", said.group(0), "", "verdict",
                                    said.group(0)))
        return found

    def _single(self, text: str, token: re.Match[str]) -> _Match | None:
        unit = token["unit"] or ""
        before = text[:token.start()]
        direction = _DIRECTION.search(before.rstrip(" \u3000"))
        change = unit == "个百分点" or (unit in ("%", "％") and direction is not None)
        head = before
        if change and direction is not None:
            head = before.rstrip(" \u3000")[:direction.start()].rstrip("，, ")
        head = _LINK.sub("", _BRACKETED.sub("", head))
        keys = self._cue_before(head, tail=re.split("[，。；,;]", text[token.end():], maxsplit=1)[0])
        item = None
        if not keys:
            found = self._item_before(head)
            if found is not None:
                keys, item = [found[0]], found[1]
        if not keys and not change:
            keys = self._cue_after(text[token.end():])
        keys = [key for key in keys
                if self._fits(key, unit, change or (unit in ("%", "％") and self._kind(key) != "rate"))]
        if len(keys) != 1:
            return None
        key = keys[0]
        if (item is None) != (key not in self.items):
            return None  # a figure with a breakdown is stated per item
        if change or (unit in ("%", "％") and self._kind(key) != "rate"):
            return self._change(text, token, key, item, before)
        return self._value(token, key, item)

    def _list(self, text: str, tokens: list[re.Match[str]], k: int) -> list[_Match]:
        """"ITEM、ITEM（CUE）（增长率）分别为 V、V": as many values as items, in the same unit, joined by 、."""
        run = [tokens[k]]
        while k + len(run) < len(tokens):
            nxt = tokens[k + len(run)]
            if text[run[-1].end():nxt.start()] != "、" or (nxt["unit"] or "") != (run[0]["unit"] or ""):
                break
            run.append(nxt)
        if len(run) < 2:
            return []
        before = text[:run[0].start()]
        head = _LINK.sub("", before)
        growth = _GROWTH_WORD.search(head) or _DIRECTION.search(head)
        if growth:
            head = _LINK.sub("", head[:growth.start()])
        key = None
        cue = self._cue_before(head, list(self.items))
        if len(cue) == 1:
            key = cue[0]
            head = head[:len(head) - len(self._cue_words(head, key))]
        names: list[str] = []
        rest = head
        for _ in run:
            name = next((w for w in self._all_item_words() if rest.endswith(w)), None)
            if name is None:
                return []
            names.insert(0, name)
            rest = rest[:len(rest) - len(name)]
            if len(names) < len(run):
                if not rest.endswith("、"):
                    return []
                rest = rest[:-1]
        if key is None:
            keys = self._nearest_breakdown_cue(rest)
            if len(keys) != 1:
                return []
            key = keys[0]
        items = []
        for name in names:
            item = next((i for i, w in self.items[key] if w == name), None)
            if item is None or item in items:
                return []
            items.append(item)
        unit = run[0]["unit"] or ""
        change = growth is not None or (unit in ("%", "％") and self._kind(key) != "rate") or unit == "个百分点"
        if not self._fits(key, unit, change):
            return []
        out = []
        for token, item in zip(run, items, strict=True):
            match = self._change(text, token, key, item, before, growth_word=True) if change \
                else self._value(token, key, item)
            if match is None:
                return []
            out.append(match)
        return out

    def _growth_after(self, text: str, figure: _Match, token: re.Match[str]) -> _Match | None:
        """", 比上年增长1.45%" right after a figure's value: the change of that figure."""
        between = text[figure.end:token.start()]
        if not re.fullmatch(r"[，,]?\s*(?:比上年|较上年|同比|比去年|较去年|与上年相比[，,]?)?"
                            r"(?:增长|增加|提高|上升|提升|下降|减少|降低|回落)了?", between):
            return None
        unit = token["unit"] or ""
        if not self._fits(figure.key, unit, True):
            return None
        return self._change(text, token, figure.key, figure.item, text[:token.start()])

    # --- the words around a number ------------------------------------------------------------------------------

    def _cue_before(self, head: str, keys: list[str] | None = None, tail: str = "") -> list[str]:
        """Indicators whose words end ``head`` (the text before a number, its linking words removed). The longest
        words win: a shorter cue inside them (一般公共预算教育经费 in 生均一般公共预算教育经费) is not one."""
        clause = head[_last_clause_start(head):]
        best: list[str] = []
        length = 0
        for cue in self.before:
            if best and len(cue.words) < length:
                break
            if (keys is not None and cue.key not in keys) or not head.endswith(cue.words):
                continue
            start = len(head) - len(cue.words)
            if len(cue.words) <= 3 and start > 0 and _CJK.match(head[start - 1]) and head[start - 1] not in _LEFT_OK \
                    and not head[:start].endswith(_VERBS) and head[start - 1] not in _UNITS:
                continue  # 新增一级幼儿园: 幼儿园 here is not the indicator 幼儿园数
            earlier = clause[:len(clause) - len(cue.words)]
            if any(word not in clause + tail for word in cue.context.split("|") if word):
                continue
            if cue.exclude and cue.exclude in earlier:
                continue
            best.append(cue.key)
            length = len(cue.words)
        return list(dict.fromkeys(best))

    def _cue_words(self, head: str, key: str) -> str:
        return next(c.words for c in self.before if c.key == key and head.endswith(c.words))

    def _cue_after(self, tail: str) -> list[str]:
        """Indicators whose words follow a number: right after it, or — for words of six characters or more — after
        a few words of its own (137所中小学校配置专职副书记)."""
        clause = re.split("[，。；,;]", tail, maxsplit=1)[0]
        best: list[str] = []
        rank = (99, 0)
        for cue in self.after:
            at = clause.find(cue.words)
            if at < 0 or (at > 0 and (len(cue.words) < 6 or at > 8 or re.search(r"[0-9]", clause[:at]))):
                continue
            here = (at, -len(cue.words))
            if here < rank:
                best, rank = [cue.key], here
            elif here == rank:
                best.append(cue.key)
        return list(dict.fromkeys(best))

    def _item_before(self, head: str) -> tuple[str, str] | None:
        """"ITEM NUMBER" (小学720元, 职业高中15353元): the item, and the breakdown indicator named nearest before it in
        the sentence."""
        name = next((w for w in self._all_item_words() if head.endswith(w)), None)
        if name is None:
            return None
        start = len(head) - len(name)
        if start > 0 and head[start - 1] not in "、，,；;：:（(" and not head[:start].endswith(("其中", "为")):
            return None
        keys = self._nearest_breakdown_cue(head[:start], name)
        if len(keys) != 1:
            return None
        item = next((i for i, w in self.items[keys[0]] if w == name), None)
        return (keys[0], item) if item is not None else None

    def _nearest_breakdown_cue(self, head: str, name: str | None = None) -> list[str]:
        """The breakdown indicators (whose items include ``name``) named last in the sentence ``head`` ends."""
        sentence = head[_last_sentence_start(head):]
        best: list[str] = []
        at = -1
        for cue in self.before:
            if cue.key not in self.items or (name is not None and all(w != name for _, w in self.items[cue.key])):
                continue
            where = sentence.rfind(cue.words)
            if where < 0:
                continue
            end = where + len(cue.words)
            if end > at:
                best, at = [cue.key], end
            elif end == at and cue.key not in best and len(cue.words) == len(self._cue_at(sentence, end, best[0])):
                best.append(cue.key)
        return best

    def _cue_at(self, sentence: str, end: int, key: str) -> str:
        """The longest words of ``key`` ending at ``end`` of ``sentence``."""
        return next((c.words for c in self.before if c.key == key and sentence[:end].endswith(c.words)), "")

    def _all_item_words(self) -> list[str]:
        words = {w for pairs in self.items.values() for _, w in pairs}
        return sorted(words, key=lambda w: -len(w))

    # --- what the number is ---------------------------------------------------------------------------------

    def _kind(self, key: str) -> str:
        return self.scheme.catalogue.indicators[key].kind

    def _fits(self, key: str, unit: str, change: bool) -> bool:
        """Whether ``unit`` can be the unit of indicator ``key`` (of its change, when ``change``)."""
        indicator = self.scheme.catalogue.indicators[key]
        if change:
            return unit == ("个百分点" if indicator.kind == "rate" else "%") or (
                unit == "％" and indicator.kind != "rate")
        if indicator.kind == "rate":
            return unit in ("%", "％")
        if indicator.kind == "amount":
            return unit in number_words().money_units
        if indicator.kind == "coefficient":
            return unit == ""
        if not unit:
            return False
        return unit == indicator.unit or any(unit in same and indicator.unit in same for same in _reading().same_units)

    def _value(self, token: re.Match[str], key: str, item: str | None) -> _Match | None:
        unit = token["unit"] or ""
        magnitude = token["magnitude"] or ""
        if magnitude and unit == "元" and not token["after"] and self._kind(key) == "amount":
            unit, magnitude = magnitude + unit, ""  # 142689万元: the unit is 万元
        try:
            value = Value(Decimal(token["number"]), token["before"] or "", magnitude, token["after"] or "")
        except InvalidOperation:  # pragma: no cover - the pattern admits digits only
            return None
        if self._kind(key) == "rate" and value.number is not None and value.number > 100:
            return None
        shown = "%" if unit == "％" else unit
        if formatting.written(value, shown) != token.group(0).replace(token["space"], "").replace("％", "%"):
            return None
        return _Match(token.start(), token.end(), key, item, "current", value, shown, "value", token.group(0))

    def _change(self, text: str, token: re.Match[str], key: str, item: str | None, before: str,
                growth_word: bool = False) -> _Match | None:
        """A stated change: its sign from the nearest direction word before it in the sentence."""
        sentence = before[_last_sentence_start(before):]
        words = list(re.finditer("|".join((*_FALLING, "增长", "增加", "提高", "上升", "提升", "增幅", "增速")),
                                 sentence))
        if not words:
            return None
        falling = words[-1].group(0) in _FALLING
        try:
            size = Decimal(token["number"])
        except InvalidOperation:  # pragma: no cover
            return None
        if token["before"] or token["magnitude"] or token["after"]:
            return None
        value = -size if falling else size
        points = (token["unit"] or "") == "个百分点"
        change = Change(value, points=points, places=formatting.places_of(size))
        if not falling:
            if formatting.change_size(change) != token.group(0).replace(token["space"], "").replace("％", "%"):
                return None
            return _Match(token.start(), token.end(), key, item, "change", value, "", "rate", token.group(0))
        word = re.search(r"下降$", before)
        if word is None or growth_word:
            return _Match(token.start(), token.start(), key, item, "change", value, "", "", "")  # kept as text
        start = word.start()
        said = text[start:token.end()]
        if formatting.change_words(change) != said.replace(token["space"], "").replace("％", "%"):
            return None
        return _Match(start, token.end(), key, item, "change", value, "", "change", said)


def _last_sentence_start(text: str) -> int:
    """Where the sentence ``text`` ends in begins (after the last 。)."""
    return max(text.rfind(c) for c in "。！？!?\n") + 1


def _last_clause_start(text: str) -> int:
    """Where the clause ``text`` ends in begins (after the last 。 or ；)."""
    return max(text.rfind(c) for c in "。；;！？!?\n") + 1


def _statement_words(indicator: Indicator) -> tuple[set[str], set[str]]:
    """The words an indicator's statement template writes right before and right after its value (with the term
    and name filled in), and those words without a leading verb (共下达资助资金 → 下达资助资金, 资助资金)."""
    template = indicator.statement or ""
    tokens = [t for t in re.split(r"({{.*?}}|{%.*?%})", template, flags=re.S) if t]

    def text_of(token: str) -> str | None:
        if not token.startswith(("{{", "{%")):
            return re.sub(r"\s+", "", token)
        expr = token.strip("{}%-+ \n")
        if expr == "term":
            return indicator.wording
        if expr == "name":
            return indicator.name
        return None

    before: set[str] = set()
    after: set[str] = set()
    for k, token in enumerate(tokens):
        if not re.fullmatch(r"{{-?\s*(?:i\.)?value\s*-?}}", token):
            continue
        run = ""
        for prev in reversed(tokens[:k]):
            piece = text_of(prev)
            if piece is None:
                break
            run = piece + run
        while run:
            if len(run) >= 3:
                before.add(run)
            verb = next((v for v in sorted(_VERBS, key=len, reverse=True) if run.startswith(v)), None)
            if verb is None:
                break
            run = run[len(verb):]
        run = ""
        for nxt in tokens[k + 1:]:
            piece = text_of(nxt)
            if piece is None:
                break
            run += piece
        run = re.split("[，。；、]", run)[0]
        if len(run) >= 3:
            after.add(run)
    return before, after


# --- the year, the scheme and the figures as data -----------------------------------------------------------------
# Figures become data only where the report's structure lets them: an area of the scheme renders as a numbered part of
# the report (the scheme's skeleton lays it out), so the parts of the imported report that hold those figures are
# moved into the scheme's areas — and only when rendering the result gives back exactly the same text as the report
# imported. Otherwise the numbers stay text and a note lists them.

_YEAR = re.compile(r"([12][0-9]{3})\s*年")
_NOTICE_YEAR = re.compile(r"([12][0-9]{3})\s*年(?:度)?对[^，。；《》]{0,20}?(?:人民)?政府履行教育职责")
_CITED_NUMBER = re.compile(r"([^\s，。；、《》〈〉（）()“”]{1,12}?)\s*[〔\[【（(]([12][0-9]{3})[〕\]】）)]\s*第?0*([0-9]+)\s*号")
_RECTIFICATION_ITEM = re.compile(r"^问题([一二三四五六七八九十百]+)：(.+)$")
_RECTIFICATION_STATUS = re.compile(r"^整改状态：(待整改|持续推进|基本完成|已完成)。$")


def _evaluation_year(data: dict[str, Any]) -> tuple[int | None, str]:
    """The year the report evaluates, and where it was read: the year its title names (2023年度, 关于2021年以来…),
    one before the year of the evaluation notice the opening cites (开展2024年对县（区）人民政府履行教育职责评价),
    or one before the year of the 发文字号 or of the date it was signed."""
    title = "".join([data["title"]] if isinstance(data.get("title"), str) else data.get("title") or [])
    m = _YEAR.search(title)
    if m and 1949 <= int(m.group(1)) <= 2200:
        return int(m.group(1)), f"标题中的“{m.group(0)}”"
    opening = "".join(p for p in data.get("opening", []) if isinstance(p, str))
    m = re.search(r"([12][0-9]{3})\s*年度", opening)
    if m:
        return int(m.group(1)), f"开头的“{m.group(0)}”"
    m = _NOTICE_YEAR.search(opening)
    if m:
        return int(m.group(1)) - 1, f"开头引用的{m.group(1)}年评价通知（评价上一年度）"
    number = (data.get("header") or {}).get("doc_number")
    if number:
        return int(number["year"]) - 1, f"发文字号的年份{number['year']}（报告评价上一年度）"
    date = (data.get("signature") or {}).get("date")
    if date:
        return int(date[:4]) - 1, f"成文日期的年份{date[:4]}（报告评价上一年度）"
    return None, ""


def _cited_scheme(data: dict[str, Any], template_dirs: resources.TemplateDirs) -> tuple[str | None, str]:
    """The scheme whose notice (its 文号, in the scheme's ``source``) the report cites, and that 文号."""
    from .schemes import available_schemes, load_scheme
    opening = "".join(p for p in data.get("opening", []) if isinstance(p, str))
    cited = [(m.group(1), m.group(2), m.group(3), m.group(0)) for m in _CITED_NUMBER.finditer(opening)]
    if not cited:
        return None, ""
    for name in available_schemes(template_dirs):
        try:
            source = load_scheme(name, template_dirs).source
        except DataError:
            continue
        for m in _CITED_NUMBER.finditer(source):
            for organ, year, serial, words in cited:
                if (year, serial) == (m.group(2), m.group(3)) and (organ.endswith(m.group(1))
                                                                   or m.group(1).endswith(organ)):
                    return name, words.strip()
    return None, ""


def _paragraph_lists(data: dict[str, Any]) -> Iterator[list[Any]]:
    """Every list of paragraphs of imported data, in document order (areas, then sections, then attachments)."""
    if isinstance(data.get("opening"), list):
        yield data["opening"]

    def nested(nodes: list[Any], child: str) -> Iterator[list[Any]]:
        for node in nodes:
            for key in ("paragraphs", "actions"):
                if isinstance(node.get(key), list):
                    yield node[key]
            for deeper in ("sections", "measures", "items", "groups"):
                if isinstance(node.get(deeper), list):
                    yield from nested(node[deeper], deeper)

    for area in (data.get("areas") or {}).values():
        yield from nested([area], "areas")
    yield from nested(data.get("sections", []), "sections")
    yield from nested(data.get("attachments", []), "attachments")


@dataclass
class _Figures:
    """The figures recognised in a report: the first value stated of each, and what stated another."""

    values: dict[tuple[str, str | None, str], tuple[Any, str]] = field(default_factory=dict)
    conflicts: list[str] = field(default_factory=list)
    examples: dict[tuple[str, str | None, str], str] = field(default_factory=dict)  # the words around it

    def add(self, match: _Match, text: str) -> None:
        if match.field == "verdict":
            return  # stated from the changes
        key = (match.key, match.item, match.field)
        value = (match.value, match.unit)
        if key not in self.values:
            self.values[key] = value
            self.examples[key] = text[max(0, match.start - 16):match.end + 8]
        elif not _same_value(self.values[key], value):
            self.conflicts.append(f"{text[max(0, match.start - 12):match.end]}")

    def agrees(self, match: _Match) -> bool:
        if match.field == "verdict":
            return self.verdict(match.key) == str(match.value)
        known = self.values.get((match.key, match.item, match.field))
        return known is not None and _same_value(known, (match.value, match.unit))

    def verdict(self, key: str) -> str | None:
        """实现了只增不减 / 未实现只增不减 as stated from the changes of ``key`` (every item of it), if all are known."""
        stated = {item for k, item, _ in self.values if k == key}
        changes = [self.values.get((key, item, "change")) for item in stated]
        if not changes or any(c is None for c in changes):
            return None
        return "未实现只增不减" if any(c is not None and c[0] < 0 for c in changes) else "实现了只增不减"


def _same_value(a: tuple[Any, str], b: tuple[Any, str]) -> bool:
    return a[1] == b[1] and (a[0] == b[0] if not isinstance(a[0], Value) else
                             formatting.written(a[0], a[1]) == formatting.written(b[0], b[1]))


def _recover(data: dict[str, Any], notes: list[str], template_dirs: resources.TemplateDirs) -> dict[str, Any]:
    """The year, the scheme and the figures of a report: imported data with ``year`` (and ``scheme`` when the report
    cites one) and, where the report's parts fit the scheme, ``areas`` holding the figures its sentences state, with
    ``{figure: …}`` in place of their numbers. A report that cites no scheme is tried with every scheme that makes no
    tables from data, the default first: the one that places the most figures is taken. The result renders to
    exactly the text imported, else the figures stay text (listed in the notes)."""
    from .schemes import DEFAULT_SCHEME, available_schemes, load_scheme
    base = dict(data)
    year, how = _evaluation_year(data)
    if year is not None and 1949 <= year <= 2200:
        base["year"] = year
        notes.append(f"评价年度按{how}定为{year}年，请核对")
    cited, words = _cited_scheme(data, template_dirs)
    base_text: list[list[str] | None] = []  # the text of the data as imported, rendered once when first needed
    if cited is not None:
        try:
            scheme = load_scheme(cited, template_dirs)
        except DataError:
            return base
        if scheme.tables:  # its tables are made from data the report does not have yet
            notes.append(f"开头引用的{words}是评价方案“{scheme.name}”（{cited}）的依据；该方案由数据生成表格，"
                         "导入结果没有写明评价方案，请按该方案补充数据后再写上 scheme")
            return base
        base["scheme"] = cited
        notes.append(f"评价方案按开头引用的{words}定为“{scheme.name}”（{cited}），请核对")
        candidate, said, _ = _place_figures(base, scheme, template_dirs, base_text)
        notes += said
        return candidate if candidate is not None else base
    tried: list[tuple[dict[str, Any] | None, list[str], int]] = []
    names = [DEFAULT_SCHEME, *(n for n in available_schemes(template_dirs) if n != DEFAULT_SCHEME)]
    for name in names:
        try:
            scheme = load_scheme(name, template_dirs)
        except DataError:
            continue
        if scheme.tables:
            continue
        tried.append(_place_figures(base, scheme, template_dirs, base_text))
    placed = [t for t in tried if t[0] is not None]
    if not placed:
        notes += tried[0][1] if tried else []
        return base

    def fit(attempt: tuple[dict[str, Any] | None, list[str], int]) -> tuple[int, int]:
        """Parts headed exactly as the scheme heads them, then figures placed."""
        areas = (attempt[0] or {}).get("areas", {})
        return sum(1 for area in areas.values() if "title" not in area), attempt[2]

    candidate, said, _ = max(placed, key=fit)  # the first of the best: the default scheme on a tie
    notes += said
    return candidate if candidate is not None else base


def _place_figures(base: dict[str, Any], scheme: Scheme, template_dirs: resources.TemplateDirs,
                   base_text: list[list[str] | None]) -> tuple[dict[str, Any] | None, list[str], int]:
    """The data with the figures its sentences state placed in the areas of ``scheme``, the notes to add, and how
    many figures were placed; (None, the notes saying why, 0) when they cannot be placed."""
    notes: list[str] = []
    recogniser = _Recogniser(scheme)
    figures = _Figures()
    for paragraphs in _paragraph_lists(base):
        for text in paragraphs:
            if isinstance(text, str):
                for match in recogniser.matches(text):
                    figures.add(match, text)
    if not figures.values:
        return None, notes, 0
    needed = {recogniser.area[key] for key, _, _ in figures.values}
    laid = _lay_out(base, scheme, needed, recogniser, figures)
    placed = set(laid.get("areas", {})) if laid is not None else set()
    unplaced = sorted({recogniser.area[k] for k, _, _ in figures.values} - placed)
    candidate = _with_figures(copy.deepcopy(laid), scheme, recogniser, figures) \
        if laid is not None and placed & needed else None
    if candidate is not None:
        cited = "scheme" in candidate
        candidate = {"scheme": scheme.key, **candidate}  # rendered with the skeleton of this scheme
        if not base_text:
            base_text.append(_rendered_text(base, template_dirs))
        if base_text[0] is None or base_text[0] != _rendered_text(candidate, template_dirs):
            candidate = None
    if candidate is None:
        shown = "、".join(_said(scheme, key, value) for key, value in list(figures.values.items())[:12])
        more = "等" if len(figures.values) > 12 else ""
        notes.append(f"从正文识别到{len(figures.values)}个数字（{shown}{more}），但报告的结构与评价方案“{scheme.name}”"
                     "的结构不同，不能放入评价重点的数据，仍保留为文字，请核对")
        return None, notes, 0
    if not cited:
        notes.append(f"报告没有引用能识别的评价方案，按报告的结构和识别到的数字定为“{scheme.name}”（{scheme.key}），请核对")
    for area in unplaced:
        keys = [k for k, _, _ in figures.values if recogniser.area[k] == area]
        names = "、".join(dict.fromkeys(scheme.catalogue.indicators[k].name for k in keys))
        notes.append(f"从正文识别的数字（{names}）属于评价重点“{scheme.definitions[area].name}”，报告中没有这一部分，"
                     "仍保留为文字，请核对")
    count = 0
    for (key, item, fieldname), value in figures.values.items():
        if recogniser.area[key] not in placed:
            continue
        count += 1
        where = f"areas.{recogniser.area[key]}.{key}" + (f".{item}" if item else "")
        notes.append(f"从正文识别的数字，请核对：{_said(scheme, (key, item, fieldname), value)}"
                     f"（{where}；原文：…{figures.examples[(key, item, fieldname)]}…）")
    for conflict in figures.conflicts:
        notes.append(f"同一指标在文中有不同的数字，后面的一处仍保留为文字，请核对：…{conflict}")
    return candidate, notes, count


def _said(scheme: Scheme, key: tuple[str, str | None, str], value: tuple[Any, str]) -> str:
    """A recognised figure as a note names it: 一般公共预算教育经费142689万元, 生均…（小学）比上年增长7.14%."""
    indicator = scheme.catalogue.indicators[key[0]]
    name = indicator.name + (f"（{scheme.catalogue.item_name(indicator, key[1])}）" if key[1] else "")
    if key[2] == "current":
        return name + formatting.written(value[0], value[1])
    change = Change(value[0], points=indicator.points, places=formatting.places_of(value[0]))
    return name + "比上年" + formatting.change_words(change)


def _with_figures(data: dict[str, Any], scheme: Scheme, recogniser: _Recogniser, figures: _Figures) -> dict[str, Any]:
    """``data`` (laid out in areas) with the figures as the areas' data and ``{figure: …}`` in the paragraphs."""
    areas: dict[str, Any] = data["areas"]
    for paragraphs in _paragraph_lists(data):
        for k, text in enumerate(paragraphs):
            if not isinstance(text, str):
                continue
            accepted = [m for m in recogniser.matches(text) if m.show and figures.agrees(m)
                        and recogniser.area[m.key] in areas]
            if accepted:
                paragraphs[k] = _parts(text, accepted, recogniser)
    for (key, item, fieldname), (value, unit) in figures.values.items():
        area = recogniser.area[key]
        if area not in areas:
            continue
        indicator = scheme.catalogue.indicators[key]
        holder = areas[area]
        if item is not None:
            holder = holder.setdefault(key, {})
            slot = item
        else:
            slot = key
        figure = holder.get(slot)
        if not isinstance(figure, dict):
            figure = holder[slot] = {}
        if fieldname == "current":
            figure["current"] = _yaml_value(value)
            if unit != indicator.unit_of():
                figure["unit"] = unit
        else:
            figure["stated_change"] = value
        order = ("current", "unit", "stated_change")
        holder[slot] = {k: figure[k] for k in order if k in figure}
    for key, holder in list(areas.items()):  # the area's figures first, then its title, text and measures
        first = [k for k in holder if k in recogniser.area]
        areas[key] = {**{k: holder[k] for k in ("title", *first) if k in holder},
                      **{k: v for k, v in holder.items() if k != "title" and k not in first}}
    for holder in areas.values():  # a figure with only this year's value in its usual unit is written bare
        for key, value in list(holder.items()):
            if key in recogniser.items and isinstance(value, dict):
                for item, figure in list(value.items()):
                    if isinstance(figure, dict) and set(figure) == {"current"}:
                        value[item] = figure["current"]
            elif key in recogniser.area and isinstance(value, dict) and set(value) == {"current"}:
                holder[key] = value["current"]
    return data


def _parts(text: str, matches: list[_Match], recogniser: _Recogniser) -> list[Any]:
    """A paragraph's text with ``{figure: …}`` in place of the numbers of ``matches``."""
    parts: list[Any] = []
    at = 0
    for match in sorted(matches, key=lambda m: m.start):
        if match.start < at or match.start == match.end:
            continue
        if match.start > at:
            parts.append(text[at:match.start])
        ref = f"{recogniser.area[match.key]}.{match.key}" + (f".{match.item}" if match.item else "")
        parts.append({"figure": ref} if match.show == "value" else {"figure": ref, "show": match.show})
        at = match.end
    if at < len(text):
        parts.append(text[at:])
    return parts


def _yaml_value(value: Value) -> Any:
    """One year's value as data: a number (an integer when written without decimals), or its words (6100余, 8.2万)."""
    if value.before or value.after or value.magnitude or value.number is None:
        return formatting.written(value, "")
    exponent = value.number.as_tuple().exponent
    return int(value.number) if isinstance(exponent, int) and exponent >= 0 else value.number


# --- laying the parts of the report out as the scheme's areas -----------------------------------------------------

def _same_heading(title: str, heading: str) -> bool:
    return re.sub(r"\s+", "", title).rstrip("。") == re.sub(r"\s+", "", heading)


def _like_part(title: str, key: str) -> bool:
    return any(word in title for word in _reading().part_words.get(key, ()))


def _measure(section: dict[str, Any]) -> dict[str, Any] | None:
    """A section of the body as a measure (举措) of an area: it cannot hold tables."""
    if section.get("tables"):
        return None
    measure: dict[str, Any] = {"title": section["title"]}
    if section.get("paragraphs"):
        measure["paragraphs"] = list(section["paragraphs"])
    children = [_measure(child) for child in section.get("sections", [])]
    if any(child is None for child in children):
        return None
    if children:
        measure["measures"] = children
    if not section.get("run_in"):
        measure["run_in"] = False
    if section.get("numbering") == "continue":
        measure["numbering"] = "continue"
    return measure


def _area(section: dict[str, Any], heading: str, kind: str) -> dict[str, Any] | None:
    """A section of the body as the data of an area or part of the report (None when it does not fit one)."""
    if section.get("tables"):
        return None
    area: dict[str, Any] = {}
    if section["title"] != heading:
        area["title"] = section["title"]
    if kind == "rectification":
        return _rectification(section, area)
    if section.get("paragraphs"):
        area["paragraphs"] = list(section["paragraphs"])
    measures = [_measure(child) for child in section.get("sections", [])]
    if any(m is None for m in measures):
        return None
    if measures:
        area["measures"] = measures
    return area


def _rectification(section: dict[str, Any], area: dict[str, Any]) -> dict[str, Any] | None:
    """问题整改 as edureport lays it out: paragraphs, then "问题一：…" "整改情况：…" items, in groups under headings."""
    paragraphs, items = _rectification_items(section.get("paragraphs", []))
    if paragraphs is None:
        return None
    if paragraphs:
        area["paragraphs"] = paragraphs
    if items:
        area["items"] = items
    groups = []
    for child in section.get("sections", []):
        if child.get("tables") or child.get("sections") or child.get("run_in"):
            return None
        rest, group_items = _rectification_items(child.get("paragraphs", []))
        if rest or rest is None or not group_items:
            return None
        groups.append({"title": child["title"], "items": group_items})
    if groups:
        area["groups"] = groups
    return area


def _rectification_items(paragraphs: list[Any]) -> tuple[list[Any] | None, list[dict[str, Any]]]:
    items: list[dict[str, Any]] = []
    before: list[Any] = []
    for text in paragraphs:
        if not isinstance(text, str):
            return None, []
        problem = _RECTIFICATION_ITEM.match(text)
        status = _RECTIFICATION_STATUS.match(text)
        if problem and numeral_value(problem.group(1)) == len(items) + 1:
            items.append({"problem": problem.group(2), "actions": []})
        elif not items:
            before.append(text)
        elif status and "status" not in items[-1]:
            items[-1]["status"] = status.group(1)
        elif "status" in items[-1]:
            return None, []
        elif not items[-1]["actions"]:
            if not text.startswith("整改情况："):
                return None, []
            items[-1]["actions"].append(text[len("整改情况："):])
        else:
            items[-1]["actions"].append(text)
    if any(not item["actions"] or not item["actions"][0].strip() for item in items):
        return None, []
    return before, items


def _assign(children: list[dict[str, Any]], scheme: Scheme, recogniser: _Recogniser,
            figures: _Figures) -> list[str] | None:
    """The evaluation areas of ``children`` (the parts of 主要做法及成效), in the scheme's order: by heading, by the
    figures each part states, by words in common."""
    areas = [a.area for a in scheme.areas]
    if not children or len(children) > len(areas):
        return None

    def score(child: dict[str, Any], index: int) -> int:
        spec = scheme.areas[index]
        title = child["title"]
        points = 0
        if _same_heading(title, spec.heading) or title.startswith(spec.heading):
            points += 1000
        text = "".join(t for paragraphs in _paragraph_lists({"sections": [child]}) for t in paragraphs
                       if isinstance(t, str))
        points += 20 * sum(1 for m in recogniser.matches(text) if recogniser.area[m.key] == spec.area
                           and figures.agrees(m))
        name = spec.heading + scheme.definitions[spec.area].name
        points += sum(1 for k in range(len(title) - 1) if title[k:k + 2] in name)
        return points

    # the best assignment keeping the scheme's order (children i.. onto areas j..)
    n, m = len(children), len(areas)
    best: dict[tuple[int, int], tuple[int, list[str]]] = {}
    for i in range(n, -1, -1):
        for j in range(m, -1, -1):
            if i == n:
                best[(i, j)] = (0, [])
            elif m - j < n - i:
                best[(i, j)] = (-1, [])
            else:
                take = best[(i + 1, j + 1)]
                here = (score(children[i], j) + take[0], [areas[j], *take[1]]) if take[0] >= 0 else (-1, [])
                skip = best[(i, j + 1)] if j + 1 <= m else (-1, [])
                best[(i, j)] = here if here[0] >= skip[0] else skip
    total, chosen = best[(0, 0)]
    return chosen if total >= 0 and len(chosen) == n else None


def _lay_out(data: dict[str, Any], scheme: Scheme, needed: set[str], recogniser: _Recogniser,
             figures: _Figures) -> dict[str, Any] | None:
    """The data with the leading parts of its body moved into the scheme's areas and parts, as the scheme's skeleton
    lays them out; the parts after them stay sections. Parts are moved as far as the areas of ``needed`` require,
    and further while their headings are the scheme's own. None when nothing fits."""
    sections: list[dict[str, Any]] = data.get("sections", [])
    if scheme.skeleton == "skeletons/practices.xml.j2":
        placed = _practices(sections, scheme, recogniser, figures)
    elif scheme.skeleton == "skeletons/duties-first.xml.j2":
        placed = _duties_first(sections, scheme, recogniser, figures)
    else:
        return None
    # keep the parts up to the last one that holds a needed area, then those named exactly as the scheme names them
    last = max((k for k, (keys, _exact) in enumerate(placed) if set(keys) & needed), default=-1)
    if last < 0:
        return None
    kept = placed[:last + 1]
    for keys, exact in placed[last + 1:]:
        if not exact:
            break
        kept.append((keys, exact))
    areas: dict[str, Any] = {}
    for keys, _exact in kept:
        for key in keys:
            areas[key] = keys[key]
    out = {k: v for k, v in data.items() if k != "sections"}
    out["areas"] = areas
    rest = sections[len(kept):]
    if rest:
        out["sections"] = rest
    return out


def _practices(sections: list[dict[str, Any]], scheme: Scheme, recogniser: _Recogniser,
               figures: _Figures) -> list[tuple[dict[str, Any], bool]]:
    """skeletons/practices.xml.j2: the scheme's parts in order, 主要做法及成效 holding the areas (run in)."""
    placed: list[tuple[dict[str, Any], bool]] = []
    parts = list(scheme.parts.items())
    at = 0
    for section in sections:
        found = None
        for k in range(at, len(parts)):
            key, heading = parts[k]
            if key == "practices":
                if _same_heading(section["title"], heading) and not section.get("paragraphs") \
                        and not section.get("tables") and not section.get("run_in"):
                    found = k
            elif key in scheme.definitions and (_same_heading(section["title"], heading)
                                                or _like_part(section["title"], key)):
                found = k
            if found is not None:
                break
        if found is None:
            break
        key, heading = parts[found]
        if key == "practices":
            children = section.get("sections", [])
            chosen = _assign(children, scheme, recogniser, figures)
            if chosen is None:
                break
            areas = {}
            for child, area in zip(children, chosen, strict=True):
                spec = next(a for a in scheme.areas if a.area == area)
                body = _area(child, spec.heading, scheme.definitions[area].kind)
                if body is None:
                    break
                areas[area] = body
            if len(areas) != len(children):
                break
            placed.append((areas, True))
        else:
            body = _area(section, heading, scheme.definitions[key].kind)
            if body is None:
                break
            placed.append(({key: body}, _same_heading(section["title"], heading)))
        at = found + 1
    return placed


def _duties_first(sections: list[dict[str, Any]], scheme: Scheme, recogniser: _Recogniser,
                  figures: _Figures) -> list[tuple[dict[str, Any], bool]]:
    """skeletons/duties-first.xml.j2: 履职情况 (问题整改情况, 履行教育职责情况 with the areas), 主要成效, 经验做法,
    存在问题及改进措施."""
    placed: list[tuple[dict[str, Any], bool]] = []
    at = 0
    duties = scheme.parts.get("duties", "履职情况")
    performance = scheme.parts.get("performance", "履行教育职责情况")
    first = sections[0] if sections else None
    if first is not None and _same_heading(first["title"], duties) and not first.get("paragraphs") \
            and not first.get("tables") and not first.get("run_in"):
        children = list(first.get("sections", []))
        areas: dict[str, Any] = {}
        heading = scheme.parts.get("rectification", "问题整改情况")
        if children and "rectification" in scheme.definitions and (
                _same_heading(children[0]["title"], heading) or _like_part(children[0]["title"], "rectification")):
            body = _area(children.pop(0), heading, "rectification")
            if body is None:
                return placed
            areas["rectification"] = body
        if children:
            inner = children[0]
            if len(children) != 1 or not _same_heading(inner["title"], performance) or inner.get("paragraphs") \
                    or inner.get("tables") or inner.get("run_in"):
                return placed
            grand = inner.get("sections", [])
            chosen = _assign(grand, scheme, recogniser, figures)
            if chosen is None:
                return placed
            for child, area in zip(grand, chosen, strict=True):
                spec = next(a for a in scheme.areas if a.area == area)
                body = _area(child, spec.heading, scheme.definitions[area].kind)
                if body is None:
                    return placed
                areas[area] = body
        if not areas:
            return placed
        placed.append((areas, True))
        at = 1
    for key, default in (("achievements", "主要成效"), ("experience", "经验做法"), ("problems", "存在问题及改进措施")):
        if at >= len(sections) or key not in scheme.definitions:
            continue
        heading = scheme.parts.get(key, default)
        section = sections[at]
        if not (_same_heading(section["title"], heading) or _like_part(section["title"], key)):
            continue
        body = _area(section, heading, scheme.definitions[key].kind)
        if body is None:
            break
        placed.append(({key: body}, _same_heading(section["title"], heading)))
        at += 1
    return placed


def _rendered_text(data: dict[str, Any], template_dirs: resources.TemplateDirs) -> list[str] | None:
    from .load import report_from_data
    from .renderer import build_document
    from .tree import Run, plain
    try:
        report = report_from_data(data, "导入结果", template_dirs=template_dirs)
        document = build_document(report, template_dirs=template_dirs)
    except Exception:  # whatever stops a render (a data error, a template limit): not the same text
        return None
    out = []
    for block in document.blocks:
        values = [plain(v) if isinstance(v, tuple) and v and isinstance(v[0], Run) else v
                  for v in attrs.astuple(block, recurse=False)]
        out.append(re.sub(r"\s+", "", f"{type(block).__name__}{values!r}").replace("％", "%"))
    return out


def to_yaml(result: ImportResult, source: str) -> str:
    """The recovered data as YAML, with a comment saying where it came from and what to check."""
    out = io.StringIO()
    head = [f"由 edureport import 从 {_one_line(Path(source).name)} 导入；标题编号已去掉，生成时自动编号。",
            "请先核对，再用 edureport rollover 生成下一年的数据。"] + [f"请核对：{_one_line(note)}" for note in
                                                                result.notes]
    data = CommentedMap(result.data)
    data.yaml_set_start_comment("\n".join(head))
    yaml = YAML(typ="rt")
    yaml.width = 4096
    # exact decimals (79.80, 6.00) as plain numbers: the loader reads them back as the same Decimal
    yaml.representer.add_representer(Decimal, lambda r, d: r.represent_scalar("tag:yaml.org,2002:float", str(d)))
    yaml.dump(data, out)
    return out.getvalue()


# --- the package ---------------------------------------------------------------------------------------------------

def _refuse(source: Path, message: str) -> DataError:
    return DataError(str(source), [Problem("", message)])


def _mb(n: int) -> str:
    return f"{n / MB:.1f} MB"


def _central_directory_size(f: BinaryIO, size: int) -> int | None:
    """The size of the zip's central directory, as zipfile will read it (the zip64 record when there is one), or
    None when there is no end-of-central-directory record."""
    tail_length = min(size, 22 + 0xFFFF)
    f.seek(size - tail_length)
    tail = f.read(tail_length)
    at = len(tail) - 22 if tail[-22:-18] == b"PK\x05\x06" else tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        return None
    (cd_size,) = struct.unpack("<I", tail[at + 12:at + 16])
    locator = tail[at - 20:at] if at >= 20 else b""
    if locator[:4] == b"PK\x06\x07":  # zip64: the real size is in the zip64 end record
        (offset,) = struct.unpack("<Q", locator[8:16])
        if offset + 56 > size:
            return None
        f.seek(offset)
        record = f.read(56)
        if record[:4] != b"PK\x06\x06":
            return None
        (cd_size,) = struct.unpack("<Q", record[40:48])
    return int(cd_size)


def _open_package(source: Path) -> IO[bytes]:
    """A copy of the .docx that python-docx may read without bound: every part inflated a chunk at a time to no
    more than its declared size, its CRC checked, and stored uncompressed (in memory, or on disk past
    _SPOOL_BYTES). zipfile's ``read()``, which python-docx uses, inflates a whole deflate stream at once before
    cutting it to the declared size, so a part that says 1 KB and inflates to gigabytes must never reach it.
    Refuses, before anything is inflated, a file that is not a .docx or that is past the bounds above."""
    try:
        size = source.stat().st_size
        if not source.is_file():
            raise _refuse(source, "不是文件，无法读取 .docx 文件")
        if size > MAX_DOCX_BYTES:
            raise _refuse(source, f"文件过大（{_mb(size)}，导入上限 {_mb(MAX_DOCX_BYTES)}），已拒绝")
        with source.open("rb") as f:
            if f.read(8) == _OLE_MAGIC:
                raise _refuse(source, "无法读取 .docx 文件：这是旧版 Word（.doc）文件或加密的文档；"
                                      "请在 Word 或 WPS 中另存为 .docx（不设密码）后再导入")
            cd_size = _central_directory_size(f, size)
            if cd_size is None:
                raise _refuse(source, "无法读取 .docx 文件（不是有效的 zip 压缩包，文件可能已损坏或被截断）；"
                                      "请确认是 Word 文档而不是 .doc 或其他格式")
            if cd_size > MAX_CENTRAL_DIRECTORY_BYTES:
                raise _refuse(source, f"无法读取 .docx 文件：压缩包目录过大（{_mb(cd_size)}），可能是恶意构造的文件，已拒绝")
            f.seek(0)
            with zipfile.ZipFile(f) as archive:
                return _copy_parts(source, archive, _check_parts(source, archive))
    except FileNotFoundError:
        raise _refuse(source, "文件不存在") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, RuntimeError, ValueError,
            struct.error) as e:
        raise _refuse(source, f"无法读取 .docx 文件（压缩包已损坏：{_one_line(str(e))[:80]}）；"
                              "请确认是 Word 文档而不是 .doc 或其他格式") from None
    except OSError as e:
        raise _refuse(source, f"无法读取文件（{_one_line(e.strerror or type(e).__name__)}）") from None


def _check_parts(source: Path, archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The entries to read (the last of any with the same name, as zipfile reads them), checked from the zip's
    directory alone: count, declared sizes and compression ratio."""
    infos = archive.infolist()
    if len(infos) > MAX_PARTS:
        raise _refuse(source, f"无法读取 .docx 文件：压缩包中有{len(infos)}个部件，超过上限{MAX_PARTS}个，"
                              "可能是恶意构造的文件，已拒绝")
    entries = {info.filename: info for info in infos if not info.is_dir()}
    total = 0
    for info in entries.values():
        name = _one_line(info.filename)[:80]
        if info.file_size > MAX_PART_BYTES:
            raise _refuse(source, f"无法读取 .docx 文件：部件 {name} 解压后有 {_mb(info.file_size)}，"
                                  f"超过上限 {_mb(MAX_PART_BYTES)}，可能是压缩炸弹，已拒绝")
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise _refuse(source, f"无法读取 .docx 文件：部件 {name} 的压缩比异常（{ratio}倍），"
                                  "可能是压缩炸弹，已拒绝")
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        raise _refuse(source, f"无法读取 .docx 文件：解压后总共 {_mb(total)}，超过上限 {_mb(MAX_TOTAL_BYTES)}，已拒绝")
    return list(entries.values())


def _copy_parts(source: Path, archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo]) -> IO[bytes]:
    """Each part read a chunk at a time (zipfile then inflates at most a chunk beyond what it returns, and stops at
    the declared size), the "<" of the XML ones counted, into a stored zip."""
    copy: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES)
    tags = 0
    try:
        with zipfile.ZipFile(copy, "w", zipfile.ZIP_STORED) as out:
            for info in entries:
                try:
                    with archive.open(info) as part, out.open(info.filename, "w") as target:
                        chunk = part.read(_CHUNK)
                        # XML in any encoding lxml reads (byte-order marks, UTF-16's NULs); else a picture
                        xml = chunk.lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n").startswith(b"<")
                        while chunk:
                            tags += chunk.count(b"<") if xml else 0
                            if tags > MAX_XML_TAGS:
                                raise _refuse(source, "无法读取 .docx 文件：文档的 XML 结构过于庞大"
                                                      f"（超过{MAX_XML_TAGS}个标记），已拒绝")
                            target.write(chunk)
                            chunk = part.read(_CHUNK)
                except DataError:
                    raise
                except Exception as e:  # zlib, lzma, CRC, encrypted or unsupported entries: whatever zipfile raises
                    raise _refuse(source, f"无法读取 .docx 文件（压缩包已损坏：部件 {_one_line(info.filename)[:80]}，"
                                          f"{type(e).__name__}）；请确认是 Word 文档而不是 .doc 或其他格式") from None
    except BaseException:
        copy.close()
        raise
    copy.seek(0)
    return copy


def _read(source: Path, template_dirs: resources.TemplateDirs = ()) -> ImportResult:
    package = _open_package(source)
    try:
        document = docx.Document(package)
    except Exception as e:
        message = f"无法读取 .docx 文件（{type(e).__name__}）；请确认是 Word 文档而不是 .doc 或其他格式"
        raise _refuse(source, message) from None
    finally:
        package.close()  # python-docx has read every part it uses
    body = document.element.find(_W + "body")
    if body is None:
        raise _refuse(source, "无法读取 .docx 文件：没有找到正文（可能是“严格 Open XML”格式）；"
                              "请在 Word 中另存为普通的 .docx 后再导入")
    try:
        return _Reader(document, body, template_dirs).read()
    except RecursionError:
        raise _refuse(source, "无法读取 .docx 文件：文档的嵌套层次过深，已拒绝") from None


def _count_values(data: Any, stop: int) -> int:
    """Values in the data as the loader counts them (mappings, lists, scalars), up to ``stop``."""
    seen, stack = 0, [data]
    while stack and seen <= stop:
        node = stack.pop()
        seen += 1
        if isinstance(node, dict):
            stack += node.values()
        elif isinstance(node, list):
            stack += node
    return seen


def _check_result(result: ImportResult, source: Path, template_dirs: resources.TemplateDirs = ()) -> tuple[str, Report]:
    """What was recovered loads as report data within the loader's limits, read back from the YAML exactly as the
    command reads it: else a DataError naming the .docx (and the field), never a line of an output file that is not
    written. Returns the YAML and the report it loads as."""
    from .load import loads_report  # here: load imports the whole model, which reading does not need

    limits = Limits()
    if _count_values(result.data, limits.values) > limits.values:  # said plainly, before any YAML is written
        raise _refuse(source, f"文档内容过多：导入结果超过报告数据的上限（{limits.values}项，每个段落、标题、表格单元格各算一项）；"
                              "请把文档拆分后分别导入")
    text = to_yaml(result, str(source))
    size = len(text.encode("utf-8"))
    if size > limits.input_bytes:
        raise _refuse(source, f"文档内容过多：导入结果有 {_mb(size)}，超过报告数据文件的上限 {_mb(limits.input_bytes)}；"
                              "请把文档拆分后分别导入")
    try:
        return text, loads_report(text, str(source), template_dirs=template_dirs)
    except DataError as e:
        raise DataError(str(source), [Problem(p.path, f"导入结果无法作为报告数据使用：{p.message}")
                                      for p in e.problems]) from None


def import_docx(path: str | Path, template_dirs: resources.TemplateDirs = ()) -> ImportResult:
    """Recover report data from a .docx: its parts as sections, and — where its sentences state figures of the
    indicator catalogue and its parts fit the evaluation scheme — the year, the scheme and ``areas`` holding those
    figures (``template_dirs``: where to look for schemes and the catalogue before the packaged ones).

    Raises DataError naming the .docx when it cannot be read, is larger than the bounds above, or (which the
    reader is written to prevent) what was recovered would not load as report data."""
    return import_to_yaml(path, template_dirs)[0]


def import_to_yaml(path: str | Path, template_dirs: resources.TemplateDirs = ()) -> tuple[ImportResult, str, Report]:
    """What ``edureport import`` writes: the recovered data, its YAML (as :func:`to_yaml` writes it for this file)
    and the report that YAML loads as, checked once. Raises DataError naming the .docx, like :func:`import_docx`."""
    source = Path(path)
    result = _read(source, template_dirs)
    text, report = _check_result(result, source, template_dirs)
    return result, text, report
