"""Shared pieces of the benchmarks: the generated corpus, the same-output docxtpl template, interleaved timing and
RSS measurement. Imported by ``run.py`` (scripts in this folder run with the folder on ``sys.path``).
"""

from __future__ import annotations

import gc
import io
import os
import random
import re
import resource
import statistics
import subprocess
import time
import zipfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from lxml import etree

import edureport

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "000-anyue-2024.yaml"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

# --- the corpus: realistic Chinese report text, deterministic -----------------------------------------------------

_SUBJECTS = ["县政府", "县教育局", "县财政局", "县人力资源和社会保障局", "各乡镇", "全县中小学校", "县教育督导室",
             "县委教育工作领导小组", "各学区", "县教师发展中心", "县自然资源局", "县住房和城乡建设局"]
_ACTIONS = ["认真贯彻落实", "统筹推进", "持续加大投入力度，扎实推进", "建立健全工作机制，深入开展", "对照评价指标逐项落实",
            "坚持问题导向，着力推进", "按照“补短板、强弱项”的思路推进", "多措并举推进", "将其纳入年度重点工作，全面推进"]
_OBJECTS = ["义务教育优质均衡发展", "学前教育普及普惠", "教师队伍建设", "校园安全管理", "“双减”工作", "控辍保学",
            "家庭经济困难学生资助", "学校标准化建设", "教育信息化2.0行动", "县域普通高中振兴", "职业教育产教融合",
            "特殊教育提升计划", "劳动教育和心理健康教育", "校外培训机构治理", "农村薄弱学校改造"]
_RESULTS = ["全年新建、改扩建校舍{a}平方米", "新增学位{a}个", "补充教师{b}名，其中音体美教师{c}名",
            "义务教育巩固率达到{p}%", "学前三年毛入园率达到{p}%", "资助家庭经济困难学生{a}人次，发放资助资金{m}万元",
            "教育支出{m}万元，比上年增长{q}%", "培训校长和教师{a}人次", "建成智慧课堂{b}间",
            "累计排查整改安全隐患{b}处", "消除56人以上大班额{c}个", "实现城乡学校结对帮扶全覆盖"]
_CLOSERS = ["群众满意度进一步提升。", "教育发展基础进一步夯实。", "取得了阶段性成效。", "为来年工作打下了坚实基础。",
            "得到了上级部门的肯定。", "有效促进了教育公平。", "相关工作走在全市前列。"]
_HEADINGS = ["坚持党对教育工作的全面领导", "保障教育优先发展", "促进教育公平", "加强教师队伍建设", "推进素质教育",
             "规范办学行为", "加强学校安全管理", "深化教育综合改革", "推进教育信息化", "落实教育督导职责",
             "改善办学条件", "提高教育质量"]


def paragraph_text(rng: random.Random) -> str:
    """One body paragraph (about 80–200 characters) in the manner of a county's self-evaluation report."""
    clauses = [f"{rng.choice(_SUBJECTS)}{rng.choice(_ACTIONS)}{rng.choice(_OBJECTS)}"]
    for _ in range(rng.randint(2, 4)):
        clauses.append(rng.choice(_RESULTS).format(
            a=rng.randint(120, 98000), b=rng.randint(3, 900), c=rng.randint(1, 60),
            p=f"{rng.uniform(85, 99.9):.1f}", q=f"{rng.uniform(0.5, 12):.2f}", m=f"{rng.uniform(100, 90000):.2f}"))
    return "，".join(clauses) + "，" + rng.choice(_CLOSERS)


def corpus_report(paragraphs: int, seed: int = 9704) -> edureport.Report:
    """A report of exactly ``paragraphs`` body paragraphs: a level-2 heading every 10 paragraphs, a level-1 heading
    over every 10 of those, built in code with edureport.Report/Section."""
    rng = random.Random(seed)
    groups = [tuple(paragraph_text(rng) for _ in range(min(10, paragraphs - start)))
              for start in range(0, paragraphs, 10)]
    sections = []
    for top in range(0, len(groups), 10):
        subs = tuple(edureport.Section(f"{rng.choice(_HEADINGS)}（{top + i + 1}）", paragraphs=group)
                     for i, group in enumerate(groups[top:top + 10]))
        sections.append(edureport.Section(rng.choice(_HEADINGS), sections=subs))
    return edureport.Report(title="关于县政府履行教育职责情况的自评报告", sections=tuple(sections))


def report_yaml(report: edureport.Report) -> str:
    """The corpus report as a data file, written with ruamel.yaml as a user's file would be."""
    from ruamel.yaml import YAML

    def section(s: edureport.Section) -> dict[str, Any]:
        out: dict[str, Any] = {"title": s.title}
        if s.paragraphs:
            out["paragraphs"] = list(s.paragraphs)
        if s.sections:
            out["sections"] = [section(sub) for sub in s.sections]
        return out

    data = {"title": list(report.title) if len(report.title) > 1 else report.title[0], "sections": [section(s) for s in report.sections]}
    buffer = io.StringIO()
    yaml = YAML()
    yaml.width = 4096
    yaml.dump(data, buffer)
    return buffer.getvalue()


# --- the package edureport writes, and docxtpl's template for the same output -----------------------------------

def parts_of(docx: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def zip_floor(parts: Mapping[str, bytes]) -> bytes:
    """The parts zipped with zipfile as edureport stores them (deflate, level 6): no rendering at all."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data,
                             compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
    return buffer.getvalue()


def _qn(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _body_paragraphs(document_xml: bytes) -> tuple[list[etree._Element], etree._Element | None]:
    body = etree.fromstring(document_xml).find(_qn("body"))
    assert body is not None
    return [p for p in body if p.tag == _qn("p")], body.find(_qn("sectPr"))


def _shape(p: etree._Element) -> str:
    """A paragraph's XML with its text left out: two paragraphs of one shape differ only in their text."""
    p = etree.fromstring(etree.tostring(p))
    for t in p.iter(_qn("t")):
        t.text = ""
    return etree.tostring(p, encoding="unicode")


def docxtpl_template(reference: bytes, path: Path) -> list[str]:
    """Write to ``path`` a docxtpl template that reproduces ``reference`` (an edureport .docx of a corpus report)
    for any corpus report: every part but the body is edureport's (styles, settings, fonts, footers, relationships),
    the body is the title paragraph and a loop over the blocks with one ``{%p if %}`` branch per paragraph shape
    (its pStyle and run properties copied from edureport's output), then edureport's section properties. A Word user
    would build the same: one paragraph per style inside a loop. Returns the shapes, indexed as the branches."""
    parts = parts_of(reference)
    paragraphs, sect = _body_paragraphs(parts["word/document.xml"])
    shapes: list[str] = []
    for p in paragraphs:
        runs = p.findall(_qn("r"))
        assert len(runs) == 1 and len(runs[0].findall(_qn("t"))) == 1, "one run of text per paragraph expected"
        if _shape(p) not in shapes:
            shapes.append(_shape(p))

    def with_text(shape: str, expression: str) -> str:
        return re.sub(r"<w:t([^>]*)(?:/>|></w:t>)", rf"<w:t\1>{expression}</w:t>", shape)

    def tag(statement: str) -> str:
        return f'<w:p xmlns:w="{W}"><w:r><w:t>{{%p {statement} %}}</w:t></w:r></w:p>'

    title, *_ = shapes  # the first paragraph is the title
    body = [with_text(title, "{{ title }}"), tag("for b in blocks")]
    for i, shape in enumerate(shapes[1:], start=1):
        body += [tag(f"{'if' if i == 1 else 'elif'} b.shape == {i}"), with_text(shape, "{{ b.text }}")]
    body += [tag("endif"), tag("endfor")]
    assert sect is not None
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{W}" '
                f'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>'
                + "".join(re.sub(r' xmlns:\w+="[^"]*"', "", x) for x in body)
                + re.sub(r' xmlns:\w+="[^"]*"', "", etree.tostring(sect, encoding="unicode"))
                + "</w:body></w:document>")
    etree.fromstring(document.encode())  # well-formed
    parts["word/document.xml"] = document.encode()
    path.write_bytes(zip_floor(parts))
    return shapes


def docxtpl_context(reference: bytes, shapes: list[str]) -> dict[str, Any]:
    """The context for the template: the title and each block's shape and text, read from edureport's output for
    the same report (so docxtpl gets heading numbers ready-made: it does strictly less work)."""
    paragraphs, _ = _body_paragraphs(parts_of(reference)["word/document.xml"])
    texts = ["".join(t.text or "" for t in p.iter(_qn("t"))) for p in paragraphs]
    blocks = [{"shape": shapes.index(_shape(p)), "text": text}
              for p, text in zip(paragraphs[1:], texts[1:], strict=True)]
    return {"title": texts[0], "blocks": blocks}


def comparable(docx: bytes) -> tuple[list[tuple[str, str]], dict[str, bytes]]:
    """What a reader sees of a package: each body paragraph's shape and text, and every other part (canonical XML),
    docProps left out (python-docx rewrites them on save)."""
    parts = parts_of(docx)
    paragraphs, sect = _body_paragraphs(parts.pop("word/document.xml"))
    body = [(_shape(p), "".join(t.text or "" for t in p.iter(_qn("t")))) for p in paragraphs]
    body.append((etree.tostring(sect, method="c14n").decode() if sect is not None else "", ""))
    others = {name: etree.tostring(etree.fromstring(data), method="c14n") for name, data in parts.items()
              if not name.startswith("docProps/") and name not in ("[Content_Types].xml", "_rels/.rels")}
    return body, others


# --- timing -----------------------------------------------------------------------------------------------------

def interleaved(fns: Mapping[str, Callable[[], object]], rounds: int, warmup: int = 1) -> dict[str, list[float]]:
    """Each function once per round, in turn (A, B, A, B, …), after ``warmup`` untimed rounds. Garbage is collected
    before each call and the collector is off during it, as ``timeit`` does, so that a collection caused by one
    side's garbage is not charged to whichever call triggers it."""
    for _ in range(warmup):
        for fn in fns.values():
            fn()
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            gc.collect()
            gc.disable()
            try:
                start = time.perf_counter()
                fn()
                times[name].append(time.perf_counter() - start)
            finally:
                gc.enable()
    return times


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def wall(command: Sequence[str], cwd: Path | None = None) -> float:
    """Wall time of a command run to completion (output discarded); fails loudly if it fails."""
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if done.returncode:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
        raise RuntimeError(f"{Path(command[0]).name} {command[1]} exited with {done.returncode}: " + " / ".join(said))
    return elapsed


# --- memory -----------------------------------------------------------------------------------------------------

_PAGE = os.sysconf("SC_PAGE_SIZE")


def rss() -> int:
    """Resident set size of this process in bytes (Linux /proc, psutil elsewhere)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * _PAGE
    except OSError:
        import psutil

        return int(psutil.Process().memory_info().rss)


def reset_peak() -> bool:
    """Reset the kernel's peak-RSS mark (VmHWM) to the current RSS; False where that is not possible."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def peak_rss() -> int:
    """Peak RSS in bytes since the last :func:`reset_peak` (or since the start, from getrusage)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


# --- is the machine ours? ------------------------------------------------------------------------------------

def machine_busy() -> float:
    """CPU seconds all processors have spent busy since boot (Linux /proc/stat; 0 elsewhere)."""
    try:
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
    except OSError:
        return 0.0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    busy = sum(fields[:8]) - idle  # user nice system idle iowait irq softirq steal
    return busy / os.sysconf("SC_CLK_TCK")


def own_cpu() -> float:
    """CPU seconds of this process and of its children that have been waited for (servers, CLIs, LibreOffice)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


class OtherLoad:
    """The share of one core that other processes (not this one or its waited-for children) use from ``start``."""

    def __init__(self) -> None:
        self.started, self.busy, self.own = time.perf_counter(), machine_busy(), own_cpu()

    def share(self) -> float:
        elapsed = time.perf_counter() - self.started
        others = (machine_busy() - self.busy) - (own_cpu() - self.own)
        return max(0.0, others) / elapsed if elapsed > 0 else 0.0


def wait_idle(limit: float, threshold: float = 0.1) -> float:
    """Wait (up to ``limit`` seconds) until other processes use less than ``threshold`` of a core over 2 s; returns
    the last share seen."""
    deadline = time.perf_counter() + limit
    while True:
        load = OtherLoad()
        time.sleep(2)
        share = load.share()
        if share < threshold or time.perf_counter() >= deadline:
            return share
