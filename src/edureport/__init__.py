"""edureport: the annual self-evaluation report on how a county government fulfilled its education duties,
from typed data to a GB/T 9704-2012 .docx.

Pipeline (one module per stage): :mod:`~edureport.load` → :mod:`~edureport.model` → :mod:`~edureport.templating`
→ :mod:`~edureport.markup` → :mod:`~edureport.tree` → :mod:`~edureport.writer`; :mod:`~edureport.renderer` runs it.

>>> import edureport
>>> report = edureport.Report(title="关于履行教育职责情况的自查报告",
...                           sections=[edureport.Section("主要做法", paragraphs=["……"])])
>>> edureport.render_docx(report)[:2]
b'PK'
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what type checkers and IDEs see; at run time each name is imported on first use
    from .areas import Areas, FigureRef, Fill, Measure, StatementRef, YearRef
    from .audit import audit_file, audit_report
    from .catalogue import Catalogue, Indicator, Rule, load_catalogue
    from .checks import Finding, run_checks
    from .errors import ConversionError, DataError, EdureportError, LayoutError, OutputError, Problem, TemplateError
    from .load import load_report, loads_report, report_from_data
    from .missing import MissingValuesError
    from .model import Attachment, Colophon, DocNumber, Header, Notice, Report, Section, Signature, Table
    from .profile import Profile, load_profile
    from .quantities import Change, Figure, Value
    from .renderer import (
        Rendered,
        Renderer,
        build_document,
        render,
        render_docx,
        render_html,
        render_pdf,
        render_to_path,
        render_to_stream,
    )
    from .rollover import RolloverLog, rollover_file, rollover_text
    from .schema import report_schema
    from .schemes import Scheme, available_schemes, load_scheme
    from .templating import Limits

__version__ = "0.2.0"

# Public name → the module that defines it. The package imports nothing up front, so `edureport --version` and a
# script that needs only the loader do not pay for Jinja, lxml and python-docx (PEP 562 module __getattr__).
_EXPORTS: dict[str, str] = {
    "Areas": "areas", "FigureRef": "areas", "Fill": "areas", "Measure": "areas", "StatementRef": "areas",
    "YearRef": "areas", "audit_file": "audit", "audit_report": "audit", "Catalogue": "catalogue",
    "Indicator": "catalogue", "Rule": "catalogue", "load_catalogue": "catalogue", "Finding": "checks",
    "run_checks": "checks", "ConversionError": "errors", "DataError": "errors", "EdureportError": "errors",
    "LayoutError": "errors", "OutputError": "errors", "Problem": "errors", "TemplateError": "errors",
    "load_report": "load", "loads_report": "load", "report_from_data": "load", "MissingValuesError": "missing",
    "Attachment": "model", "Colophon": "model", "DocNumber": "model", "Header": "model", "Notice": "model",
    "Report": "model", "Section": "model", "Signature": "model", "Table": "model", "Profile": "profile",
    "load_profile": "profile", "Change": "quantities", "Figure": "quantities", "Value": "quantities",
    "Rendered": "renderer", "Renderer": "renderer", "build_document": "renderer", "render": "renderer", "render_docx": "renderer",
    "render_html": "renderer", "render_pdf": "renderer", "render_to_path": "renderer",
    "render_to_stream": "renderer", "RolloverLog": "rollover", "rollover_file": "rollover",
    "rollover_text": "rollover", "report_schema": "schema", "Scheme": "schemes", "available_schemes": "schemes",
    "load_scheme": "schemes", "Limits": "templating",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        if name.isidentifier() and not name.startswith("_"):
            try:  # a submodule (edureport.errors.DataError after a plain `import edureport`), as before
                return importlib.import_module(f".{name}", __name__)
            except ModuleNotFoundError as e:
                if e.name != f"{__name__}.{name}":
                    raise  # the submodule exists but needs what is not installed: say so
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # the next lookup is an ordinary attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})


__all__ = [
    "Areas",
    "Attachment",
    "Catalogue",
    "Change",
    "Colophon",
    "ConversionError",
    "DataError",
    "DocNumber",
    "EdureportError",
    "Figure",
    "FigureRef",
    "Fill",
    "Finding",
    "Header",
    "Indicator",
    "LayoutError",
    "Limits",
    "Measure",
    "MissingValuesError",
    "Notice",
    "OutputError",
    "Problem",
    "Profile",
    "Rendered",
    "Renderer",
    "Report",
    "RolloverLog",
    "Rule",
    "Scheme",
    "Section",
    "Signature",
    "StatementRef",
    "Table",
    "TemplateError",
    "Value",
    "YearRef",
    "audit_file",
    "audit_report",
    "available_schemes",
    "build_document",
    "load_catalogue",
    "load_profile",
    "load_report",
    "load_scheme",
    "loads_report",
    "render",
    "render_docx",
    "render_html",
    "render_pdf",
    "render_to_path",
    "render_to_stream",
    "report_from_data",
    "report_schema",
    "rollover_file",
    "rollover_text",
    "run_checks",
]
