"""An HTTP service for systems that are not written in Python: ``edureport serve`` (needs ``pip install
edureport[server]``). Stateless — every request carries its report as JSON — so it scales out behind any load
balancer. Endpoints: POST /render (→ .docx, .pdf or .html), POST /check (→ findings), GET /schema, GET /health,
GET /openapi.json. Errors are JSON with field paths; request size and time are limited.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence
from typing import Any

import attrs
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from . import __version__
from .audit import audit_report
from .convert import pdf_bytes
from .errors import ConversionError, DataError, Problem, TemplateError
from .load import report_from_data
from .missing import MissingValuesError
from .parsing import parse_text
from .render import render, render_html
from .schema import report_schema
from .templating import Limits

MEDIA = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "pdf": "application/pdf", "html": "text/html; charset=utf-8"}


class _HttpError(Exception):
    def __init__(self, status: int, message: str, problems: Sequence[Problem] = ()) -> None:
        self.status, self.message, self.problems = status, message, tuple(problems)


def _error(status: int, message: str, problems: Sequence[Problem] = ()) -> JSONResponse:
    body: dict[str, Any] = {"error": message}
    if problems:
        body["problems"] = [attrs.asdict(p) for p in problems]
    return JSONResponse(body, status_code=status)


def create_app(*, template_dirs: Sequence[str | os.PathLike[str]] = (), max_body: int = 2 * 1024 * 1024,
               seconds: float = 30.0) -> Starlette:
    """The ASGI application. ``max_body`` bytes per request; ``seconds`` per render (templates are stopped too)."""
    folders = tuple(str(d) for d in template_dirs)
    limits = Limits(seconds=seconds)

    async def read_report(request: Request) -> Any:
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            raise _HttpError(415, "请求体应为 JSON（Content-Type: application/json）")
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > max_body:
            raise _HttpError(413, f"请求体超过{max_body}字节")
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > max_body:
                raise _HttpError(413, f"请求体超过{max_body}字节")
        try:
            data, text, fmt = parse_text(body, "请求", "json")
        except DataError as e:
            raise _HttpError(400, "JSON 无法解析", e.problems) from None
        try:
            return report_from_data(data, "请求", text=text, fmt=fmt, template_dirs=folders)
        except DataError as e:
            raise _HttpError(422, "数据有误", e.problems) from None

    async def in_thread(fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return await asyncio.wait_for(run_in_threadpool(fn, *args, **kwargs), timeout=seconds + 5)
        except TimeoutError:
            raise _HttpError(504, f"处理超过{seconds:.0f}秒，已停止") from None
        except MissingValuesError as e:
            raise _HttpError(422, "缺少内容（加 draft=true 生成草稿）", e.problems) from None
        except DataError as e:
            raise _HttpError(422, "数据有误", e.problems) from None
        except TemplateError as e:
            raise _HttpError(500, str(e)) from None
        except ConversionError as e:
            raise _HttpError(503, str(e)) from None

    async def render_endpoint(request: Request) -> Response:
        fmt = request.query_params.get("format", "docx")
        if fmt not in MEDIA:
            raise _HttpError(400, f"format 只能是 {'、'.join(MEDIA)}")
        draft = request.query_params.get("draft", "false").lower() in ("1", "true", "yes")
        report = await read_report(request)
        if fmt == "html":
            data = await in_thread(render_html, report, template_dirs=folders, draft=draft, limits=limits)
            findings = 0
        else:
            result = await in_thread(render, report, template_dirs=folders, draft=draft, limits=limits)
            data, findings = result.data, len(result.findings)
            if fmt == "pdf":
                data = await in_thread(pdf_bytes, data, seconds=seconds)
        return Response(data, media_type=MEDIA[fmt], headers={
            "Content-Disposition": f'attachment; filename="report.{fmt}"', "X-Edureport-Findings": str(findings)})

    async def check_endpoint(request: Request) -> Response:
        report = await read_report(request)
        findings = await in_thread(audit_report, report, folders)
        return JSONResponse({"findings": [attrs.asdict(f) for f in findings]})

    async def schema_endpoint(request: Request) -> Response:
        scheme = request.query_params.get("scheme")
        try:
            return JSONResponse(report_schema(scheme, folders))
        except DataError as e:
            raise _HttpError(404 if e.source == "scheme" else 422, "评价方案有误", e.problems) from None

    async def health_endpoint(request: Request) -> Response:
        return JSONResponse({"status": "ok", "version": __version__})

    async def openapi_endpoint(request: Request) -> Response:
        return JSONResponse(openapi_document())

    def handle(endpoint: Any) -> Any:
        async def wrapped(request: Request) -> Response:
            try:
                response: Response = await endpoint(request)
                return response
            except _HttpError as e:
                return _error(e.status, e.message, e.problems)
        return wrapped

    return Starlette(routes=[
        Route("/render", handle(render_endpoint), methods=["POST"]),
        Route("/check", handle(check_endpoint), methods=["POST"]),
        Route("/schema", handle(schema_endpoint), methods=["GET"]),
        Route("/health", handle(health_endpoint), methods=["GET"]),
        Route("/openapi.json", handle(openapi_endpoint), methods=["GET"]),
    ])


def openapi_document() -> dict[str, Any]:
    """The service described in OpenAPI 3.1 (its schemas are JSON Schema 2020-12, like ``edureport schema``)."""
    report_ref = {"$ref": "#/components/schemas/Report"}
    error = {"description": "错误（JSON，problems 中给出字段路径）",
             "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    problem = {"type": "object", "properties": {"path": {"type": "string"}, "message": {"type": "string"},
                                                "line": {"type": ["integer", "null"]},
                                                "column": {"type": ["integer", "null"]}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "edureport", "version": __version__,
                 "description": "履行教育职责自评报告：数据（JSON）→ GB/T 9704 公文 .docx / PDF / HTML"},
        "paths": {
            "/render": {"post": {
                "summary": "生成报告",
                "parameters": [
                    {"name": "format", "in": "query", "schema": {"enum": list(MEDIA), "default": "docx"}},
                    {"name": "draft", "in": "query", "schema": {"type": "boolean", "default": False}}],
                "requestBody": {"required": True, "content": {"application/json": {"schema": report_ref}}},
                "responses": {"200": {"description": "报告文件",
                                      "content": {m: {"schema": {"type": "string", "format": "binary"}}
                                                  for m in MEDIA.values()}},
                              **{code: error for code in ("400", "413", "415", "422", "500", "503", "504")}}}},
            "/check": {"post": {
                "summary": "检查数据",
                "requestBody": {"required": True, "content": {"application/json": {"schema": report_ref}}},
                "responses": {"200": {"description": "检查结果", "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"findings": {"type": "array", "items": {"type": "object"}}}}}}},
                    **{code: error for code in ("400", "413", "415", "422")}}}},
            "/schema": {"get": {"summary": "数据格式的 JSON Schema", "responses": {"200": {"description": "JSON Schema"}}}},
            "/health": {"get": {"summary": "健康检查", "responses": {"200": {"description": "ok"}}}},
        },
        "components": {"schemas": {
            "Report": report_schema(),
            "Error": {"type": "object", "properties": {"error": {"type": "string"},
                                                       "problems": {"type": "array", "items": problem}}},
        }},
    }


def serve(host: str, port: int, template_dirs: Sequence[str] = ()) -> None:
    import uvicorn
    uvicorn.run(create_app(template_dirs=template_dirs), host=host, port=port, log_level="info")


__all__ = ["create_app", "openapi_document", "serve"]
