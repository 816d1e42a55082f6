"""The template sandbox: Jinja's immutable sandbox with limits on time, output and the size of one value.

Every template edureport runs — the report skeletons, the area templates and the statement templates of the indicator
catalogue — runs in a :class:`ReportSandbox`, so nothing a template (or a user's template folder) says can reach
Python internals, files or the network, and a template that loops forever or produces an absurd amount of output is
stopped with an error naming the template and line.
"""

from __future__ import annotations

import contextvars
import re
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import attrs
import jinja2
from jinja2 import nodes
from jinja2.exceptions import SecurityError
from jinja2.runtime import LoopContext, markup_join
from jinja2.sandbox import MAX_RANGE, ImmutableSandboxedEnvironment
from jinja2.utils import generate_lorem_ipsum
from jinja2.visitor import NodeTransformer


@attrs.frozen
class Limits:
    """What one render may take. ``seconds`` and ``output_bytes`` bound a template's run time and output (a template
    that loops forever or produces an absurd amount of output is stopped with a TemplateError naming the template
    and line). The rest bound the input data, before any of it is used: ``input_bytes`` of a data file,
    ``depth`` of nested lists and mappings, ``values`` in it (a YAML alias counts each time it is used, so an
    alias bomb is stopped), ``text_chars`` of one text, and ``digits`` of one number (with an exponent of at most
    ``digits`` either way). Data past a limit is a DataError naming the field."""

    seconds: float = 5.0
    output_bytes: int = 64 * 1024 * 1024
    input_bytes: int = 20 * 1024 * 1024
    depth: int = 40
    values: int = 200_000
    text_chars: int = 1_000_000
    digits: int = 20


#: edureport's own frozen value classes (the report model, areas built from the catalogue, figures): the objects
#: templates read most, whose public attributes are plain data. Classes register themselves (areas are made at run
#: time from the catalogue); adding to a set is atomic, so registering from several threads is safe.
VALUE_TYPES: set[type] = set()


def value_type(cls: type) -> type:
    """Class decorator: templates may read this class's public attributes through the sandbox's fast path."""
    VALUE_TYPES.add(cls)
    return cls


_deadline: contextvars.ContextVar[float] = contextvars.ContextVar("edureport_template_deadline", default=float("inf"))
_BIG = 1_000_000  # characters or items one operation may produce
_BITS = 65_536  # bits one integer may have (a number of about 20,000 digits)
_WIDTH = re.compile(r"%[-#0 +]*(\d+)|\{[^{}]*:[^{}]*?(\d{7,})")  # widths of a % or {} format
_PADDING = frozenset(("ljust", "rjust", "center", "zfill"))


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


def _too_big(what: str) -> TemplateLimitError:
    return TemplateLimitError(f"{what}过大，已停止")


def _check_size(value: Any) -> Any:
    if isinstance(value, (str, list, tuple)) and len(value) > _BIG:
        raise _too_big("生成的内容")
    if isinstance(value, int) and value.bit_length() > _BITS:
        raise _too_big("整数")
    return value


def _timed_iter(iterable: Iterable[Any]) -> Iterator[Any]:
    """What every ``{% for %}`` of a template iterates through: the time limit is checked as it goes, so a loop over
    anything (a long string, a filter's result, nested loops) is stopped at the deadline."""
    for i, value in enumerate(iterable):
        if not i % 256:
            check_deadline()
        yield value


def _joined(*parts: Any) -> Any:
    """``a ~ b``: the size is checked before the parts are joined (doubling a string in a loop is stopped)."""
    check_deadline()
    if sum(len(str(p)) for p in parts) > _BIG:
        raise _too_big("拼接的内容")
    return markup_join(parts)


def _lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:
    if not 0 <= n <= 100 or not 0 <= min <= max <= 1000:
        raise _too_big("lipsum 的段落或字数")
    return str(generate_lorem_ipsum(n, html, min, max))


class _Guarded(NodeTransformer):
    """Rewrites a template as it is parsed: every loop iterates through ``_timed_iter`` and every ``~`` goes through
    ``_joined``. (Jinja has no hook for either; its parser output is a documented node tree, so the rewrite is
    done there, before symbols are analysed and code is generated.)"""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)
        node.iter = nodes.Call(nodes.Name("_edureport_timed_iter", "load"), [node.iter], [], None, None,
                               lineno=node.lineno)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        return nodes.Call(nodes.Name("_edureport_joined", "load"), list(node.nodes), [], None, None,
                          lineno=node.lineno)


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

    intercepted_binops = frozenset(["*", "**", "+", "%", "//", "-"])

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.globals.update(range=_TimedRange, lipsum=_lipsum, _edureport_timed_iter=_timed_iter,
                            _edureport_joined=_joined)
        for name in ("center", "indent", "wordwrap", "truncate", "format", "replace", "join"):
            self.filters[name] = _bounded_filter(self.filters[name])

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        guarded: nodes.Template = _Guarded().visit(tree)
        return guarded

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        check_deadline()
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(n, int) and len(seq) * n > _BIG:
                    raise TemplateLimitError(f"重复生成的内容过大（{len(seq)}×{n}）")
            if _ints(left, right) and left.bit_length() + right.bit_length() > _BITS:
                raise _too_big("整数")
        if operator == "**" and isinstance(right, int):
            if abs(right) > 256 or (isinstance(left, int) and left.bit_length() * abs(right) > _BITS):
                raise TemplateLimitError(f"乘方的指数过大（{right}）")
        if operator == "+" and isinstance(left, (str, list, tuple)) and isinstance(right, (str, list, tuple)) \
                and len(left) + len(right) > _BIG:
            raise _too_big("拼接的内容")
        if operator == "%" and isinstance(left, str):
            _check_format(left)
        return _check_size(super().call_binop(context, operator, left, right))

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # Jinja's signature
        check_deadline()
        if isinstance(__obj, LoopContext):
            # ``loop(items)`` (or ``loop(iterable=items)``) in a recursive loop: the next level is iterated like any
            # {% for %} (_Guarded wraps only the loop's first iterable, the one written in the {% for %} tag)
            if args:
                args = (_timed_iter(args[0]), *args[1:])
            elif "iterable" in kwargs:
                kwargs = {**kwargs, "iterable": _timed_iter(kwargs["iterable"])}
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str):
            _check_str_call(owner, getattr(__obj, "__name__", ""), args)
        return super().call(__context, __obj, *args, **kwargs)

    def getattr(self, obj: Any, attribute: str) -> Any:
        if isinstance(obj, str) and attribute in ("format", "format_map"):
            _check_format(obj)  # Jinja hands out its own formatter for these: check the widths before any call
        if type(obj) in VALUE_TYPES and not attribute.startswith("_"):
            try:
                return getattr(obj, attribute)
            except AttributeError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


def _ints(*values: Any) -> bool:
    return all(isinstance(v, int) and not isinstance(v, bool) for v in values)


def _check_format(text: str) -> None:
    for m in _WIDTH.finditer(text):
        width = m.group(1) or m.group(2)
        if width and int(width) > _BIG:
            raise _too_big("格式宽度")


def _check_str_call(text: str, method: str, args: tuple[Any, ...]) -> None:
    """Methods of a string whose result size is known before they run: refuse an absurd one before allocating."""
    if method in _PADDING and args and isinstance(args[0], int) and args[0] > _BIG:
        raise _too_big("填充宽度")
    if method == "expandtabs" and args and isinstance(args[0], int) and args[0] * max(1, text.count("\t")) > _BIG:
        raise _too_big("制表符展开")
    if method == "replace" and len(args) >= 2 and all(isinstance(a, str) for a in args[:2]):
        old, new = args[0], args[1]
        count = (len(text) + 1) if old == "" else text.count(old)
        if len(text) + count * (len(new) - len(old)) > _BIG:
            raise _too_big("替换后的内容")
    if method in ("format", "format_map"):
        _check_format(text)


def _bounded_filter(fn: Any) -> Any:
    """A Jinja filter whose arguments are checked first (width, size of the result) and whose result is checked."""
    first = 1 if hasattr(fn, "jinja_pass_arg") else 0  # a context or environment comes before the value

    def bounded(*args: Any, **kwargs: Any) -> Any:
        check_deadline()
        value, rest = (args[first], args[first + 1:]) if len(args) > first else (None, ())
        for arg in (*rest, *kwargs.values()):
            if isinstance(arg, int) and arg > _BIG:
                raise _too_big("过滤器的参数")
        if isinstance(value, str):
            if fn.__name__ == "do_replace" and len(rest) >= 2:
                _check_str_call(value, "replace", (str(rest[0]), str(rest[1])))
            if fn.__name__ == "do_format":
                _check_format(value)
        return _check_size(fn(*args, **kwargs))
    bounded.__wrapped__ = fn  # type: ignore[attr-defined]
    for flag in ("jinja_pass_arg",):
        if hasattr(fn, flag):
            setattr(bounded, flag, getattr(fn, flag))
    return bounded


class ContainedLoader(jinja2.FileSystemLoader):
    """Jinja's file loader that only reads files inside its folders: a template reached through a link pointing
    outside the folder (or a name climbing out of it) is not found."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Any]:
        source, filename, uptodate = super().get_source(environment, template)
        resolved = Path(filename).resolve()
        if not any(resolved.is_relative_to(Path(folder).resolve()) for folder in self.searchpath):
            raise jinja2.TemplateNotFound(template)
        return source, filename, uptodate
