"""Values a final render needs and the data does not have yet: the dates and serial a rollover clears, this year's
figures still to be filled in, rectification items without their 整改情况, parts marked ``{fill: …}`` and paragraphs
carried over from last year still waiting for a person's review. A draft shows them as highlighted
【待填写：…】/【待核对：…】; a final render refuses and lists them.

Also the parts a document of its type must have (:func:`incomplete`): a 报告 needs its 主送机关, 署名 and 成文日期, and
an upward document (上行文) with a 版头 its 签发人. These are findings, listed by ``check`` and by every render."""

from __future__ import annotations

import re

from .areas import NO_AREAS, FigureRef, Fill, RectificationBase, Reviewed, StatementRef, locate, parts_of
from .checks import Finding, figures
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
        if isinstance(paragraph, str):  # plain text (most paragraphs) holds no value to fill in
            continue
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


#: a title's closing remark on the state of the text, not part of its 文种: （征求意见稿）, （公示稿）, (送审稿)
_DRAFT_REMARK = re.compile(r"\s*[（(][^（）()]*[）)]\s*$")
#: 文种 sent to a higher organ (《党政机关公文处理工作条例》第八条: 报告 and 请示 go to 上级机关)
UPWARD_TYPES = ("报告", "请示")


def document_type(report: Report) -> str | None:
    """The 文种 a report's title declares: the title (its lines joined, a closing （征求意见稿） or the like left off)
    ends with it, after at least one character of 事由 (a title that is only “报告” names no document). 报告 and 请示
    are known; anything else is None."""
    title = _DRAFT_REMARK.sub("", "".join(report.title).strip())
    return next((kind for kind in UPWARD_TYPES if title.endswith(kind) and len(title) > len(kind)), None)


def is_upward(report: Report) -> bool:
    """Whether the document goes to a higher organ (上行文): its 文种 is 报告 or 请示. (The 主送机关 is not read for
    this: an organ's name does not reliably give its level — 县级市, the 区 of a 直辖市.)"""
    return document_type(report) in UPWARD_TYPES


def incomplete(report: Report) -> list[Finding]:
    """The parts a document of its type lacks (GB/T 9704-2012), each with the path of the missing part and, as its
    text, the title that declares the type: a 报告 needs a 主送机关 (7.3.2), a 署名 (7.3.5; the 发文机关标志 of its
    版头 names the issuing organ too) and a 成文日期 (7.3.5; a signature whose date is still empty is a missing value
    instead, see :func:`missing_values`); an upward document with a 版头 needs its 签发人 (7.2.6)."""
    kind = document_type(report)
    title = "".join(report.title)
    found: list[Finding] = []

    def lacks(path: str, message: str, fix: str) -> None:
        found.append(Finding("error", path, message, text=title, fix=fix))

    if kind == "报告":
        if report.addressee is None:
            lacks("addressee", "报告缺少主送机关（GB/T 9704-2012 7.3.2）", "填写 addressee，如“市人民政府教育督导委员会”")
        if (report.signature is None or report.signature.issuer is None) and report.header is None:
            lacks("signature.issuer", "报告缺少发文机关署名（GB/T 9704-2012 7.3.5）", "在 signature 中填写 issuer（发文机关名称）")
        if report.signature is None:
            lacks("signature.date", "报告缺少成文日期（GB/T 9704-2012 7.3.5）", "填写 signature: {date: 年-月-日}")
    if report.header is not None and report.header.signer is None and is_upward(report):
        lacks("header.signer", f"{kind}是上行文，版头缺少签发人（GB/T 9704-2012 7.2.6：上行文应当标注签发人姓名）",
              "在 header 中填写 signer（签发人姓名）")
    return found


__all__ = ["MissingValuesError", "document_type", "incomplete", "is_upward", "missing_values"]
