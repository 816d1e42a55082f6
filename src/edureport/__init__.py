"""edureport: the annual self-evaluation report on how a county government fulfilled its education duties,
from typed data to a GB/T 9704-2012 .docx.

Pipeline (one module per stage): :mod:`~edureport.load` → :mod:`~edureport.model` → :mod:`~edureport.templating`
→ :mod:`~edureport.markup` → :mod:`~edureport.tree` → :mod:`~edureport.writer`; :mod:`~edureport.render` runs it.

>>> import edureport
>>> report = edureport.Report(title="关于履行教育职责情况的自查报告",
...                           sections=[edureport.Section("主要做法", paragraphs=["……"])])
>>> edureport.render_docx(report)[:2]
b'PK'
"""

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
from .render import (
    Rendered,
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
