"""Many reports at once: ``edureport batch INPUTS… -o OUTDIR --jobs N``. Data files are rendered in worker
processes; a failing file is reported and the rest go on; PDFs are converted afterwards, many files per LibreOffice
start, one private LibreOffice profile per concurrent converter.

A file that fails is one :class:`Outcome` with a Chinese message, whatever the failure: an error in the data (2), a
template (3), the output (4), or an unexpected exception — a defect of edureport itself (5, :data:`EXIT_INTERNAL`,
logged with its traceback on the ``edureport`` logger and kept in ``Outcome.detail``). Even a worker process that
dies (a crash in a C extension, ``os._exit``, a signal) costs only the file it was working on: the files that were
not finished are run again, each in a fresh process of its own, and the one that kills its process is reported.

A file that is rendered carries the findings of the checks in its Outcome, in the order of their fields in the file;
the command prints them in its summary. A file whose outputs are published (an .html page, or ``published``) and
that carries a 密级 fails with nothing written."""

from __future__ import annotations

import glob
import logging
import os
import signal
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from .audit import read_source
from .checks import Finding
from .errors import ConversionError, DataError, EdureportError, OutputError
from .missing import MissingValuesError
from .renderer import ClassifiedError, Renderer, write_atomic

# processes and pools only when several files are rendered at once: one file renders in the calling process
if TYPE_CHECKING:
    from concurrent.futures import Future
    from multiprocessing.connection import Connection

#: Exit code of a file (and of the command) that failed because of a defect in edureport itself, not its input.
EXIT_INTERNAL = 5

_log = logging.getLogger("edureport")
if not any(isinstance(h, logging.NullHandler) for h in _log.handlers):
    # a library logs, the application decides where to: no traceback on a console that did not ask for one
    _log.addHandler(logging.NullHandler())


@attrs.frozen
class Job:
    source: Path
    target: Path  # the .docx (or .html) to write
    html: bool = False  # also write an .html beside the .docx
    draft: bool = False
    published: bool = False  # the .docx (and its PDF) is published too: no 密级 allowed, no internal marks
    profile: str | None = None
    template_dirs: tuple[str, ...] = ()


@attrs.frozen
class Outcome:
    source: str
    target: str | None  # None when the file failed
    error: str | None = None
    findings: tuple[Finding, ...] = ()
    code: int = 0  # the exit code this file alone would give: 2 data, 3 template, 4 output, 5 internal error
    detail: str | None = None  # for an internal error: the traceback, for the maintainer (never shown as the message)


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
        source = read_source(job.source, job.template_dirs, "json" if job.source.suffix.lower() == ".json" else "yaml")
        report = source.report
        renderer = Renderer(profile=job.profile, template_dirs=job.template_dirs)
        if job.target.suffix == ".html":
            page = renderer.html(report, draft=job.draft)
            write_atomic(job.target, page.data)
            return Outcome(str(job.source), str(job.target), findings=tuple(source.order(page.findings)))
        result = renderer.docx(report, draft=job.draft, published=job.published)
        # every output is made before any is written: a page that may not be published leaves no .docx behind
        html = renderer.html(report, draft=job.draft).data if job.html else None
        write_atomic(job.target, result.data)
        if html is not None:
            write_atomic(job.target.with_suffix(".html"), html)
        return Outcome(str(job.source), str(job.target), findings=tuple(source.order(result.findings)))
    except MissingValuesError as e:
        hint = "提示：补齐以上内容后再生成；需要先看草稿时加 --draft"
        return Outcome(str(job.source), None, f"{DataError(str(job.source), e.problems)}\n{hint}", code=e.exit_code)
    except ClassifiedError as e:
        hint = ("提示：涉密文件只能按涉密载体管理，不在网站公示；不加 --html（网页）和 --published（公开发布）"
                "时可以生成内部使用的 .docx")
        return Outcome(str(job.source), None, f"{DataError(str(job.source), e.problems)}\n{hint}", code=e.exit_code)
    except EdureportError as e:
        return Outcome(str(job.source), None, str(e), code=e.exit_code)
    except OSError as e:
        return Outcome(str(job.source), None, f"无法写入：{e.strerror or e}", code=OutputError.exit_code)
    except Exception as e:  # the guard: a defect of edureport must cost this file only, never the batch
        return internal_error(job, f"{type(e).__name__}: {e}", traceback.format_exc())


def internal_error(job: Job, what: str, detail: str) -> Outcome:
    """The outcome of a file that failed because of a defect in edureport itself (exit code 5)."""
    message = (f"内部错误：处理 {job.source} 时 edureport 自身出错（不是数据的问题）：{what}；"
               "请把这条消息和数据文件发给维护者")
    return Outcome(str(job.source), None, message, code=EXIT_INTERNAL, detail=detail)


def run(jobs: Sequence[Job], *, workers: int = 1, progress: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    """Run the jobs, ``workers`` at a time in separate processes; outcomes in the order of ``jobs``. Every job gets
    an outcome: nothing a single file does — raising anything, or killing its worker process — stops the others."""
    results: dict[int, Outcome] = {}

    def done(i: int, outcome: Outcome) -> None:
        results[i] = outcome
        if outcome.code == EXIT_INTERNAL:
            _log.error("%s\n%s", outcome.error, outcome.detail or "")
        if progress:
            progress(outcome)

    if workers <= 1 or len(jobs) <= 1:
        for i, job in enumerate(jobs):
            done(i, run_job(job))
        return [results[i] for i in range(len(jobs))]
    _run_pool(jobs, workers, done)
    left = [i for i in range(len(jobs)) if i not in results]
    if left:  # a worker process died: the files it may have been working on, each alone in a fresh process
        _log.warning("批量生成：一个工作进程意外退出，余下 %d 个文件逐个在新进程中重新处理", len(left))
        from concurrent.futures import ThreadPoolExecutor
        with ThreadPoolExecutor(max_workers=min(workers, len(left))) as threads:
            for i, outcome in zip(left, threads.map(lambda i: _run_isolated(jobs[i]), left), strict=True):
                done(i, outcome)
    return [results[i] for i in range(len(jobs))]


def _run_pool(jobs: Sequence[Job], workers: int, done: Callable[[int, Outcome], None]) -> None:
    """Run the jobs in a process pool until all are done or a worker dies (then the rest have no outcome yet).

    Files go to the workers a few at a time: each hand-over costs the parent (which shares the cores with the
    workers) pickling and a round trip; in groups of up to _GROUP files a batch of hundreds spends little on it,
    and small batches still spread over every worker."""
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool
    size = max(1, min(_GROUP, len(jobs) // (workers * 4)))
    groups = [list(range(i, min(i + size, len(jobs)))) for i in range(0, len(jobs), size)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures: dict[Future[list[Outcome]], list[int]] = {}
        try:
            for group in groups:
                futures[pool.submit(_run_group, [jobs[i] for i in group])] = group
        except BrokenProcessPool:  # a worker died while the jobs were still being submitted
            pass
        for future in as_completed(futures):
            group = futures[future]
            try:
                outcomes = future.result()
            except BrokenProcessPool:
                continue  # these files and every unfinished one are run again, one by one
            except Exception as e:  # e.g. an outcome that could not be sent back from the worker
                if len(group) > 1:
                    continue  # each file of the group alone, in a process of its own: the one at fault is found
                outcomes = [internal_error(jobs[group[0]], f"{type(e).__name__}: {e}",
                                           "".join(traceback.format_exception(e)))]
            for i, outcome in zip(group, outcomes, strict=True):
                done(i, outcome)


#: the most files handed to a worker at once
_GROUP = 8


def _run_group(group: Sequence[Job]) -> list[Outcome]:
    return [_sendable(job, run_job(job)) for job in group]  # run_job never raises: every failure is an outcome


def _sendable(job: Job, outcome: Outcome) -> Outcome:
    """The outcome, or — when it cannot be sent back to the parent process — an internal error naming the file and
    why (checked here, so one such file does not cost its group a second run, nor the pool a false alarm)."""
    import pickle
    try:
        pickle.dumps(outcome)
    except Exception as e:
        return internal_error(job, f"{type(e).__name__}: {e}", traceback.format_exc())
    return outcome


def _remove_partial_outputs(job: Job) -> None:
    """Remove what :func:`write_atomic` leaves beside a target when its process is killed while writing: a
    ``.NAME.XXXXXXXX.tmp`` file. (A dying worker takes the others down with it, mid-write or not.)"""
    targets = [job.target]
    if job.html and job.target.suffix != ".html":
        targets.append(job.target.with_suffix(".html"))
    for target in targets:
        try:
            for temp in target.parent.glob(f".{glob.escape(target.name)}.*.tmp"):
                temp.unlink(missing_ok=True)
        except OSError:  # a folder that cannot be read or a file that cannot be removed: the outcome will say so
            pass


def _run_isolated(job: Job) -> Outcome:
    """Run one job in a process of its own; a process that dies becomes an internal-error outcome naming the file."""
    _remove_partial_outputs(job)
    import multiprocessing
    context = multiprocessing.get_context()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(run_job, job, sender), daemon=True)
    try:
        process.start()
    except OSError as e:  # e.g. no more processes allowed
        receiver.close()
        return internal_error(job, f"无法启动工作进程：{e.strerror or e}", traceback.format_exc())
    finally:
        sender.close()
    try:
        outcome: Outcome | None = receiver.recv()
    except EOFError:  # the process ended without sending an outcome
        outcome = None
    finally:
        receiver.close()
        process.join()
    if outcome is not None:
        return outcome
    _remove_partial_outputs(job)
    code = process.exitcode
    if code is not None and code < 0:
        try:
            how = f"被信号 {signal.Signals(-code).name} 终止"
        except ValueError:
            how = f"被信号 {-code} 终止"
    else:
        how = f"意外退出（退出码 {code}）"
    return internal_error(job, f"处理该文件的进程{how}", f"worker process for {job.source}: exit code {code}")


def _child(work: Callable[[Job], Outcome], job: Job, sender: Connection) -> None:
    try:
        sender.send(_sendable(job, work(job)))
    finally:
        sender.close()


def convert_all(documents: Sequence[Path], *, workers: int = 1, seconds_per_document: float = 60.0) -> list[str]:
    """PDFs beside the .docx files: one LibreOffice start per chunk, ``workers`` chunks at once (each with its own
    LibreOffice profile). Returns the error messages (empty when all converted)."""
    if not documents:
        return []
    step = max(1, workers)
    chunks = [list(documents[i::step]) for i in range(step) if documents[i::step]]

    from .convert import docx_to_pdf  # LibreOffice's helpers: only when PDFs are asked for

    def convert(chunk: list[Path]) -> str | None:
        try:
            docx_to_pdf(chunk, chunk[0].parent, seconds_per_document=seconds_per_document)
        except ConversionError as e:
            return str(e)
        except OSError as e:
            return str(ConversionError(f"无法转换 {chunk[0].parent} 中的文件：{e.strerror or e}"))
        except Exception as e:  # the guard: a defect must not hide the other chunks' results
            _log.exception("PDF 转换时出现内部错误")
            return f"内部错误：PDF 转换时 edureport 自身出错（不是数据的问题）：{type(e).__name__}: {e}；请把这条消息发给维护者"
        return None

    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(max_workers=len(chunks)) as pool:
        return [error for error in pool.map(convert, chunks) if error]


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))
