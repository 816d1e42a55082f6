"""Everything ``edureport check`` reports about a data file, in one pass: text lint on the raw data, values a final
render needs but the data lacks, the parts the document's type requires, the computed checks on the figures, and the
length guidance (about 5,000 字). Findings are listed in the order of their fields in the data file
(:class:`SourceOrder`), wherever they are shown: ``check``, ``render``, ``batch`` and the service's ``/check``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from .checks import Finding
from .load import report_from_data
from .model import Report
from .parsing import PathPart, parse_path, parse_text, read_data_file
from .renderer import Renderer


def audit_report(report: Report, template_dirs: Sequence[str | os.PathLike[str]] = (), *,
                 renderer: Renderer | None = None) -> list[Finding]:
    """Computed checks and length guidance for a loaded report (:meth:`Renderer.check`)."""
    return (renderer or Renderer(template_dirs=template_dirs)).check(report)


class SourceOrder:
    """Puts findings in the order of their fields in the source file: the place of each field in a walk of the
    parsed data, whose keys and items keep the order they are written in (YAML and JSON alike). A field the file does
    not have is placed at its nearest ancestor that it has; a part missing from the top (a 主送机关 never written)
    and a finding about the whole file come first. Findings at one place keep the order they were made in.

    (The loader's :class:`~edureport.parsing.Locator` gives the same order with line numbers, but it reads the file
    again with the pure-Python round-trip parser, 20–60 ms for an example: as long as rendering it. A walk of the
    data is free.)"""

    def __init__(self, data: Any) -> None:
        self._data = data
        self._index: dict[tuple[PathPart, ...], int] | None = None

    def key(self, path: str) -> int:
        if self._index is None:
            self._index = {}
            _number(self._data, (), self._index)
        parts = parse_path(path)
        for end in range(len(parts), 0, -1):
            if (at := self._index.get(tuple(parts[:end]))) is not None:
                return at
        return 0

    def __call__(self, findings: Iterable[Finding]) -> list[Finding]:
        found = list(findings)
        return sorted(found, key=lambda f: self.key(f.path)) if len(found) > 1 else found


def _number(node: Any, path: tuple[PathPart, ...], index: dict[tuple[PathPart, ...], int]) -> None:
    """Number every field of parsed data in the order of the text, from 1 (0 is the file itself)."""
    items: Iterable[tuple[PathPart, Any]] = (
        node.items() if isinstance(node, Mapping) else enumerate(node) if isinstance(node, list) else ())
    for key, value in items:
        index[(*path, key)] = len(index) + 1
        _number(value, (*path, key), index)


@attrs.frozen
class Source:
    """A data file read once: the parsed data, the report, and the order of its fields."""

    data: Any
    report: Report
    order: SourceOrder


def read_source(path: str | os.PathLike[str], template_dirs: Sequence[str | os.PathLike[str]] = (),
                fmt: str | None = None) -> Source:
    """Read and load a data file as ``fmt`` ('yaml' or 'json'; None: JSON when the text starts like JSON); raises
    DataError when it cannot be used."""
    source = Path(path)
    data, text, fmt = parse_text(read_data_file(source), str(source), fmt)
    report = report_from_data(data, str(source), text=text, fmt=fmt, template_dirs=template_dirs)
    return Source(data, report, SourceOrder(data))


def audit_file(path: str | os.PathLike[str], template_dirs: Sequence[str | os.PathLike[str]] = ()) -> list[Finding]:
    """All findings for a data file, in the order of their fields in it; raises DataError when it cannot be used at
    all."""
    source = read_source(path, template_dirs, "json" if Path(path).suffix == ".json" else None)
    from .lint import lint_data  # its character tables take a while to compile: only when checking
    return source.order(lint_data(source.data) + audit_report(source.report, template_dirs))
