"""Batch throughput: 200 data files rendered with 1 worker process and with 2, alternately, and the speed-up; then
PDF conversion through LibreOffice, one start per document against one start for many (when LibreOffice is here).

    python benchmarks/bench_batch.py [--files 200] [--rounds 2]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from edureport.batch import Job, convert_all, run
from edureport.convert import docx_to_pdf, find_office

ROOT = Path(__file__).resolve().parent.parent


def make_inputs(folder: Path, count: int) -> list[Path]:
    examples = sorted((ROOT / "examples").glob("*.yaml"))
    inputs = []
    for n in range(count):
        source = examples[n % len(examples)]
        target = folder / f"{n:03d}-{source.name}"
        target.write_text(source.read_text("utf-8"), "utf-8")
        inputs.append(target)
    return inputs


def timed_batch(inputs: list[Path], out: Path, workers: int) -> float:
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    # the city and 12-area examples name schemes of the examples' template folder
    jobs = [Job(source, out / f"{source.stem}.docx", template_dirs=(str(ROOT / "examples" / "templates"),))
            for source in inputs]
    start = time.perf_counter()
    outcomes = run(jobs, workers=workers)
    elapsed = time.perf_counter() - start
    failed = [o for o in outcomes if o.error]
    assert not failed, failed[0]
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "in").mkdir()
        inputs = make_inputs(folder / "in", args.files)
        times: dict[int, list[float]] = {1: [], 2: []}
        for _ in range(args.rounds):
            for workers in (1, 2):
                times[workers].append(timed_batch(inputs, folder / "out", workers))
        one, two = min(times[1]), min(times[2])
        print(f"batch of {args.files} files (best of {args.rounds}, alternating):")
        print(f"  1 job : {one:6.2f} s  ({one / args.files * 1000:.1f} ms per file)")
        print(f"  2 jobs: {two:6.2f} s  ({two / args.files * 1000:.1f} ms per file)")
        print(f"  speed-up 2 jobs over 1: {one / two:.2f}×  (target ≥ 1.7× on 2 cores)")

        if find_office() is None:
            print("PDF: LibreOffice is not installed here; skipped")
            return
        docs = sorted((folder / "out").glob("*.docx"))[:8]
        single_dir, batch_dir = folder / "pdf-single", folder / "pdf-batch"
        single_dir.mkdir()
        start = time.perf_counter()
        for doc in docs:
            docx_to_pdf([doc], single_dir)
        single = (time.perf_counter() - start) / len(docs)
        batch_dir.mkdir()
        for doc in docs:
            shutil.copy(doc, batch_dir / doc.name)
        copies = sorted(batch_dir.glob("*.docx"))
        start = time.perf_counter()
        errors = convert_all(copies, workers=2)
        batch = (time.perf_counter() - start) / len(copies)
        assert not errors, errors
        print(f"PDF via LibreOffice ({len(docs)} documents):")
        print(f"  one start per document : {single:5.2f} s per document")
        print(f"  batch (2 starts, 2 at once): {batch:5.2f} s per document  ({single / batch:.1f}× faster)")


if __name__ == "__main__":
    main()
