"""Stage 5: document tree + layout profile → word/document.xml, and the .docx around it.

Formatting lives in the styles (``parts.py``, built once per profile): a paragraph names its style, a run of its
style's own role carries no properties, so editing a style in Word or WPS restyles every paragraph of it.
"""

from __future__ import annotations

from collections.abc import Callable

from docx.shared import Length
from lxml import etree

from .. import tree
from ..profile import Profile, Role
from .layout import footer_distance, mark_size, text_width
from .oxml import (
    DOCUMENT_END,
    DOCUMENT_START,
    border,
    el,
    fragment,
    half_points,
    ppr,
    rpr,
    tab,
    text_xml,
    twips,
)
from .package import CT, RT, Part, assemble
from .parts import PARAGRAPH_STYLES, profile_parts
from .titles import title_lines  # clause 7.3.1: a title too wide for the type area is broken by words

_PPr = dict[str, dict[str, str] | list[etree._Element] | None]


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
    and w:rPr is built once with the lxml builders and kept as its serialization; text goes through ``oxml.text_xml``,
    which escapes it as lxml does and refuses what XML cannot hold with lxml's error."""

    def __init__(self, profile: Profile) -> None:
        self.p = profile
        self.pitch = profile.grid.line_pitch
        self.body: list[_Paragraph | str] = []  # paragraphs, and tables and section properties as XML text
        self.indent2 = profile.chars(profile.indents.first_line)
        # set while writing the blocks that must share a page with what follows (the text before a signature)
        self.keep_with_next = False
        self._rpr_cache: dict[tuple[str, Length | None, bool, str | None], str] = {}
        self._ppr_cache: dict[str, str] = {}
        self._plain_ppr_cache: dict[tuple[str, bool], str] = {}  # paragraphs with no properties but their style
        self.colophon_section = False  # set once the 版记 has opened the last section
        self._style_roles = {style_id: role for style_id, (_, _, role, _) in PARAGRAPH_STYLES.items()}

    # --- runs and paragraphs ---------------------------------------------------------------------------------

    def role(self, name: str) -> Role:
        r: Role = getattr(self.p.roles, name)
        return r

    def run(self, paragraph: _Paragraph, value: str, role_name: str, *, size: Length | None = None,
            placeholder: bool = False, host: str | None = None, line_break: bool = False) -> None:
        """A run of ``role_name`` in ``paragraph``. Formatting lives in the paragraph's style: a run of the style's
        own role carries no properties (so editing the style in Word or WPS restyles it), a run of another role (a
        run-in heading's body, 签发人's name, a placeholder) only what differs from the style. ``host``: the role
        of the paragraph's style, when the caller knows it. ``line_break``: a w:br after the text."""
        key = (role_name, size, placeholder, paragraph.host if host is None else host)
        props = self._rpr_cache.get(key)
        if props is None:
            # Runs of one role share their properties: build them once, keep their XML text
            proto = self._run_properties(role_name, size, placeholder, key[3])
            props = self._rpr_cache[key] = fragment(proto) if len(proto) else ""
        paragraph.runs.append(f"<w:r>{props}{text_xml(value)}<w:br/></w:r>" if line_break
                              else f"<w:r>{props}{text_xml(value)}</w:r>")

    def _run_properties(self, role_name: str, size: Length | None, placeholder: bool, host: str) -> etree._Element:
        role, style = self.role(role_name), self.role(host)
        highlight = self.p.colors.placeholder if placeholder else None
        if role_name == host:
            props = el(None, "w:rPr")
            if size is not None and size != role.size:
                el(props, "w:sz", {"val": half_points(size)})
                el(props, "w:szCs", {"val": half_points(size)})
            if highlight is not None:
                el(props, "w:highlight", {"val": highlight})
            return props
        colour = self.p.color(role) if role.color != style.color else None
        if size is None and style.size != role.size:
            size = role.size
        spacing = None
        if style.spacing != role.spacing:
            spacing = role.spacing if role.spacing is not None else self.p.grid.char_spacing
        return rpr(None, latin=self.p.fonts.latin, east_asia=self.p.font(role), bold=role.bold, color=colour,
                   size=size, highlight=highlight, spacing=spacing, unbold=style.bold and not role.bold)

    def runs(self, paragraph: _Paragraph, runs: tree.Runs, role: str | None = None,
             host: str | None = None) -> None:
        for r in runs:
            self.run(paragraph, r.text, role or r.role, placeholder=r.placeholder, host=host)

    def para(self, style: str, props: _PPr | None = None, nested: bool = False) -> _Paragraph:
        """A paragraph of ``style``, appended to the body unless ``nested`` (a table cell's: the caller places it)."""
        keep = self.keep_with_next and not nested
        if props is None:  # the common case (body text, headings): one lookup
            xml = self._plain_ppr_cache.get((style, keep))
            if xml is None:
                xml = self._plain_ppr_cache[(style, keep)] = fragment(
                    ppr(None, {"pStyle": {"val": style}, "keepNext": None} if keep else {"pStyle": {"val": style}}))
        else:
            merged: _PPr = {"pStyle": {"val": style}, **props}
            if keep:
                merged["keepNext"] = None
            if any(isinstance(v, list) for v in merged.values()):
                xml = fragment(ppr(None, merged))  # borders and tabs: rare, built each time
            else:
                key = repr(merged)
                cached = self._ppr_cache.get(key)
                if cached is None:
                    cached = self._ppr_cache[key] = fragment(ppr(None, merged))
                xml = cached
        paragraph = _Paragraph(xml, self._style_roles[style])
        if not nested:
            self.body.append(paragraph)
        return paragraph

    def blank(self, count: int = 1, keep_next: bool = False) -> None:
        for _ in range(count):
            self.para("Normal", {"keepNext": None} if keep_next else None)

    # --- blocks ----------------------------------------------------------------------------------------------

    def header(self, b: tree.HeaderBlock) -> None:
        p = self.p
        above = 0
        for value, role in ((b.copy_number, "copy_number"), (b.secrecy, "secrecy"), (b.urgency, "urgency")):
            if value:
                self.run(self.para("Normal", {"jc": {"val": "left"}}), value, role)
                above += 1
        size = mark_size(b.issuer_mark, p)
        line = Length(round(size * 1.15))
        # the top of an exactly spaced line is where its glyphs start, so the mark's top edge is the line's top
        before = Length(max(0, p.header_block.mark_top - above * self.pitch))
        mark = self.para("IssuerMark", {"snapToGrid": {"val": "0"},
                                        "spacing": {"before": twips(before), "after": "0", "line": twips(line),
                                                    "lineRule": "exact"}})
        self.run(mark, b.issuer_mark, "issuer_mark", size=size)
        self.blank(p.header_block.lines_after_mark)
        rule = [border("bottom", p.header_block.rule_width, p.colors.red, p.header_block.rule_gap)]
        side = p.chars(p.header_block.doc_number_side)
        if b.signer_name:
            # 上行文: number one character from the left, 签发人 one character from the right, on one line
            num = self.para("Normal", {"pBdr": rule, "tabs": [tab("right", Length(p.type_width - side))],
                                       "ind": {"left": twips(side), "firstLine": "0"}, "jc": {"val": "left"}})
            self.runs(num, b.doc_number or ())
            self.run(num, "\t", "body")
            self.run(num, b.signer_label or "签发人：", "body")
            self.run(num, b.signer_name, "signer_name")
        else:
            num = self.para("Normal", {"pBdr": rule, "jc": {"val": "center"}})
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
        self.run(self.para("Normal", {"jc": {"val": "left"}}), b.text, "body")

    def paragraph(self, b: tree.Paragraph) -> None:
        """A body paragraph, most of a report: written straight into the body as its finished XML text (no
        paragraph object and no list of runs per paragraph: at 10,000 paragraphs those objects made Python's cycle
        collector scan them, a quarter of the render's time)."""
        keep = self.keep_with_next
        ppr_xml = self._plain_ppr_cache.get(("BodyText", keep))
        if ppr_xml is None or len(b.runs) != 1:
            para = self.para("BodyText")
            for r in b.runs:
                self.run(para, r.text, r.role, placeholder=r.placeholder)
            return
        r = b.runs[0]
        props = self._rpr_cache.get((r.role, None, r.placeholder, self._style_roles["BodyText"]))
        if props is None:
            para = self.para("BodyText")
            self.run(para, r.text, r.role, placeholder=r.placeholder)
            return
        self.body.append(f"<w:p>{ppr_xml}<w:r>{props}{text_xml(r.text)}</w:r></w:p>")

    def heading(self, b: tree.Heading) -> None:
        role = f"heading{b.level}"
        if b.run_in:
            # A run-in heading (（一）标题。正文……) is one paragraph in the heading's style, so Word's navigation
            # pane, an inserted 目录 and pandoc see the level; they show the whole paragraph as its text. Word's own
            # construction for a run-in heading (a heading paragraph whose mark is hidden with w:specVanish, then
            # the body paragraph) lists only the heading, but LibreOffice 7.4 lays it out on two lines (measured:
            # the heading alone on the first line), and the PDF and every LibreOffice or WPS user would see that.
            para = self.para(f"Heading{b.level}", {"keepNext": {"val": "0"}})
            self.run(para, b.label + b.title, role)
            self.runs(para, b.body, host=role)
        else:
            para = self.para(f"Heading{b.level}")
            self.run(para, b.label + b.title, role)

    def attachment_notes(self, b: tree.AttachmentNotes) -> None:
        self.blank(self.p.body.lines_before_attachment_notes)
        body = self.role("body")
        label_width = text_width(b.label, body, self.p)
        left = Length(self.indent2 + label_width)
        for i, item in enumerate(b.items):
            if i == 0:
                para = self.para("Normal", {"ind": {"left": twips(left), "hanging": twips(label_width)}})
                self.run(para, b.label, "body")
            else:
                para = self.para("Normal", {"ind": {"left": twips(left), "firstLine": "0"}})
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
                self.run(self.para("Normal", {"keepNext": None, "ind": {"right": twips(right), "firstLine": "0"},
                                              "jc": {"val": "right"}}), b.issuer, "body")
            self.runs(self.para("Normal", {"ind": {"right": twips(date_right), "firstLine": "0"},
                                           "jc": {"val": "right"}}), b.date)
            return
        # 7.3.5.2: issuer 2 characters from the right; the date starts 2 characters right of the issuer's start
        self.blank(s.plain_lines_before, keep_next=True)
        issuer_right = p.chars(s.plain_issuer_right)
        if b.issuer:
            issuer_w = text_width(b.issuer, body, p)
            shift, date_right = p.chars(s.plain_date_shift), p.chars(s.plain_date_right)
            start = p.type_width - issuer_right - issuer_w + shift
            if start + date_w <= p.type_width - date_right:  # the date fits: it starts 2 characters right of the issuer
                self.run(self.para("Normal", {"keepNext": None, "ind": {"right": twips(issuer_right), "firstLine": "0"},
                                              "jc": {"val": "right"}}), b.issuer, "body")
                self.runs(self.para("Normal", {"ind": {"left": twips(Length(max(0, start))), "firstLine": "0"},
                                               "jc": {"val": "left"}}), b.date)
                return
            # a date longer than the issuer: date 2 characters from the right, the issuer moved left to keep the shift
            issuer_right = Length(max(0, date_right + date_w + shift - issuer_w))
            self.run(self.para("Normal", {"keepNext": None, "ind": {"right": twips(issuer_right), "firstLine": "0"},
                                          "jc": {"val": "right"}}), b.issuer, "body")
            self.runs(self.para("Normal", {"ind": {"right": twips(date_right), "firstLine": "0"},
                                           "jc": {"val": "right"}}), b.date)
        else:
            self.runs(self.para("Normal", {"ind": {"right": twips(issuer_right), "firstLine": "0"},
                                           "jc": {"val": "right"}}), b.date)

    def note(self, b: tree.Note) -> None:
        self.run(self.para("BodyText"), b.text, "body")

    def attachment_start(self, b: tree.AttachmentStart) -> None:
        label = self.para("Normal", {"pageBreakBefore": None, "jc": {"val": "left"}})
        self.run(label, b.label, "attachment_label")
        self.blank(self.p.body.title_lines_after_label)
        if b.title:
            para = self.para("DocTitle")
            lines = title_lines((b.title,), self.p)
            for i, line in enumerate(lines):
                self.run(para, line, "title", line_break=i < len(lines) - 1)
            self.blank(self.p.body.lines_after_attachment_title)

    def table_title(self, b: tree.TableTitle) -> None:
        self.run(self.para("Normal", {"keepNext": None, "jc": {"val": "center"}}), b.text, "heading1")

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
        for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
            borders.append(border(side, p.table.border, "000000"))
        el(props, "w:tblLayout", {"type": "fixed"})
        margins = el(props, "w:tblCellMar")
        el(margins, "w:left", {"w": twips(p.table.cell_margin), "type": "dxa"})
        el(margins, "w:right", {"w": twips(p.table.cell_margin), "type": "dxa"})
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
        for index, row in enumerate(b.rows):
            header = index < b.header_rows
            xml.append(header_start if header else "<w:tr>")
            for col, cell_start in enumerate(cell_starts):
                if header:
                    jc: _PPr | None = {"jc": {"val": "center"}}
                elif b.align is not None and col < len(b.align):
                    jc = {"jc": {"val": b.align[col]}}
                else:
                    jc = None
                para = self.para("TableText", jc, nested=True)
                value = row[col] if col < len(row) else ""
                if value:  # every cell keeps its paragraph even when empty (Word requires one)
                    self.run(para, value, "table")
                xml += (cell_start, para.xml(), "</w:tc>")
            xml.append("</w:tr>")
        xml.append("</w:tbl>")
        self.body.append("".join(xml))

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
        rows: list[tuple[_PPr, tuple[tuple[str | None, tree.Runs | None], ...]]] = []
        if b.cc:
            rows.append(({"pBdr": [border("top", c.outer_rule, black), border("bottom", c.inner_rule, black)],
                          "ind": {"left": twips(side), "right": twips(side)}}, ((b.cc, None),)))
        rules = [border("bottom", c.outer_rule, black)] if b.cc else [
            border("top", c.outer_rule, black), border("bottom", c.outer_rule, black)]
        rows.append(({"pBdr": rules, "tabs": [tab("right", Length(p.type_width - side))], "ind": {"left": twips(side)}},
                     ((b.printer, None), ("\t", None), (None, b.date))))
        # Borders are drawn outside the exactly spaced lines, so they add their widths to the block's height
        height = Length(len(rows) * c.line_height + 2 * c.outer_rule + c.inner_rule + c.bottom_slack)
        self.para("Normal", {"snapToGrid": {"val": "0"}, "spacing": {
            "before": "0", "after": "0", "line": twips(Length(max(0, p.type_height - height))), "lineRule": "exact"}})
        for i, (props, parts) in enumerate(rows):
            para = self.para("Colophon", {**props, "keepNext": None} if i < len(rows) - 1 else props)
            for value, runs in parts:
                if value is not None:
                    self.run(para, value, "colophon")
                else:
                    self.runs(para, runs or (), "colophon")
        self.colophon_section = True

    def end_section(self) -> None:
        """Close the section the body is in: its properties go into the last paragraph's properties (a table
        cannot carry them, so after a table a one-twip paragraph does)."""
        last = self.body[-1] if self.body else None
        if isinstance(last, str) and last.startswith("<w:p>"):  # a body paragraph written as its finished text
            end = "</w:pPr>"  # its properties come first, and escaped text cannot hold this
            at = last.index(end)
            self.body[-1] = f"{last[:at]}{self.section_properties()}{last[at:]}"
            return
        if not isinstance(last, _Paragraph):
            last = self.para("Normal", {"snapToGrid": {"val": "0"},
                                        "spacing": {"before": "0", "after": "0", "line": "20", "lineRule": "exact"}})
        end = "</w:pPr>"  # every paragraph has properties: at least its style
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
        for i, block in enumerate(blocks):
            if isinstance(block, tree.Signature) and i > 0:
                keep.add(i - 1)
                if i > 1 and isinstance(blocks[i - 1], tree.AttachmentNotes):
                    keep.add(i - 2)
        for i, block in enumerate(blocks):
            self.keep_with_next = i in keep
            handlers[type(block)](block)
        self.keep_with_next = False
        # one flat list joined and encoded once: joining each paragraph first, or adding the declaration to the
        # encoded bytes, copies the text again (at 10,000 paragraphs 11 ms instead of 4.5 ms)
        xml = [DOCUMENT_START]
        for b in self.body:
            if isinstance(b, str):
                xml.append(b)
            else:
                xml += ("<w:p>", b.ppr)
                xml += b.runs
                xml.append("</w:p>")
        xml += (self.section_properties(colophon=self.colophon_section), DOCUMENT_END)
        # Memory: the pieces are let go before the text is encoded, so at most two copies of the body exist at once
        # (at 10,000 paragraphs the peak was pieces + joined text + bytes)
        self.body = []
        text = "".join(xml)
        del xml
        return text.encode()  # text was checked as it was written: it encodes (no lone surrogates)

    def section_properties(self, colophon: bool = False) -> str:
        """A section's properties (w:sectPr's XML). The 版记's section starts on an even page and has empty
        footers."""
        p = self.p
        sect = el(None, "w:sectPr")
        footers = ("rIdFooterBlank", "rIdFooterBlank") if colophon else ("rIdFooterOdd", "rIdFooterEven")
        el(sect, "w:footerReference", {"r:id": footers[0], "type": "default"})
        el(sect, "w:footerReference", {"r:id": footers[1], "type": "even"})
        if colophon:
            el(sect, "w:type", {"val": "evenPage"})
        el(sect, "w:pgSz", {"w": twips(p.page.width), "h": twips(p.page.height)})
        el(sect, "w:pgMar", {"top": twips(p.page.margin_top), "right": twips(p.page.margin_right),
                             "bottom": twips(p.page.margin_bottom), "left": twips(p.page.margin_left),
                             "header": twips(p.page.margin_top // 2), "footer": twips(footer_distance(p)),
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
