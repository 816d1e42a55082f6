"""Chinese word segmenters (jieba-rs, through ``rjieba``) for the title breaker and the text checks.

Each user keeps a private instance: words one adds must not change the other's cuts, and ``rjieba``'s module-level
instance may be changed by any other code in the process (``rjieba.add_word``), which would change our output.

Hand-written loading, because no library does it: importing the ``rjieba`` package builds that module-level instance
from the built-in dictionary (about 0.1 s, as long as building our own), and edureport never uses it. A batch worker
or a one-off command pays it on every start. So the compiled extension module inside the package is loaded by
itself, with Python's own import machinery, and registered under its usual name, so that a later ``import rjieba``
(by anyone) finds it there and does not initialise it twice (``rjieba.Jieba``, ``rjieba.cut`` and
``import rjieba.rjieba`` work as usual; only the package attribute ``rjieba.rjieba`` is then not set, since Python
sets it only for a submodule it loads itself). When the package is laid out otherwise (another release), the plain
import is used.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import sys
import threading
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rjieba import Jieba

_NAME = "rjieba.rjieba"  # the extension module rjieba's package imports its Jieba class from
_LOCK = threading.Lock()


def _extension() -> type[Jieba]:
    with _LOCK:  # one load per process, even when threads ask at once
        module = sys.modules.get(_NAME) or _load_alone()
        jieba: type[Jieba] = module.Jieba
        return jieba


def _load_alone() -> ModuleType:
    spec = importlib.util.find_spec("rjieba")  # finds the package without running its __init__
    locations = list(spec.submodule_search_locations or ()) if spec is not None else []
    for folder in locations:
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            path = Path(folder) / f"rjieba{suffix}"
            if path.is_file():
                loader = importlib.machinery.ExtensionFileLoader(_NAME, str(path))
                found = importlib.util.spec_from_file_location(_NAME, path, loader=loader)
                if found is None:
                    continue
                module = importlib.util.module_from_spec(found)
                loader.exec_module(module)
                sys.modules[_NAME] = module
                package = sys.modules.get("rjieba")
                if package is not None:  # imported meanwhile: the submodule is its attribute, as usual
                    package.rjieba = module  # type: ignore[attr-defined]
                return module
    import rjieba  # another layout: the package's own import (and its unused instance)
    return rjieba


def new_segmenter() -> Jieba:
    """A new segmenter with jieba-rs's built-in dictionary only; cutting only reads it, so threads may share it."""
    return _extension()()


__all__ = ["new_segmenter"]
