"""The stages between data and document: templates (sandboxed, errors with file and line), report markup, the
document tree, and the layout profile."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from docx.shared import Mm

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
    ({"roles": {"body": {"size": "-16pt"}}}, r"字号应在 1pt 到 1638pt 之间.*roles\.body\.size"),
    ({"roles": {"body": {"size": "0.5pt"}}}, r"字号应在 1pt 到 1638pt 之间.*roles\.body\.size"),
    ({"roles": {"title": {"size": "100000pt"}}}, r"字号应在 1pt 到 1638pt 之间.*roles\.title\.size"),
    # an empty value, a number for text, text for a flag or a count: refused, never the text "None" or a cut number
    ({"fonts": {"fangsong": None}}, r"应为文字.*空值.*fonts\.fangsong"),
    ({"page_number": {"dash": None}}, r"应为文字.*page_number\.dash"),
    ({"fonts": {"heiti": 123}}, r"应为文字.*fonts\.heiti"),
    ({"roles": {"heading3": {"bold": "no"}}}, r"应为 true 或 false.*roles\.heading3\.bold"),
    ({"grid": {"lines_per_page": 21.9}}, r"应为整数.*grid\.lines_per_page"),
    ({"fonts": {"fangsong": "仿\x01宋"}}, r"控制字符.*fonts\.fangsong"),
    ({"headings": {"level3_period": "\n"}}, r"控制字符.*headings\.level3_period"),
    # values that together leave no page, run forever or fall off the page
    ({"page": {"margin_top": "150mm", "margin_bottom": "150mm"}}, r"页边距大于页面.*版式配置\.page"),
    ({"body": {"lines_before_addressee": 100_000_000}}, r"行数不能超过每页行数 22.*body\.lines_before_addressee"),
    ({"indents": {"first_line": "40char"}}, r"不能超过一行的字数 28.*indents\.first_line"),
    ({"page": {"width": "1000000mm"}}, r"页面最大为 558.8mm.*page\.width"),
    ({"grid": {"line_pitch": "0.01pt"}}, r"行距至少为 1pt.*grid\.line_pitch"),
    ({"page_number": {"gap_below_type_area": "40mm"}}, r"超出了下页边距.*page_number\.gap_below_type_area"),
    ({"roles": {"heading1": {"boldd": True}}}, r"没有“roles\.heading1\.boldd”.*font、size、bold、color、spacing"),
    ({"roles": {"body": 5}}, r"应为键值对，可写：font、size、bold、color、spacing @ 版式配置\.roles\.body"),
    ({"page": 5}, r"应为键值对，可写：width、height.* @ 版式配置\.page"),
    ({"colors": {"red": "#FF0000"}}, r"不是颜色.*colors\.red"),
    ({"colors": {"text": "red"}}, r"不是颜色.*colors\.text"),
    ({"colors": {"placeholder": "default"}}, r"不是 Word 的高亮颜色名.*yellow.*colors\.placeholder"),
    ({"colors": {"placeholder": "gold"}}, r"不是 Word 的高亮颜色名.*colors\.placeholder"),
    ({"fonts": {"fangsong": " "}}, r"字体名称不能为空.*fonts\.fangsong"),
    ({"grid": {"char_spacing": "-20pt"}}, r"body、heading1.*不大于 0 @ 版式配置\.grid\.char_spacing"),
    ({"grid": {"line_pitch": "0pt"}}, r"应大于 0.*grid\.line_pitch"),
    ({"page": {"margin_left": "-5mm"}}, r"不能为负数.*page\.margin_left"),
    ({"table": {"border": "0pt"}}, r"线宽应在 0.25pt 到 12pt 之间.*table\.border"),
    ({"colophon": {"outer_rule": "1000pt"}}, r"线宽应在.*colophon\.outer_rule"),
    ({"table": {"line_height": "-10pt"}}, r"应大于 0.*table\.line_height"),
    ({"signature": {"plain_date_right": "-2char"}}, r"不能为负数.*signature\.plain_date_right"),
    ({"page_number": {"gap_below_type_area": "-7mm"}}, r"不能为负数.*page_number\.gap_below_type_area"),
    # lengths inside the type area, and a 版记 that fits its page (it was laid out spilling over, without a word)
    ({"header_block": {"mark_top": "240mm"}}, r"不能超过版心高度 225mm，实际是 240mm @ 版式配置\.header_block\.mark_top$"),
    ({"page": {"width": "297mm", "height": "210mm"}, "grid": {"lines_per_page": 13, "char_spacing": "8.6pt"},
      "header_block": {"mark_top": "200mm"}}, r"^版式错误：不能超过版心高度 138mm，实际是 200mm @ 版式配置\.header_block\.mark_top$"),
    # one bad length is one message (not also the 版记 it makes too tall); no type area, no bounds from it
    ({"colophon": {"bottom_slack": "240mm"}}, r"^版式错误：不能超过版心高度 225mm，实际是 240mm @ 版式配置\.colophon\.bottom_slack$"),
    ({"page": {"margin_left": "200mm", "margin_top": "200mm", "margin_bottom": "120mm"}},
     r"^版式错误：页边距大于页面[^；]*；[^；]*每页排不下 22 行[^；]*；[^；]*每行排不下 28 字[^；]*$"),
    ({"colophon": {"bottom_slack": "220mm"}}, r"版记.*高 241\.4mm，超过版心高度 225mm.* @ 版式配置\.colophon$"),
    # names of the class's other attributes are no font or colour; the placeholder's highlight is no text colour
    ({"roles": {"heading1": {"color": "placeholder"}}}, r"没有名为“placeholder”的文字颜色；可用：text、red"),
    ({"roles": {"heading1": {"color": "__module__"}}}, r"没有名为“__module__”的文字颜色.*roles\.heading1\.color"),
    ({"roles": {"body": {"font": "__class__"}}}, r"没有名为“__class__”的字体.*roles\.body\.font"),
    # text taller than its line would print over its neighbours
    ({"roles": {"title": {"size": "42pt"}}}, r"字号 42pt 大于所在行的行距 28\.95pt（grid\.line_pitch）.*roles\.title\.size"),
    ({"roles": {"table": {"size": "26pt"}}}, r"字号 26pt 大于.*20pt（table\.line_height）.*roles\.table\.size"),
    ({"grid": {"line_pitch": "10pt"}}, r"行距 10pt 小于 body（16pt）、title（22pt）.* @ 版式配置\.grid\.line_pitch"),
    # the grid's counts are what its pitches give (they are not written: a count they do not give would be lost)
    ({"grid": {"lines_per_page": 20}}, r"每页排 22 行，不是 20 行.*line_pitch 改为 637twip.*grid\.lines_per_page"),
    ({"grid": {"chars_per_line": 20}}, r"每行排 28 字，不是 20 字.*char_spacing 改为 6\.11pt.*grid\.chars_per_line"),
    # what is set on both sides of a line leaves room between; spacings Word can write
    ({"table": {"cell_margin": "80mm"}}, r"左右两边合计 160\.0mm，不小于版心宽度 156mm.*table\.cell_margin"),
    ({"colophon": {"side_indent": "28char"}}, r"左右两边合计.*colophon\.side_indent"),
    ({"grid": {"autospace": "500mm"}}, r"不能超过一个字（16pt）.*grid\.autospace"),
    ({"header_block": {"rule_gap": "20mm"}}, r"最多为 31pt（Word 的上限）.*header_block\.rule_gap"),
    # numbers: ASCII digits, a size a float can hold
    ({"roles": {"body": {"size": "１６pt"}}}, r"“１６pt”不是长度.*roles\.body\.size"),
    ({"roles": {"body": {"size": "9" * 400 + "pt"}}}, r"太大，不是版面上的长度.*roles\.body\.size"),
    # names Word looks up exactly, one visible line
    ({"fonts": {"fangsong": " 仿宋"}}, r"前后有空格.*fonts\.fangsong"),
    ({"fonts": {"fangsong": "仿宋\u200b"}}, r"不可见的格式字符.*fonts\.fangsong"),
    ({"page_number": {"dash": "—\u2028"}}, r"不可见的格式字符.*page_number\.dash"),
    # a citation belongs beside a value, nowhere else
    ({"clause": "5.1"}, r"版式配置中没有“clause”这一项"),
    ({"page": {"note": "x"}}, r"版式配置中没有“page\.note”这一项；可用：width、height"),
])
def test_bad_profiles_are_refused_with_a_reason(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(LayoutError, match=message):
        load_profile(overrides=overrides)


def test_several_bad_values_are_all_listed() -> None:
    with pytest.raises(LayoutError) as raised:
        load_profile(overrides={"page": {"margin_top": "150mm", "margin_bottom": "150mm"},
                                "body": {"lines_before_addressee": 1000}, "roles": {"title": {"font": "nope"}}})
    message = str(raised.value)
    assert "版式配置.page" in message and "body.lines_before_addressee" in message and "roles.title.font" in message


def test_several_bad_values_in_one_part_are_all_listed_in_the_order_of_its_fields() -> None:
    """attrs stops at the first value it refuses; every bad value of a part is still listed, with a wrong type."""
    with pytest.raises(LayoutError) as raised:
        load_profile(overrides={"colors": {"placeholder": "gold", "text": "x", "red": "#F"},
                                "roles": {"body": {"color": 5, "size": "0pt"}}})
    problems = re.findall(r"(?:^版式错误：|；)(.+?) @ (版式配置[\w.]+)", str(raised.value))
    assert [path for _, path in problems] == [
        "版式配置.colors.text", "版式配置.colors.red", "版式配置.colors.placeholder", "版式配置.roles.body.size",
        "版式配置.roles.body.color"]
    assert "“#F”不是颜色" in problems[1][0] and "字号应在" in problems[3][0] and "应为文字" in problems[4][0]


def test_every_unknown_key_is_listed_at_once() -> None:
    with pytest.raises(LayoutError) as raised:
        load_profile(overrides={"roles": {"body": {"sise": "12pt"}}, "fonts": {"fangsng": "x"}})
    assert "roles.body.sise" in str(raised.value) and "fonts.fangsng" in str(raised.value)


@pytest.mark.parametrize("overrides", [["x"], "page: 5"])
def test_overrides_that_are_no_mapping_are_refused(overrides: object) -> None:
    with pytest.raises(LayoutError, match="版式配置顶层应为键值对"):
        load_profile(overrides=overrides)  # type: ignore[arg-type]


@pytest.mark.parametrize(("content", "message"), [
    ("roles:\n  body: {font: 仿宋}\n".encode("gbk"), r"p\.yaml 第2行：文件不是 UTF-8 编码；看起来是 GBK"),
    ("roles:\n  body: {font: heiti}\n".encode("utf-16"), None),  # with its byte-order mark: read
    (b"roles:\n  body: {font: heiti}\n  body: {font: kaiti}\n", r"第3行第3列：YAML 语法错误：重复的字段"),
    (b"page: !!python/object {}\n", r"p\.yaml 第1行"),
])
def test_a_profile_file_is_read_as_a_data_file_is(tmp_path: Path, content: bytes, message: str | None) -> None:
    """Encodings, YAML errors and limits said as for a data file (a GBK profile was an internal error, exit 5)."""
    path = tmp_path / "p.yaml"
    path.write_bytes(content)
    if message is None:
        assert load_profile(path).roles.body.font == "heiti"
    else:
        with pytest.raises(LayoutError, match=message):
            load_profile(path)


def test_a_role_may_be_given_wrapped_with_its_citation(tmp_path: Path) -> None:
    """As the packaged profile writes it: {value: {...}, clause: ...}, with any of Role's fields."""
    path = tmp_path / "p.yaml"
    path.write_text('roles:\n  heading1: {value: {font: heiti, size: 16pt, bold: true}, clause: "7.3.3"}\n', "utf-8")
    assert load_profile(path).roles.heading1.bold


def test_a_role_takes_any_of_its_fields() -> None:
    profile = load_profile(overrides={"roles": {"heading1": {"bold": True}, "title": {"color": "red"}}})
    assert profile.roles.heading1.bold and profile.roles.title.color == "red"


def test_a_profile_built_in_code_is_checked_as_a_file_is() -> None:
    import attrs as _attrs
    base = load_profile()
    with pytest.raises(LayoutError, match=r"页边距大于页面"):
        edureport.Renderer(profile=_attrs.evolve(base, page=_attrs.evolve(base.page, margin_top=Mm(150),
                                                                            margin_bottom=Mm(150))))
    with pytest.raises(LayoutError, match=r"没有名为“nope”的字体.*roles\.body\.font"):
        edureport.Renderer(profile=_attrs.evolve(base, roles=_attrs.evolve(
            base.roles, body=_attrs.evolve(base.roles.body, font="nope"))))
    with pytest.raises(ValueError, match=r"^size：应为长度或整数"):
        _attrs.evolve(base.roles.body, size=16.5)


def test_an_issuer_mark_that_cannot_fit_is_a_layout_error_naming_the_setting(tmp_path: Path) -> None:
    profile = load_profile(overrides={"roles": {"issuer_mark": {"spacing": "100pt"}}})
    report = edureport.load_report(Path(__file__).parents[1] / "examples" / "showcase-full-format.yaml")
    with pytest.raises(LayoutError, match=r"发文机关标志.*放不下.*roles\.issuer_mark\.spacing"):
        edureport.render(report, profile=profile, draft=True)


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


@pytest.mark.parametrize("markup", ['<report><title><line>x</line></title><?pi data?></report>',
                                    '<report><title><line>x<?pi data?></line></title></report>'])
def test_a_processing_instruction_in_markup_is_named_the_same_every_time(markup: str) -> None:
    with pytest.raises(TemplateError) as raised:
        parse_markup(markup)
    assert "<?pi>" in str(raised.value) and "0x" not in str(raised.value)
