from __future__ import annotations

from pathlib import Path

import pytest
from docx.text.paragraph import Paragraph

import edureport
from edureport.model import Report

from .pdfpages import Page, convert_to_pdf, need_office, read_pages

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
EXAMPLE_IDS = [p.stem for p in EXAMPLES]
#: the template folder of the examples written with schemes and indicators of their own (12 areas, city level)
TEMPLATES = (str(ROOT / "examples" / "templates"),)


def outline_level(paragraph: Paragraph) -> int | None:
    """The outline level (1 = 一、) Word gives a paragraph: its own w:outlineLvl, else its style's (the built-in
    heading styles carry it), else none."""
    from docx.oxml.ns import qn

    own = paragraph._p.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}")
    if own is None and paragraph.style is not None:
        own = paragraph.style.element.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}")
    return None if own is None else int(own.get(qn("w:val"))) + 1


def load_example(path: Path) -> Report:
    return edureport.load_report(path, template_dirs=TEMPLATES)


def examples_with(part: str) -> list[str]:
    """Examples whose data has ``part`` (signature, colophon, header), for checks that only apply to them."""
    return [p.stem for p in EXAMPLES if getattr(load_example(p), part) is not None]


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The bad-input corpus' summary line: how many inputs were tried and whether all behaved as documented."""
    from .test_corpus import RESULTS
    if RESULTS["tried"]:
        verdict = "all behaved as documented" if RESULTS["behaved"] == RESULTS["tried"] else (
            f"{RESULTS['tried'] - RESULTS['behaved']} did NOT behave as documented")
        terminalreporter.write_line(f"bad-input corpus: {RESULTS['tried']} malformed inputs tried; {verdict}")


def pytest_make_parametrize_id(config: pytest.Config, val: object, argname: str) -> str | None:
    """A long string parameter (hostile input of 100 KB and more) gets a short id: pytest puts the running test's id
    in the environment (PYTEST_CURRENT_TEST), where a value over 128 KB makes every child process fail to start
    (E2BIG), and a report line of 400 KB helps no one."""
    if isinstance(val, (str, bytes)) and len(val) > 60:
        head = val[:24] if isinstance(val, str) else val[:24].decode("latin-1")
        return f"{head!r}…{len(val)}"
    return None


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden.json with the SHA-256 of the current output")
    parser.addoption("--update-docs", action="store_true",
                     help="rewrite docs/figures.md (the figures of the reference reports) from the examples")


class Rendered:
    def __init__(self, path: Path, report: Report, data: bytes, docx: Path) -> None:
        self.path, self.report, self.data, self.docx = path, report, data, docx


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Rendered]:
    out = tmp_path_factory.mktemp("examples")
    result = {}
    for path in EXAMPLES:
        report = load_example(path)
        data = edureport.render_docx(report, template_dirs=TEMPLATES)
        docx = out / f"{path.stem}.docx"
        docx.write_bytes(data)
        result[path.stem] = Rendered(path, report, data, docx)
    return result


@pytest.fixture(scope="session")
def pages(rendered: dict[str, Rendered], tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Page]]:
    """Every example converted to PDF by LibreOffice and read back as positioned lines."""
    need_office()
    out = tmp_path_factory.mktemp("pdf")
    names = list(rendered)
    pdfs = convert_to_pdf([rendered[n].docx for n in names], out)
    return {name: read_pages(pdf) for name, pdf in zip(names, pdfs, strict=False)}
