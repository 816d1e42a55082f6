"""Reading a rendered report the way a reader sees it: LibreOffice converts the .docx to PDF, poppler's
``pdftotext -bbox-layout`` gives every word's box, and words are grouped into the lines seen on the page.

Used only by the rendering checks. PDFs are made exactly as users get them: edureport's own conversion, which maps
the official fonts named in the .docx to the free stand-ins of edureport/fonts/standins.yaml.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from edureport.convert import docx_to_pdf


def missing_tools() -> list[str]:
    return [tool for tool in ("soffice", "pdftotext") if shutil.which(tool) is None]


def need_office() -> None:
    """Skip a test that needs LibreOffice and poppler-utils where they are missing, with the reason — except under
    CI (EDUREPORT_REQUIRE_RENDERING=1), where a missing tool fails the test instead."""
    import pytest
    missing = missing_tools()
    if missing:
        reason = f"rendering checks need LibreOffice and poppler-utils; missing: {', '.join(missing)}"
        if os.environ.get("EDUREPORT_REQUIRE_RENDERING") == "1":
            pytest.fail(reason)
        pytest.skip(reason)


def convert_to_pdf(docx_files: Sequence[Path], outdir: Path) -> list[Path]:
    """edureport's own LibreOffice conversion (the product's font mapping, nothing of the tests' own)."""
    return docx_to_pdf(docx_files, outdir)


@dataclass
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass
class Line:
    words: list[Word] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(w.text for w in sorted(self.words, key=lambda w: w.x0))

    @property
    def x0(self) -> float:
        return min(w.x0 for w in self.words)

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @property
    def y0(self) -> float:
        return min(w.y0 for w in self.words)

    @property
    def y1(self) -> float:
        return max(w.y1 for w in self.words)

    @property
    def center(self) -> float:
        return sum((w.y0 + w.y1) / 2 for w in self.words) / len(self.words)


@dataclass
class Page:
    number: int
    width: float
    height: float
    lines: list[Line]


def read_pages(pdf: Path) -> list[Page]:
    html = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], check=True, capture_output=True).stdout
    tree = etree.fromstring(html, etree.HTMLParser(encoding="utf-8"))
    pages = []
    for number, page in enumerate(tree.iter("page"), start=1):
        words = [Word(w.text or "", float(w.get("xmin")), float(w.get("ymin")), float(w.get("xmax")),
                      float(w.get("ymax"))) for w in page.iter("word")]
        # pdftotext splits one printed line into several when fonts change (a run-in heading and its body):
        # group words by their vertical centre instead.
        lines: list[Line] = []
        for word in sorted(words, key=lambda w: (w.y0 + w.y1) / 2):
            centre = (word.y0 + word.y1) / 2
            if lines and abs(lines[-1].center - centre) < 6:
                lines[-1].words.append(word)
            else:
                lines.append(Line([word]))
        pages.append(Page(number, float(page.get("width")), float(page.get("height")), lines))
    return pages


def is_full_width(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")
