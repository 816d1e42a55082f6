"""Malformed input through the command line: exit code 2, one Chinese line naming the file and the field path, and
no output file (an existing one is left untouched)."""

from __future__ import annotations

from pathlib import Path

import pytest

from edureport.cli import main

GOOD = "title: 报告\nsections:\n  - title: 一部分\n    paragraphs: [正文]\n"

# (case id, file content, file suffix, text that must appear in the message)
CASES: list[tuple[str, str | bytes, str, str]] = [
    ("yaml-syntax", "title: [报告\n", ".yaml", "第2行"),
    ("yaml-bad-indent", "title: 报告\n  sections: : x\n", ".yaml", "YAML 语法错误"),
    ("yaml-duplicate-key", "title: 报告\ntitle: 又一个\n", ".yaml", "重复的字段"),
    ("json-syntax", '{"title": "报告",}', ".json", "JSON 语法错误"),
    ("json-duplicate-key", '{"title": "a", "title": "b"}', ".json", "重复的字段"),
    ("empty-file", "", ".yaml", "空文件"),
    ("top-level-list", "- 报告\n", ".yaml", "顶层应为键值对"),
    ("missing-title", "sections: []\n", ".yaml", "title"),
    ("unknown-top-key", GOOD + "adressee: 市政府\n", ".yaml", "adressee"),
    ("unknown-section-key", "title: 报告\nsections:\n  - title: 一\n    paragraph: [x]\n", ".yaml", "sections[0]"),
    ("section-not-mapping", "title: 报告\nsections: [一部分]\n", ".yaml", "sections[0]"),
    ("sections-not-list", "title: 报告\nsections: {title: 一}\n", ".yaml", "sections"),
    ("title-number", "title: 12.5\n", ".yaml", "title"),
    ("paragraph-float", "title: 报告\nsections:\n  - title: 一\n    paragraphs: [1.10]\n", ".yaml",
     "sections[0].paragraphs[0]"),
    ("run-in-not-bool", "title: 报告\nsections:\n  - title: 一\n    run_in: 是\n", ".yaml", "sections[0].run_in"),
    ("numbering-bad", "title: 报告\nsections:\n  - title: 一\n    numbering: 接续\n", ".yaml",
     "sections[0].numbering"),
    ("control-char", 'title: "报\\u0007告"\n', ".yaml", "title"),
    ("control-char-deep", 'title: 报告\nsections:\n  - title: 一\n    paragraphs: ["正\\u001b文"]\n', ".yaml",
     "sections[0].paragraphs[0]"),
    ("tab-in-text", 'title: "报\\t告"\n', ".yaml", "制表符"),
    ("newline-in-paragraph", 'title: 报告\nopening: ["第一行\\n第二行"]\n', ".yaml", "opening[0]"),
    ("lone-surrogate", '{"title": "\\ud800"}', ".json", "代理字符"),
    ("bad-date", "title: 报告\nsignature: {issuer: 县政府, date: 2024-02-30}\n", ".yaml", "signature.date"),
    ("date-missing", "title: 报告\nsignature: {issuer: 县政府}\n", ".yaml", "signature.date"),
    ("doc-number-year-text", "title: 报告\nheader:\n  issuer_mark: 县政府\n  doc_number: {organ: 县府, year: 二〇二四, serial: 7}\n",
     ".yaml", "header.doc_number.year"),
    ("doc-number-serial-zero", "title: 报告\nheader:\n  issuer_mark: 县政府\n  doc_number: {organ: 县府, year: 2024, serial: 0}\n",
     ".yaml", "header.doc_number.serial"),
    ("copy-number-short", "title: 报告\nheader: {issuer_mark: 县政府, copy_number: '12'}\n", ".yaml",
     "header.copy_number"),
    ("fifth-level", "title: 报告\nsections:\n - title: 一\n   sections:\n    - title: 二\n      sections:\n"
                    "       - title: 三\n         sections:\n          - title: 四\n            sections:\n"
                    "             - title: 五\n", ".yaml", "sections[0].sections[0].sections[0].sections[0].sections[0]"),
    ("table-row-width", "title: 报告\nattachments:\n  - title: 表\n    tables:\n      - columns: [甲, 乙]\n"
                        "        rows: [[1, 2, 3]]\n", ".yaml", "attachments[0].tables[0].rows[0]"),
    ("table-cell-bool", "title: 报告\nattachments:\n  - title: 表\n    tables:\n      - columns: [甲]\n"
                        "        rows: [[true]]\n", ".yaml", "attachments[0].tables[0].rows[0][0]"),
    ("blank-title", "title: '   '\n", ".yaml", "title"),
    ("gbk-encoding", "title: 报告\n".encode("gbk"), ".yaml", "UTF-8"),
    ("binary-file", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ".yaml", "不是文本文件"),
    ("utf16-no-bom", "title: 报告\n".encode("utf-16-le"), ".yaml", "UTF-16-LE 编码"),
]


@pytest.mark.parametrize(("case", "content", "suffix", "expected"), CASES, ids=[c[0] for c in CASES])
def test_malformed_input_exits_2_names_the_field_and_writes_nothing(
        case: str, content: str | bytes, suffix: str, expected: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / f"data{suffix}"
    if isinstance(content, bytes):
        source.write_bytes(content)
    else:
        source.write_text(content, "utf-8")
    target = tmp_path / "out.docx"
    assert main(["render", str(source), "-o", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("数据错误：") and str(source) in err, err
    assert expected in err, err
    assert not target.exists()
    assert [p.name for p in tmp_path.iterdir()] == [source.name]  # no temporary file left behind either


def test_an_existing_output_is_left_untouched_on_error(tmp_path: Path) -> None:
    source = tmp_path / "bad.yaml"
    source.write_text("title: [报告\n", "utf-8")
    target = tmp_path / "out.docx"
    target.write_bytes(b"last year's file")
    assert main(["render", str(source), "-o", str(target)]) == 2
    assert target.read_bytes() == b"last year's file"


def test_at_least_twenty_malformed_inputs_are_covered() -> None:
    assert len(CASES) >= 20


def test_a_missing_data_file_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", str(tmp_path / "nope.yaml"), "-o", str(tmp_path / "o.docx")]) == 2
    assert "无法读取文件" in capsys.readouterr().err


def test_a_good_file_renders_and_replaces_the_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "good.yaml"
    source.write_text(GOOD, "utf-8")
    target = tmp_path / "out.docx"
    target.write_bytes(b"old")
    assert main(["render", str(source), "-o", str(target)]) == 0
    assert target.read_bytes()[:2] == b"PK"
    assert "已生成" in capsys.readouterr().out


def test_several_inputs_with_one_bad_continue_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.yaml").write_text(GOOD, "utf-8")
    (tmp_path / "b.yaml").write_text("title: [x\n", "utf-8")
    out = tmp_path / "out"
    assert main(["render", str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml"), "-o", str(out)]) == 2
    assert sorted(p.name for p in out.iterdir()) == ["a.docx"]
    assert "成功 1 个，失败 1 个" in capsys.readouterr().out


def test_inputs_with_the_same_name_get_distinct_outputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for d in ("x", "y"):
        (tmp_path / d).mkdir()
        (tmp_path / d / "report.yaml").write_text(GOOD, "utf-8")
    code = main(["render", str(tmp_path / "x/report.yaml"), str(tmp_path / "y/report.yaml"), "-o",
                 str(tmp_path / "out")])
    assert code == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "x-report.docx", "y-report.docx"]


@pytest.mark.parametrize(("text", "words"), [
    ("title: " + "[" * 100_000 + "]" * 100_000, "嵌套层数过多"),  # the C parser would crash the process
    ("title:\n" + "- " * 100_000 + "x", "嵌套层数过多"),
    ("title: x\nyear: -_", "第2行第7列：YAML 语法错误：“-_”不是有效的整数"),  # YAML's integer pattern lets it through
    ("title: x\nyear: 0x_", "“0x_”不是有效的整数"),
    ("title: !!int abc", "“abc”不是有效的整数"),
    ("a: !!int ''\ntitle: x", "不是有效的整数"),
    ("? [[a]]\n: 1\ntitle: x", "不能作为数据的写法"),  # ruamel raised TypeError, KeyError, AssertionError
    ("title: x\nyear: !!bool 2", "不能作为数据的写法"),
    ("!!omap [a: 1, a: 2]", "不能作为数据的写法"),
    # nesting continued on further-indented lines: 6 lines of 4,999 "- " (about 30,000 levels, 210 KB)
    ("title: x\nopening:\n" + "\n".join(" " * (2 * 4999 * i) + "- " * 4999 for i in range(6)) + "x\n",
     "嵌套层数过多"),
    ("base: &b !!set {a, b}\nm:\n  <<: *b\ntitle: x", "未知字段"),  # the line finder cannot follow this merge
    ("m: &m\n  <<: *m\ntitle: x", "未知字段"),
])
def test_hostile_yaml_is_a_data_error_in_a_child_process(text: str, words: str, tmp_path: Path) -> None:
    """Run in a child process: a crash of the C parser (a segmentation fault) must show as a failure, not kill the
    test run."""
    import subprocess
    import sys
    source = tmp_path / "bad.yaml"
    source.write_text(text, "utf-8")
    code = ("import sys\nfrom edureport.errors import DataError\nfrom edureport.load import load_report\n"
            f"try:\n    load_report({str(source)!r})\nexcept DataError as e:\n    print(e)\n    sys.exit(2)\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.returncode == 2, (run.returncode, run.stderr[-500:])
    assert words in run.stdout and "Traceback" not in run.stderr


def test_a_deeply_nested_profile_is_a_layout_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    profile = tmp_path / "profile.yaml"
    profile.write_text("page: " + "[" * 100_000 + "]" * 100_000, "utf-8")
    example = Path(__file__).parents[1] / "examples" / "000-anyue-2024.yaml"
    assert main(["render", str(example), "-o", str(tmp_path / "a.docx"), "--profile", str(profile)]) == 2
    assert "嵌套层数过多" in capsys.readouterr().err and not (tmp_path / "a.docx").exists()
