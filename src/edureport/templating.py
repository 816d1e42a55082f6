"""Stage 3: the typed model → report markup, through Jinja templates.

Templates are plain text files: the packaged ones (``edureport/templates``), with any user folders searched first,
so a user overrides one template by dropping a file of the same name in their folder. All templates run in Jinja's
immutable sandbox with autoescaping, so data can never become markup and a template cannot reach Python internals.
Every template failure becomes a :class:`~edureport.errors.TemplateError` naming the file and line.
"""

from __future__ import annotations

import contextvars
import functools
import os
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import attrs
import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import MAX_RANGE, ImmutableSandboxedEnvironment

from . import formatting
from .errors import TemplateError
from .model import Report


def packaged_templates() -> Path:
    """Folder of the templates shipped with edureport.

    In a wheel they are ``edureport/templates``; in a source checkout installed in editable mode they are the
    repository's top-level ``templates/`` folder, which the wheel build copies in.
    """
    here = Path(__file__).resolve().parent
    shipped = here / "templates"
    return shipped if shipped.is_dir() else here.parent.parent / "templates"


def ensure_end(text: str, ending: str) -> str:
    return text if text.endswith(ending) else text + ending


def bracket(text: str) -> str:
    """Wrap in full-width round brackets (附注, clause 7.3.6) unless the text already is."""
    return text if text.startswith("（") and text.endswith("）") else f"（{text}）"


def _value_types() -> frozenset[type]:
    """edureport's own frozen data classes: the objects templates read most."""
    from . import areas, model, quantities, schemes
    modules = (areas, model, quantities, schemes)
    return frozenset(obj for module in modules for obj in vars(module).values()
                     if isinstance(obj, type) and attrs.has(obj) and obj.__module__ == module.__name__)


@attrs.frozen
class Limits:
    """What one template render may take: wall-clock seconds and bytes of output. A template that loops forever or
    produces an absurd amount of output is stopped with a TemplateError naming the template and line."""

    seconds: float = 30.0
    output_bytes: int = 64 * 1024 * 1024


_deadline: contextvars.ContextVar[float] = contextvars.ContextVar("edureport_template_deadline", default=float("inf"))
_BIG = 1_000_000  # characters or items one * may produce


class TemplateLimitError(SecurityError):
    """A template went past a limit (time, output size, size of one value)."""


def _check_deadline() -> None:
    if time.monotonic() > _deadline.get():
        raise TemplateLimitError("模板运行超时，已停止（可能是死循环）")


class _TimedRange:
    """``range`` for templates: the sandbox's size limit, and the time limit checked while it is iterated (a loop
    whose body does nothing would otherwise never be interrupted)."""

    def __init__(self, *args: int) -> None:
        self._range = range(*args)
        if len(self._range) > MAX_RANGE:
            raise TemplateLimitError(f"range 过大（超过{MAX_RANGE}项）")

    def __len__(self) -> int:
        return len(self._range)

    def __getitem__(self, index: int) -> int:
        return self._range[index]

    def __iter__(self) -> Iterator[int]:
        for i, value in enumerate(self._range):
            if not i % 1024:
                _check_deadline()
            yield value


class ReportSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, with limits (time, output, the size one ``*`` or ``**`` may produce) and a fast
    path for reading public attributes of edureport's own frozen value classes (fields and side-effect-free methods,
    nothing that reaches Python internals). Every other attribute, and every underscore name, still goes through the
    sandbox's full check."""

    intercepted_binops = frozenset(["*", "**"])

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._fast_types = _value_types()
        self.globals["range"] = _TimedRange

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(n, int) and len(seq) * n > _BIG:
                    raise TemplateLimitError(f"重复生成的内容过大（{len(seq)}×{n}）")
        if operator == "**" and isinstance(right, int) and abs(right) > 256:
            raise TemplateLimitError(f"乘方的指数过大（{right}）")
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # Jinja's signature
        _check_deadline()
        return super().call(__context, __obj, *args, **kwargs)

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) in self._fast_types and not attribute.startswith("_"):
            try:
                return getattr(obj, attribute)
            except AttributeError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


def _environment(folders: tuple[str, ...]) -> ImmutableSandboxedEnvironment:
    env = ReportSandbox(
        loader=jinja2.FileSystemLoader([*folders, str(packaged_templates())]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        auto_reload=False,
    )
    env.filters.update(template_filters())
    env.tests.update(rising=formatting.rising, falling=formatting.falling, template=_template_exists(env))
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
    # Compiled templates are reused across renders; an environment is safe to render from many threads.
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
    token = _deadline.set(time.monotonic() + limits.seconds)
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
    except Exception as e:  # any other failure inside a template is the template's error
        filename, line = _template_frame(e.__traceback__, set())
        if filename is None:
            raise
        raise TemplateError(f"模板运行出错：{type(e).__name__}: {e}", filename, line) from None
    finally:
        _deadline.reset(token)


def template_filters() -> dict[str, Any]:
    """The filters edureport adds to Jinja."""
    return {"cn_date": formatting.cn_date, "cn_year": formatting.cn_year, "cn_number": formatting.cn_number,
            "number": formatting.number, "amount": formatting.amount, "money": formatting.money,
            "percent": formatting.percent, "growth": formatting.growth,
            "enumerate_points": formatting.enumerate_points, "change_of": formatting.change_of,
            "by_stage": formatting.by_stage, "ensure_end": ensure_end, "bracket": bracket}
