"""The pipeline, end to end: Report → report markup → document tree → .docx bytes.

Each stage only consumes the previous stage's output (see ARCHITECTURE.md). Nothing here reads global state or
environment variables: what a render uses is in its arguments, so renders may run in many threads at once.
"""

from __future__ import annotations

import functools
import os
import re
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

import attrs

from .areas import NO_AREAS
from .checks import Finding, run_checks, typed_twice
from .errors import DataError, OutputError, Problem, TemplateError
from .formatting import cn_date
from .markup import parse_markup
from .missing import MissingValuesError, incomplete, missing_values
from .model import Notice, Report
from .parsing import unknown_keys_message
from .profile import Profile, check_profile, load_profile
from .schemes import Scheme, scheme_for
from .statements import Stater
from .templating import Limits, render_markup
from .tree import Document, HeaderBlock, Heading, Paragraph, plain
from .writer import write_docx
from .writer.titles import wrapping_lines

TemplateDirs = Sequence[str | os.PathLike[str]]


@functools.lru_cache(maxsize=1)
def default_profile() -> Profile:
    """The packaged GB/T 9704-2012 profile (read once; profiles are immutable)."""
    return load_profile()


@attrs.frozen
class Rendered:
    """A rendered report: the bytes of the output (.docx, or the HTML page of :func:`render_page`) and the findings
    of the checks (figures, wording, and the parts the document's type requires)."""

    data: bytes
    findings: tuple[Finding, ...]


class ClassifiedError(DataError):
    """A document marked with a 密级 asked for as a published output (the 公示 web page, or an output marked as
    published): a classified document is never published, so nothing is made."""

    def __init__(self, secrecy: str, source: str = "数据") -> None:
        self.secrecy = secrecy
        super().__init__(source, [Problem("header.secrecy", f"文件标有密级“{secrecy}”，涉密文件不得公开发布，"
                                                            "不能生成公示网页或公开发布的文件；未生成任何文件")])


def publishable(report: Report, document: Document) -> Document:
    """The document as it may be published (the 公示 web page, any output marked as published): refused with
    :class:`ClassifiedError` when it carries a 密级 (in the data or in what a template put in the 版头); the 版头 keeps
    the issuing organ and the 发文字号 and loses its internal marks — 份号, 密级和保密期限, 紧急程度 and 签发人."""
    marked = [b.secrecy for b in document.blocks if isinstance(b, HeaderBlock) and b.secrecy]
    secrecy = (report.header.secrecy if report.header else None) or next(iter(marked), None)
    if secrecy:
        raise ClassifiedError(secrecy)
    return attrs.evolve(document, blocks=tuple(
        attrs.evolve(b, copy_number=None, secrecy=None, urgency=None, signer_label=None, signer_name=None)
        if isinstance(b, HeaderBlock) else b for b in document.blocks))


def prepare(report: Report, profile: Profile, template_dirs: TemplateDirs, draft: bool = True,
            limits: Limits | None = None) -> tuple[Document, list[Finding]]:
    """The document tree and the findings of the computed checks, from one reading of the scheme."""
    report, scheme = scheme_for(report, template_dirs)
    if not draft and (missing := missing_values(report, scheme)):
        raise MissingValuesError(missing)
    skeleton = report.template or (scheme.skeleton if scheme else "report.xml.j2")
    findings = run_checks(report, scheme) if scheme else []
    say = Stater(report, scheme, draft)
    markup = render_markup(report, template_dirs, template_name=skeleton, limits=limits,
                           context={"scheme": scheme, "findings": findings, "draft": draft, "say": say})
    document = parse_markup(markup, template=skeleton, level3_period=profile.headings.level3_period,
                            run_in_end=profile.headings.run_in_end)
    findings += [Finding("warning", f"title[{i}]", message, text=line, fix=fix)  # a given title line that wraps
                 for i, line, message, fix in wrapping_lines(document, profile)]
    if scheme is not None:
        _check_placement(report, scheme, say, skeleton)
        findings += say.findings + unstated(report, scheme, say)
    # a template asked for a value no rule above knows of (a placeholder can only come from a <fill> of the markup)
    if not draft and "<fill" in markup and (left := document.placeholders()):
        raise MissingValuesError([Problem("", f"仍有待填写的内容：{text}") for text in left])
    return document, findings + incomplete(report)


def _check_placement(report: Report, scheme: Scheme, say: Stater, skeleton: str) -> None:
    """A skeleton never drops what the data gives, and every part heading the scheme names is one it uses."""
    for key in report.areas or {}:
        if key not in say.placed:
            name = scheme.definitions[key].name
            raise TemplateError(f"骨架模板没有放置数据中的“{name}”（areas.{key}）；请在评价方案中换用能放置它的骨架，"
                                "或在骨架模板中为它留出位置", skeleton, None)
    used = say.asked | say.placed
    unused = [key for key in scheme.parts if key not in used]
    if unused:
        raise DataError(scheme.path, [scheme.problem(f"parts.{key}", unknown_keys_message(
            [key], sorted(used), what=f"骨架模板 {skeleton} 没有这一部分", available="它使用的部分")) for key in unused])


def unstated(report: Report, scheme: Scheme, say: Stater) -> list[Finding]:
    """Figures the data types but the report never states: a dead figure is a figure nobody checks next year."""
    findings = []
    for key, area in (report.areas or NO_AREAS).items():
        names = [name for name, _ in area.indicator_values()] + list(area.figures)
        for name in names:
            if f"{key}.{name}" not in say.stated:
                where = f"areas.{key}.figures.{name}" if name in area.figures else f"areas.{key}.{name}"
                findings.append(Finding("warning", where, f"填写了“{name}”的数字，但报告中没有表述；"
                                                          f"请在段落中引用 {{figure: {key}.{name}}}，或删去这个数字"))
    return findings


#: national guidance caps the published self-evaluation report at about 5,000 字
LENGTH_GUIDANCE = 5000
_COUNTED = re.compile(r"[\u4e00-\u9fff0-9A-Za-z]")


def body_length(document: Document) -> int:
    """Characters of the report's text (headings and paragraphs), as a word processor counts 字数."""
    total = 0
    for block in document.blocks:
        if isinstance(block, Heading):
            total += len(_COUNTED.findall(block.label + block.title + plain(block.body)))
        elif isinstance(block, Paragraph):
            total += sum(len(_COUNTED.findall(run.text)) for run in block.runs)
    return total


class Renderer:
    """What every render shares, held once, like Jinja's ``Environment``: the layout profile, the user's template
    folders (their templates, schemes and catalogue; each read once per version of its file, so a long-running
    process sees edits) and the limits templates run under. Every output comes from one method::

        renderer = Renderer(template_dirs=["我的模板"])
        renderer.docx(report).data        # .docx bytes (and .findings)
        renderer.html(report).data        # the 公示 web page
        renderer.pdf(report)              # PDF bytes, through LibreOffice
        renderer.document(report)         # the document tree
        renderer.check(report)            # the findings of the checks, without writing anything

    The module-level functions (:func:`render`, :func:`render_docx` …) use a renderer made from their arguments;
    ``check``, ``batch`` and the HTTP service use one per set of folders. A renderer holds no state between calls:
    threads and processes may share or copy it."""

    def __init__(self, *, profile: Profile | str | os.PathLike[str] | None = None, template_dirs: TemplateDirs = (),
                 limits: Limits | None = None) -> None:
        if profile is None:
            profile = default_profile()
        elif not isinstance(profile, Profile):
            profile = load_profile(os.fspath(profile))
        else:  # built or evolved in code: its values were checked as it was made, here what they must be together
            check_profile(profile)
        self.profile: Profile = profile
        self.template_dirs: tuple[str | os.PathLike[str], ...] = tuple(template_dirs)
        self.limits: Limits | None = limits

    def __repr__(self) -> str:
        return f"Renderer(profile={self.profile.name!r}, template_dirs={self.template_dirs!r})"

    def prepare(self, report: Report, *, draft: bool = True) -> tuple[Document, list[Finding]]:
        """The document tree and the findings of the computed checks."""
        return prepare(report, self.profile, self.template_dirs, draft, self.limits)

    def document(self, report: Report, *, draft: bool = True) -> Document:
        """Report → document tree (scheme and templates applied, headings numbered; missing values as placeholders
        unless ``draft`` is False)."""
        return self.prepare(report, draft=draft)[0]

    def docx(self, report: Report, *, draft: bool = False, published: bool = False) -> Rendered:
        """Report → .docx bytes and the findings of the checks, in one pass. A final render (the default) raises
        MissingValuesError listing every value still missing; a draft shows them as highlighted placeholders.
        ``published``: the .docx is to be published (:func:`publishable`: refused with a 密级, no internal marks).
        The same report, profile and templates always give the same bytes."""
        document, findings = self.prepare(report, draft=draft)
        if published:
            document = publishable(report, document)
        return Rendered(write_docx(document, self.profile), tuple(findings))

    def html(self, report: Report, *, draft: bool = False) -> Rendered:
        """The report as a standalone HTML page for the government portal (公示), from the same document tree. The
        page is published: a report with a 密级 raises :class:`ClassifiedError`, and the 版头 shows no 份号, 密级,
        紧急程度 or 签发人 (:func:`publishable`)."""
        document, findings = self.prepare(report, draft=draft)
        from .writer.html import write_html  # only for pages: a .docx render does not load it
        page = write_html(publishable(report, document), notice=_notice_lines(report.notice))
        return Rendered(page, tuple(findings))

    def pdf(self, report: Report, *, draft: bool = False, published: bool = False, seconds: float = 60.0) -> bytes:
        """The report as PDF, converted by LibreOffice (ConversionError when it is not installed)."""
        from .convert import pdf_bytes  # LibreOffice's helpers: only when a PDF is asked for
        return pdf_bytes(self.docx(report, draft=draft, published=published).data, seconds=seconds)

    def check(self, report: Report) -> list[Finding]:
        """The findings of the computed checks for a report, as ``edureport check`` lists them (without the text
        lint of the data file, which needs the file: :func:`~edureport.audit.audit_file`): values still missing,
        every rule of the catalogue and scheme, figures typed twice, and the length guidance."""
        checked, scheme = scheme_for(report, self.template_dirs)
        findings = [Finding("warning", p.path, f"{p.message}，正式生成前需补齐") for p in missing_values(checked, scheme)]
        document, checks = self.prepare(report, draft=True)
        findings += checks + typed_twice(checked, scheme)
        length = body_length(document)
        if length > LENGTH_GUIDANCE:
            findings.append(Finding("warning", "", f"正文约{length}字，超过约{LENGTH_GUIDANCE}字的篇幅要求"))
        return findings


def build_document(report: Report, *, profile: Profile | None = None, template_dirs: TemplateDirs = (),
                   draft: bool = True) -> Document:
    """Report → document tree (scheme and templates applied, headings numbered; missing values as placeholders
    unless ``draft`` is False). :meth:`Renderer.document` with a renderer made from the arguments."""
    return Renderer(profile=profile, template_dirs=template_dirs).document(report, draft=draft)


def render(report: Report, *, profile: Profile | None = None, template_dirs: TemplateDirs = (),
           draft: bool = False, limits: Limits | None = None, published: bool = False) -> Rendered:
    """Report → .docx bytes and the findings of the checks: :meth:`Renderer.docx` with a renderer made from the
    arguments. A final render (the default) raises MissingValuesError listing every value still missing; a draft
    shows them as highlighted placeholders. ``limits`` bounds the templates' run time and output (defaults:
    :class:`~edureport.templating.Limits`)."""
    return Renderer(profile=profile, template_dirs=template_dirs, limits=limits).docx(
        report, draft=draft, published=published)


def render_docx(report: Report, *, profile: Profile | None = None, template_dirs: TemplateDirs = (),
                draft: bool = False, limits: Limits | None = None, published: bool = False) -> bytes:
    """Report → .docx bytes. The same report, profile and templates always give the same bytes."""
    return render(report, profile=profile, template_dirs=template_dirs, draft=draft, limits=limits,
                  published=published).data


def render_page(report: Report, *, profile: Profile | None = None, template_dirs: TemplateDirs = (),
                draft: bool = False, limits: Limits | None = None) -> Rendered:
    """:func:`render_html` with the findings of the checks (:meth:`Renderer.html`)."""
    return Renderer(profile=profile, template_dirs=template_dirs, limits=limits).html(report, draft=draft)


def _notice_lines(notice: Notice | None) -> tuple[str, ...]:
    """The 公示 box of the page: period, office, phone, e-mail."""
    if notice is None:
        return ()
    items = [f"公示时间：{cn_date(notice.start)}至{cn_date(notice.end)}", f"受理单位：{notice.office}"]
    items += [f"联系电话：{notice.phone}"] if notice.phone else []
    items += [f"电子邮箱：{notice.email}"] if notice.email else []
    return tuple(items)


def render_html(report: Report, *, profile: Profile | None = None, template_dirs: TemplateDirs = (),
                draft: bool = False, limits: Limits | None = None) -> bytes:
    """The report as a standalone HTML page for the government portal (公示), from the same document tree (the
    profile decides heading labels such as 1. or 1．, as in the .docx). The page is published: a report with a 密级
    raises :class:`ClassifiedError`, and the 版头 shows no 份号, 密级, 紧急程度 or 签发人 (:func:`publishable`)."""
    return render_page(report, profile=profile, template_dirs=template_dirs, draft=draft, limits=limits).data


def render_pdf(report: Report, *, profile: Profile | None = None, template_dirs: TemplateDirs = (),
               draft: bool = False, limits: Limits | None = None, seconds: float = 60.0,
               published: bool = False) -> bytes:
    """The report as PDF, converted by LibreOffice (ConversionError when it is not installed)."""
    return Renderer(profile=profile, template_dirs=template_dirs, limits=limits).pdf(
        report, draft=draft, published=published, seconds=seconds)


def render_to_stream(report: Report, stream: BinaryIO, *, profile: Profile | None = None,
                     template_dirs: TemplateDirs = (), draft: bool = False,
                     limits: Limits | None = None, published: bool = False) -> tuple[Finding, ...]:
    """Render and write the .docx to a binary stream (an HTTP response, an in-memory buffer). Nothing is written
    when rendering fails. Returns the findings of the checks."""
    result = render(report, profile=profile, template_dirs=template_dirs, draft=draft, limits=limits,
                    published=published)
    stream.write(result.data)
    return result.findings


_UMASK_LOCK = threading.Lock()


def _umask() -> int:
    """The process's umask. Linux reports it in /proc; elsewhere it can only be read by setting it, under a lock."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except OSError:
        pass
    with _UMASK_LOCK:
        mask = os.umask(0o022)
        os.umask(mask)
        return mask


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see either the old file or the complete new one, never a part."""
    target = Path(path)
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600; a file a user asked for gets the usual mode
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def render_to_path(report: Report, path: str | os.PathLike[str], *, profile: Profile | None = None,
                   template_dirs: TemplateDirs = (), draft: bool = False,
                   limits: Limits | None = None, published: bool = False) -> tuple[Finding, ...]:
    """Render and write atomically: on any error no file is created and an existing one is left untouched.
    Returns the findings of the checks."""
    result = render(report, profile=profile, template_dirs=template_dirs, draft=draft, limits=limits,
                    published=published)
    try:
        write_atomic(path, result.data)
    except OSError as e:
        raise OutputError(str(path), e.strerror or str(e)) from None
    return result.findings
