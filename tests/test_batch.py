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

from edureport import batch, convert
from edureport.batch import EXIT_INTERNAL, Job, Outcome
from edureport.batch import run_job as real_run_job
from edureport.cli import main
from edureport.renderer import Renderer

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


def unsendable_on_b(job: Job) -> Outcome:
    """b's outcome cannot be pickled back to the parent (a defect: something unpicklable in it); every run of a file
    is counted beside it, to see that none is run twice."""
    with job.source.with_suffix(".runs").open("a") as runs:
        runs.write("x")
    outcome = real_run_job(job)
    if job.source.name == "b.yaml":
        return Outcome(outcome.source, outcome.target, findings=(lambda: None,))  # type: ignore[arg-type]
    return outcome


def no_traceback(text: str) -> bool:
    return "Traceback" not in text and 'File "' not in text


def test_an_unexpected_exception_costs_one_file_in_render(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str],
                                                          caplog: pytest.LogCaptureFixture) -> None:
    # `render a b c -o dir/` renders in this process, one file after the other: a defect met by `a` (here: the
    # renderer raising something that is no EdureportError) must not stop `b` and `c`
    a, b, c = inputs(tmp_path / "in", ["a.yaml", "b.yaml", "c.yaml"])
    real_docx = Renderer.docx

    def docx(self, report, **kwargs):  # type: ignore[no-untyped-def]
        if "第0号报告" in str(report.title):
            raise RuntimeError("模拟的缺陷")
        return real_docx(self, report, **kwargs)

    monkeypatch.setattr(Renderer, "docx", docx)
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

    monkeypatch.setattr(convert, "docx_to_pdf", broken)  # batch imports it when PDFs are asked for
    [message] = batch.convert_all([tmp_path / "a.docx", tmp_path / "b.docx"], workers=1)
    assert message.startswith("内部错误：PDF 转换时") and "RuntimeError" in message


def test_the_summary_lists_each_files_findings_in_the_order_of_the_file(tmp_path: Path,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    # a: a 报告 without 主送机关 whose 版头 (no 签发人) comes before its title, which has a line too wide; the render
    # makes these findings in another order (the title's layout first, then the parts of a 报告); b: complete;
    # c: broken
    folder = tmp_path / "in"
    folder.mkdir()
    a, b, c = folder / "a.yaml", folder / "b.yaml", folder / "c.yaml"
    a.write_text("header: {issuer_mark: 甲县人民政府}\nsignature: {date: 2024-06-05}\n"
                 "title: [甲县人民政府关于二〇二三年度全面履行各项教育职责情况的, 自查自评报告]\n", "utf-8")
    b.write_text("title: 乙县关于履行教育职责情况的自评报告\naddressee: 市政府教育督导委员会\n"
                 "signature: {issuer: 乙县人民政府, date: 2024-06-05}\n", "utf-8")
    c.write_text("title: 报告\nsections:\n  - title: 一\n    paragrahs: [x]\n", "utf-8")
    out = tmp_path / "out"
    assert main(["batch", str(a), str(b), str(c), "-o", str(out), "--jobs", "2"]) == 2
    lines = capsys.readouterr().out.splitlines()
    summary = lines[lines.index("共 3 个：成功 2 个，失败 1 个") + 1:]
    assert summary[0] == f"  {a}：已生成 {out / 'a.docx'}，发现 3 个问题"
    assert summary[1].startswith(f"    错误：{a} 字段 addressee：报告缺少主送机关")  # a part the file lacks: first
    assert summary[2].startswith(f"    错误：{a} 字段 header.signer：报告是上行文，版头缺少签发人")  # line 1
    assert summary[3].startswith(f"    警告：{a} 字段 title[0]：标题第1行宽约")  # line 3
    assert summary[4].startswith(f"  失败：{c}：数据错误：")  # in the order the files were given
    assert len(summary) == 5  # b has no findings: nothing to list
    assert [f.path for f in batch.run_job(Job(a, tmp_path / "a.docx")).findings] == [
        "addressee", "header.signer", "title[0]"]


def test_the_summary_of_one_file_is_printed_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    [a] = inputs(tmp_path / "in", ["a.yaml"])  # 第0号报告: a 报告 without 主送机关, 署名 and 成文日期
    assert main(["batch", str(a), "-o", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "共 1 个：成功 1 个，失败 0 个" in out and "发现 3 个问题" in out
    for path in ("addressee", "signature.issuer", "signature.date"):
        assert f"错误：{a} 字段 {path}：" in out


@pytest.mark.parametrize("count", [3, 17])
def test_an_outcome_that_cannot_be_sent_back_costs_one_file_and_says_why(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch,
                                                                         count: int) -> None:
    names = ["a.yaml", "b.yaml", *(f"f{i:02d}.yaml" for i in range(count - 2))]
    paths = inputs(tmp_path / "in", names)
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setattr(batch, "run_job", unsendable_on_b)
    seen: list[str] = []
    outcomes = batch.run([Job(p, out / f"{p.stem}.docx") for p in paths], workers=2,
                         progress=lambda o: seen.append(o.source))
    assert [o.source for o in outcomes] == [str(p) for p in paths]
    assert [o.code for o in outcomes] == [0, EXIT_INTERNAL] + [0] * (count - 2)
    assert outcomes[1].error is not None and "pickle" in outcomes[1].error.lower() and str(paths[1]) in outcomes[1].error
    assert sorted(seen) == sorted(map(str, paths))
    assert all(p.with_suffix(".runs").read_text() == "x" for p in paths)  # each file rendered once
