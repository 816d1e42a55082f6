"""Compiled templates kept between processes (cache.py): used when safe, keyed by everything that shapes the code,
never changing the output, and never failing a render."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import jinja2
import pytest

import edureport
from edureport import cache, catalogue, templating

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "000-anyue-2024.yaml"


def _render_in_child(folder: Path | str, target: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, cache.CACHE_ENV: str(folder)}
    return subprocess.run([sys.executable, "-m", "edureport", "render", str(EXAMPLE), "-o", str(target), "--draft",
                           *extra], capture_output=True, text=True, env=env, timeout=120)


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("templates-*/*.cache")) if folder.is_dir() else []


def test_a_second_process_renders_the_same_bytes_from_the_cache(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    first, second, uncached = tmp_path / "1.docx", tmp_path / "2.docx", tmp_path / "3.docx"
    assert _render_in_child(folder, first).returncode == 0
    entries = _entries(folder)
    assert len(entries) >= 3  # the skeleton, report.xml.j2, areas.xml.j2 at least
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert _render_in_child(folder, second).returncode == 0
    assert _entries(folder) == entries  # nothing compiled again
    assert _render_in_child("off", uncached).returncode == 0
    assert first.read_bytes() == second.read_bytes() == uncached.read_bytes()


def test_cached_templates_are_not_compiled_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path))
    report = edureport.load_report(EXAMPLE)
    compiled: list[str | None] = []
    real = jinja2.Environment.compile

    def counting(self: jinja2.Environment, source: str, name: str | None = None, *args: object, **kw: object) -> object:
        compiled.append(name)
        return real(self, source, name, *args, **kw)  # type: ignore[arg-type]
    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    templating._cached_environment.cache_clear()  # a fresh environment, as in a new process
    first = edureport.render(report, draft=True)
    assert compiled  # compiled once, into the cache
    compiled.clear()
    templating._cached_environment.cache_clear()
    assert edureport.render(report, draft=True).data == first.data
    assert compiled == []
    templating._cached_environment.cache_clear()


def test_an_edited_template_is_compiled_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "cache"))
    user = tmp_path / "templates"
    user.mkdir()
    original = (templating.packaged_templates() / "report.xml.j2").read_text("utf-8")
    (user / "report.xml.j2").write_text(original, "utf-8")
    report = edureport.load_report(EXAMPLE)
    templating._cached_environment.cache_clear()
    before = edureport.render(report, template_dirs=[user], draft=True)
    (user / "report.xml.j2").write_text(
        original.replace("</report>", "<note>新增的附注</note></report>", 1), "utf-8")
    templating._cached_environment.cache_clear()  # a new process: only the cache on disk is shared
    after = edureport.render(report, template_dirs=[user], draft=True)
    import io
    import zipfile

    def body(data: bytes) -> str:
        return zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")
    assert "新增的附注" not in body(before.data) and "新增的附注" in body(after.data)
    templating._cached_environment.cache_clear()


def test_a_damaged_entry_is_compiled_again(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    good = tmp_path / "good.docx"
    assert _render_in_child(folder, good).returncode == 0
    for entry in _entries(folder):
        entry.write_bytes(b"j2" + os.urandom(40))
    again = tmp_path / "again.docx"
    run = _render_in_child(folder, again)
    assert run.returncode == 0, run.stderr
    assert again.read_bytes() == good.read_bytes()


def test_a_folder_that_cannot_be_made_costs_only_the_cache(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", "utf-8")
    target = tmp_path / "a.docx"
    run = _render_in_child(blocker / "cache", target)
    assert run.returncode == 0, run.stderr
    assert target.read_bytes()[:2] == b"PK"


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX owners and modes")
def test_a_folder_others_may_write_to_is_not_used(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(0o777)
    target = tmp_path / "a.docx"
    assert _render_in_child(folder, target).returncode == 0
    assert _entries(folder) == []
    link = tmp_path / "link"
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    link.symlink_to(private)
    assert _render_in_child(link, tmp_path / "b.docx").returncode == 0
    assert _entries(private) == []  # a link where the folder should be is not followed


def test_off_turns_the_cache_off(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for value in ("off", "0", ""):
        monkeypatch.setenv(cache.CACHE_ENV, value)
        assert cache.cache_dir() is None
    monkeypatch.delenv(cache.CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.cache_dir() == tmp_path / "edureport"


def test_the_fingerprint_changes_with_what_shapes_the_code() -> None:
    base = catalogue.statement_environment()
    same = catalogue.statement_environment()
    assert cache._fingerprint(base) == cache._fingerprint(same)
    other = catalogue.statement_environment()
    other.filters["extra"] = str
    assert cache._fingerprint(other) != cache._fingerprint(base)
    trimmed = catalogue.statement_environment()
    trimmed.trim_blocks = False
    assert cache._fingerprint(trimmed) != cache._fingerprint(base)
    plain = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
                               lstrip_blocks=True)
    plain.filters.update(base.filters)
    plain.tests.update(base.tests)
    assert cache._fingerprint(plain) != cache._fingerprint(base)  # not the sandbox: other code


def test_a_statement_compiled_from_a_string_is_cached_and_renders_as_before(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path))
    env = catalogue.statement_environment()
    source = "{{ a }}、{{ b | length }}"
    first = cache.template_from_string(env, source)
    assert first.render(a="<x>", b=[1, 2]) == "&lt;x&gt;、2"
    assert len(_entries(tmp_path)) == 1
    again = cache.template_from_string(catalogue.statement_environment(), source)
    assert again.render(a="<x>", b=[1, 2]) == "&lt;x&gt;、2"
    assert len(_entries(tmp_path)) == 1
    with pytest.raises(jinja2.TemplateSyntaxError):
        cache.template_from_string(env, "{% for loop in [1] %}{% endfor %}")
