"""Document tree → standalone, semantic HTML for publishing the report on a government portal (公示).

The same tree as the .docx, so heading labels and text are identical. Built with lxml's HTML builder: text is always
escaped by the serializer. Headings become h2–h5 (the title is h1); a run-in heading is a paragraph that opens with
its heading in <strong>. An optional 公示 notice (period, office, phone, e-mail) comes from the data.

The page is published, so its 版头 shows the issuing organ and the 发文字号 only: never a 份号, 紧急程度 or 签发人 (marks
for the paper copies and the organs' own handling). A classified document is refused before it gets here
(:func:`edureport.renderer.publishable`); a tree that still carries a 密级 is a defect and raises ValueError.
"""

from __future__ import annotations

from lxml import etree
from lxml.html import builder as E

from .. import tree

_STYLE = """
body{font-family:"FangSong","仿宋_GB2312","STFangsong",serif;font-size:16pt;line-height:1.8;max-width:42em;margin:2em auto}
h1{font-family:"方正小标宋简体","STSong","SimSun",serif;font-size:22pt;text-align:center;font-weight:normal}
h2,.level-1{font-family:"SimHei","黑体",sans-serif;font-weight:normal}
h3,.level-2{font-family:"KaiTi","楷体_GB2312",serif;font-weight:normal}
h2,h3,h4,h5{font-size:16pt;margin:0;text-indent:2em}
p{margin:0;text-indent:2em}
.addressee,.signature p,.label{text-indent:0}
.issuer-mark{color:#c00;font-size:28pt;text-align:center}
.doc-number{text-align:center;border-bottom:2px solid #c00;padding-bottom:.5em}
.signature{text-align:right;margin-top:1em}
.attachment{margin-top:2em}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #000;padding:.2em .4em;font-size:14pt}
.placeholder{background:#ff0}
.notice{border:1px solid #999;padding:1em;margin-top:2em;font-size:14pt}
"""


def _runs(runs: tree.Runs) -> list[object]:
    return [E.SPAN(r.text, E.CLASS("placeholder")) if r.placeholder else r.text for r in runs]


def _heading_text(b: tree.Heading) -> str:
    return b.label + b.title


def write_html(document: tree.Document, *, notice: tuple[str, ...] = ()) -> bytes:
    """The report as one standalone HTML page (UTF-8). ``notice``: the lines of the 公示 box (period, office, phone,
    e-mail), worded by the caller: the writer reads the tree, never the data."""
    body: list[object] = []
    title = "报告"
    for b in document.blocks:
        if isinstance(b, tree.HeaderBlock):
            if b.secrecy:
                raise ValueError("a document with a 密级 is never published; render.publishable refuses it")
            parts = [E.P(b.issuer_mark, E.CLASS("issuer-mark")), E.P(*_runs(b.doc_number or ()), E.CLASS("doc-number"))]
            body.append(E.HEADER(*parts, E.CLASS("banner")))
        elif isinstance(b, tree.Title):
            title = "".join(b.lines)
            lines: list[object] = []
            for i, line in enumerate(b.lines):
                lines += ([E.BR()] if i else []) + [line]
            body.append(E.H1(*lines))
        elif isinstance(b, tree.Addressee):
            body.append(E.P(b.text, E.CLASS("addressee")))
        elif isinstance(b, tree.Paragraph):
            body.append(E.P(*_runs(b.runs)))
        elif isinstance(b, tree.Heading):
            if b.run_in:
                body.append(E.P(E.STRONG(_heading_text(b), E.CLASS(f"level-{b.level}")), *_runs(b.body),
                                E.CLASS("run-in")))
            else:
                body.append(getattr(E, f"H{b.level + 1}")(_heading_text(b)))
        elif isinstance(b, tree.AttachmentNotes):
            for i, item in enumerate(b.items):
                body.append(E.P((b.label if i == 0 else "") + item, E.CLASS("attachment-notes")))
        elif isinstance(b, tree.Signature):
            lines = ([E.P(b.issuer)] if b.issuer else []) + [E.P(*_runs(b.date))]
            body.append(E.DIV(*lines, E.CLASS("signature")))
        elif isinstance(b, tree.Note):
            body.append(E.P(b.text, E.CLASS("note")))
        elif isinstance(b, tree.AttachmentStart):
            body.append(E.H2(b.label, E.CLASS("attachment label")))
            if b.title:
                body.append(E.H2(b.title, E.CLASS("attachment-title")))
        elif isinstance(b, tree.TableTitle):
            body.append(E.P(b.text, E.CLASS("table-title")))
        elif isinstance(b, tree.Table):
            head = [E.TR(*[E.TH(cell) for cell in row]) for row in b.rows[:b.header_rows]]
            aligns = b.align or ()
            rows = [E.TR(*[E.TD(cell, style=f"text-align:{aligns[i]}") if i < len(aligns) else E.TD(cell)
                           for i, cell in enumerate(row)]) for row in b.rows[b.header_rows:]]
            body.append(E.TABLE(E.THEAD(*head), E.TBODY(*rows)))
        elif isinstance(b, tree.Colophon):
            lines = ([E.P(b.cc)] if b.cc else []) + [E.P(b.printer, "　", *_runs(b.date))]
            body.append(E.FOOTER(*lines, E.CLASS("colophon")))
    if notice:
        body.append(E.ASIDE(E.H2("公示"), *[E.P(item) for item in notice], E.CLASS("notice")))
    page = E.HTML(
        E.HEAD(E.META(charset="utf-8"), E.META(name="viewport", content="width=device-width, initial-scale=1"),
               E.TITLE(title), E.STYLE(_STYLE)),
        E.BODY(E.ARTICLE(*body, E.CLASS("edureport"))),
        lang="zh-CN")
    return etree.tostring(page, method="html", encoding="utf-8", doctype="<!DOCTYPE html>")
