"""Cost against size: reports of 10 to 10,000 paragraphs and tables of 10 to 2,000 rows, rendered to .docx in memory.
Prints time and peak Python memory (tracemalloc) per size, and the cost per paragraph at 10,000 against 100
(target: within 1.2×).

    python benchmarks/bench_scaling.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import gc
import time
import tracemalloc

import edureport

TEXT = "根据有关要求，县政府组织相关部门对照评价指标逐项开展自评，现将有关情况报告如下，请审阅。"  # 44 字


def paragraphs_report(n: int) -> edureport.Report:
    per_section = 10
    sections = [edureport.Section(f"第{i + 1}部分", paragraphs=[f"{TEXT}（{i}-{j}）" for j in range(per_section)])
                for i in range(max(1, n // per_section))]
    return edureport.Report(title="关于履行教育职责情况的自评报告", sections=sections)


def table_report(rows: int) -> edureport.Report:
    table = edureport.Table(columns=["指标", "2022年", "2023年", "增长率"],
                            rows=[[f"指标{i}", str(1000 + i), str(1100 + i), "10.00%"] for i in range(rows)])
    return edureport.Report(title="报告", attachments=[edureport.Attachment("指标表", tables=[table])])


def measure(report: edureport.Report, rounds: int) -> tuple[float, float]:
    edureport.render_docx(report)  # warm-up
    best = float("inf")
    for _ in range(rounds):
        gc.collect()
        start = time.perf_counter()
        edureport.render_docx(report)
        best = min(best, time.perf_counter() - start)
    gc.collect()
    tracemalloc.start()
    edureport.render_docx(report)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return best, peak / 1024 / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    per: dict[int, float] = {}
    print(f"{'paragraphs':>10} {'time ms':>9} {'µs/para':>8} {'peak MB':>8}")
    for n in (10, 100, 1000, 10000):
        seconds, peak = measure(paragraphs_report(n), args.rounds)
        per[n] = seconds / n
        print(f"{n:>10} {seconds * 1000:>9.1f} {per[n] * 1e6:>8.1f} {peak:>8.1f}")
    print(f"cost per paragraph at 10,000 / at 100: {per[10000] / per[100]:.2f}  (target ≤ 1.20)")
    print(f"{'table rows':>10} {'time ms':>9} {'µs/row':>8} {'peak MB':>8}")
    rows_per: dict[int, float] = {}
    for rows in (10, 100, 500, 2000):
        seconds, peak = measure(table_report(rows), args.rounds)
        rows_per[rows] = seconds / rows
        print(f"{rows:>10} {seconds * 1000:>9.1f} {rows_per[rows] * 1e6:>8.1f} {peak:>8.1f}")
    print(f"cost per row at 2,000 / at 100: {rows_per[2000] / rows_per[100]:.2f}")


if __name__ == "__main__":
    main()
