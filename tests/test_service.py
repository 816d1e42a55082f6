"""The HTTP service, through an in-process ASGI client."""

from __future__ import annotations

import io
import json
import logging

import docx
import jsonschema
import pytest
from starlette.testclient import TestClient

import edureport
from edureport.load import parse_text
from edureport.service import create_app

from .conftest import EXAMPLES
from .pdfpages import need_office


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(max_body=256 * 1024))


def example_json(name: str = "showcase") -> bytes:
    path = next(p for p in EXAMPLES if p.stem.startswith(name))
    data, _, _ = parse_text(path.read_bytes(), str(path))
    return json.dumps(data, ensure_ascii=False, default=str).encode("utf-8")


JSON = {"content-type": "application/json"}


def test_health_schema_and_openapi(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok", "version": edureport.__version__}
    assert client.get("/schema").json() == json.loads(json.dumps(edureport.report_schema()))
    spec = client.get("/openapi.json").json()
    assert spec["openapi"].startswith("3.1") and {"/render", "/check", "/schema", "/health"} <= set(spec["paths"])
    jsonschema.Draft202012Validator.check_schema(spec["components"]["schemas"]["Report"])


def test_render_docx_equals_the_library(client: TestClient) -> None:
    response = client.post("/render", content=example_json(), headers=JSON)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    report = edureport.loads_report(example_json().decode("utf-8"), fmt="json")
    assert response.content == edureport.render_docx(report)


def test_render_html_and_draft(client: TestClient) -> None:
    html = client.post("/render?format=html", content=example_json("001"), headers=JSON)
    assert html.status_code == 200 and html.text.startswith("<!DOCTYPE html>")
    body = json.dumps({"title": "报告", "signature": {"issuer": "县政府"}}).encode()
    assert client.post("/render", content=body, headers=JSON).status_code == 422
    draft = client.post("/render?draft=true", content=body, headers=JSON)
    assert draft.status_code == 200
    assert any("【待填写：成文日期】" in p.text for p in docx.Document(io.BytesIO(draft.content)).paragraphs)


def test_check_returns_findings(client: TestClient) -> None:
    response = client.post("/check", content=example_json("001"), headers=JSON)
    assert response.status_code == 200
    paths = [f["path"] for f in response.json()["findings"]]
    assert "areas.equity.disparity.小学" in paths


@pytest.mark.parametrize(("body", "headers", "status", "words"), [
    (b'{"title": "x",', JSON, 400, "JSON 无法解析"),
    (b"title: x", {"content-type": "text/yaml"}, 415, "application/json"),
    (b'{"title": "' + b"x" * (300 * 1024) + b'"}', JSON, 413, "请求体超过"),
    (json.dumps({"title": "x", "sectionz": []}).encode(), JSON, 422, "sectionz"),
    (json.dumps({"title": "x", "areas": {"equity": {"public_kindergarten_share": {"current": 150}}}}).encode(),
     JSON, 422, "0到100"),
])
def test_errors_are_json_with_field_paths(client: TestClient, body: bytes, headers: dict[str, str], status: int,
                                          words: str) -> None:
    response = client.post("/render", content=body, headers=headers)
    assert response.status_code == status
    payload = response.json()
    assert words in json.dumps(payload, ensure_ascii=False)
    if status == 422:
        assert payload["problems"] and all("path" in p and p["message"] for p in payload["problems"])


def test_a_data_error_names_the_full_path(client: TestClient) -> None:
    body = json.dumps({"title": "x", "areas": {"funding": {"per_student_funds": {"初中": {"current": "abc"}}}}}).encode()
    response = client.post("/render", content=body, headers=JSON)
    assert response.status_code == 422
    assert response.json()["problems"][0]["path"] == "areas.funding.per_student_funds.初中.current"


def test_schema_of_a_scheme(client: TestClient) -> None:
    schema = client.get("/schema?scheme=chongqing-2024").json()
    areas = schema["properties"]["areas"]["anyOf"][0]["properties"]
    assert set(areas) >= {"party", "reform", "funding", "equity", "safety"}
    assert "teachers" not in areas  # chongqing-2024 has 5 areas
    assert client.get("/schema?scheme=no-such-scheme").status_code == 404


def test_bad_format_parameter(client: TestClient) -> None:
    assert client.post("/render?format=odt", content=b"{}", headers=JSON).status_code == 400


@pytest.mark.rendering
def test_render_pdf(client: TestClient) -> None:
    need_office()
    response = client.post("/render?format=pdf", content=example_json(), headers=JSON)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_routing_errors_are_json(client: TestClient) -> None:
    missing = client.get("/no-such-path")
    assert missing.status_code == 404 and missing.json() == {"error": "没有这个地址：/no-such-path"}
    wrong = client.get("/render")
    assert wrong.status_code == 405 and "不接受 GET 请求" in wrong.json()["error"] and "POST" in wrong.headers["allow"]


def test_an_unexpected_exception_is_a_json_500_logged_with_its_traceback(monkeypatch: pytest.MonkeyPatch,
                                                                          caplog: pytest.LogCaptureFixture) -> None:
    from edureport import service

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("模拟的缺陷")

    monkeypatch.setattr(service.Renderer, "check", broken)
    with caplog.at_level(logging.ERROR, logger="edureport"):
        response = TestClient(create_app()).post("/check", content=example_json("001"), headers=JSON)
    assert response.status_code == 500 and response.headers["content-type"] == "application/json"
    payload = response.json()
    assert payload["error"].startswith("内部错误") and "模拟的缺陷" not in json.dumps(payload, ensure_ascii=False)
    number = payload["detail"].split()[1].split("（")[0]
    [record] = [r for r in caplog.records if r.name == "edureport"]
    assert number in record.getMessage() and record.exc_info and record.exc_info[0] is RuntimeError


def test_a_layout_error_is_422(monkeypatch: pytest.MonkeyPatch) -> None:
    from edureport import service
    from edureport.errors import LayoutError

    def too_deep(*args: object, **kwargs: object) -> None:
        raise LayoutError("标题“一”是第5级；公文标题最多四级")

    monkeypatch.setattr(service.Renderer, "docx", too_deep)
    response = TestClient(create_app()).post("/render", content=b'{"title": "x"}', headers=JSON)
    assert response.status_code == 422 and response.json()["error"].startswith("版式错误：")


def test_render_counts_its_findings_and_points_at_check(client: TestClient) -> None:
    # a 报告 without 主送机关, 署名 and 成文日期: three findings, whatever the format
    body = json.dumps({"title": "示例县关于履行教育职责情况的自评报告",
                       "sections": [{"title": "主要做法", "paragraphs": ["正文。"]}]}, ensure_ascii=False).encode()
    for fmt in ("docx", "html"):
        response = client.post(f"/render?format={fmt}", content=body, headers=JSON)
        assert response.status_code == 200, fmt
        assert response.headers["X-Edureport-Findings"] == "3", fmt
        assert response.headers["Link"] == '</check>; rel="describedby"'
    check = client.post("/check", content=body, headers=JSON).json()["findings"]
    assert [f["path"] for f in check] == ["addressee", "signature.issuer", "signature.date"]
    complete = client.post("/render", content=example_json("001"), headers=JSON)
    assert complete.headers["X-Edureport-Findings"] == str(len(edureport.render(edureport.loads_report(
        example_json("001").decode("utf-8"), fmt="json")).findings))
    spec = client.get("/openapi.json").json()
    headers = spec["paths"]["/render"]["post"]["responses"]["200"]["headers"]
    assert {"X-Edureport-Findings", "Link"} <= set(headers) and "/check" in headers["X-Edureport-Findings"]["description"]


def test_check_lists_findings_in_the_order_of_the_request(client: TestClient) -> None:
    # the checks make the figures' findings first and the parts of a 报告 last; the request has its areas last
    data = json.loads(example_json("001"))
    del data["addressee"]
    reordered = {"signature": data.pop("signature"), **{k: v for k, v in data.items() if k != "areas"},
                 "areas": data["areas"]}
    reordered["signature"].pop("issuer")
    response = client.post("/check", content=json.dumps(reordered, ensure_ascii=False).encode(), headers=JSON)
    paths = [f["path"] for f in response.json()["findings"]]
    assert paths[:2] == ["addressee", "signature.issuer"]
    assert paths.index("signature.issuer") < paths.index("areas.equity.disparity.小学")
    assert paths.index("areas.funding.per_student_expenditure.初中") < paths.index("areas.equity.disparity.小学")
