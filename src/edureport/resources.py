"""Where templates, schemes and the indicator catalogue come from: the user's template folders first, then the ones
shipped with edureport. One module answers "which file is NAME?" for every kind of packaged data, so user folders
override packaged files the same way everywhere.

A name given in data (a scheme, a skeleton template) is a name, never a path: it may not be absolute, may not climb
out with ``..``, and a file found for it must lie inside its folder (a symlink pointing outside is not followed).
"""

from __future__ import annotations

import functools
import importlib.resources
import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

TemplateDirs = Sequence[str | os.PathLike[str]]

# A name is made of path segments of letters (any script), digits, '-', '_' and '.', separated by '/'.
_SEGMENT = re.compile(r"[^\W][\w.\-]*")


@functools.cache  # where the package lies does not change while it runs
def package_folder() -> Path:
    """The folder of the installed ``edureport`` package, found through ``importlib.resources`` (the one way every
    packaged data file is found: templates, the layout profile, the fonts' stand-ins)."""
    # resolved: a package reached through a link finds the templates beside its real folder (an editable install)
    return Path(str(importlib.resources.files(__package__ or "edureport"))).resolve()


def packaged_text(name: str) -> str:
    """The text of a data file shipped inside the package, by its name there (``profiles/gbt9704-2012.yaml``)."""
    return (package_folder() / name).read_text("utf-8")


def packaged_yaml(path: Path) -> Any:
    """The data of a YAML file shipped with edureport (``numbers.yaml``, ``wording.yaml`` …), read with ruamel's
    C parser: files of ours, not deeply nested, so the pure-Python parser a user's file needs (parsing.py) would
    only cost time (5–15 ms a file on every start)."""
    from ruamel.yaml import YAML
    return YAML(typ="safe", pure=False).load(path.read_text("utf-8"))


def packaged_templates() -> Path:
    """Folder of the templates shipped with edureport.

    In a wheel they are ``edureport/templates``; in a source checkout installed in editable mode they are the
    repository's top-level ``templates/`` folder, which the wheel build copies in.
    """
    package = package_folder()
    shipped = package / "templates"
    return shipped if shipped.is_dir() else package.parent.parent / "templates"


def bad_name(name: str) -> str | None:
    """Why ``name`` cannot name a file in a template folder (None when it can)."""
    if not name or name.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", name) or "\\" in name:
        return "应为名称（如 chongqing-2024），不能是文件路径"
    segments = name.split("/")
    if any(s in ("", ".", "..") or not _SEGMENT.fullmatch(s) for s in segments):
        return "应为名称（如 chongqing-2024），不能含有“..”、空格或特殊字符"
    return None


def folders(template_dirs: TemplateDirs = ()) -> tuple[Path, ...]:
    """The folders searched, in order: the user's (as given), then the packaged templates."""
    return (*(Path(d) for d in template_dirs), packaged_templates())


def find(name: str, template_dirs: TemplateDirs = ()) -> Path | None:
    """The first file called ``name`` (a relative name such as ``schemes/x.yaml``) in the template folders, or None.
    The caller has checked the name with :func:`bad_name`; a file that resolves outside its folder is skipped."""
    for folder in folders(template_dirs):
        path = folder / name
        if path.is_file() and _inside(path, folder):
            return path
    return None


def find_all(name: str, template_dirs: TemplateDirs = ()) -> Iterator[Path]:
    """Every file called ``name``, packaged one LAST (so merging in order lets user folders win)."""
    for folder in folders(template_dirs):
        path = folder / name
        if path.is_file() and _inside(path, folder):
            yield path


def names(subfolder: str, suffix: str, template_dirs: TemplateDirs = ()) -> list[str]:
    """Names (without ``suffix``) of the files in ``subfolder`` of any template folder, user folders first."""
    found: dict[str, None] = {}
    for folder in folders(template_dirs):
        base = folder / subfolder
        if base.is_dir():
            for path in sorted(base.glob(f"*{suffix}")):
                if path.is_file() and _inside(path, folder):
                    found.setdefault(path.name[: -len(suffix)])
    return list(found)


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())
