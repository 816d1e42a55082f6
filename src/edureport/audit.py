"""Everything ``edureport check`` reports about a data file, in one pass: text lint on the raw data, values a final
render needs but the data lacks, the computed checks on the figures, and the length guidance (about 5,000 字).
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

from . import tree
from .checks import Finding, typed_twice
from .lint import lint_data
from .load import report_from_data
from .missing import missing_values
from .model import Report
from .parsing import parse_text, read_data_file
from .render import default_profile, prepare
from .schemes import scheme_for

#: national guidance caps the published self-evaluation report at about 5,000 字
LENGTH_GUIDANCE = 5000
_COUNTED = re.compile(r"[\u4e00-\u9fff0-9A-Za-z]")


def body_length(document: tree.Document) -> int:
    """Characters of the report's text (headings and paragraphs), as a word processor counts 字数."""
    total = 0
    for block in document.blocks:
        if isinstance(block, tree.Heading):
            total += len(_COUNTED.findall(block.label + block.title + tree.plain(block.body)))
        elif isinstance(block, tree.Paragraph):
            total += sum(len(_COUNTED.findall(run.text)) for run in block.runs)
    return total


def audit_report(report: Report, template_dirs: Sequence[str | os.PathLike[str]] = ()) -> list[Finding]:
    """Computed checks and length guidance for a loaded report."""
    checked, scheme = scheme_for(report, template_dirs)
    findings = [Finding("warning", p.path, f"{p.message}，正式生成前需补齐") for p in missing_values(checked, scheme)]
    document, checks = prepare(report, default_profile(), template_dirs)
    findings += checks + typed_twice(checked, scheme)
    length = body_length(document)
    if length > LENGTH_GUIDANCE:
        findings.append(Finding("warning", "", f"正文约{length}字，超过约{LENGTH_GUIDANCE}字的篇幅要求"))
    return findings


def audit_file(path: str | os.PathLike[str], template_dirs: Sequence[str | os.PathLike[str]] = ()) -> list[Finding]:
    """All findings for a data file; raises DataError when it cannot be used at all."""
    source = Path(path)
    data, text, fmt = parse_text(read_data_file(source), str(source), "json" if source.suffix == ".json" else None)
    report = report_from_data(data, str(source), text=text, fmt=fmt, template_dirs=template_dirs)
    return lint_data(data) + audit_report(report, template_dirs)
