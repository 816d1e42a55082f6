"""``edureport import REPORT.docx``: recover report data from a .docx written by a person in Word or WPS (or by
edureport), so that last year's file can be rolled over.

Read with python-docx. Recovered: the 版头 (份号, 密级, 紧急程度, 发文机关标志, 发文字号, 签发人), the title, the
addressee, the numbered hierarchy 一、（一）1.（1）— from typed labels (including the usual mistakes: "1、" at level 1,
half-width "(一)", "（一）、"), from Word list numbering whose label is not in the text, from heading styles and outline
levels — run-in headings, paragraphs, 附件说明 and attachments, the signature and date, 附注 and the 版记. A
numbering that runs on across parents becomes ``numbering: continue``. Anything that cannot be placed is kept as a
paragraph and reported; nothing is dropped.
"""

from __future__ import annotations

import io
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docx
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from .errors import DataError, Problem
from .numbering import numeral_value

_CN = "一二三四五六七八九十"
_LABELS: list[tuple[int, re.Pattern[str]]] = [
    (1, re.compile(rf"^\s*([{_CN}]+)\s*[、．.]\s*")),
    (2, re.compile(rf"^\s*[（(]\s*([{_CN}]+)\s*[）)]\s*[、.．]?\s*")),
    (3, re.compile(r"^\s*(\d+)\s*[.．、](?!\d)\s*")),
    (4, re.compile(r"^\s*[（(]\s*(\d+)\s*[）)]\s*")),
]
# a 发文字号 line: a short organ code, the year in brackets (any of the usual wrong ones too), the serial
_DOC_NUMBER = re.compile(r"^\s*([\u4e00-\u9fff]{1,12})\s*[〔\[【（(](\d{4})[〕\]】）)]\s*第?0*(\d+)\s*号")
_AMBIGUOUS = re.compile(r"^\s*\d+\s*、")  # "1、": level 1 written wrongly, or level 3 written wrongly
_DATE = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$")
_ATTACHMENT_LABEL = re.compile(r"^\s*附件\s*(\d*)\s*$")
_ATTACHMENT_NOTE = re.compile(r"^\s*附件[：:]\s*(?:\d+[.．、])?\s*(.+)$")
_NOTE = re.compile(r"^\s*[（(](.+)[）)]\s*$")


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
    notes: list[str]  # what could not be placed exactly, for a person to check


class _Numbering:
    """Labels Word draws from list numbering (w:numPr): the level is read from the number format and text."""

    def __init__(self, document: DocxDocument) -> None:
        self.levels: dict[tuple[str, str], int] = {}  # (numId, ilvl) → heading level
        if not any(rel.reltype == RT.NUMBERING for rel in document.part.rels.values()):
            return  # no list numbering in this file (python-docx cannot create the part on read)
        root = document.part.numbering_part.element
        abstract = {a.get(qn("w:abstractNumId")): a for a in root.findall(qn("w:abstractNum"))}
        for num in root.findall(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            definition = abstract.get(ref.get(qn("w:val")) if ref is not None else None)
            if definition is None:
                continue
            for lvl in definition.findall(qn("w:lvl")):
                fmt = lvl.find(qn("w:numFmt"))
                text = lvl.find(qn("w:lvlText"))
                level = _level_of_format(fmt.get(qn("w:val")) if fmt is not None else "",
                                         text.get(qn("w:val")) if text is not None else "")
                if level:
                    self.levels[(str(num.get(qn("w:numId"))), str(lvl.get(qn("w:ilvl"))))] = level

    def level(self, paragraph: DocxParagraph) -> int | None:
        num = paragraph._p.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
        num_id = num.find(qn("w:numId")) if num is not None else None
        if num is None or num_id is None:
            return None
        ilvl = num.find(qn("w:ilvl"))
        key = (str(num_id.get(qn("w:val"))), str(ilvl.get(qn("w:val"))) if ilvl is not None else "0")
        return self.levels.get(key)


def _level_of_format(fmt: str, text: str) -> int | None:
    chinese = fmt in ("chineseCounting", "chineseCountingThousand", "ideographTraditional", "taiwaneseCounting")
    bracketed = text.startswith(("（", "("))
    if chinese:
        return 2 if bracketed else 1
    if fmt in ("decimal", "decimalFullWidth"):
        return 4 if bracketed else 3
    return None


def _outline_level(paragraph: DocxParagraph) -> int | None:
    props = paragraph._p.pPr
    node = props.find(qn("w:outlineLvl")) if props is not None else None
    value = node.get(qn("w:val")) if node is not None else None
    if value is not None and value.isdigit():
        level = int(value) + 1
        return level if 1 <= level <= 4 else None
    style = paragraph.style.name if paragraph.style is not None else ""
    m = re.search(r"(?:Heading|标题)\s*(\d)", style or "")
    return int(m.group(1)) if m and 1 <= int(m.group(1)) <= 4 else None


class _Reader:
    def __init__(self, document: DocxDocument) -> None:
        self.document = document
        self.numbering = _Numbering(document)
        self.notes: list[str] = []

    def classify(self, paragraph: DocxParagraph, text: str) -> tuple[int, int, str] | None:
        """(level, number, text without label) for a heading paragraph, else None."""
        word_level = self.numbering.level(paragraph)
        if word_level is not None:  # Word draws the label; the text has none
            return word_level, 0, text.strip()
        for level, pattern in _LABELS:
            m = pattern.match(text)
            if m and text[m.end():].strip():
                if level == 3 and _AMBIGUOUS.match(text):
                    level = 0  # decided by where it stands (see _place)
                return level, numeral_value(m.group(1)), text[m.end():].strip()
        outline = _outline_level(paragraph)
        if outline is not None and len(text) < 60:
            return outline, 0, text.strip()
        return None

    def read(self) -> ImportResult:
        items: list[tuple[str, Any, Any]] = []  # (kind, paragraph or table, text)
        for block in self.document.iter_inner_content():
            if isinstance(block, DocxTable):
                items.append(("table", block, None))
                continue
            text = block.text
            if text.strip():
                items.append(("p", block, text))
        data: dict[str, Any] = {}
        i = self._header(items, data)
        i = self._title(items, i, data)
        body_end, tail = self._tail(items, i, data)
        self._body(items[i:body_end], data)
        self._attachments(tail, data)
        self._colophon(data)
        return ImportResult(data, self.notes)

    # --- 版头 ---------------------------------------------------------------------------------------------------

    def _header(self, items: list[tuple[str, Any, Any]], data: dict[str, Any]) -> int:
        """Lines before the 发文字号: 份号, 密级, 紧急程度, the issuer mark."""
        for j, (kind, _, text) in enumerate(items[:8]):
            if kind != "p" or not _DOC_NUMBER.match(text) or len(text.split("签发人")[0].strip()) > 24:
                continue
            header: dict[str, Any] = {}
            marks = []
            for _, _, before in items[:j]:
                line = before.strip()
                if re.fullmatch(r"\d{6}", line):
                    header["copy_number"] = line
                elif "★" in line or line.startswith(("绝密", "机密", "秘密")):
                    header["secrecy"] = line
                elif line in ("特急", "加急"):
                    header["urgency"] = line
                else:
                    marks.append(line)
            m = _DOC_NUMBER.match(text)
            assert m is not None
            header = {"issuer_mark": "".join(marks) or m.group(1), **header,
                      "doc_number": {"organ": m.group(1), "year": int(m.group(2)), "serial": int(m.group(3))}}
            signer = re.search(r"签发人[：:]\s*(.+)$", text)
            if signer:
                header["signer"] = re.sub(r"\s+", "", signer.group(1))
            data["header"] = header
            return j + 1
        return 0

    def _title(self, items: list[tuple[str, Any, Any]], i: int, data: dict[str, Any]) -> int:
        lines: list[str] = []
        while i < len(items) and items[i][0] == "p":
            paragraph, text = items[i][1], items[i][2]
            centred = paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER or (
                paragraph.style is not None and paragraph.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER)
            if not centred and lines:
                break
            if not centred and not lines:
                lines.append(text.strip())  # a title that is not centred: the first line, as it is
                i += 1
                break
            lines += [part.strip() for part in text.split("\n") if part.strip()]
            i += 1
        if lines:
            data["title"] = lines if len(lines) > 1 else lines[0]
        if i < len(items) and items[i][0] == "p":
            text = items[i][2].strip()
            if text.endswith(("：", ":")) and len(text) <= 40 and not any(p.match(text) for _, p in _LABELS):
                data["addressee"] = text.rstrip("：:")
                i += 1
        return i

    # --- 附件说明, 署名, 附注, 附件 -----------------------------------------------------------------------------

    def _tail(self, items: list[tuple[str, Any, Any]], start: int, data: dict[str, Any]) -> tuple[int, list[Any]]:
        """Find where the body ends: the signature date, the 附件说明, the attachments."""
        attachment_at = next((k for k in range(start, len(items)) if items[k][0] == "p"
                              and _ATTACHMENT_LABEL.match(items[k][2])), len(items))
        end = attachment_at
        date_at = next((k for k in range(attachment_at - 1, start - 1, -1) if items[k][0] == "p"
                        and _DATE.match(items[k][2])), None)
        if date_at is not None:
            m = _DATE.match(items[date_at][2])
            assert m is not None
            signature: dict[str, Any] = {"date": f"{int(m[1]):04d}-{int(m[2]):02d}-{int(m[3]):02d}"}
            end = date_at
            if date_at > start and items[date_at - 1][0] == "p" and _is_signature_line(items[date_at - 1][1]):
                signature = {"issuer": items[date_at - 1][2].strip(), **signature}
                end = date_at - 1
            data["signature"] = signature
            for k in range(date_at + 1, attachment_at):
                note = _NOTE.match(items[k][2]) if items[k][0] == "p" else None
                if note and "note" not in data:
                    data["note"] = note.group(1)
                else:
                    self.notes.append(f"署名之后的内容无法归位，已放入最后一部分：{str(items[k][2])[:20]}")
                    data.setdefault("_stray", []).append(items[k])
        # 附件说明 just before the signature: "附件：1.名称" and the following "2.名称" lines
        names: list[str] = []
        k = end - 1
        while k >= start and items[k][0] == "p":
            text = items[k][2]
            first = _ATTACHMENT_NOTE.match(text)
            if first:
                names.insert(0, first.group(1).strip())
                data["_attachment_names"] = names
                end = k
                break
            more = re.match(r"^\s*\d+[.．、]\s*(.+)$", text)
            if not more or attachment_at == len(items):
                break
            names.insert(0, more.group(1).strip())
            k -= 1
        return end, items[attachment_at:]

    def _attachments(self, tail: list[tuple[str, Any, Any]], data: dict[str, Any]) -> None:
        names = data.pop("_attachment_names", [])
        attachments: list[dict[str, Any]] = []
        for kind, block, text in tail:
            if kind == "p" and _ATTACHMENT_LABEL.match(text):
                attachments.append({"title": None, "paragraphs": [], "tables": []})
                continue
            if not attachments:
                continue
            current = attachments[-1]
            if kind == "table":
                rows = [[cell.text for cell in row.cells] for row in block.rows]
                if rows:
                    current["tables"].append({"columns": rows[0], "rows": rows[1:]})
            elif current["title"] is None:
                current["title"] = text.strip()
            else:
                current["paragraphs"].append(text.strip())
        for j, attachment in enumerate(attachments):
            if attachment["title"] is None:
                attachment["title"] = names[j] if j < len(names) else f"附件{j + 1}"
            for key in ("paragraphs", "tables"):
                if not attachment[key]:
                    del attachment[key]
        if attachments:
            data["attachments"] = attachments
        elif names:
            self.notes.append("有附件说明但没有找到附件页，附件名称已保留为正文段落")

    # --- 正文 -------------------------------------------------------------------------------------------------

    def _body(self, items: list[tuple[str, Any, Any]], data: dict[str, Any]) -> None:
        opening: list[str] = []
        roots: list[Node] = []
        stack: list[Node] = []
        headings: list[tuple[int, int, str, Any, str]] = []
        for kind, block, text in items:
            if kind == "table":
                cells = [[cell.text for cell in row.cells] for row in block.rows]
                if stack and cells and all(len(r) == len(cells[0]) for r in cells):  # a table of a part of the body
                    stack[-1].tables.append({"columns": cells[0], "rows": cells[1:]})
                    continue
                self.notes.append("正文中的表格已转为段落（每行一段），请核对")
                parsed: tuple[int, int, str] | None = None
                for row in ["　".join(r) for r in cells]:
                    self._place(row, parsed, block, opening, roots, stack)
                continue
            parsed = self.classify(block, text)
            if parsed is not None:
                headings.append((*parsed, block, text))
            self._place(text, parsed, block, opening, roots, stack)
        _mark_continued(roots)
        if opening:
            data["opening"] = opening
        if roots:
            data["sections"] = [r.data() for r in roots]

    def _place(self, text: str, parsed: tuple[int, int, str] | None, block: Any, opening: list[str],
               roots: list[Node], stack: list[Node]) -> None:
        if parsed is None:
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
        title, body, run_in = _split_run_in(rest)
        node = Node(level, title, number, run_in, [body] if body else [])
        if stack:
            stack[-1].children.append(node)
        else:
            roots.append(node)
        stack.append(node)

    # --- 版记 -------------------------------------------------------------------------------------------------

    def _colophon(self, data: dict[str, Any]) -> None:
        body = self.document.element.body
        lines = ["".join(t.text or "" for t in p.iter(qn("w:t")))
                 for box in body.iter(qn("w:txbxContent")) for p in box.iter(qn("w:p"))]
        printed = next((line for line in lines if line.rstrip().endswith("印发")), None)
        if printed is None:
            return
        m = re.match(r"^\s*(.+?)\s+(\d{4}年\d{1,2}月\d{1,2}日)印发\s*$", printed.replace("\t", " "))
        if not m:
            self.notes.append(f"版记无法识别：{printed}")
            return
        d = _DATE.match(m.group(2))
        assert d is not None
        colophon: dict[str, Any] = {"printer": m.group(1).strip(),
                                    "print_date": f"{int(d[1]):04d}-{int(d[2]):02d}-{int(d[3]):02d}"}
        cc = next((line for line in lines if line.lstrip().startswith("抄送")), None)
        if cc:
            colophon["cc"] = [x for x in re.split("[，,、]", re.sub(r"^\s*抄送[：:]", "", cc).rstrip("。.")) if x]
        data["colophon"] = colophon


def _is_signature_line(paragraph: DocxParagraph) -> bool:
    text = paragraph.text.strip()
    right = paragraph.alignment in (WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.CENTER)
    indented = paragraph.paragraph_format.left_indent is not None and paragraph.paragraph_format.left_indent > 0
    return len(text) <= 30 and not text.endswith(("。", "；")) and (right or indented or len(text) <= 20)


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
    head = [f"由 edureport import 从 {Path(source).name} 导入；标题编号已去掉，生成时自动编号。",
            "请先核对，再用 edureport rollover 生成下一年的数据。"] + [f"请核对：{note}" for note in result.notes]
    data = CommentedMap(result.data)
    data.yaml_set_start_comment("\n".join(head))
    yaml = YAML(typ="rt")
    yaml.width = 4096
    yaml.dump(data, out)
    return out.getvalue()


def import_docx(path: str | Path) -> ImportResult:
    """Recover report data (the generic-section form) from a .docx."""
    source = Path(path)
    try:
        document = docx.Document(str(source))
    except Exception as e:
        message = f"无法读取 .docx 文件（{type(e).__name__}）；请确认是 Word 文档而不是 .doc 或其他格式"
        raise DataError(str(source), [Problem("", message)]) from None
    result = _Reader(document).read()
    stray = result.data.pop("_stray", [])
    if stray and result.data.get("sections"):
        result.data["sections"][-1].setdefault("paragraphs", []).extend(s[2] for s in stray)
    return result
