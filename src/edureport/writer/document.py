"""Stage 5: document tree + layout profile → word/document.xml, and the .docx around it.

Formatting lives in the styles (``parts.py``, built once per profile): a paragraph names its style, a run of its
style's own role carries no properties, so editing a style in Word or WPS restyles every paragraph of it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import cast

import attrs
from docx.enum.text import WD_COLOR_INDEX, WD_LINE_SPACING, WD_PARAGRAPH_ALIGNMENT, WD_TAB_ALIGNMENT
from docx.shared import Length, Pt

from .. import tree
from ..errors import LayoutError
from ..profile import Profile, Role
from .layout import mark_size, text_width
from .oxml import (
    DOCUMENT_END,
    DOCUMENT_START,
    T_OPEN,
    TBL_BORDERS_SEQUENCE,
    TEXT_NODE_CHARS,
    Border,
    Fonts,
    Indentation,
    ParagraphProperties,
    RunProperties,
    Spacing,
    TabStop,
    Unit,
    el,
    fragment,
    measure,
    text_xml,
)
from .package import CT, RT, Part, assemble
from .parts import PARAGRAPH_STYLES, profile_parts
from .titles import title_lines  # clause 7.3.1: a title too wide for the type area is broken by words

_LEFT, _CENTER, _RIGHT = WD_PARAGRAPH_ALIGNMENT.LEFT, WD_PARAGRAPH_ALIGNMENT.CENTER, WD_PARAGRAPH_ALIGNMENT.RIGHT
_LEFT_ALIGNED = ParagraphProperties(alignment=_LEFT)
_KEEP_NEXT = ParagraphProperties(keep_next=True)
_NO_RUN_PROPERTIES = RunProperties()
_NO_PARAGRAPH_PROPERTIES = ParagraphProperties()
#: the paragraph that closes a section after a table (a table cannot hold the section's properties): one point high
_AFTER_TABLE = ParagraphProperties(snap_to_grid=False, spacing=Spacing.exact(Pt(1)))
_RUN_IN = ParagraphProperties(keep_next=False)  # a run-in heading runs on into its text: not kept with the next
_P_END = b"</w:t></w:r></w:p>"
_DOCUMENT_START, _DOCUMENT_END = DOCUMENT_START.encode(), DOCUMENT_END.encode()
_NONE = Length(0)
#: a kind of one-run paragraph ``_Writer.build`` writes itself: a heading's level, a body paragraph's run role (with
#: True for a placeholder)
_OneRun = int | str | tuple[str, bool]


def _indented(*, left: Length | None = None, right: Length | None = None, keep_next: bool | None = None,
              alignment: WD_PARAGRAPH_ALIGNMENT | None = None) -> ParagraphProperties:
    """A paragraph indented from the left or the right without the body's first-line indent (署名, 成文日期 …)."""
    return ParagraphProperties(keep_next=keep_next, alignment=alignment,
                               indentation=Indentation(left=left, right=right, first_line=_NONE))


def _highlight(name: str) -> WD_COLOR_INDEX:
    """The profile's highlight colour name (a Word highlight colour, checked when the profile was read) as
    python-docx's enumeration."""
    return WD_COLOR_INDEX.from_xml(name)


class _Paragraph:
    """A w:p being written, as XML text: its properties (w:pPr), the role of its style and its runs (w:r)."""

    __slots__ = ("host", "ppr", "runs")

    def __init__(self, ppr_xml: str, host: str) -> None:
        self.ppr = ppr_xml
        self.host = host
        self.runs: list[str] = []

    def xml(self) -> str:
        return f"<w:p>{self.ppr}{''.join(self.runs)}</w:p>"


class _Writer:
    """Writes word/document.xml's body as XML text (why: the comment above ``oxml.fragment``): each distinct w:pPr
    and w:rPr is a typed value (``oxml.ParagraphProperties``, ``oxml.RunProperties``) whose XML text is built once;
    text goes through ``oxml.text_xml``, which escapes it as lxml does and refuses what XML cannot hold with lxml's
    error."""

    def __init__(self, profile: Profile) -> None:
        self.p = profile
        self.pitch = profile.grid.line_pitch
        # paragraphs (written as XML text, or being written), tables and section properties as XML text
        self.body: list[_Paragraph | bytes] = []
        self.open: list[int] = []  # where in ``body`` the paragraphs still being written are
        self.indent2 = profile.chars(profile.indents.first_line)
        # set while writing the blocks that must share a page with what follows (the text before a signature)
        self.keep_with_next = False
        self._rpr_cache: dict[tuple[str, Length | None, bool, str], str] = {}
        self._ppr_cache: dict[tuple[str, bool, ParagraphProperties | None], str] = {}
        self.colophon_section = False  # set once the 版记 has opened the last section
        self._style_roles = {style_id: role for style_id, (_, _, role, _) in PARAGRAPH_STYLES.items()}

    # --- runs and paragraphs ---------------------------------------------------------------------------------

    def role(self, name: str) -> Role:
        r: Role = getattr(self.p.roles, name)
        return r

    def run_properties(self, role_name: str, size: Length | None, placeholder: bool, host: str) -> str:
        """The w:rPr of a run of ``role_name`` in a paragraph whose style is ``host``'s, as XML text ("" when the
        style says it all). Runs of one role share their properties: built once, kept as XML text."""
        key = (role_name, size, placeholder, host)
        xml = self._rpr_cache.get(key)
        if xml is None:
            props = self._run_properties(role_name, size, placeholder, host)
            xml = self._rpr_cache[key] = "" if props == _NO_RUN_PROPERTIES else props.xml()
        return xml

    def run(self, paragraph: _Paragraph, value: str, role_name: str, *, size: Length | None = None,
            placeholder: bool = False, host: str | None = None, line_break: bool = False) -> None:
        """A run of ``role_name`` in ``paragraph``. Formatting lives in the paragraph's style: a run of the style's
        own role carries no properties (so editing the style in Word or WPS restyles it), a run of another role (a
        run-in heading's body, 签发人's name, a placeholder) only what differs from the style. ``host``: the role
        of the paragraph's style, when the caller knows it. ``line_break``: a w:br after the text."""
        props = self.run_properties(role_name, size, placeholder, paragraph.host if host is None else host)
        paragraph.runs.append(f"<w:r>{props}{text_xml(value)}<w:br/></w:r>" if line_break
                              else f"<w:r>{props}{text_xml(value)}</w:r>")

    def _run_properties(self, role_name: str, size: Length | None, placeholder: bool, host: str) -> RunProperties:
        role, style = self.role(role_name), self.role(host)
        highlight = _highlight(self.p.colors.placeholder) if placeholder else None
        if role_name == host:
            return RunProperties(size=size if size is not None and size != role.size else None, highlight=highlight)
        colour = self.p.color(role) if role.color != style.color else None
        if size is None and style.size != role.size:
            size = role.size
        spacing = None
        if style.spacing != role.spacing:
            spacing = role.spacing if role.spacing is not None else self.p.grid.char_spacing
        # bold off written out for a run in a paragraph whose style is bold
        bold = True if role.bold else (False if style.bold else None)
        return RunProperties(fonts=Fonts.chinese(self.p.fonts.latin, self.p.font(role)), bold=bold, color=colour,
                             character_spacing=spacing, size=size, highlight=highlight)

    def runs(self, paragraph: _Paragraph, runs: tree.Runs, role: str | None = None,
             host: str | None = None) -> None:
        for r in runs:
            self.run(paragraph, r.text, role or r.role, placeholder=r.placeholder, host=host)

    def paragraph_properties(self, style: str, props: ParagraphProperties | None, keep: bool) -> str:
        """A paragraph's w:pPr as XML text: its style, ``props``, and keep-with-next when ``keep``."""
        key = (style, keep, props)
        xml = self._ppr_cache.get(key)
        if xml is None:
            full = attrs.evolve(_NO_PARAGRAPH_PROPERTIES if props is None else props, style=style)
            xml = self._ppr_cache[key] = (attrs.evolve(full, keep_next=True) if keep else full).xml()
        return xml

    def para(self, style: str, props: ParagraphProperties | None = None, nested: bool = False) -> _Paragraph:
        """A paragraph of ``style``, appended to the body unless ``nested`` (a table cell's: the caller places it)."""
        paragraph = _Paragraph(self.paragraph_properties(style, props, self.keep_with_next and not nested),
                               self._style_roles[style])
        if not nested:
            self.open.append(len(self.body))
            self.body.append(paragraph)
        return paragraph

    def single_run(self, style: str, value: str, role: str, placeholder: bool = False) -> None:
        """A paragraph of ``style`` holding one run, the most common paragraph by far (body text, headings):
        appended as its finished XML text (no paragraph object and no list of runs: at 10,000 paragraphs those
        objects made Python's cycle collector scan them, a quarter of the render's time)."""
        ppr = self.paragraph_properties(style, None, self.keep_with_next)
        props = self.run_properties(role, None, placeholder, self._style_roles[style])
        self.body.append(f"<w:p>{ppr}<w:r>{props}{text_xml(value)}</w:r></w:p>".encode())

    def start_of(self, key: _OneRun) -> bytes:
        """For ``build``: a one-run paragraph's XML up to its text, as UTF-8. ``key``: a heading's level, or a body
        paragraph's run role (with True when a placeholder)."""
        if isinstance(key, int):
            style, role, placeholder = f"Heading{key}", f"heading{key}", False
        else:
            style, role, placeholder = "BodyText", *(key if isinstance(key, tuple) else (key, False))
        ppr = self.paragraph_properties(style, None, False)
        rpr = self.run_properties(role, None, placeholder, self._style_roles[style])
        return f"<w:p>{ppr}<w:r>{rpr}{T_OPEN}".encode()

    def blank(self, count: int = 1, keep_next: bool = False) -> None:
        for _ in range(count):
            self.para("Normal", _KEEP_NEXT if keep_next else None)

    # --- blocks ----------------------------------------------------------------------------------------------

    def header(self, b: tree.HeaderBlock) -> None:
        p = self.p
        above = 0
        for value, role in ((b.copy_number, "copy_number"), (b.secrecy, "secrecy"), (b.urgency, "urgency")):
            if value:
                self.run(self.para("Normal", _LEFT_ALIGNED), value, role)
                above += 1
        size = mark_size(b.issuer_mark, p)
        line = Length(round(size * 1.15))
        # the top of an exactly spaced line is where its glyphs start, so the mark's top edge is the line's top
        before = Length(max(0, p.header_block.mark_top - above * self.pitch))
        mark = self.para("IssuerMark", ParagraphProperties(snap_to_grid=False, spacing=Spacing(
            before=before, after=_NONE, line=line, line_rule=WD_LINE_SPACING.EXACTLY)))
        self.run(mark, b.issuer_mark, "issuer_mark", size=size)
        self.blank(p.header_block.lines_after_mark)
        rule = (Border("bottom", p.header_block.rule_width, p.colors.red, p.header_block.rule_gap),)
        side = p.chars(p.header_block.doc_number_side)
        if b.signer_name:
            # 上行文: number one character from the left, 签发人 one character from the right, on one line
            num = self.para("Normal", attrs.evolve(_indented(left=side, alignment=_LEFT), borders=rule,
                                                   tabs=(TabStop(WD_TAB_ALIGNMENT.RIGHT, Length(p.type_width - side)),)))
            self.runs(num, b.doc_number or ())
            self.run(num, "\t", "body")
            self.run(num, b.signer_label or "签发人：", "body")
            self.run(num, b.signer_name, "signer_name")
        else:
            num = self.para("Normal", ParagraphProperties(borders=rule, alignment=_CENTER))
            if b.doc_number:
                self.runs(num, b.doc_number)
        self.blank(p.header_block.lines_before_title)

    def title(self, b: tree.Title) -> None:
        para = self.para("DocTitle")
        lines = title_lines(b.lines, self.p)
        for i, line in enumerate(lines):
            self.run(para, line, "title", line_break=i < len(lines) - 1)

    def addressee(self, b: tree.Addressee) -> None:
        self.blank(self.p.body.lines_before_addressee)
        self.run(self.para("Normal", _LEFT_ALIGNED), b.text, "body")

    def paragraph(self, b: tree.Paragraph) -> None:
        """A body paragraph, most of a report (``build`` writes most of them itself, the same way)."""
        if len(b.runs) == 1:
            r = b.runs[0]
            self.single_run("BodyText", r.text, r.role, r.placeholder)
            return
        para = self.para("BodyText")
        for r in b.runs:
            self.run(para, r.text, r.role, placeholder=r.placeholder)

    def heading(self, b: tree.Heading) -> None:
        role = f"heading{b.level}"
        if b.run_in:
            # A run-in heading (（一）标题。正文……) is one paragraph in the heading's style, so Word's navigation
            # pane, an inserted 目录 and pandoc see the level; they show the whole paragraph as its text. Word's own
            # construction for a run-in heading (a heading paragraph whose mark is hidden with w:specVanish, then
            # the body paragraph) lists only the heading, but LibreOffice 7.4 lays it out on two lines (measured:
            # the heading alone on the first line), and the PDF and every LibreOffice or WPS user would see that.
            para = self.para(f"Heading{b.level}", _RUN_IN)
            self.run(para, b.label + b.title, role)
            self.runs(para, b.body, host=role)
        else:
            self.single_run(f"Heading{b.level}", b.label + b.title, role)

    def attachment_notes(self, b: tree.AttachmentNotes) -> None:
        self.blank(self.p.body.lines_before_attachment_notes)
        body = self.role("body")
        label_width = text_width(b.label, body, self.p)
        left = Length(self.indent2 + label_width)
        for i, item in enumerate(b.items):
            if i == 0:
                para = self.para("Normal", ParagraphProperties(indentation=Indentation(left=left,
                                                                                       hanging=label_width)))
                self.run(para, b.label, "body")
            else:
                para = self.para("Normal", _indented(left=left))
            self.run(para, item, "body")

    def signature(self, b: tree.Signature) -> None:
        p, s, body = self.p, self.p.signature, self.role("body")
        date_w = text_width(tree.plain(b.date), body, p)
        if b.seal:
            # 7.3.5.1: date 4 characters from the right; issuer centred over the date
            self.blank(s.seal_lines_before, keep_next=True)
            date_right = p.chars(s.seal_date_right)
            if b.issuer:
                issuer_w = text_width(b.issuer, body, p)
                right = Length(max(0, date_right + (date_w - issuer_w) // 2))
                self.run(self.para("Normal", _indented(right=right, keep_next=True, alignment=_RIGHT)), b.issuer,
                         "body")
            self.runs(self.para("Normal", _indented(right=date_right, alignment=_RIGHT)), b.date)
            return
        # 7.3.5.2: issuer 2 characters from the right; the date starts 2 characters right of the issuer's start
        self.blank(s.plain_lines_before, keep_next=True)
        issuer_right = p.chars(s.plain_issuer_right)
        if b.issuer:
            issuer_w = text_width(b.issuer, body, p)
            shift, date_right = p.chars(s.plain_date_shift), p.chars(s.plain_date_right)
            start = p.type_width - issuer_right - issuer_w + shift
            if start + date_w <= p.type_width - date_right:  # the date fits: it starts 2 characters right of the issuer
                self.run(self.para("Normal", _indented(right=issuer_right, keep_next=True, alignment=_RIGHT)),
                         b.issuer, "body")
                self.runs(self.para("Normal", _indented(left=Length(max(0, start)), alignment=_LEFT)), b.date)
                return
            # a date longer than the issuer: date 2 characters from the right, the issuer moved left to keep the shift
            issuer_right = Length(max(0, date_right + date_w + shift - issuer_w))
            self.run(self.para("Normal", _indented(right=issuer_right, keep_next=True, alignment=_RIGHT)), b.issuer,
                     "body")
            self.runs(self.para("Normal", _indented(right=date_right, alignment=_RIGHT)), b.date)
        else:
            self.runs(self.para("Normal", _indented(right=issuer_right, alignment=_RIGHT)), b.date)

    def note(self, b: tree.Note) -> None:
        self.run(self.para("BodyText"), b.text, "body")

    def attachment_start(self, b: tree.AttachmentStart) -> None:
        label = self.para("Normal", ParagraphProperties(page_break_before=True, alignment=_LEFT))
        self.run(label, b.label, "attachment_label")
        self.blank(self.p.body.title_lines_after_label)
        if b.title:
            para = self.para("DocTitle")
            lines = title_lines((b.title,), self.p)
            for i, line in enumerate(lines):
                self.run(para, line, "title", line_break=i < len(lines) - 1)
            self.blank(self.p.body.lines_after_attachment_title)

    def table_title(self, b: tree.TableTitle) -> None:
        self.run(self.para("Normal", ParagraphProperties(keep_next=True, alignment=_CENTER)), b.text, "heading1")

    def table(self, b: tree.Table) -> None:
        p = self.p
        columns = max((len(r) for r in b.rows), default=0) or 1  # a table of empty rows still has one column
        weights = list(b.widths) if b.widths and len(b.widths) == columns else [1] * columns
        total = int(p.type_width.twips)
        widths = [total * w // sum(weights) for w in weights]
        widths[-1] += total - sum(widths)  # the columns add up to the type-area width exactly
        tbl = el(None, "w:tbl")  # its properties and grid; the rows are written as text below
        props = el(tbl, "w:tblPr")
        el(props, "w:tblStyle", {"val": "TableGrid"})
        # WPS squeezes a table whose width is only implied: give it on tblW and on every gridCol
        el(props, "w:tblW", {"w": str(total), "type": "dxa"})
        el(props, "w:jc", {"val": "center"})
        borders = el(props, "w:tblBorders")
        for side in TBL_BORDERS_SEQUENCE:
            Border(side, p.table.border, p.colors.text).build(borders)
        el(props, "w:tblLayout", {"type": "fixed"})
        margins = el(props, "w:tblCellMar")
        el(margins, "w:left", {"w": measure(p.table.cell_margin, Unit.TWIPS), "type": "dxa"})
        el(margins, "w:right", {"w": measure(p.table.cell_margin, Unit.TWIPS), "type": "dxa"})
        grid = el(tbl, "w:tblGrid")
        for w in widths:
            el(grid, "w:gridCol", {"w": str(w)})
        start = fragment(tbl)
        xml = [start[:-len("</w:tbl>")]]
        header_props = el(None, "w:trPr")
        el(header_props, "w:tblHeader")
        header_start = f"<w:tr>{fragment(header_props)}"
        cell_starts = []
        for w in widths:
            cell_props = el(None, "w:tcPr")
            el(cell_props, "w:tcW", {"w": str(w), "type": "dxa"})
            cell_starts.append(f"<w:tc>{fragment(cell_props)}")
        header_cell = ParagraphProperties(alignment=_CENTER)
        # each column's body cells: aligned as the table says, or as the table style does
        body_cells = [ParagraphProperties(alignment=WD_PARAGRAPH_ALIGNMENT.from_xml(b.align[col]))
                      if b.align is not None and col < len(b.align) else None for col in range(len(widths))]
        for index, row in enumerate(b.rows):
            header = index < b.header_rows
            xml.append(header_start if header else "<w:tr>")
            for col, cell_start in enumerate(cell_starts):
                para = self.para("TableText", header_cell if header else body_cells[col], nested=True)
                value = row[col] if col < len(row) else ""
                if value:  # every cell keeps its paragraph even when empty (Word requires one)
                    self.run(para, value, "table")
                xml += (cell_start, para.xml(), "</w:tc>")
            xml.append("</w:tr>")
        xml.append("</w:tbl>")
        self.body.append("".join(xml).encode())

    def colophon(self, b: tree.Colophon) -> None:
        """版记 (clause 7.4) on a page of its own at the end, its last line on the last line of the type area.

        Its paragraphs are ordinary body paragraphs, so every reader sees them: pandoc, docx2python, python-docx's
        ``paragraphs``, mammoth, screen readers. (A text box anchored to the bottom of the page puts it there
        without knowing the layout, but pandoc and python-docx read no text box, and a VML mc:Fallback makes
        docx2python read it twice: measured with pandoc 2.17 and 3.9.) The page is the first of a section that
        starts on an even page (w:type evenPage): Word, WPS and LibreOffice insert the blank page when the body
        ends on an even page, so the 版记 is always on an even page (封四) without edureport knowing the layout;
        the section's footers are empty, so neither the blank page nor the 版记 page is numbered (clause 7.5).
        Word's w:framePr, a floating table and a bottom-aligned section would keep it on the body's last page,
        but LibreOffice 7.4 lays all three out at the top (measured), so the page of its own is the one layout
        every program agrees on."""
        p, c = self.p, self.p.colophon
        self.end_section()
        side = p.chars(c.side_indent, p.roles.colophon)
        black = p.colors.text
        rows: list[tuple[ParagraphProperties, tuple[tuple[str | None, tree.Runs | None], ...]]] = []
        if b.cc:
            rows.append((ParagraphProperties(
                borders=(Border("top", c.outer_rule, black), Border("bottom", c.inner_rule, black)),
                indentation=Indentation(left=side, right=side)), ((b.cc, None),)))
        rules = (Border("bottom", c.outer_rule, black),) if b.cc else (
            Border("top", c.outer_rule, black), Border("bottom", c.outer_rule, black))
        rows.append((ParagraphProperties(borders=rules, tabs=(TabStop(WD_TAB_ALIGNMENT.RIGHT,
                                                                      Length(p.type_width - side)),),
                                         indentation=Indentation(left=side)),
                     ((b.printer, None), ("\t", None), (None, b.date))))
        # Borders are drawn outside the exactly spaced lines, so they add their widths to the block's height
        height = Length(len(rows) * c.line_height + 2 * c.outer_rule + c.inner_rule + c.bottom_slack)
        if height > p.type_height:  # check_profile refuses such a profile; never a 版记 spilling off its page
            raise LayoutError(f"版记高 {height.mm:.1f}mm，超过版心高度 {Length(p.type_height).mm:g}mm，一页放不下 "
                              "@ 版式配置.colophon")
        self.para("Normal", ParagraphProperties(snap_to_grid=False,
                                                spacing=Spacing.exact(Length(p.type_height - height))))
        for i, (props, parts) in enumerate(rows):
            para = self.para("Colophon", attrs.evolve(props, keep_next=True) if i < len(rows) - 1 else props)
            for value, runs in parts:
                if value is not None:
                    self.run(para, value, "colophon")
                else:
                    self.runs(para, runs or (), "colophon")
        self.colophon_section = True

    def end_section(self) -> None:
        """Close the section the body is in: its properties go into the last paragraph's properties (a table
        cannot carry them, so after a table a one-point paragraph does)."""
        last = self.body[-1] if self.body else None
        end = "</w:pPr>"  # every paragraph has properties: at least its style; escaped text cannot hold this
        # a paragraph written as XML: ``build`` writes a body paragraph as three pieces (start, text, end)
        written = self.body[-3] if last is _P_END else last
        if isinstance(written, bytes) and written.startswith(b"<w:p>"):
            at = written.index(end.encode())
            self.body[-3 if last is _P_END else -1] = written[:at] + self.section_properties().encode() + written[at:]
            return
        if not isinstance(last, _Paragraph):
            last = self.para("Normal", _AFTER_TABLE)
        if not last.ppr.endswith(end):  # a programming error
            raise ValueError(f"paragraph properties expected, not {last.ppr!r}")
        last.ppr = f"{last.ppr[:-len(end)]}{self.section_properties()}{end}"

    # --- the whole document ----------------------------------------------------------------------------------

    def build(self, document: tree.Document) -> bytes:
        """word/document.xml."""
        handlers: dict[type, Callable[[object], None]] = {
            tree.HeaderBlock: self.header, tree.Title: self.title, tree.Addressee: self.addressee,  # type: ignore
            tree.Paragraph: self.paragraph, tree.Heading: self.heading,  # type: ignore
            tree.AttachmentNotes: self.attachment_notes, tree.Signature: self.signature,  # type: ignore
            tree.Note: self.note, tree.AttachmentStart: self.attachment_start,  # type: ignore
            tree.TableTitle: self.table_title, tree.Table: self.table, tree.Colophon: self.colophon,  # type: ignore
        }
        blocks = document.blocks
        # the signature never stands alone on a page: the block before it goes along, and when that is the 附件说明,
        # the block before the 附件说明 too
        keep: set[int] = set()
        signature = tree.Signature
        for i in [i for i, block in enumerate(blocks) if type(block) is signature and i > 0]:
            keep.add(i - 1)
            if i > 1 and isinstance(blocks[i - 1], tree.AttachmentNotes):
                keep.add(i - 2)
        # Paragraphs of one run (body text, headings) are most of a report; they are written here, in the loop, with
        # what they need looked up once: the XML up to the run's text (w:pPr, w:rPr) per kind of paragraph, and the
        # escaping of ``text_xml`` for text that needs none of its checks (other text goes the way of ``paragraph``
        # and ``heading``). At 10,000 paragraphs this halved the time of the body: a method call and a call of
        # text_xml per paragraph were most of it.
        body, paragraph, heading = self.body, tree.Paragraph, tree.Heading
        starts: dict[_OneRun, bytes] = {}  # the paragraph's XML up to its text, per kind (see ``start_of``)
        key: _OneRun | None
        for i, block in enumerate(blocks):
            if type(block) is paragraph and len(block.runs) == 1:
                r = block.runs[0]
                value = r.text
                key = (r.role, True) if r.placeholder else r.role  # a body paragraph: the run's role
            elif type(block) is heading and not block.run_in:
                value = block.label + block.title
                key = block.level  # a heading
            else:
                key = None
            # str.isprintable: the text holds none of the characters lxml refuses (``text_xml``), nor \r
            if key is not None and i not in keep and value.isprintable() and len(value) <= TEXT_NODE_CHARS:
                start = starts.get(key)
                if start is None:
                    start = starts[key] = self.start_of(key)
                if "&" in value or "<" in value or ">" in value:
                    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                # three pieces, not one string: the text is copied once, by the join below
                body += (start, value.encode(), _P_END)
                continue
            self.keep_with_next = i in keep
            handlers[type(block)](block)
        self.keep_with_next = False
        for at in self.open:  # the paragraphs written run by run, as text
            body[at] = cast(_Paragraph, body[at]).xml().encode()
        # one flat list of UTF-8 pieces joined once: the text of each run is encoded on its own (a text of Chinese
        # characters is two bytes a character in Python and three in UTF-8, so joining text first and encoding it
        # then copies more), and every other piece once, when it is finished
        body.insert(0, _DOCUMENT_START)
        body += (self.section_properties(colophon=self.colophon_section).encode(), _DOCUMENT_END)
        self.body = []
        return b"".join(body)  # type: ignore[arg-type]  # every piece is bytes now

    def section_properties(self, colophon: bool = False) -> str:
        """A section's properties (w:sectPr's XML). The 版记's section starts on an even page and has empty
        footers."""
        return _section_properties(self.p, colophon)


@functools.lru_cache(maxsize=16)
def _section_properties(p: Profile, colophon: bool) -> str:
    """``_Writer.section_properties``: the same for every document of a profile, so built once."""
    sect = el(None, "w:sectPr")
    footers = ("rIdFooterBlank", "rIdFooterBlank") if colophon else ("rIdFooterOdd", "rIdFooterEven")
    el(sect, "w:footerReference", {"r:id": footers[0], "type": "default"})
    el(sect, "w:footerReference", {"r:id": footers[1], "type": "even"})
    if colophon:
        el(sect, "w:type", {"val": "evenPage"})
    page = p.page

    def twips(length: Length) -> str:
        return measure(length, Unit.TWIPS)
    el(sect, "w:pgSz", {"w": twips(page.width), "h": twips(page.height)})
    el(sect, "w:pgMar", {"top": twips(page.margin_top), "right": twips(page.margin_right),
                         "bottom": twips(page.margin_bottom), "left": twips(page.margin_left),
                         "header": twips(Length(page.margin_top // 2)), "footer": twips(p.footer_distance),
                         "gutter": "0"})
    el(sect, "w:cols", {"space": "425"})
    el(sect, "w:docGrid", {"type": "lines", "linePitch": twips(p.grid.line_pitch)})
    return fragment(sect)


def write_docx(document: tree.Document, profile: Profile) -> bytes:
    """The .docx bytes for ``document`` laid out with ``profile``. Same input, same bytes."""
    writer = _Writer(profile)
    main = Part("word/document.xml", CT.WML_DOCUMENT_MAIN, writer.build(document), RT.OFFICE_DOCUMENT, "rId1",
                from_package=True)
    # the 版记's section has a footer with no page number
    return assemble([main, *profile_parts(profile, blank_footer=writer.colophon_section)])
