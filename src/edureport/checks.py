"""Computed checks on a report's figures: 两个只增不减, the scheme's thresholds, and magnitudes that look like unit
slips. Each result is a :class:`Finding` with a severity and the field path, for templates and the command line."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

import attrs

from .areas import STAGE_NAMES, STAGES, Funding
from .formatting import growth, number
from .model import Report
from .quantities import AmountPair, Money, RatePair
from .schemes import Scheme

Severity = Literal["error", "warning", "info"]

#: a year-on-year ratio beyond this is almost certainly a unit slip (142.689万元 for 142689万元)
MAGNITUDE = Decimal(100)


@attrs.frozen
class Finding:
    """One problem: how serious, where (field path), what; for text problems also the offending text and a fix."""

    severity: Severity
    path: str
    message: str
    text: str = ""
    fix: str = ""


def two_no_decrease(funding: Funding, base: str = "areas.funding") -> list[Finding]:
    """两个只增不减: the general public budget for education, and per-student spending at each stage, must not fall."""
    findings = []
    if funding.total is not None and (change := funding.total.change()) is not None and change.value < 0:
        findings.append(Finding("error", f"{base}.total",
                                f"一般公共预算教育经费{growth(change)}，未做到“两个只增不减”"))
    for stage in STAGES:
        pair = funding.per_student.get(stage)  # type: ignore[call-overload]
        if pair is not None and (change := pair.change()) is not None and change.value < 0:
            findings.append(Finding("error", f"{base}.per_student.{stage}",
                                    f"{STAGE_NAMES[stage]}生均一般公共预算教育经费{growth(change)}，未做到“两个只增不减”"))
    return findings


def figures(node: object, path: str = "areas") -> list[tuple[str, AmountPair | RatePair | Decimal]]:
    """Every figure below ``node`` (year-on-year pairs and single values), with its field path."""
    out: list[tuple[str, AmountPair | RatePair | Decimal]] = []
    if isinstance(node, (AmountPair, RatePair, Decimal)):
        return [(path, node)]
    if isinstance(node, dict):
        for key, value in node.items():
            out += figures(value, f"{path}.{key}")
    elif attrs.has(type(node)):
        for field in attrs.fields(type(node)):  # type: ignore[arg-type]
            out += figures(getattr(node, field.name), f"{path}.{field.name}")
    return out


def magnitudes(report: Report) -> list[Finding]:
    """A figure 100 times larger or smaller than last year's is almost certainly a unit slip."""
    findings = []
    for path, figure in figures(report.areas):
        if isinstance(figure, AmountPair) and figure.current and figure.previous:
            ratio = figure.current / figure.previous
            if ratio >= MAGNITUDE or ratio <= 1 / MAGNITUDE:
                findings.append(Finding("error", f"{path}.current",
                                        f"今年{number(figure.current)}{figure.unit}与上年{number(figure.previous)}"
                                        f"{figure.unit}相差约{number(max(ratio, 1 / ratio), 0)}倍，疑似单位或小数点错误"))
        if isinstance(figure, AmountPair) and figure.current is not None and figure.previous \
                and figure.stated_change is not None:
            computed = figure.change()
            if computed is not None and abs(computed.value - figure.stated_change) >= Decimal("0.01"):
                findings.append(Finding("warning", f"{path}.stated_change",
                                        f"填写的增幅{number(figure.stated_change)}%与按两年数字计算的"
                                        f"{number(computed.value, 2)}%不一致"))
    return findings


def _value(figure: AmountPair | RatePair | Decimal) -> Decimal | None:
    return figure if isinstance(figure, Decimal) else figure.current


def thresholds(report: Report, scheme: Scheme) -> list[Finding]:
    """The scheme's bounds (普惠性幼儿园覆盖率 ≥ 80% …), checked against this year's figures."""
    by_path = dict(figures(report.areas))
    findings = []
    for key, bound in scheme.thresholds.items():
        figure = by_path.get(f"areas.{key}")
        value = None if figure is None else _value(figure)
        if value is None:
            continue
        if bound.min is not None and value < bound.min:
            findings.append(Finding("warning", f"areas.{key}",
                                    f"{bound.label}{number(value)}，低于评价方案要求的{number(bound.min)}"))
        if bound.max is not None and value > bound.max:
            findings.append(Finding("warning", f"areas.{key}",
                                    f"{bound.label}{number(value)}，高于评价方案要求的{number(bound.max)}"))
    return findings


def consistency(report: Report) -> list[Finding]:
    """Figures that contradict each other: a part larger than the whole, one figure repeated for two stages."""
    areas = report.areas
    findings: list[Finding] = []
    if areas is None:
        return findings
    total = areas.funding.total if areas.funding else None
    if total is not None and total.current is not None:
        whole = Money(total.current, total.unit)
        parts = [("areas.equity.aid", "学生资助资金", areas.equity.aid if areas.equity else None),
                 ("areas.funding.supervision_budget", "教育督导经费",
                  areas.funding.supervision_budget if areas.funding else None)]
        for path, label, part in parts:
            if part is not None and part.to(whole.unit).amount > whole.amount:
                findings.append(Finding("error", path, f"{label}{number(part.amount)}{part.unit}大于一般公共预算教育经费"
                                        f"{number(whole.amount)}{whole.unit}，疑似单位或小数点错误"))
    if areas.funding is not None:
        seen: dict[Decimal, str] = {}
        for stage in STAGES:
            pair = areas.funding.per_student.get(stage)  # type: ignore[call-overload]
            if pair is None or pair.current is None:
                continue
            if pair.current in seen:
                findings.append(Finding("warning", f"areas.funding.per_student.{stage}.current",
                                        f"{STAGE_NAMES[stage]}与{STAGE_NAMES[seen[pair.current]]}的生均一般公共预算教育经费"
                                        f"同为{number(pair.current)}元，请核实"))
            else:
                seen[pair.current] = stage
    return findings


def run_checks(report: Report, scheme: Scheme | None = None) -> list[Finding]:
    """All computed checks, in a stable order."""
    if report.areas is None:
        return []
    findings: list[Finding] = []
    if report.areas.funding is not None:
        findings += two_no_decrease(report.areas.funding)
    if report.areas.equity is not None and report.areas.equity.large_classes:
        findings.append(Finding("warning", "areas.equity.large_classes",
                                f"仍有{report.areas.equity.large_classes}个56人及以上的大班额班级"))
    findings += magnitudes(report)
    findings += consistency(report)
    if scheme is not None:
        findings += thresholds(report, scheme)
    return findings
