"""The ``edureport`` command. Messages are Simplified Chinese; exit codes are documented in the README:
0 success, 1 ``check`` found problems, 2 unusable input (data, profile, scheme or command line), 3 template error,
4 output could not be written."""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from . import __version__
from .errors import DataError, EdureportError, OutputError

# Each command imports what it needs when it runs: `edureport --version` and `edureport check` must not pay for
# Jinja, lxml, python-docx and LibreOffice's helpers (start-up is measured with -X importtime in benchmarks/run.py).
if TYPE_CHECKING:
    from .batch import Job, Outcome
    from .checks import Finding
    from .model import Section

EXIT_OK, EXIT_FINDINGS, EXIT_INTERNAL = 0, 1, 5
#: allocations between two young collections while a command runs (Python's default is 700): measured on a one-file
#: render, where the default spends 30–50 ms scanning what the imports made
_GC_THRESHOLD = 50_000
# the others are the error classes' own (errors.py): unusable input 2, a template 3, an output 4
EXIT_INPUT, EXIT_OUTPUT = EdureportError.exit_code, OutputError.exit_code


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"命令行错误：{message}", file=sys.stderr)
        raise SystemExit(EXIT_INPUT)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="edureport", description="把履行教育职责自评数据生成符合 GB/T 9704-2012 的公文 .docx")
    parser.add_argument("--version", action="version", version=f"edureport {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    render = sub.add_parser("render", help="由数据文件（YAML/JSON）生成 .docx")
    render.add_argument("data", nargs="+", help="数据文件；可以给多个")
    render.add_argument("-o", "--output", required=True,
                        help="输出 .docx 文件；给多个数据文件时为输出文件夹（不存在则创建）")
    render.add_argument("--profile", help="自定义版式配置（YAML），覆盖内置 GB/T 9704-2012 配置中的对应项")
    render.add_argument("--templates", action="append", default=[], metavar="DIR",
                        help="自定义模板文件夹，优先于内置模板；可多次给出")
    render.add_argument("--draft", action="store_true",
                        help="生成草稿：缺少的内容显示为黄色底纹的【待填写：…】；不加时缺少内容则拒绝生成并列出")
    render.add_argument("--pdf", action="store_true", help="同时用 LibreOffice 生成 PDF（需已安装 LibreOffice）")
    render.add_argument("--html", action="store_true",
                        help="同时生成用于网站公示的 HTML 网页（公开发布：有密级的文件拒绝生成，不显示份号、密级、紧急程度和签发人）")
    render.add_argument("--published", action="store_true",
                        help="公开发布：.docx 和 PDF 也按公开发布的要求生成（有密级的文件拒绝生成，版头不印份号、密级、紧急程度和签发人）")
    batch = sub.add_parser("batch", help="批量生成：多个数据文件，多个进程同时处理，显示进度和汇总")
    batch.add_argument("data", nargs="+", help="数据文件（YAML/JSON）")
    batch.add_argument("-o", "--output", required=True, help="输出文件夹（不存在则创建）")
    batch.add_argument("--jobs", type=int, help="同时处理的进程数（默认为处理器核数，最多 8）")
    for flag, text in (("--draft", "生成草稿"), ("--pdf", "同时生成 PDF"), ("--html", "同时生成公示用 HTML（有密级的文件拒绝生成）"),
                       ("--published", "公开发布：有密级的文件拒绝生成，版头不印份号、密级、紧急程度和签发人")):
        batch.add_argument(flag, action="store_true", help=text)
    batch.add_argument("--profile", help="自定义版式配置（YAML）")
    batch.add_argument("--templates", action="append", default=[], metavar="DIR", help="自定义模板文件夹")
    check = sub.add_parser("check", help="检查数据：两个只增不减、评价方案的指标要求、疑似单位错误等")
    check.add_argument("data", help="数据文件（YAML/JSON）")
    check.add_argument("--format", choices=("text", "json"), default="text", help="输出格式（json 供其他系统读取）")
    check.add_argument("--templates", action="append", default=[], metavar="DIR", help="自定义模板文件夹（评价方案）")
    roll = sub.add_parser("rollover", help="由上一年的数据生成下一年的数据草稿（保留注释和文字，数字移入“上年”）")
    roll.add_argument("data", help="上一年的数据文件（YAML）")
    roll.add_argument("--year", type=int, required=True,
                      help="新的评价年度（报告所评价的年度，如 2024 年写 2024 年的工作时为 2024）；比原来晚一年以上时会提醒")
    roll.add_argument("-o", "--output", required=True, help="新数据文件（YAML）")
    roll.add_argument("--templates", action="append", default=[], metavar="DIR", help="自定义模板文件夹（评价方案、指标目录）")
    imp = sub.add_parser("import", help="从已有的 Word 报告（.docx）恢复数据（YAML），便于结转到下一年")
    imp.add_argument("docx", help="Word/WPS 保存的 .docx 报告")
    imp.add_argument("-o", "--output", required=True, help="数据文件（YAML）")
    serve = sub.add_parser("serve", help="启动 HTTP 服务（需要 pip install edureport[server]）")
    serve.add_argument("--host", default="127.0.0.1", help="监听地址（默认只在本机）")
    serve.add_argument("--port", type=int, default=8000, help="端口")
    serve.add_argument("--templates", action="append", default=[], metavar="DIR", help="自定义模板文件夹")
    serve.add_argument("--workers", type=int, default=1, metavar="N",
                       help="进程数（默认 1；服务不保存状态，多个进程共用一个端口，通常设为 CPU 核数）")
    schema = sub.add_parser("schema", help="输出数据格式的 JSON Schema")
    schema.add_argument("-o", "--output", help="写入文件（默认输出到屏幕）")
    schema.add_argument("--scheme", help="评价方案名称：按该方案的评价重点和指标生成（默认为通用评价方案）")
    schema.add_argument("--templates", action="append", default=[], metavar="DIR", help="自定义模板文件夹（评价方案、指标目录）")
    fonts = sub.add_parser("fonts", help="列出版式配置各用途的字体、本机是否安装，以及生成 PDF 时使用的替代字体")
    fonts.add_argument("--profile", help="自定义版式配置（YAML），覆盖内置 GB/T 9704-2012 配置中的对应项")
    fonts.add_argument("--json", action="store_true", help="以 JSON 输出（供其他系统读取）")
    return parser


_SEVERITY = {"error": "错误", "warning": "警告", "info": "提示"}


def _print_findings(findings: Sequence[Finding], source: Path | str, stream: TextIO, indent: str = "") -> None:
    for f in findings:
        where = f" 字段 {f.path}" if f.path else ""
        detail = "".join(part for part in (f"（原文：{f.text}" if f.text else "",
                                           f"；建议：{f.fix}" if f.fix else "", "）" if f.text else ""))
        print(f"{indent}{_SEVERITY[f.severity]}：{source}{where}：{f.message}{detail}", file=stream)


def _check(args: argparse.Namespace) -> int:
    import attrs

    from .audit import audit_file
    try:
        findings = audit_file(args.data, args.templates)
    except OSError as e:
        print(f"数据错误：{args.data}：无法读取文件：{e.strerror or e}", file=sys.stderr)
        return EXIT_INPUT
    except EdureportError as e:
        print(e, file=sys.stderr)
        return e.exit_code
    if args.format == "json":
        payload = {"file": str(args.data), "findings": [attrs.asdict(f) for f in findings]}
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        _print_findings(findings, args.data, sys.stdout)
        print(f"共发现 {len(findings)} 个问题" if findings else "未发现问题")
    return EXIT_FINDINGS if findings else EXIT_OK


def _write(path: str | Path, text: str) -> None:
    """Write a text output atomically; a failure is an OutputError (exit code 4)."""
    from .renderer import write_atomic
    try:
        write_atomic(path, text.encode("utf-8"))
    except OSError as e:
        raise OutputError(str(path), e.strerror or str(e)) from None


def _rollover(args: argparse.Namespace) -> int:
    from .rollover import rollover_file
    source, target = Path(args.data), Path(args.output)
    if target.resolve() == source.resolve():
        print("命令行错误：新数据文件不能覆盖上一年的文件，请用 -o 指定另一个文件名", file=sys.stderr)
        return EXIT_INPUT
    try:
        text, log = rollover_file(source, args.year, args.templates)
    except OSError as e:
        print(f"数据错误：{source}：无法读取文件：{e.strerror or e}", file=sys.stderr)
        return EXIT_INPUT
    except DataError as e:
        print(e, file=sys.stderr)
        return EXIT_INPUT
    _write(target, text)
    for warning in log.warnings:
        print(f"提醒：{warning}", file=sys.stderr)
    print(f"已生成 {target}：{len(log.moved)} 项数字移入上年，清空 {len(log.cleared)} 项，新增 {len(log.added)} 项待填写，"
          f"{len(log.review)} 段文字待核对")
    if log.review:
        print("以下段落从上一年带来，含有手写的数字、年份或文号，已标为待核对（review）；更新或确认后删去 review：")
        for path, reason in log.review:
            print(f"  字段 {path}：{reason}")
    if log.stale_years:
        print("以下文字仍写着旧的年份，请核对：")
        for path, excerpt in log.stale_years:
            print(f"  字段 {path}：…{excerpt}…")
    print(f"补齐后生成正式文件；先看草稿：edureport render {target} -o 草稿.docx --draft")
    return EXIT_OK


def _import(args: argparse.Namespace) -> int:
    from .importer import import_to_yaml
    try:
        result, text, report = import_to_yaml(args.docx)  # checked once; a problem names the .docx
    except DataError as e:
        print(e, file=sys.stderr)
        return EXIT_INPUT
    _write(args.output, text)
    headings = sum(1 for section in report.sections for _ in _walk_sections(section))
    print(f"已生成 {args.output}：{headings} 个标题，{len(result.notes)} 处需要核对")
    for note in result.notes:
        print(f"  请核对：{note}")
    return EXIT_OK


def _walk_sections(section: Section) -> Iterator[Section]:
    yield section
    for child in section.sections:
        yield from _walk_sections(child)


def _serve(args: argparse.Namespace) -> int:
    try:
        from .service import serve
    except ImportError:
        print("HTTP 服务需要额外的组件：请先运行 pip install \"edureport[server]\"", file=sys.stderr)
        return EXIT_INPUT
    serve(args.host, args.port, args.templates, workers=args.workers)
    return EXIT_OK


def _schema(args: argparse.Namespace) -> int:
    from .schema import report_schema
    try:
        schema = report_schema(args.scheme, args.templates)
    except DataError as e:
        print(e, file=sys.stderr)
        return EXIT_INPUT
    text = json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
    if args.output:
        _write(args.output, text)
        print(f"已生成 {args.output}")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _jobs(args: argparse.Namespace, many: bool) -> list[Job]:
    from .batch import Job, output_names
    sources = [Path(name) for name in args.data]
    out = Path(args.output)
    if not many and len(sources) == 1 and not args.output.endswith(("/", "\\")) and not out.is_dir():
        if out.suffix.lower() not in (".docx", ".html"):
            raise _UsageError(f"输出文件应以 .docx 或 .html 结尾：{args.output}")
        targets = [out]
    else:
        targets = output_names(sources, out)
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise OutputError(str(out), e.strerror or str(e)) from None
    return [Job(source, target, html=args.html, draft=args.draft, published=args.published, profile=args.profile,
                template_dirs=tuple(args.templates)) for source, target in zip(sources, targets, strict=True)]


class _UsageError(Exception):
    pass


def _render(args: argparse.Namespace, many: bool = False) -> int:
    from .batch import convert_all, default_workers, run
    from .profile import load_profile
    try:
        if args.profile:
            load_profile(args.profile)  # a bad profile is one message, not one per file
        jobs = _jobs(args, many)
    except _UsageError as e:
        print(f"命令行错误：{e}", file=sys.stderr)
        return EXIT_INPUT
    bar = None
    if many:  # a progress bar for a batch (on a terminal); a single render prints one line per file instead
        from tqdm import tqdm
        bar = tqdm(total=len(jobs), unit="份", desc="生成", file=sys.stderr, disable=None)
    done = 0

    def progress(outcome: Outcome) -> None:
        nonlocal done
        done += 1
        if bar is not None:
            bar.update()
        if not many:  # one line per file as it is done
            if outcome.error:
                print(outcome.error, file=sys.stderr)
            else:
                prefix = f"[{done}/{len(jobs)}] " if len(jobs) > 1 else ""
                print(f"{prefix}已生成 {outcome.target}")
                _print_findings(outcome.findings, outcome.source, sys.stderr)

    workers = (args.jobs or default_workers()) if many else 1
    outcomes = run(jobs, workers=workers, progress=progress)
    if bar is not None:
        bar.close()
    failed = [o for o in outcomes if o.error]
    internal = [o for o in outcomes if o.code == EXIT_INTERNAL and o.detail]
    if internal:  # the tracebacks of the files that failed inside edureport, for the maintainer
        print(internal_error("\n\n".join(f"{o.source}:\n{o.detail}" for o in internal)), file=sys.stderr)
    conversion_errors: list[str] = []
    if args.pdf:
        documents = [Path(o.target) for o in outcomes if o.target and o.target.endswith(".docx")]
        conversion_errors = convert_all(documents, workers=workers)
        for error in conversion_errors:
            print(error, file=sys.stderr)
        _font_warnings(documents)
    if many or len(jobs) > 1:  # batch always ends with its summary, even of one file
        print(f"共 {len(jobs)} 个：成功 {len(jobs) - len(failed)} 个，失败 {len(failed)} 个")
        if many:  # each file in the order given: what failed, and what the checks found in what was made
            for o in outcomes:
                if o.error:
                    print(f"  失败：{o.source}：{o.error}")
                elif o.findings:
                    print(f"  {o.source}：已生成 {o.target}，发现 {len(o.findings)} 个问题")
                    _print_findings(o.findings, o.source, sys.stdout, indent="    ")
    if failed:
        return max(o.code for o in failed)
    return EXIT_OUTPUT if conversion_errors else EXIT_OK


def _font_warnings(documents: Sequence[Path]) -> None:
    """Which official fonts the PDFs were not printed in (LibreOffice used stand-ins, or nothing fit)."""
    from .convert import conversion_fonts, find_office
    if documents and find_office() is not None:
        for warning in conversion_fonts(documents).warnings():
            print(warning, file=sys.stderr)


def _fonts(args: argparse.Namespace) -> int:
    from .fontmap import FontStatus, pad, plan_fonts, profile_fonts, role_fonts, width
    from .profile import load_profile
    profile = load_profile(args.profile)
    roles = role_fonts(profile)
    plan = plan_fonts(profile_fonts(profile))

    def state(name: str) -> FontStatus:
        found = plan.status(name)
        assert found is not None  # every font of the profile was planned
        return found

    def describe(status: FontStatus) -> dict[str, object]:
        # installed / pdf are null when fontconfig could not be asked; install: Debian packages to get a stand-in
        return {"font": status.name, "installed": status.installed if plan.checked else None,
                "pdf": status.printed_as if plan.checked else None,
                "standin": status.standin.label if status.standin else None,
                "package": status.standin.package if status.standin else None, "install": list(status.packages)}

    if args.json:
        payload = {"profile": profile.name, "fontconfig": plan.checked,
                   "roles": [{"role": r.role, "label": r.label, "east_asian": describe(state(r.east_asian)),
                              "latin": describe(state(r.latin))} for r in roles],
                   "fonts": [describe(f) for f in plan.fonts], "warnings": plan.warnings()}
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return EXIT_OK

    def installed(status: FontStatus) -> str:
        return "未知" if not plan.checked else "有" if status.installed else "没有"

    def used(status: FontStatus) -> str:
        if not plan.checked:
            return "未知"
        if status.installed:
            return "（本字体）"
        return status.standin.label if status.standin else "无可用替代字体"

    header = ("用途", "中文字体", "本机", "PDF 中使用", "西文字体", "本机", "PDF 中使用")
    rows = [header] + [(r.label, r.east_asian, installed(state(r.east_asian)), used(state(r.east_asian)),
                        r.latin, installed(state(r.latin)), used(state(r.latin))) for r in roles]
    widths = [max(width(row[i]) for row in rows) for i in range(len(header))]
    print(f"版式配置：{profile.name}")
    for row in rows:
        print("  ".join(pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip())
    warnings = plan.warnings()
    if warnings:
        print()
        for warning in warnings:
            print(warning)
        print("说明：.docx 中始终写明规定的字体，在装有这些字体的电脑上用 Word/WPS 打开即按规定字体显示和打印；"
              "替代字体只用于本机生成的 PDF。")
    else:
        print("规定的字体本机都已安装。")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    saved = gc.get_threshold()
    if args.command != "serve":
        # A command is a short process that makes many long-lived objects (modules, classes, compiled templates)
        # and little garbage; Python's cyclic collector, run every 700 allocations, scans them again and again
        # (a tenth of a one-file render). Collect less often while the command runs; restored after, since tests
        # and embedders call main() in their own process. (gc.freeze would keep them out of every later
        # collection of the process, which is not ours to decide.)
        gc.set_threshold(max(saved[0], _GC_THRESHOLD), *saved[1:])
    try:
        return _dispatch(args)
    except BrokenPipeError:  # output piped into a reader that stopped early (| head): not an error
        sys.stdout = open(os.devnull, "w")  # keep Python from failing again when it flushes at exit
        return EXIT_OK
    except KeyboardInterrupt:
        print("已中断", file=sys.stderr)
        return 130
    except Exception:  # the one guard: an error of edureport itself is a clear message, never a traceback
        print(internal_error(), file=sys.stderr)
        return EXIT_INTERNAL
    finally:
        gc.set_threshold(*saved)


def internal_error(detail: str | None = None) -> str:
    """Log ``detail`` (default: the current exception's traceback) for the maintainer and say, in Chinese, where."""
    import tempfile
    import time
    import traceback
    log = Path(tempfile.gettempdir()) / f"edureport-error-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.log"
    try:
        log.write_text(detail if detail is not None else traceback.format_exc(), "utf-8")
        where = f"详细信息已记录在 {log}"
    except OSError:
        where = "详细信息无法写入日志文件"
    return f"内部错误：edureport 自身出错（不是数据的问题），{where}；请把这个文件和数据文件发给维护者"


def _dispatch(args: argparse.Namespace) -> int:
    try:
        if args.command == "render":
            return _render(args)
        if args.command == "batch":
            if args.jobs is not None and args.jobs < 1:
                print("命令行错误：--jobs 至少为 1", file=sys.stderr)
                return EXIT_INPUT
            return _render(args, many=True)
        if args.command == "check":
            return _check(args)
        if args.command == "schema":
            return _schema(args)
        if args.command == "rollover":
            return _rollover(args)
        if args.command == "import":
            return _import(args)
        if args.command == "serve":
            return _serve(args)
        if args.command == "fonts":
            return _fonts(args)
    except EdureportError as e:  # a bad --profile, an output that cannot be written …: the class gives the code
        print(e, file=sys.stderr)
        return e.exit_code
    return EXIT_OK  # pragma: no cover - argparse requires a command
