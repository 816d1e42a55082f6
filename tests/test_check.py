"""``edureport check``: text lint of official-document conventions and the computed checks. The fixtures keep the
reference reports' original mistakes (see shared/reference-reports/README.md); each must be reported at its field.
The corrected examples must come out clean of lint."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from edureport.audit import audit_file
from edureport.cli import main
from edureport.lint import lint_data, lint_text
from edureport.load import parse_text

from .conftest import EXAMPLES

MISTAKES = Path(__file__).parent / "fixtures" / "mistakes"

# (field path, words of the message) for every mistake the reference README lists that a check can see
EXPECTED = {
    "000-original.yaml": [
        ("sections[0].title", "手写了编号“1、”"),                       # 1、 履职情况
        ("sections[0].sections[0].sections[1].paragraphs[5]", "数字中间有空格"),  # 752. 96
        ("sections[0].sections[1].sections[1].sections[1].paragraphs[0]", "数字中间有空格"),  # 13282. 41
        ("areas.equity.aid", "超过一般公共预算教育经费142.689万元"),         # 142.689万元 next to 4942.289万元
        ("sections[0].sections[0].sections[2].paragraphs[7]", "“布署”用词有误"),
        ("opening[0]", "残留内容"),                                        # [bookmark: OLE_LINK6]
    ],
    "001-original.yaml": [
        ("addressee", "半角标点“:”"),                                      # 市政府教育督导室:
        ("opening[3]", "半角标点“,”"),
        ("sections[1].sections[0].title", "手写了编号“(一)”"),             # (一) headings
        ("sections[1].sections[0].title", "半角括号"),
        ("sections[1].sections[2].paragraphs[0]", "“年比下降”用词有误"),
        ("areas.funding.per_student_expenditure.初中", "同为14662元"),     # the same figure for 初中 and 小学
        ("sections[1].sections[1].paragraphs[0]", "手写的数字“14662元”"),  # typed twice: in the data and the text
        ("opening[0]", "残留内容"),                                        # web-page chrome
    ],
    "004-original.yaml": [
        ("sections[0].sections[3].paragraphs[0]", "“五是”前没有“四是”"),
        ("sections[0].sections[3].paragraphs[0]", "百分号应使用“%”"),
        ("sections[0].sections[0].paragraphs[0]", "半角标点“,”"),
        ("sections[0].sections[0].paragraphs[0]", "不换行空格"),            # 298 所
        ("title[1]", "残留内容"),                                          # [bookmark: _GoBack]
    ],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_check_reports_each_original_mistake_at_its_field(name: str) -> None:
    findings = audit_file(MISTAKES / name)
    for path, words in EXPECTED[name]:
        assert any(f.path == path and words in f.message for f in findings), (path, words)
    for finding in findings:
        if finding.path.startswith(("sections", "opening", "title", "addressee")):
            assert finding.text and finding.fix, finding


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_the_corrected_examples_have_no_lint_findings(path: Path) -> None:
    data, _, _ = parse_text(path.read_bytes(), str(path))
    assert lint_data(data) == []


@pytest.mark.parametrize(("text", "message", "fix"), [
    ("市政府教育督导室:", "半角标点“:”", "改为全角“：”"),
    ("渝府教督发(2022)5号", "六角括号", "渝府教督发〔2022〕5号"),
    ("安府办[2024]7号", "六角括号", "安府办〔2024〕7号"),
    ("安府办【2024】7号", "六角括号", "安府办〔2024〕7号"),
    ("2024年06月05日", "不编虚位", "2024年6月5日"),
    ("二〇二四年六月五日", "阿拉伯数字", "如 2024年6月5日"),
    ("资金752. 96万元", "数字中间有空格", "752.96"),
    ("全区298\u00a0所", "不换行空格", "删去空格"),
    ("覆盖率100％", "百分号", "把“％”改为“%”"),
    ("義務教育", "繁体字“義”", "改为“义”"),
    ("一是甲；三是乙", "“三是”前没有“二是”", "补齐前面的各项，或删去序号"),
])
def test_lint_rules(text: str, message: str, fix: str) -> None:
    [finding] = lint_text("x", text)
    assert message in finding.message and finding.fix == fix


@pytest.mark.parametrize("title", ["1、履职情况", "（一）坚持党的领导", "(一)坚持", "（一）、加强", "一、履职情况", "2.加大投入"])
def test_hand_typed_heading_numbers_in_titles(title: str) -> None:
    assert any("手写了编号" in f.message for f in lint_text("sections[0].title", title))


def test_clean_text_has_no_findings() -> None:
    assert lint_text("p", "2023年一般公共预算教育经费142689万元，比上年增长1.45%；一是加大投入；二是均衡资源。") == []
    assert lint_text("sections[0].title", "关于1年来的工作") == []


def test_repeats_in_one_field_are_reported_once_with_a_count() -> None:
    [finding] = lint_data({"opening": ["甲,乙,丙,丁"]})
    assert finding.message.endswith("（本处共3处）")


def test_check_exit_codes_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    showcase = next(p for p in EXAMPLES if p.stem.startswith("showcase"))
    assert main(["check", str(showcase)]) == 0 and "未发现问题" in capsys.readouterr().out
    assert main(["check", str(MISTAKES / "004-original.yaml"), "--format", "json"]) == 1
    payload = json.loads(capsys.readouterr().out)
    lone = next(f for f in payload["findings"] if "五是" in f["message"])
    assert lone["path"] == "sections[0].sections[3].paragraphs[0]" and lone["text"] and lone["fix"]
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: [x\n", "utf-8")
    assert main(["check", str(bad)]) == 2
    assert main(["check", str(tmp_path / "missing.yaml")]) == 2


def test_length_guidance(tmp_path: Path) -> None:
    long = tmp_path / "long.yaml"
    long.write_text("title: 报告\nopening:\n" + "".join(f"  - {'教育' * 300}。\n" for _ in range(10)), "utf-8")
    assert any("超过约5000字" in f.message for f in audit_file(long))
