"""Stating figures from the data, for the templates: the text of a paragraph's parts (``{figure: …}``,
``{statement: …}``, ``{year: …}``, ``{fill: …}``), the catalogue's statement templates, and the tables a scheme asks
for. One :class:`Stater` serves one render (it is the template variable ``say``): it also records which areas and
parts the skeleton placed and which figures the report stated, so a render can tell when data was left out.

Everything returned to a template is :class:`~markupsafe.Markup` built from escaped text, so user text stays text;
a value still to be filled in is a ``<fill>`` element (highlighted in a draft, refused in a final render).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import attrs
import jinja2
from markupsafe import Markup, escape

from . import formatting
from .areas import (
    NO_AREAS,
    AreaBase,
    FigureRef,
    Fill,
    Paragraph,
    Reviewed,
    StatementRef,
    Target,
    YearRef,
    locate,
)
from .catalogue import Indicator
from .checks import Finding, rule_outcomes
from .errors import TemplateError
from .model import Attachment, Report, Table
from .quantities import Change, Figure, Value, in_unit
from .sandbox import TemplateLimitError
from .schemes import Scheme, TablePlacement

DASH = "—"
_UP = ("增长", "增加", "提高", "上升", "上涨")
_DIRECTION = re.compile("|".join((*_UP, "下降", "降低", "减少", "下滑")))


def fill(what: str) -> Markup:
    """A value still to be filled in: 【待填写：…】."""
    return Markup("<fill>【待填写：{}】</fill>").format(what)


@attrs.define
class Stater:
    """States the report's figures for one render (template variable ``say``)."""

    report: Report
    scheme: Scheme | None
    draft: bool = True
    asked: set[str] = attrs.Factory(set)  # part headings the skeleton asked for
    placed: set[str] = attrs.Factory(set)  # areas and parts the skeleton placed
    stated: set[str] = attrs.Factory(set)  # figures stated: AREA.NAME
    findings: list[Finding] = attrs.Factory(list)  # what stating found wrong (a direction word against the data)
    _targets: dict[tuple[str, bool], Target] = attrs.Factory(dict)  # references resolved once per render

    # --- the skeleton ----------------------------------------------------------------------------------------

    def heading(self, key: str, default: str = "") -> str:
        """The scheme's heading of part ``key`` (``default`` when the scheme has none)."""
        self.asked.add(key)
        return self.scheme.heading(key, default) if self.scheme else default

    def area(self, key: str) -> AreaBase | None:
        """The report's data of area or part ``key`` (None when it has none); the skeleton placed it."""
        self.placed.add(key)
        return (self.report.areas or NO_AREAS).get(key)

    def areas(self) -> list[tuple[str, str]]:
        """(key, heading) of the scheme's evaluation areas the report has data for, in the scheme's order."""
        present: Mapping[str, AreaBase] = self.report.areas or NO_AREAS
        return [(a.area, a.heading) for a in (self.scheme.areas if self.scheme else ()) if a.area in present]

    # --- paragraphs --------------------------------------------------------------------------------------------

    def paragraphs(self, paragraphs: Iterable[Paragraph]) -> Markup:
        """A list of paragraphs as report markup, ``<p>…</p>`` each: one call from a template for all of a section's
        paragraphs (a template loop costs a sandboxed call, a test and an escape per paragraph)."""
        # every piece is either this literal markup or text escaped (html.escape: &, < and >, all element text needs;
        # it gives a str, where markupsafe would make a Markup object per paragraph), so the joined str is safe.
        # Most text has none of the three: it is looked for first, which costs less than escaping (html.escape is
        # three replacements). str(p): a str subclass given in code (a Markup) is text too, escaped once.
        texts = []
        for p in paragraphs:
            if isinstance(p, str):
                text = str(p)
                if "&" in text or "<" in text or ">" in text:
                    text = html.escape(text, quote=False)
                texts.append(text)
            else:
                texts.append(self.paragraph(p))
        return Markup(f"<p>{'</p><p>'.join(texts)}</p>" if texts else "")

    def paragraph(self, paragraph: Paragraph) -> Markup:
        """A paragraph's text: its parts stated from the data."""
        if isinstance(paragraph, Reviewed):
            note = Markup("<fill>【待核对：{}】</fill>").format(paragraph.review)
            return note + self.paragraph(paragraph.text)
        if isinstance(paragraph, str):
            return escape(str(paragraph))
        out: list[Markup] = []
        words = ""  # the writer's own words so far: a size of change must follow the right direction word
        for part in paragraph:
            if isinstance(part, str):
                words += part
            elif isinstance(part, FigureRef) and part.show == "rate":
                self._check_direction(words, part)
            out.append(self.part(part))
        return Markup("").join(out)

    def _check_direction(self, words: str, ref: FigureRef) -> None:
        found = list(_DIRECTION.finditer(words))
        change = self._change(ref.figure)
        if not found or change is None or change.value == 0:
            return
        said = found[-1].group(0)
        if (said in _UP) != (change.value > 0):
            self.findings.append(Finding(
                "error", "", f"文中写“{said}”，但数据（{ref.figure}）是{formatting.change_words(change)}；"
                             "请改写，或改用 {figure: …, show: change} 由数据生成增减",
                text=words[max(0, found[-1].start() - 8):], fix="改用 show: change"))

    def _change(self, ref: str) -> Change | None:
        target = self._locate(ref)
        area = (self.report.areas or NO_AREAS)[target.area]
        if not target.indicator:
            figure = area.figures[target.name]
            return figure.change(figure.unit == "%")
        indicator = self._indicator(target.name)
        value = getattr(area, target.name)
        if isinstance(value, dict):
            value = value.get(target.item or "")
        return value.change(indicator.points) if isinstance(value, Figure) and indicator else None

    def points(self, points: Iterable[Paragraph]) -> Markup:
        """一是……；二是……。 from a list of points (each text or parts)."""
        items = [self.paragraph(p) for p in points]
        if not items:
            return Markup("")
        cleaned = [Markup(item.rstrip("。；，、;,.")) for item in items]
        return Markup("；").join(Markup("{}是{}").format(formatting.cn_number(i), item)
                                for i, item in enumerate(cleaned, start=1)) + Markup("。")

    def part(self, part: str | Any) -> Markup:
        if isinstance(part, str):
            return escape(str(part))  # str(): a str subclass given in code (a Markup) is text too
        if isinstance(part, FigureRef):
            return self.figure(part.figure, part.show)
        if isinstance(part, StatementRef):
            return self.statement(part.statement)
        if isinstance(part, YearRef):
            assert self.report.year is not None  # the model checks that a report with year references has a year
            return escape(f"{self.report.year + part.year}年")
        if isinstance(part, Fill):
            return fill(part.fill)
        raise TypeError(part)  # pragma: no cover - the model admits no other part

    # --- figures -----------------------------------------------------------------------------------------------

    def _indicator(self, key: str) -> Indicator | None:
        return self.scheme.catalogue.indicators.get(key) if self.scheme else None

    def _locate(self, ref: str, statement: bool = False) -> Target:
        key = (ref, statement)
        found = self._targets.get(key)
        if found is None:
            found = self._targets[key] = locate(self.report.areas, ref, statement=statement)
        return found

    def figure(self, ref: str, show: str = "value") -> Markup:
        target = self._locate(ref)
        area = (self.report.areas or NO_AREAS)[target.area]
        self.stated.add(f"{target.area}.{target.name}")
        if not target.indicator:
            figure = area.figures[target.name]
            return self._show(figure, figure.unit or "", figure.unit == "%", target.name, show)
        indicator = self._indicator(target.name)
        assert indicator is not None
        value = getattr(area, target.name)
        if indicator.kind == "flag":
            return fill(indicator.name) if value is None else escape("是" if value else "否")
        if isinstance(value, dict) or (value is None and indicator.breakdown):
            values = value or {}
            if target.item is not None:
                item = values.get(target.item)
                label = f"{self._item_name(indicator, target.item)}{indicator.name}"
                return self._show(item, indicator.unit_of(item.unit if item else None), indicator.points, label, show)
            names = [(k, self._item_name(indicator, k)) for k in self._items(indicator) if k in values]
            if not names:
                return fill(indicator.name)
            if show == "verdict":
                return self._verdict([values[k].change(indicator.points) for k, _ in names])
            return Markup("、").join(
                Markup("{}{}").format(name, self._show(values[k], indicator.unit_of(values[k].unit),
                                                       indicator.points, f"{name}{indicator.name}", show))
                for k, name in names)
        return self._show(value, indicator.unit_of(value.unit if value else None), indicator.points, indicator.name,
                          show)

    def _items(self, indicator: Indicator) -> tuple[str, ...]:
        return self.scheme.catalogue.items(indicator) if self.scheme else ()

    def _item_name(self, indicator: Indicator, item: str) -> str:
        return self.scheme.catalogue.item_name(indicator, item) if self.scheme else item

    def _show(self, figure: Figure | None, unit: str, points: bool, label: str, show: str) -> Markup:
        change = figure.change(points) if figure else None
        if show == "verdict":
            return self._verdict([change])
        if show == "previous":
            return self._written(figure.previous if figure else None, unit, f"{label}上年的数")
        if show == "number":
            return self._written(figure.current if figure else None, "", label)
        if show == "change":
            return escape(formatting.change_words(change)) if change else fill(f"{label}比上年增减")
        if show == "rate":
            return escape(formatting.change_size(change)) if change else fill(f"{label}增减幅度")
        current = figure.current if figure else None
        if current is not None:
            return escape(formatting.written(current, unit))
        previous = figure.previous if figure else None
        hint = f"，上年为{formatting.written(previous, unit)}" if previous is not None else ""
        return fill(label + hint)

    @staticmethod
    def _written(value: Value | None, unit: str, what: str) -> Markup:
        return escape(formatting.written(value, unit)) if value is not None else fill(what)

    # --- statements --------------------------------------------------------------------------------------------

    def statement(self, ref: str) -> Markup:
        target = self._locate(ref, statement=True)
        assert self.scheme is not None  # a report with areas always has a scheme
        name = f"indicators.{target.name}" if target.indicator else f"areas.{target.area}.{target.name}"
        template = self.scheme.catalogue.statement(name)
        if template is None:  # pragma: no cover - the area class only offers statements the catalogue has
            raise TemplateError(f"指标目录中没有表述“{name}”", "catalogue.yaml", None)
        if target.indicator:
            context = self.context(target.area, target.name)
            if not context["present"]:  # nothing to state yet (a yes/no left empty must not read as "no")
                return fill(self.scheme.catalogue.indicators[target.name].name)
        else:
            context = {"year": self._year(), "ind": lambda key: SimpleNamespace(**self.context(target.area, key)),
                       "say": lambda key: self.statement(f"{target.area}.{key}")}
        return self._render(template, context, name)

    def _render(self, template: jinja2.Template, context: Mapping[str, Any], name: str) -> Markup:
        try:
            return Markup(template.render(context))
        except TemplateLimitError:
            raise
        except jinja2.TemplateError as e:
            source = self.scheme.catalogue.origin(name) if self.scheme else "catalogue.yaml"
            raise TemplateError(f"表述模板 {name} 运行出错：{e}", source, None) from None

    def _year(self) -> str:
        return f"{self.report.year}年" if self.report.year else ""

    def context(self, area_key: str, key: str) -> dict[str, Any]:
        """What an indicator's statement template sees (see the head of catalogue.yaml)."""
        assert self.scheme is not None
        indicator = self.scheme.catalogue.indicators[key]
        area = (self.report.areas or NO_AREAS).get(area_key)
        value = getattr(area, key, None) if area is not None else None
        self.stated.add(f"{area_key}.{key}")
        base: dict[str, Any] = {"key": key, "name": indicator.name, "term": indicator.wording, "year": self._year(),
                                "present": value is not None and value != {}}
        if indicator.kind == "flag":
            return {**base, "value": value, "has_value": value is not None, "number": None}
        if indicator.breakdown:
            values: dict[str, Figure] = value or {}
            items = [SimpleNamespace(**self._figure(values[k], indicator, f"{self._item_name(indicator, k)}{indicator.name}"),
                                     key=k, name=self._item_name(indicator, k))
                     for k in self._items(indicator) if k in values]
            changes = [i.change_value for i in items]
            return {**base, "items": items, "all_rising": bool(items) and all(formatting.rising(c) for c in changes),
                    "any_falling": any(formatting.falling(c) for c in changes), "verdict": self._verdict(changes)}
        return {**base, **self._figure(value, indicator, indicator.name)}

    def _figure(self, figure: Figure | None, indicator: Indicator, label: str) -> dict[str, Any]:
        unit = indicator.unit_of(figure.unit if figure else None)
        change = figure.change(indicator.points) if figure else None
        current = figure.current if figure else None
        known = current.known() if current else None
        if known is not None and figure is not None and figure.unit and indicator.kind == "amount":
            known = in_unit(known, figure.unit, indicator.unit)
        return {
            "value": self._show(figure, unit, indicator.points, label, "value"),
            "previous": self._show(figure, unit, indicator.points, label, "previous"),
            "change": escape(formatting.growth(change)) if change else fill(f"{label}比上年增减"),
            "delta": self._show(figure, unit, indicator.points, label, "change"),
            "size": self._show(figure, unit, indicator.points, label, "rate"),
            "number": known, "has_value": current is not None, "has_change": change is not None,
            "rising": formatting.rising(change), "falling": formatting.falling(change),
            "verdict": self._verdict([change]), "change_value": change,
        }

    @staticmethod
    def _verdict(changes: list[Change | None]) -> Markup:
        if not changes or any(c is None for c in changes):
            return fill("是否实现只增不减")
        return escape("未实现只增不减" if any(formatting.falling(c) for c in changes) else "实现了只增不减")

    # --- tables ------------------------------------------------------------------------------------------------

    def tables(self, place: str) -> list[Table]:
        """The tables the scheme places at the end of area ``place``."""
        return [self._table(t) for t in (self.scheme.tables if self.scheme else ()) if t.place == place]

    def attachments(self) -> list[Attachment]:
        """The tables the scheme places as attachments, each an attachment of its own."""
        out = []
        for placement in (self.scheme.tables if self.scheme else ()):
            if placement.place == "attachment":
                tables: list[Table] = [self._table(placement)]
                if placement.table == "indicators" and self.scheme and self.scheme.has_scores:
                    tables.append(self._score_table())
                out.append(Attachment(title=placement.title or _TABLE_TITLES[placement.table], tables=tables))
        return out

    def _table(self, placement: TablePlacement) -> Table:
        build: Callable[[], Table] = {"two_no_decrease": self._two_no_decrease,
                                      "indicators": self._indicator_table}[placement.table]
        table = build()
        if placement.place == "attachment":  # the attachment's title names it
            return attrs.evolve(table, title=None)
        return attrs.evolve(table, title=placement.title or table.title)

    def _rows(self) -> Iterable[tuple[str, str, Indicator, str | None, Figure]]:
        """(area, label, indicator, item, figure) of every indicator value in the report, in the scheme's order."""
        assert self.scheme is not None
        for area_key, definition in self.scheme.definitions.items():
            area = (self.report.areas or NO_AREAS).get(area_key)
            if area is None:
                continue
            for key in definition.indicators:
                indicator = self.scheme.catalogue.indicators[key]
                value = getattr(area, key)
                if value is None or indicator.kind == "flag":
                    continue
                self.stated.add(f"{area_key}.{key}")
                if isinstance(value, dict):
                    for item in self._items(indicator):
                        if item in value:
                            label = f"{indicator.name}（{self._item_name(indicator, item)}）"
                            yield area_key, label, indicator, item, value[item]
                else:
                    yield area_key, indicator.name, indicator, None, value

    def _cell(self, value: Value | None, unit: str) -> str:
        return formatting.written(value, unit) if value is not None else DASH

    def _two_no_decrease(self) -> Table:
        assert self.scheme is not None
        rows = []
        for _area, label, indicator, _item, figure in self._rows():
            if not any(r.no_fall for r in self.scheme.rules_of(indicator.key)):
                continue
            unit = indicator.unit_of(figure.unit)
            change = figure.change(indicator.points)
            rows.append((label, self._cell(figure.previous, unit), self._cell(figure.current, unit),
                         formatting.change_words(change) if change else DASH))
        return Table(columns=("项目", "上年", "本年", "增减"), rows=rows or [(DASH,) * 4], widths=(10, 5, 5, 5),
                     align=("left", "right", "right", "right"), title=_TABLE_TITLES["two_no_decrease"])

    def _indicator_table(self) -> Table:
        assert self.scheme is not None
        verdicts: dict[tuple[str, str, str | None], list[bool | None]] = {}
        for outcome in rule_outcomes(self.report, self.scheme):
            verdicts.setdefault((outcome.area, outcome.indicator, outcome.item), []).append(outcome.passed)
        rows = []
        for area, label, indicator, item, figure in self._rows():
            rules = self.scheme.rules_of(indicator.key)
            standard = "；".join(self.scheme.catalogue.describe(r, indicator) for r in rules
                                if r.items is None or item is None or item in r.items) or DASH
            unit = indicator.unit_of(figure.unit)
            found = verdicts.get((area, indicator.key, item), [])
            met = DASH if not found or any(v is None for v in found) else ("是" if all(found) else "否")
            rows.append((label, standard, self._cell(figure.current, unit), self._cell(figure.previous, unit), met))
        return Table(columns=("指标", "标准", "本年", "上年", "达标"), rows=rows or [(DASH,) * 5],
                     widths=(8, 6, 6, 6, 3), align=("left", "left", "right", "right", "center"),
                     title=_TABLE_TITLES["indicators"])

    def _score_table(self) -> Table:
        assert self.scheme is not None
        rows = []
        full = got = Decimal(0)
        for area in self.scheme.areas:
            if area.score is None:
                continue
            data = (self.report.areas or NO_AREAS).get(area.area)
            score = data.self_score if data is not None else None
            full += area.score
            got += score or 0
            rows.append((area.heading, formatting.number(area.score), DASH if score is None else formatting.number(score)))
        rows.append(("合计", formatting.number(full), formatting.number(got)))
        return Table(columns=("评价重点", "分值", "自评得分"), rows=rows, widths=(6, 2, 2),
                     align=("left", "right", "right"), title="评价重点自评得分")


_TABLE_TITLES = {"two_no_decrease": "教育经费“两个只增不减”情况", "indicators": "主要指标自评表"}
