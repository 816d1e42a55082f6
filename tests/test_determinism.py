"""Same input, same bytes: within a process, across processes, and against a recorded SHA-256 per example."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

import edureport

from .conftest import EXAMPLE_IDS, EXAMPLES, TEMPLATES, Rendered, load_example

GOLDEN = Path(__file__).parent / "golden.json"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("name", EXAMPLE_IDS)
def test_two_renders_in_one_process_are_identical(name: str, rendered: dict[str, Rendered]) -> None:
    again = edureport.render_docx(load_example(rendered[name].path), template_dirs=TEMPLATES)
    assert again == rendered[name].data


def test_renders_in_other_processes_are_identical(rendered: dict[str, Rendered]) -> None:
    code = ("import hashlib, sys, edureport\n"
            f"dirs = {list(TEMPLATES)!r}\n"
            "for p in sys.argv[1:]:\n"
            "    report = edureport.load_report(p, template_dirs=dirs)\n"
            "    print(hashlib.sha256(edureport.render_docx(report, template_dirs=dirs)).hexdigest())")
    out = subprocess.run([sys.executable, "-c", code, *map(str, EXAMPLES)], check=True, capture_output=True,
                         text=True, env={"PYTHONHASHSEED": "12345", "PATH": ""}).stdout.split()
    assert out == [sha256(rendered[p.stem].data) for p in EXAMPLES]


def test_output_matches_the_recorded_golden_hashes(rendered: dict[str, Rendered],
                                                   request: pytest.FixtureRequest) -> None:
    current = {name: sha256(r.data) for name, r in sorted(rendered.items())}
    if request.config.getoption("--update-golden"):
        GOLDEN.write_text(json.dumps(current, indent=2, ensure_ascii=False) + "\n", "utf-8")
    recorded = json.loads(GOLDEN.read_text("utf-8"))
    changed = sorted(name for name in current if recorded.get(name) != current[name])
    assert not changed, (f"output changed for {changed}; if the change is intended, run "
                         "`python -m pytest tests/test_determinism.py --update-golden` and commit tests/golden.json")
