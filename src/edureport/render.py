"""The pipeline, end to end: Report → report markup → document tree → .docx bytes.

Each stage only consumes the previous stage's output (see ARCHITECTURE.md). Nothing here reads global state or
environment variables: what a render uses is in its arguments, so renders may run in many threads at once.
"""

from __future__ import annotations

import functools
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

import attrs

from .checks import Finding, run_checks
from .convert import pdf_bytes
from .errors import OutputError, Problem
from .markup import parse_markup
from .missing import MissingValuesError, missing_values
from .model import Report
from .profile import Profile, load_profile
from .schemes import load_scheme
from .templating import Limits, render_markup
from .tree import Document
from .writer import write_docx
from .writer.html import write_html

TemplateDirs = Sequence[str | os.PathLike[str]]


@functools.lru_cache(maxsize=1)
def default_profile() -> Profile:
    """The packaged GB/T 9704-2012 profile (read once; profiles are immutable)."""
    return load_profile()


@attrs.frozen
class Rendered:
    """A rendered report: the .docx bytes and the findings of the computed checks on its figures."""

    data: bytes
    findings: tuple[Finding, ...]


def prepare(report: Report, profile: Profile, template_dirs: TemplateDirs, draft: bool = True,
            limits: Limits | None = None) -> tuple[Document, list[Finding]]:
    """The document tree and the findings of the computed checks, from one reading of the scheme."""
    if not draft and (missing := missing_values(report)):
        raise MissingValuesError(missing)
    scheme = load_scheme(report.scheme, template_dirs) if report.scheme else None
    skeleton = report.template or (scheme.skeleton if scheme else "report.xml.j2")
    findings = run_checks(report, scheme)
    markup = render_markup(report, template_dirs, template_name=skeleton, limits=limits,
                           context={"scheme": scheme, "findings": findings, "draft": draft})
    document = parse_markup(markup, template=skeleton, level3_period=profile.headings.level3_period,
                            run_in_end=profile.headings.run_in_end)
    if not draft and (left := document.placeholders()):  # a template asked for a value no rule above knows of
        raise MissingValuesError([Problem("", f"仍有待填写的内容：{text}") for text in left])
    return document, findings


def build_document(report: Report, *, profile: Profile | None = None, template_dirs: TemplateDirs = (),
                   draft: bool = True) -> Document:
    """Report → document tree (scheme and templates applied, headings numbered; missing values as placeholders
    unless ``draft`` is False)."""
    return prepare(report, profile or default_profile(), template_dirs, draft)[0]


def render(report: Report, *, profile: Profile | None = None, template_dirs: TemplateDirs = (),
           draft: bool = False, limits: Limits | None = None) -> Rendered:
    """Report → .docx bytes and the findings of the checks, in one pass. A final render (the default) raises
    MissingValuesError listing every value still missing; a draft shows them as highlighted placeholders.
    ``limits`` bounds the templates' run time and output (defaults: :class:`~edureport.templating.Limits`)."""
    profile = profile or default_profile()
    document, findings = prepare(report, profile, template_dirs, draft, limits)
    return Rendered(write_docx(document, profile), tuple(findings))


def render_docx(report: Report, *, profile: Profile | None = None, template_dirs: TemplateDirs = (),
                draft: bool = False, limits: Limits | None = None) -> bytes:
    """Report → .docx bytes. The same report, profile and templates always give the same bytes."""
    return render(report, profile=profile, template_dirs=template_dirs, draft=draft, limits=limits).data


def render_html(report: Report, *, profile: Profile | None = None, template_dirs: TemplateDirs = (),
                draft: bool = False, limits: Limits | None = None) -> bytes:
    """The report as a standalone HTML page for the government portal (公示), from the same document tree (the
    profile decides heading labels such as 1. or 1．, as in the .docx)."""
    document, _ = prepare(report, profile or default_profile(), template_dirs, draft, limits)
    return write_html(document, notice=report.notice)


def render_pdf(report: Report, *, profile: Profile | None = None, template_dirs: TemplateDirs = (),
               draft: bool = False, limits: Limits | None = None, seconds: float = 60.0) -> bytes:
    """The report as PDF, converted by LibreOffice (ConversionError when it is not installed)."""
    return pdf_bytes(render_docx(report, profile=profile, template_dirs=template_dirs, draft=draft, limits=limits),
                     seconds=seconds)


def render_to_stream(report: Report, stream: BinaryIO, *, profile: Profile | None = None,
                     template_dirs: TemplateDirs = (), draft: bool = False,
                     limits: Limits | None = None) -> tuple[Finding, ...]:
    """Render and write the .docx to a binary stream (an HTTP response, an in-memory buffer). Nothing is written
    when rendering fails. Returns the findings of the checks."""
    result = render(report, profile=profile, template_dirs=template_dirs, draft=draft, limits=limits)
    stream.write(result.data)
    return result.findings


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see either the old file or the complete new one, never a part."""
    target = Path(path)
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def render_to_path(report: Report, path: str | os.PathLike[str], *, profile: Profile | None = None,
                   template_dirs: TemplateDirs = (), draft: bool = False,
                   limits: Limits | None = None) -> tuple[Finding, ...]:
    """Render and write atomically: on any error no file is created and an existing one is left untouched.
    Returns the findings of the checks."""
    result = render(report, profile=profile, template_dirs=template_dirs, draft=draft, limits=limits)
    try:
        write_atomic(path, result.data)
    except OSError as e:
        raise OutputError(str(path), e.strerror or str(e)) from None
    return result.findings
