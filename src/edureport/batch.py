"""Many reports at once: ``edureport batch INPUTS… -o OUTDIR --jobs N``. Data files are rendered in worker
processes; a failing file is reported and the rest go on; PDFs are converted afterwards, many files per LibreOffice
start, one private LibreOffice profile per concurrent converter."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from pathlib import Path

import attrs

from .checks import Finding
from .convert import docx_to_pdf
from .errors import ConversionError, DataError, EdureportError, OutputError, TemplateError
from .load import load_report
from .missing import MissingValuesError
from .profile import load_profile
from .render import render, render_html, write_atomic


@attrs.frozen
class Job:
    source: Path
    target: Path  # the .docx (or .html) to write
    html: bool = False  # also write an .html beside the .docx
    draft: bool = False
    profile: str | None = None
    template_dirs: tuple[str, ...] = ()


@attrs.frozen
class Outcome:
    source: str
    target: str | None  # None when the file failed
    error: str | None = None
    findings: tuple[Finding, ...] = ()
    code: int = 0  # the exit code this file alone would give: 2 data, 3 template, 4 output


def output_names(sources: Sequence[Path], outdir: Path, suffix: str = ".docx") -> list[Path]:
    """An output per input, named after it. Inputs with the same name get as many of their folder names prefixed as
    tell them apart (x/report.yaml, y/report.yaml → x-report, y-report); what is still equal is numbered."""
    folders = [source.resolve().parent.parts for source in sources]
    stems = [source.stem for source in sources]
    names = list(stems)
    for depth in range(1, max((len(f) for f in folders), default=0) + 1):
        clashes = {n for n in names if names.count(n) > 1}
        if not clashes:
            break
        names = ["-".join([*folders[i][-depth:], stems[i]]).lstrip("/-") if names[i] in clashes else names[i]
                 for i in range(len(names))]
    seen: dict[str, int] = {}
    unique = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        unique.append(outdir / (f"{name}-{seen[name]}{suffix}" if seen[name] > 1 else f"{name}{suffix}"))
    return unique


def run_job(job: Job) -> Outcome:
    """Render one file; every failure becomes an Outcome with the Chinese message (field path included)."""
    try:
        report = load_report(job.source, template_dirs=job.template_dirs)
        profile = load_profile(job.profile) if job.profile else None
        if job.target.suffix == ".html":
            write_atomic(job.target, render_html(report, profile=profile, template_dirs=job.template_dirs,
                                                 draft=job.draft))
            return Outcome(str(job.source), str(job.target))
        result = render(report, profile=profile, template_dirs=job.template_dirs, draft=job.draft)
        write_atomic(job.target, result.data)
        if job.html:
            write_atomic(job.target.with_suffix(".html"),
                         render_html(report, profile=profile, template_dirs=job.template_dirs, draft=job.draft))
        return Outcome(str(job.source), str(job.target), findings=result.findings)
    except MissingValuesError as e:
        hint = "提示：补齐以上内容后再生成；需要先看草稿时加 --draft"
        return Outcome(str(job.source), None, f"{DataError(str(job.source), e.problems)}\n{hint}", code=2)
    except TemplateError as e:
        return Outcome(str(job.source), None, str(e), code=3)
    except (OutputError, ConversionError) as e:
        return Outcome(str(job.source), None, str(e), code=4)
    except EdureportError as e:
        return Outcome(str(job.source), None, str(e), code=2)
    except OSError as e:
        return Outcome(str(job.source), None, f"无法写入：{e.strerror or e}", code=4)


def run(jobs: Sequence[Job], *, workers: int = 1, progress: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    """Run the jobs, ``workers`` at a time in separate processes; outcomes in the order of ``jobs``."""
    if workers <= 1 or len(jobs) <= 1:
        outcomes = []
        for job in jobs:
            outcomes.append(run_job(job))
            if progress:
                progress(outcomes[-1])
        return outcomes
    results: dict[int, Outcome] = {}
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(run_job, job): i for i, job in enumerate(jobs)}
        for future in as_completed(futures):
            results[futures[future]] = outcome = future.result()
            if progress:
                progress(outcome)
    return [results[i] for i in range(len(jobs))]


def convert_all(documents: Sequence[Path], *, workers: int = 1, seconds_per_document: float = 60.0) -> list[str]:
    """PDFs beside the .docx files: one LibreOffice start per chunk, ``workers`` chunks at once (each with its own
    LibreOffice profile). Returns the error messages (empty when all converted)."""
    if not documents:
        return []
    chunks = [list(documents[i::workers]) for i in range(max(1, workers)) if documents[i::workers]]

    def convert(chunk: list[Path]) -> str | None:
        try:
            docx_to_pdf(chunk, chunk[0].parent, seconds_per_document=seconds_per_document)
        except ConversionError as e:
            return str(e)
        return None

    with ThreadPoolExecutor(max_workers=len(chunks)) as pool:
        return [error for error in pool.map(convert, chunks) if error]


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))
