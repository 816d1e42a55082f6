"""Report markup → document tree, with heading numbers computed.

Templates emit a small XML vocabulary (documented in ARCHITECTURE.md). It is read with lxml's parser, never with
string matching, and every value in it was escaped by the template engine, so user text arrives here as text.
Sections become :class:`~edureport.tree.Heading` blocks numbered by :class:`~edureport.numbering.Counter`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Set

from lxml import etree

from . import tree
from .errors import LayoutError, TemplateError
from .model import MAX_HEADING_LEVEL
from .numbering import Counter, heading_label

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True, huge_tree=True,
                          load_dtd=False)
# Indentation a template puts around elements always holds a line break; user text never does (the loader refuses
# one), so only whitespace with a line break in it is template layout. A user's own spaces are kept.
_LEADING_LAYOUT = re.compile(r"^[ \t]*\n\s*")
_TRAILING_LAYOUT = re.compile(r"\s*\n[ \t]*$")
_SECTION_CHILDREN = frozenset({"heading", "p", "section", "table", "table-title"})


def _trim(text: str, start: bool = True, end: bool = True) -> str:
    if "\n" not in text:  # no template layout in it (most text): nothing to trim
        return text
    if start:
        text = _LEADING_LAYOUT.sub("", text)
    if end:
        text = _TRAILING_LAYOUT.sub("", text)
    return text


def _name(node: etree._Element) -> str:
    """An element's name as a message shows it: a processing instruction or a comment by what it is (lxml gives them
    a factory function as their tag, whose text would name a memory address)."""
    tag = node.tag
    if isinstance(tag, str):
        return tag
    if tag is etree.ProcessingInstruction:
        return f"?{getattr(node, 'target', '')}"
    return "!--" if tag is etree.Comment else "?"


class _Builder:
    def __init__(self, template: str, level3_period: str, run_in_end: str) -> None:
        self.template = template
        self.level3_period = level3_period
        self.run_in_end = run_in_end
        self.blocks: list[tree.Block] = []

    # --- helpers -------------------------------------------------------------------------------------------

    def fail(self, el: etree._Element, message: str) -> TemplateError:
        return TemplateError(f"模板输出的报告标记有误（输出第{el.sourceline}行）：{message}", self.template, None)

    def text(self, el: etree._Element) -> str:
        for child in el:
            raise self.fail(child, f"<{el.tag}> 中不能包含 <{_name(child)}>")
        return _trim(el.text or "")

    def runs(self, el: etree._Element, role: str = "body") -> tree.Runs:
        """Text that may hold <fill> placeholders (a draft's values still to be filled in)."""
        runs = []
        lead = _trim(el.text or "", end=not len(el))
        if lead:
            runs.append(tree.Run(lead, role))
        for child in el:
            if child.tag != "fill":
                raise self.fail(child, f"<{el.tag}> 中不能包含 <{_name(child)}>（只允许 <fill>）")
            runs.append(tree.Run(self.text(child), role, placeholder=True))
            if child.tail:
                tail = _trim(child.tail, start=False) if child is el[-1] else child.tail
                if tail:
                    runs.append(tree.Run(tail, role))
        return tuple(runs)

    def child_runs(self, el: etree._Element, tag: str, role: str = "body") -> tree.Runs | None:
        found = el.find(tag)
        return None if found is None else self.runs(found, role)

    def child_text(self, el: etree._Element, tag: str) -> str | None:
        found = el.find(tag)
        return None if found is None else self.text(found)

    def children(self, el: etree._Element, allowed: Set[str]) -> Iterator[etree._Element]:
        for child in el:
            if child.tag not in allowed:
                raise self.refuse(el, child, allowed)
            yield child

    def refuse(self, el: etree._Element, child: etree._Element, allowed: Set[str]) -> TemplateError:
        return self.fail(child, f"<{el.tag}> 中不能出现 <{_name(child)}>；允许：{'、'.join(sorted(allowed))}")

    # --- elements --------------------------------------------------------------------------------------------

    def report(self, root: etree._Element) -> tree.Document:
        if root.tag != "report":
            raise self.fail(root, f"根元素应为 <report>，实际是 <{_name(root)}>")
        counter = Counter(MAX_HEADING_LEVEL)
        handlers: dict[str, Callable[[etree._Element], None]] = {
            "header": self.header,
            "title": lambda el: self.blocks.append(tree.Title(tuple(self.text(x) for x in
                                                                   self.children(el, {"line"})))),
            "addressee": lambda el: self.blocks.append(tree.Addressee(self.text(el))),
            "p": self.paragraph,
            "section": lambda el: self.section(el, 1, counter, ()),
            "attachment-notes": self.attachment_notes,
            "signature": self.signature,
            "note": lambda el: self.blocks.append(tree.Note(self.text(el))),
            "attachment": self.attachment,
            "colophon": self.colophon,
        }
        for el in self.children(root, set(handlers)):
            handlers[el.tag](el)
        return tree.Document(tuple(self.blocks))

    def header(self, el: etree._Element) -> None:
        allowed = {"copy-number", "secrecy", "urgency", "issuer-mark", "doc-number", "signer"}
        list(self.children(el, allowed))
        mark = self.child_text(el, "issuer-mark")
        if not mark:
            raise self.fail(el, "<header> 必须有 <issuer-mark>")
        signer = el.find("signer")
        self.blocks.append(tree.HeaderBlock(
            issuer_mark=mark,
            copy_number=self.child_text(el, "copy-number"),
            secrecy=self.child_text(el, "secrecy"),
            urgency=self.child_text(el, "urgency"),
            doc_number=self.child_runs(el, "doc-number"),
            signer_label=None if signer is None else self.child_text(signer, "label"),
            signer_name=None if signer is None else self.child_text(signer, "name"),
        ))

    def paragraph(self, el: etree._Element) -> None:
        self.blocks.append(tree.Paragraph(self.runs(el)))

    def section(self, el: etree._Element, level: int, counter: Counter, parents: tuple[str, ...]) -> None:
        # one pass over the children (a section holds most of a report); what is wrong is reported in the order it
        # is checked: the heading, the level, then the first child a section may not hold
        heading_el: etree._Element | None = None
        refused: etree._Element | None = None
        rest = []
        for child in el:
            tag = child.tag
            if tag == "heading":
                if heading_el is None:
                    heading_el = child
            elif tag in _SECTION_CHILDREN:
                rest.append(child)
            elif refused is None:
                refused = child
        if heading_el is None:
            raise self.fail(el, "<section> 必须有 <heading>")
        title = self.text(heading_el)
        if level > MAX_HEADING_LEVEL:
            chain = " › ".join((*parents, title))
            raise LayoutError(f"标题“{chain}”是第{level}级；公文标题最多四级（一、（一）1.（1）），请减少嵌套")
        if refused is not None:
            raise self.refuse(el, refused, _SECTION_CHILDREN)
        number = counter.enter(level, restart_children=el.get("numbering", "restart") != "continue")
        label = heading_label(level, number, level3_period=self.level3_period)
        run_in = el.get("run-in") == "true"
        if run_in and rest and rest[0].tag == "p":
            body = self.runs(rest.pop(0))
            if not title.endswith(("。", "？", "！", "?", "!")):
                title += self.run_in_end
            self.blocks.append(tree.Heading(level, label, title, run_in=True, body=body))
        else:  # a run-in heading with no text of its own to run into stands alone
            self.blocks.append(tree.Heading(level, label, title))
        blocks = self.blocks
        for child in rest:
            tag = child.tag
            if tag == "p" and not len(child):  # a paragraph of plain text, most of a report: self.paragraph inlined
                text = _trim(child.text or "")
                blocks.append(tree.Paragraph((tree.Run(text),) if text else ()))
            elif tag == "section":
                self.section(child, level + 1, counter, (*parents, title))
            else:
                self.content(child)

    def content(self, el: etree._Element) -> None:
        if el.tag == "p":
            self.paragraph(el)
        elif el.tag == "table":
            self.table(el)
        elif el.tag == "table-title":
            self.blocks.append(tree.TableTitle(self.text(el)))

    def attachment_notes(self, el: etree._Element) -> None:
        items = tuple(self.text(x) for x in self.children(el, {"item"}))
        self.blocks.append(tree.AttachmentNotes(el.get("label", "附件："), items))

    def signature(self, el: etree._Element) -> None:
        list(self.children(el, {"issuer", "date"}))
        date = self.child_runs(el, "date")
        if not date:
            raise self.fail(el, "<signature> 必须有 <date>")
        self.blocks.append(tree.Signature(date, self.child_text(el, "issuer"), el.get("seal") == "true"))

    def attachment(self, el: etree._Element) -> None:
        counter = Counter(MAX_HEADING_LEVEL)  # numbering starts afresh in each attachment
        label = self.child_text(el, "label") or "附件"
        title = self.child_text(el, "title") or ""
        self.blocks.append(tree.AttachmentStart(label, title))
        for child in self.children(el, {"label", "title", "p", "table", "table-title", "section"}):
            if child.tag == "section":
                self.section(child, 1, counter, (title,))
            elif child.tag not in ("label", "title"):
                self.content(child)

    def table(self, el: etree._Element) -> None:
        rows = []
        header_rows = 0
        for row in self.children(el, {"row"}):
            cells = tuple(self.text(c) for c in self.children(row, {"cell"}))
            if not cells:
                raise self.fail(row, "<row> 中至少要有一个 <cell>")
            rows.append(cells)
            if row.get("header") == "true":
                header_rows += 1
        if not rows:
            raise self.fail(el, "<table> 中至少要有一行 <row>")
        columns = max(len(r) for r in rows)
        widths_attr = el.get("widths")
        widths = None
        if widths_attr:
            if not re.fullmatch(r"\s*\d{1,4}(\s+\d{1,4})*\s*", widths_attr):
                raise self.fail(el, f"<table widths=\"{widths_attr}\"> 应为以空格分隔的正整数")
            widths = tuple(int(w) for w in widths_attr.split())
            if len(widths) != columns or not all(widths):
                raise self.fail(el, f"<table widths> 给了{len(widths)}个列宽，表格有{columns}列；列宽须为正整数")
        align_attr = el.get("align")
        align = tuple(align_attr.split()) if align_attr else None
        if align is not None and (len(align) != columns or any(a not in ("left", "center", "right") for a in align)):
            raise self.fail(el, f"<table align=\"{align_attr}\"> 应为{columns}个 left、center 或 right")
        self.blocks.append(tree.Table(tuple(rows), header_rows, widths, align))

    def colophon(self, el: etree._Element) -> None:
        list(self.children(el, {"cc", "printer", "print-date"}))
        printer = self.child_text(el, "printer") or ""
        self.blocks.append(tree.Colophon(printer, self.child_runs(el, "print-date", "colophon") or (),
                                         self.child_text(el, "cc")))


def parse_markup(markup: str, *, template: str = "report.xml.j2", level3_period: str = ".",
                 run_in_end: str = "。") -> tree.Document:
    """Parse report markup into a document tree, numbering the headings."""
    try:
        try:
            root = etree.fromstring(markup, _PARSER)  # the text itself: no UTF-8 copy to make
        except ValueError:  # a template wrote an XML declaration with an encoding, which lxml refuses on text
            root = etree.fromstring(markup.encode("utf-8"), _PARSER)
    except etree.XMLSyntaxError as e:
        raise TemplateError(f"模板输出的报告标记不是有效的 XML（输出第{e.lineno}行）：{e.msg}", template, None) from None
    return _Builder(template, level3_period, run_in_end).report(root)
