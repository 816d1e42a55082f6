"""PDF through LibreOffice, when it is installed. No PDF writer of our own: LibreOffice lays the .docx out the way an
office suite does. Each conversion uses a private LibreOffice user profile (concurrent LibreOffice processes lock a
shared one), converts many files per start, and is stopped after a timeout per document.

LibreOffice is not one process: ``soffice`` starts ``oosplash``, which starts ``soffice.bin``. The converter therefore
runs in a process group (session) of its own, and when it ends or times out the whole group is killed, so that no
``soffice.bin`` is left running (holding memory and a deleted profile folder) after a timeout. Its output goes to a
temporary file rather than a pipe, so a helper process that keeps the pipe open cannot make the wait hang either.
A process that starts a session of its own (``setsid``) leaves the group and cannot be reached this way; LibreOffice
does not do that.

Fonts: every conversion gets a generated fontconfig file (:mod:`edureport.fontmap`) mapping the official fonts this
machine lacks to free stand-ins; :func:`edureport.fontmap.plan_fonts` tells which (the command line prints it, the
HTTP service sends it in a header)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO

from .errors import ConversionError
from .fontmap import FontPlan, fonts_in_docx, plan_fonts, profile_fonts
from .profile import load_profile

_CANDIDATES = ("soffice", "libreoffice")
#: LibreOffice's PDF export drops the blank pages it inserts before a section that starts on an even page (the 版记's)
#: unless told to keep them; kept, the PDF's pages are the printed pages and the 版记 stays on an even page.
_PDF_FILTER = 'pdf:writer_pdf_Export:{"IsSkipEmptyPages":{"type":"boolean","value":"false"}}'


class ConversionTimeout(ConversionError):
    """LibreOffice did not finish in time; it was stopped (with every process it had started)."""

    http_status = 504


def find_office() -> str | None:
    """The LibreOffice executable on PATH, if any."""
    return next((found for name in _CANDIDATES if (found := shutil.which(name))), None)


def docx_to_pdf(documents: Sequence[str | os.PathLike[str]], outdir: str | os.PathLike[str], *,
                seconds_per_document: float = 60.0, environment: Mapping[str, str] | None = None,
                timeout: float | None = None, fonts: FontPlan | None = None) -> list[Path]:
    """Convert .docx files to PDF in ``outdir`` with one LibreOffice start; returns the PDF paths in order.

    The whole conversion may take ``timeout`` seconds (default: 30 to start plus ``seconds_per_document`` per
    document); after that LibreOffice and everything it started are killed and :class:`ConversionTimeout` is raised.
    ``environment`` replaces the process environment for LibreOffice (its FONTCONFIG_FILE, if any, is the
    configuration the generated one includes). ``fonts``: the plan of :func:`conversion_fonts` for these documents
    and environment, when the caller has it already (to report it); by default it is made here."""
    office = find_office()
    if office is None:
        raise ConversionError("未找到 LibreOffice，无法生成 PDF；请先安装（如 apt-get install libreoffice-writer）")
    sources = [Path(d) for d in documents]
    target = Path(outdir)
    target.mkdir(parents=True, exist_ok=True)
    limit = timeout if timeout is not None else 30 + seconds_per_document * len(sources)
    base = dict(os.environ if environment is None else environment)
    plan = fonts if fonts is not None else conversion_fonts(sources, base)
    with tempfile.TemporaryDirectory(prefix="edureport-office-") as profile, tempfile.TemporaryFile() as errors:
        env = plan.environment(base, profile)  # the fontconfig file sits beside LibreOffice's private profile
        command = [office, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
                   "--convert-to", _PDF_FILTER, "--outdir", str(target), *map(str, sources)]
        returncode = _run(command, limit, errors, env)
        if returncode is None:
            raise ConversionTimeout(f"LibreOffice 在{limit:.0f}秒内没有完成转换，已停止")
        errors.seek(0)
        stderr = errors.read()
    pdfs = [target / f"{source.stem}.pdf" for source in sources]
    missing = [p.name for p in pdfs if not p.exists()]
    if missing or returncode:
        detail = stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"退出码 {returncode}"]
        raise ConversionError(f"LibreOffice 未能生成 {'、'.join(missing) or 'PDF'}（{detail[0]}）")
    return pdfs


def conversion_fonts(documents: Sequence[str | os.PathLike[str]],
                     environment: Mapping[str, str] | None = None) -> FontPlan:
    """The fonts a conversion of ``documents`` uses: those their font tables name (written from the layout profile;
    the default profile's when none can be read), each installed or replaced by a stand-in."""
    names = fonts_in_docx(documents) or profile_fonts(load_profile())
    return plan_fonts(names, environment)


def pdf_bytes(docx: bytes, *, seconds: float = 60.0, timeout: float | None = None) -> bytes:
    """PDF of one .docx given as bytes (``timeout``: as for :func:`docx_to_pdf`)."""
    return pdf_and_fonts(docx, seconds=seconds, timeout=timeout)[0]


def pdf_and_fonts(docx: bytes, *, seconds: float = 60.0, timeout: float | None = None) -> tuple[bytes, FontPlan]:
    """PDF of one .docx given as bytes, and the fonts it was printed in (which official fonts were replaced)."""
    with tempfile.TemporaryDirectory(prefix="edureport-pdf-") as folder:
        source = Path(folder) / "report.docx"
        source.write_bytes(docx)
        plan = conversion_fonts([source])
        [pdf] = docx_to_pdf([source], folder, seconds_per_document=seconds, timeout=timeout, fonts=plan)
        return pdf.read_bytes(), plan


def _run(command: list[str], seconds: float, stderr: IO[bytes], environment: Mapping[str, str] | None) -> int | None:
    """Run ``command`` in a new session; its exit code, or None when it was still running after ``seconds``.
    Either way, whatever is left of its process group is killed before this returns."""
    try:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr,
                                   env=dict(environment) if environment is not None else None,
                                   start_new_session=True)
    except OSError as e:
        raise ConversionError(f"无法启动 LibreOffice（{command[0]}）：{e.strerror or e}") from None
    exited = False
    try:
        exited = _wait_for_exit(process, seconds)
    finally:  # also when this thread is interrupted: never leave LibreOffice running
        _kill_group(process)
        returncode = process.wait()
    return returncode if exited else None


def _wait_for_exit(process: subprocess.Popen[bytes], seconds: float) -> bool:
    """Whether ``process`` exited within ``seconds``. Where the platform allows, the process is left unreaped (a
    zombie) so that its pid, which is also its process group's id, cannot be reused before the group is killed."""
    deadline = time.monotonic() + seconds
    pause = 0.005
    while True:
        if sys.platform != "win32" and sys.platform != "darwin":
            if os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None:
                return True
        elif process.poll() is not None:
            return True
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        time.sleep(min(pause, remaining))
        pause = min(pause * 2, 0.1)


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    if sys.platform == "win32":  # no process groups to kill: the direct child only
        if process.poll() is None:
            process.kill()
        return
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):  # the group is already gone
        pass
