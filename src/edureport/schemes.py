"""Evaluation schemes (评价方案) as data: which areas a report covers, in what order, under which headings, which
skeleton template lays the report out, and the thresholds the scheme sets. A scheme is a YAML file
``schemes/NAME.yaml`` in a template folder; user folders are searched before the packaged templates, so adding or
changing a scheme needs no code.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import attrs

from .areas import AREA_KEYS
from .errors import DataError, FieldValueError, Problem
from .load import parse_text, structure
from .templating import packaged_templates


def _area_key(_inst: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    if value not in AREA_KEYS:
        raise FieldValueError(attribute.name, f"没有“{value}”这个评价重点；可用：{'、'.join(AREA_KEYS)}")


@attrs.frozen
class SchemeArea:
    area: str = attrs.field(validator=_area_key)
    heading: str


@attrs.frozen
class Threshold:
    """A bound the scheme sets on a figure (``min``/``max`` in the figure's own unit)."""

    label: str
    min: Decimal | None = None
    max: Decimal | None = None


@attrs.frozen
class Scheme:
    name: str
    skeleton: str
    areas: tuple[SchemeArea, ...] = ()
    #: how the items under the areas are numbered: restart under each area, or continue through all of them
    numbering: Literal["restart", "continue"] = "restart"
    headings: dict[str, str] = attrs.field(factory=dict)
    thresholds: dict[str, Threshold] = attrs.field(factory=dict)
    source: str = ""

    def heading(self, key: str, default: str = "") -> str:
        return self.headings.get(key, default)


def scheme_folders(template_dirs: Sequence[str | os.PathLike[str]]) -> list[Path]:
    return [Path(d) / "schemes" for d in template_dirs] + [packaged_templates() / "schemes"]


def available_schemes(template_dirs: Sequence[str | os.PathLike[str]] = ()) -> list[str]:
    names: dict[str, None] = {}
    for folder in scheme_folders(template_dirs):
        for path in sorted(folder.glob("*.yaml")):
            names.setdefault(path.stem)
    return list(names)


@functools.lru_cache(maxsize=64)
def _read_scheme(path: str, _mtime_ns: int, _size: int) -> Scheme:
    # Parsing YAML costs more than rendering a report, so a scheme file is read once per version of the file
    # (its path, modification time and size are the key: an edited scheme is read again).
    data, text, fmt = parse_text(Path(path).read_bytes(), path)
    return structure({**data, "source": path} if isinstance(data, dict) else data, Scheme, path, text=text, fmt=fmt)


def load_scheme(name: str, template_dirs: Sequence[str | os.PathLike[str]] = ()) -> Scheme:
    """The scheme ``name`` from the first template folder that has it."""
    for folder in scheme_folders(template_dirs):
        path = folder / f"{name}.yaml"
        if path.is_file():
            stat = path.stat()
            return _read_scheme(str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    known = "、".join(available_schemes(template_dirs)) or "（无）"
    raise DataError("scheme", [Problem("scheme", f"找不到评价方案“{name}”；可用：{known}")])
