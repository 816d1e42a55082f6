"""One Renderer at the centre (issue 13): it holds the profile, the template folders and the limits, and every
output and the checks come from it; the module-level functions, check, batch and the service give the same results
as a renderer made from their arguments."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

import edureport
from edureport.audit import audit_report
from edureport.cli import main
from edureport.errors import TemplateError

from .conftest import EXAMPLES

EXAMPLE = next(p for p in EXAMPLES if p.stem.startswith("000"))


@pytest.fixture(scope="module")
def report() -> edureport.Report:
    return edureport.load_report(EXAMPLE)


def test_every_output_of_a_renderer_is_the_module_functions_output(report: edureport.Report) -> None:
    renderer = edureport.Renderer()
    rendered = renderer.docx(report)
    assert rendered.data == edureport.render_docx(report)
    assert rendered.findings == edureport.render(report).findings
    assert renderer.html(report).data == edureport.render_html(report)
    assert renderer.document(report) == edureport.build_document(report)
    assert renderer.check(report) == audit_report(report)


def test_a_renderer_holds_its_profile_from_a_file_or_an_object(tmp_path: Path, report: edureport.Report) -> None:
    custom = tmp_path / "profile.yaml"
    custom.write_text("page_number:\n  dash: \"–\"\n", "utf-8")
    from_file = edureport.Renderer(profile=custom)
    assert from_file.profile.page_number.dash == "–" != edureport.Renderer().profile.page_number.dash
    same = edureport.Renderer(profile=from_file.profile)
    assert same.docx(report).data == from_file.docx(report).data
    assert from_file.docx(report).data != edureport.render_docx(report)
    assert "Renderer(profile=" in repr(from_file)


def test_a_renderer_applies_its_template_folders_and_limits(tmp_path: Path, report: edureport.Report) -> None:
    folder = tmp_path / "模板"
    folder.mkdir()
    (folder / "report.xml.j2").write_text('{% for i in range(10**9) %}{{ i }}{% endfor %}', "utf-8")
    small = edureport.Renderer(template_dirs=[folder], limits=edureport.Limits(seconds=0.5))
    plain = edureport.Report(title="关于履行教育职责情况的自查报告", sections=[edureport.Section("做法", paragraphs=["……"])])
    with pytest.raises(TemplateError, match=r"report\.xml\.j2"):
        small.docx(plain, draft=True)
    assert edureport.Renderer().docx(plain, draft=True).data[:2] == b"PK"


def test_one_renderer_is_shared_by_threads(report: edureport.Report) -> None:
    renderer = edureport.Renderer()
    expected = renderer.docx(report).data
    results: list[bytes] = []

    def work() -> None:
        results.append(renderer.docx(report).data)
    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [expected] * 6


def test_a_classified_report_is_refused_by_the_renderers_page(report: edureport.Report) -> None:
    import attrs
    classified = attrs.evolve(report, header=attrs.evolve(report.header or edureport.Header(issuer_mark="某县人民政府文件"),
                                                          secrecy="秘密★1年"))
    with pytest.raises(edureport.DataError, match="密级"):
        edureport.Renderer().html(classified)
    assert edureport.Renderer().docx(classified).data[:2] == b"PK"  # the internal .docx is still made


def test_batch_uses_the_profile_it_is_given(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    custom = tmp_path / "profile.yaml"
    custom.write_text("page_number:\n  dash: \"–\"\n", "utf-8")
    assert main(["batch", str(EXAMPLE), "-o", str(tmp_path / "out"), "--profile", str(custom), "--jobs", "1"]) == 0
    made = (tmp_path / "out" / f"{EXAMPLE.stem}.docx").read_bytes()
    assert made == edureport.Renderer(profile=custom).docx(edureport.load_report(EXAMPLE)).data


def test_text_given_as_a_str_subclass_is_text() -> None:
    """A paragraph given in code as a str subclass (markupsafe's Markup) is escaped like any text: once."""
    import io

    import docx
    from markupsafe import Markup

    report = edureport.Report(title="关于履行教育职责情况的报告",
                              sections=[edureport.Section("做法", paragraphs=[Markup("a&b"), "c&d<e>"])])
    texts = [p.text for p in docx.Document(io.BytesIO(edureport.render_docx(report))).paragraphs]
    assert "a&b" in texts and "c&d<e>" in texts


def test_markup_objects_given_in_code_are_text_everywhere() -> None:
    """A markupsafe.Markup given in code as a title, a heading or a piece of a paragraph is plain text in the
    document: nothing built in code reaches a template as markup."""
    import io

    import docx
    from markupsafe import Markup

    heading = Markup("标题</heading><p>注入段落</p><heading>x")
    report = edureport.Report(
        title=Markup("关于<b>的报告"), year=2023,
        sections=[edureport.Section(heading, paragraphs=[(Markup("<p>甲</p>"), "乙")])])
    assert type(report.title[0]) is str and type(report.sections[0].title) is str
    texts = [p.text for p in docx.Document(io.BytesIO(edureport.render_docx(report))).paragraphs if p.text]
    assert texts == ["关于<b>的报告", f"一、{heading}", "<p>甲</p>乙"]
