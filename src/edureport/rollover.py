"""Next year's report from this year's: ``edureport rollover LAST.yaml --year N -o NEW.yaml``.

``--year`` is the new 评价年度 (the year the report evaluates). Works on the YAML as written (ruamel.yaml's round-trip
mode), so the user's comments, key order and wording survive; the scheme and the indicator catalogue decide what each
value is. The rules:

- figures: this year's value becomes last year's and this year's is left to fill (an indicator whose catalogue entry
  says ``rollover: carry`` — a standard such as 生均公用经费标准 — is kept; ``clear`` is emptied); a stated growth is
  cleared; the areas' own figures move the same way; yes/no answers and self-assessed scores are cleared;
- last year's problems (存在问题) and the evaluators' feedback become rectification items (问题 kept, 整改情况 empty,
  status 待整改); unfinished rectification items are carried, finished ones cleared; this year's 存在问题 becomes a
  placeholder to write;
- the 发文字号 serial, the 成文日期 and the 印发日期 are cleared; the 发文字号 year follows the report year;
- every narrative paragraph that holds hand-typed numbers, years or 文号 is marked for review
  (``{text: …, review: 原因}``): a draft highlights it and a final render refuses until a person has updated or
  confirmed it; the opening's citation of the evaluation notice (评价通知和文号) is marked too. Nothing is rewritten.

Every value of the old file is either carried, moved or deliberately cleared; :class:`RolloverLog` lists them.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from .errors import DataError, Problem
from .load import loads_report, scheme_of
from .parsing import leaves, parse_text, read_data_file
from .resources import TemplateDirs

_ENUMERATED = re.compile(r"[一二三四五六七八九十]+是")
# what makes a carried paragraph stale: digits (numbers, years, dates, 文号)
_HAND_TYPED = re.compile(r"\d+(?:\.\d+)?(?:[年月日号%％]|[\u4e00-\u9fff]{0,2})")
_NOTICE = re.compile(r"《[^》]*(?:通知|方案|函)[^》]*》\s*（[^）]*〔\d{4}〕[^）]*）")


@attrs.define
class RolloverLog:
    """What happened to every value: ``moved`` (old path → new path), ``renewed`` (the years, set from the new
    year), ``cleared`` and ``added`` paths, ``review`` (paragraphs marked for review, with the reason), text fields
    that name the old year (``stale_years``), and ``warnings`` for the person running it."""

    moved: list[tuple[str, str]] = attrs.Factory(list)
    renewed: list[str] = attrs.Factory(list)
    cleared: list[str] = attrs.Factory(list)
    added: list[str] = attrs.Factory(list)
    review: list[tuple[str, str]] = attrs.Factory(list)
    stale_years: list[tuple[str, str]] = attrs.Factory(list)
    warnings: list[str] = attrs.Factory(list)


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a user's long lines
    yaml.allow_duplicate_keys = False
    return yaml


def _clear(node: Any, key: str, path: str, log: RolloverLog) -> None:
    if key in node:
        log.cleared += [p for p, _ in leaves(node[key], path)]
        del node[key]


def _empty(node: Any, key: str, path: str, log: RolloverLog) -> None:
    """Clear a value but keep its key (and the comment on it) to be filled in again."""
    log.cleared += [p for p, _ in leaves(node[key], path)]
    node[key] = None


def _roll_figure(parent: Any, key: str, path: str, log: RolloverLog) -> None:
    """A figure: this year's value becomes last year's (a bare value is this year's value)."""
    node = parent[key]
    if not isinstance(node, dict):  # `guard_rate: 100` is this year's value
        if node is None:
            return
        parent[key] = CommentedMap([("previous", node)])
        log.moved.append((path, f"{path}.previous"))
        return
    _clear(node, "stated_change", f"{path}.stated_change", log)
    if node.get("current") is not None:
        if "previous" in node:
            log.cleared += [p for p, _ in leaves(node["previous"], f"{path}.previous")]
        node["previous"] = node["current"]
        del node["current"]
        log.moved += [(p, f"{path}.previous{p[len(path) + len('.current'):]}")
                      for p, _ in leaves(node["previous"], f"{path}.current")]
    else:
        _clear(node, "current", f"{path}.current", log)
        _clear(node, "previous", f"{path}.previous", log)
    if "current" not in node:  # this year's value is still to be filled in (and an empty mapping would not survive)
        node["current"] = None


def _roll_area(node: Any, key: str, scheme: Any, path: str, log: RolloverLog, only: str | None = None) -> None:
    definition = scheme.definitions[key]
    catalogue = scheme.catalogue
    for name in [only] if only is not None else list(node):
        here = f"{path}.{name}"
        if name in definition.indicators:
            indicator = catalogue.indicators[name]
            if indicator.rollover == "carry":
                continue
            if indicator.rollover == "clear" or indicator.kind == "flag":
                _empty(node, name, here, log)
            elif indicator.breakdown and isinstance(node[name], dict):
                for item in list(node[name]):
                    _roll_figure(node[name], item, f"{here}.{item}", log)
            else:
                _roll_figure(node, name, here, log)
        elif name == "figures" and isinstance(node[name], dict):
            for local in list(node[name]):
                _roll_figure(node[name], local, f"{here}.{local}", log)
        elif name == "self_score":
            _clear(node, name, here, log)


def _problem_texts(report: Any, scheme: Any) -> list[str]:
    """Last year's 存在问题 as separate problems: each measure (its title and description), each "一是……" point. The
    figures the problems cite are written out: they are last year's facts, quoted as they were stated."""
    from .statements import Stater  # stating the text of last year's paragraphs, as the report did
    problems = (report.areas or {}).get("problems")
    if problems is None:
        return []
    say = Stater(report, scheme)

    def text(paragraph: Any) -> str:
        return str(say.paragraph(paragraph).striptags()).replace(" ", "") if not isinstance(paragraph, str) \
            else paragraph
    texts: list[str] = []
    for paragraph in problems.paragraphs:
        plain = text(paragraph)
        marks = list(_ENUMERATED.finditer(plain))
        if marks:
            for mark, after in zip(marks, [*marks[1:], None], strict=True):
                texts.append(plain[mark.end():after.start() if after else None].strip("；;。 ") + "。")
        elif plain:
            texts.append(plain)
    for measure in problems.measures:
        description = next((t for t in map(text, measure.paragraphs) if t and not t.startswith(("整改举措", "整改措施"))),
                           None)
        texts.append(measure.title + ("。" + description if description else ""))
    return texts


def _plain(paragraph: Any) -> str:
    """The text of a paragraph as written (references to figures are left out)."""
    if isinstance(paragraph, str):
        return paragraph
    if isinstance(paragraph, dict) and "text" in paragraph:
        return _plain(paragraph["text"])
    if isinstance(paragraph, list):
        return "".join(p for p in paragraph if isinstance(p, str))
    return ""


def _roll_rectification(areas: Any, log: RolloverLog, problem_texts: list[str], scheme: Any) -> None:
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
    new_texts = problem_texts + [str(text) for text in areas.get("feedback", []) or []]
    for text in new_texts:
        items.append(CommentedMap([("problem", text), ("status", "待整改")]))
        log.added.append(f"areas.rectification.items[{len(items) - 1}].problem")
    if "problems" in areas:  # this year's problems are still to be written: a placeholder, not a gap
        old_problems = areas["problems"]
        log.cleared += [p for p, _ in leaves(old_problems, "areas.problems")]
        fresh = CommentedMap()
        if isinstance(old_problems, dict) and old_problems.get("title"):
            fresh["title"] = old_problems["title"]
        fresh["paragraphs"] = CommentedSeq([CommentedSeq([CommentedMap([("fill", "今年存在的问题")])])])
        areas["problems"] = fresh
        log.added.append("areas.problems.paragraphs[0]")
    _clear(areas, "feedback", "areas.feedback", log)
    if not items and "rectification" not in areas:
        return
    rectification = CommentedMap()
    if "title" in old:
        rectification["title"] = old["title"]
    # the area's own figures that carried items still cite move on to last year; the rest went with their text
    cited = {ref.split(".", 1)[1] for _, ref in leaves(items) if isinstance(ref, str) and ref.startswith("rectification.")}
    kept = CommentedMap()
    for name, figure in (old.get("figures") or {}).items():
        if name in cited:
            kept[name] = figure
            _roll_figure(kept, name, f"areas.rectification.figures.{name}", log)
        else:
            log.cleared += [p for p, _ in leaves(figure, f"areas.rectification.figures.{name}")]
    indicators = scheme.definitions["rectification"].indicators if "rectification" in scheme.definitions else ()
    for key in old:
        if key in ("title", "items", "groups", "paragraphs", "figures"):
            continue
        rectification[key] = old[key]
        if key in old.ca.items:  # the comment on the key stays with it
            rectification.ca.items[key] = old.ca.items[key]
        if key in indicators:  # the area's own indicators move to last year like any other
            _roll_area(rectification, "rectification", scheme, "areas.rectification", log, only=key)
        else:
            _empty(rectification, key, f"areas.rectification.{key}", log)
    if kept:
        rectification["figures"] = kept
    rectification["items"] = items
    if "rectification" in areas:
        del areas["rectification"]
    areas.insert(0, "rectification", rectification)


def _paragraph_lists(doc: Any) -> Iterator[tuple[str, Any]]:
    """(path, list of paragraphs) of every narrative paragraph list in the data."""
    if isinstance(doc.get("opening"), list):
        yield "opening", doc["opening"]

    def sections(node: Any, path: str) -> Iterator[tuple[str, Any]]:
        for i, section in enumerate(node or []):
            if isinstance(section, dict):
                if isinstance(section.get("paragraphs"), list):
                    yield f"{path}[{i}].paragraphs", section["paragraphs"]
                yield from sections(section.get("sections"), f"{path}[{i}].sections")

    def measures(node: Any, path: str) -> Iterator[tuple[str, Any]]:
        for i, measure in enumerate(node or []):
            if isinstance(measure, dict):
                for field in ("paragraphs", "points"):
                    if isinstance(measure.get(field), list):
                        yield f"{path}[{i}].{field}", measure[field]
                yield from measures(measure.get("measures"), f"{path}[{i}].measures")

    yield from sections(doc.get("sections"), "sections")
    for key, area in (doc.get("areas") or {}).items():
        if not isinstance(area, dict):
            continue
        if isinstance(area.get("paragraphs"), list):
            yield f"areas.{key}.paragraphs", area["paragraphs"]
        yield from measures(area.get("measures"), f"areas.{key}.measures")
        for i, item in enumerate(area.get("items") or []):
            if isinstance(item, dict) and isinstance(item.get("actions"), list):
                yield f"areas.{key}.items[{i}].actions", item["actions"]
    for a, attachment in enumerate(doc.get("attachments") or []):
        if isinstance(attachment, dict):
            if isinstance(attachment.get("paragraphs"), list):
                yield f"attachments[{a}].paragraphs", attachment["paragraphs"]
            yield from sections(attachment.get("sections"), f"attachments[{a}].sections")


def _mark_for_review(doc: Any, log: RolloverLog) -> None:
    for path, paragraphs in _paragraph_lists(doc):
        for i, paragraph in enumerate(paragraphs):
            if isinstance(paragraph, dict):  # already waiting for review
                continue
            text = _plain(paragraph)
            reasons = []
            if path == "opening" and _NOTICE.search(text):
                reasons.append("引用的评价通知和文号是上一年的，请换成今年的")
            found = list(dict.fromkeys(m.group(0) for m in _HAND_TYPED.finditer(text)))
            if found:
                shown = "、".join(found[:5]) + ("等" if len(found) > 5 else "")
                reasons.append(f"含有手写的数字、年份或文号（{shown}），请核对并更新，或改为引用数据")
            if reasons:
                reason = "；".join(reasons)
                wrapped = CommentedMap([("text", paragraph), ("review", reason)])
                wrapped.fa.set_flow_style()  # one line, in place: the comments and blank lines around it stay valid
                paragraphs[i] = wrapped
                log.review.append((f"{path}[{i}]", reason))


def rollover_file(path: str | os.PathLike[str], year: int, template_dirs: TemplateDirs = ()) -> tuple[str, RolloverLog]:
    """:func:`rollover_text` of a data file (read as UTF-8; a BOM is accepted)."""
    return rollover_text(read_data_file(Path(path)).decode("utf-8-sig"), year, str(path), template_dirs)


def rollover_text(text: str, year: int, source: str = "<数据>",
                  template_dirs: TemplateDirs = ()) -> tuple[str, RolloverLog]:
    """Roll a report data file (YAML text) over to evaluation year ``year``: the new YAML text and the log."""
    report = loads_report(text, source, "yaml", template_dirs=template_dirs)  # valid before it is carried forward
    log = RolloverLog()
    if report.year is not None and year <= report.year:
        raise DataError(source, [Problem("year", f"新的评价年度{year}应晚于原来的{report.year}")])
    if report.year is not None and year > report.year + 1:
        log.warnings.append(f"新的评价年度{year}比原来的{report.year}晚{year - report.year}年；每年结转一次时应为"
                            f"{report.year + 1}，请确认")
    data, _, _ = parse_text(text, source, "yaml")
    scheme = scheme_of(data, template_dirs)
    yaml = _yaml()
    doc = yaml.load(text)
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
    if areas and scheme is not None:
        for key in list(areas):
            if key in ("rectification", "problems", "feedback"):
                continue
            _roll_area(areas[key], key, scheme, f"areas.{key}", log)
        _roll_rectification(areas, log, _problem_texts(report, scheme), scheme)
    _mark_for_review(doc, log)
    if old_year is not None:
        stale = f"{old_year}年"
        for path, value in leaves(doc):
            if isinstance(value, str) and stale in value:
                log.stale_years.append((path, value[max(0, value.index(stale) - 10):value.index(stale) + 14]))
    out = io.StringIO()
    yaml.dump(doc, out)
    return out.getvalue(), log
