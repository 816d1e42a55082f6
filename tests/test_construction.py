"""A report built in code is checked as strictly as one loaded from a file: the same rules, the same Chinese
messages, at construction — never later, in a template."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import edureport
from edureport.areas import Measure
from edureport.errors import DataError, FieldValueError
from edureport.model import Attachment, Colophon, DocNumber, Header, Notice, Report, Section, Signature, Table


def _loading_message(source: str) -> str:
    with pytest.raises(DataError) as caught:
        edureport.loads_report(source)
    [problem] = caught.value.problems
    return problem.message


@pytest.mark.parametrize(("build", "source", "path"), [
    (lambda: Signature(date="2024年13月1日"), "title: x\nsignature: {date: 2024年13月1日}\n", "date"),
    (lambda: Section("一", run_in="yes"), "title: x\nsections: [{title: 一, run_in: 'yes'}]\n", "run_in"),
    (lambda: Measure(title="一", numbering="bogus"),
     "title: x\nyear: 2024\nareas: {funding: {measures: [{title: 一, numbering: bogus}]}}\n", "numbering"),
    (lambda: Signature(seal=1), "title: x\nsignature: {seal: 1}\n", "seal"),
    (lambda: DocNumber(organ="某政办", year="二〇二四"), "title: x\nheader: {issuer_mark: 某县, doc_number: "
     "{organ: 某政办, year: 二〇二四}}\n", "year"),
])
def test_code_and_files_get_the_same_error(build: Any, source: str, path: str) -> None:
    with pytest.raises(FieldValueError) as caught:
        build()
    assert caught.value.path == path
    assert caught.value.message == _loading_message(source)


def test_a_date_written_as_text_is_read_as_when_loading() -> None:
    assert Signature(date="2024-01-01").date == dt.date(2024, 1, 1)
    assert Signature(date="2024年6月5日").date == dt.date(2024, 6, 5)
    assert edureport.loads_report("title: x\nsignature: {date: '2024-01-01'}\n").signature == Signature(
        date=dt.date(2024, 1, 1))


# every scalar field of the model, and values of every wrong kind
SCALARS: list[tuple[type, str, dict[str, Any]]] = [
    (Section, "run_in", {"title": "一"}), (Section, "numbering", {"title": "一"}),
    (Signature, "date", {}), (Signature, "seal", {}), (Colophon, "print_date", {"printer": "某办"}),
    (Notice, "start", {"end": dt.date(2024, 1, 2), "office": "某办"}),
    (Notice, "end", {"start": dt.date(2024, 1, 1), "office": "某办"}),
    (DocNumber, "year", {"organ": "某政办"}), (DocNumber, "serial", {"organ": "某政办", "year": 2024}),
    (Report, "year", {"title": "x"}), (Measure, "run_in", {"title": "一"}),
]
WRONG = st.one_of(st.text(max_size=5).filter(lambda t: not t.strip() or not t.strip()[0].isdigit()),
                  st.floats(allow_nan=False), st.lists(st.integers(), max_size=2), st.dictionaries(st.text(), st.text(),
                                                                                                 max_size=1),
                  st.just(object()))


@given(case=st.sampled_from(SCALARS), value=WRONG)
@settings(max_examples=300, deadline=None)
def test_no_object_with_a_wrong_value_can_be_built(case: tuple[type, str, dict[str, Any]], value: Any) -> None:
    cls, name, others = case
    if name == "numbering" and value in ("restart", "continue"):
        return
    with pytest.raises((FieldValueError, DataError, TypeError)) as caught:
        cls(**others, **{name: value})
    if isinstance(caught.value, FieldValueError):
        assert caught.value.path.split(".")[0].split("[")[0] == name and caught.value.message


def test_the_built_objects_render_or_refuse_at_construction() -> None:
    """Objects that construct render: nothing left for a template to trip over."""
    report = Report(title=("报告",), sections=(Section("一", run_in=True, paragraphs=("正文。",)),),
                    signature=Signature(issuer="某县人民政府", date="2024-06-05"),
                    attachments=(Attachment(title="名单", tables=(Table(columns=("甲", "乙"), rows=(("a", "b"),)),)),),
                    header=Header(issuer_mark="某县人民政府文件"))
    assert edureport.render_docx(report)[:2] == b"PK"
    assert attrs.evolve(report, year=2024).year == 2024
    assert Decimal("1") == Decimal(1)
