"""All exceptions edureport raises, in one small hierarchy.

Each class carries what it means to a caller: the command line's exit code (:attr:`EdureportError.exit_code`, as the
README lists them) and the HTTP service's status (:attr:`EdureportError.http_status`), so no interface keeps its own
table. ``str(error)`` is Simplified Chinese and names where the problem is (file, field path, template line),
because the people reading it edit those files.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import attrs


@attrs.frozen
class Problem:
    """One thing wrong with the input data: where it is (a field path such as ``sections[2].title``) and what."""

    path: str
    message: str
    line: int | None = None  # 1-based line in the source file, when known
    column: int | None = None  # 1-based


class EdureportError(Exception):
    """Base class of every error edureport raises on purpose."""

    #: exit code of the command line: 2 unusable input (data, profile, scheme, command line)
    exit_code: ClassVar[int] = 2
    #: status of the HTTP service: 422 the request's content cannot be used
    http_status: ClassVar[int] = 422


class DataError(EdureportError):
    """The report data cannot be used: syntax, type, range, unknown or missing field, impossible text."""

    def __init__(self, source: str, problems: Sequence[Problem]) -> None:
        self.source = source
        self.problems = tuple(problems)
        super().__init__(self._format())

    def _format(self) -> str:
        lines = []
        for p in self.problems:
            where = self.source
            if p.line is not None:
                where += f" 第{p.line}行" + (f"第{p.column}列" if p.column is not None else "")
            field = f" 字段 {p.path}" if p.path else ""
            lines.append(f"数据错误：{where}{field}：{p.message}")
        return "\n".join(lines)


class TemplateError(EdureportError):
    """A template could not be loaded or rendered; names the template file and line."""

    exit_code = 3
    http_status = 500  # the server's templates, not the request, are at fault

    def __init__(self, message: str, template: str | None, line: int | None) -> None:
        self.message = message
        self.template = template
        self.line = line
        where = template or "（未知模板）"
        if line is not None:
            where += f" 第{line}行"
        super().__init__(f"模板错误：{where}：{message}")


class LayoutError(EdureportError):
    """The document cannot be laid out as the standard and the profile require (e.g. a fifth heading level,
    a profile whose grid does not fit the page)."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(f"版式错误：{message}")


class OutputError(EdureportError):
    """The output file could not be written."""

    exit_code = 4
    http_status = 500

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        super().__init__(f"无法写入 {path}：{reason}")


class ConversionError(EdureportError):
    """A conversion to another format (PDF through LibreOffice) failed or is not available."""

    exit_code = 4
    http_status = 503  # the converter is missing or failing here: another server, or later, may succeed

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(f"转换错误：{message}")


class FieldValueError(ValueError):
    """Raised by model validators: ``path`` is relative to the object being validated (``rows[2][0]``), so the
    loader can join it to the object's own path. ``str()`` reads ``path: message`` for code that builds models."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}")
