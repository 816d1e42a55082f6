"""The annual cycle: rollover of last year's data, then a draft render with placeholders and a final render that
refuses until every missing value is filled."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import docx
import pytest

import edureport
import edureport.missing
from edureport.cli import main
from edureport.load import parse_text
from edureport.missing import MissingValuesError
from edureport.quantities import AmountPair, RatePair
from edureport.rollover import leaves, rollover_text

from .conftest import EXAMPLES

NEXT = {"000-anyue-2024": 2024, "001-dianjiang-2022": 2022, "004-nanan-2024": 2024, "showcase-full-format": 2024}


def rolled(path: Path) -> tuple[str, str, object]:
    text = path.read_text("utf-8")
    new, log = rollover_text(text, NEXT[path.stem], str(path))
    return text, new, log


def pairs(node: object, path: str = "areas") -> dict[str, AmountPair | RatePair]:
    import attrs
    out: dict[str, AmountPair | RatePair] = {}
    if isinstance(node, (AmountPair, RatePair)):
        return {path: node}
    if isinstance(node, dict):
        for k, v in node.items():
            out |= pairs(v, f"{path}.{k}")
    elif attrs.has(type(node)):
        for f in attrs.fields(type(node)):
            out |= pairs(getattr(node, f.name), f"{path}.{f.name}")
    return out


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_figure_moves_to_last_year_and_this_year_is_left_to_fill(path: Path) -> None:
    old_text, new_text, _ = rolled(path)
    old, new = edureport.loads_report(old_text), edureport.loads_report(new_text)
    assert new.year == NEXT[path.stem]
    old_pairs, new_pairs = pairs(old.areas), pairs(new.areas)
    for where, figure in old_pairs.items():
        if figure.current is not None:
            assert new_pairs[where].previous == figure.current, where
        assert new_pairs[where].current is None and new_pairs[where].stated_change is None, where


@pytest.mark.parametrize("path", [p for p in EXAMPLES if not p.stem.startswith("showcase")],
                         ids=[p.stem for p in EXAMPLES if not p.stem.startswith("showcase")])
def test_every_problem_becomes_a_rectification_item(path: Path) -> None:
    old_text, new_text, _ = rolled(path)
    old, new = edureport.loads_report(old_text), edureport.loads_report(new_text)
    assert old.areas and old.areas.problems and new.areas and new.areas.rectification
    items = new.areas.rectification.items
    assert items and all(i.status == "待整改" and not i.actions for i in items)
    problems_text = "".join(old.areas.problems.paragraphs[0] if old.areas.problems.paragraphs else "") + "".join(
        m.title for m in old.areas.problems.measures)
    for item in items:
        assert item.problem.split("。")[0].rstrip("。") in problems_text
    expected = len(old.areas.problems.measures) or len(re.findall("[一二三四五六七八九十]是", problems_text))
    assert len(items) == expected
    assert new.areas.problems is None  # this year's problems are written anew


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_comments_and_key_order_survive(path: Path) -> None:
    old_text, new_text, _ = rolled(path)
    comments = [line.split("#", 1)[1] for line in old_text.splitlines() if "#" in line]
    assert comments and all(c in new_text for c in comments)
    top_keys = [line.split(":")[0] for line in old_text.splitlines() if re.match(r"^[a-z_]+:", line)]
    new_keys = [line.split(":")[0] for line in new_text.splitlines() if re.match(r"^[a-z_]+:", line)]
    assert [k for k in new_keys if k in top_keys] == [k for k in top_keys if k in new_keys]


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_value_is_carried_moved_or_cleared(path: Path) -> None:
    old_text, new_text, log = rolled(path)
    old_data, new_data = parse_text(old_text, "old")[0], parse_text(new_text, "new")[0]
    new_leaves = dict(leaves(new_data))
    moved = dict(log.moved)
    for where, value in leaves(old_data):
        if where in moved:
            assert new_leaves[moved[where]] == value, where
        elif where in log.cleared or where in log.renewed:
            continue
        else:
            assert new_leaves.get(where) == value, f"{where} was neither carried, moved nor cleared"


def test_the_rules_on_a_small_file_carried_and_cleared_enumerated(tmp_path: Path) -> None:
    text = """# 上年数据
year: 2023
header:
  issuer_mark: 示例县人民政府
  doc_number: {organ: 示府, year: 2024, serial: 12}  # 发文字号
title: 关于2023年度履行教育职责情况的自评报告
areas:
  funding:
    total: {current: 85620, previous: 82910, stated_change: 3.27}
    per_student:
      小学: {current: 13420, unit: 元}
      初中: {unit: 元, stated_change: 2.85}
    public_funds_standard: {小学: 720}
    supervision_budget: {amount: 120}
  rectification:
    items:
      - {problem: 甲问题, actions: [已整改。], status: 已完成}
      - {problem: 乙问题, actions: [正在推进。], status: 持续推进}
  problems:
    measures:
      - title: 城区学位偏紧
        paragraphs: [部分学校接近额定规模。, 整改举措：新建两所学校。]
  feedback: [督导反馈：课后服务覆盖不足]
signature: {issuer: 示例县人民政府, date: 2024-06-05}
colophon: {printer: 示例县人民政府办公室, print_date: 2024-06-05}
"""
    new_text, log = rollover_text(text, 2024)
    assert sorted(log.cleared) == sorted([
        "header.doc_number.serial", "signature.date", "colophon.print_date",
        "areas.funding.total.stated_change", "areas.funding.total.previous",
        "areas.funding.per_student.初中.stated_change", "areas.funding.supervision_budget.amount",
        "areas.rectification.items[0].problem", "areas.rectification.items[0].actions[0]",
        "areas.rectification.items[0].status",
        "areas.problems.measures[0].title", "areas.problems.measures[0].paragraphs[0]",
        "areas.problems.measures[0].paragraphs[1]", "areas.feedback[0]"])
    assert log.renewed == ["year", "header.doc_number.year"]
    assert sorted(log.moved) == sorted([
        ("areas.funding.total.current", "areas.funding.total.previous"),
        ("areas.funding.per_student.小学.current", "areas.funding.per_student.小学.previous"),
        ("areas.rectification.items[1].problem", "areas.rectification.items[0].problem"),
        ("areas.rectification.items[1].actions[0]", "areas.rectification.items[0].actions[0]"),
        ("areas.rectification.items[1].status", "areas.rectification.items[0].status")])
    carried = ({p for p, _ in leaves(parse_text(text, "t")[0])} - set(log.cleared) - {m for m, _ in log.moved}
               - set(log.renewed))
    assert sorted(carried) == sorted(["header.issuer_mark", "header.doc_number.organ", "title",
                                      "areas.funding.per_student.小学.unit", "areas.funding.per_student.初中.unit",
                                      "areas.funding.public_funds_standard.小学", "signature.issuer",
                                      "colophon.printer"])
    assert log.added == ["areas.rectification.items[1].problem", "areas.rectification.items[2].problem"]
    new = edureport.loads_report(new_text)
    assert new.header and new.header.doc_number and new.header.doc_number.year == 2025
    assert new.areas and new.areas.rectification
    assert [i.problem for i in new.areas.rectification.items] == [
        "乙问题", "城区学位偏紧。部分学校接近额定规模。", "督导反馈：课后服务覆盖不足"]
    assert log.stale_years == [("title", "关于2023年度履行教育职责情况")]


def test_draft_shows_highlighted_placeholders_and_final_refuses(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    source = next(p for p in EXAMPLES if p.stem.startswith("000"))
    new = tmp_path / "2025.yaml"
    assert main(["rollover", str(source), "--year", "2024", "-o", str(new)]) == 0
    assert "以下文字仍写着旧的年份" in capsys.readouterr().out
    final = tmp_path / "final.docx"
    assert main(["render", str(new), "-o", str(final)]) == 2
    err = capsys.readouterr().err
    for field in ("header.doc_number.serial", "areas.funding.total.current", "areas.rectification.items[0].actions"):
        assert f"字段 {field}：" in err
    assert not final.exists()
    draft = tmp_path / "draft.docx"
    assert main(["render", str(new), "-o", str(draft), "--draft"]) == 0
    texts = [p.text for p in docx.Document(str(draft)).paragraphs]
    assert any("安府办〔2025〕【待填写：发文顺序号】号" in t for t in texts)
    assert any(t == "整改情况：【待填写：整改情况】" for t in texts)
    xml = zipfile.ZipFile(io.BytesIO(draft.read_bytes())).read("word/document.xml").decode()
    assert xml.count('<w:highlight w:val="yellow"/>') == xml.count("【待填写")


def test_a_final_render_in_code_raises_with_every_missing_field() -> None:
    report = edureport.Report(title="报告", signature=edureport.Signature(issuer="县政府"))
    with pytest.raises(MissingValuesError) as info:
        edureport.render_docx(report)
    assert [p.path for p in info.value.problems] == ["signature.date"]
    assert b"PK" == edureport.render_docx(report, draft=True)[:2]


def test_rollover_refuses_a_year_that_is_not_later_and_overwriting_the_input(tmp_path: Path,
                                                                              capsys: pytest.CaptureFixture[str]) -> None:
    source = next(p for p in EXAMPLES if p.stem.startswith("000"))
    assert main(["rollover", str(source), "--year", "2023", "-o", str(tmp_path / "x.yaml")]) == 2
    assert "应晚于" in capsys.readouterr().err and not (tmp_path / "x.yaml").exists()
    copy = tmp_path / "last.yaml"
    copy.write_text(source.read_text("utf-8"), "utf-8")
    assert main(["rollover", str(copy), "--year", "2024", "-o", str(copy)]) == 2
    assert copy.read_text("utf-8") == source.read_text("utf-8")


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_each_rolled_over_example_renders_as_a_draft_and_check_lists_what_is_missing(path: Path,
                                                                                   tmp_path: Path) -> None:
    _, new_text, _ = rolled(path)
    report = edureport.loads_report(new_text)
    data = edureport.render_docx(report, draft=True)
    texts = [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]
    missing = edureport.missing.missing_values(report)
    assert missing and any("【待填写" in t for t in texts)
    rolled_file = tmp_path / "next.yaml"
    rolled_file.write_text(new_text, "utf-8")
    from edureport.audit import audit_file
    flagged = {f.path for f in audit_file(rolled_file) if f.message.endswith("正式生成前需补齐")}
    assert flagged == {p.path for p in missing}
