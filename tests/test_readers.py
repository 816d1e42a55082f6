"""Word's neighbours read what edureport writes: pandoc sees the heading tree (Word's built-in heading 1–4 styles),
pandoc, docx2python and python-docx read the 版记, and the 版记 sits in an unnumbered section that starts on an even
page. pandoc comes from PyPI (pypandoc-binary), so these checks run wherever the tests do."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import attrs
import docx
import pypandoc
import pytest
from docx.oxml.ns import qn
from docx2python import docx2python

import edureport
from edureport import tree
from edureport.renderer import build_document

from .conftest import EXAMPLE_IDS, TEMPLATES, Rendered, examples_with


def _inline_text(inlines: list[dict[str, Any]]) -> str:
    out = []
    for node in inlines:
        kind, content = node["t"], node.get("c")
        if kind == "Str":
            out.append(content)
        elif kind in ("Space", "SoftBreak", "LineBreak"):
            out.append(" ")
        elif kind in ("Emph", "Strong", "Underline", "SmallCaps", "Strikeout", "Superscript", "Subscript"):
            out.append(_inline_text(content))
        elif kind in ("Span", "Link", "Quoted"):
            out.append(_inline_text(content[1]))
    return "".join(out)


def pandoc_headings(path: str) -> list[tuple[int, str]]:
    """(level, text) of every heading pandoc's docx reader finds, in order."""
    ast = json.loads(pypandoc.convert_file(path, "json", format="docx"))
    return [(block["c"][0], _inline_text(block["c"][2]).replace(" ", ""))
            for block in ast["blocks"] if block["t"] == "Header"]


def our_headings(r: Rendered) -> list[tuple[int, str, bool]]:
    document = build_document(r.report, template_dirs=TEMPLATES)
    return [(b.level, b.label + b.title, b.run_in) for b in document.blocks if isinstance(b, tree.Heading)]


@pytest.mark.parametrize("name", EXAMPLE_IDS)
def test_pandoc_sees_the_heading_tree(name: str, rendered: dict[str, Rendered]) -> None:
    """Levels and text equal edureport's tree. A run-in heading is one paragraph with its text, so pandoc's heading
    is the heading followed by that text (pandoc has no run-in heading)."""
    theirs = pandoc_headings(str(rendered[name].docx))
    ours = our_headings(rendered[name])
    assert ours, "the example has no headings"
    assert [level for level, _ in theirs] == [level for level, _, _ in ours]
    for (_, text), (level, heading, run_in) in zip(theirs, ours, strict=True):
        heading = heading.replace(" ", "")
        if run_in:
            assert text.startswith(heading), (level, heading, text[:60])
        else:
            assert text == heading


@pytest.mark.parametrize("name", EXAMPLE_IDS)
def test_every_reader_reads_the_colophon(name: str, rendered: dict[str, Rendered], tmp_path: Path) -> None:
    """pandoc, docx2python (once, not twice) and python-docx's ``paragraphs`` read 抄送, 印发机关 and 印发日期. An
    example without a 版记 is given one."""
    report = rendered[name].report
    path = rendered[name].docx
    if report.colophon is None:
        report = attrs.evolve(report, colophon=edureport.Colophon(
            printer="某县人民政府教育督导室", cc=("市人民政府教育督导委员会办公室", "县教育局"),
            print_date=dt.date(2024, 6, 5)))
        path = tmp_path / f"{name}.docx"
        path.write_bytes(edureport.render_docx(report, template_dirs=TEMPLATES))
    document = build_document(report, template_dirs=TEMPLATES)
    [colophon] = [b for b in document.blocks if isinstance(b, tree.Colophon)]
    wanted = [colophon.cc, colophon.printer, tree.plain(colophon.date)]
    assert all(wanted) and "抄送" in colophon.cc and "印发" in wanted[2]
    plain = pypandoc.convert_file(str(path), "plain", format="docx", extra_args=["--wrap=none"]).replace(" ", "")
    with docx2python(str(path)) as read:
        other = read.text.replace(" ", "")
    paragraphs = "".join(p.text for p in docx.Document(str(path)).paragraphs).replace(" ", "")
    for text in wanted:
        needle = text.replace(" ", "").rstrip("。")
        assert needle in plain, f"pandoc misses {text}"
        assert other.count(needle) == 1, f"docx2python reads {text} {other.count(needle)} times"
        assert needle in paragraphs, f"python-docx's paragraphs miss {text}"


def test_a_draft_colophon_placeholder_is_seen_by_python_docx() -> None:
    """The 版记 of a draft without its 印发日期 shows the placeholder where python-docx-based checkers look."""
    report = edureport.Report(title=("报告",), sections=[edureport.Section("情况", paragraphs=["正文。"])],
                              colophon=edureport.Colophon(printer="某县人民政府办公室", cc=("某单位",)))
    document = docx.Document(io.BytesIO(edureport.render_docx(report, draft=True)))
    assert any("【待填写" in p.text and "印发" in p.text for p in document.paragraphs)


@pytest.mark.parametrize("name", examples_with("colophon"))
def test_the_colophon_has_an_unnumbered_section_that_starts_on_an_even_page(name: str,
                                                                             rendered: dict[str, Rendered]) -> None:
    document = docx.Document(str(rendered[name].docx))
    body_section, colophon_section = document.sections[-2], document.sections[-1]
    assert colophon_section._sectPr.find(qn("w:type")).get(qn("w:val")) == "evenPage"
    assert [p.text for p in colophon_section.footer.paragraphs] == [""]
    assert [p.text for p in colophon_section.even_page_footer.paragraphs] == [""]
    assert "PAGE" in body_section.footer._element.xml and "PAGE" in body_section.even_page_footer._element.xml
