"""The steps before the writer were made faster for large reports (``parts.section`` lays sub-sections out with a
recursive loop and makes its calls only when there is something to lay out, ``say.paragraphs`` escapes only text that
has something to escape, ``markup.section`` reads a section's children once, heading labels are cached). These tests
hold each to what it did before: the same markup from the same report, the same escaping, the same errors in the same
order, the same labels; and they count the sandboxed calls a section costs, which is what made templating slow.
Byte-identical output for the examples is tests/test_determinism.py's golden hashes."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

import edureport
from edureport import tree
from edureport.areas import Fill, YearRef
from edureport.errors import LayoutError, TemplateError
from edureport.markup import parse_markup
from edureport.numbering import chinese_numeral, heading_label
from edureport.renderer import build_document
from edureport.resources import packaged_templates
from edureport.sandbox import ReportSandbox
from edureport.statements import Stater
from edureport.templating import render_markup

# parts.xml.j2's section macro as it was: a macro calling itself, every loop and call made for every section
PLAIN_SECTION = '''{% macro section(s) -%}
<section{% if s.run_in %} run-in="true"{% endif %}{% if s.numbering == "continue" %} numbering="continue"{% endif %}>
<heading>{{ s.title }}</heading>
{{- say.paragraphs(s.paragraphs) }}
{%- for t in s.tables %}{{ table(t) }}{% endfor %}
{%- for child in s.sections %}{{ section(child) }}{% endfor %}
</section>
{%- endmacro %}'''

HOSTILE = 'A < B & C</p><section><heading>注入</heading></section>{{ 7*7 }}"引号"\'单\'&amp;'


def plain_parts(folder: Path) -> Path:
    """A template folder whose parts.xml.j2 is the packaged one with the plain section macro."""
    text = (packaged_templates() / "parts.xml.j2").read_text("utf-8")
    start = text.index("{% macro section(s) -%}")
    end = text.index("{%- endmacro %}", start) + len("{%- endmacro %}")
    folder.mkdir()
    (folder / "parts.xml.j2").write_text(text[:start] + PLAIN_SECTION + text[end:], "utf-8")
    return folder


def markup_of(report: edureport.Report, template_dirs: tuple[Path, ...] = ()) -> str:
    say = Stater(report, None)
    return render_markup(report, template_dirs, context={"scheme": None, "findings": [], "draft": True, "say": say})


def rich_report() -> edureport.Report:
    table = edureport.Table(columns=("项目", "数"), rows=(("甲", "1"), (HOSTILE, "2")), title="表题")
    leaf = edureport.Section("末级", paragraphs=("一段。", HOSTILE))
    return edureport.Report(title="报告", opening=("开头。",), sections=(
        edureport.Section("空的部分"),
        edureport.Section("只有表格", tables=(table,)),
        edureport.Section(HOSTILE, run_in=True, paragraphs=("同段正文。", "第二段。"), tables=(table, table),
                          sections=(leaf, edureport.Section("空的下级"))),
        edureport.Section("接续编号", numbering="continue", sections=(
            edureport.Section("甲", sections=(leaf, leaf)),
            edureport.Section("乙", run_in=True, sections=(leaf,), paragraphs=(HOSTILE,)),
            edureport.Section("丙", sections=(edureport.Section("丁", sections=(leaf,)),))))))


def test_the_section_macro_writes_the_markup_the_plain_macro_wrote(tmp_path: Path) -> None:
    report = rich_report()
    assert markup_of(report) == markup_of(report, (plain_parts(tmp_path / "plain"),))
    document = build_document(report)
    assert [h.label for h in document.headings()] == [  # 接续编号's sub-sections carry on from 三、's
        "一、", "二、", "三、", "（一）", "（二）", "四、", "（三）", "1.", "2.", "（四）", "1.", "（五）", "1.", "（1）"]
    assert sum(isinstance(b, tree.Table) for b in document.blocks) == 3
    assert [r.text for b in document.blocks if isinstance(b, tree.Paragraph) for r in b.runs].count(HOSTILE) == 5


@pytest.fixture(scope="module")
def plain_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return plain_parts(tmp_path_factory.mktemp("templates") / "plain")


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0, max_value=3), st.integers(min_value=0, max_value=3), st.booleans(), st.booleans())
def test_any_shape_of_sections_gives_the_plain_macros_markup(plain_folder: Path, children: int, paragraphs: int,
                                                              run_in: bool, tables: bool) -> None:
    table = edureport.Table(columns=("列",), rows=(("值",),))

    def section(depth: int) -> edureport.Section:
        return edureport.Section(f"第{depth}层", run_in=run_in, paragraphs=tuple(f"段{i}。" for i in range(paragraphs)),
                                 tables=(table,) if tables else (),
                                 sections=tuple(section(depth + 1) for _ in range(children)) if depth < 3 else ())
    report = edureport.Report(title="报告", sections=(section(1), section(1)))
    assert markup_of(report) == markup_of(report, (plain_folder,))


def test_a_section_costs_about_one_sandboxed_call(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each sandboxed call checks the deadline and the sandbox's rules (a few microseconds): the section macro makes
    them only when there is something to lay out — a leaf section one (its paragraphs), a parent one (its sections)."""
    calls = 0
    original = ReportSandbox.call

    def counted(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        return original(*args, **kwargs)
    monkeypatch.setattr(ReportSandbox, "call", counted)
    leaves = tuple(edureport.Section(f"小节{i}", paragraphs=("正文。",) * 10) for i in range(50))
    report = edureport.Report(title="报告", sections=tuple(edureport.Section(f"部分{i}", sections=leaves)
                                                         for i in range(10)))
    build_document(report)
    sections = 10 + 10 * 50
    assert calls <= sections + 30, calls  # the plain macro made about four a section


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.text(), st.sampled_from(["&", "<", ">", "&amp;", '"', "'", "</p><p>", HOSTILE]),
                          st.text().map(Markup)), max_size=6))
def test_paragraphs_are_escaped_as_each_one_was(texts: list[str]) -> None:
    say = Stater(edureport.Report(title="报告"), None)
    assert say.paragraphs(texts) == "".join(f"<p>{html.escape(str(t), quote=False)}</p>" for t in texts)
    assert type(say.paragraphs(texts)) is Markup


def test_paragraphs_of_parts_and_text_mixed() -> None:
    say = Stater(edureport.Report(title="报告", year=2024), None)
    parts = ("第一", YearRef(0), "<b>", Fill("数字"))
    assert say.paragraphs(["A&B", parts, Markup("<i>")]) == (
        "<p>A&amp;B</p><p>第一2024年&lt;b&gt;<fill>【待填写：数字】</fill></p><p>&lt;i&gt;</p>")
    assert say.paragraphs([]) == "" and say.paragraphs([""]) == "<p></p>"


@pytest.mark.parametrize(("markup", "error", "message"), [
    # no heading: said first, whatever else is wrong
    ("<section><bogus/><p>x</p></section>", TemplateError, "必须有 <heading>"),
    ("<section><bogus/><heading>标题</heading></section>", TemplateError, "<section> 中不能出现 <bogus>"),
    ("<section><heading>标题<fill>x</fill></heading><bogus/></section>", TemplateError, "<heading> 中不能包含 <fill>"),
    # too deep: said before a child the section may not hold, which a parent's children are checked for first
    ("<section><heading>1</heading><section><heading>2</heading><section><heading>3</heading><section>"
     "<heading>4</heading><section><heading>5</heading><bogus/></section></section></section></section>"
     "</section>", LayoutError, "1 › 2 › 3 › 4 › 5"),
    ("<section><heading>1</heading><section><heading>2</heading><section><heading>3</heading><section>"
     "<heading>4</heading><section><heading>5</heading></section><bogus/></section></section></section>"
     "</section>", TemplateError, "<section> 中不能出现 <bogus>"),
    ("<section><heading>1</heading><bogus/><section><heading>2</heading><section><heading>3</heading><section>"
     "<heading>4</heading><section><heading>5</heading></section></section></section></section></section>",
     TemplateError, "<section> 中不能出现 <bogus>；允许：heading、p、section、table、table-title"),
    ("<section><heading>标题</heading><p>x</p><?pi x?></section>", TemplateError, "<section> 中不能出现"),
])
def test_a_wrong_section_is_reported_as_before(markup: str, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message.replace("(", r"\(")):
        parse_markup(f"<report><title><line>t</line></title>{markup}</report>")


def test_a_section_reads_its_first_heading_and_keeps_its_children_in_order() -> None:
    document = parse_markup("<report><section><heading>\n  第一\n</heading><p>甲</p><heading>第二</heading>"
                            "<table-title>表</table-title><table><row><cell>c</cell></row></table><p>\n乙\n</p>"
                            "<p>丙<fill>丁</fill></p><p/><section><heading>下</heading></section></section></report>")
    assert document.blocks == (
        tree.Heading(1, "一、", "第一"), tree.Paragraph((tree.Run("甲"),)), tree.TableTitle("表"),
        tree.Table((("c",),), 0), tree.Paragraph((tree.Run("乙"),)),
        tree.Paragraph((tree.Run("丙"), tree.Run("丁", placeholder=True))), tree.Paragraph(()),
        tree.Heading(2, "（一）", "下"))


def test_heading_labels() -> None:
    for number in range(1, 1200):
        assert heading_label(1, number) == f"{chinese_numeral(number)}、"
        assert heading_label(2, number) == f"（{chinese_numeral(number)}）"
        assert heading_label(3, number) == f"{number}."
        assert heading_label(3, number, level3_period="．") == f"{number}．"  # the period is part of what is cached
        assert heading_label(4, number) == f"（{number}）"
    assert [heading_label(1, n) for n in (1, 10, 11, 20, 21, 100, 101)] == [
        "一、", "十、", "十一、", "二十、", "二十一、", "一百、", "一百零一、"]
    with pytest.raises(ValueError, match="heading level 5"):
        heading_label(5, 1)
