"""Evaluation areas: computed checks from the catalogue's rules (两个只增不减, thresholds, unit slips), errors with
full field paths, the JSON Schema, and a user template that overrides one area."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import attrs
import docx
import jsonschema
import pytest

import edureport
from edureport.areas import Funding
from edureport.checks import run_checks
from edureport.cli import main
from edureport.parsing import parse_text
from edureport.quantities import Figure
from edureport.schema import report_schema
from edureport.schemes import load_scheme

from .conftest import EXAMPLES, TEMPLATES, load_example
from .test_bad_input import CASES

D = Decimal
STAGES = ("学前", "小学", "初中", "普通高中", "中职")


def rising_funding() -> Funding:
    return Funding(budget_funds=Figure(D(105), D(100)),
                   per_student_funds={s: Figure(D(1010), D(1000)) for s in STAGES})


def funding_findings(funding: Funding) -> list[edureport.Finding]:
    report = edureport.Report(title="报告", areas={"funding": funding})
    return [f for f in run_checks(report) if "只增不减" in f.message]


def test_two_no_decrease_passes_when_everything_rises() -> None:
    assert funding_findings(rising_funding()) == []


@pytest.mark.parametrize("stage", STAGES)
def test_two_no_decrease_finds_a_fall_at_each_stage(stage: str) -> None:
    funding = rising_funding()
    per_student = {**funding.per_student_funds, stage: Figure(D(990), D(1000))}  # type: ignore[attr-defined]
    findings = funding_findings(attrs.evolve(funding, per_student_funds=per_student))
    assert [(f.severity, f.path) for f in findings] == [("error", f"areas.funding.per_student_funds.{stage}")]
    assert "下降1.00%" in findings[0].message


def test_two_no_decrease_finds_a_fall_of_the_total_and_a_stated_fall() -> None:
    funding = attrs.evolve(rising_funding(), budget_funds=Figure(current=D(99), stated_change=D("-0.32")))
    [finding] = funding_findings(funding)
    assert finding.path == "areas.funding.budget_funds" and "比上年下降0.32%" in finding.message


WITH_FUNDING = [p for p in EXAMPLES if (r := load_example(p)).areas is not None and "funding" in r.areas]


@pytest.mark.parametrize("path", WITH_FUNDING, ids=[p.stem for p in WITH_FUNDING])
def test_the_reference_figures_pass_two_no_decrease(path: Path) -> None:
    report = load_example(path)
    scheme = load_scheme(report.scheme or "general", TEMPLATES)
    assert [f for f in run_checks(report, scheme) if "只增不减" in f.message] == []


def test_the_three_references_carry_funding_figures() -> None:
    assert {p.stem[:3] for p in WITH_FUNDING} >= {"000", "001", "004"}


def test_the_examples_findings_are_the_known_ones() -> None:
    found = {}
    for path in EXAMPLES:
        report = load_example(path)
        found[path.stem] = sorted(f.path for f in edureport.render(report, template_dirs=TEMPLATES).findings
                                  if f.severity != "info")
    # reference 001 reports 校际差异系数 0.53 and 0.47, above 0.50 and 0.45, and the same per-student figure for 初中
    # and 小学 (kept in the example: only the finance bureau can say which is right)
    assert found["001-dianjiang-2022"] == sorted(["areas.funding.per_student_expenditure.初中",
                                                  "areas.equity.disparity.小学", "areas.equity.disparity.初中"])
    # the parts a 报告 must have (GB/T 9704-2012 7.3.2, 7.3.5): 000 has a 版头 and a 主送机关 but no 成文日期; 004, as
    # the reference report, has neither 主送机关 nor 署名 nor 成文日期
    assert found["000-anyue-2024"] == ["signature.date"]
    assert found["004-nanan-2024"] == ["addressee", "signature.date", "signature.issuer"]
    assert found["showcase-full-format"] == []


def test_a_unit_slip_is_flagged() -> None:
    report = edureport.Report(title="报告", areas={"funding": Funding(budget_funds=Figure(D("142.689"), D(140650)))})
    findings = run_checks(report)
    assert [f.path for f in findings if "单位" in f.message] == ["areas.funding.budget_funds.current"]
    assert any(f.path == "areas.funding.budget_funds" for f in findings)  # and it is a fall, too


def test_a_stated_change_that_contradicts_the_figures_is_flagged() -> None:
    figure = Figure(D(110), D(100), stated_change=D("1.45"))
    findings = run_checks(edureport.Report(title="报告", areas={"funding": Funding(budget_funds=figure)}))
    assert [f.path for f in findings] == ["areas.funding.budget_funds.stated_change"]


def test_catalogue_thresholds() -> None:
    from edureport.areas import Equity
    report = edureport.Report(title="报告", scheme="ziyang-2024", areas={"equity": Equity(
        inclusive_kindergarten_coverage=Figure(D("79.9")), public_kindergarten_share=Figure(D(50)))})
    findings = run_checks(report, load_scheme("ziyang-2024"))
    assert [f.path for f in findings] == ["areas.equity.inclusive_kindergarten_coverage"]
    assert "79.9%，低于要求的80%（教督〔2020〕1号）" in findings[0].message


AREA_ERRORS = [
    ("wrong-type", "areas:\n  funding:\n    per_student_funds:\n      初中: {current: 一万}\n",
     "areas.funding.per_student_funds.初中.current"),
    ("out-of-range-rate", "areas:\n  equity:\n    public_kindergarten_share: {current: 150}\n",
     "areas.equity.public_kindergarten_share.current"),
    ("unknown-stage", "areas:\n  funding:\n    per_student_funds:\n      高中: {current: 1}\n",
     "areas.funding.per_student_funds.高中"),
    ("unknown-key", "areas:\n  teachers:\n    trainned: {value: 5}\n", "areas.teachers"),
    ("unknown-area", "areas:\n  fundin: {}\n", "areas"),
    ("negative-money", "areas:\n  funding:\n    budget_funds: {current: -5}\n", "areas.funding.budget_funds.current"),
    ("bad-unit", "areas:\n  funding:\n    budget_funds: {current: 5, unit: 千元}\n", "areas.funding.budget_funds.unit"),
    ("unknown-statement", "areas:\n  funding:\n    paragraphs: [[{statement: funding.myopia_rate}]]\n",
     "areas.funding.paragraphs[0][0].statement"),
    ("unknown-figure", "areas:\n  funding:\n    paragraphs: [[{figure: funding.budget_fund}]]\n",
     "areas.funding.paragraphs[0][0].figure"),
    ("figure-of-missing-area", "areas:\n  funding:\n    paragraphs: [[{figure: equity.aid}]]\n",
     "areas.funding.paragraphs[0][0].figure"),
    ("year-without-year", "areas:\n  funding:\n    paragraphs: [[{year: 0}, 年]]\n",
     "areas.funding.paragraphs[0][0].year"),
    ("bad-approximation", "areas:\n  funding:\n    budget_funds: 6100余余\n", "areas.funding.budget_funds"),
    ("local-figure-without-unit", "areas:\n  funding:\n    figures: {专项资金: {current: 5}}\n",
     "areas.funding.figures.专项资金.unit"),
    ("area-of-another-scheme", "scheme: chongqing-2024\nareas:\n  experience: {paragraphs: [做法]}\n",
     "areas.experience"),
    ("bad-status", "areas:\n  rectification:\n    items: [{problem: 问题, status: 完成了}]\n",
     "areas.rectification.items[0].status"),
    ("float-coefficient-text", "areas:\n  equity:\n    disparity: {小学: 零点五}\n", "areas.equity.disparity.小学"),
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


def _validator(scheme: str | None = None) -> jsonschema.Draft202012Validator:
    schema = report_schema(scheme, TEMPLATES)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_the_schema_of_its_scheme_accepts_every_example(path: Path) -> None:
    data, _, _ = parse_text(path.read_bytes(), str(path))
    errors = list(_validator(data.get("scheme")).iter_errors(data))
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
                   "unknown-statement": "a generated statement belonging to the area it is written in",
                   "unknown-figure": "a reference to a figure the report's data holds",
                   "figure-of-missing-area": "a reference to an area the report's data holds",
                   "year-without-year": "a year reference needs the report's year (another field)",
                   "area-of-another-scheme": "checked against the scheme the data names (schema --scheme NAME)"}
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
                           *NOT_EXPRESSIBLE])
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
    assert "字段 areas.equity.disparity.小学：小学校际综合差异系数0.53，高于要求的0.50（教督〔2017〕6号）" in \
        capsys.readouterr().out
    assert main(["check", dianjiang, "--format", "json"]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert sorted(f["path"] for f in payload["findings"] if f["severity"] != "info") == sorted([
        "areas.funding.per_student_expenditure.初中", "areas.equity.disparity.小学", "areas.equity.disparity.初中"])
    assert main(["check", str(next(p for p in EXAMPLES if p.stem.startswith("showcase")))]) == 0


def _texts(data: bytes) -> list[str]:
    import io
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs if p.text.strip()]


def test_overriding_one_area_template_changes_only_that_area(tmp_path: Path) -> None:
    report = load_example(next(p for p in EXAMPLES if p.stem.startswith("000")))
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


def test_a_user_catalogue_changes_one_statement(tmp_path: Path) -> None:
    source = "title: 报告\nyear: 2021\nareas:\n  ecosystem:\n    myopia_rate: {current: 48.52, stated_change: -0.65}\n" \
             "    paragraphs: [[全县学生, {statement: ecosystem.myopia_rate}, 。]]\n"
    report = edureport.loads_report(source)
    folder = tmp_path / "tpl"
    folder.mkdir()
    entry = edureport.load_catalogue().indicators["myopia_rate"]
    (folder / "catalogue.yaml").write_text(
        "indicators:\n  myopia_rate:\n    name: 儿童青少年总体近视率\n    term: 近视率\n    kind: rate\n"
        f"    source: {entry.source}\n    statement: \"{{{{ term }}}}为{{{{ value }}}}（{{{{ change }}}}）\"\n", "utf-8")
    before = _texts(edureport.render_docx(report))
    after = _texts(edureport.render_docx(edureport.loads_report(source, template_dirs=[folder]),
                                         template_dirs=[folder]))
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert changed == [("（一）营造良好教育生态。全县学生近视率48.52%，比上年下降0.65个百分点。",
                        "（一）营造良好教育生态。全县学生近视率为48.52%（比上年下降0.65个百分点）。")]


def test_a_user_scheme_in_a_template_folder_needs_no_code(tmp_path: Path) -> None:
    folder = tmp_path / "tpl"
    (folder / "schemes").mkdir(parents=True)
    (folder / "schemes" / "my-city-2025.yaml").write_text(
        "name: 我市2025年评价方案\nsource: 我市教育督导委员会2025年1号文\nskeleton: skeletons/practices.xml.j2\n"
        "areas:\n  - {area: funding, heading: 经费投入}\n  - {area: party, heading: 党的领导}\n"
        "  - {area: equity, heading: 教育公平}\nparts: {practices: 工作成效}\nrules:\n"
        "  public_kindergarten_share: [{min: 55, source: 我市方案第3条}]\n", "utf-8")
    report = edureport.loads_report(
        "title: 报告\nyear: 2024\nscheme: my-city-2025\nareas:\n"
        "  party: {paragraphs: [加强领导。]}\n"
        "  funding: {budget_funds: {current: 100, previous: 90}, paragraphs: [[{statement: funding.budget_funds}, 。]]}\n"
        "  equity: {public_kindergarten_share: 53.2, paragraphs: [[公办园在园幼儿占比, {figure: equity.public_kindergarten_share}, 。]]}\n",
        template_dirs=[folder])
    data = edureport.render(report, template_dirs=[folder])
    assert _texts(data.data)[1:5] == ["一、工作成效", "（一）经费投入。2024年一般公共预算教育经费100万元，比上年增长11.11%。",
                                      "（二）党的领导。加强领导。", "（三）教育公平。公办园在园幼儿占比53.2%。"]
    assert [f.message for f in data.findings] == ["公办园在园幼儿占比53.2%，低于要求的55%（我市方案第3条）"]


def test_json_numbers_are_exact_decimals() -> None:
    report = edureport.loads_report('{"title": "x", "areas": {"equity": {"public_kindergarten_share": '
                                    '{"current": 56.50}, "disparity": {"小学": 0.450}}}}')
    assert report.areas is not None
    equity = report.areas["equity"]
    assert str(equity.public_kindergarten_share.current.number) == "56.50"  # type: ignore[attr-defined]
    assert str(equity.disparity["小学"].current.number) == "0.450"  # type: ignore[attr-defined]


def test_a_float_from_code_is_refused_with_a_reason() -> None:
    from edureport.errors import DataError
    with pytest.raises(DataError, match="二进制浮点数"):
        edureport.report_from_data({"title": "x", "areas": {"equity": {"disparity": {"小学": 0.45}}}})
