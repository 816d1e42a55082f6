"""The annual cycle: rollover of last year's data, then a draft render with placeholders and a final render that
refuses until every missing value is filled and every carried paragraph with hand-typed numbers is reviewed — and,
once it is complete, never prints last year's figures."""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import docx
import pytest

import edureport
import edureport.missing
from edureport.areas import AreaBase, FigureRef, Fill, RectificationBase, Reviewed, parts_of
from edureport.checks import figures
from edureport.cli import main
from edureport.missing import MissingValuesError
from edureport.model import iter_paragraphs
from edureport.parsing import leaves, parse_text
from edureport.quantities import Figure, Value
from edureport.rollover import rollover_text

from .conftest import EXAMPLES, TEMPLATES


def next_year(path: Path) -> int:
    report = edureport.load_report(path, template_dirs=TEMPLATES)
    return (report.year or 2023) + 1


def rolled(path: Path) -> tuple[str, str, Any]:
    text = path.read_text("utf-8")
    new, log = rollover_text(text, next_year(path), str(path), TEMPLATES)
    return text, new, log


def load(text: str) -> edureport.Report:
    return edureport.loads_report(text, template_dirs=TEMPLATES)


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_figure_moves_to_last_year_and_this_year_is_left_to_fill(path: Path) -> None:
    old_text, new_text, log = rolled(path)
    old, new = load(old_text), load(new_text)
    scheme = edureport.load_scheme(old.scheme or "general", TEMPLATES) if old.areas else None
    carried = {k for k, i in scheme.catalogue.indicators.items() if i.rollover == "carry"} if scheme else set()
    assert new.year == next_year(path)
    old_figures = {p: f for p, f, _ in figures(old)}
    new_figures = {p: f for p, f, _ in figures(new)}
    for where, figure in old_figures.items():
        if where not in new_figures:  # a finished rectification item's own figures go with its text
            assert where.startswith("areas.rectification.figures.") and any(
                c.startswith(where) for c in log.cleared), where
            continue
        if where.split(".")[2] in carried:
            assert new_figures[where] == figure, where
            continue
        if figure.current is not None:
            assert new_figures[where].previous == figure.current, where
        assert new_figures[where].current is None and new_figures[where].stated_change is None, where


REFERENCES = [p for p in EXAMPLES if p.stem[:3].isdigit()]


@pytest.mark.parametrize("path", REFERENCES, ids=[p.stem for p in REFERENCES])
def test_every_problem_becomes_a_rectification_item_and_this_years_problems_a_placeholder(path: Path) -> None:
    old_text, new_text, _ = rolled(path)
    old, new = load(old_text), load(new_text)
    assert old.areas and "problems" in old.areas and new.areas and "rectification" in new.areas
    rectification = new.areas["rectification"]
    assert isinstance(rectification, RectificationBase)
    items = rectification.items
    assert items and all(i.status == "待整改" and not i.actions for i in items)
    problems = old.areas["problems"]
    problems_text = "".join("".join(p for p in parts_of(par) if isinstance(p, str)) for par in problems.paragraphs)
    problems_text += "".join(m.title for m in problems.measures)
    for item in items:
        assert item.problem.split("。")[0].rstrip("。") in problems_text
    expected = len(problems.measures) or len(re.findall("[一二三四五六七八九十]是", problems_text))
    assert len(items) == expected
    assert new.areas["problems"].paragraphs == ((Fill("今年存在的问题"),),)  # to write, not vanished


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
    reviewed = [p for p, _ in log.review]

    def after_review(where: str) -> str:  # a paragraph marked for review keeps its text under .text
        for p in reviewed:
            if where == p or where.startswith(p + "["):
                return p + ".text" + where[len(p):]
        return where
    for where, value in leaves(old_data):
        if where in moved:
            assert new_leaves[moved[where]] == value, where
        elif where in log.cleared or where in log.renewed:
            continue
        else:
            assert new_leaves.get(after_review(where)) == value, f"{where} was neither carried, moved nor cleared"


def test_the_rules_on_a_small_file_carried_cleared_reviewed() -> None:
    text = """# 上年数据
year: 2023
header:
  issuer_mark: 示例县人民政府
  doc_number: {organ: 示府, year: 2024, serial: 12}  # 发文字号
title: 关于2023年度履行教育职责情况的自评报告
opening:
  - 根据《示例市关于开展2024年履行教育职责评价的通知》（示教督〔2024〕3号）要求，现报告如下。
areas:
  funding:
    budget_funds: {current: 85620, previous: 82910, stated_change: 3.27}
    per_student_funds:
      小学: {current: 13420}
      初中: {stated_change: 2.85}
    public_funds_standard: {小学: 720}
    supervision_budget: 120
    figures:
      专项资金: {current: 6100余, unit: 万元}
    paragraphs:
      - [{statement: funding.budget_funds}, 。]
      - [{figure: funding.per_student_funds}, {figure: funding.public_funds_standard},
         {figure: funding.supervision_budget}, {figure: funding.专项资金}]
      - 全年新建学校3所。
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
        "areas.funding.budget_funds.stated_change", "areas.funding.budget_funds.previous",
        "areas.funding.per_student_funds.初中.stated_change",
        "areas.rectification.items[0].problem", "areas.rectification.items[0].actions[0]",
        "areas.rectification.items[0].status",
        "areas.problems.measures[0].title", "areas.problems.measures[0].paragraphs[0]",
        "areas.problems.measures[0].paragraphs[1]", "areas.feedback[0]"])
    assert log.renewed == ["year", "header.doc_number.year"]
    assert sorted(log.moved) == sorted([
        ("areas.funding.budget_funds.current", "areas.funding.budget_funds.previous"),
        ("areas.funding.per_student_funds.小学.current", "areas.funding.per_student_funds.小学.previous"),
        ("areas.funding.supervision_budget", "areas.funding.supervision_budget.previous"),
        ("areas.funding.figures.专项资金.current", "areas.funding.figures.专项资金.previous"),
        ("areas.rectification.items[1].problem", "areas.rectification.items[0].problem"),
        ("areas.rectification.items[1].actions[0]", "areas.rectification.items[0].actions[0]"),
        ("areas.rectification.items[1].status", "areas.rectification.items[0].status")])
    assert log.added == ["areas.rectification.items[1].problem", "areas.rectification.items[2].problem",
                         "areas.problems.paragraphs[0]"]
    # the paragraph with a hand-typed number and the opening's citation of last year's notice wait for review;
    # the paragraphs stated from the data do not
    assert [p for p, _ in log.review] == ["opening[0]", "areas.funding.paragraphs[2]"]
    assert "评价通知和文号" in log.review[0][1] and "3所" in log.review[1][1]
    new = edureport.loads_report(new_text)
    assert new.header and new.header.doc_number and new.header.doc_number.year == 2025
    assert new.areas is not None
    funding = new.areas["funding"]
    assert funding.public_funds_standard["小学"].current == Value(Decimal(720))  # type: ignore[attr-defined]
    assert funding.figures["专项资金"].previous == Value(Decimal(6100), after="余")
    rectification = new.areas["rectification"]
    assert isinstance(rectification, RectificationBase)
    assert [i.problem for i in rectification.items] == [
        "乙问题", "城区学位偏紧。部分学校接近额定规模。", "督导反馈：课后服务覆盖不足"]
    assert ("title", "关于2023年度履行教育职责情况") in log.stale_years


def test_a_jump_of_more_than_one_year_is_a_warning_naming_both_years(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    source = next(p for p in EXAMPLES if p.stem.startswith("000"))
    _, log = rollover_text(source.read_text("utf-8"), 2026)
    assert log.warnings == ["新的评价年度2026比原来的2023晚3年；每年结转一次时应为2024，请确认"]
    assert main(["rollover", str(source), "--year", "2026", "-o", str(tmp_path / "x.yaml")]) == 0
    assert "提醒：新的评价年度2026比原来的2023晚3年" in capsys.readouterr().err


def test_draft_shows_highlighted_placeholders_and_final_refuses(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    source = next(p for p in EXAMPLES if p.stem.startswith("000"))
    new = tmp_path / "2025.yaml"
    assert main(["rollover", str(source), "--year", "2024", "-o", str(new)]) == 0
    out = capsys.readouterr().out
    assert "段文字待核对" in out and "字段 opening[0]：引用的评价通知和文号是上一年的" in out
    final = tmp_path / "final.docx"
    assert main(["render", str(new), "-o", str(final)]) == 2
    err = capsys.readouterr().err
    for field in ("header.doc_number.serial", "areas.funding.budget_funds.current",
                  "areas.rectification.items[0].actions", "areas.problems.paragraphs[0][0].fill", "opening[0].review"):
        assert f"字段 {field}：" in err, field
    assert not final.exists()
    draft = tmp_path / "draft.docx"
    assert main(["render", str(new), "-o", str(draft), "--draft"]) == 0
    texts = [p.text for p in docx.Document(str(draft)).paragraphs]
    assert any("安府办〔2025〕【待填写：发文顺序号】号" in t for t in texts)
    assert any(t == "整改情况：【待填写：整改情况】" for t in texts)
    assert any(t.startswith("【待核对：引用的评价通知和文号是上一年的") for t in texts)
    assert any("【待填写：今年存在的问题】" in t for t in texts)
    xml = zipfile.ZipFile(io.BytesIO(draft.read_bytes())).read("word/document.xml").decode()
    assert xml.count('<w:highlight w:val="yellow"/>') == xml.count("【待填写") + xml.count("【待核对")


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
    report = load(new_text)
    data = edureport.render_docx(report, draft=True, template_dirs=TEMPLATES)
    texts = [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]
    scheme = edureport.load_scheme(report.scheme or "general", TEMPLATES) if report.areas else None
    missing = edureport.missing.missing_values(report, scheme)
    assert missing and any("【待填写" in t or "【待核对" in t for t in texts)
    rolled_file = tmp_path / "next.yaml"
    rolled_file.write_text(new_text, "utf-8")
    from edureport.audit import audit_file
    flagged = {f.path for f in audit_file(rolled_file, TEMPLATES) if f.message.endswith("正式生成前需补齐")}
    assert flagged == {p.path for p in missing}


# ---------------------------------------------------------------------------------------------------------------
# The promise: a rolled-over report, completed with this year's figures, never prints last year's numbers


def _bump(value: Value | None) -> Value | None:
    """This year's new figure: a different number written the same way (approximations stay approximations)."""
    if value is None or value.number is None:
        return value
    whole = value.number == value.number.to_integral_value() and not value.magnitude
    step = Decimal(7) if whole else Decimal("0.7")
    number = value.number + step
    if number > 100 >= value.number:  # stays a possible rate
        number = value.number - step
    if not whole:
        number = number.quantize(value.number) if value.number.as_tuple().exponent < 0 else number  # type: ignore[operator]
    exact = None if value.exact is None else value.exact + 13
    return attrs.evolve(value, number=number, exact=exact)


def _fill_figure(figure: Figure) -> Figure:
    if figure.current is None:
        if figure.previous is not None:
            return attrs.evolve(figure, current=_bump(figure.previous))
        return attrs.evolve(figure, current=Value(Decimal(4321)), stated_change=Decimal("1.23"))
    return figure


def _complete_area(area: AreaBase) -> AreaBase:
    catalogue = edureport.load_catalogue(TEMPLATES)
    changes: dict[str, Any] = {key: True for key in type(area).__indicators__
                               if catalogue.indicators[key].kind == "flag" and getattr(area, key) is None}
    for name, value in area.indicator_values():
        if isinstance(value, dict):
            changes[name] = {k: _fill_figure(v) for k, v in value.items()}
        elif isinstance(value, Figure):
            changes[name] = _fill_figure(value)
    changes["figures"] = {k: _fill_figure(v) for k, v in area.figures.items()}
    changes["paragraphs"] = tuple(_confirm(p) for p in area.paragraphs)
    changes["measures"] = tuple(_confirm_measure(m) for m in area.measures)
    if isinstance(area, RectificationBase):
        changes["items"] = tuple(attrs.evolve(i, actions=tuple(_confirm(a) for a in i.actions) or ("已完成整改。",))
                                 for i in area.items)
        changes["groups"] = tuple(attrs.evolve(g, items=tuple(
            attrs.evolve(i, actions=tuple(_confirm(a) for a in i.actions) or ("已完成整改。",)) for i in g.items))
            for g in area.groups)
    return attrs.evolve(area, **changes)


def _confirm(paragraph: Any) -> Any:
    """What a person does with a paragraph marked for review (confirms it) or a part still to write (writes it)."""
    if isinstance(paragraph, Reviewed):
        paragraph = paragraph.text
    if isinstance(paragraph, tuple):
        return tuple("今年存在的问题已查找并列出。" if isinstance(p, Fill) else p for p in paragraph)
    return paragraph


def _confirm_measure(measure: Any) -> Any:
    return attrs.evolve(measure, paragraphs=tuple(_confirm(p) for p in measure.paragraphs),
                        points=tuple(_confirm(p) for p in measure.points),
                        measures=tuple(_confirm_measure(m) for m in measure.measures))


def complete(report: edureport.Report) -> edureport.Report:
    """The rolled-over report as its writer finishes it: this year's figures, dates and serial filled in, every
    carried paragraph reviewed, every placeholder written."""
    header = report.header
    if header and header.doc_number and header.doc_number.serial is None:
        header = attrs.evolve(header, doc_number=attrs.evolve(header.doc_number, serial=3))
    signature = report.signature and attrs.evolve(report.signature, date=report.signature.date or
                                                  __import__("datetime").date(2025, 6, 1))
    colophon = report.colophon and attrs.evolve(report.colophon, print_date=report.colophon.print_date or
                                                __import__("datetime").date(2025, 6, 1))
    areas = None if report.areas is None else edureport.Areas(
        {k: _complete_area(a) for k, a in report.areas.items()}, feedback=report.areas.feedback)
    return attrs.evolve(report, header=header, signature=signature, colophon=colophon, areas=areas,
                        opening=tuple(_confirm(p) for p in report.opening),
                        sections=tuple(_confirm_section(x) for x in report.sections),
                        attachments=tuple(attrs.evolve(a, paragraphs=tuple(_confirm(p) for p in a.paragraphs),
                                                       sections=tuple(_confirm_section(x) for x in a.sections))
                                          for a in report.attachments))


def _confirm_section(section: Any) -> Any:
    return attrs.evolve(section, paragraphs=tuple(_confirm(p) for p in section.paragraphs),
                        sections=tuple(_confirm_section(x) for x in section.sections))


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_a_completed_rollover_never_prints_last_years_figures(path: Path) -> None:
    old_text, new_text, _ = rolled(path)
    old, new = load(old_text), complete(load(new_text))
    assert not edureport.missing.missing_values(new), edureport.missing.missing_values(new)[:3]
    data = edureport.render_docx(new, template_dirs=TEMPLATES)  # a final render: nothing left to fill or review
    text = "".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    for table in docx.Document(io.BytesIO(data)).tables:  # every cell but the 上年 side and the standards
        header = [c.text for c in table.rows[0].cells]
        text += "".join(c.text for row in table.rows for i, c in enumerate(row.cells)
                        if i >= len(header) or header[i] not in ("上年", "标准"))
    shown_previous = {part.figure for _, par in iter_paragraphs(new) for part in parts_of(par)
                      if isinstance(part, FigureRef) and part.show == "previous"}
    checked = 0
    from edureport.formatting import written
    scheme = edureport.load_scheme(old.scheme or "general", TEMPLATES) if old.areas else None
    carried = {k for k, i in scheme.catalogue.indicators.items() if i.rollover == "carry"} if scheme else set()
    this_year = {written(f.current, u) for _, f, u in figures(new, scheme) if f.current is not None}
    for where, figure, unit in figures(old, scheme):
        ref = where.removeprefix("areas.").replace(".figures.", ".")
        if figure.current is not None and written(figure.current, unit) in this_year:
            continue  # the same words are also this year's figure (a carried standard of the same amount)
        if figure.current is None or figure.current.number is None or ref in shown_previous \
                or where.split(".")[2] in carried:  # a standard (生均公用经费标准) is carried, not last year's result
            continue
        last_year = written(figure.current, unit)
        digits = re.sub(r"\D", "", last_year)
        if len(digits.lstrip("0")) < 3:  # 100% or 5所 also occur as other figures of this year
            continue
        checked += 1
        assert not re.search(rf"(?<![\d.]){re.escape(last_year)}", text), f"{where}: last year's {last_year} printed"
    assert checked or not old.areas
