"""edureport against docxtpl on the same paragraphs: the largest example, rendered to .docx bytes in memory.

Both run interleaved in one process (A, B, A, B, …) after a warm-up, so machine noise hits both alike, with garbage
collected between calls rather than inside them (as ``timeit`` does); the script prints each tool's median and the
ratio. The docxtpl template is the plainest fair one: a paragraph loop over the
same texts (it knows nothing of GB/T 9704, headings or numbering, so it does strictly less work).

    python benchmarks/bench_docxtpl.py [--rounds 40] [--example examples/000-anyue-2024.yaml]
"""

from __future__ import annotations

import argparse
import gc
import io
import statistics
import tempfile
import time
from pathlib import Path

import docx
from docxtpl import DocxTemplate

import edureport
from edureport.renderer import build_document, default_profile
from edureport.tree import Heading, Paragraph

ROOT = Path(__file__).resolve().parent.parent


def texts_of(report: edureport.Report) -> list[str]:
    """The paragraphs edureport writes for the report, as plain strings."""
    out = []
    for block in build_document(report).blocks:
        if isinstance(block, Heading):
            out.append(block.label + block.title + "".join(r.text for r in block.body))
        elif isinstance(block, Paragraph):
            out.append("".join(r.text for r in block.runs))
    return out


def docxtpl_template(folder: Path) -> Path:
    template = docx.Document()
    template.add_paragraph("{%p for text in paragraphs %}")
    template.add_paragraph("{{ text }}")
    template.add_paragraph("{%p endfor %}")
    path = folder / "loop.docx"
    template.save(str(path))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--example", default=str(ROOT / "examples" / "000-anyue-2024.yaml"))
    args = parser.parse_args()

    report = edureport.load_report(args.example)
    paragraphs = texts_of(report)
    profile = default_profile()
    with tempfile.TemporaryDirectory() as folder:
        template = docxtpl_template(Path(folder))

        def run_docxtpl() -> bytes:
            doc = DocxTemplate(str(template))
            doc.render({"paragraphs": paragraphs})
            buffer = io.BytesIO()
            doc.save(buffer)
            return buffer.getvalue()

        def run_edureport() -> bytes:
            return edureport.render_docx(report, profile=profile)

        for _ in range(3):  # warm-up: imports, template compilation, caches
            run_docxtpl()
            run_edureport()
        times: dict[str, list[float]] = {"edureport": [], "docxtpl": []}
        for _ in range(args.rounds):
            for name, fn in (("edureport", run_edureport), ("docxtpl", run_docxtpl)):
                # as timeit does: collect garbage between calls, not inside one, so that a collection caused by
                # one tool's garbage is not charged to whichever call happens to trigger it
                gc.collect()
                gc.disable()
                start = time.perf_counter()
                fn()
                times[name].append(time.perf_counter() - start)
                gc.enable()

    ours, theirs = statistics.median(times["edureport"]), statistics.median(times["docxtpl"])
    print(f"example: {Path(args.example).name}  ({len(paragraphs)} paragraphs, {args.rounds} interleaved rounds)")
    print(f"{'tool':<10} {'median ms':>10} {'min ms':>8}")
    for name in ("edureport", "docxtpl"):
        print(f"{name:<10} {statistics.median(times[name]) * 1000:>10.2f} {min(times[name]) * 1000:>8.2f}")
    print(f"ratio edureport/docxtpl: {ours / theirs:.2f}  (target ≤ 0.50)")


if __name__ == "__main__":
    main()
