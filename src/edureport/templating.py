"""Stage 3: the typed model → report markup, through Jinja templates.

Templates are plain text files: the packaged ones (``edureport/templates``), with any user folders searched first,
so a user overrides one template by dropping a file of the same name in their folder. All templates run in Jinja's
immutable sandbox with autoescaping, so data can never become markup and a template cannot reach Python internals.
Every template failure becomes a :class:`~edureport.errors.TemplateError` naming the file and line.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from . import formatting, resources
from .errors import DataError, TemplateError
from .model import Report
from .resources import packaged_templates
from .sandbox import ContainedLoader, Limits, ReportSandbox, TemplateLimitError, reset_deadline, start_deadline


def _environment(folders: tuple[str, ...]) -> ImmutableSandboxedEnvironment:
    env = ReportSandbox(
        loader=ContainedLoader([str(f) for f in resources.folders(folders)]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        # A long-running process (the HTTP service) sees a template edited on disk: Jinja checks each cached
        # template's modification time when it is loaded again (one stat per template per render).
        auto_reload=True,
    )
    env.filters.update(formatting.template_filters())
    env.tests.update(formatting.template_tests())
    env.tests["template"] = _template_exists(env)
    return env


def _template_exists(env: jinja2.Environment) -> Any:
    """Jinja test ``name is template``: whether any template folder has that template (to include an optional
    per-area template only when a user provides one)."""
    def exists(name: str) -> bool:
        try:
            env.get_template(name)
        except jinja2.TemplateNotFound:
            return False
        return True
    return exists


@functools.lru_cache(maxsize=32)
def _cached_environment(folders: tuple[str, ...]) -> ImmutableSandboxedEnvironment:
    # Compiled templates are reused across renders until their file changes; an environment is safe to render from
    # many threads.
    return _environment(folders)


def _template_frame(tb: TracebackType | None, names: set[str]) -> tuple[str | None, int | None]:
    """The innermost traceback frame that belongs to a template (Jinja maps those frames to template lines)."""
    found: tuple[str | None, int | None] = (None, None)
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename in names or filename.endswith(".j2"):
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def render_markup(report: Report, template_dirs: Sequence[str | os.PathLike[str]] = (), *,
                  template_name: str = "report.xml.j2", context: dict[str, Any] | None = None,
                  limits: Limits | None = None) -> str:
    """Render ``report`` with the skeleton ``template_name`` to report markup (a string of XML). ``context`` adds
    variables (the scheme, the findings of the checks)."""
    folders = tuple(str(Path(d).resolve()) for d in template_dirs)
    for folder in folders:
        if not Path(folder).is_dir():
            raise TemplateError("模板文件夹不存在", folder, None)
    env = _cached_environment(folders)
    limits = limits or Limits()
    token = start_deadline(limits.seconds)
    try:
        template = env.get_template(template_name)
        size = 0
        chunks = []
        for chunk in template.generate(report=report, **(context or {})):
            size += len(chunk)
            if size > limits.output_bytes:
                raise TemplateLimitError(f"模板输出超过{limits.output_bytes // (1024 * 1024)} MB，已停止")
            chunks.append(chunk)
        return "".join(chunks)
    except TemplateLimitError as e:
        filename, line = _template_frame(e.__traceback__, set())
        raise TemplateError(str(e), filename or template_name, line) from None
    except jinja2.TemplateSyntaxError as e:
        raise TemplateError(f"模板语法错误：{e.message}", e.filename or e.name, e.lineno) from None
    except jinja2.TemplateNotFound as e:
        where = "、".join([*folders, "内置模板"])
        raise TemplateError(f"找不到模板“{e.name}”（查找位置：{where}）", str(e.name), None) from None
    except SecurityError as e:
        filename, line = _template_frame(e.__traceback__, set())
        raise TemplateError(f"模板试图执行不允许的操作：{e}", filename, line) from None
    except jinja2.UndefinedError as e:
        filename, line = _template_frame(e.__traceback__, set())
        raise TemplateError(f"模板引用了不存在的变量或字段：{e.message}", filename, line) from None
    except RecursionError as e:
        filename, line = _template_frame(e.__traceback__, set())
        raise TemplateError("模板递归过深，已停止", filename or template_name, line) from None
    except DataError:  # a data file the template used is at fault (a catalogue statement): its own message
        raise
    except Exception as e:  # any other failure inside a template is the template's error
        filename, line = _template_frame(e.__traceback__, set())
        if filename is None:
            raise
        raise TemplateError(f"模板运行出错：{type(e).__name__}: {e}", filename, line) from None
    finally:
        reset_deadline(token)


__all__ = ["Limits", "packaged_templates", "render_markup"]
