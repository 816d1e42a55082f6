"""PDF through LibreOffice, when it is installed. No PDF writer of our own: LibreOffice lays the .docx out the way an
office suite does. Each conversion uses a private LibreOffice user profile (concurrent LibreOffice processes lock a
shared one), converts many files per start, and is stopped after a timeout per document."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from .errors import ConversionError

_CANDIDATES = ("soffice", "libreoffice")


def find_office() -> str | None:
    """The LibreOffice executable on PATH, if any."""
    return next((found for name in _CANDIDATES if (found := shutil.which(name))), None)


def docx_to_pdf(documents: Sequence[str | os.PathLike[str]], outdir: str | os.PathLike[str], *,
                seconds_per_document: float = 60.0, environment: Mapping[str, str] | None = None) -> list[Path]:
    """Convert .docx files to PDF in ``outdir`` with one LibreOffice start; returns the PDF paths in order.

    ``environment`` replaces the process environment for LibreOffice (tests pass a fontconfig file this way)."""
    office = find_office()
    if office is None:
        raise ConversionError("未找到 LibreOffice，无法生成 PDF；请先安装（如 apt-get install libreoffice-writer）")
    sources = [Path(d) for d in documents]
    target = Path(outdir)
    target.mkdir(parents=True, exist_ok=True)
    timeout = 30 + seconds_per_document * len(sources)
    with tempfile.TemporaryDirectory(prefix="edureport-office-") as profile:
        command = [office, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
                   "--convert-to", "pdf", "--outdir", str(target), *map(str, sources)]
        try:
            done = subprocess.run(command, capture_output=True, timeout=timeout, check=False,
                                  env=dict(environment) if environment is not None else None)
        except subprocess.TimeoutExpired:
            raise ConversionError(f"LibreOffice 在{timeout:.0f}秒内没有完成转换，已停止") from None
    pdfs = [target / f"{source.stem}.pdf" for source in sources]
    missing = [p.name for p in pdfs if not p.exists()]
    if missing or done.returncode:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"退出码 {done.returncode}"]
        raise ConversionError(f"LibreOffice 未能生成 {'、'.join(missing) or 'PDF'}（{detail[0]}）")
    return pdfs


def pdf_bytes(docx: bytes, *, seconds: float = 60.0) -> bytes:
    """PDF of one .docx given as bytes."""
    with tempfile.TemporaryDirectory(prefix="edureport-pdf-") as folder:
        source = Path(folder) / "report.docx"
        source.write_bytes(docx)
        [pdf] = docx_to_pdf([source], folder, seconds_per_document=seconds)
        return pdf.read_bytes()
