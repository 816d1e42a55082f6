"""The HTTP service under abuse, on a real uvicorn server where it matters: clients that send slowly, hung PDF
conversions (a fake LibreOffice that forks and sleeps), many first requests to fresh servers at once. Every answer is
JSON, every stage is bounded in time, and nothing is left running."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from edureport.convert import ConversionTimeout, docx_to_pdf
from edureport.errors import ConversionError
from edureport.service import create_app, server

from .conftest import EXAMPLES

LIMIT = 2.0  # the header and body time limits of the live server below
JSON = {"content-type": "application/json"}
SMALL = json.dumps({"title": "报告", "year": 2023}).encode("utf-8")

linux_only = pytest.mark.skipif(sys.platform != "linux", reason="fork and /proc are needed")


# --- a live server -------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def live() -> Iterator[int]:
    """A real uvicorn server (edureport's own HTTP protocol) on a free loopback port, with 2-second limits."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port: int = sock.getsockname()[1]
    running = server("127.0.0.1", port, app=create_app(body_seconds=LIMIT), header_seconds=LIMIT,
                     log_level="warning", configure_logging=False)
    thread = threading.Thread(target=running.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not running.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    yield port
    running.should_exit = True
    thread.join(10)
    sock.close()


def trickle(port: int, first: bytes, drip: bytes, every: float = 0.25, wait: float = 15.0) -> tuple[float, bytes]:
    """Send ``first``, then ``drip`` every ``every`` seconds until the server answers or closes; the seconds that
    took and what the server sent."""
    with socket.create_connection(("127.0.0.1", port)) as conn:
        conn.settimeout(every)
        started = time.monotonic()
        conn.sendall(first)
        received = b""
        while time.monotonic() - started < wait:
            try:
                data = conn.recv(65536)
            except TimeoutError:
                try:
                    conn.sendall(drip)
                except OSError:  # closed by the server
                    pass
                continue
            except ConnectionResetError:
                break
            if not data:
                break
            received += data
        return time.monotonic() - started, received


def status_and_json(raw: bytes) -> tuple[int, dict[str, object]]:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    assert headers["content-type"].startswith("application/json"), raw[:300]
    return int(lines[0].split()[1]), json.loads(body)


def test_a_slow_body_is_cut_off_with_408(live: int) -> None:
    head = (b"POST /render HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
            b'{"title": "')
    seconds, answer = trickle(live, head, b"x")
    assert seconds <= LIMIT + 2
    status, body = status_and_json(answer)
    assert status == 408 and "请求体没有在2秒内传完" in str(body["error"])


def test_a_slow_request_head_is_cut_off_with_408(live: int) -> None:
    seconds, answer = trickle(live, b"POST /render HTTP/1.1\r\nHost: t\r\nX-Slow: ", b"a")
    assert seconds <= LIMIT + 2
    status, body = status_and_json(answer)
    assert status == 408 and "请求头" in str(body["error"])


def test_a_silent_connection_is_closed(live: int) -> None:
    with socket.create_connection(("127.0.0.1", live)) as conn:
        conn.settimeout(LIMIT + 5)
        started = time.monotonic()
        assert conn.recv(100) == b""
        assert time.monotonic() - started <= LIMIT + 2


def test_the_rest_of_an_unread_body_is_not_awaited(live: int) -> None:
    # GET /health answers without reading the body; a client that keeps sending it must not keep the connection
    seconds, answer = trickle(live, b"GET /health HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\nx", b"x")
    assert seconds <= LIMIT + 2
    assert status_and_json(answer)[0] == 200


def test_malformed_http_gets_json(live: int) -> None:
    with socket.create_connection(("127.0.0.1", live)) as conn:
        conn.settimeout(5)
        conn.sendall(b"\x00\x01 NONSENSE\r\n\r\n")
        answer = b""
        while data := conn.recv(65536):
            answer += data
    status, body = status_and_json(answer)
    assert status == 400 and body["error"] == "HTTP 请求格式有误"


def test_serve_on_a_port_in_use_is_a_clear_error(live: int) -> None:
    done = subprocess.run([sys.executable, "-m", "edureport", "serve", "--port", str(live)], capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert f"服务错误：无法在 127.0.0.1:{live} 启动服务" in done.stderr and "Traceback" not in done.stderr


def test_an_ordinary_request_still_works(live: int) -> None:
    request = (b"POST /render?format=html HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
               b"Connection: close\r\nContent-Length: %d\r\n\r\n%s" % (len(SMALL), SMALL))
    _, answer = trickle(live, request, b"")
    assert answer.startswith(b"HTTP/1.1 200 ") and b"<!DOCTYPE html>" in answer


# --- a fake LibreOffice that forks a helper and hangs ----------------------------------------------------------------

FAKE_OFFICE = """\
#!{python}
# Stands in for LibreOffice: starts a helper process (as soffice starts soffice.bin), writes both pids, and hangs
# (mode "hang") or exits at once leaving the helper running (mode "orphan").
import os, sys, time
pids = os.environ["FAKE_OFFICE_PIDS"]
helper = os.fork()
if helper == 0:
    with open(pids, "a") as f:
        f.write(f"{{os.getpid()}}\\n")
    time.sleep(600)
    os._exit(0)
with open(pids, "a") as f:
    f.write(f"{{os.getpid()}}\\n")
if os.environ.get("FAKE_OFFICE_MODE") == "orphan":
    sys.exit(1)
time.sleep(600)
"""


class FakeOffice:
    def __init__(self, folder: Path) -> None:
        self.pids_file = folder / "pids.txt"

    def pids(self) -> list[int]:
        return [int(line) for line in self.pids_file.read_text().split()] if self.pids_file.exists() else []

    def wait_for(self, count: int, seconds: float = 10.0) -> None:
        deadline = time.monotonic() + seconds
        while len(self.pids()) < count:
            assert time.monotonic() < deadline, f"the fake converter started {len(self.pids())} of {count} processes"
            time.sleep(0.02)

    def running(self) -> list[int]:
        """The fake's processes still running (a killed process may stay a zombie until PID 1 reaps it: that is
        not running)."""
        alive = []
        for pid in self.pids():
            try:
                stat = Path(f"/proc/{pid}/stat").read_text()
            except (FileNotFoundError, ProcessLookupError):
                continue
            if stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X"):
                alive.append(pid)
        return alive

    def gone(self, seconds: float = 3.0) -> bool:
        deadline = time.monotonic() + seconds
        while self.running():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.02)
        return True


@pytest.fixture
def fake_office(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOffice]:
    folder = tmp_path / "bin"
    folder.mkdir()
    script = folder / "soffice"
    script.write_text(FAKE_OFFICE.format(python=sys.executable), "utf-8")
    script.chmod(0o755)
    fake = FakeOffice(tmp_path)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setenv("FAKE_OFFICE_PIDS", str(fake.pids_file))
    yield fake
    for pid in fake.running():  # only if a test failed: never leave the fake's processes behind
        os.kill(pid, 9)


@linux_only
def test_a_hung_converter_is_killed_with_every_process_it_started(fake_office: FakeOffice, tmp_path: Path) -> None:
    source = tmp_path / "a.docx"
    source.write_bytes(b"PK")
    started = time.monotonic()
    with pytest.raises(ConversionTimeout, match="没有完成转换，已停止"):
        docx_to_pdf([source], tmp_path / "out", timeout=1.5)
    assert time.monotonic() - started < 5
    assert len(fake_office.pids()) == 2  # the converter and the helper it forked
    assert fake_office.gone(), f"left running: {fake_office.running()}"


@linux_only
def test_a_converter_that_exits_leaves_no_helper_behind(fake_office: FakeOffice, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_OFFICE_MODE", "orphan")
    source = tmp_path / "a.docx"
    source.write_bytes(b"PK")
    with pytest.raises(ConversionError, match=r"未能生成 a\.pdf"):
        docx_to_pdf([source], tmp_path / "out", timeout=30)
    fake_office.wait_for(2)
    assert fake_office.gone(), f"left running: {fake_office.running()}"


@linux_only
def test_hung_pdf_conversions_do_not_hold_up_other_work(fake_office: FakeOffice) -> None:
    # The attack: many PDF requests whose conversions hang. Two converters (the pool's size) hang; every further
    # PDF request is refused at once with 503 and Retry-After; .docx and .html renders go on as usual; the hung
    # conversions end with 504 after their time limit, with LibreOffice's whole process group killed.
    app = create_app(pdf_workers=2, pdf_seconds=2)
    with TestClient(app) as client, ThreadPoolExecutor(max_workers=44) as pool:  # one event loop, like a server
        hung = [pool.submit(client.post, "/render?format=pdf", content=SMALL, headers=JSON) for _ in range(2)]
        fake_office.wait_for(4)  # both conversions are running
        started = time.monotonic()
        refused = list(pool.map(lambda _: client.post("/render?format=pdf", content=SMALL, headers=JSON), range(40)))
        assert {r.status_code for r in refused} == {503}
        assert all(r.headers["retry-after"] == "5" and "PDF 转换繁忙" in r.json()["error"] for r in refused)
        docx = client.post("/render", content=SMALL, headers=JSON)
        html = client.post("/render?format=html", content=SMALL, headers=JSON)
        assert docx.status_code == 200 and docx.content[:2] == b"PK" and html.status_code == 200
        assert time.monotonic() - started < 1.5  # not waiting for the hung conversions
        for future in hung:
            response = future.result(timeout=30)
            assert response.status_code == 504 and "PDF 转换超过2秒" in response.json()["error"]
        assert fake_office.gone(), f"left running: {fake_office.running()}"
        # the slots are free again
        again = pool.submit(client.post, "/render?format=pdf", content=SMALL, headers=JSON)
        fake_office.wait_for(6)
        assert again.result(timeout=30).status_code == 504
    assert fake_office.gone()


# --- errors are JSON, with a bound on the whole request --------------------------------------------------------------

def test_a_request_that_runs_too_long_is_stopped_with_json(monkeypatch: pytest.MonkeyPatch) -> None:
    from edureport import service

    def slow(*args: object, **kwargs: object) -> bytes:
        time.sleep(3)
        return b""

    monkeypatch.setattr(service.Renderer, "html", slow)
    client = TestClient(create_app(request_seconds=1))
    started = time.monotonic()
    response = client.post("/render?format=html", content=SMALL, headers=JSON)
    assert time.monotonic() - started < 2.5
    assert response.status_code == 504 and "请求处理超过1秒" in response.json()["error"]


# --- many first requests to fresh servers ----------------------------------------------------------------------------

FIRST_REQUESTS = textwrap.dedent("""\
    # One fresh server process: 8 simultaneous first POST /render; prints what each got.
    import hashlib, json, socket, sys, threading, time, urllib.error, urllib.request
    from edureport.service import create_app, server
    body = open(sys.argv[1], "rb").read()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    running = server("127.0.0.1", port, app=create_app(), log_level="warning")
    threading.Thread(target=running.run, kwargs={"sockets": [sock]}, daemon=True).start()
    while not running.started:
        time.sleep(0.01)
    barrier = threading.Barrier(8)
    results = [None] * 8
    def one(i):
        fmt = "html" if i % 2 else "docx"
        request = urllib.request.Request(f"http://127.0.0.1:{port}/render?format={fmt}", data=body,
                                         headers={"Content-Type": "application/json"}, method="POST")
        barrier.wait()
        try:
            with urllib.request.urlopen(request, timeout=60) as r:
                results[i] = [fmt, r.status, r.headers["content-type"], hashlib.sha256(r.read()).hexdigest()]
        except urllib.error.HTTPError as e:
            results[i] = [fmt, e.code, e.headers["content-type"], e.read().decode("utf-8", "replace")[:500]]
    threads = [threading.Thread(target=one, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    running.should_exit = True
    print(json.dumps(results, ensure_ascii=False))
""")


def test_fresh_servers_answer_8_simultaneous_first_requests(tmp_path: Path) -> None:
    from edureport.parsing import parse_text
    example = next(p for p in EXAMPLES if p.stem.startswith("001"))  # the showcase is classified: no HTML of it
    data, _, _ = parse_text(example.read_bytes(), str(example))
    body = tmp_path / "report.json"
    body.write_text(json.dumps(data, ensure_ascii=False, default=str), "utf-8")
    script = tmp_path / "first.py"
    script.write_text(FIRST_REQUESTS, "utf-8")

    def fresh_server(_: int) -> list[list[object]]:
        done = subprocess.run([sys.executable, str(script), str(body)], capture_output=True, text=True, timeout=120,
                              check=False)
        assert done.returncode == 0, done.stderr[-3000:]
        assert "Traceback" not in done.stderr, done.stderr[-3000:]
        results: list[list[object]] = json.loads(done.stdout.strip().splitlines()[-1])
        return results

    with ThreadPoolExecutor(max_workers=4) as pool:
        runs = list(pool.map(fresh_server, range(50)))
    answers = [answer for run in runs for answer in run]
    assert len(answers) == 400
    failures = [a for a in answers if a[1] != 200]
    assert not failures, f"{len(failures)} of 400 first requests failed, e.g. {failures[:3]}"
    # and every server gave the same bytes for the same request
    assert len({a[3] for a in answers if a[0] == "docx"}) == 1
    assert len({a[3] for a in answers if a[0] == "html"}) == 1
