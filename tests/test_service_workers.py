"""`edureport serve --workers N`: N forked processes share one listening socket, all of them answer requests, and a
SIGTERM to the parent stops them all."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from edureport.load import parse_text

from .conftest import EXAMPLES

pytestmark = pytest.mark.skipif(not hasattr(os, "fork") or not Path("/proc").is_dir(),
                                reason="pre-forked workers and /proc are Linux/macOS features")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _children(pid: int) -> list[int]:
    text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    return [int(child) for child in text.split()]


def _cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def _post(port: int, body: bytes) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("POST", "/render?format=docx&draft=true", body=body,
                           headers={"content-type": "application/json"})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def test_two_workers_share_the_port_and_both_answer() -> None:
    port = _free_port()
    parent = subprocess.Popen([sys.executable, "-m", "edureport", "serve", "--port", str(port), "--workers", "2"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                assert parent.poll() is None and time.monotonic() < deadline, "the service did not start"
                time.sleep(0.1)
        # the parent listens before it starts its workers: a connection may be accepted before both exist
        while len(workers := _children(parent.pid)) < 2:
            assert parent.poll() is None and time.monotonic() < deadline, f"workers: {workers}"
            time.sleep(0.1)
        assert len(workers) == 2
        before = {w: _cpu_ticks(w) for w in workers}
        path = next(p for p in EXAMPLES if p.stem.startswith("000"))
        data, _, _ = parse_text(path.read_bytes(), str(path))
        body = json.dumps(data, ensure_ascii=False, default=str).encode()
        with ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(lambda _: _post(port, body), range(48)))
        assert statuses == [200] * 48
        busy = [w for w in workers if _cpu_ticks(w) - before[w] > 5]  # > 50 ms of CPU each
        assert len(busy) == 2, {w: _cpu_ticks(w) - before[w] for w in workers}
        parent.send_signal(signal.SIGTERM)
        assert parent.wait(timeout=20) == 0
        assert not any(Path(f"/proc/{w}").exists() and "Z" not in Path(f"/proc/{w}/stat").read_text().split()[2]
                       for w in workers)
    finally:
        if parent.poll() is None:
            for worker in _children(parent.pid):  # killed with their parent, not left behind
                os.kill(worker, signal.SIGKILL)
            parent.kill()
            parent.wait()


def test_workers_below_one_is_a_clear_error() -> None:
    done = subprocess.run([sys.executable, "-m", "edureport", "serve", "--workers", "0"], capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 2 and "进程数应至少为 1" in done.stderr
