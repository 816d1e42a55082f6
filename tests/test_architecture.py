"""The stage rule of ARCHITECTURE.md holds in the code: import-linter's contracts in pyproject.toml (no import circle,
no stage importing a later one) are all kept, and every module the architecture's tables name exists."""

from __future__ import annotations

import importlib
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_import_contracts_are_kept() -> None:
    # in a process of its own: import-linter configures logging, which would disturb other tests' log capture
    done = subprocess.run([sys.executable, "-c", "import sys; from importlinter.cli import lint_imports; "
                           "sys.exit(lint_imports(no_cache=True))"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"Contracts: (\d+) kept, 0 broken", done.stdout)
    assert "No import circle" in done.stdout


def test_the_modules_the_architecture_names_exist() -> None:
    text = (ROOT / "ARCHITECTURE.md").read_text("utf-8")
    named = set(re.findall(r"`((?:writer/)?[a-z_]+)\.py`", text))
    assert len(named) > 20
    missing = []
    for name in sorted(named):  # the writer's parts are named without their folder in its row
        module = name.replace("/", ".")
        if importlib.util.find_spec(f"edureport.{module}") is None and \
                importlib.util.find_spec(f"edureport.writer.{module}") is None:
            missing.append(name)
    assert missing == []


def test_packaged_data_is_found_one_way() -> None:
    """Templates, schemes, the catalogue, the layout profile and the fonts' stand-ins are all found through
    resources.py (importlib.resources); no other module looks for files beside its own source."""
    offenders = []
    for path in sorted((ROOT / "src" / "edureport").rglob("*.py")):
        if path.name == "resources.py":
            continue
        text = path.read_text("utf-8")
        if re.search(r"importlib\.resources|from importlib import resources|Path\(__file__\)", text):
            offenders.append(path.name)
    assert offenders == []
    from edureport import resources
    assert (resources.packaged_templates() / "report.xml.j2").is_file()
    assert resources.packaged_text("profiles/gbt9704-2012.yaml").strip()
    assert resources.packaged_text("fonts/standins.yaml").strip()
