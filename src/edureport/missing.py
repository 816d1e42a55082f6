"""Values a final render needs and the data does not have yet: the dates and serial a rollover clears, this year's
figures still to be filled in, rectification items without their 整改情况, parts marked ``{fill: …}`` and paragraphs
carried over from last year still waiting for a person's review. A draft shows them as highlighted
【待填写：…】/【待核对：…】; a final render refuses and lists them."""

from __future__ import annotations

from .areas import NO_AREAS, FigureRef, Fill, RectificationBase, Reviewed, StatementRef, locate, parts_of
from .checks import figures
from .errors import DataError, Problem
from .model import Report, iter_paragraphs
from .quantities import Figure
from .schemes import Scheme


class MissingValuesError(DataError):
    """A final render of a report that still lacks values; ``problems`` lists each field."""

    def __init__(self, problems: list[Problem], source: str = "数据") -> None:
        super().__init__(source, problems)


def missing_values(report: Report, scheme: Scheme | None = None) -> list[Problem]:
    """Each missing value as a Problem (field path, what is missing), in the order of the data."""
    problems = []
    if report.header and report.header.doc_number and report.header.doc_number.serial is None:
        problems.append(Problem("header.doc_number.serial", "缺少发文顺序号"))
    for path, paragraph in iter_paragraphs(report):
        if isinstance(paragraph, Reviewed):
            problems.append(Problem(f"{path}.review", f"待核对：{paragraph.review}（修改或确认后删去 review）"))
        base = f"{path}.text" if isinstance(paragraph, Reviewed) else path
        for j, part in enumerate(parts_of(paragraph)):
            if isinstance(part, Fill):
                problems.append(Problem(f"{base}[{j}].fill", f"待填写：{part.fill}"))
            elif isinstance(part, FigureRef) and part.show in ("change", "rate", "verdict"):
                problems += _change_needed(report, part.figure)
            if isinstance(part, (FigureRef, StatementRef)):
                problems += _absent(report, part.figure if isinstance(part, FigureRef) else part.statement,
                                    isinstance(part, StatementRef))
    for path, figure, _unit in figures(report, scheme):
        if figure.current is None and figure.stated_change is None:
            known = "（上年已填）" if figure.previous is not None else ""
            problems.append(Problem(f"{path}.current", f"缺少今年的数字{known}"))
    for key, area in (report.areas or NO_AREAS).items():
        if isinstance(area, RectificationBase):
            problems += [Problem(f"areas.{key}.{where}.actions", "缺少整改情况")
                         for where, item in area.all_items() if not item.actions]
    if report.signature and report.signature.date is None:
        problems.append(Problem("signature.date", "缺少成文日期"))
    if report.colophon and report.colophon.print_date is None:
        problems.append(Problem("colophon.print_date", "缺少印发日期"))
    unique: dict[str, Problem] = {}
    for problem in problems:  # a figure referenced twice is one missing value
        unique.setdefault(problem.path, problem)
    return list(unique.values())


def _absent(report: Report, ref: str, statement: bool) -> list[Problem]:
    """A referenced indicator the data does not hold at all (a yes/no a rollover emptied, a figure not typed)."""
    target = locate(report.areas, ref, statement=statement)
    if not target.indicator:
        return []
    value = getattr((report.areas or NO_AREAS)[target.area], target.name)
    if value is None or value == {}:
        return [Problem(f"areas.{target.area}.{target.name}", "缺少数字（文中引用了它）")]
    return []


def _change_needed(report: Report, ref: str) -> list[Problem]:
    """A reference that states a change needs last year's value or the stated growth of each figure it covers."""
    target = locate(report.areas, ref)
    area = (report.areas or NO_AREAS)[target.area]
    value = area.figures[target.name] if not target.indicator else getattr(area, target.name)
    where = f"areas.{target.area}." + (f"figures.{target.name}" if not target.indicator else target.name)
    if isinstance(value, dict):
        items = [(f"{where}.{k}", v) for k, v in value.items() if target.item is None or k == target.item]
    else:
        items = [(where, value)] if isinstance(value, Figure) else []
    return [Problem(f"{path}.previous", "缺少上年的数（previous）或增幅（stated_change），文中要表述增减")
            for path, figure in items
            if figure.current is not None and figure.previous is None and figure.stated_change is None]


__all__ = ["MissingValuesError", "missing_values"]
