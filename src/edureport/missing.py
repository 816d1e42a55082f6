"""Values a final render needs and the data does not have yet: the dates and serial a rollover clears, this year's
figures still to be filled in, rectification items without their 整改情况. A draft shows them as highlighted
【待填写：…】 placeholders; a final render refuses and lists them."""

from __future__ import annotations

from .areas import Rectification
from .checks import figures
from .errors import DataError, Problem
from .model import Report
from .quantities import AmountPair, RatePair


class MissingValuesError(DataError):
    """A final render of a report that still lacks values; ``problems`` lists each field."""

    def __init__(self, problems: list[Problem], source: str = "数据") -> None:
        super().__init__(source, problems)


def missing_values(report: Report) -> list[Problem]:
    """Each missing value as a Problem (field path, what is missing)."""
    problems = []
    if report.header and report.header.doc_number and report.header.doc_number.serial is None:
        problems.append(Problem("header.doc_number.serial", "缺少发文顺序号"))
    if report.signature and report.signature.date is None:
        problems.append(Problem("signature.date", "缺少成文日期"))
    if report.colophon and report.colophon.print_date is None:
        problems.append(Problem("colophon.print_date", "缺少印发日期"))
    for path, figure in figures(report.areas):
        if isinstance(figure, (AmountPair, RatePair)) and figure.current is None and figure.stated_change is None:
            known = "（上年已填）" if figure.previous is not None else ""
            problems.append(Problem(f"{path}.current", f"缺少今年的数字{known}"))
    rectification = report.areas.rectification if report.areas else None
    if isinstance(rectification, Rectification):
        items = [(f"areas.rectification.items[{i}]", item) for i, item in enumerate(rectification.items)]
        items += [(f"areas.rectification.groups[{g}].items[{i}]", item)
                  for g, group in enumerate(rectification.groups) for i, item in enumerate(group.items)]
        problems += [Problem(f"{path}.actions", "缺少整改情况") for path, item in items if not item.actions]
    return problems


__all__ = ["MissingValuesError", "missing_values"]
