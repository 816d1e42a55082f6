"""``edureport import REPORT.docx``: recover report data from a .docx written by a person in Word or WPS (or by
edureport), so that last year's file can be rolled over.

The package is checked before anything in it is inflated (size, part count, compression ratio, amount of XML:
see the bounds below), then opened with python-docx. The text is read from the XML itself, not from python-docx's
``paragraph.text``, which skips content controls, tracked insertions, smart tags, simple fields, custom XML and text
boxes. Recovered: the 版头 (份号, 密级, 紧急程度, 发文机关标志, 发文字号, 签发人), the title, the addressee, the
numbered hierarchy 一、（一）1.（1）— from typed labels (including the usual mistakes: "1、" at level 1, half-width
"(一)", "（一）、"), from Word list numbering whose label is not in the text, from heading styles and outline levels
— run-in headings, paragraphs, 附件说明 and attachments, the signature and date, 附注 and the 版记. A numbering that
runs on across parents becomes ``numbering: continue``.

Nothing is dropped silently: text that cannot be placed is kept as a paragraph and reported; text that is not part
of the report's data (deleted revisions, hidden text, a table of contents, footnotes, page headers) is listed in the
review notes. Tabs become spaces and line breaks split paragraphs, so the data never holds a character the loader
refuses; what is returned always loads as report data, or a DataError naming the input .docx is raised.
"""

from __future__ import annotations

import datetime as _dt
import io
import itertools
import re
import struct
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, BinaryIO

import docx
from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from lxml import etree
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from .errors import DataError, Problem
from .numbering import numeral_value
from .sandbox import Limits

if TYPE_CHECKING:
    from .model import Report

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
_DOC_NUMBER = re.compile(r"^\s*([\u4e00-\u9fff]{1,12})\s*[〔\[【（(](\d{4})[〕\]】）)]\s*第?0*(\d+)\s*号")
_SIGNER = re.compile(r"签发人\s*[：:]?\s*(\S.*)$")
_AMBIGUOUS = re.compile(r"^\s*\d+\s*、")  # "1、": level 1 written wrongly, or level 3 written wrongly
_DATE = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$")
_ATTACHMENT_LABEL = re.compile(r"^\s*附件\s*(\d*)\s*$")
_ATTACHMENT_NOTE = re.compile(r"^\s*附件[：:]\s*(?:\d+[.．、])?\s*(.+)$")
_NOTE = re.compile(r"^\s*[（(](.+)[）)]\s*$")
_PRINTED = re.compile(r"^\s*(.+?)\s*(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*印发\s*$")
_CC = re.compile(r"^\s*抄\s*送\s*[：:]?")
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
    tabs: int = 0  # tabs inside the text, now spaces

    def lines(self) -> list[str]:
        if self.kind == "p":
            return [self.text]
        return [line for line in (" ".join(c.strip() for c in row if c.strip()) for row in self.rows) if line]


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
            if definition is None:
                continue
            for lvl in definition.findall(_W + "lvl"):
                fmt = lvl.find(_W + "numFmt")
                text = lvl.find(_W + "lvlText")
                level = _level_of_format(fmt.get(W_VAL, "") if fmt is not None else "",
                                         text.get(W_VAL, "") if text is not None else "")
                if level:
                    self.levels[(str(num.get(_W + "numId")), str(lvl.get(_W + "ilvl")))] = level

    def level(self, p: Any) -> int | None:
        num = p.find(f"{_W}pPr/{_W}numPr")
        num_id = num.find(_W + "numId") if num is not None else None
        if num is None or num_id is None:
            return None
        ilvl = num.find(_W + "ilvl")
        key = (str(num_id.get(W_VAL)), str(ilvl.get(W_VAL)) if ilvl is not None else "0")
        return self.levels.get(key)


def _level_of_format(fmt: str, text: str) -> int | None:
    chinese = fmt in ("chineseCounting", "chineseCountingThousand", "ideographTraditional", "taiwaneseCounting")
    bracketed = text.startswith(("（", "("))
    if chinese:
        return 2 if bracketed else 1
    if fmt in ("decimal", "decimalFullWidth"):
        return 4 if bracketed else 3
    return None


class _Reader:
    def __init__(self, document: DocxDocument, body: Any) -> None:
        self.document = document
        self.body = body
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
                    items.append(_Item("table", rows=rows))
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
        for k, line in enumerate(lines):
            items.append(_Item("p", line, p, first=k == 0, tabs=tabs if k == 0 else 0))
        for box in boxes:
            if isinstance(box, str):  # WordArt (v:textpath): one line
                found = [_Item("p", line) for line in _clean(box, self.limit)[0]]
            else:
                found = self._collect(box)
            lines = [line for item in found for line in item.lines()]
            if not lines:
                continue
            if any(_PRINTED.match(line) or _CC.match(line) for line in lines):
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
        word_level = self.numbering.level(item.p) if item.first and item.p is not None else None
        if word_level is not None:  # Word draws the label; the text has none
            return word_level, 0, text.strip()
        for level, pattern in _LABELS:
            m = pattern.match(text)
            if m and text[m.end():].strip():
                if level == 3 and _AMBIGUOUS.match(text):
                    level = 0  # decided by where it stands (see _place)
                return level, numeral_value(m.group(1)), text[m.end():].strip()
        outline = self.outline_level(item.p) if item.first and item.p is not None else None
        if outline is not None and len(text) < 60:
            return outline, 0, text.strip()
        return None

    def outline_level(self, p: Any) -> int | None:
        node = p.find(f"{_W}pPr/{_W}outlineLvl")
        value = node.get(W_VAL) if node is not None else None
        if value is not None and value.isdigit():
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
        self._trailing_colophon(items)
        self.tabs = sum(item.tabs for item in items)
        data: dict[str, Any] = {}
        i = self._header(items, data)
        i = self._title(items, i, data)
        body_end, stray, tail = self._tail(items, i, data)
        self._body(items[i:body_end], stray, data)
        self._attachments(tail, data)
        self._colophon(data)
        self._summary()
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
        """Lines before the 发文字号: 份号, 密级, 紧急程度, the issuer mark."""
        for j, item in enumerate(items[:8]):
            text = item.text
            m = _DOC_NUMBER.match(text) if item.kind == "p" else None
            if m is None or len(text.split("签发人")[0].strip()) > 24 or not 1949 <= int(m.group(2)) <= 2200:
                continue
            self.tabs -= item.tabs  # a tab before 签发人 is layout; the line is read into fields
            header: dict[str, Any] = {}
            marks = []
            for line in (line.strip() for before in items[:j] for line in before.lines()):
                if re.fullmatch(r"[0-9]{6}", line):
                    header["copy_number"] = line
                elif "★" in line or line.startswith(("绝密", "机密", "秘密")):
                    header["secrecy"] = line
                elif line in ("特急", "加急"):
                    header["urgency"] = line
                else:
                    marks.append(line)
            serial = int(m.group(3))
            header = {"issuer_mark": "".join(marks) or m.group(1), **header,
                      "doc_number": {"organ": m.group(1), "year": int(m.group(2)), **({"serial": serial} if serial
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
        return 0

    def _title(self, items: list[_Item], i: int, data: dict[str, Any]) -> int:
        lines: list[str] = []
        while i < len(items) and items[i].kind == "p":
            centred = self.alignment(items[i]) == "center"
            if not centred and lines:
                break
            lines.append(items[i].text.strip())
            i += 1
            if not centred:  # a title that is not centred: the first line, as it is
                break
        if lines:
            data["title"] = lines if len(lines) > 1 else lines[0]
        else:
            data["title"] = "（未找到标题，请填写）"
            self.notes.append("没有找到标题，已填入占位文字，请改为报告标题")
        if i < len(items) and items[i].kind == "p":
            text = items[i].text.strip()
            if text.endswith(("：", ":")) and len(text) <= 40 and not any(p.match(text) for _, p in _LABELS):
                data["addressee"] = text.rstrip("：:")
                i += 1
        return i

    # --- 附件说明, 署名, 附注, 附件, 版记 ---------------------------------------------------------------------

    def _trailing_colophon(self, items: list[_Item]) -> None:
        """A 版记 typed as the last paragraphs (or a table) rather than laid out in a text box."""
        while items and any(_PRINTED.match(line) or _CC.match(line) for line in items[-1].lines()):
            self.colophon_lines[:0] = items.pop().lines()

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
            if date_at > start and items[date_at - 1].kind == "p" and self._is_signature_line(items[date_at - 1]):
                signature = {"issuer": items[date_at - 1].text.strip(), **signature}
                end = date_at - 1
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
                current["tables"].append({"columns": item.rows[0], "rows": item.rows[1:]})
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
        lines = [line.strip() for line in self.colophon_lines if line.strip()]
        printed = next((line for line in lines if _PRINTED.match(line)), None)
        m = _PRINTED.match(printed) if printed else None
        d = _DATE.match(m.group(2)) if m else None
        date = _date(d[1], d[2], d[3]) if d else None
        if m is None or date is None:
            if lines:
                self.notes.append("版记无法识别，未导入：" + "／".join(lines))
            return
        colophon: dict[str, Any] = {"printer": m.group(1).strip(), "print_date": date}
        rest = [line for line in lines if line != printed]
        cc = next((line for line in rest if _CC.match(line)), None)
        if cc:
            colophon["cc"] = [x.strip() for x in re.split("[，,、]", _CC.sub("", cc).strip().rstrip("。.")) if x.strip()]
            rest.remove(cc)
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
            self._place(item.text, self.classify(item), opening, roots, stack)
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
            stack[-1].tables.append({"columns": item.rows[0], "rows": item.rows[1:]})
            return
        if stack:  # a table needs a header and a row
            self.notes.append(f"只有一行的表格已转为段落，请核对：{item.lines()[0][:_SHOWN]}")
        else:
            self.notes.append("正文中的表格已转为段落（每行一段），请核对")
        lines = [line for line in (_row_text(row) for row in item.rows) if line]
        (stack[-1].paragraphs if stack else opening).extend(lines)

    def _place(self, text: str, parsed: tuple[int, int, str] | None, opening: list[str], roots: list[Node],
               stack: list[Node]) -> None:
        title, body, run_in = _split_run_in(parsed[2]) if parsed is not None else ("", "", False)
        if parsed is None or not title.strip():
            (stack[-1].paragraphs if stack else opening).append(text.strip())
            return
        level, number, rest = parsed
        if level == 0:  # "1、": a level-1 heading when no level-1 heading is open, else level 3
            level = 3 if any(n.level == 1 for n in stack) else 1
            self.notes.append(f"“{number}、”按{'三' if level == 3 else '一'}级标题处理：{rest[:16]}")
        while stack and stack[-1].level >= level:
            stack.pop()
        if stack and level > stack[-1].level + 1:
            level = stack[-1].level + 1  # a skipped level: attach one below its parent
        node = Node(level, title, number, run_in, [body] if body else [])
        if stack:
            stack[-1].children.append(node)
        else:
            roots.append(node)
        stack.append(node)


class _Styles:
    """Paragraph styles by id: name and own alignment (read once; python-docx looks a style up by XPath each time)."""

    def __init__(self, root: Any) -> None:
        self.styles: dict[str | None, tuple[str, str]] = {}
        default: tuple[str, str] = ("", "")
        for style in root.findall(_W + "style") if root is not None else []:
            if style.get(_W + "type", "paragraph") != "paragraph":
                continue
            name = style.find(_W + "name")
            jc = style.find(f"{_W}pPr/{_W}jc")
            info = (str(name.get(W_VAL, "")) if name is not None else "", str(jc.get(W_VAL, "")) if jc is not None
                    else "")
            if style.get(_W + "styleId") is not None:
                self.styles.setdefault(style.get(_W + "styleId"), info)
            if style.get(_W + "default") in ("1", "true", "on"):
                default = info
        self.default = default

    def _of(self, p: Any) -> tuple[str, str]:
        ref = p.find(f"{_W}pPr/{_W}pStyle")
        return self.styles.get(ref.get(W_VAL) if ref is not None else None, self.default)

    def name(self, p: Any) -> str:
        return self._of(p)[0]

    def alignment(self, p: Any) -> str:
        return self._of(p)[1]


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


def _split_run_in(text: str) -> tuple[str, str, bool]:
    """A run-in heading: its title ends at the first full stop, the body follows in the same paragraph."""
    stop = text.find("。")
    if 0 < stop < len(text) - 1 and stop <= 60:
        return text[:stop], text[stop + 1:].strip(), True
    return text.rstrip("。"), "", False


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


def _read(source: Path) -> ImportResult:
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
        return _Reader(document, body).read()
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


def _check_result(result: ImportResult, source: Path) -> tuple[str, Report]:
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
        return text, loads_report(text, str(source))
    except DataError as e:
        raise DataError(str(source), [Problem(p.path, f"导入结果无法作为报告数据使用：{p.message}")
                                      for p in e.problems]) from None


def import_docx(path: str | Path) -> ImportResult:
    """Recover report data (the generic-section form) from a .docx.

    Raises DataError naming the .docx when it cannot be read, is larger than the bounds above, or (which the
    reader is written to prevent) what was recovered would not load as report data."""
    return import_to_yaml(path)[0]


def import_to_yaml(path: str | Path) -> tuple[ImportResult, str, Report]:
    """What ``edureport import`` writes: the recovered data, its YAML (as :func:`to_yaml` writes it for this file)
    and the report that YAML loads as, checked once. Raises DataError naming the .docx, like :func:`import_docx`."""
    source = Path(path)
    result = _read(source)
    text, report = _check_result(result, source)
    return result, text, report
