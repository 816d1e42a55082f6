"""Thread-safe from the first call: a fresh process whose first calls come from 8 threads at once (profile, render,
check, schema — each loads the catalogue, schemes, templates and profile for the first time) works, every time."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPETITIONS = 50

FIRST_USE = r"""
import sys, threading, traceback
import edureport
from edureport.schema import report_schema

example = sys.argv[1]
barrier = threading.Barrier(8)
errors = []

def first_use(i):
    try:
        barrier.wait()
        kind = i % 4
        if kind == 0:
            edureport.load_profile()
        report = edureport.load_report(example)
        if kind == 1:
            assert edureport.render_docx(report)[:2] == b"PK"
        elif kind == 2:
            edureport.audit_report(report)
        elif kind == 3:
            assert report_schema("ziyang-2024")["properties"]
        else:
            assert edureport.render_docx(report, profile=edureport.load_profile())[:2] == b"PK"
    except BaseException:
        errors.append(traceback.format_exc())

threads = [threading.Thread(target=first_use, args=(i,)) for i in range(8)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("ERRORS" if errors else "OK")
for e in errors[:2]:
    print(e)
"""


def _fresh_process(_: int) -> str:
    example = str(ROOT / "examples" / "000-anyue-2024.yaml")
    done = subprocess.run([sys.executable, "-c", FIRST_USE, example], capture_output=True, text=True, timeout=120)
    return done.stdout + done.stderr


def test_eight_threads_on_first_use_in_fifty_fresh_processes() -> None:
    with ThreadPoolExecutor(max_workers=4) as pool:
        outputs = list(pool.map(_fresh_process, range(REPETITIONS)))
    failed = [out for out in outputs if not out.startswith("OK")]
    assert not failed, f"{len(failed)} of {REPETITIONS} failed:\n{failed[0]}"
