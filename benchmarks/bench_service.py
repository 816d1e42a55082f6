"""The HTTP service under a bounded load on loopback: ``edureport serve`` on 127.0.0.1, a fixed number of render
requests from a few client threads; prints requests per second and the error count. Sends nothing anywhere else.

    python benchmarks/bench_service.py [--requests 300] [--concurrency 4]
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from edureport.load import parse_text

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    example = ROOT / "examples" / "000-anyue-2024.yaml"
    data, _, _ = parse_text(example.read_bytes(), str(example))
    body = json.dumps(data, ensure_ascii=False, default=str).encode("utf-8")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "edureport", "serve", "--host", "127.0.0.1", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):  # wait up to 10 s for the server
            try:
                urllib.request.urlopen(f"{base}/health", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise SystemExit("the server did not start")

        def one(_: int) -> bool:
            request = urllib.request.Request(f"{base}/render", data=body, method="POST",
                                             headers={"Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    return response.status == 200 and response.read()[:2] == b"PK"
            except OSError:
                return False

        one(0)  # warm-up
        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
            results = list(pool.map(one, range(args.requests)))
        elapsed = time.perf_counter() - start
    finally:
        server.terminate()
        server.wait(timeout=10)
    errors = results.count(False)
    print(f"POST /render (example 000 as JSON, {len(body)} bytes), {args.requests} requests, "
          f"{args.concurrency} client threads, one server process on loopback:")
    print(f"  {args.requests / elapsed:.1f} requests/s, {elapsed / args.requests * 1000:.1f} ms per request, "
          f"errors = {errors}")
    if errors:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
