"""Batch runs survive any one file: an unexpected exception or a worker process that dies costs that file only, and
the summary is still printed. The failures are injected by stand-ins for the renderer defined in this module, which
reach worker processes by pickling (any start method)."""

from __future__ import annotations

import logging
import os
import signal
import time
from pathlib import Path

import pytest

from edureport import batch
from edureport.batch import EXIT_INTERNAL, Job, Outcome
from edureport.batch import run_job as real_run_job
from edureport.cli import main

SMALL = "title: 第{n}号报告\nyear: 2023\nsections:\n  - title: 主要做法\n    paragraphs: [第{n}份报告的正文。]\n"


def inputs(folder: Path, names: list[str]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n, name in enumerate(names):
        path = folder / name
        path.write_text(SMALL.format(n=n), "utf-8")
        paths.append(path)
    return paths


# Stand-ins for edureport.batch.run_job: module-level, so a process pool can pickle them by name.

def exit_on_b(job: Job) -> Outcome:
    if job.source.name == "b.yaml":
        os._exit(7)  # like a crash in a C extension: no exception, no outcome, the process is just gone
    return real_run_job(job)


def killed_on_b(job: Job) -> Outcome:
    if job.source.name == "b.yaml":
        os.kill(os.getpid(), signal.SIGKILL)
    return real_run_job(job)


def killed_while_writing(job: Job) -> Outcome:
    """a: in the pool, starts writing (a temporary file, as write_atomic makes) and hangs, so it is killed with the
    pool; run again, it works. b: waits until a is writing, then its process dies."""
    first_try = job.source.with_suffix(".started")
    if job.source.name == "a.yaml" and not first_try.exists():
        first_try.touch()
        (job.target.parent / f".{job.target.name}.k3j2h1g0.tmp").write_bytes(b"PK half")
        time.sleep(60)
    if job.source.name == "b.yaml":
        while not job.source.with_name("a.started").exists():
            time.sleep(0.01)
        time.sleep(0.2)
        os._exit(7)
    return real_run_job(job)


def no_traceback(text: str) -> bool:
    return "Traceback" not in text and 'File "' not in text


def test_an_unexpected_exception_costs_one_file_in_render(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str],
                                                          caplog: pytest.LogCaptureFixture) -> None:
    # `render a b c -o dir/` renders in this process, one file after the other: a defect met by `a` (here: the
    # renderer raising something that is no EdureportError) must not stop `b` and `c`
    a, b, c = inputs(tmp_path / "in", ["a.yaml", "b.yaml", "c.yaml"])
    real_render = batch.render

    def render(report, **kwargs):  # type: ignore[no-untyped-def]
        if "第0号报告" in str(report.title):
            raise RuntimeError("模拟的缺陷")
        return real_render(report, **kwargs)

    monkeypatch.setattr(batch, "render", render)
    out = tmp_path / "out"
    with caplog.at_level(logging.ERROR, logger="edureport"):
        code = main(["render", str(a), str(b), str(c), "-o", f"{out}/"])
    captured = capsys.readouterr()
    assert code == EXIT_INTERNAL
    assert sorted(p.name for p in out.iterdir()) == ["b.docx", "c.docx"]
    assert "共 3 个：成功 2 个，失败 1 个" in captured.out
    assert f"内部错误：处理 {a} 时 edureport 自身出错" in captured.err and "RuntimeError: 模拟的缺陷" in captured.err
    assert no_traceback(captured.out + captured.err)
    # the maintainer gets the traceback, on the edureport logger
    [record] = [r for r in caplog.records if r.name == "edureport"]
    assert "Traceback" in record.getMessage() and "模拟的缺陷" in record.getMessage()


@pytest.mark.parametrize(("stand_in", "words"), [(exit_on_b, "意外退出（退出码 7）"),
                                                 (killed_on_b, "被信号 SIGKILL 终止")])
def test_a_worker_process_that_dies_costs_one_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   stand_in: object, words: str) -> None:
    a, b, c = inputs(tmp_path / "in", ["a.yaml", "b.yaml", "c.yaml"])
    out = tmp_path / "out"
    jobs = [Job(p, out / f"{p.stem}.docx") for p in (a, b, c)]
    out.mkdir()
    monkeypatch.setattr(batch, "run_job", stand_in)
    seen: list[str] = []
    outcomes = batch.run(jobs, workers=2, progress=lambda o: seen.append(o.source))
    assert [o.code for o in outcomes] == [0, EXIT_INTERNAL, 0]
    assert outcomes[1].source == str(b) and outcomes[1].target is None
    assert outcomes[1].error and words in outcomes[1].error and str(b) in outcomes[1].error
    assert sorted(seen) == sorted(map(str, (a, b, c)))  # progress heard of every file once
    # nothing else in the folder: the other workers, killed with the pool, may have been writing; their temporary
    # files are removed before their files are run again
    assert sorted(p.name for p in out.iterdir()) == ["a.docx", "c.docx"]


def test_files_being_written_when_the_pool_broke_leave_nothing_behind(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = inputs(tmp_path / "in", ["a.yaml", "b.yaml"])
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setattr(batch, "run_job", killed_while_writing)
    started = time.monotonic()
    outcomes = batch.run([Job(p, out / f"{p.stem}.docx") for p in (a, b)], workers=2)
    assert time.monotonic() - started < 30  # a's hung first try was killed, not waited for
    assert [o.code for o in outcomes] == [0, EXIT_INTERNAL]
    assert sorted(p.name for p in out.iterdir()) == ["a.docx"]


def test_batch_command_with_a_dying_worker_prints_its_summary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    paths = inputs(tmp_path / "in", ["a.yaml", "b.yaml", "c.yaml", "d.yaml", "e.yaml"])
    monkeypatch.setattr(batch, "run_job", exit_on_b)
    out = tmp_path / "out"
    assert main(["batch", *map(str, paths), "-o", str(out), "--jobs", "2"]) == EXIT_INTERNAL
    captured = capsys.readouterr()
    assert "共 5 个：成功 4 个，失败 1 个" in captured.out
    assert f"失败：{paths[1]}：内部错误" in captured.out
    assert sorted(p.name for p in out.iterdir()) == ["a.docx", "c.docx", "d.docx", "e.docx"]
    assert no_traceback(captured.out + captured.err)


def test_data_errors_keep_their_codes_next_to_an_internal_error(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    a, b, c = inputs(tmp_path / "in", ["a.yaml", "b.yaml", "c.yaml"])
    c.write_text("title: 报告\nsections:\n  - title: 一\n    paragrahs: [x]\n", "utf-8")
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setattr(batch, "run_job", exit_on_b)
    outcomes = batch.run([Job(p, out / f"{p.stem}.docx") for p in (a, b, c)], workers=3)
    assert [o.code for o in outcomes] == [0, EXIT_INTERNAL, 2]
    assert outcomes[2].error and "paragrahs" in outcomes[2].error


def test_a_pdf_conversion_that_raises_is_a_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("模拟的缺陷")

    monkeypatch.setattr(batch, "docx_to_pdf", broken)
    [message] = batch.convert_all([tmp_path / "a.docx", tmp_path / "b.docx"], workers=1)
    assert message.startswith("内部错误：PDF 转换时") and "RuntimeError" in message
