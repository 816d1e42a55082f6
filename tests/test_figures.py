"""Every figure is typed once, stated from the data: the examples type every figure their reports state (no number
typed by hand in a paragraph), every typed figure is stated, and docs/figures.md maps every figure of the three
reference reports to its indicator — regenerated here, so the table cannot drift from the examples."""

from __future__ import annotations

from pathlib import Path

import pytest
from markupsafe import Markup

import edureport
from edureport.areas import FigureRef, StatementRef, parts_of
from edureport.checks import hand_typed_figures
from edureport.model import iter_paragraphs
from edureport.schemes import scheme_for
from edureport.statements import Stater

from .conftest import EXAMPLES, TEMPLATES, load_example

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "figures.md"
STATED = [p for p in EXAMPLES if not p.stem.startswith("showcase")]  # the showcase shows the format, not figures
REFERENCES = {"000-anyue-2024": "000（安岳县，2024）", "001-dianjiang-2022": "001（垫江县，2022）",
              "004-nanan-2024": "004（南岸区，2024）"}


@pytest.mark.parametrize("path", STATED, ids=[p.stem for p in STATED])
def test_no_number_is_typed_by_hand_in_a_paragraph(path: Path) -> None:
    report = load_example(path)
    typed = [(where, found) for where, paragraph in iter_paragraphs(report) for part in parts_of(paragraph)
             if isinstance(part, str) for found in hand_typed_figures(part)]
    assert typed == []


@pytest.mark.parametrize("path", STATED, ids=[p.stem for p in STATED])
def test_every_typed_figure_is_stated(path: Path) -> None:
    rendered = edureport.render(load_example(path), template_dirs=TEMPLATES)
    assert [f.path for f in rendered.findings if "没有表述" in f.message] == []


def test_the_hand_typed_finder_tells_figures_from_names_and_dates() -> None:
    assert hand_typed_figures("县级党政领导分别挂联1所学校，每期调研1次以上") == ["1所学校", "1次以上"]
    assert hand_typed_figures("印发《2023年全县教育体育系统意识形态工作要点》（资教督委〔2024〕1号），"
                              "2022年10月11日—13日，“5+3+2”培养计划，今年5月，4A级") == []
    assert hand_typed_figures("获72金63银73铜") == ["72金63", "63银73", "73铜"]


def _rows(name: str) -> list[tuple[str, str, str]]:
    """(figure as the report states it, key, what the key is) for every figure reference, in document order."""
    report, scheme = scheme_for(load_example(ROOT / "examples" / f"{name}.yaml"), TEMPLATES)
    assert scheme is not None
    say = Stater(report, scheme, draft=False)
    rows = []
    for _where, paragraph in iter_paragraphs(report):
        for part in parts_of(paragraph):
            if isinstance(part, FigureRef):
                shown = str(Markup(say.figure(part.figure, part.show)).striptags())
                area, name_ = part.figure.split(".", 1)
                local = name_.split(".")[0] in (report.areas or {})[area].figures
                key = f"{area}.figures.{name_}" if local else part.figure
                kind = "本报告的数字" if local else f"指标目录：{scheme.catalogue.indicators[name_.split('.')[0]].name}"
                show = "" if part.show == "value" else f"（{part.show}）"
                rows.append((shown + show, key, kind))
            elif isinstance(part, StatementRef):
                rows.append((str(Markup(say.statement(part.statement)).striptags())[:40] + "…", part.statement,
                             "整句表述"))
    return rows


def figures_doc() -> str:
    lines = ["# 参考报告中的数字与指标", "",
             "三个参考报告中每一个数字在示例数据中的位置：指标目录中的指标（`评价重点.指标`），或本报告自己的数字",
             "（`评价重点.figures.名称`）。年份、日期、文号和文件名称中的数字不是统计数字，不在表中。本表由",
             "`python -m pytest tests/test_figures.py --update-docs` 从示例生成，测试保证它与示例一致。", ""]
    for name, title in REFERENCES.items():
        rows = _rows(name)
        catalogue = sum(1 for r in rows if r[2].startswith("指标目录"))
        local = sum(1 for r in rows if r[2] == "本报告的数字")
        lines += [f"## {title}", "", f"共 {len(rows)} 处：指标目录中的指标 {catalogue} 处，本报告的数字 {local} 处。", "",
                  "| 报告中的写法 | 数据中的位置 | 是什么 |", "|---|---|---|"]
        lines += [f"| {shown} | `{key}` | {kind} |" for shown, key, kind in rows]
        lines.append("")
    return "\n".join(lines)


def test_the_figures_table_in_the_docs_is_current(request: pytest.FixtureRequest) -> None:
    current = figures_doc()
    if request.config.getoption("--update-docs"):
        DOC.parent.mkdir(exist_ok=True)
        DOC.write_text(current, "utf-8")
    assert DOC.read_text("utf-8") == current, "run `python -m pytest tests/test_figures.py --update-docs`"
    for name in REFERENCES:  # every figure of the three references is in the table, and most are indicators
        assert len(_rows(name)) >= 40
