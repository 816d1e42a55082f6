"""Computed checks on a report's figures: every rule of the indicator catalogue and of the report's scheme
(两个只增不减, thresholds, teacher pay not below civil servants', part ≤ whole, 近视率 −0.5 a year …), magnitudes that
look like unit slips, and numbers typed by hand that repeat a typed figure. Each result is a :class:`Finding` with a
severity and the field path. A rule that cannot be checked because a value is approximate or masked says so.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Literal

import attrs

from .areas import NO_AREAS, parts_of
from .catalogue import Indicator, Rule
from .formatting import growth, number, written
from .model import Report, iter_paragraphs
from .quantities import Figure, Value, in_unit
from .schemes import DEFAULT_SCHEME, Scheme, fit, load_scheme

Severity = Literal["error", "warning", "info"]

#: a year-on-year ratio beyond this is almost certainly a unit slip (142.689万元 for 142689万元)
MAGNITUDE = Decimal(100)
_CITATION = re.compile(r"[\u4e00-\u9fff]+〔\d{4}〕\d+号")


@attrs.frozen
class Finding:
    """One problem: how serious, where (field path), what; for text problems also the offending text and a fix."""

    severity: Severity
    path: str
    message: str
    text: str = ""
    fix: str = ""


@attrs.frozen
class Outcome:
    """One rule applied to one figure: passed (True/False) or could not be checked (None), with its finding."""

    area: str
    indicator: str
    item: str | None
    rule: Rule
    passed: bool | None
    finding: Finding | None


def _cite(rule: Rule) -> str:
    """The short name of a rule's source: its 文号, else the title of the document, else the source as written."""
    m = _CITATION.search(rule.source) or re.search(r"《[^》]+》", rule.source)
    return m.group(0) if m else rule.source


#: how far an approximate value (6100余, 近500, 约3000) may be from the number written: a rule is decided on an
#: approximation only when the whole band lies on one side of it; otherwise the check says it cannot know
APPROXIMATION = Decimal("0.2")


def _span(figure: Figure, indicator: Indicator) -> tuple[Decimal, Decimal] | None:
    """The interval this year's value lies in, in the indicator's unit: one point when it is known exactly, a band
    around an approximation, None when it is masked or missing."""
    if figure.current is None:
        return None
    exact = _known(figure, indicator)
    if exact is not None:
        return exact, exact
    estimate = figure.current.scaled()
    if estimate is None:
        return None
    if figure.unit and indicator.kind == "amount":
        estimate = in_unit(estimate, figure.unit, indicator.unit) or estimate
    return estimate * (1 - APPROXIMATION), estimate * (1 + APPROXIMATION)


def _decide(surely: bool, possibly: bool) -> bool | None:
    """True when the rule holds for the whole interval, False when for none of it, None when it depends."""
    if surely:
        return True
    if not possibly:
        return False
    return None


def _known(figure: Figure | None, indicator: Indicator) -> Decimal | None:
    """This year's exact value in the indicator's own unit (money converted between 元/万元/亿元)."""
    if figure is None or figure.current is None:
        return None
    value = figure.current.known()
    if value is not None and figure.unit and indicator.kind == "amount":
        value = in_unit(value, figure.unit, indicator.unit)
    return value


class _Checker:
    def __init__(self, report: Report, scheme: Scheme) -> None:
        self.report = report
        self.scheme = scheme
        self.catalogue = scheme.catalogue

    def figure_of(self, key: str, item: str | None) -> tuple[Figure | None, str]:
        """The figure of indicator ``key`` (one breakdown item) wherever the report holds it, and its path."""
        area_key = self.scheme.where(key)
        area = (self.report.areas or NO_AREAS).get(area_key or "")
        value = getattr(area, key, None) if area is not None else None
        path = f"areas.{area_key}.{key}"
        if isinstance(value, dict):
            if item is None:
                return None, path
            return value.get(item), f"{path}.{item}"
        return value, path

    def outcomes(self) -> Iterator[Outcome]:
        for area_key, definition in self.scheme.definitions.items():
            area = (self.report.areas or NO_AREAS).get(area_key)
            if area is None:
                continue
            for key in definition.indicators:
                value = getattr(area, key)
                indicator = self.catalogue.indicators[key]
                if value is None or indicator.kind == "flag":
                    continue
                for rule in self.scheme.rules_of(key):
                    if rule.distinct:
                        yield from self.distinct(area_key, indicator, rule, value)
                        continue
                    if isinstance(value, dict):
                        for item in self.catalogue.items(indicator):
                            if item in value and (rule.items is None or item in rule.items):
                                yield self.apply(area_key, indicator, rule, value[item], item)
                    else:
                        yield self.apply(area_key, indicator, rule, value, None)

    def label(self, indicator: Indicator, item: str | None) -> str:
        return (self.catalogue.item_name(indicator, item) if item else "") + indicator.name

    def apply(self, area: str, indicator: Indicator, rule: Rule, figure: Figure, item: str | None) -> Outcome:
        path = f"areas.{area}.{indicator.key}" + (f".{item}" if item else "")
        label = self.label(indicator, item)
        unit = indicator.unit_of(figure.unit)
        shown = written(figure.current, unit) if figure.current is not None else ""
        test = rule.test

        def outcome(passed: bool | None, message: str = "", severity: Severity | None = None) -> Outcome:
            finding = None
            if passed is False:
                finding = Finding(severity or rule.level, path, f"{message}（{_cite(rule)}）")
            elif passed is None and message:
                finding = Finding("info", path, message)
            return Outcome(area, indicator.key, item, rule, passed, finding)

        described = self.catalogue.describe(rule, indicator)

        def unknown(value: Value | None) -> Outcome:
            if value is None:
                return outcome(None)
            return outcome(None, f"{label}{shown}{value.describe()}，无法检查“{described}”")

        if test in ("no_fall", "fall_at_least", "rise_at_least"):
            change = figure.change(indicator.points)
            if change is None:
                if figure.current is not None and figure.current.known() is None:
                    return unknown(figure.current)
                if figure.previous is not None and figure.previous.known() is None:
                    return unknown(figure.previous)
                if figure.current is not None and figure.previous is None and figure.stated_change is None:
                    return outcome(None, f"{label}缺少上年的数或增幅，无法检查“{described}”")
                return outcome(None)
            if test == "no_fall":
                return outcome(change.value >= 0, f"{label}{growth(change)}，未做到“只增不减”")
            if test == "fall_at_least":
                assert rule.fall_at_least is not None
                return outcome(change.value <= -rule.fall_at_least, f"{label}{growth(change)}，未达到“{described}”的要求")
            assert rule.rise_at_least is not None
            return outcome(change.value >= rule.rise_at_least, f"{label}{growth(change)}，未达到“{described}”的要求")
        other_figure: Figure | None = None
        other_indicator = None
        if test in ("not_below", "at_most", "share_of"):
            other_key = rule.not_below or rule.at_most or rule.share_of
            assert other_key is not None
            other_indicator = self.catalogue.indicators[other_key]
            other_figure, _ = self.figure_of(other_key, item if other_indicator.breakdown else None)
            if other_figure is None or other_figure.current is None:
                return outcome(None)  # the report does not state the other figure: nothing to compare
        span = _span(figure, indicator)
        if span is None:
            return unknown(figure.current)
        low, high = span
        if test in ("min", "max"):
            bound = rule.min if test == "min" else rule.max
            limit = bound.get(item or "") if isinstance(bound, dict) else bound
            if limit is None:
                return outcome(None)
            if test == "min":
                verdict = _decide(low >= limit, high >= limit)
                return outcome(verdict, f"{label}{shown}，低于要求的{number(limit)}{indicator.unit_of()}") \
                    if verdict is not None else unknown(figure.current)
            verdict = _decide(high <= limit, low <= limit)
            return outcome(verdict, f"{label}{shown}，高于要求的{number(limit)}{indicator.unit_of()}") \
                if verdict is not None else unknown(figure.current)
        assert other_indicator is not None and other_figure is not None and other_figure.current is not None
        other_shown = written(other_figure.current, other_indicator.unit_of(other_figure.unit))
        other_span = _span(other_figure, other_indicator)
        if other_span is None:
            return outcome(None, f"{other_indicator.name}{other_shown}{other_figure.current.describe()}，"
                                 f"无法检查{label}“{described}”")
        other_low, other_high = other_span
        if indicator.kind == "amount" and other_indicator.kind == "amount":
            other_low = in_unit(other_low, other_indicator.unit, indicator.unit) or other_low
            other_high = in_unit(other_high, other_indicator.unit, indicator.unit) or other_high
        if test == "not_below":
            verdict = _decide(low >= other_high, high >= other_low)
            message = f"{label}{shown}低于{other_indicator.name}{other_shown}"
        elif test == "at_most":
            verdict = _decide(high <= other_low, low <= other_high)
            message = f"{label}{shown}超过{other_indicator.name}{other_shown}" + (
                f"，{rule.note}" if rule.note else "，请核实")
        else:
            assert rule.at_least is not None
            if other_low <= 0:
                return outcome(None)
            verdict = _decide(low / other_high * 100 >= rule.at_least, high / other_low * 100 >= rule.at_least)
            share = (low + high) / (other_low + other_high) * 100
            message = (f"{label}{shown}占{other_indicator.name}{other_shown}的{number(share, 2)}%，"
                       f"低于{number(rule.at_least)}%")
        if verdict is None:
            return outcome(None, f"{label}{shown}或{other_indicator.name}{other_shown}是约数，无法准确检查“{described}”")
        return outcome(verdict, message)

    def distinct(self, area: str, indicator: Indicator, rule: Rule, value: object) -> Iterator[Outcome]:
        if not isinstance(value, dict):
            return
        seen: dict[Decimal, str] = {}
        for item in self.catalogue.items(indicator):
            figure = value.get(item)
            known = _known(figure, indicator)
            if known is None:
                continue
            finding = None
            if known in seen:
                names = f"{self.catalogue.item_name(indicator, item)}与{self.catalogue.item_name(indicator, seen[known])}"
                assert figure is not None and figure.current is not None
                finding = Finding(rule.level, f"areas.{area}.{indicator.key}.{item}",
                                  f"{names}的{indicator.name}同为{written(figure.current, indicator.unit_of(figure.unit))}"
                                  "，请核实")
            else:
                seen[known] = item
            yield Outcome(area, indicator.key, item, rule, finding is None, finding)


def rule_outcomes(report: Report, scheme: Scheme) -> list[Outcome]:
    """Every rule of the catalogue and the scheme, applied to every figure the report has."""
    if report.areas is None:
        return []
    return list(_Checker(report, scheme).outcomes())


def figures(report: Report, scheme: Scheme | None = None) -> Iterator[tuple[str, Figure, str]]:
    """(field path, figure, unit) of every figure of the report's areas: indicators (per item) and the areas' own.
    The unit is the figure's own, else its indicator's in the scheme's catalogue."""
    for key, area in (report.areas or NO_AREAS).items():
        for name, value in area.indicator_values():
            indicator = scheme.catalogue.indicators.get(name) if scheme else None
            if isinstance(value, dict):
                for item, figure in value.items():
                    unit = indicator.unit_of(figure.unit) if indicator else figure.unit or ""
                    yield f"areas.{key}.{name}.{item}", figure, unit
            elif isinstance(value, Figure):
                yield f"areas.{key}.{name}", value, indicator.unit_of(value.unit) if indicator else value.unit or ""
        for name, figure in area.figures.items():
            yield f"areas.{key}.figures.{name}", figure, figure.unit or ""


def magnitudes(report: Report) -> list[Finding]:
    """A figure 100 times larger or smaller than last year's is almost certainly a unit slip; a stated growth that
    contradicts the two figures is a typing slip."""
    findings = []
    for path, figure, unit in figures(report):
        current = figure.current.known() if figure.current else None
        previous = figure.previous.known() if figure.previous else None
        if current and previous:
            ratio = current / previous
            if ratio >= MAGNITUDE or ratio <= 1 / MAGNITUDE:
                findings.append(Finding("error", f"{path}.current",
                                        f"今年{number(current)}{unit}与上年{number(previous)}{unit}相差约"
                                        f"{number(max(ratio, 1 / ratio), 0)}倍，疑似单位或小数点错误"))
            if figure.stated_change is not None:
                computed = figure.change(points=unit == "%")
                if computed is not None and abs(computed.value - figure.stated_change) >= Decimal("0.01"):
                    findings.append(Finding("warning", f"{path}.stated_change",
                                            f"填写的增幅{number(figure.stated_change)}与按两年数字计算的"
                                            f"{number(computed.value, 2)}不一致"))
    return findings


# A number written by hand in a paragraph: digits with an optional fraction, and the unit right after it.
_HAND_NUMBER = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(%|％|[\u4e00-\u9fff]{0,3})")


def typed_twice(report: Report, scheme: Scheme | None = None) -> list[Finding]:
    """A number typed by hand in a paragraph that equals a typed figure (this year's or last year's): next year
    it would be stale. Say which figure to reference instead."""
    known: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for path, figure, unit in figures(report, scheme):
        ref = path.removeprefix("areas.").replace(".figures.", ".")
        for side, value in (("current", figure.current), ("previous", figure.previous)):
            if value is None or value.number is None or value.approximate:
                continue
            text = number(value.number)
            if not _distinctive(text, unit):
                continue
            known.setdefault((text, unit), []).append((f"{path}.{side}", ref if side == "current" else
                                                       f"{ref}（show: previous）"))
    findings: list[Finding] = []
    if not known:
        return findings
    for path, paragraph in iter_paragraphs(report):
        for part in parts_of(paragraph):
            if not isinstance(part, str):
                continue
            for m in _HAND_NUMBER.finditer(part):
                digits, after = m.group(1), m.group(2).replace("％", "%")
                for (text, unit), places in known.items():
                    if digits == text and unit and after.startswith(unit):
                        wheres = "、".join(where for where, _ in places)
                        findings.append(Finding(
                            "warning", path, f"手写的数字“{digits}{unit}”与 {wheres} 相同；数字写在数据中、在文中引用，"
                                             "来年才不会照抄旧数", text=_excerpt(part, m.start(), m.end()),
                            fix=f"改为 {{figure: {places[0][1]}}}"))
                        break
    return findings


def _distinctive(text: str, unit: str) -> bool:
    """Whether a number is specific enough that the same number in the text is the same figure (100% and 3个 are
    not; 88.11% and 142689万元 are)."""
    digits = text.replace(".", "").lstrip("0")
    return len(digits) >= 3 or ("." in text and len(digits) >= 2)


def _excerpt(text: str, start: int, end: int, margin: int = 8) -> str:
    return ("…" if start > margin else "") + text[max(0, start - margin):end + margin] + (
        "…" if end + margin < len(text) else "")


def run_checks(report: Report, scheme: Scheme | None = None) -> list[Finding]:
    """All computed checks on the figures, in a stable order (the scheme the report names when none is given)."""
    if report.areas is None:
        return []
    if scheme is None:
        scheme = load_scheme(report.scheme or DEFAULT_SCHEME)
    report = fit(report, scheme)
    findings = [o.finding for o in rule_outcomes(report, scheme) if o.finding is not None]
    return findings + magnitudes(report)


__all__ = ["Finding", "Outcome", "figures", "magnitudes", "rule_outcomes", "run_checks", "typed_twice"]


# What is not a figure when it is written with digits: names of documents and slogans (in 《》 or “”), 文号, years,
# dates and spans of years. Everything else written with digits in a paragraph is a figure the data should hold.
_NOT_FIGURES = re.compile("|".join((
    r"《[^》]*》", r"“[^”]*”", r"〔\d{4}〕\d+号",
    r"\d{4}年(?:\d{1,2}月(?:\d{1,2}日)?)?(?:[—–-]\d{1,2}日)?",  # 2023年, 2022年10月11日—13日
    r"\d{1,2}月\d{1,2}日", r"\d{4}\s*[—–-]\s*\d{4}", r"(?<![\d.])\d{4}(?=[年级届版])",
    r"(?<![\d.个])\d{1,2}月(?!\d)",  # a month (今年5月); a span of months is written 3个月
    r"\d[A-Z]级",  # ratings named by a grade (4A级社会组织)
)))
_DIGITS = re.compile(r"\d+(?:\.\d+)?")


def hand_typed_figures(text: str) -> list[str]:
    """Numbers written by hand in a piece of text that are figures (not years, dates, 文号 or names), with what
    follows them: ``["10所", "137所"]``."""
    masked = _NOT_FIGURES.sub(lambda m: " " * len(m.group(0)), text)
    return [text[m.start():m.end() + 3].rstrip() for m in _DIGITS.finditer(masked)]
