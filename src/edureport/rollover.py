"""Next year's report from this year's: ``edureport rollover LAST.yaml --year N -o NEW.yaml``.

Works on the YAML as written (ruamel.yaml's round-trip mode), so the user's comments, key order and wording survive;
the typed model decides what each value is. The rules:

- year-on-year figures: this year's value becomes last year's, this year's is left empty to fill, a stated growth
  is cleared (a value that had no "this year" has no successor and is cleared);
- other figures of the year (amounts, counts, rates, coefficients) are cleared; standards (生均公用经费标准) are carried;
- last year's problems (存在问题) and the evaluators' feedback become rectification items (问题 kept, 整改情况 empty,
  status 待整改); unfinished rectification items are carried, finished ones cleared; the problems part is cleared;
- the 发文字号 serial, the 成文日期 and the 印发日期 are cleared; the 发文字号 year follows the report year;
- all text is carried as a draft; text that names last year's year is listed for review, never rewritten.

Every value of the old file is either carried, moved or deliberately cleared; :class:`RolloverLog` lists them.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path
from typing import Any, get_args, get_origin

import attrs
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from . import areas as area_types
from .errors import DataError, Problem
from .load import leaves, loads_report
from .quantities import AmountPair, RatePair

_CARRIED_FIGURES = {"public_funds_standard"}  # standards, not this year's results
_ENUMERATED = re.compile(r"[一二三四五六七八九十]+是")


@attrs.define
class RolloverLog:
    """What happened to every value: ``moved`` (old path → new path), ``renewed`` (the years, set from the new
    year), ``cleared`` and ``added`` paths, and text fields that name the old year (for a person to review)."""

    moved: list[tuple[str, str]] = attrs.Factory(list)
    renewed: list[str] = attrs.Factory(list)
    cleared: list[str] = attrs.Factory(list)
    added: list[str] = attrs.Factory(list)
    stale_years: list[tuple[str, str]] = attrs.Factory(list)


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a user's long lines
    yaml.allow_duplicate_keys = False
    return yaml


def _clear(node: CommentedMap, key: str, path: str, log: RolloverLog) -> None:
    if key in node:
        log.cleared += [p for p, _ in leaves(node[key], path)]
        del node[key]


def _roll_pair(node: CommentedMap, path: str, log: RolloverLog) -> None:
    """A year-on-year figure: this year's value becomes last year's."""
    _clear(node, "stated_change", f"{path}.stated_change", log)
    if "current" in node and node["current"] is not None:
        if "previous" in node:
            log.cleared.append(f"{path}.previous")
        node["previous"] = node["current"]
        del node["current"]
        log.moved.append((f"{path}.current", f"{path}.previous"))
    else:
        _clear(node, "current", f"{path}.current", log)
        _clear(node, "previous", f"{path}.previous", log)


def _is(field_type: Any, *classes: type) -> bool:
    return field_type in classes or any(arg in classes for arg in get_args(field_type))


def _roll_area(node: CommentedMap, cls: type, path: str, log: RolloverLog) -> None:
    attrs.resolve_types(cls)
    for field in attrs.fields(cls):
        if field.name not in node or field.name in _CARRIED_FIGURES:
            continue
        here = f"{path}.{field.name}"
        if get_origin(field.type) is dict:  # per stage: 学前, 小学 … each a year-on-year figure
            for stage in list(node[field.name]):
                _roll_pair(node[field.name][stage], f"{here}.{stage}", log)
        elif _is(field.type, AmountPair, RatePair):
            _roll_pair(node[field.name], here, log)
        elif field.name not in ("title", "paragraphs", "measures") and not _is(field.type, str):
            _clear(node, field.name, here, log)  # an amount, count, rate or coefficient of the year


def _problem_texts(problems: CommentedMap) -> list[str]:
    """Last year's 存在问题 as separate problems: each measure (its title and description), each "一是……" point."""
    texts: list[str] = []
    for paragraph in problems.get("paragraphs", []) or []:
        if not isinstance(paragraph, str):
            continue
        marks = list(_ENUMERATED.finditer(paragraph))
        if marks:
            for mark, after in zip(marks, [*marks[1:], None], strict=True):
                texts.append(paragraph[mark.end():after.start() if after else None].strip("；;。 ") + "。")
        else:
            texts.append(paragraph)
    for measure in problems.get("measures", []) or []:
        description = next((p for p in measure.get("paragraphs", []) or []
                            if isinstance(p, str) and not p.startswith(("整改举措", "整改措施"))), None)
        texts.append(str(measure["title"]) + ("。" + description if description else ""))
    return texts


def _roll_rectification(areas: CommentedMap, log: RolloverLog) -> None:
    old = areas.get("rectification") or CommentedMap()
    items = CommentedSeq()
    # unfinished items carry over with their actions; finished ones were last year's business
    for i, item in enumerate(old.get("items", []) or []):
        if item.get("status") != "已完成":
            items.append(item)
            old_path, new_path = f"areas.rectification.items[{i}]", f"areas.rectification.items[{len(items) - 1}]"
            log.moved += [(p, new_path + p[len(old_path):]) for p, _ in leaves(item, old_path)]
        else:
            log.cleared += [p for p, _ in leaves(item, f"areas.rectification.items[{i}]")]
    for g, group in enumerate(old.get("groups", []) or []):
        log.cleared += [p for p, _ in leaves(group, f"areas.rectification.groups[{g}]")]
    log.cleared += [p for p, _ in leaves(old.get("paragraphs", []), "areas.rectification.paragraphs")]
    new_texts = _problem_texts(areas["problems"]) if "problems" in areas else []
    new_texts += [str(text) for text in areas.get("feedback", []) or []]
    for text in new_texts:
        items.append(CommentedMap([("problem", text), ("status", "待整改")]))
        log.added.append(f"areas.rectification.items[{len(items) - 1}].problem")
    _clear(areas, "problems", "areas.problems", log)
    _clear(areas, "feedback", "areas.feedback", log)
    if not items and "rectification" not in areas:
        return
    rectification = CommentedMap()
    if "title" in old:
        rectification["title"] = old["title"]
    for key in old:
        if key not in ("title", "items", "groups", "paragraphs"):  # anything else the area may hold: cleared
            log.cleared += [p for p, _ in leaves(old[key], f"areas.rectification.{key}")]
    rectification["items"] = items
    if "rectification" in areas:
        del areas["rectification"]
    areas.insert(0, "rectification", rectification)


def rollover_file(path: str | os.PathLike[str], year: int) -> tuple[str, RolloverLog]:
    """:func:`rollover_text` of a data file (read as UTF-8; a BOM is accepted)."""
    return rollover_text(Path(path).read_bytes().decode("utf-8-sig"), year, str(path))


def rollover_text(text: str, year: int, source: str = "<数据>") -> tuple[str, RolloverLog]:
    """Roll a report data file (YAML text) over to evaluation year ``year``: the new YAML text and the log."""
    report = loads_report(text, source, "yaml")  # the data must be valid before it is carried forward
    if report.year is not None and year <= report.year:
        raise DataError(source, [Problem("year", f"新的评价年度{year}应晚于原来的{report.year}")])
    yaml = _yaml()
    doc = yaml.load(text)
    log = RolloverLog()
    old_year = report.year
    if "year" in doc:
        doc["year"] = year
    else:
        doc.insert(0, "year", year)
    log.renewed.append("year")
    header = doc.get("header") or {}
    number = header.get("doc_number") if isinstance(header, dict) else None
    if number:
        offset = int(number["year"]) - old_year if old_year is not None else 1
        number["year"] = year + offset
        log.renewed.append("header.doc_number.year")
        _clear(number, "serial", "header.doc_number.serial", log)
    if doc.get("signature"):
        _clear(doc["signature"], "date", "signature.date", log)
    if doc.get("colophon"):
        _clear(doc["colophon"], "print_date", "colophon.print_date", log)
    areas = doc.get("areas")
    if areas:
        for key in list(areas):
            if key in ("rectification", "problems", "feedback"):
                continue
            field = attrs.fields_dict(area_types.Areas)[key]
            attrs.resolve_types(area_types.Areas)
            cls = next(a for a in get_args(field.type) if attrs.has(a))
            _roll_area(areas[key], cls, f"areas.{key}", log)
        _roll_rectification(areas, log)
    if old_year is not None:
        stale = f"{old_year}年"
        for path, value in leaves(doc):
            if isinstance(value, str) and stale in value:
                log.stale_years.append((path, value[max(0, value.index(stale) - 10):value.index(stale) + 14]))
    out = io.StringIO()
    yaml.dump(doc, out)
    return out.getvalue(), log
