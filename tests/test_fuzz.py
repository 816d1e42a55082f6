"""Fuzzing with hypothesis: generated valid reports — generic sections nested up to four levels, typed areas with
random figures and generated statements, header, signature, attachments with tables — render without error, read back
with python-docx to the same text and heading labels, are deterministic and structurally sound.

CI runs the default profile (500 reports); ``python -m pytest tests/test_fuzz.py --hypothesis-profile=thorough``
runs 5,000 locally."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import docx
import pytest
from docx2python import docx2python
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import edureport
from edureport import tree
from edureport.numbering import chinese_numeral
from edureport.renderer import build_document

from .conftest import outline_level
from .ooxml_check import problems
from .pdfpages import need_office

settings.register_profile("ci", max_examples=500, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("thorough", max_examples=5000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile("ci")

PUNCT = "，。、；：“”‘’（）《》—…％%·"
cjk = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
other = st.sampled_from(list(PUNCT + "0123456789ABCxyz ．.-"))
text = st.text(alphabet=st.one_of(cjk, cjk, cjk, other), min_size=1, max_size=60).filter(lambda s: s.strip())
short = st.text(alphabet=cjk, min_size=1, max_size=12)
dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31))
money = st.decimals(min_value=0, max_value=Decimal("9999999.99"), places=2, allow_nan=False, allow_infinity=False)
rates = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)


def sections(level: int = 1) -> st.SearchStrategy[tuple[edureport.Section, ...]]:
    children = sections(level + 1) if level < 4 else st.just(())
    return st.lists(st.builds(edureport.Section, title=text, paragraphs=st.lists(text, max_size=3),
                              sections=children, run_in=st.booleans(),
                              numbering=st.sampled_from(["restart", "continue"])),
                    max_size=3 if level < 3 else 2).map(tuple)


STAGES = ("学前", "小学", "初中", "普通高中", "中职")
values = st.one_of(money, money.map(lambda d: f"{d.to_integral_value()}余"), money.map(lambda d: f"近{d.to_integral_value()}"))


@st.composite
def areas(draw: st.DrawFn, scheme: str) -> Any:
    from edureport.areas import Measure
    from edureport.quantities import Figure

    classes = edureport.load_scheme(scheme).classes

    def figure(rate: bool = False) -> Figure:
        pool = rates if rate else values
        return Figure(draw(pool), draw(st.one_of(st.none(), pool)), stated_change=draw(st.one_of(st.none(), rates)))

    refs = st.sampled_from([
        {"figure": "funding.budget_funds"}, {"figure": "funding.budget_funds", "show": "change"},
        {"figure": "funding.budget_funds", "show": "previous"}, {"figure": "funding.per_student_funds"},
        {"figure": "funding.per_student_funds", "show": "verdict"}, {"figure": "equity.preschool_gross_enrollment"},
        {"statement": "funding.two_no_decrease"}, {"statement": "funding.budget_funds"},
        {"statement": "equity.preschool"}, {"year": 0}, {"year": -1}])

    def part(x: dict[str, Any]) -> Any:
        if "figure" in x:
            return edureport.FigureRef(x["figure"], x.get("show", "value"))
        if "statement" in x:
            return edureport.StatementRef(x["statement"])
        return edureport.YearRef(x["year"])

    def paragraphs() -> list[Any]:
        out: list[Any] = draw(st.lists(text, max_size=2))
        if draw(st.booleans()):
            out.append((draw(text), part(draw(refs)), "。"))
        return out

    def measures() -> list[Any]:
        return [Measure(draw(short), paragraphs=paragraphs(), points=draw(st.lists(text, max_size=3)),
                        run_in=draw(st.booleans())) for _ in range(draw(st.integers(0, 3)))]

    stages = draw(st.sets(st.sampled_from(STAGES), min_size=1))
    out: dict[str, Any] = {
        "funding": classes["funding"](budget_funds=figure(), per_student_funds={s: figure() for s in stages},
                                      paragraphs=paragraphs(), measures=measures()),
        "equity": classes["equity"](preschool_gross_enrollment=figure(rate=True),
                                    large_classes=Figure(draw(st.integers(0, 500))), paragraphs=paragraphs()),
    }
    if "ecosystem" in classes:
        out["ecosystem"] = classes["ecosystem"](myopia_rate=figure(rate=True), measures=measures(),
                                                paragraphs=[(draw(text), edureport.StatementRef("ecosystem.myopia_rate"))])
    if "achievements" in classes:
        out["achievements"] = classes["achievements"](measures=measures())
    return edureport.Areas(out)


@st.composite
def reports(draw: st.DrawFn) -> edureport.Report:
    with_areas = draw(st.booleans())
    scheme = draw(st.sampled_from(["ziyang-2024", "chongqing-2022", "chongqing-2024"]))
    header = draw(st.one_of(st.none(), st.builds(
        edureport.Header, issuer_mark=short,
        doc_number=st.builds(edureport.DocNumber, organ=st.text(alphabet=cjk, min_size=2, max_size=5),
                             year=st.integers(2000, 2099), serial=st.integers(1, 999)),
        signer=st.one_of(st.none(), short))))
    attachments = draw(st.lists(st.builds(
        edureport.Attachment, title=short, paragraphs=st.lists(text, max_size=2),
        tables=st.lists(st.integers(1, 4).flatmap(lambda n: st.builds(
            edureport.Table, columns=st.lists(short, min_size=n, max_size=n),
            rows=st.lists(st.lists(text, min_size=n, max_size=n), min_size=1, max_size=4))), max_size=1)), max_size=2))
    return edureport.Report(
        title=draw(st.lists(short, min_size=1, max_size=2)),
        addressee=draw(st.one_of(st.none(), short)),
        opening=draw(st.lists(text, max_size=2)),
        sections=draw(sections()),
        header=header,
        attachments=attachments,
        signature=draw(st.one_of(st.none(), st.builds(edureport.Signature, date=dates,
                                                      issuer=st.one_of(st.none(), short), seal=st.booleans()))),
        year=draw(st.integers(2000, 2099)),
        scheme=scheme if with_areas else None,
        areas=draw(areas(scheme)) if with_areas else None,
    )


def expected_labels(sections: tuple[edureport.Section, ...]) -> list[str]:
    """Heading labels by an independent reading of the numbering rules (restart under each parent unless the
    parent says continue)."""
    labels: list[str] = []
    counts = [0] * 6

    def walk(items: tuple[edureport.Section, ...], level: int) -> None:
        for s in items:
            counts[level] += 1
            n = counts[level]
            labels.append({1: f"{chinese_numeral(n)}、", 2: f"（{chinese_numeral(n)}）", 3: f"{n}.", 4: f"（{n}）"}[level])
            if s.numbering == "restart":
                for deeper in range(level + 1, 6):
                    counts[deeper] = 0
            walk(s.sections, level + 1)
    walk(sections, 1)
    return labels


def docx_paragraphs(data: bytes) -> list[tuple[bool, str]]:
    out = []
    for p in docx.Document(io.BytesIO(data)).paragraphs:
        if p.text:
            out.append((outline_level(p) is not None, p.text))
    return out


@given(reports())
def test_generated_reports_render_read_back_and_are_deterministic(report: edureport.Report) -> None:
    data = edureport.render_docx(report, draft=True)
    assert edureport.render_docx(report, draft=True) == data
    assert problems(data) == []
    with docx2python(io.BytesIO(data)) as other_reader:  # an independent reader opens it too
        assert report.title[0] in other_reader.text
    document = build_document(report)
    read = docx_paragraphs(data)
    body_texts = [text for _, text in read]
    headings = document.headings()
    assert [h.label + h.title + tree.plain(h.body) for h in headings] == [
        text for is_heading, text in read if is_heading]
    if report.areas is None:  # generic sections: the labels follow the numbering rules, independently computed
        assert [h.label for h in headings] == expected_labels(report.sections)
    for block in document.blocks:
        if isinstance(block, tree.Paragraph):
            assert tree.plain(block.runs) in body_texts
    joined = "\n".join(body_texts)
    for paragraph in [*report.opening, *(p for s in _all(report.sections) for p in s.paragraphs)]:
        assert paragraph in joined  # no user text is lost
    cells = ["".join(c.text for c in row.cells) for t in docx.Document(io.BytesIO(data)).tables for row in t.rows]
    for attachment in report.attachments:
        for table in attachment.tables:
            for row in table.rows:
                assert "".join(row) in cells


def _all(items: tuple[edureport.Section, ...]) -> list[edureport.Section]:
    return [x for s in items for x in [s, *_all(s.sections)]]


@pytest.mark.rendering
@settings(max_examples=3, deadline=None)
@given(report=reports())
def test_a_sample_of_generated_reports_opens_in_libreoffice(report: edureport.Report, tmp_path_factory:
                                                           pytest.TempPathFactory) -> None:
    need_office()
    from .pdfpages import convert_to_pdf
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / "fuzzed.docx"
    path.write_bytes(edureport.render_docx(report, draft=True))
    [pdf] = convert_to_pdf([path], folder)
    assert pdf.read_bytes().startswith(b"%PDF")
