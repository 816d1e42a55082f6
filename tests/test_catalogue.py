"""The indicator catalogue and schemes as data: every rule triggers and passes, every indicator is stated or
checked, malformed scheme and catalogue files are refused with file, line and path, references and approximate
or masked values behave, and a figure typed twice or never stated is reported."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import edureport
from edureport.catalogue import Catalogue, Indicator, Rule
from edureport.checks import rule_outcomes, typed_twice
from edureport.cli import main
from edureport.schemes import Scheme, load_scheme

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_TEMPLATES = ROOT / "examples" / "templates"
D = Decimal


def _schemes() -> list[tuple[Scheme, tuple[str, ...]]]:
    out = [(load_scheme(name), ()) for name in edureport.available_schemes()]
    if EXAMPLE_TEMPLATES.is_dir():
        dirs = (str(EXAMPLE_TEMPLATES),)
        out += [(load_scheme(name, dirs), dirs) for name in edureport.available_schemes(dirs)
                if (EXAMPLE_TEMPLATES / "schemes" / f"{name}.yaml").exists()]
    return out


def _all_rules() -> list[tuple[str, str, int, tuple[str, ...]]]:
    """(scheme, indicator, rule index, template folders) of every rule of every catalogue and scheme."""
    seen: set[tuple[str, str, int]] = set()
    out = []
    for scheme, dirs in _schemes():
        for area in scheme.definitions.values():
            for key in area.indicators:
                for i, _rule in enumerate(scheme.rules_of(key)):
                    origin = (scheme.key if i >= len(scheme.catalogue.indicators[key].rules) else "catalogue", key, i)
                    if origin not in seen:
                        seen.add(origin)
                        out.append((scheme.key, key, i, dirs))
    return out


RULES = _all_rules()


def _value(indicator: Indicator, number: Decimal) -> Decimal:
    if indicator.kind == "count":
        return number.to_integral_value()
    return number


def _delta(indicator: Indicator, bound: Decimal) -> Decimal:
    return D(1) if indicator.kind == "count" or bound >= 10 else D("0.01")


def _case(scheme: Scheme, key: str, rule: Rule, breaking: bool) -> dict[str, Any]:
    """Area data that breaks (or keeps) one rule."""
    catalogue = scheme.catalogue
    indicator = catalogue.indicators[key]
    items = catalogue.items(indicator)
    values: dict[str, Any] = {}

    def put(ind: Indicator, figure: dict[str, Any], item: str | None = None) -> None:
        area = values.setdefault(scheme.where(ind.key) or "", {})
        if ind.breakdown:
            area.setdefault(ind.key, {})[item or catalogue.items(ind)[0]] = figure
        else:
            area[ind.key] = figure

    item = (rule.items or items or (None,))[0]
    if rule.min is not None or rule.max is not None:
        bound = rule.min if rule.min is not None else rule.max
        if isinstance(bound, dict):
            item, limit = next(iter(bound.items()))
        else:
            limit = bound
        assert limit is not None
        step = _delta(indicator, limit)
        off = -step if rule.min is not None else step
        put(indicator, {"current": _value(indicator, limit + off if breaking else limit)}, item)
    elif rule.no_fall or rule.fall_at_least is not None or rule.rise_at_least is not None:
        previous = D(50)
        if rule.no_fall:
            current = D(45) if breaking else D(55)
        elif rule.fall_at_least is not None:
            current = previous - rule.fall_at_least + (D("0.1") if breaking else 0)
        else:
            assert rule.rise_at_least is not None
            current = previous + rule.rise_at_least - (D("0.1") if breaking else 0)
        put(indicator, {"current": current, "previous": previous}, item)
    elif rule.distinct:
        first, second = items[0], items[1]
        put(indicator, {"current": D(1000)}, first)
        put(indicator, {"current": D(1000) if breaking else D(1200)}, second)
    else:
        other_key = rule.not_below or rule.at_most or rule.share_of
        assert other_key is not None
        other = catalogue.indicators[other_key]
        if rule.share_of is not None:
            assert rule.at_least is not None
            mine = rule.at_least - 1 if breaking else rule.at_least
        elif rule.not_below is not None:
            mine = D(90) if breaking else D(100)
        else:
            mine = D(60) if breaking else D(50)
        put(other, {"current": D(100) if rule.at_most is None else D(50)}, item if other.breakdown else None)
        put(indicator, {"current": _value(indicator, mine)}, item)
    return values


@pytest.mark.parametrize(("scheme_key", "key", "index", "dirs"), RULES,
                         ids=[f"{s}:{k}[{i}]" for s, k, i, _ in RULES])
@pytest.mark.parametrize("breaking", [True, False], ids=["triggers", "passes"])
def test_each_rule_triggers_and_passes(scheme_key: str, key: str, index: int, dirs: tuple[str, ...],
                                       breaking: bool) -> None:
    scheme = load_scheme(scheme_key, dirs)
    rule = scheme.rules_of(key)[index]
    areas = _case(scheme, key, rule, breaking)
    report = edureport.report_from_data({"title": "报告", "scheme": scheme_key, "areas": areas}, template_dirs=dirs)
    outcomes = [o for o in rule_outcomes(report, scheme) if o.rule == rule and o.indicator == key]
    assert outcomes, f"the rule {rule} was not applied"
    if breaking:
        assert any(o.passed is False and o.finding and o.finding.severity == rule.level for o in outcomes), outcomes
    else:
        assert all(o.passed is True for o in outcomes), outcomes


def test_there_is_a_rule_of_every_kind() -> None:
    kinds = {load_scheme(s, d).rules_of(k)[i].test for s, k, i, d in RULES}
    assert kinds == {"min", "max", "no_fall", "fall_at_least", "not_below", "at_most", "share_of", "distinct"}


def test_every_indicator_is_stated_or_checked() -> None:
    catalogue: Catalogue = edureport.load_catalogue()
    assert len(catalogue.indicators) >= 60
    for key, indicator in catalogue.indicators.items():
        assert indicator.statement is not None or indicator.rules, key
        assert indicator.source.strip(), key
        assert all(rule.source.strip() for rule in indicator.rules), key


def test_every_statement_renders_from_a_value() -> None:
    """Each indicator's statement template, and each area statement, states a typed value without a placeholder."""
    scheme = load_scheme("general")
    catalogue = scheme.catalogue
    for area_key, definition in scheme.definitions.items():
        data: dict[str, Any] = {}
        for key in definition.indicators:
            indicator = catalogue.indicators[key]
            figure: Any = {"current": D(12) if indicator.kind != "flag" else True, "previous": D(10)}
            if indicator.kind == "flag":
                data[key] = True
            elif indicator.breakdown:
                data[key] = {item: figure for item in catalogue.items(indicator)}
            else:
                data[key] = figure
        names = [k for k in definition.indicators if catalogue.indicators[k].statement] + list(definition.statements)
        if not names:
            continue
        data["paragraphs"] = [[{"statement": f"{area_key}.{name}"}] for name in names]
        report = edureport.report_from_data({"title": "报告", "year": 2023, "areas": {area_key: data}})
        document = edureport.build_document(report, draft=False)  # a final build: no placeholder is left
        texts = [edureport.tree.plain(b.runs) for b in document.blocks if isinstance(b, edureport.tree.Paragraph)]
        texts += [edureport.tree.plain(b.body) for b in document.headings() if b.body]
        assert len([t for t in texts if t]) == len(names), (area_key, texts)
        assert all("12" in t or "否" in t or "足额" in t or "是" in t for t in texts), (area_key, texts)


# ---------------------------------------------------------------------------------------------------------------
# Malformed schemes and catalogues: exit 2, the file, line and field path, nothing written

GOOD_SCHEME = """name: 测试方案
source: 测试文件
skeleton: skeletons/practices.xml.j2
areas:
  - {area: party, heading: 党的领导}
  - {area: funding, heading: 经费保障}
parts:
  practices: 主要做法
"""

SCHEME_CASES: list[tuple[str, str, str, str]] = [
    ("unknown-key", GOOD_SCHEME + "headings: {practices: 做法}\n", "第9行", "未知字段 “headings”"),
    ("duplicate-area", GOOD_SCHEME.replace("  - {area: funding, heading: 经费保障}",
                                           "  - {area: funding, heading: 经费保障}\n  - {area: party, heading: 又一个}"),
     "字段 areas[2].area", "重复"),
    ("unknown-indicator", GOOD_SCHEME.replace("{area: funding, heading: 经费保障}",
                                              "{area: funding, heading: 经费保障, indicators: [budget_fund]}"),
     "字段 areas[1].indicators[0]", "budget_funds"),
    ("misspelt-rule-indicator", GOOD_SCHEME + "rules:\n  inclusive_kindergarden_coverage: [{min: 85, source: 文件}]\n",
     "字段 rules.inclusive_kindergarden_coverage", "没有指标"),
    ("rule-of-an-indicator-outside-the-scheme", GOOD_SCHEME + "rules:\n  myopia_rate: [{fall_at_least: 1, source: 文件}]\n",
     "字段 rules.myopia_rate", "不在本方案"),
    ("rule-with-two-tests", GOOD_SCHEME + "rules:\n  budget_funds: [{min: 1, max: 2, source: 文件}]\n",
     "字段 rules.budget_funds[0]", "只写一项要求"),
    ("rule-without-source", GOOD_SCHEME + "rules:\n  budget_funds: [{no_fall: true}]\n",
     "字段 rules.budget_funds[0].source", "缺少必填字段"),
    ("rule-bound-of-an-unknown-item", GOOD_SCHEME + "rules:\n  per_student_funds: [{min: {大学: 1}, source: 文件}]\n",
     "字段 rules.per_student_funds[0].min.大学", "没有“大学”这个分项"),
    ("misspelt-common-area", GOOD_SCHEME.replace("{area: funding,", "{area: fundin,"), "字段 areas[1].area",
     "是不是“funding”"),
    ("areas-not-a-list", GOOD_SCHEME.replace("areas:\n  - {area: party, heading: 党的领导}\n"
                                             "  - {area: funding, heading: 经费保障}\n", "areas: 党的领导\n"),
     "字段 areas", "应为列表"),
    ("skeleton-path", GOOD_SCHEME.replace("skeletons/practices.xml.j2", "../../etc/passwd"), "字段 skeleton",
     "应为名称"),
    ("skeleton-missing", GOOD_SCHEME.replace("skeletons/practices.xml.j2", "skeletons/none.xml.j2"),
     "字段 skeleton", "找不到骨架模板"),
    ("table-place-unknown", GOOD_SCHEME + "tables:\n  - {table: indicators, place: fundng}\n", "字段 tables[0].place",
     "是不是“funding”"),
    ("indicator-in-two-areas", GOOD_SCHEME.replace("{area: party, heading: 党的领导}",
                                                   "{area: party, heading: 党的领导, add_indicators: [budget_funds]}"),
     "字段 areas[1].indicators[1]", "只能属于一个评价重点"),
    ("missing-source", GOOD_SCHEME.replace("source: 测试文件\n", ""), "字段 source", "缺少必填字段"),
    ("bad-numbering", GOOD_SCHEME + "numbering: 接续\n", "字段 numbering", "restart 或 continue"),
    ("misspelt-part", GOOD_SCHEME + "  expereince: 经验做法\n", "字段 parts.expereince", "没有这一部分"),
    ("area-and-part", GOOD_SCHEME + "  party: 党的领导\n", "字段 areas[0].area", "同时是评价重点和报告的一部分"),
]

CATALOGUE_CASES: list[tuple[str, str, str, str]] = [
    ("bad-statement-template", "indicators:\n  local_rate:\n    name: 本地率\n    kind: rate\n    source: 文件\n"
                               "    statement: \"{{ term }}{{ value \"\n", "字段 indicators.local_rate.statement",
     "表述模板第1行语法错误"),
    ("wrong-kind", "indicators:\n  local_rate:\n    name: 本地率\n    kind: percent\n    source: 文件\n"
                   "    statement: x\n", "字段 indicators.local_rate.kind", "只能是"),
    ("money-unit", "indicators:\n  local_money:\n    name: 本地资金\n    kind: amount\n    unit: 千元\n"
                   "    source: 文件\n    statement: x\n", "字段 indicators.local_money.unit", "金额的单位"),
    ("unknown-breakdown", "indicators:\n  local_count:\n    name: 本地数\n    kind: count\n    unit: 所\n"
                          "    breakdown: 学校类型\n    source: 文件\n    statement: x\n",
     "字段 indicators.local_count.breakdown", "没有“学校类型”这种分项"),
    ("area-lists-unknown-indicator", "areas:\n  local_area:\n    name: 本地\n    indicators: [not_there]\n",
     "字段 areas.local_area.indicators[0]", "指标目录中没有指标"),
    ("dead-indicator", "indicators:\n  local_count:\n    name: 本地数\n    kind: count\n    unit: 所\n    source: 文件\n",
     "字段 indicators.local_count", "既不表述也不检查"),
    ("chinese-key", "indicators:\n  本地数:\n    name: 本地数\n    kind: count\n    unit: 所\n    source: 文件\n"
                    "    statement: x\n", "字段 indicators.本地数", "键名只能用"),
    ("rule-of-unknown-indicator", "indicators:\n  local_count:\n    name: 本地数\n    kind: count\n    unit: 所\n"
                                  "    source: 文件\n    rules: [{at_most: schols, source: 文件}]\n",
     "字段 indicators.local_count.rules[0].at_most", "schools"),
    ("misspelt-field", "indicators:\n  local_count:\n    name: 本地数\n    kind: count\n    unit: 所\n"
                       "    source: 文件\n    statment: x\n", "字段 indicators.local_count", "statment"),
]

DATA = "title: 报告\nyear: 2023\nscheme: test\nareas:\n  party: {paragraphs: [加强领导。]}\n"


def _run(tmp_path: Path, files: dict[str, str]) -> tuple[int, Path]:
    folder = tmp_path / "tpl"
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, "utf-8")
    data = tmp_path / "data.yaml"
    data.write_text(DATA, "utf-8")
    out = tmp_path / "out.docx"
    return main(["render", str(data), "--templates", str(folder), "-o", str(out)]), out


@pytest.mark.parametrize(("case", "scheme", "path", "words"), SCHEME_CASES, ids=[c[0] for c in SCHEME_CASES])
def test_a_malformed_scheme_exits_2_with_file_line_and_path(case: str, scheme: str, path: str, words: str,
                                                           tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(tmp_path, {"schemes/test.yaml": scheme})
    err = capsys.readouterr().err
    assert code == 2, err
    assert "schemes/test.yaml 第" in err and path in err and words in err, err
    assert not out.exists()


@pytest.mark.parametrize(("case", "catalogue", "path", "words"), CATALOGUE_CASES,
                         ids=[c[0] for c in CATALOGUE_CASES])
def test_a_malformed_catalogue_exits_2_with_file_line_and_path(case: str, catalogue: str, path: str, words: str,
                                                              tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(tmp_path, {"schemes/test.yaml": GOOD_SCHEME, "catalogue.yaml": catalogue})
    err = capsys.readouterr().err
    assert code == 2, err
    assert "catalogue.yaml 第" in err and f"{path}：" in err and words in err, err
    assert not out.exists()


def test_the_malformed_files_are_many() -> None:
    assert len(SCHEME_CASES) + len(CATALOGUE_CASES) >= 15


def test_a_user_catalogue_adds_an_indicator_and_replaces_one(tmp_path: Path) -> None:
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / "catalogue.yaml").write_text(
        "indicators:\n  smart_classrooms:\n    name: 智慧课堂数\n    kind: count\n    unit: 间\n    source: 本市方案\n"
        "    rules: [{min: 10, source: 本市方案第2条}]\n    statement: \"建成{{ term }}{{ value }}\"\n"
        "areas:\n  reform:\n    name: 教育改革\n    indicators: [smart_classrooms]\n", "utf-8")
    report = edureport.loads_report("title: 报告\nyear: 2023\nareas:\n  reform:\n    smart_classrooms: 8\n"
                                    "    paragraphs: [[{statement: reform.smart_classrooms}, 。]]\n",
                                    template_dirs=[folder])
    rendered = edureport.render(report, template_dirs=[folder])
    assert [f.message for f in rendered.findings] == ["智慧课堂数8间，低于要求的10间（本市方案第2条）"]
    text = edureport.build_document(report, template_dirs=[folder]).headings()[1].body
    assert edureport.tree.plain(text) == "建成智慧课堂数8间。"
    assert edureport.load_catalogue().indicators.get("smart_classrooms") is None  # the packaged one is untouched


# ---------------------------------------------------------------------------------------------------------------
# References, approximations, masks, figures typed twice, figures never stated


def _render(areas: dict[str, Any], draft: bool = False, **extra: Any) -> edureport.Rendered:
    report = edureport.report_from_data({"title": "报告", "year": 2023, "areas": areas, **extra})
    return edureport.render(report, draft=draft)


def _body(rendered: edureport.Rendered) -> list[str]:
    import io

    import docx
    return [p.text for p in docx.Document(io.BytesIO(rendered.data)).paragraphs if p.text.strip()]


def test_figures_are_stated_where_the_text_references_them() -> None:
    rendered = _render({"funding": {
        "budget_funds": {"current": 142689, "previous": 140650},
        "per_student_funds": {"小学": {"current": 14662, "stated_change": "5.91"}, "初中": {"current": 14662}},
        "figures": {"专项资金": {"current": "6100余", "unit": "万元"}},
        "paragraphs": [["一般公共预算教育经费", {"figure": "funding.budget_funds"}, "，上年",
                        {"figure": "funding.budget_funds", "show": "previous"}, "，",
                        {"figure": "funding.budget_funds", "show": "change"}, "，",
                        {"figure": "funding.budget_funds", "show": "verdict"}, "；小学",
                        {"figure": "funding.per_student_funds.小学"}, "，同比增长",
                        {"figure": "funding.per_student_funds.小学", "show": "rate"}, "；专项资金",
                        {"figure": "funding.专项资金"}, "；", {"year": 0}, "至", {"year": 1}, "。"]]}})
    assert _body(rendered)[2] == ("（一）保障教育优先发展。一般公共预算教育经费142689万元，上年140650万元，增长1.45%，实现了只增不减；"
                                  "小学14662元，同比增长5.91%；专项资金6100余万元；2023年至2024年。")


def test_a_direction_word_that_contradicts_the_data_is_an_error() -> None:
    rendered = _render({"funding": {"budget_funds": {"current": 100, "previous": 110},
                                    "paragraphs": [["经费比上年增长", {"figure": "funding.budget_funds", "show": "rate"}]]}})
    [finding] = [f for f in rendered.findings if "文中写" in f.message]
    assert finding.severity == "error" and "文中写“增长”，但数据（funding.budget_funds）是下降9.09%" in finding.message


def test_approximate_and_masked_values_render_as_written_and_checks_say_what_they_cannot_know() -> None:
    rendered = _render({"equity": {
        "inclusive_kindergarten_coverage": "**.*",
        "public_kindergarten_share": {"current": {"value": "近60", "exact": "58.2"}},
        "preschool_gross_enrollment": "约86",
        "paragraphs": [["普惠性幼儿园覆盖率", {"figure": "equity.inclusive_kindergarten_coverage"}, "，公办园在园幼儿占比",
                        {"figure": "equity.public_kindergarten_share"}, "，毛入园率",
                        {"figure": "equity.preschool_gross_enrollment"}, "。"]]}})
    assert "普惠性幼儿园覆盖率**.*%，公办园在园幼儿占比近60%，毛入园率约86%。" in _body(rendered)[2]
    infos = {f.path: f.message for f in rendered.findings if f.severity == "info"}
    assert "已隐去，无法检查“不低于80%”" in infos["areas.equity.inclusive_kindergarten_coverage"]
    assert "约数" in infos["areas.equity.preschool_gross_enrollment"]  # 约86 may be below 85: cannot know
    # 近60 with its exact 58.2 is checked against its own minimum; only the comparison with the masked figure is not
    assert infos["areas.equity.public_kindergarten_share"].startswith("普惠性幼儿园覆盖率**.*%已隐去")


def test_an_approximation_far_from_the_bound_is_decided() -> None:
    rendered = _render({"equity": {"preschool_gross_enrollment": "近50",
                                   "paragraphs": [[{"figure": "equity.preschool_gross_enrollment"}]]}})
    assert [f.severity for f in rendered.findings if f.path == "areas.equity.preschool_gross_enrollment"] == ["warning"]


def test_a_figure_typed_twice_is_found_with_both_paths() -> None:
    report = edureport.report_from_data({"title": "报告", "areas": {"equity": {
        "inclusive_kindergarten_coverage": D("88.11"),
        "paragraphs": ["我县普惠性幼儿园覆盖率达88.11%。", [{"figure": "equity.inclusive_kindergarten_coverage"}]]}}})
    [finding] = typed_twice(report, load_scheme("general"))
    assert finding.path == "areas.equity.paragraphs[0]"
    assert "88.11%" in finding.message and "areas.equity.inclusive_kindergarten_coverage.current" in finding.message
    assert finding.fix == "改为 {figure: equity.inclusive_kindergarten_coverage}"


def test_a_typed_figure_never_stated_is_reported() -> None:
    rendered = _render({"teachers": {"teacher_salary": 90000, "civil_servant_salary": 120000,
                                     "paragraphs": [[{"figure": "teachers.teacher_salary"}]]}})
    messages = {f.path: (f.severity, f.message) for f in rendered.findings}
    assert "没有表述" in messages["areas.teachers.civil_servant_salary"][1]
    assert messages["areas.teachers.teacher_salary"][0] == "error"  # 90000 < 120000: below civil servants' pay


def test_part_larger_than_the_whole_is_reported() -> None:
    rendered = _render({"equity": {"large_classes": 3, "very_large_classes": 5,
                                   "paragraphs": [[{"figure": "equity.large_classes"}, {"figure": "equity.very_large_classes"}]]}})
    assert any(f.path == "areas.equity.very_large_classes" and "超过大班额班级数3个" in f.message
               for f in rendered.findings)


def test_an_area_the_skeleton_does_not_place_is_an_error(tmp_path: Path) -> None:
    folder = tmp_path / "tpl"
    (folder / "schemes").mkdir(parents=True)
    (folder / "schemes" / "x.yaml").write_text(GOOD_SCHEME.replace("skeletons/practices.xml.j2", "report.xml.j2"),
                                               "utf-8")
    report = edureport.loads_report(DATA.replace("scheme: test", "scheme: x"), template_dirs=[folder])
    with pytest.raises(edureport.TemplateError, match=r"没有放置数据中的“党的全面领导”（areas\.party）"):
        edureport.render_docx(report, template_dirs=[folder])


def test_a_part_the_scheme_has_no_place_for_is_a_data_error() -> None:
    with pytest.raises(edureport.DataError, match="报告结构中没有“经验做法”（experience）的位置"):
        edureport.loads_report("title: 报告\nscheme: chongqing-2022\nareas:\n  experience: {paragraphs: [做法]}\n")


def test_common_areas_stay_importable_and_typed() -> None:
    from edureport.areas import Equity, Funding  # type: ignore[attr-defined]
    funding = Funding(budget_funds=edureport.Figure(D(142689), D(140650)))
    assert funding.budget_funds.current == edureport.Value(D(142689))
    report = edureport.Report(title="报告", areas={"funding": funding, "equity": Equity()})
    assert report.areas is not None and report.areas["funding"].budget_funds.previous.number == D(140650)
    with pytest.raises(TypeError):
        Funding(budget_fund=1)  # a misspelt indicator is not a field


# ---------------------------------------------------------------------------------------------------------------
# The examples written with a template folder only: a county scheme with 12 areas and a city-level scheme


@pytest.mark.parametrize(("name", "scheme", "areas"), [("county-12-areas", "county-12", 12), ("city-2024", "city-2024", 9)])
def test_the_template_folder_examples_render_check_and_give_their_schema(
        name: str, scheme: str, areas: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = str(EXAMPLE_TEMPLATES)
    data = str(ROOT / "examples" / f"{name}.yaml")
    assert len(load_scheme(scheme, [folder]).areas) == areas
    assert main(["render", data, "--templates", folder, "-o", str(tmp_path / "r.docx")]) == 0
    assert (tmp_path / "r.docx").read_bytes()[:2] == b"PK"
    capsys.readouterr()
    assert main(["check", data, "--templates", folder, "--format", "json"]) == 1  # one deliberate finding each
    import json
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert len([f for f in findings if f["severity"] != "info" or "每名责任督学" in f["message"]]) == 1, findings
    assert main(["schema", "--scheme", scheme, "--templates", folder, "-o", str(tmp_path / "s.json")]) == 0
    schema = json.loads((tmp_path / "s.json").read_text("utf-8"))
    assert len(schema["properties"]["areas"]["anyOf"][0]["properties"]) >= areas
    assert main(["schema", "--scheme", scheme, "-o", str(tmp_path / "t.json")]) == 2  # not without its folder
    assert not (tmp_path / "t.json").exists()


def test_the_city_scheme_uses_indicators_the_shipped_catalogue_lacks() -> None:
    city = load_scheme("city-2024", [str(EXAMPLE_TEMPLATES)])
    own = {k for d in city.definitions.values() for k in d.indicators} - set(edureport.load_catalogue().indicators)
    assert len(own) >= 2
    assert any(city.rules_of(k) for k in own)  # at least one of them with a rule


def test_generated_tables_right_align_numbers_repeat_their_header_and_fit_the_type_area() -> None:
    import io

    import docx
    from docx.oxml.ns import qn
    folder = [str(EXAMPLE_TEMPLATES)]
    report = edureport.load_report(ROOT / "examples" / "county-12-areas.yaml", template_dirs=folder)
    document = docx.Document(io.BytesIO(edureport.render_docx(report, template_dirs=folder)))
    headers = [[c.text for c in t.rows[0].cells] for t in document.tables]
    assert ["项目", "上年", "本年", "增减"] in headers and ["指标", "标准", "本年", "上年", "达标"] in headers
    assert ["评价重点", "分值", "自评得分"] in headers
    for table in document.tables:
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
        header = [c.text for c in table.rows[0].cells]
        for column in ("上年", "本年", "分值", "自评得分"):
            if column in header:
                cell = table.rows[1].cells[header.index(column)]
                assert cell.paragraphs[0].alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.RIGHT
    scores = next(t for t in document.tables if t.rows[0].cells[0].text == "评价重点")
    assert scores.rows[-1].cells[0].text == "合计" and scores.rows[-1].cells[1].text == "100"


def test_rectification_status_is_rendered() -> None:
    rendered = _render({"rectification": {"items": [
        {"problem": "大班额现象严重。", "actions": ["新建学校两所。"], "status": "基本完成"}]}})
    assert "整改状态：基本完成。" in _body(rendered)


def test_a_statement_only_the_compiler_refuses_is_a_data_error_when_used(tmp_path: Path) -> None:
    """Statements are parsed when the catalogue is read and compiled when first used; what only Jinja's compiler
    refuses (assigning to loop) is then reported as the loader reports a syntax error: file, line and path."""
    import shutil

    from edureport.errors import DataError

    folder = tmp_path / "templates"
    shutil.copytree(Path(__file__).parents[1] / "examples" / "templates", folder)
    catalogue = folder / "catalogue.yaml"
    text = catalogue.read_text("utf-8")
    used = '{% set u = ind("universities") %}'  # the first line of areas.higher_education.statements.overview
    catalogue.write_text(text.replace(used, "{% for loop in [1] %}{% endfor %}" + used, 1), "utf-8")
    report = edureport.load_report(Path(__file__).parents[1] / "examples" / "city-2024.yaml", template_dirs=[folder])
    with pytest.raises(DataError) as raised:
        edureport.render(report, template_dirs=[folder])
    message = str(raised.value)
    assert "catalogue.yaml" in message and "第72行" in message
    assert "areas.higher_education.statements.overview" in message
    assert "表述模板第1行语法错误" in message


def test_every_packaged_statement_compiles() -> None:
    """Reading the catalogue checks the syntax of a user's statements only; the packaged ones are checked here, each
    compiled as a report would compile it (parse, filters and tests, code generation)."""
    from edureport.catalogue import load_catalogue
    catalogue = load_catalogue()
    assert len(catalogue.templates) >= 100
    for name in catalogue.templates:
        assert catalogue.templates[name].render is not None, name  # __getitem__ compiles, or raises DataError


def test_a_users_statement_with_a_syntax_error_is_refused_when_the_catalogue_is_read(tmp_path: Path) -> None:
    from edureport.catalogue import load_catalogue
    from edureport.errors import DataError
    (tmp_path / "catalogue.yaml").write_text(
        "indicators:\n  teachers_total:\n    name: 教职工总数\n    kind: count\n    unit: 人\n"
        "    source: 本地统计口径\n    statement: '{{ value }'\n", "utf-8")
    with pytest.raises(DataError) as raised:
        load_catalogue([str(tmp_path)])
    assert "表述模板第1行语法错误" in str(raised.value) and "indicators.teachers_total.statement" in str(raised.value)
