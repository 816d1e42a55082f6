"""Stage 4: the document tree — what the page shows, in order, with every heading number already computed.

The tree knows nothing of data files or templates (it is parsed from report markup by :mod:`edureport.markup`)
and nothing of OOXML (the writer turns it into a .docx). Its nodes are small frozen values.
"""

from __future__ import annotations

import attrs


@attrs.frozen
class Run:
    """Text in one role's font (``body``, ``heading1`` … ``heading4``, ``signer_name`` …)."""

    text: str
    role: str = "body"
    #: a value still to be filled in (a draft's 【待填写：…】), shown highlighted
    placeholder: bool = False


Runs = tuple[Run, ...]


def plain(runs: Runs) -> str:
    return "".join(run.text for run in runs)


@attrs.frozen
class HeaderBlock:
    """版头 (clause 7.2)."""

    issuer_mark: str
    copy_number: str | None = None
    secrecy: str | None = None
    urgency: str | None = None
    doc_number: Runs | None = None
    signer_label: str | None = None
    signer_name: str | None = None


@attrs.frozen
class Title:
    lines: tuple[str, ...]


@attrs.frozen
class Addressee:
    text: str


@attrs.frozen
class Paragraph:
    """A body paragraph: first line indented two characters."""

    runs: tuple[Run, ...]


@attrs.frozen
class Heading:
    """A numbered heading. ``run_in``: heading and ``body`` share one paragraph (``body`` may be empty)."""

    level: int
    label: str
    title: str
    run_in: bool = False
    body: Runs = ()


@attrs.frozen
class AttachmentNotes:
    """附件说明 (clause 7.3.4)."""

    label: str
    items: tuple[str, ...]


@attrs.frozen
class Signature:
    """署名 and 成文日期 (clause 7.3.5)."""

    date: Runs
    issuer: str | None = None
    seal: bool = False


@attrs.frozen
class Note:
    """附注 (clause 7.3.6)."""

    text: str


@attrs.frozen
class AttachmentStart:
    """First lines of an attachment (clause 7.3.7): a new page, its label, its title."""

    label: str
    title: str


@attrs.frozen
class TableTitle:
    text: str


@attrs.frozen
class Table:
    """Rows of cell text; the first ``header_rows`` repeat on every page."""

    rows: tuple[tuple[str, ...], ...]
    header_rows: int = 1
    widths: tuple[int, ...] | None = None
    #: alignment of each column's body cells (left, center, right); None keeps the table style's
    align: tuple[str, ...] | None = None


@attrs.frozen
class Colophon:
    """版记 (clause 7.4)."""

    printer: str
    date: Runs
    cc: str | None = None


Block = (HeaderBlock | Title | Addressee | Paragraph | Heading | AttachmentNotes | Signature | Note | AttachmentStart
         | TableTitle | Table | Colophon)


@attrs.frozen
class Document:
    blocks: tuple[Block, ...]

    def headings(self) -> tuple[Heading, ...]:
        return tuple(b for b in self.blocks if isinstance(b, Heading))

    def placeholders(self) -> list[str]:
        """Texts of the values still to be filled in, in document order."""
        found = []
        for block in self.blocks:
            for value in attrs.astuple(block, recurse=False):
                runs = value if isinstance(value, tuple) else ()
                found += [r.text for r in runs if isinstance(r, Run) and r.placeholder]
        return found
