"""The stages between data and document: templates (sandboxed, errors with file and line), report markup, the
document tree, and the layout profile."""

from __future__ import annotations

from pathlib import Path

import pytest

import edureport
from edureport import tree
from edureport.errors import LayoutError, TemplateError
from edureport.markup import parse_markup
from edureport.profile import load_profile
from edureport.renderer import build_document
from edureport.templating import render_markup


def report(**kw: object) -> edureport.Report:
    return edureport.Report(title="报告", **kw)  # type: ignore[arg-type]


def test_user_text_that_looks_like_markup_stays_text() -> None:
    hostile = 'A < B & C</p><section><heading>注入</heading></section>{{ 7*7 }}{% if 1 %}x{% endif %}</w:t>'
    doc = build_document(report(opening=[hostile], sections=[edureport.Section(hostile)]))
    paragraphs = [b for b in doc.blocks if isinstance(b, tree.Paragraph)]
    assert paragraphs[0].runs[0].text == hostile
    assert doc.headings()[0].title == hostile
    data = edureport.render_docx(report(opening=[hostile]))
    import io

    import docx
    assert hostile in [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]


def test_run_in_heading_gets_a_full_stop_unless_it_ends_a_sentence() -> None:
    doc = build_document(report(sections=[
        edureport.Section("标题一", run_in=True, paragraphs=["正文。"]),
        edureport.Section("标题二？", run_in=True, paragraphs=["正文。", "第二段。"])]))
    h1, h2 = doc.headings()
    assert (h1.label, h1.title, tree.plain(h1.body)) == ("一、", "标题一。", "正文。")
    assert (h2.label, h2.title, tree.plain(h2.body)) == ("二、", "标题二？", "正文。")
    assert isinstance(doc.blocks[-1], tree.Paragraph)  # the second paragraph follows on its own


def test_a_fifth_level_from_a_template_is_a_layout_error_naming_the_chain() -> None:
    markup = "<report><title><line>t</line></title>" + "".join(
        f"<section><heading>第{i}层</heading>" for i in range(1, 6)) + "</section>" * 5 + "</report>"
    with pytest.raises(LayoutError, match="第1层 › 第2层 › 第3层 › 第4层 › 第5层"):
        parse_markup(markup)


def test_markup_with_an_unknown_element_names_the_template() -> None:
    with pytest.raises(TemplateError, match=r"report\.xml\.j2.*<bogus>"):
        parse_markup("<report><bogus/></report>")


def _user_templates(tmp_path: Path, text: str, name: str = "report.xml.j2") -> Path:
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / name).write_text(text, "utf-8")
    return folder


def test_a_user_template_overrides_the_packaged_one(tmp_path: Path) -> None:
    folder = _user_templates(tmp_path, '<report><title><line>{{ report.title[0] }}（草稿）</line></title></report>')
    doc = build_document(report(), template_dirs=[folder])
    assert doc.blocks == (tree.Title(("报告（草稿）",)),)


def test_template_errors_name_the_file_and_line(tmp_path: Path) -> None:
    folder = _user_templates(tmp_path, "<report>\n<title>\n{{ report.no_such_field }}\n</title></report>")
    with pytest.raises(TemplateError) as info:
        build_document(report(), template_dirs=[folder])
    assert info.value.line == 3 and info.value.template and info.value.template.endswith("report.xml.j2")
    assert "第3行" in str(info.value)


def test_template_syntax_errors_name_the_file_and_line(tmp_path: Path) -> None:
    folder = _user_templates(tmp_path, "<report>\n{% if %}\n</report>")
    with pytest.raises(TemplateError) as info:
        build_document(report(), template_dirs=[folder])
    assert info.value.line == 2


def test_templates_cannot_reach_python_internals(tmp_path: Path) -> None:
    folder = _user_templates(tmp_path, "<report>{{ report.__class__.__mro__[1].__subclasses__() }}</report>")
    with pytest.raises(TemplateError, match=r"不允许|不存在"):
        render_markup(report(), [folder])


def test_a_missing_template_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="不存在"):
        render_markup(report(), [tmp_path / "nope"])


def test_profile_overrides_merge_and_keep_the_rest() -> None:
    profile = load_profile(overrides={"roles": {"heading3": {"bold": True}}, "headings": {"level3_period": "．"}})
    assert profile.roles.heading3.bold and profile.roles.heading3.font == "fangsong"
    assert profile.roles.heading1.font == "heiti"
    doc = build_document(report(sections=[edureport.Section("一", sections=[edureport.Section("二", sections=[
        edureport.Section("三")])])]), profile=profile)
    assert doc.headings()[2].label == "1．"


def test_profile_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "local.yaml"
    path.write_text("fonts:\n  fangsong: 仿宋\nroles:\n  heading3: {font: heiti}\n", "utf-8")
    profile = load_profile(path)
    assert profile.fonts.fangsong == "仿宋" and profile.roles.heading3.font == "heiti"


@pytest.mark.parametrize(("overrides", "message"), [
    ({"grid": {"line_pitch": "580twip"}}, "排不下 22 行"),
    ({"grid": {"char_spacing": "0pt"}}, "排不下 28 字"),
    ({"fontz": {}}, "没有“fontz”"),
    ({"roles": {"body": {"font": "wingdings"}}}, "没有名为“wingdings”的字体"),
    ({"page": {"margin_top": "37"}}, "不是长度"),
    ({"indents": {"first_line": "2mm"}}, "单位不对"),
    # values the writer could not write (or would write as invalid XML), refused when the profile is read, naming
    # their key, whatever the report contains
    ({"roles": {"body": {"size": "-16pt"}}}, r"应大于 0.*roles\.body\.size"),
    ({"roles": {"body": {"size": "0pt"}}}, r"应大于 0.*roles\.body\.size"),
    ({"roles": {"title": {"size": "100000pt"}}}, r"字号最大为 1638pt.*roles\.title\.size"),
    ({"colors": {"red": "#FF0000"}}, r"不是颜色.*colors\.red"),
    ({"colors": {"text": "red"}}, r"不是颜色.*colors\.text"),
    ({"colors": {"placeholder": "default"}}, r"不是 Word 的高亮颜色名.*yellow.*colors\.placeholder"),
    ({"colors": {"placeholder": "gold"}}, r"不是 Word 的高亮颜色名.*colors\.placeholder"),
    ({"fonts": {"fangsong": " "}}, r"字体名称不能为空.*fonts\.fangsong"),
    ({"grid": {"char_spacing": "-20pt"}}, r"grid\.char_spacing.*roles\.body"),
    ({"grid": {"line_pitch": "0pt"}}, r"应大于 0.*grid\.line_pitch"),
    ({"page": {"margin_left": "-5mm"}}, r"不能为负数.*page\.margin_left"),
    ({"table": {"border": "0pt"}}, r"线宽应在 0.25pt 到 12pt 之间.*table\.border"),
    ({"colophon": {"outer_rule": "1000pt"}}, r"线宽应在.*colophon\.outer_rule"),
    ({"table": {"line_height": "-10pt"}}, r"应大于 0.*table\.line_height"),
    ({"signature": {"plain_date_right": "-2char"}}, r"不能为负数.*signature\.plain_date_right"),
    ({"page_number": {"gap_below_type_area": "-7mm"}}, r"不能为负数.*page_number\.gap_below_type_area"),
])
def test_bad_profiles_are_refused_with_a_reason(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(LayoutError, match=message):
        load_profile(overrides=overrides)


def test_a_bad_profile_value_is_exit_2_naming_its_key_for_any_report(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """Checked when the profile is read, not when the writer meets the value: a report without a table or a 版记
    is refused for a bad table border as one with them is."""
    from edureport.cli import main
    profile = tmp_path / "p.yaml"
    profile.write_text("colors:\n  text: red\n", "utf-8")
    source = tmp_path / "plain.yaml"
    source.write_text("title: 关于某事的报告\nyear: 2024\nopening: [正文。]\n", "utf-8")
    assert main(["render", str(source), "-o", str(tmp_path / "a.docx"), "--profile", str(profile)]) == 2
    err = capsys.readouterr().err
    assert "colors.text" in err and "不是颜色" in err and not (tmp_path / "a.docx").exists()


def test_every_profile_value_cites_its_clause() -> None:
    from importlib import resources

    from ruamel.yaml import YAML
    raw = YAML(typ="safe").load(resources.files("edureport").joinpath("profiles/gbt9704-2012.yaml").read_text("utf-8"))

    def leaves(node: object, path: str) -> list[tuple[str, dict[str, object]]]:
        assert isinstance(node, dict)
        if "value" in node:
            return [(path, node)]
        return [leaf for k, v in node.items() for leaf in leaves(v, f"{path}.{k}")]
    found = leaves(raw, "")
    assert len(found) > 50
    for path, leaf in found:
        assert leaf.get("basis") in ("standard", "practice"), path
        if path != ".name":
            assert leaf.get("clause"), f"{path} cites no clause"
