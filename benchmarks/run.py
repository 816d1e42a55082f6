"""Every benchmark of issue 13 in one command, printed as one table: measure | edureport | peer | ratio | target | ok?

    python benchmarks/run.py            # the full run (about 1.5 minutes on an idle 2-core machine)
    python benchmarks/run.py --quick    # a smoke run (under 30 s): few rounds, small batches
    python benchmarks/run.py --only render,memory   # some groups: render load cli batch pdf service memory
    python benchmarks/run.py --wait-idle 300        # on a shared machine: wait for quiet before each group

How each number is taken:

* render — edureport ``render_docx`` of a report built in code (N body paragraphs of generated Chinese report text,
  a level-2 heading every 10 paragraphs, a level-1 heading over every 10 of those) against docxtpl rendering a
  template made from edureport's own output for that report: edureport's styles, settings, fonts and footers, and a
  body loop with one ``{%p if %}`` branch per paragraph shape (pStyle and run properties copied), autoescape on,
  then saved to bytes. Both outputs are checked to be the same paragraphs, styles and parts before timing. The zip
  floor is zipfile writing edureport's parts (deflate, level 6) with no rendering at all.
* load — ``edureport.load_report`` of a YAML file against ``render_docx`` of the report it gives.
* All in-process times: the functions run interleaved (A, B, A, B, …) after a warm-up round, garbage collected
  between calls and not during one (as ``timeit``); the table shows medians.
* cli — wall time of subprocesses, interleaved, medians: ``edureport --version``, ``edureport render example -o
  x.docx`` and ``python -c "import docx"``.
* batch — wall time of ``edureport batch FILES -o DIR --jobs 1`` and ``--jobs 2`` (the command users run, start-up
  included), alternating; throughput is files per second, medians.
* pdf — LibreOffice (when installed): ``edureport.render_pdf`` of the example, one start per document; and the
  batch path (``convert_all``, 2 converters, many files per start). Seconds per document; no target.
* service — ``edureport serve`` on loopback, 8 client threads sending the example as JSON to POST /render (a new
  connection per request); requests per second (median over rounds), p50 and p99 latency over all requests.
  1 worker against 2 when ``serve --workers`` exists; otherwise the 1-worker line only.
* memory — peak RSS growth during one render of 10,000 paragraphs, each side in a fresh Python process (so lxml's
  C allocations count): RSS before the render (after imports, the input and a small warm-up render) against the
  kernel's peak mark (VmHWM, reset before the render).
* others — the share of one core that other processes on the machine used while the row's group ran (from
  /proc/stat, less this process's and its children's CPU time). Above 10 % the row is not an idle machine's number:
  parallel measures (batch, service, PDF batch) suffer first.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import http.client
import io
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import harness
from harness import EXAMPLE, ROOT, interleaved, median

EXAMPLE_TEMPLATES = ROOT / "examples" / "templates"  # the city and 12-area examples' schemes

GROUPS = ("render", "load", "cli", "batch", "pdf", "service", "memory")


class Table:
    """The rows of the one table; each measure adds its rows as it finishes (printed at the end). The last column
    is the share of a core that other processes on the machine used while the row's group ran."""

    def __init__(self) -> None:
        self.rows: list[list[str]] = []

    def add(self, measure: str, ours: str, peer: str, ratio: float | None = None, target: str = "—",
            ok: bool | None = None) -> None:
        self.rows.append([measure, ours, peer, "—" if ratio is None else f"{ratio:.2f}×", target,
                          "—" if ok is None else ("yes" if ok else "NO"), ""])
        print("  " + " | ".join(self.rows[-1][:6]), flush=True)

    def others(self, first: int, share: float) -> None:
        """Rows from ``first`` on were measured while other processes used ``share`` of a core."""
        for row in self.rows[first:]:
            row[6] = f"{share:.0%}"

    def print(self) -> None:
        header = ["measure", "edureport", "peer", "ratio", "target", "ok?", "others"]
        widths = [max(len(r[i]) for r in [header, *self.rows]) for i in range(len(header))]
        line = "  ".join("-" * w for w in widths)
        print("\n" + "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip())
        print(line)
        for row in self.rows:
            print("  ".join(c.rjust(w) if i in (3, 6) else c.ljust(w)
                            for i, (c, w) in enumerate(zip(row, widths, strict=True))).rstrip())


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def s(seconds: float) -> str:
    return f"{seconds:.3f} s"


# --- render: edureport against docxtpl, and against the zip floor -------------------------------------------------

def render_size(table: Table, n: int, rounds: int, folder: Path) -> None:
    from docxtpl import DocxTemplate

    import edureport

    report = harness.corpus_report(n)
    reference = edureport.render_docx(report)
    template = folder / f"docxtpl-{n}.docx"
    shapes = harness.docxtpl_template(reference, template)
    context = harness.docxtpl_context(reference, shapes)

    def run_docxtpl() -> bytes:
        doc = DocxTemplate(str(template))
        doc.render(context, autoescape=True)
        buffer = io.BytesIO()
        doc.save(buffer)
        return buffer.getvalue()

    if harness.comparable(run_docxtpl()) != harness.comparable(reference):
        raise RuntimeError(f"docxtpl's output at {n} paragraphs differs from edureport's: the comparison is unfair")
    parts = harness.parts_of(reference)
    fns: dict[str, Callable[[], object]] = {"edureport": lambda: edureport.render_docx(report),
                                            "docxtpl": run_docxtpl}
    if n == 1000:
        fns["zip"] = lambda: harness.zip_floor(parts)
    times = interleaved(fns, rounds)
    ours, theirs = median(times["edureport"]), median(times["docxtpl"])
    table.add(f"render {n:,} paragraphs vs docxtpl", ms(ours), f"{ms(theirs)} docxtpl", ours / theirs,
              "≤ 0.50×", ours / theirs <= 0.5)
    if n == 1000:
        floor = median(times["zip"])
        table.add("render 1,000 paragraphs vs zip floor", ms(ours), f"{ms(floor)} zipfile", ours / floor,
                  "≤ 4.0×", ours / floor <= 4.0)


def bench_render(table: Table, quick: bool, folder: Path) -> None:
    for n, rounds in ({100: 8, 1000: 4, 10000: 1} if quick else {100: 50, 1000: 20, 10000: 7}).items():
        render_size(table, n, rounds, folder)


# --- load: reading the YAML against rendering what it gives -----------------------------------------------------

def bench_load(table: Table, quick: bool, folder: Path) -> None:
    import edureport

    generated = folder / "corpus-1000.yaml"
    generated.write_text(harness.report_yaml(harness.corpus_report(1000)), "utf-8")
    for name, path, count in (("example 000", EXAMPLE, 8 if quick else 40),
                              ("1,000 paragraphs", generated, 3 if quick else 15)):
        report = edureport.load_report(path)
        times = interleaved({"load": lambda: edureport.load_report(path),  # noqa: B023 - called in this iteration
                             "render": lambda: edureport.render_docx(report)}, count)  # noqa: B023
        load, render = median(times["load"]), median(times["render"])
        table.add(f"load YAML, {name}, vs its render", ms(load), f"{ms(render)} render", load / render,
                  "≤ 1.0×", load / render <= 1.0)


# --- cli: start-up and a whole render, as subprocesses ---------------------------------------------------------

def edureport_command() -> list[str]:
    script = Path(sys.executable).parent / "edureport"
    if script.exists():
        return [str(script)]
    found = shutil.which("edureport")
    return [found] if found else [sys.executable, "-m", "edureport"]


def imported_names(arguments: list[str]) -> list[str]:
    """Every module ``python -X importtime ARGUMENTS`` imports (tried imports that failed included), in the order
    the import-time report lists them."""
    done = subprocess.run([sys.executable, "-X", "importtime", *arguments], stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, check=True)
    return [line.split("|")[2].strip() for line in done.stderr.splitlines()
            if line.startswith("import time:") and "|" in line and not line.rstrip().endswith("package")]


def dependency_floor(render_arguments: list[str]) -> list[str]:
    """A command importing everything a CLI render imports now except edureport's own modules (the libraries and the
    standard library modules it uses), and nothing that a bare interpreter imports anyway: what the render would
    cost if edureport's code took no time at all and imported what it imports today (importing less would lower
    it)."""
    startup = set(imported_names(["-c", "pass"]))
    names = [name for name in imported_names(["-m", "edureport", *render_arguments])
             if name.split(".")[0] != "edureport" and name not in startup]
    if not names:  # an interpreter without -X importtime: no floor rather than a bare start called one
        raise RuntimeError("python -X importtime listed no module: the floor cannot be measured here")
    script = ("import importlib\n"
              f"for name in {sorted(set(names), key=names.index)!r}:\n"
              "    try:\n        importlib.import_module(name)\n"
              "    except ImportError:\n        pass\n")  # tried by a library and not found: tried here too
    return [sys.executable, "-c", script]


def bench_cli(table: Table, quick: bool, folder: Path) -> None:
    exe = edureport_command()
    out = folder / "cli.docx"
    render_arguments = ["render", str(EXAMPLE), "-o", str(out)]
    commands = {"version": [*exe, "--version"],
                "render": [*exe, *render_arguments],
                "floor": dependency_floor(render_arguments),
                "import docx": [sys.executable, "-c", "import docx"],
                "python": [sys.executable, "-c", "pass"]}
    rounds = 3 if quick else 12
    for command in commands.values():  # warm-up: bytecode caches, the page cache
        harness.wall(command)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, command in commands.items():
            times[name].append(harness.wall(command))
    version, render, floor, docx, python = (median(times[k])
                                            for k in ("version", "render", "floor", "import docx", "python"))
    table.add("CLI edureport --version", s(version), f"{s(python)} python -c pass", None, "≤ 0.100 s",
              version <= 0.1)
    table.add("CLI render example 000 vs import docx", s(render), f"{s(docx)} import docx", render / docx,
              "≤ 2.5×", render / docx <= 2.5)
    # the libraries the render imports now, imported alone: what edureport's own code adds is the rest
    table.add("  its libraries' imports alone vs import docx", s(floor), f"{s(docx)} import docx", floor / docx)


# --- batch: 1 job against 2 ----------------------------------------------------------------------------------

def bench_batch(table: Table, quick: bool, folder: Path) -> None:
    from bench_batch import make_inputs

    files, rounds = (16, 1) if quick else (200, 3)
    inputs_dir = folder / "batch-in"
    inputs_dir.mkdir()
    inputs = [str(p) for p in make_inputs(inputs_dir, files)]
    exe = edureport_command()
    times: dict[int, list[float]] = {1: [], 2: []}
    for _ in range(rounds):
        for jobs in (1, 2):
            out = folder / f"batch-out-{jobs}"
            shutil.rmtree(out, ignore_errors=True)
            times[jobs].append(harness.wall([*exe, "batch", *inputs, "-o", str(out), "--jobs", str(jobs),
                                               "--templates", str(EXAMPLE_TEMPLATES)]))
    one, two = files / median(times[1]), files / median(times[2])
    table.add(f"batch {files} files, 2 jobs vs 1 (files/s)", f"{two:.1f}/s", f"{one:.1f}/s 1 job", two / one,
              "≥ 1.7× (ours)", two / one >= 1.7)


# --- pdf: seconds per document through LibreOffice --------------------------------------------------------------

def bench_pdf(table: Table, quick: bool, folder: Path) -> None:
    import edureport
    from edureport.batch import convert_all
    from edureport.convert import find_office

    if find_office() is None:
        table.add("PDF per document (LibreOffice)", "n/a", "not installed")
        return
    report = edureport.load_report(EXAMPLE)
    singles, batch = (1, 2) if quick else (3, 8)
    if not quick:
        edureport.render_pdf(report)  # warm-up: LibreOffice's own files into the page cache
    times = []
    for _ in range(singles):
        start = time.perf_counter()
        pdf = edureport.render_pdf(report)
        times.append(time.perf_counter() - start)
        assert pdf[:4] == b"%PDF"
    table.add("PDF per document, one start each", s(median(times)), "—")
    batch_dir = folder / "pdf-batch"
    batch_dir.mkdir()
    docx = edureport.render_docx(report)
    documents = [batch_dir / f"{i:02d}.docx" for i in range(batch)]
    for document in documents:
        document.write_bytes(docx)
    start = time.perf_counter()
    errors = convert_all(documents, workers=2)
    elapsed = time.perf_counter() - start
    assert not errors, errors
    table.add(f"PDF per document, batch of {batch} (2 converters)", s(elapsed / batch), "—")


# --- service: 1 worker against 2 under 8 concurrent clients -----------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(workers: int | None) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    command = [*edureport_command(), "serve", "--host", "127.0.0.1", "--port", str(port)]
    if workers is not None:
        command += ["--workers", str(workers)]
    # a session of its own, so that stopping it stops any worker processes it starts
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    for _ in range(300):  # up to 30 s
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/health")
            if connection.getresponse().status == 200:
                connection.close()
                return server, port
        except OSError:
            pass
        if server.poll() is not None:
            raise RuntimeError(f"edureport serve exited with {server.returncode}")
        time.sleep(0.1)
    stop_server(server)
    raise RuntimeError("edureport serve did not answer within 30 s")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the server's process group (the server and its workers), SIGKILL after 10 s."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(server.pid, sig)
        except ProcessLookupError:
            return
        try:
            server.wait(timeout=10)
            return
        except subprocess.TimeoutExpired:
            continue


def load_round(port: int, body: bytes, requests: int, clients: int = 8) -> tuple[float, list[float], int]:
    """``requests`` POST /render from ``clients`` threads; returns the elapsed time, each latency, the errors."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    left = [requests]

    def client() -> None:
        nonlocal errors
        while True:
            with lock:
                if left[0] == 0:
                    return
                left[0] -= 1
            start = time.perf_counter()
            ok = False
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                connection.request("POST", "/render", body, {"Content-Type": "application/json"})
                response = connection.getresponse()
                ok = response.status == 200 and response.read()[:2] == b"PK"
                connection.close()
            except OSError:
                pass
            elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)
                errors += not ok

    threads = [threading.Thread(target=client) for _ in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start, latencies, errors


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def bench_service(table: Table, quick: bool, folder: Path) -> None:
    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        table.add("service (edureport[server])", "n/a", "not installed")
        return
    from edureport.parsing import parse_text

    data, _, _ = parse_text(EXAMPLE.read_bytes(), str(EXAMPLE))
    body = json.dumps(data, ensure_ascii=False, default=str).encode("utf-8")
    help_text = subprocess.run([*edureport_command(), "serve", "--help"], capture_output=True, text=True).stdout
    has_workers = "--workers" in help_text
    variants: list[int | None] = [1, 2] if has_workers else [None]
    requests, rounds = (24, 1) if quick else (120, 3)
    servers = {}
    try:
        for workers in variants:
            servers[workers] = start_server(workers)
        for workers, (_, port) in servers.items():  # warm-up: every worker compiles its templates
            load_round(port, body, 16 * (workers or 1))
        results: dict[int | None, tuple[list[float], list[float], int]] = {w: ([], [], 0) for w in variants}
        for _ in range(rounds):
            for workers, (_, port) in servers.items():
                elapsed, latencies, errors = load_round(port, body, requests)
                rates, all_latencies, all_errors = results[workers]
                rates.append(requests / elapsed)
                all_latencies.extend(latencies)
                results[workers] = (rates, all_latencies, all_errors + errors)
    finally:
        for server, _ in servers.values():
            stop_server(server)

    def cell(workers: int | None) -> tuple[float, str]:
        rates, latencies, errors = results[workers]
        rate = median(rates)
        text = (f"{rate:.1f}/s p50 {percentile(latencies, 0.5) * 1000:.0f} ms "
                f"p99 {percentile(latencies, 0.99) * 1000:.0f} ms")
        return rate, text + (f" ({errors} errors)" if errors else "")

    if has_workers:
        (one, one_text), (two, two_text) = cell(1), cell(2)
        table.add("service, 8 clients, 2 workers vs 1", two_text, f"{one_text} 1 worker", two / one, "≥ 1.7×",
                  two / one >= 1.7 and not results[1][2] and not results[2][2])
    else:
        _, text = cell(None)
        table.add("service, 8 clients, 1 worker", text, "—")
        table.add("service, 2 workers vs 1", "n/a (no --workers)", "—", None, "≥ 1.7×")


# --- memory: peak RSS growth of one render, each side in a fresh process ------------------------------------------

def memory_child(side: str, folder: Path) -> None:
    """Runs in a fresh interpreter: prints the RSS before the render and the peak during it, in bytes, as JSON."""
    if side == "edureport":
        import edureport

        report = harness.corpus_report(10000)
        edureport.render_docx(harness.corpus_report(10))  # warm-up: templates compiled, profile read

        def run() -> bytes:
            return edureport.render_docx(report)
    else:
        from docxtpl import DocxTemplate

        context = json.loads((folder / "context.json").read_text("utf-8"))
        template = str(folder / "template.docx")
        small = {"title": context["title"], "blocks": context["blocks"][:10]}

        def render(ctx: dict[str, Any]) -> bytes:
            doc = DocxTemplate(template)
            doc.render(ctx, autoescape=True)
            buffer = io.BytesIO()
            doc.save(buffer)
            return buffer.getvalue()

        render(small)

        def run() -> bytes:
            return render(context)
    gc.collect()
    if not harness.reset_peak():
        raise RuntimeError("cannot reset the peak RSS mark (/proc/self/clear_refs)")
    before = harness.rss()
    data = run()
    peak = harness.peak_rss()
    print(json.dumps({"before": before, "peak": peak, "after": harness.rss(), "bytes": len(data)}))


def bench_memory(table: Table, quick: bool, folder: Path) -> None:
    import edureport

    reference = edureport.render_docx(harness.corpus_report(10000))
    shapes = harness.docxtpl_template(reference, folder / "template.docx")
    (folder / "context.json").write_text(json.dumps(harness.docxtpl_context(reference, shapes), ensure_ascii=False),
                                         "utf-8")
    growth: dict[str, list[float]] = {"edureport": [], "docxtpl": []}
    for _ in range(1 if quick else 3):
        for side in growth:
            result = subprocess.run([sys.executable, __file__, "--memory-child", side, str(folder)],
                                    check=True, capture_output=True, text=True)
            values = json.loads(result.stdout)
            growth[side].append((values["peak"] - values["before"]) / 2**20)
    ours, theirs = median(growth["edureport"]), median(growth["docxtpl"])
    table.add("memory, peak RSS growth, 10,000 paragraphs", f"{ours:.1f} MB", f"{theirs:.1f} MB docxtpl",
              ours / theirs, "≤ 1.0×", ours / theirs <= 1.0)


# --- the whole run ----------------------------------------------------------------------------------------------

def machine() -> str:
    model = ""
    try:
        model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                      if line.startswith("model name")), "")
    except OSError:
        pass
    import docxtpl

    import edureport

    return (f"{datetime.date.today().isoformat()}, {os.cpu_count()} cores{', ' + model if model else ''}, "
            f"Python {platform.python_version()}, edureport {edureport.__version__}, docxtpl {docxtpl.__version__}")


def compiled_as_installed() -> None:
    """Write the bytecode of edureport's modules, as pip does when it installs a wheel. An editable install, or a
    shell with PYTHONDONTWRITEBYTECODE set, would otherwise compile every changed module from source at every start
    of every command measured (about 50 ms), which no installed copy does."""
    import compileall

    import edureport
    folder = Path(edureport.__file__).parent
    if not compileall.compile_dir(str(folder), quiet=1):
        print(f"note: could not write the bytecode of {folder}; start-up times include compiling it", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a smoke run: few rounds, small batches (< 30 s)")
    parser.add_argument("--only", help=f"comma-separated groups to run: {','.join(GROUPS)}")
    parser.add_argument("--wait-idle", type=float, default=0, metavar="SECONDS",
                        help="before each group, wait up to SECONDS for other processes to leave the machine idle")
    parser.add_argument("--memory-child", nargs=2, metavar=("SIDE", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        memory_child(args.memory_child[0], Path(args.memory_child[1]))
        return
    groups = args.only.split(",") if args.only else list(GROUPS)
    unknown = set(groups) - set(GROUPS)
    if unknown:
        parser.error(f"unknown group(s): {', '.join(sorted(unknown))}; choose from {', '.join(GROUPS)}")
    print(machine() + (" — quick run" if args.quick else ""), flush=True)
    compiled_as_installed()
    table = Table()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="edureport-bench-") as tmp:
        for group in GROUPS:
            if group not in groups:
                continue
            if args.wait_idle:
                harness.wait_idle(args.wait_idle)
            print(f"[{group}]", flush=True)
            folder = Path(tmp) / group
            folder.mkdir()
            first, load = len(table.rows), harness.OtherLoad()
            try:
                globals()[f"bench_{group}"](table, args.quick, folder)
            except Exception as e:  # one group's failure is a row of the table, not the end of the run
                table.add(f"{group}: FAILED", f"{type(e).__name__}: {e}"[:200], "—")
            table.others(first, load.share())
    table.print()
    print(f"\n{time.perf_counter() - started:.0f} s in all; times are medians; ratio = edureport / peer; others: "
          "the share of one core other processes on this machine used meanwhile")
    failed = [row[0] for row in table.rows if row[0].endswith("FAILED")]
    if failed:
        print(f"{len(failed)} group(s) failed: see their rows")
    busy = [row[0] for row in table.rows if float(row[6].rstrip("%")) > 10]
    if busy:
        print(f"not an idle machine while measuring {len(busy)} row(s) (others > 10%): run again "
              "(--wait-idle 300 waits for quiet before each group)")


if __name__ == "__main__":
    main()
