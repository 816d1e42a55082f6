"""The bad-input corpus through the other entry points: as a library call and as a request to the HTTP service.
No input ends in anything but edureport's own errors (library) or a JSON answer that is not a 500 (service)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

import edureport
from edureport.errors import EdureportError
from edureport.parsing import parse_text
from edureport.service import create_app

from .test_corpus import CASES, Case, _write

DATA_CASES = [c for c in CASES if c.entry in ("render", "templates") and c.suffix in (".yaml", ".json")]


def _templates(case: Case, folder: Path) -> list[Path]:
    if case.entry != "templates":
        return []
    _write(folder, "report.xml.j2", case)
    return [folder]


@pytest.mark.parametrize("case", DATA_CASES, ids=[c.id for c in DATA_CASES])
def test_the_library_raises_only_its_own_errors(case: Case, tmp_path: Path) -> None:
    data = case.data.encode("utf-8") if isinstance(case.data, str) else case.data
    dirs = _templates(case, tmp_path)
    try:
        report = edureport.loads_report(data, "input", "json" if case.suffix == ".json" else None, template_dirs=dirs)
        edureport.render_docx(report, template_dirs=dirs, limits=edureport.Limits(seconds=2))
    except EdureportError as e:
        assert case.code != 0 and str(e)
    else:
        assert case.code in (0, 1), f"{case.id} rendered, but the documented outcome is exit {case.code}"


def _as_json(case: Case) -> bytes:
    """The case as a request body: JSON as it is; YAML converted when it parses, sent raw (and refused) otherwise."""
    raw = case.data.encode("utf-8") if isinstance(case.data, str) else case.data
    if case.suffix == ".json":
        return raw
    try:
        parsed, _, _ = parse_text(raw, "input", "yaml")
    except EdureportError:
        return raw

    def plain(value: Any) -> Any:
        if isinstance(value, Decimal):
            return str(value)
        if isinstance(value, (dt.date, dt.datetime)):
            return value.isoformat()
        raise TypeError(type(value))
    return json.dumps(parsed, ensure_ascii=False, default=plain).encode("utf-8")


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(max_body=16 * 1024 * 1024, seconds=2), raise_server_exceptions=False)


@pytest.mark.parametrize("case", [c for c in DATA_CASES if c.entry == "render"],
                         ids=[c.id for c in DATA_CASES if c.entry == "render"])
def test_the_service_answers_every_case_with_json_and_never_a_500(case: Case, client: TestClient) -> None:
    response = client.post("/render?draft=true", content=_as_json(case), headers={"content-type": "application/json"})
    assert response.status_code != 500, response.text[:300]
    if response.status_code >= 400:
        assert response.headers["content-type"].startswith("application/json"), response.text[:300]
        assert response.json()["error"]
