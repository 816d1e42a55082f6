"""Reading data files — report data, schemes, the indicator catalogue — into typed objects, with every problem
reported in Chinese with its field path and, where the source is YAML, its line.

cattrs does the structuring (``forbid_extra_keys`` so a misspelt key is an error, not a silently ignored value);
this module holds the scalar rules shared by every kind of file, the YAML/JSON parsing, and the translation of
cattrs' failures into :class:`~edureport.errors.Problem` s.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, TypeVar, get_args, get_origin

import attrs
import cattrs
import ruamel.yaml.main
from cattrs.cols import homogenous_tuple_structure_factory, mapping_structure_factory
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError, IterableValidationError
from ruamel.yaml import YAML
from ruamel.yaml.constructor import ConstructorError, RoundTripConstructor, SafeConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode
from ruamel.yaml.resolver import BaseResolver, implicit_resolvers
from ruamel.yaml.tag import Tag

from .errors import DataError, FieldValueError, Problem
from .sandbox import Limits
from .text import check_text

PathPart = str | int
T = TypeVar("T")


class TypeProblem(ValueError):
    """A value of the wrong JSON/YAML type; the message is already Chinese."""


_TYPE_NAMES = {str: "文本", bool: "true/false", int: "整数", float: "小数", Decimal: "小数", list: "列表", dict: "键值对",
               type(None): "空值"}


def type_name(value: Any) -> str:
    for t, name in _TYPE_NAMES.items():
        if type(value) is t:
            return f"{name}（{value}）" if t in (int, float, Decimal, bool) else name
    return type(value).__name__


def structure_str(value: Any, _t: type = str) -> str:
    if isinstance(value, str):
        return check_text(value)
    if isinstance(value, (float, Decimal)):
        raise TypeProblem(f"应为文本，实际是{type_name(value)}；数字作文本时请加引号，以免小数位丢失")
    raise TypeProblem(f"应为文本，实际是{type_name(value)}")


def _structure_int(value: Any, _t: type) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise TypeProblem(f"应为整数，实际是{type_name(value)}")


def _structure_bool(value: Any, _t: type) -> bool:
    if isinstance(value, bool):
        return value
    raise TypeProblem(f"应为 true 或 false，实际是{type_name(value)}")


_CN_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
#: years a report's dates may fall in
DATE_YEARS = range(1949, 2201)


def _structure_date(value: Any, _t: type) -> dt.date:
    if isinstance(value, dt.datetime):
        raise TypeProblem("应为日期（如 2024-06-05），不要带时间")
    if isinstance(value, dt.date):
        if value.year not in DATE_YEARS:
            raise TypeProblem(f"日期的年份{value.year}不合理")
        return value
    if isinstance(value, str):
        m = _CN_DATE.fullmatch(value) or _ISO_DATE.fullmatch(value)  # not 20240203, 2024-W01-1 or 2024-036
        try:
            if m:
                date = dt.date(int(m[1]), int(m[2]), int(m[3]))
                if date.year in DATE_YEARS:
                    return date
        except ValueError:
            pass
        raise TypeProblem(f"“{value}”不是有效日期；请写成 2024-06-05 或 2024年6月5日")
    raise TypeProblem(f"应为日期（如 2024-06-05），实际是{type_name(value)}")


def scalar_hook(type_name: str) -> Callable[[Any, Any], Any] | None:
    """The loader's rule for a scalar type named as in an annotation (bool, int, date, Decimal), or None."""
    return {"bool": _structure_bool, "int": _structure_int, "date": _structure_date,
            "Decimal": structure_decimal}.get(type_name)


NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")


def structure_decimal(value: Any, _t: type = Decimal) -> Decimal:
    if isinstance(value, bool):
        raise TypeProblem(f"应为数字，实际是{type_name(value)}")
    if isinstance(value, float):
        raise TypeProblem("不能用二进制浮点数（会丢失小数位）；请用 Decimal 或文本，如 \"752.96\"")
    if isinstance(value, (int, Decimal)) or (isinstance(value, str) and NUMBER.fullmatch(value.strip())):
        number = Decimal(value.strip()) if isinstance(value, str) else Decimal(value)
        if number.is_finite():
            return number
    raise TypeProblem(f"应为数字，实际是{type_name(value) if not isinstance(value, str) else f'“{value}”'}")


def _strict(factory: Callable[[Any, cattrs.Converter], Any], expected: type, what: str) -> Any:
    """A structuring factory that first checks the container's own type. cattrs iterates whatever it is given, so a
    mapping or a string where a list belongs would be taken apart key by key or character by character."""
    def make(t: Any, conv: cattrs.Converter) -> Any:
        inner = factory(t, conv)

        def structure(value: Any, _t: Any) -> Any:
            if not isinstance(value, expected):
                raise TypeProblem(f"应为{what}，实际是{type_name(value)}")
            return inner(value, _t)
        return structure
    return make


def _is_homogenous_tuple(t: Any) -> bool:
    args = get_args(t)
    return get_origin(t) is tuple and len(args) == 2 and args[1] is Ellipsis


def _is_dict(t: Any) -> bool:
    origin: Any = get_origin(t)
    return origin is dict


def base_converter() -> cattrs.Converter:
    """A converter with edureport's scalar rules: text that a document can hold, exact decimals (never floats),
    integers and booleans that are really so, dates in ISO or Chinese form, lists that are really lists."""
    conv = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    as_list = _strict(homogenous_tuple_structure_factory, list, "列表（每项一行，以“- ”开头）")
    as_mapping = _strict(mapping_structure_factory, Mapping, "键值对（名称: 值）")
    conv.register_structure_hook_factory(_is_homogenous_tuple, lambda t: as_list(t, conv))
    conv.register_structure_hook_factory(_is_dict, lambda t: as_mapping(t, conv))
    conv.register_structure_hook(str, structure_str)
    conv.register_structure_hook(int, _structure_int)
    conv.register_structure_hook(bool, _structure_bool)
    conv.register_structure_hook(dt.date, _structure_date)
    conv.register_structure_hook(Decimal, structure_decimal)
    conv.register_unstructure_hook(dt.date, lambda d: d.isoformat())
    return conv


# ---------------------------------------------------------------------------------------------------------------
# Error paths


def format_path(parts: Sequence[PathPart]) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def leaves(node: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """(field path, scalar) for every scalar in parsed data, in the path notation of error messages."""
    if isinstance(node, Mapping):
        for key, value in node.items():
            yield from leaves(value, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from leaves(value, f"{path}[{i}]")
    else:
        yield path, node


_REL_PATH = re.compile(r"([^\[\].]+)|\[(\d+)\]")


def parse_path(text: str) -> list[PathPart]:
    return [m[1] if m[1] is not None else int(m[2]) for m in _REL_PATH.finditer(text)]


def _expected_keys(cls: Any) -> list[str]:
    if isinstance(cls, type) and attrs.has(cls):
        return [a.name for a in attrs.fields(cls)]
    return []


def unknown_keys_message(names: Sequence[str], known: Sequence[str], what: str = "未知字段",
                         available: str = "可用字段") -> str:
    """未知字段 “paragrahs”（是不是“paragraphs”？）；可用字段：…"""
    hints = []
    for name in sorted(str(n) for n in names):
        close = difflib.get_close_matches(name, list(known), n=1)
        hints.append(f"“{name}”" + (f"（是不是“{close[0]}”？）" if close else ""))
    return f"{what} {'、'.join(hints)}；{available}：{'、'.join(known) or '（无）'}"


def _describe(exc: BaseException, cls: Any) -> tuple[list[PathPart], str]:
    """Chinese message for one leaf failure, plus the path it adds below its object."""
    if get_origin(cls) is Literal:
        # cattrs names the refused value only in its message ("bogus not in literal …"); say it as the model does
        given = re.match(r"(.*) not in literal ", str(exc.args[0]) if exc.args else "", re.S)
        return [], f"只能是 {' 或 '.join(str(c) for c in get_args(cls))}" + (f"，不能是“{given[1]}”" if given else "")
    if isinstance(exc, ForbiddenExtraKeysError):
        return [], unknown_keys_message(list(exc.extra_fields), _expected_keys(exc.cl))
    if isinstance(exc, FieldValueError):
        return parse_path(exc.path), exc.message
    if isinstance(exc, KeyError):
        return [], "缺少必填字段"
    if isinstance(exc, (TypeProblem, ValueError)) and exc.args and isinstance(exc.args[0], str) and \
            re.search(r"[\u4e00-\u9fff]", exc.args[0]):
        return [], exc.args[0]
    if isinstance(exc, (TypeError, AttributeError)) and isinstance(cls, type) and attrs.has(cls):
        return [], "应为键值对（字段: 值），实际不是"
    if isinstance(exc, (TypeError, AttributeError)):
        return [], "类型不对：应为列表或键值对"
    return [], f"无法识别的值（{exc}）"


Found = tuple[list[PathPart], str, list[PathPart]]  # field path, message, where to look for its line


def _walk(exc: BaseException, path: list[PathPart], cls: Any, out: list[Found]) -> None:
    if isinstance(exc, ClassValidationError):
        with_notes, without = exc.group_exceptions()
        for sub, note in with_notes:
            _walk(sub, [*path, note.name], note.type, out)
        for sub in without:
            _walk(sub, path, exc.cl, out)
    elif isinstance(exc, IterableValidationError):
        indexed, unindexed = exc.group_exceptions()
        for sub, item in indexed:
            if str(item).startswith("Structuring mapping key"):  # the key itself is not allowed (an unknown 学段)
                choices = get_args(item.type) if get_origin(item.type) is Literal else ()
                hint = f"；可用：{'、'.join(map(str, choices))}" if choices else ""
                here = [*path, str(item.index)]
                out.append((here, f"不认识的“{item.index}”{hint}", here))
                continue
            index = item.index if isinstance(item.index, int) else str(item.index)
            _walk(sub, [*path, index], item.type, out)
        for sub in unindexed:
            _walk(sub, path, None, out)
    elif isinstance(exc, DataError):  # a nested structuring that already has its problems (an area of a scheme)
        out += [(parse_path(p.path), p.message, parse_path(p.path)) for p in exc.problems]
    else:
        rel, message = _describe(exc, cls)
        here = [*path, *rel]
        # an unknown key is reported on its object, but its own line is the one to show
        look = [*here, sorted(map(str, exc.extra_fields))[0]] if isinstance(exc, ForbiddenExtraKeysError) else here
        out.append((here, message, look))


# ---------------------------------------------------------------------------------------------------------------
# Parsing


def _decode(data: bytes, source: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if b"\x00" in data and (encoding := _wide_encoding(data)) is not None:
        raise DataError(source, [Problem("", f"文件是 {encoding} 编码（没有字节顺序标记）；请在编辑器中另存为 UTF-8")])
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise DataError(source, [Problem("", "这不是文本文件（含有空字节）；请提供 YAML 或 JSON 数据文件", line=line)])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        hint = ""
        try:
            data.decode("gb18030")
            hint = "；看起来是 GBK/GB18030 编码，请在编辑器中另存为 UTF-8"
        except UnicodeDecodeError:
            hint = "；文件可能不是文本文件"
        raise DataError(source, [Problem("", f"文件不是 UTF-8 编码{hint}", line=line)]) from None


def _wide_encoding(data: bytes) -> str | None:
    """UTF-32 or UTF-16 without a byte-order mark, told by where zero bytes fall: text that is partly ASCII has
    zeros in the high bytes of its code units, never in the low ones."""
    sample = data[:4096]
    for name, width, low in (("UTF-32-LE", 4, 0), ("UTF-32-BE", 4, 3), ("UTF-16-LE", 2, 0), ("UTF-16-BE", 2, 1)):
        units = len(sample) // width
        if units < 2:
            continue
        high = [i for i in range(width) if i != low]
        zero_low = sum(sample[u * width + low] == 0 for u in range(units))
        zero_high = sum(all(sample[u * width + h] == 0 for h in high[-1:]) for u in range(units))
        if zero_low <= 0.05 * units and zero_high >= 0.3 * units:
            try:
                sample[: units * width].decode(name)
            except UnicodeDecodeError:
                continue
            return name
    return None


def _yaml_int(loader: Any, node: Any) -> int | Decimal:
    # Python refuses to make an int of more than 4300 digits (and making a huge one is slow): a long one is read as
    # a Decimal from its digits, which the size check then reports with its path.
    text = str(node.value).replace("_", "")
    if len(text) > 40 and text.lstrip("+-").isdigit():
        return Decimal(text)
    try:
        value: int = SafeConstructor.construct_yaml_int(loader, node)
    except (ValueError, IndexError):  # "0o_", "-_" (YAML's pattern for integers lets them through), "!!int abc"
        raise ConstructorError(None, None, f"“{node.value}”不是有效的整数", node.start_mark) from None
    return value


def _yaml_decimal(loader: Any, node: Any) -> Decimal | str:
    try:
        return Decimal(str(node.value).replace("_", ""))
    except ArithmeticError:
        return str(node.value)  # .inf, .nan: reported by the field's own hook, with its path


class _DataConstructor(SafeConstructor):
    """ruamel's safe constructor for edureport's data files. (add_constructor registers on the class, so these
    rules live in a subclass of our own rather than on ruamel's shared classes.)"""


# Dates stay strings so that a bad one (2024-13-01) is reported by the date hook with its field path.
_DataConstructor.add_constructor("tag:yaml.org,2002:timestamp", SafeConstructor.construct_yaml_str)
# Numbers with a fraction become exact decimals from their source text: 6.00 stays 6.00, 752.96 stays 752.96.
_DataConstructor.add_constructor("tag:yaml.org,2002:float", _yaml_decimal)
_DataConstructor.add_constructor("tag:yaml.org,2002:int", _yaml_int)


class _PositionConstructor(RoundTripConstructor):
    """Round-trip constructor used only to find a field's line; a date that does not exist must not stop it."""


_PositionConstructor.add_constructor("tag:yaml.org,2002:timestamp", RoundTripConstructor.construct_yaml_str)


def _yaml_loader(typ: str, pure: bool | None = None) -> YAML:
    # A new loader per call: ruamel's loader objects keep parsing state and may not be shared between threads.
    # Data is read with the C parser (ruamel.yaml.clib) where it is installed, about five times faster; the
    # round-trip reader that finds a field's line is pure Python and only runs when there is a problem to report.
    yaml = YAML(typ=typ, pure=typ != "safe" if pure is None else pure)
    yaml.allow_duplicate_keys = False
    yaml.Constructor = _DataConstructor if typ == "safe" else _PositionConstructor
    return yaml


# The data loader. ruamel's YAML(typ="safe") builds a loader class per call whose VersionedResolver asks, for every
# scalar, which YAML version the document declares (an attribute lookup that fails twice: a third of the parse);
# with the C parser the answer is always 1.2, as a %YAML directive does not reach it. _DataLoader is that loader with
# YAML 1.2's implicit resolvers chosen once, from ruamel's own table, and a constructor (_construct) that builds
# the plain dicts, lists and scalars of data files in one pass and measures them against the limits as it goes.
# Anything it does not handle (a tag, an alias used twice, a merge key, a duplicate key, nesting past the depth
# limit) is left to ruamel's own constructor on the same nodes, so results and errors are ruamel's.

#: ruamel.yaml.clib's C parser as ruamel.yaml.main found it (None where it is not installed)
_CParser: Any = getattr(ruamel.yaml.main, "CParser", None)
_TAGS: dict[str, Tag] = {}  # one shared Tag per tag the resolver gives: _construct tells them apart by identity


def _tag(name: str) -> Tag:
    return _TAGS.setdefault(name, Tag(suffix=name))


_STR = _tag(str(BaseResolver.DEFAULT_SCALAR_TAG))
_SEQ = _tag(str(BaseResolver.DEFAULT_SEQUENCE_TAG))
_MAP = _tag(str(BaseResolver.DEFAULT_MAPPING_TAG))
_DEFAULT_TAGS = {ScalarNode: _STR, SequenceNode: _SEQ, MappingNode: _MAP}
_Implicit = dict[str | None, list[tuple[Tag, Callable[[str], Any]]]]  # first character → (tag, its pattern's match)
_implicit_cache: dict[int, _Implicit] = {}


def _implicit_1_2() -> _Implicit:
    """YAML 1.2's implicit resolvers by first character, in ruamel's order, as VersionedResolver selects them from
    ruamel's table (rebuilt if something has added to that table since)."""
    size = len(implicit_resolvers)
    table = _implicit_cache.get(size)
    if table is None:
        table = {}
        for versions, tag, regexp, first in implicit_resolvers:
            if (1, 2) in versions:
                for ch in first if first is not None else [None]:
                    # ruamel's patterns are compiled lazily behind a proxy: keep the compiled pattern's match
                    table.setdefault(ch, []).append((_tag(tag), regexp.match))
        for_any = table.get(None, [])
        table = {ch: [*entries, *for_any] if ch is not None else entries for ch, entries in table.items()}
        _implicit_cache.clear()
        _implicit_cache[size] = table
    return table


class _Resolver12(BaseResolver):
    """ruamel's resolution for YAML 1.2 without asking for the version per scalar."""

    def __init__(self, version: Any = None, loader: Any = None, loadumper: Any = None) -> None:
        super().__init__(loadumper if loadumper is not None else loader)
        self._implicit = _implicit_1_2()
        self._implicit_any = self._implicit.get(None, [])

    @property
    def processing_version(self) -> Any:
        return (1, 2)

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        # VersionedResolver.resolve: the first resolver of the scalar's first character that matches, else the
        # default tag of the kind (the path resolvers it also consults are never registered)
        if kind is ScalarNode and implicit[0]:
            for tag, match in self._implicit.get(value[:1], self._implicit_any):
                if match(value):
                    return tag
        return _DEFAULT_TAGS[kind]


if _CParser is not None:
    class _DataLoader(_CParser, _DataConstructor, _Resolver12):  # type: ignore[misc]  # ruamel's C parser is untyped
        """The C parser, _DataConstructor and _Resolver12 in one object, as ruamel.yaml.main combines them."""

        def __init__(self, stream: str) -> None:
            _CParser.__init__(self, stream)
            self._parser = self._composer = self
            _DataConstructor.__init__(self, loader=self)
            self.allow_duplicate_keys = False
            _Resolver12.__init__(self, loadumper=self)


class _Unusual(Exception):
    """What _construct leaves to ruamel's constructor."""


# the constructor of each scalar tag the resolver gives, as _DataConstructor has them
_SCALAR_CONSTRUCTORS: dict[int, Callable[[Any, Any], Any]] = {
    id(_tag(f"tag:yaml.org,2002:{name}")): _DataConstructor.yaml_constructors[f"tag:yaml.org,2002:{name}"]
    for name in ("null", "bool", "int", "float", "timestamp")}


def _construct(loader: Any, root: Any, limits: Limits) -> tuple[Any, bool]:
    """The data of a document's nodes as _DataConstructor makes it, and whether check_shape can find nothing in it
    (False when it may: a long text, a long number, a key that is not text a document can hold). Raises _Unusual
    for what it leaves to ruamel's constructor, and as soon as the data is deeper or has more values than
    ``limits`` allow, so its work is bounded like check_shape's."""
    built: set[int] = set()
    count = 0
    clean = True
    scalar_constructors = _SCALAR_CONSTRUCTORS

    def scalar(node: Any) -> Any:
        tag = node.ctag
        if tag is _STR:
            return node.value
        construct = scalar_constructors.get(id(tag))
        if construct is None:
            raise _Unusual
        return construct(loader, node)

    def value(node: Any, depth: int) -> Any:
        nonlocal count, clean
        count += 1
        if count > limits.values or depth > limits.depth:
            raise _Unusual
        kind = type(node)
        if kind is ScalarNode:
            data = scalar(node)
            if type(data) is str:
                if len(data) > limits.text_chars:
                    clean = False
            elif (type(data) is int or type(data) is Decimal) and _too_many_digits(data, limits):
                clean = False
            return data
        if id(node) in built:  # an alias of a list or mapping: check_shape counts its values at every use
            raise _Unusual
        built.add(id(node))
        if kind is SequenceNode and node.ctag is _SEQ:
            return [value(item, depth + 1) for item in node.value]
        if kind is MappingNode and node.ctag is _MAP:
            mapping: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if type(key_node) is not ScalarNode:
                    raise _Unusual
                key = scalar(key_node)
                if key in mapping:
                    raise _Unusual  # ruamel's DuplicateKeyError says where
                if type(key) is str and clean:
                    try:
                        check_text(key)
                    except ValueError:
                        clean = False
                mapping[key] = value(value_node, depth + 1)
            return mapping
        raise _Unusual

    data = value(root, 0)
    return data, clean


#: nesting the C parser is never asked to compose: it composes nodes by recursion in C, without Python's recursion
#: limit, and crashes the process (a segmentation fault) somewhere between 20,000 and 50,000 levels (measured with
#: ruamel.yaml.clib 0.2.8: title: [[[…]]]). Far above any depth limit a user sets; far below the crash.
_C_NESTING = 5000
#: a line's structural prefix: indentation, block indicators ("- ", "? ", ": ") and the anchors and tags between them.
#: A block collection starts to the right of its parent's (one column at least), so a node's depth is at most its
#: line's prefix length plus the flow brackets open around it. Written so that each character has one reading
#: (the three alternatives start with different characters), so matching is linear.
_PREFIX = re.compile(r"^(?:[ \t]+|[-?:](?=[ \t\n])|[&!][^ \t\n]*)*", re.M)


def _may_nest_deep(text: str) -> bool:
    """Whether the text could nest collections _C_NESTING levels deep: an upper bound, from the flow brackets it
    holds and the longest structural prefix of a line ("- - - - x", a line indented thousands of columns). A file
    with thousands of small flow lists is read by the pure-Python parser too, only slower."""
    flow = text.count("[") + text.count("{")
    if flow >= _C_NESTING:
        return True
    if flow + max(map(len, text.splitlines()), default=0) < _C_NESTING:  # no line is long enough (most files)
        return False
    deepest = max((m.end() - m.start() for m in _PREFIX.finditer(text)), default=0)
    return flow + deepest >= _C_NESTING


def _load_yaml(text: str, limits: Limits) -> tuple[Any, bool]:
    """Parsed YAML data, and whether check_shape can find nothing in it (see _construct)."""
    if _CParser is None or _may_nest_deep(text):  # ruamel's pure parser: deep nesting is a RecursionError there
        yaml = _yaml_loader("safe", pure=True)
        yaml.Resolver = _Resolver12  # YAML 1.2 whatever the file declares, as on the C path
        return yaml.load(text), False
    loader = _DataLoader(text)  # a new loader per call (see _yaml_loader)
    try:
        root = loader.get_single_node()
        if root is None:
            return None, False
        try:
            return _construct(loader, root, limits)
        except Exception:  # _Unusual, or an error: ruamel's constructor raises the one it meets first
            return loader.construct_document(root), False
    finally:
        loader.dispose()


def _parse(text: str, source: str, fmt: str, limits: Limits) -> tuple[Any, bool]:
    """Parsed data, and whether check_shape is known to find nothing in it."""
    if not text.strip():
        return None, False  # an empty file: reported as such by the caller
    if fmt == "json":
        def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
            result: dict[str, Any] = {}
            for k, v in items:
                if k in result:
                    raise ValueError(f"重复的字段“{shown(k)}”")
                result[k] = v
            return result

        def integer(digits: str) -> int | Decimal:
            return int(digits) if len(digits) <= 40 else Decimal(digits)  # reported by the size check
        try:
            return json.loads(text, object_pairs_hook=pairs, parse_float=Decimal, parse_int=integer), False
        except json.JSONDecodeError as e:
            raise DataError(source, [Problem("", f"JSON 语法错误：{e.msg}", line=e.lineno, column=e.colno)]) from None
        except RecursionError:
            raise DataError(source, [Problem("", "嵌套层数过多（列表或键值对套得太深）")]) from None
        except ValueError as e:
            raise DataError(source, [Problem("", f"JSON 内容错误：{e}")]) from None
    try:
        return _load_yaml(text, limits)
    except RecursionError:
        raise DataError(source, [Problem("", "嵌套层数过多（列表或键值对套得太深）")]) from None
    except MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        what = (e.problem or e.context or "").strip()
        if "duplicate key" in str(e):
            what = "重复的字段（同一层出现了两次相同的键）"
        line = mark.line + 1 if mark is not None else None
        column = mark.column + 1 if mark is not None else None
        raise DataError(source, [Problem("", f"YAML 语法错误：{what}", line=line, column=column)]) from None
    except YAMLError as e:
        raise DataError(source, [Problem("", f"YAML 语法错误：{e}")]) from None
    except (TypeError, KeyError, AssertionError, ValueError, IndexError):
        # what ruamel's constructors raise on YAML that is well formed but cannot be data: a list or mapping as a
        # key (? [[a]]), !!bool 2, a duplicate key in an !!omap
        raise DataError(source, [Problem("", "YAML 中有不能作为数据的写法（如以列表或键值对作为键、!!bool 2、"
                                             "!!omap 中重复的键）")]) from None


class Locator:
    """Line and column of field paths in one YAML text; the text is parsed (with positions) once, when first
    asked, so reporting many problems stays linear."""

    def __init__(self, text: str | None, fmt: str) -> None:
        self._text = text if fmt == "yaml" else None
        self._root: Any = None
        self._parsed = False

    def __call__(self, parts: Sequence[PathPart]) -> tuple[int | None, int | None]:
        if self._text is None:
            return None, None
        if not self._parsed:
            self._parsed = True
            try:
                self._root = _yaml_loader("rt").load(self._text)
            except Exception:  # positions are a courtesy: a bad date, deep nesting, a merge ruamel cannot track
                # (a mapping merged into itself, a merged !!set) must not replace the problem being reported
                self._root = None
        node, line, col = self._root, None, None
        for part in parts:
            lc = getattr(node, "lc", None)
            try:
                if isinstance(part, int) and isinstance(node, list) and part < len(node):
                    if lc is not None:
                        line, col = lc.item(part)
                    node = node[part]
                elif isinstance(part, str) and isinstance(node, Mapping) and part in node:
                    if lc is not None:
                        line, col = lc.key(part)
                    node = node[part]
                else:
                    break
            except (KeyError, IndexError, TypeError):  # pragma: no cover - defensive
                break
        if line is None and self._root is not None:  # a field missing at the top: the file itself
            return 1, 1
        return (line + 1 if line is not None else None), (col + 1 if col is not None else None)

    def problem(self, path: str | Sequence[PathPart], message: str) -> Problem:
        parts = parse_path(path) if isinstance(path, str) else list(path)
        line, col = self(parts)
        return Problem(format_path(parts), message, line, col)


def structure(data: Any, cls: type[T], source: str, conv: cattrs.Converter, *, text: str | None = None,
              fmt: str = "yaml", what: str = "title: …、sections: … 等") -> T:
    """Structure parsed data into ``cls``; every failure becomes one DataError listing each problem's path."""
    if not isinstance(data, Mapping):
        found = "空文件" if data is None else f"{type_name(data)}"
        raise DataError(source, [Problem("", f"顶层应为键值对（{what}），实际是{found}")])
    try:
        return conv.structure(data, cls)
    except Exception as exc:
        raise structure_error(exc, cls, source, text, fmt) from None


def structure_error(exc: BaseException, cls: Any, source: str, text: str | None, fmt: str) -> DataError:
    found: list[Found] = []
    _walk(exc, [], cls, found)
    locate = Locator(text, fmt)
    problems = []
    for parts, message, look in found:
        line, column = locate(look)
        problems.append(Problem(format_path(parts), message, line, column))
    return DataError(source, problems)


def read_data_file(path: Path, limits: Limits | None = None) -> bytes:
    """A data file's bytes, refused before reading when it is larger than ``limits.input_bytes``."""
    limits = limits or Limits()
    try:
        size = path.stat().st_size
        if size > limits.input_bytes:
            raise DataError(str(path), [Problem("", f"文件过大（{size // 1024} KB，上限 {limits.input_bytes // 1024} KB）")])
        return path.read_bytes()
    except OSError as e:
        raise DataError(str(path), [Problem("", f"无法读取文件：{e.strerror or e}")]) from None


def parse_text(data: str | bytes, source: str, fmt: str | None = None,
               limits: Limits | None = None) -> tuple[Any, str, str]:
    """Decode and parse YAML or JSON: (parsed data, its text, 'yaml' or 'json'), checked against ``limits``
    (size, depth, number of values, length of a text, digits of a number) before anything else reads it."""
    limits = limits or Limits()
    size = len(data) if isinstance(data, bytes) else len(data.encode("utf-8", "surrogatepass"))
    if size > limits.input_bytes:
        raise DataError(source, [Problem("", f"文件过大（{size // 1024} KB，上限 {limits.input_bytes // 1024} KB）")])
    text = _decode(data, source) if isinstance(data, bytes) else data
    try:
        check_text(text, allow="\n\r\t")
    except ValueError as e:
        line = _line_of_bad_char(text)
        raise DataError(source, [Problem("", f"文件{e}", line=line)]) from None
    if fmt is None:
        fmt = "json" if text.lstrip()[:1] in ("{", "[") else "yaml"
    # More values than separators cannot be: refusing on this cheap bound keeps a huge file from being parsed
    values = text.count(",") + text.count("\n") + text.count("[") + text.count("{")
    if values > limits.values:
        raise DataError(source, [Problem("", f"数据中的值过多（超过{limits.values}个）")])
    parsed, clean = _parse(text, source, fmt, limits)
    problems = [] if clean else check_shape(parsed, limits)
    if problems:
        locate = Locator(text, fmt)
        raise DataError(source, [locate.problem(path, message) for path, message in problems])
    return parsed, text, fmt


def shown(key: str) -> str:
    """A key as it may be shown in a message: characters no text can hold are written as \\uXXXX."""
    try:
        check_text(key)
        return key
    except ValueError:
        return "".join(c if c.isprintable() and not 0xD800 <= ord(c) <= 0xDFFF else f"\\u{ord(c):04x}" for c in key)


def check_shape(data: Any, limits: Limits) -> list[tuple[list[PathPart], str]]:
    """What in parsed data is past a limit, with its path: nesting, the number of values (aliases counted each time
    they are used), a text's length, a number's digits, a key that is not text a document can hold. Iterative, and
    it stops at the first problems, so its work is bounded by the limits themselves."""
    problems: list[tuple[list[PathPart], str]] = []
    stack: list[tuple[Any, list[PathPart]]] = [(data, [])]
    seen = 0
    while stack and len(problems) < 20:
        node, path = stack.pop()
        seen += 1
        if seen > limits.values:
            return [*problems, ([], f"数据中的值过多（超过{limits.values}个；YAML 的锚点 * 每用一次都计入）")]
        if len(path) > limits.depth:
            problems.append((path[:limits.depth], f"嵌套层数过多（超过{limits.depth}层）"))
            continue
        if isinstance(node, Mapping):
            for key, value in reversed(list(node.items())):
                if isinstance(key, str) and shown(key) != key:
                    problems.append((path, f"字段名“{shown(key)}”含有文档无法容纳的字符"))
                    continue
                stack.append((value, [*path, key if isinstance(key, str) else str(key)]))
        elif isinstance(node, list):
            stack.extend((value, [*path, i]) for i, value in reversed(list(enumerate(node))))
        elif isinstance(node, str) and len(node) > limits.text_chars:
            problems.append((path, f"文字过长（{len(node)}字，上限{limits.text_chars}字）"))
        elif isinstance(node, (int, Decimal)) and not isinstance(node, bool) and _too_many_digits(node, limits):
            problems.append((path, f"数字位数过多（最多{limits.digits}位有效数字）"))
    return problems


def _too_many_digits(number: int | Decimal, limits: Limits) -> bool:
    value = Decimal(number)
    return value.is_finite() and (len(value.as_tuple().digits) > limits.digits or abs(value.adjusted()) > limits.digits)


def _line_of_bad_char(text: str) -> int | None:
    for number, line in enumerate(text.split("\n"), start=1):
        try:
            check_text(line, allow="\r\t")
        except ValueError:
            return number
    return None  # pragma: no cover - only called after a failure


def hook(conv: cattrs.Converter, cls: type, **overrides: Callable[[Any, Any], Any]) -> None:
    """Register a class's structuring with some fields structured by their own functions."""
    from cattrs.gen import make_dict_structure_fn, override
    conv.register_structure_hook(cls, make_dict_structure_fn(
        cls, conv, **{name: override(struct_hook=fn) for name, fn in overrides.items()}))  # type: ignore[arg-type]
