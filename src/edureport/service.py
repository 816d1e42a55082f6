"""An HTTP service for systems that are not written in Python: ``edureport serve`` (needs ``pip install
edureport[server]``). Stateless — every request carries its report as JSON — so it scales out behind any load
balancer. Endpoints: POST /render (→ .docx, .pdf or .html), POST /check (→ findings), GET /schema, GET /health,
GET /openapi.json.

A rendered file's answer says how many findings the checks made (``X-Edureport-Findings``) and points at /check
(``Link: </check>; rel="describedby"``), which lists them for the same body, in the order of the data. The HTML page,
and a .docx or PDF asked for with ``published=true``, are published: a report with a 密级 is refused (422).

Every error is JSON (``{"error": …}``, with ``problems`` and their field paths for bad data), and every stage of a
request is bounded:

* request head: complete within ``header_seconds`` of the connection being ready for it, else 408 and the
  connection is closed (uvicorn and h11 have no such timeout: :func:`server` adds it to uvicorn's h11 protocol, which
  also answers malformed HTTP with JSON); an idle keep-alive connection is closed after ``keep_alive_seconds``;
* request body: complete within ``body_seconds`` (408) and at most ``max_body`` bytes (413);
* rendering: ``seconds`` (templates are stopped too; 504);
* PDF: at most ``pdf_workers`` LibreOffice conversions at once, on threads of their own, so .docx and .html work never
  waits for them; one more is refused at once (503 with Retry-After); each may take ``pdf_seconds``, after which
  LibreOffice and every process it started are killed (504);
* the whole request, answer included (a client that reads slowly): ``request_seconds`` (504, or the connection is
  closed when the answer had begun);
* anything unexpected: 500 JSON naming an error number; the traceback goes to the ``edureport`` logger.

Not bounded here: the number of open connections (each one is bounded in time by the limits above; put a reverse proxy
in front to limit connections per client) and the memory of up to 40 concurrent .docx/.html renders (Starlette's
thread pool; further requests wait for a thread, within ``seconds``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import threading
import uuid
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import attrs
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import __version__
from .audit import SourceOrder
from .convert import ConversionTimeout, pdf_and_fonts
from .errors import ConversionError, DataError, EdureportError, Problem
from .load import report_from_data
from .missing import MissingValuesError
from .parsing import parse_text
from .renderer import ClassifiedError, Renderer
from .schema import report_schema
from .templating import Limits

if TYPE_CHECKING:
    import uvicorn

MEDIA = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "pdf": "application/pdf", "html": "text/html; charset=utf-8"}

#: Seconds a client is asked to wait (Retry-After) when every PDF converter is busy.
PDF_RETRY_AFTER = 5
_GRACE = 5.0  # seconds allowed beyond a stage's own limit before the service stops waiting for it

_log = logging.getLogger("edureport")


class _HttpError(Exception):
    def __init__(self, status: int, message: str, problems: Sequence[Problem] = (), *,
                 headers: Mapping[str, str] | None = None) -> None:
        self.status, self.message, self.problems = status, message, tuple(problems)
        self.headers = dict(headers or {})


_CLOSE = {"Connection": "close"}  # for answers given before the request body was read: do not wait for the rest


def _error(status: int, message: str, problems: Sequence[Problem] = (), *, detail: str | None = None,
           headers: Mapping[str, str] | None = None) -> JSONResponse:
    body: dict[str, Any] = {"error": message}
    if detail is not None:
        body["detail"] = detail
    if problems:
        body["problems"] = [attrs.asdict(p) for p in problems]
    return JSONResponse(body, status_code=status, headers=dict(headers or {}))


def _internal_error(scope: Scope, exc: BaseException) -> JSONResponse:
    """Log an unexpected exception with its traceback and a number, and answer with that number (never the
    traceback)."""
    number = uuid.uuid4().hex[:12]
    _log.error("内部错误 %s：%s %s", number, scope.get("method", ""), scope.get("path", ""), exc_info=exc)
    return _error(500, "内部错误：edureport 自身出错（不是请求数据的问题），详细信息已记入服务日志；请把错误编号和请求数据发给维护者",
                  detail=f"错误编号 {number}（{type(exc).__name__}）", headers=_CLOSE)


class _Guard:
    """The outermost layer of the application: bounds the whole request (reading it, working, and sending the
    answer) and turns any exception that got this far into a JSON 500 logged with its traceback."""

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app, self.seconds = app, seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await asyncio.wait_for(self.app(scope, receive, watched), self.seconds)
        except asyncio.TimeoutError:
            _log.warning("请求 %s %s 超过%g秒，已停止", scope["method"], scope["path"], self.seconds)
            if not started:  # else the answer is cut short: the server closes the connection
                await _error(504, f"请求处理超过{self.seconds:g}秒，已停止", headers=_CLOSE)(scope, receive, send)
        except Exception as e:
            response = _internal_error(scope, e)
            if not started:
                await response(scope, receive, send)


def create_app(*, template_dirs: Sequence[str | os.PathLike[str]] = (), max_body: int = 2 * 1024 * 1024,
               seconds: float = 30.0, body_seconds: float = 10.0, pdf_workers: int | None = None,
               pdf_seconds: float = 60.0, request_seconds: float | None = None) -> Starlette:
    """The ASGI application. ``max_body`` bytes per request, arriving within ``body_seconds``; ``seconds`` per render
    (templates are stopped too); ``pdf_workers`` LibreOffice conversions at once (default: the number of processors),
    ``pdf_seconds`` each; ``request_seconds`` for a whole request (default: the sum of the stages' limits)."""
    folders = tuple(str(d) for d in template_dirs)
    renderer = Renderer(template_dirs=folders, limits=Limits(seconds=seconds))  # shared: it holds no state
    converters = max(1, pdf_workers if pdf_workers is not None else os.cpu_count() or 1)
    pdf_slots = threading.BoundedSemaphore(converters)  # threading, not asyncio: not tied to one event loop
    pdf_pool = ThreadPoolExecutor(max_workers=converters, thread_name_prefix="edureport-pdf")
    whole = request_seconds if request_seconds is not None else (
        body_seconds + seconds + pdf_seconds + 3 * _GRACE)

    async def read_body(request: Request) -> bytes:
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            raise _HttpError(415, "请求体应为 JSON（Content-Type: application/json）", headers=_CLOSE)
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > max_body:
            raise _HttpError(413, f"请求体超过{max_body}字节", headers=_CLOSE)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + body_seconds
        chunks: list[bytes] = []
        size = 0
        while True:
            try:  # each wait for more of the body gets only what is left of the time for all of it
                message = await asyncio.wait_for(request.receive(), max(0.0, deadline - loop.time()))
            except asyncio.TimeoutError:
                raise _HttpError(408, f"请求体没有在{body_seconds:g}秒内传完", headers=_CLOSE) from None
            if message["type"] == "http.disconnect":
                raise _HttpError(400, "请求体没有传完，连接已断开", headers=_CLOSE)
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > max_body:
                raise _HttpError(413, f"请求体超过{max_body}字节", headers=_CLOSE)
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    async def read_report(request: Request) -> tuple[Any, SourceOrder]:
        """The request's report, and the order of its fields (findings are listed in it)."""
        body = await read_body(request)
        try:  # off the event loop, like all work on the data: a large body must not stall other requests
            data, text, fmt = await run_in_threadpool(parse_text, body, "请求", "json")
        except DataError as e:
            raise _HttpError(400, "JSON 无法解析", e.problems) from None
        report = await in_thread(report_from_data, data, "请求", text=text, fmt=fmt, template_dirs=folders)
        return report, SourceOrder(data)

    async def in_thread(fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return await asyncio.wait_for(run_in_threadpool(fn, *args, **kwargs), timeout=seconds + _GRACE)
        except asyncio.TimeoutError:
            raise _HttpError(504, f"处理超过{seconds:.0f}秒，已停止") from None
        except DataError as e:  # the status is the error class's; the heading says what to do in this interface
            title = ("缺少内容（加 draft=true 生成草稿）" if isinstance(e, MissingValuesError) else
                     "涉密文件不得公开发布（网页总是公开发布；.docx 和 PDF 不加 published=true 时可以生成）"
                     if isinstance(e, ClassifiedError) else "数据有误")
            raise _HttpError(e.http_status, title, e.problems) from None
        except EdureportError as e:  # a fifth heading level, a template's error, a missing converter …
            raise _HttpError(e.http_status, str(e)) from None

    async def render_pdf(report: Any, draft: bool, published: bool) -> tuple[bytes, int, str]:
        """The report as PDF: a converter slot is taken before rendering, or 503 at once when all are busy. Also the
        value of X-Edureport-Font-Substitutions: the official fonts this server lacks and their stand-ins."""
        if not pdf_slots.acquire(blocking=False):
            raise _HttpError(503, f"PDF 转换繁忙（同时最多{converters}个），请稍后重试",
                             headers={"Retry-After": str(PDF_RETRY_AFTER)})
        handed_over = False
        try:
            result = await in_thread(renderer.docx, report, draft=draft, published=published)
            future = pdf_pool.submit(pdf_and_fonts, result.data, timeout=pdf_seconds)
            # the slot is free when LibreOffice has really ended (killed at its timeout), not when we stop waiting
            future.add_done_callback(lambda _: pdf_slots.release())
            handed_over = True
            try:
                data, fonts = await asyncio.wait_for(asyncio.wrap_future(future), pdf_seconds + _GRACE)
            except (asyncio.TimeoutError, ConversionTimeout):
                raise _HttpError(504, f"PDF 转换超过{pdf_seconds:g}秒，已停止") from None
            except ConversionError as e:
                raise _HttpError(503, str(e)) from None
            return data, len(result.findings), fonts.header()
        finally:
            if not handed_over:
                pdf_slots.release()

    async def render_endpoint(request: Request) -> Response:
        fmt = request.query_params.get("format", "docx")
        if fmt not in MEDIA:
            raise _HttpError(400, f"format 只能是 {'、'.join(MEDIA)}", headers=_CLOSE)
        draft = _flag(request, "draft")
        published = _flag(request, "published")
        report, _ = await read_report(request)
        headers = {"Content-Disposition": f'attachment; filename="report.{fmt}"'}
        if fmt == "html":  # the 公示 page: always published
            result = await in_thread(renderer.html, report, draft=draft)
            data, findings = result.data, len(result.findings)
        elif fmt == "pdf":
            data, findings, headers["X-Edureport-Font-Substitutions"] = await render_pdf(report, draft, published)
        else:
            result = await in_thread(renderer.docx, report, draft=draft, published=published)
            data, findings = result.data, len(result.findings)
        # the findings themselves (Chinese, any number of them) do not fit a header: /check lists them
        headers |= {"X-Edureport-Findings": str(findings), "Link": '</check>; rel="describedby"'}
        return Response(data, media_type=MEDIA[fmt], headers=headers)

    async def check_endpoint(request: Request) -> Response:
        report, order = await read_report(request)
        findings = await in_thread(renderer.check, report)
        return JSONResponse({"findings": [attrs.asdict(f) for f in order(findings)]})

    async def schema_endpoint(request: Request) -> Response:
        scheme = request.query_params.get("scheme")
        try:
            return JSONResponse(await run_in_threadpool(report_schema, scheme, folders))
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
                return _error(e.status, e.message, e.problems, headers=e.headers)
        return wrapped

    async def http_exception(request: Request, exc: Exception) -> Response:
        # Starlette's own answers (no such path, method not allowed) as JSON too
        assert isinstance(exc, HTTPException)
        messages = {404: f"没有这个地址：{request.url.path}",
                    405: f"{request.url.path} 不接受 {request.method} 请求"}
        return _error(exc.status_code, messages.get(exc.status_code, str(exc.detail)), headers=exc.headers)

    async def last_resort(request: Request, exc: Exception) -> Response:
        # reached only if the guard itself failed; Starlette re-raises afterwards, so the server logs it as well
        return _internal_error(request.scope, exc)

    return Starlette(routes=[
        Route("/render", handle(render_endpoint), methods=["POST"]),
        Route("/check", handle(check_endpoint), methods=["POST"]),
        Route("/schema", handle(schema_endpoint), methods=["GET"]),
        Route("/health", handle(health_endpoint), methods=["GET"]),
        Route("/openapi.json", handle(openapi_endpoint), methods=["GET"]),
    ], middleware=[Middleware(_Guard, seconds=whole)],
        exception_handlers={HTTPException: http_exception, Exception: last_resort})


def _flag(request: Request, name: str) -> bool:
    return request.query_params.get(name, "false").lower() in ("1", "true", "yes")


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
                    {"name": "draft", "in": "query", "schema": {"type": "boolean", "default": False}},
                    {"name": "published", "in": "query", "schema": {"type": "boolean", "default": False},
                     "description": "公开发布（html 总是公开发布）：有密级的报告返回 422；版头不印份号、密级、紧急程度和签发人"}],
                "requestBody": {"required": True, "content": {"application/json": {"schema": report_ref}}},
                "responses": {"200": {"description": "报告文件",
                                      "content": {m: {"schema": {"type": "string", "format": "binary"}}
                                                  for m in MEDIA.values()},
                                      "headers": {
                                          "X-Edureport-Findings": {
                                              "description": "检查发现的问题数（数字、文字和公文要素：报告缺少主送机关、"
                                                             "署名、成文日期等）；各项用同一请求体 POST /check 取得，"
                                                             "按数据中的顺序排列",
                                              "schema": {"type": "integer", "minimum": 0}},
                                          "Link": {"description": "</check>; rel=\"describedby\"：列出检查结果的地址",
                                                   "schema": {"type": "string"}},
                                          "X-Edureport-Font-Substitutions": {
                                          "description": "仅 PDF：本机缺少的规定字体及所用替代字体，RFC 8187 编码"
                                                         "（UTF-8''后为百分号编码的“规定字体=替代字体”，逗号分隔；"
                                                         "替代字体为空表示没有可用替代字体）",
                                          "schema": {"type": "string"}}}},
                              **{code: error for code in ("400", "408", "413", "415", "422", "500", "503", "504")}}}},
            "/check": {"post": {
                "summary": "检查数据",
                "requestBody": {"required": True, "content": {"application/json": {"schema": report_ref}}},
                "responses": {"200": {"description": "检查结果，按字段在数据中的顺序排列", "content": {
                    "application/json": {"schema": {"type": "object", "properties": {
                        "findings": {"type": "array", "items": {"$ref": "#/components/schemas/Finding"}}}}}}},
                    **{code: error for code in ("400", "408", "413", "415", "422", "500", "504")}}}},
            "/schema": {"get": {"summary": "数据格式的 JSON Schema", "responses": {"200": {"description": "JSON Schema"}}}},
            "/health": {"get": {"summary": "健康检查", "responses": {"200": {"description": "ok"}}}},
        },
        "components": {"schemas": {
            "Report": report_schema(),
            "Finding": {"type": "object", "required": ["severity", "path", "message"],
                        "properties": {"severity": {"enum": ["error", "warning", "info"]},
                                       "path": {"type": "string", "description": "字段路径；空字符串指整个报告"},
                                       "message": {"type": "string"}, "text": {"type": "string"},
                                       "fix": {"type": "string"}}},
            "Error": {"type": "object", "required": ["error"],
                      "properties": {"error": {"type": "string"}, "detail": {"type": "string"},
                                     "problems": {"type": "array", "items": problem}}},
        }},
    }


def server(host: str, port: int, template_dirs: Sequence[str] = (), *, app: ASGIApp | None = None,
           header_seconds: float = 10.0, body_seconds: float = 10.0, keep_alive_seconds: int = 5,
           log_level: str = "info", configure_logging: bool = True) -> uvicorn.Server:
    """A uvicorn server for the service (``app``, default :func:`create_app` with ``body_seconds``), whose HTTP
    protocol closes a connection that has not sent a complete request head within ``header_seconds`` (408 when part
    of one had arrived) and answers malformed HTTP with JSON. The ``edureport`` logger (tracebacks of internal errors)
    writes where uvicorn's own log does, unless ``configure_logging`` is false (then the process's logging is left
    as it is: for embedding and tests). Start it with ``.run()``."""
    import copy

    import uvicorn
    from uvicorn.config import LOGGING_CONFIG

    log_config = copy.deepcopy(LOGGING_CONFIG)
    log_config["loggers"]["edureport"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    config = uvicorn.Config(app if app is not None else create_app(template_dirs=template_dirs,
                                                                     body_seconds=body_seconds),
                            host=host, port=port, http=_h11_protocol(header_seconds), lifespan="off",
                            timeout_keep_alive=keep_alive_seconds, log_level=log_level,
                            log_config=log_config if configure_logging else None)
    return uvicorn.Server(config)


class ServiceError(EdureportError):
    """The service cannot start (the port is taken or not allowed); the command line prints it (exit code 2)."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(f"服务错误：{message}")


def serve(host: str, port: int, template_dirs: Sequence[str] = (), *, workers: int = 1) -> None:
    """``edureport serve``: run the service until interrupted, in ``workers`` processes sharing one listening socket.

    The service keeps no state between requests, so processes scale it on one machine as machines behind a load
    balancer do on many. uvicorn's own ``workers`` option needs the application and the protocol as import strings
    (it starts fresh interpreters); the service's protocol class is made at run time (its header time limit), so the
    workers here are forked after the socket is bound, the classic pre-fork model: every worker accepts on the same
    socket and the kernel spreads the connections."""
    if not 0 <= port <= 65535:
        raise ServiceError(f"端口应在 0 到 65535 之间：{port}")
    if workers < 1:
        raise ServiceError(f"进程数应至少为 1：{workers}")
    if workers > 1 and not hasattr(os, "fork"):
        raise ServiceError("多进程（--workers 大于 1）只支持 Linux 和 macOS；请用 1 个进程，或在负载均衡后运行多个服务")
    try:
        if workers == 1:
            server(host, port, template_dirs).run()
        else:
            _serve_forked(host, port, template_dirs, workers)
    except SystemExit as e:  # uvicorn exits this way when it cannot listen, after logging why
        if e.code in (None, 0):
            raise
        raise ServiceError(f"无法在 {host}:{port} 启动服务：端口已被占用、地址不可用或没有权限（原因见上一行日志）") from None


def _serve_forked(host: str, port: int, template_dirs: Sequence[str], workers: int) -> None:
    import signal
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
    except OSError as e:
        raise ServiceError(f"无法在 {host}:{port} 启动服务：{e.strerror}") from None
    listener.listen(2048)
    listener.set_inheritable(True)
    children: list[int] = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:  # a worker: its own app, its own event loop, the shared socket
            code = 0
            try:
                server(host, port, template_dirs).run(sockets=[listener])
            except BaseException:
                code = 1
            os._exit(code)
        children.append(pid)
    listener.close()

    def stop(signum: int, _frame: object) -> None:
        for child in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGTERM)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        for child in children:
            while True:
                try:
                    os.waitpid(child, 0)
                    break
                except InterruptedError:
                    continue
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _json_bytes(payload: dict[str, str]) -> bytes:
    return json.dumps(payload, ensure_ascii=False).encode("utf-8")


def _h11_protocol(header_seconds: float) -> type[asyncio.Protocol]:
    """uvicorn's h11 protocol plus a time limit on the request head, and malformed requests answered in JSON."""
    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class Protocol(H11Protocol):
        _head_timer: asyncio.TimerHandle | None = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._watch()

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            self._watch()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._watch()

        def connection_lost(self, exc: Exception | None) -> None:
            self._stop_timer()
            super().connection_lost(exc)

        def _watch(self) -> None:
            # The clock runs while the client is to send: a request head (the connection is idle or has part of
            # one), or the rest of a body nobody will read (the answer is already sent). While the application
            # reads a body, its own body deadline applies instead.
            their, ours = self.conn.their_state, self.conn.our_state
            waiting = their is h11.IDLE or (their is h11.SEND_BODY and ours in (h11.DONE, h11.MUST_CLOSE))
            if waiting and not self.transport.is_closing():
                if self._head_timer is None:
                    self._head_timer = self.loop.call_later(header_seconds, self._timed_out)
            else:
                self._stop_timer()

        def _stop_timer(self) -> None:
            if self._head_timer is not None:
                self._head_timer.cancel()
                self._head_timer = None

        def _timed_out(self) -> None:
            self._head_timer = None
            if self.transport.is_closing():
                return
            if self.conn.their_state is h11.IDLE and self.conn.trailing_data[0]:  # part of a request head
                self.logger.info("请求头没有在%g秒内传完，已断开连接", header_seconds)
                body = _json_bytes({"error": f"请求头没有在{header_seconds:g}秒内传完"})
                self.transport.write(b"HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\n"
                                     b"connection: close\r\ncontent-length: %d\r\n\r\n%s" % (len(body), body))
            self.transport.close()

        def send_400_response(self, msg: str) -> None:
            body = _json_bytes({"error": "HTTP 请求格式有误", "detail": msg})
            headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                       (b"connection", b"close")]
            for event in (h11.Response(status_code=400, headers=headers, reason=b"Bad Request"), h11.Data(data=body),
                          h11.EndOfMessage()):
                self.transport.write(self.conn.send(event) or b"")
            self.transport.close()

    return Protocol


__all__ = ["ServiceError", "create_app", "openapi_document", "serve", "server"]
