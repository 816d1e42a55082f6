"""A long-running process sees its files change: a user template and a scheme edited between two renders in one
process (as under `edureport serve`) are both used by the second render."""

from __future__ import annotations

import io
import os
from pathlib import Path

import docx

import edureport
from edureport.resources import packaged_templates


def _texts(data: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs if p.text.strip()]


def _write(path: Path, text: str, bump: int) -> None:
    """Write ``text`` and move the modification time forward (two edits within one clock tick still differ)."""
    path.write_text(text, "utf-8")
    stamp = path.stat().st_mtime + bump
    os.utime(path, (stamp, stamp))


def test_an_edited_template_and_an_edited_scheme_are_seen_by_the_next_render(tmp_path: Path) -> None:
    folder = tmp_path / "tpl"
    (folder / "schemes").mkdir(parents=True)
    (folder / "areas").mkdir()
    scheme = folder / "schemes" / "my-2025.yaml"
    template = folder / "areas" / "party.xml.j2"
    scheme_text = ("name: 我市2025年评价方案\nsource: 我市教育督导委员会2025年1号文\nskeleton: skeletons/practices.xml.j2\n"
                   "areas:\n  - {area: party, heading: 党的领导}\nparts: {practices: PARTS}\n")
    template_text = ('{% import "areas.xml.j2" as areas with context %}'
                     '<section><heading>HEADING</heading>{{ areas.body(area, key) }}</section>')
    _write(scheme, scheme_text.replace("PARTS", "工作成效"), 0)
    _write(template, template_text.replace("HEADING", "党建引领"), 0)
    source = "title: 报告\nyear: 2024\nscheme: my-2025\nareas:\n  party: {paragraphs: [加强领导。]}\n"

    def render() -> list[str]:
        report = edureport.loads_report(source, template_dirs=[folder])
        return _texts(edureport.render_docx(report, template_dirs=[folder]))[1:4]

    assert render() == ["一、工作成效", "（一）党建引领", "加强领导。"]
    _write(scheme, scheme_text.replace("PARTS", "主要做法"), 2)
    _write(template, template_text.replace("HEADING", "全面加强党的领导"), 2)
    assert render() == ["一、主要做法", "（一）全面加强党的领导", "加强领导。"]


def test_a_template_that_writes_an_xml_declaration_still_renders(tmp_path: Path) -> None:
    """The markup is parsed from text; a declaration naming an encoding (which lxml refuses on text) is parsed from
    its UTF-8 bytes instead, with the same result."""
    folder = tmp_path / "模板"
    folder.mkdir()
    packaged = packaged_templates() / "report.xml.j2"
    (folder / "report.xml.j2").write_text('<?xml version="1.0" encoding="UTF-8"?>\n' + packaged.read_text("utf-8"),
                                          "utf-8")
    report = edureport.Report(title="关于履行教育职责情况的自查报告",
                              sections=[edureport.Section("主要做法", paragraphs=["加大投入。"])])
    declared = edureport.render_docx(report, template_dirs=[folder])
    assert [p.text for p in docx.Document(io.BytesIO(declared)).paragraphs if p.text] == [
        p.text for p in docx.Document(io.BytesIO(edureport.render_docx(report))).paragraphs if p.text]
