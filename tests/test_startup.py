"""Start-up stays light: the package and the command line import what a command needs when it runs (issue 13).
Checked with ``-X importtime`` in a fresh interpreter, so the test sees real imports, not this process's."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import edureport
import edureport.renderer

HEAVY = ("jinja2", "lxml", "docx", "ruamel", "cattrs", "babel", "opencc", "rjieba", "zhon", "tqdm")


def _imported(code: str) -> set[str]:
    run = subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).parents[1])
    return {line.split("|")[-1].strip() for line in run.stderr.splitlines() if line.startswith("import time:")}


@pytest.mark.parametrize("code", [
    "import edureport; edureport.__version__",
    "import edureport.cli",
    "import sys; from edureport.cli import main; sys.argv = ['edureport', '--version']\ntry:\n    main()\n"
    "except SystemExit:\n    pass",
])
def test_the_package_and_the_command_line_import_nothing_heavy_up_front(code: str) -> None:
    modules = _imported(code)
    heavy = sorted(m for m in modules if m.split(".")[0] in HEAVY)
    assert not heavy, heavy
    assert "edureport.renderer" not in modules and "edureport.load" not in modules


def test_check_does_not_import_the_writer_or_the_converter() -> None:
    modules = _imported("from edureport.cli import main; main(['check', 'examples/000-anyue-2024.yaml'])")
    assert "edureport.lint" in modules  # the command did run
    assert not {"edureport.convert", "edureport.fontmap", "tqdm"} & modules


def test_a_single_render_does_not_import_the_converter_or_the_progress_bar(tmp_path: Path) -> None:
    modules = _imported(f"from edureport.cli import main; main(['render', 'examples/000-anyue-2024.yaml', "
                        f"'-o', r'{tmp_path}/a.docx'])")
    assert "edureport.writer.document" in modules
    assert not {"edureport.convert", "edureport.fontmap", "edureport.lint", "tqdm"} & modules


def test_every_public_name_resolves_and_render_is_the_function() -> None:
    for name in edureport.__all__:
        assert getattr(edureport, name) is not None, name
    assert set(edureport.__all__) <= set(dir(edureport))
    # the module that renders is edureport.renderer: importing it never replaces the function edureport.render
    assert callable(edureport.render) and edureport.render is edureport.renderer.render
    with pytest.raises(AttributeError):
        edureport.no_such_name  # noqa: B018


def test_star_import_gives_the_public_names() -> None:
    namespace: dict[str, object] = {}
    exec("from edureport import *", namespace)
    assert {"Report", "render", "load_report", "Limits"} <= set(namespace)


def test_submodules_are_attributes_of_the_package_on_first_use() -> None:
    code = ("import edureport\nassert edureport.errors.DataError and edureport.tree.Document and edureport.writer\n"
            "assert edureport.render is edureport.renderer.render\n"
            "try:\n    edureport.no_such_module\nexcept AttributeError:\n    pass\nelse:\n    raise SystemExit(1)\n")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[1])
