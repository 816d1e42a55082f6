"""What a document of its type must have: a 报告 its 主送机关, 署名 and 成文日期, an upward document with a 版头 its
签发人. ``check`` and every render list what is missing, with the path of the missing part; findings are listed in
the order of their fields in the data file. A rolled-over report that still cites last year's 评价通知 says so."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import attrs
import pytest

import edureport
from edureport.audit import audit_file
from edureport.cli import main
from edureport.missing import document_type, incomplete, is_upward

from .conftest import EXAMPLES, TEMPLATES, load_example

#: the paths :func:`incomplete` names
PARTS = {"addressee", "signature.issuer", "signature.date", "header.signer"}
BODY = "sections:\n  - title: 主要做法\n    paragraphs: [全年研究教育工作。]\n"


def paths(findings: object) -> list[str]:
    return [f.path for f in findings if f.path in PARTS]  # type: ignore[attr-defined]


def write(folder: Path, text: str, name: str = "r.yaml") -> Path:
    path = folder / name
    path.write_text(text, "utf-8")
    return path


@pytest.mark.parametrize(("title", "kind"), [
    ("示例县人民政府关于2023年度履行教育职责情况的自评报告", "报告"),
    (["南岸区人民政府2023年以来履行", "教育职责自评情况的报告"], "报告"),  # lines are one title
    ("示例县履行教育职责情况的自查报告（征求意见稿）", "报告"),  # the state of the text is no part of its type
    ("示例县人民政府关于追加教育经费的请示", "请示"),
    ("示例县2023年度履行教育职责情况", None),
    ("报告", None),  # only the word: no 事由, no document
    ("关于报告制度的通知", None),
])
def test_the_type_is_the_last_word_of_the_title(title: str | list[str], kind: str | None) -> None:
    report = edureport.Report(title=title)
    assert document_type(report) == kind
    assert is_upward(report) == (kind is not None)


def test_a_report_without_addressee_signature_or_date_has_a_finding_each(tmp_path: Path,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    report = edureport.Report(title="示例县关于履行教育职责情况的自评报告", sections=[edureport.Section("一", paragraphs=["正文。"])])
    assert paths(incomplete(report)) == ["addressee", "signature.issuer", "signature.date"]
    assert [f.severity for f in incomplete(report)] == ["error"] * 3
    assert paths(edureport.audit_report(report)) == ["addressee", "signature.issuer", "signature.date"]
    # and each alone
    for given, lacking in ((dict(addressee="市政府教育督导委员会"), ["signature.issuer", "signature.date"]),
                           (dict(signature=edureport.Signature(issuer="示例县人民政府")), ["addressee"]),
                           (dict(signature=edureport.Signature(date=dt.date(2024, 6, 5))),
                            ["addressee", "signature.issuer"])):
        assert paths(incomplete(edureport.Report(title=report.title, **given))) == lacking, given  # type: ignore[arg-type]
    # the command says so, instead of 未发现问题
    source = write(tmp_path, "title: 示例县关于履行教育职责情况的自评报告\n" + BODY)
    assert main(["check", str(source)]) == 1
    out = capsys.readouterr().out
    assert "未发现问题" not in out
    for path, words in (("addressee", "报告缺少主送机关"), ("signature.issuer", "报告缺少发文机关署名"),
                        ("signature.date", "报告缺少成文日期")):
        assert f"错误：{source} 字段 {path}：{words}" in out, path
    assert main(["check", str(source), "--format", "json"]) == 1
    assert paths(edureport.Finding(**f) for f in json.loads(capsys.readouterr().out)["findings"]) == [
        "addressee", "signature.issuer", "signature.date"]


def test_a_complete_report_has_none_and_the_header_names_the_issuer() -> None:
    complete = edureport.Report(title="示例县关于履行教育职责情况的自评报告", addressee="市政府教育督导委员会",
                                signature=edureport.Signature(issuer="示例县人民政府",
                                                              date=dt.date(2024, 6, 5)))
    assert incomplete(complete) == []
    # a 版头 names the issuing organ: no 署名 needed, but still a 成文日期 (and, upward, a 签发人)
    header = edureport.Header(issuer_mark="示例县人民政府", signer="张明")
    assert paths(incomplete(edureport.Report(title=complete.title, addressee="市政府教育督导委员会",
                                             header=header))) == ["signature.date"]
    # a signature without its date is a value a final render still needs, reported once, by missing_values
    undated = edureport.Report(title=complete.title, addressee="市政府教育督导委员会",
                               signature=edureport.Signature(issuer="示例县人民政府"))
    assert paths(incomplete(undated)) == []
    assert [f.path for f in edureport.audit_report(undated) if f.path.startswith("signature")] == ["signature.date"]
    # a document that is no 报告 is not held to a 报告's parts
    assert incomplete(edureport.Report(title="示例县2023年度履行教育职责情况")) == []


def test_an_upward_document_with_a_header_needs_its_signer() -> None:
    header = edureport.Header(issuer_mark="示例县人民政府")
    base = dict(addressee="市政府教育督导委员会", signature=edureport.Signature(date=dt.date(2024, 6, 5)))
    report = edureport.Report(title="示例县人民政府关于履行教育职责情况的自评报告", header=header, **base)  # type: ignore[arg-type]
    [finding] = incomplete(report)
    assert finding.path == "header.signer" and "上行文" in finding.message and "签发人" in finding.message
    signed = edureport.Report(title=report.title, header=edureport.Header(issuer_mark="示例县人民政府", signer="张明"),
                              **base)  # type: ignore[arg-type]
    assert incomplete(signed) == []
    request = edureport.Report(title="示例县人民政府关于追加教育经费的请示", header=header, **base)  # type: ignore[arg-type]
    assert paths(incomplete(request)) == ["header.signer"]  # a 请示 goes up too (and needs no 报告's parts here)
    notice = edureport.Report(title="示例县人民政府关于开展自查工作的通知", header=header, **base)  # type: ignore[arg-type]
    assert incomplete(notice) == []  # not upward: no 签发人 required
    assert "header.signer" not in paths(incomplete(attrs.evolve(report, header=None)))  # no 版头, no 签发人


EXPECTED_PARTS = {  # what each shipped example lacks, by its data
    "000-anyue-2024": ["signature.date"],  # 版头 with 签发人 and a 主送机关, but no 署名 or 成文日期 (as the reference)
    "001-dianjiang-2022": [],
    "004-nanan-2024": ["addressee", "signature.issuer", "signature.date"],  # the reference has none of them
    "city-2024": [],
    "county-12-areas": [],
    "showcase-full-format": [],
}


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_the_examples_that_lack_parts_say_so(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    expected = EXPECTED_PARTS[path.stem]
    report = load_example(path)
    assert document_type(report) == "报告"  # every example is a 报告
    assert paths(audit_file(path, TEMPLATES)) == expected
    main(["check", str(path), "--templates", *TEMPLATES])
    out = capsys.readouterr().out
    assert [line.split(" 字段 ")[1].split("：")[0] for line in out.splitlines()
            if " 字段 " in line and line.split(" 字段 ")[1].split("：")[0] in PARTS] == expected


def test_a_final_render_lists_what_is_missing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = next(p for p in EXAMPLES if p.stem.startswith("004"))
    target = tmp_path / "r.docx"
    assert main(["render", str(source), "-o", str(target), "--templates", *TEMPLATES]) == 0  # made, and said
    err = capsys.readouterr().err
    for path in ("addressee", "signature.issuer", "signature.date"):
        assert f"错误：{source} 字段 {path}：报告缺少" in err, path
    assert target.exists()
    rendered = edureport.render(load_example(source), template_dirs=TEMPLATES)
    assert paths(rendered.findings) == ["addressee", "signature.issuer", "signature.date"]


def test_findings_are_listed_in_the_order_of_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # the signature comes first in this file, the opening (with a half-width comma) after it, the title last; the
    # checks make them in another order (text lint first, the parts of a 报告 last)
    source = write(tmp_path, "year: 2023\nsignature: {issuer: 示例县人民政府}\n"
                             "opening: [\"县政府高度重视,逐项开展自查。\"]\n"
                             + BODY + "title: 示例县关于履行教育职责情况的自评报告\n")
    findings = audit_file(source)
    assert [f.path for f in findings] == ["addressee", "signature.date", "opening[0]"]
    assert main(["check", str(source)]) == 1
    printed = [line.split(" 字段 ")[1].split("：")[0] for line in capsys.readouterr().out.splitlines() if " 字段 " in line]
    assert printed == ["addressee", "signature.date", "opening[0]"]  # the part the file lacks altogether first
    # the same data as JSON: the order of its keys
    data = {"opening": ["县政府高度重视,逐项开展自查。"], "signature": {"issuer": "示例县人民政府"},
            "title": "示例县关于履行教育职责情况的自评报告"}
    as_json = write(tmp_path, json.dumps(data, ensure_ascii=False), "r.json")
    assert [f.path for f in audit_file(as_json)] == ["addressee", "opening[0]", "signature.date"]


def test_render_prints_its_findings_in_the_order_of_the_file(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    # made in this order: the title line that wraps (layout), then the 版头 without 签发人 (the parts of a 报告)
    source = write(tmp_path, "header: {issuer_mark: 示例县人民政府}\naddressee: 市政府教育督导委员会\n"
                             "signature: {issuer: 示例县人民政府, date: 2024-06-05}\n" + BODY
                   + "title: [示例县人民政府关于二〇二三年度全面履行各项教育职责情况的, 自查自评报告]\n")
    assert main(["render", str(source), "-o", str(tmp_path / "r.docx")]) == 0
    printed = [line.split(" 字段 ")[1].split("：")[0] for line in capsys.readouterr().err.splitlines()
               if " 字段 " in line]
    assert printed == ["header.signer", "title[0]"]
    made = edureport.render(edureport.load_report(source)).findings
    assert [f.path for f in made] == ["title[0]", "header.signer"]


@pytest.mark.parametrize("stem", ["000", "001", "004"])
def test_a_rolled_over_opening_that_cites_last_years_notice_is_reported(stem: str, tmp_path: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    source = next(p for p in EXAMPLES if p.stem.startswith(stem))
    year = (load_example(source).year or 0) + 1
    new = tmp_path / "next.yaml"
    assert main(["rollover", str(source), "--year", str(year), "-o", str(new), "--templates", *TEMPLATES]) == 0
    capsys.readouterr()
    # check says so …
    assert main(["check", str(new), "--templates", *TEMPLATES]) == 1
    out = capsys.readouterr().out
    [line] = [line for line in out.splitlines() if " 字段 opening[0].review：" in line]
    assert "引用的评价通知和文号是上一年的" in line
    # … and a final render refuses, naming it, and writes nothing
    target = tmp_path / "final.docx"
    assert main(["render", str(new), "-o", str(target), "--templates", *TEMPLATES]) == 2
    err = capsys.readouterr().err
    assert f"数据错误：{new} 字段 opening[0].review：待核对：引用的评价通知和文号是上一年的" in err
    assert not target.exists()
    # … and so does a batch, in its summary
    assert main(["batch", str(new), "-o", str(tmp_path / "out"), "--templates", *TEMPLATES]) == 2
    out = capsys.readouterr().out
    assert f"失败：{new}：" in out and "字段 opening[0].review：待核对：引用的评价通知和文号是上一年的" in out
