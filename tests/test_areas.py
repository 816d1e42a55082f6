"""Evaluation areas: computed checks (两个只增不减, scheme thresholds, unit slips), errors with full field paths,
the JSON Schema, and a user template that overrides one area."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import attrs
import docx
import jsonschema
import pytest

import edureport
from edureport.areas import STAGES, Areas, Funding
from edureport.checks import run_checks, two_no_decrease
from edureport.cli import main
from edureport.load import parse_text
from edureport.quantities import AmountPair
from edureport.schema import report_schema
from edureport.schemes import load_scheme

from .conftest import EXAMPLES
from .test_bad_input import CASES

D = Decimal


def rising_funding() -> Funding:
    return Funding(total=AmountPair(D(105), D(100)),
                   per_student={s: AmountPair(D(1010), D(1000), "元") for s in STAGES})  # type: ignore[misc]


def test_two_no_decrease_passes_when_everything_rises() -> None:
    assert two_no_decrease(rising_funding()) == []


@pytest.mark.parametrize("stage", STAGES)
def test_two_no_decrease_finds_a_fall_at_each_stage(stage: str) -> None:
    funding = rising_funding()
    per_student = {**funding.per_student, stage: AmountPair(D(990), D(1000), "元")}
    findings = two_no_decrease(attrs.evolve(funding, per_student=per_student))
    assert [(f.severity, f.path) for f in findings] == [("error", f"areas.funding.per_student.{stage}")]
    assert "下降1.00%" in findings[0].message


def test_two_no_decrease_finds_a_fall_of_the_total_and_a_stated_fall() -> None:
    funding = attrs.evolve(rising_funding(), total=AmountPair(current=D(99), stated_change=D("-0.32")))
    [finding] = two_no_decrease(funding)
    assert finding.path == "areas.funding.total" and "比上年下降0.32%" in finding.message


WITH_FUNDING = [p for p in EXAMPLES if (r := edureport.load_report(p)).areas is not None and r.areas.funding]


@pytest.mark.parametrize("path", WITH_FUNDING, ids=[p.stem for p in WITH_FUNDING])
def test_the_reference_figures_pass_two_no_decrease(path: Path) -> None:
    report = edureport.load_report(path)
    assert report.areas is not None and report.areas.funding is not None
    assert two_no_decrease(report.areas.funding) == []


def test_the_three_references_carry_funding_figures() -> None:
    assert sorted(p.stem[:3] for p in WITH_FUNDING) == ["000", "001", "004"]


def test_the_examples_findings_are_the_known_ones() -> None:
    found = {}
    for path in EXAMPLES:
        report = edureport.load_report(path)
        scheme = load_scheme(report.scheme) if report.scheme else None
        found[path.stem] = [f.path for f in run_checks(report, scheme)]
    # reference 001 reports 校际差异系数 0.53 and 0.47, above its scheme's 0.50 and 0.45, and the same per-student
    # figure for 初中 and 小学 (kept in the example: only the finance bureau can say which is right)
    assert found == {"000-anyue-2024": [], "001-dianjiang-2022": ["areas.funding.per_student.初中.current",
                                                                  "areas.equity.disparity_primary",
                                                                  "areas.equity.disparity_junior"],
                     "004-nanan-2024": [], "showcase-full-format": []}


def test_a_unit_slip_is_flagged() -> None:
    report = edureport.Report(title="报告", areas=Areas(funding=Funding(total=AmountPair(D("142.689"), D(140650)))))
    findings = run_checks(report)
    assert [f.path for f in findings if "单位" in f.message] == ["areas.funding.total.current"]
    assert any(f.path == "areas.funding.total" for f in findings)  # and it is a fall, too


def test_a_stated_change_that_contradicts_the_figures_is_flagged() -> None:
    pair = AmountPair(D(110), D(100), stated_change=D("1.45"))
    findings = run_checks(edureport.Report(title="报告", areas=Areas(funding=Funding(total=pair))))
    assert [f.path for f in findings] == ["areas.funding.total.stated_change"]


def test_scheme_thresholds() -> None:
    from edureport.areas import Equity
    from edureport.quantities import RatePair
    report = edureport.Report(title="报告", scheme="ziyang-2024", areas=Areas(equity=Equity(
        inclusive_kindergarten_coverage=RatePair(D("79.9")), public_kindergarten_share=RatePair(D(50)))))
    findings = run_checks(report, load_scheme("ziyang-2024"))
    assert [f.path for f in findings] == ["areas.equity.inclusive_kindergarten_coverage"]
    assert "低于评价方案要求的80" in findings[0].message


AREA_ERRORS = [
    ("wrong-type", "areas:\n  funding:\n    per_student:\n      初中: {current: 一万, unit: 元}\n",
     "areas.funding.per_student.初中.current"),
    ("out-of-range-rate", "areas:\n  equity:\n    public_kindergarten_share: {current: 150}\n",
     "areas.equity.public_kindergarten_share.current"),
    ("unknown-stage", "areas:\n  funding:\n    per_student:\n      高中: {current: 1}\n",
     "areas.funding.per_student.高中"),
    ("unknown-key", "areas:\n  teachers:\n    trainned: {value: 5}\n", "areas.teachers"),
    ("unknown-area", "areas:\n  fundin: {}\n", "areas"),
    ("negative-money", "areas:\n  funding:\n    total: {current: -5}\n", "areas.funding.total.current"),
    ("bad-unit", "areas:\n  funding:\n    total: {current: 5, unit: 千元}\n", "areas.funding.total.unit"),
    ("unknown-statement", "areas:\n  funding:\n    paragraphs: [[{figures: myopia}]]\n",
     "areas.funding.paragraphs[0][0].figures"),
    ("bad-status", "areas:\n  rectification:\n    items: [{problem: 问题, status: 完成了}]\n",
     "areas.rectification.items[0].status"),
    ("float-coefficient-text", "areas:\n  equity:\n    disparity_primary: 零点五\n", "areas.equity.disparity_primary"),
]


@pytest.mark.parametrize(("case", "body", "path"), AREA_ERRORS, ids=[c[0] for c in AREA_ERRORS])
def test_area_errors_exit_2_and_name_the_full_path(case: str, body: str, path: str, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "data.yaml"
    source.write_text("title: 报告\n" + body, "utf-8")
    assert main(["render", str(source), "-o", str(tmp_path / "out.docx")]) == 2
    err = capsys.readouterr().err
    assert f"字段 {path}：" in err, err
    assert not (tmp_path / "out.docx").exists()


def test_an_unknown_scheme_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "data.yaml"
    source.write_text("title: 报告\nscheme: 不存在的方案\n", "utf-8")
    assert main(["render", str(source), "-o", str(tmp_path / "out.docx")]) == 2
    assert "找不到评价方案" in capsys.readouterr().err


def _validator() -> jsonschema.Draft202012Validator:
    schema = report_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_the_schema_accepts_every_example(path: Path) -> None:
    data, _, _ = parse_text(path.read_bytes(), str(path))
    errors = list(_validator().iter_errors(data))
    assert not errors, [e.message for e in errors[:3]]


UNPARSEABLE = object()


def _parsed(content: str | bytes) -> object:
    from edureport.errors import DataError
    try:
        fmt = "json" if isinstance(content, str) and content.startswith("{") else None
        return parse_text(content, "t", fmt)[0]
    except DataError:
        return UNPARSEABLE  # not YAML/JSON at all: nothing for a schema to see


MALFORMED = [(c[0], c[1]) for c in CASES] + [(c[0], "title: 报告\n" + c[1]) for c in AREA_ERRORS]
# Rules a JSON Schema cannot state; the loader alone enforces them.
NOT_EXPRESSIBLE = {"table-row-width": "a row as long as its header",
                   "date-missing": "a value only a final render needs (a draft may leave it empty)",
                   "unknown-statement": "a generated statement belonging to the area it is written in"}
SCHEMA_CASES = [(case, _parsed(content)) for case, content in MALFORMED
                if case not in NOT_EXPRESSIBLE and _parsed(content) is not UNPARSEABLE]


@pytest.mark.parametrize(("case", "data"), SCHEMA_CASES, ids=[c[0] for c in SCHEMA_CASES])
def test_the_schema_rejects_the_malformed_inputs(case: str, data: object) -> None:
    assert list(_validator().iter_errors(data)), f"{case} passed the schema"


def test_only_unparseable_or_inexpressible_inputs_are_left_to_the_loader() -> None:
    left = sorted(case for case, content in MALFORMED
                  if case in NOT_EXPRESSIBLE or _parsed(content) is UNPARSEABLE)
    assert left == sorted(["yaml-syntax", "yaml-bad-indent", "yaml-duplicate-key", "json-syntax",
                           "json-duplicate-key", "gbk-encoding", "binary-file", "utf16-no-bom",
                           "table-row-width", "unknown-statement", "date-missing"])
    assert len(SCHEMA_CASES) >= 30


def test_schema_command_writes_the_schema(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == json.loads(json.dumps(report_schema()))
    assert main(["schema", "-o", str(tmp_path / "s.json")]) == 0
    assert json.loads((tmp_path / "s.json").read_text("utf-8")) == printed


def test_check_command_reports_findings_as_text_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dianjiang = str(next(p for p in EXAMPLES if p.stem.startswith("001")))
    assert main(["check", dianjiang]) == 1
    assert "字段 areas.equity.disparity_primary：小学校际差异系数0.53，高于评价方案要求的0.50" in capsys.readouterr().out
    assert main(["check", dianjiang, "--format", "json"]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert [f["path"] for f in payload["findings"]] == ["areas.funding.per_student.初中.current",
                                                         "areas.equity.disparity_primary", "areas.equity.disparity_junior"]
    assert main(["check", str(next(p for p in EXAMPLES if p.stem.startswith("showcase")))]) == 0


def _texts(data: bytes) -> list[str]:
    import io
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs if p.text.strip()]


def test_overriding_one_area_template_changes_only_that_area(tmp_path: Path) -> None:
    report = edureport.load_report(next(p for p in EXAMPLES if p.stem.startswith("000")))
    folder = tmp_path / "tpl"
    (folder / "areas").mkdir(parents=True)
    (folder / "areas" / "funding.xml.j2").write_text(
        '{% import "areas.xml.j2" as areas with context %}'
        '<section{% if continue_children %} numbering="continue"{% endif %}>'
        '<heading>经费保障（本县写法）</heading>{{ areas.body(area, key) }}</section>', "utf-8")
    before, after = _texts(edureport.render_docx(report)), _texts(
        edureport.render_docx(report, template_dirs=[folder]))
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert changed == [("2.保障教育优先发展方面", "2.经费保障（本县写法）")]


def test_overriding_one_areas_statements_changes_only_those_sentences(tmp_path: Path) -> None:
    report = edureport.load_report(next(p for p in EXAMPLES if p.stem.startswith("001")))
    folder = tmp_path / "tpl"
    (folder / "statements").mkdir(parents=True)
    (folder / "statements" / "ecosystem.xml.j2").write_text(
        "{% macro myopia(e) %}近视率为{{ e.myopia_rate.current | percent }}"
        "（{{ e.myopia_rate | change_of | growth(prefix='较上年') }}）{% endmacro %}", "utf-8")
    before, after = _texts(edureport.render_docx(report)), _texts(
        edureport.render_docx(report, template_dirs=[folder]))
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert len(changed) == 1 and "近视率为48.52%（较上年下降0.65个百分点）" in changed[0][1]


def test_a_user_scheme_in_a_template_folder_needs_no_code(tmp_path: Path) -> None:
    folder = tmp_path / "tpl"
    (folder / "schemes").mkdir(parents=True)
    (folder / "schemes" / "my-city-2025.yaml").write_text(
        "name: 我市2025年评价方案\nskeleton: skeletons/practices.xml.j2\nareas:\n"
        "  - {area: funding, heading: 经费投入}\n  - {area: party, heading: 党的领导}\n"
        "headings: {practices: 工作成效}\nthresholds:\n"
        "  equity.public_kindergarten_share: {label: 公办园在园幼儿占比, min: 55}\n", "utf-8")
    report = edureport.loads_report(
        "title: 报告\nyear: 2024\nscheme: my-city-2025\nareas:\n"
        "  party: {paragraphs: [加强领导。]}\n"
        "  funding: {total: {current: 100, previous: 90}, paragraphs: [[{figures: total}, 。]]}\n"
        "  equity: {public_kindergarten_share: {current: 53.2}}\n")
    data = edureport.render(report, template_dirs=[folder])
    assert _texts(data.data)[1:4] == ["一、工作成效", "（一）经费投入。2024年一般公共预算教育经费100万元，比上年增长11.11%。",
                                      "（二）党的领导。加强领导。"]
    assert [f.message for f in data.findings] == ["公办园在园幼儿占比53.2，低于评价方案要求的55"]


def test_json_numbers_are_exact_decimals() -> None:
    report = edureport.loads_report('{"title": "x", "areas": {"equity": {"public_kindergarten_share": '
                                    '{"current": 56.50}, "disparity_primary": 0.450}}}')
    assert report.areas is not None and report.areas.equity is not None
    assert report.areas.equity.public_kindergarten_share is not None
    assert str(report.areas.equity.public_kindergarten_share.current) == "56.50"
    assert str(report.areas.equity.disparity_primary) == "0.450"


def test_a_float_from_code_is_refused_with_a_reason() -> None:
    from edureport.errors import DataError
    with pytest.raises(DataError, match="二进制浮点数"):
        edureport.report_from_data({"title": "x", "areas": {"equity": {"disparity_primary": 0.45}}})
