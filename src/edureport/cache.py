"""Compiled templates kept between processes, so that a command which starts, renders one report and ends does not
compile the same templates every time (compiling is most of a first render's cost).

This is Jinja's own bytecode cache (``jinja2.FileSystemBytecodeCache``), with four additions:

* **Where**: ``$EDUREPORT_CACHE_DIR``, else ``$XDG_CACHE_HOME/edureport``, else ``~/.cache/edureport``;
  ``EDUREPORT_CACHE_DIR=off`` turns the cache off.
* **Safe**: a cached template is Python code that runs, so the folder must be a real folder (not a link) that belongs
  to the user and that no one else may write to; otherwise nothing is cached (and nothing is read from it).
* **Keyed by everything that shapes the code**: Jinja checks each entry against its template's source; the folder's
  name adds a fingerprint of the rest — the versions of edureport, Jinja and Python, the sandbox's own code (its
  syntax-tree guard and intercepted operators), the environment's options and its filter and test names. A changed
  template, a new release or a changed sandbox never runs old code.
* **Best effort**: a folder that cannot be written (a read-only home, a full disk) costs the cache, never a render.

Output does not depend on the cache: cached code is the code the compiler produces for the same source.
"""

from __future__ import annotations

import hashlib
import os
import stat
import sys
import threading
from pathlib import Path
from typing import Any

import jinja2
from jinja2.bccache import Bucket

#: the environment variable that moves the cache (a folder) or turns it off (``off``)
CACHE_ENV = "EDUREPORT_CACHE_DIR"
_OFF = {"off", "0", "no", "false", "none", ""}


def cache_dir() -> Path | None:
    """The folder of edureport's caches, or None when caching is off. Not created here."""
    given = os.environ.get(CACHE_ENV)
    if given is not None:
        return None if given.strip().lower() in _OFF else Path(given)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    if not os.path.isabs(base):  # "~" could not be expanded (no home): no cache rather than one in the cwd
        return None
    return Path(base) / "edureport"


def _private_folder(path: Path) -> bool:
    """Make ``path`` (mode 0700) if needed; whether it is a real folder of this user that others cannot write."""
    try:
        path.mkdir(mode=stat.S_IRWXU, parents=True, exist_ok=True)
        info = os.lstat(path)
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode):
        return False  # a link or a file where the folder should be
    if hasattr(os, "getuid") and (info.st_uid != os.getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)):
        return False
    return True


class _FolderCache(jinja2.BytecodeCache):
    """Jinja's file cache in the folder of one environment's fingerprint, decided on first use (importing edureport
    creates no folder), whose writes may fail without failing the render."""

    def __init__(self, env: jinja2.Environment, base: Path) -> None:
        self._env = env
        self._base = base
        self._files: jinja2.FileSystemBytecodeCache | None = None
        self._decided = False
        self._lock = threading.Lock()

    def _cache(self) -> jinja2.FileSystemBytecodeCache | None:
        if not self._decided:
            with self._lock:
                if not self._decided:
                    folder = self._base / f"templates-{_fingerprint(self._env)}"
                    if _private_folder(self._base) and _private_folder(folder):
                        self._files = jinja2.FileSystemBytecodeCache(str(folder), "%s.cache")
                    self._decided = True
        return self._files

    def load_bytecode(self, bucket: Bucket) -> None:
        files = self._cache()
        if files is not None:
            files.load_bytecode(bucket)  # a damaged entry is discarded by Jinja (magic and checksum checked)

    def dump_bytecode(self, bucket: Bucket) -> None:
        files = self._cache()
        if files is not None:
            try:
                files.dump_bytecode(bucket)
            except OSError:
                pass  # a full disk or a folder made read-only meanwhile: compiled again next time

    def clear(self) -> None:
        files = self._cache()
        if files is not None:
            files.clear()


def _fingerprint(env: jinja2.Environment) -> str:
    """What, besides a template's source, decides the code Jinja compiles it to in ``env``."""
    # the package is imported before any of its modules (no import of it here: no stage reaches back)
    version = getattr(sys.modules.get(__package__ or ""), "__version__", "")
    sandbox_code = b""
    module = sys.modules.get(type(env).__module__)
    source = getattr(module, "__file__", None)
    if source:
        try:
            sandbox_code = Path(source).read_bytes()
        except OSError:  # a module without a readable source (a zip): the versions alone key the cache
            pass
    shape = repr((
        version, jinja2.__version__, sys.implementation.cache_tag, type(env).__module__, type(env).__qualname__,
        hashlib.sha256(sandbox_code).hexdigest(), bool(env.autoescape) if not callable(env.autoescape) else "select",
        env.trim_blocks, env.lstrip_blocks, env.keep_trailing_newline, env.newline_sequence, env.optimized,
        env.block_start_string, env.block_end_string, env.variable_start_string, env.variable_end_string,
        env.comment_start_string, env.comment_end_string, env.line_statement_prefix, env.line_comment_prefix,
        sorted(env.extensions), sorted(env.filters), sorted(env.tests),
        sorted(getattr(env, "intercepted_binops", ())), sorted(getattr(env, "intercepted_unops", ())),
    ))
    return hashlib.sha256(shape.encode("utf-8")).hexdigest()[:20]


def bytecode_cache(env: jinja2.Environment) -> jinja2.BytecodeCache | None:
    """A bytecode cache for ``env`` (its fingerprint is taken on first use, when its filters and tests are set), or
    None when caching is off."""
    base = cache_dir()
    return None if base is None else _FolderCache(env, base)


def template_from_string(env: jinja2.Environment, source: str) -> jinja2.Template:
    """``env.from_string(source)`` through ``env``'s bytecode cache (Jinja consults it only for templates its
    loader finds): the same template, compiled once per source across processes. Raises what compiling raises."""
    cache = env.bytecode_cache
    if cache is None:
        return env.from_string(source)
    # Jinja's bucket API, as its loaders use it (jinja2.loaders.BaseLoader.load): the entry is keyed by a name and
    # checked against the source's checksum
    bucket = cache.get_bucket(env, "<string>", hashlib.sha256(source.encode("utf-8")).hexdigest(), source)
    code: Any = bucket.code
    if code is None:
        code = env.compile(source)
        bucket.code = code
        cache.set_bucket(bucket)
    return env.template_class.from_code(env, code, env.make_globals(None), None)


__all__ = ["CACHE_ENV", "bytecode_cache", "cache_dir", "template_from_string"]
