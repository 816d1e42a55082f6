"""Batch runs, PDF through LibreOffice, and the HTML page for the government portal."""

from __future__ import annotations

import re
from pathlib import Path

import docx
import html5lib
import pytest
from lxml import html as lxml_html

import edureport
from edureport.cli import main
from edureport.renderer import ClassifiedError

from .conftest import EXAMPLES, TEMPLATES, Rendered, load_example
from .pdfpages import need_office

SMALL = "title: 第{n}号报告\nyear: 2023\nsections:\n  - title: 主要做法\n    paragraphs: [第{n}份报告的正文。]\n"


def test_batch_of_200_with_one_broken_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inputs = []
    for n in range(200):
        path = tmp_path / "in" / f"county-{n:03d}.yaml"
        path.parent.mkdir(exist_ok=True)
        path.write_text(SMALL.format(n=n), "utf-8")
        inputs.append(str(path))
    broken = Path(inputs[57])
    broken.write_text("title: 报告\nsections:\n  - title: 一\n    paragrahs: [x]\n", "utf-8")
    out = tmp_path / "out"
    assert main(["batch", *inputs, "-o", str(out), "--jobs", "2"]) == 2
    captured = capsys.readouterr().out
    assert "共 200 个：成功 199 个，失败 1 个" in captured
    assert f"失败：{broken}" in captured and "sections[0]：未知字段 “paragrahs”" in captured
    written = sorted(p.name for p in out.iterdir())
    assert len(written) == 199 and "county-057.docx" not in written
    assert written[0] == "county-000.docx"
    # each output is that file's report
    assert docx.Document(str(out / "county-123.docx")).paragraphs[0].text == "第123号报告"


def test_batch_all_good_exits_0_and_html_beside(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    public = [p for p in EXAMPLES if not p.stem.startswith("showcase")]  # the showcase is 秘密★1年: never published
    out = tmp_path / "out"
    assert main(["batch", *map(str, public), "-o", str(out), "--jobs", "2", "--html", "--templates", *TEMPLATES]) == 0
    assert sorted(p.suffix for p in out.iterdir()) == [".docx"] * len(public) + [".html"] * len(public)
    assert f"共 {len(public)} 个：成功 {len(public)} 个，失败 0 个" in capsys.readouterr().out


@pytest.mark.rendering
def test_pdf_of_every_example(tmp_path: Path) -> None:
    need_office()
    out = tmp_path / "out"
    assert main(["batch", *map(str, EXAMPLES), "-o", str(out), "--jobs", "2", "--pdf", "--templates", *TEMPLATES]) == 0
    pdfs = sorted(out.glob("*.pdf"))
    assert [p.stem for p in pdfs] == sorted(p.stem for p in EXAMPLES)
    assert all(p.read_bytes().startswith(b"%PDF") for p in pdfs)
    single = edureport.render_pdf(load_example(EXAMPLES[0]), template_dirs=TEMPLATES)
    assert single.startswith(b"%PDF")


def test_missing_libreoffice_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from edureport import convert
    monkeypatch.setattr(convert, "find_office", lambda: None)
    with pytest.raises(edureport.errors.ConversionError, match="未找到 LibreOffice"):
        edureport.render_pdf(edureport.Report(title="报告"))


def test_a_converter_that_cannot_start_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from edureport import convert
    fake = tmp_path / "soffice"
    fake.write_bytes(b"\x7fELF not really")  # executable bit, but not a program
    fake.chmod(0o755)
    monkeypatch.setattr(convert, "find_office", lambda: str(fake))
    with pytest.raises(edureport.errors.ConversionError, match="无法启动 LibreOffice"):
        convert.docx_to_pdf([tmp_path / "a.docx"], tmp_path / "out")


def _docx_texts(path: Path, colophon: bool = False) -> list[str]:
    """The non-empty paragraphs of the .docx: those of the 版记 when ``colophon``, else all others."""
    return [re.sub(r"\s+", "", p.text) for p in docx.Document(str(path)).paragraphs
            if p.text.strip() and (p.style is not None and p.style.style_id == "Colophon") == colophon]


def _html_texts(page: bytes) -> list[str]:
    root = lxml_html.fromstring(page)
    blocks = root.xpath("//article//*[self::h1 or self::h2 or self::h3 or self::h4 or self::h5 or self::p]"
                        "[not(ancestor::footer)]")
    return [re.sub(r"\s+", "", b.text_content()) for b in blocks if b.text_content().strip()]


@pytest.mark.parametrize("name", [p.stem for p in EXAMPLES])
def test_html_has_the_docx_headings_and_text_and_is_valid(name: str, rendered: dict[str, Rendered],
                                                          tmp_path: Path) -> None:
    report = rendered[name].report
    if report.header is not None and report.header.secrecy:  # a classified document is never published
        with pytest.raises(ClassifiedError):
            edureport.render_html(report, template_dirs=TEMPLATES)
        return
    page = edureport.render_html(report, template_dirs=TEMPLATES)
    html5lib.HTMLParser(strict=True).parse(page)  # a real HTML parser, in strict mode: raises on any parse error
    published = tmp_path / "published.docx"  # the page is published: it is the .docx marked as published
    published.write_bytes(edureport.render_docx(report, template_dirs=TEMPLATES, published=True))
    ours = _html_texts(page)
    theirs = _docx_texts(published)
    assert ours == theirs  # every heading label, heading and paragraph, in order
    footer = lxml_html.fromstring(page).xpath("//footer[contains(@class, 'colophon')]")
    assert re.sub(r"\s+", "", "".join(f.text_content() for f in footer)) == "".join(
        _docx_texts(published, colophon=True))  # the 版记, as the page's footer


def test_html_notice_and_escaping(tmp_path: Path) -> None:
    report = edureport.loads_report(
        "title: 报告<script>alert(1)</script>\nopening: [A < B & C]\nnotice:\n  start: 2024-06-05\n  end: 2024-06-11\n"
        "  office: 县教育局督导室\n  phone: 0000-1234567\n  email: dd@example.invalid\n")
    page = edureport.render_html(report).decode("utf-8")
    assert "<script>" not in page and "&lt;script&gt;" in page and "A &lt; B &amp; C" in page
    assert "公示时间：2024年6月5日至2024年6月11日" in page and "受理单位：县教育局督导室" in page
    out = tmp_path / "r.html"
    source = tmp_path / "r.yaml"
    source.write_text("title: 报告\n", "utf-8")
    assert main(["render", str(source), "-o", str(out)]) == 0 and out.read_bytes().startswith(b"<!DOCTYPE html>")


def test_html_labels_follow_the_profile_like_the_docx() -> None:
    profile = edureport.load_profile(overrides={"headings": {"level3_period": "．"}})
    report = edureport.Report(title="报告", sections=[edureport.Section("一", sections=[
        edureport.Section("二", sections=[edureport.Section("三")])])])
    assert "1．三" in edureport.render_html(report, profile=profile).decode("utf-8")


def test_outputs_are_written_with_the_process_umask(tmp_path: Path) -> None:
    import os
    import stat
    previous = os.umask(0o022)
    try:
        source = tmp_path / "r.yaml"
        source.write_text("title: 报告\n", "utf-8")
        assert main(["render", str(source), "-o", str(tmp_path / "r.docx"), "--html"]) == 0
        assert main(["schema", "-o", str(tmp_path / "s.json")]) == 0
        for name in ("r.docx", "r.html", "s.json"):
            assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o644, name
        os.umask(0o027)
        assert main(["render", str(source), "-o", str(tmp_path / "q.docx")]) == 0
        assert stat.S_IMODE((tmp_path / "q.docx").stat().st_mode) == 0o640
    finally:
        os.umask(previous)
