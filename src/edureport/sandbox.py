"""The template sandbox: Jinja's immutable sandbox with limits on time, output and the size of one value.

Every template edureport runs — the report skeletons, the area templates and the statement templates of the indicator
catalogue — runs in a :class:`ReportSandbox`, so nothing a template (or a user's template folder) says can reach
Python internals, files or the network, and a template that loops forever or produces an absurd amount of output is
stopped with an error naming the template and line.
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Iterator
from typing import Any

import attrs
from jinja2.exceptions import SecurityError
from jinja2.sandbox import MAX_RANGE, ImmutableSandboxedEnvironment


@attrs.frozen
class Limits:
    """What one template render may take: wall-clock seconds and bytes of output. A template that loops forever or
    produces an absurd amount of output is stopped with a TemplateError naming the template and line."""

    seconds: float = 30.0
    output_bytes: int = 64 * 1024 * 1024


#: edureport's own frozen value classes (the report model, areas built from the catalogue, figures): the objects
#: templates read most, whose public attributes are plain data. Classes register themselves (areas are made at run
#: time from the catalogue); adding to a set is atomic, so registering from several threads is safe.
VALUE_TYPES: set[type] = set()


def value_type(cls: type) -> type:
    """Class decorator: templates may read this class's public attributes through the sandbox's fast path."""
    VALUE_TYPES.add(cls)
    return cls


_deadline: contextvars.ContextVar[float] = contextvars.ContextVar("edureport_template_deadline", default=float("inf"))
_BIG = 1_000_000  # characters or items one * may produce


class TemplateLimitError(SecurityError):
    """A template went past a limit (time, output size, size of one value)."""


def check_deadline() -> None:
    if time.monotonic() > _deadline.get():
        raise TemplateLimitError("模板运行超时，已停止（可能是死循环）")


def start_deadline(seconds: float) -> contextvars.Token[float]:
    """Start the clock for one render (a context variable, so concurrent renders do not interfere)."""
    return _deadline.set(time.monotonic() + seconds)


def reset_deadline(token: contextvars.Token[float]) -> None:
    _deadline.reset(token)


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
                check_deadline()
            yield value


class ReportSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, with limits (time, output, the size one ``*`` or ``**`` may produce) and a fast
    path for reading public attributes of edureport's own frozen value classes (fields and side-effect-free methods,
    nothing that reaches Python internals). Every other attribute, and every underscore name, still goes through the
    sandbox's full check."""

    intercepted_binops = frozenset(["*", "**"])

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
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
        check_deadline()
        return super().call(__context, __obj, *args, **kwargs)

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) in VALUE_TYPES and not attribute.startswith("_"):
            try:
                return getattr(obj, attribute)
            except AttributeError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)
