"""The fast YAML loader (edureport.parsing._load_yaml: the C parser, YAML 1.2 resolution chosen once, one-pass
construction that measures the data against the limits) reads every document exactly as ruamel's versioned safe
loader with edureport's constructor does, and reports every problem with the same message, line and column."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.resolver import VersionedResolver

import edureport
from edureport.errors import DataError
from edureport.parsing import _DataConstructor, _load_yaml, _Resolver12, _yaml_loader, check_shape, parse_text
from edureport.sandbox import Limits
from edureport.text import check_text

ROOT = Path(__file__).resolve().parent.parent
SMALL = Limits(depth=5, values=60, text_chars=20, digits=5)

#: plain scalars whose type YAML 1.1 and 1.2 (and the loader's own rules) tell apart
SCALARS = [
    "on", "off", "yes", "no", "y", "n", "Y", "true", "True", "TRUE", "false", "tRue", "0o17", "017", "09", "0x1F",
    "0b101", "1_000", "1__0", "1:20", "1:20:30.5", "2024-01-01", "2024-1-1", "2024-01-01 10:00:00", "2024-13-01",
    "6.00", "752.96", "0.", "-1.", "1_2.3_4", "1e5", "1E+5", "1.5e-3", ".5", "-.5", "+.5e+1", "-.inf", ".Inf", ".nan",
    ".NaN", "~", "null", "Null", "NULL", "", "0", "-0", "+0", "+12", "12345678901234567890123456789012345678901234567890",
    "-12345678901234567890123456789012345678901", "1e999999", "'6.00'", '"on"', "! 12", "县政府", "a b", "=x",
]


def typed(data: Any) -> str:
    """The data with every scalar's type, so 6.00 and 6, 1 and True, '1' and 1 differ."""
    if isinstance(data, dict):
        return "{" + ", ".join(f"{typed(k)}: {typed(v)}" for k, v in data.items()) + "}"
    if isinstance(data, list):
        return "[" + ", ".join(typed(v) for v in data) + "]"
    return f"{type(data).__name__}:{data!r}"


def outcome(load: Any) -> tuple[str, str]:
    try:
        return "data", load()
    except Exception as e:  # the very error is what is compared
        return type(e).__name__, str(e)


def fast(text: str, limits: Limits) -> tuple[str, list[Any]]:
    data, clean = _load_yaml(text, limits)
    return typed(data), [] if clean else check_shape(data, limits)


def ruamels(text: str, limits: Limits) -> tuple[str, list[Any]]:
    """ruamel's own YAML(typ="safe") (its VersionedResolver) with edureport's constructor, then check_shape: the
    loader as it was."""
    data = _yaml_loader("safe").load(text)
    return typed(data), check_shape(data, limits)


def assert_same(text: str, limits: Limits = SMALL) -> None:
    assert outcome(lambda: fast(text, limits)) == outcome(lambda: ruamels(text, limits)), text


@pytest.mark.parametrize("scalar", SCALARS)
def test_a_scalar_is_read_as_ruamels_versioned_loader_reads_it_as_value_and_as_key(scalar: str) -> None:
    assert_same(f"v: {scalar}\n")
    assert_same(f"- {scalar}\n- [{scalar}]\n- {{k: {scalar}}}\n")
    assert_same(f"{scalar}: v\n")


def test_yaml_1_2_semantics_are_kept() -> None:
    data, clean = _load_yaml("a: on\nb: yes\nc: 0o17\nd: 1_000\ne: 2024-01-01\nf: 6.00\ng: 017\nh: 1:20\n"
                             "i: 12345678901234567890123456789012345678901234567890\nj: .inf\nk: ~\nl: TRUE\n", Limits())
    assert typed(data) == typed({
        "a": "on", "b": "yes", "c": 15, "d": 1000, "e": "2024-01-01", "f": Decimal("6.00"), "g": 17, "h": "1:20",
        "i": Decimal("12345678901234567890123456789012345678901234567890"), "j": ".inf", "k": None, "l": True})
    assert repr(data["f"]) == "Decimal('6.00')"
    assert clean is False  # the 50-digit number is for check_shape to report


def test_a_yaml_1_1_directive_changes_nothing_as_with_ruamels_c_parser() -> None:
    assert_same("%YAML 1.1\n---\na: yes\nb: 017\nc: 1:20\n")


@given(st.text(alphabet="0123456789+-._:eExXoObB~nNuUlLtTrRfFaAsSyYiIf <=!&*", max_size=12))
@settings(max_examples=2000, deadline=None)
def test_the_resolver_tags_every_plain_scalar_as_ruamels_versioned_resolver(value: str) -> None:
    ours = _Resolver12().resolve(ScalarNode, value, (True, False))
    theirs = VersionedResolver().resolve(ScalarNode, value, (True, False))
    assert str(ours) == str(theirs)
    assert str(_Resolver12().resolve(ScalarNode, value, (False, True))) == "tag:yaml.org,2002:str"


KEYS = ["a", "b", "1", "~", "null", "true", "1.0", "<<", "=", "'a\\tb'", '"k\\x01"', "&k a", "*k", "标题", "0o17"]
VALUES = [*SCALARS, '"\\t"', '"\\x01a"', '"\\ud800"', '"\\uFFFE"', '"\\U0001FFFE"', '"😀"', "!!str 12", "!!int '12'",
          "!!float 1", "!!binary aGVsbG8=", "!!set {a, b}", "!!omap [a: 1]", "!custom x", "!!timestamp 2024-01-01",
          "&a 1", "*a", "*m", "[]", "{}", "x" * 30, "0o_", "-_"]


@st.composite
def documents(draw: st.DrawFn, depth: int = 0, indent: str = "") -> str:
    """YAML text: nested block lists and mappings of the scalars above, with anchors, aliases (of a mapping too),
    merge keys, tags, duplicate and odd keys."""
    kind = draw(st.sampled_from(["scalar", "list", "mapping"] if depth < 4 else ["scalar"]))
    if kind == "scalar":
        return " " + draw(st.sampled_from(VALUES))
    if kind == "list":
        items = draw(st.lists(documents(depth + 1, indent + "  "), max_size=4))
        return "".join(f"\n{indent}-{item}" for item in items) or " []"
    keys = draw(st.lists(st.sampled_from(KEYS), max_size=4))
    values = [draw(documents(depth + 1, indent + "  ")) for _ in keys]
    anchor = draw(st.sampled_from(["", " &m"]))
    body = "".join(f"\n{indent}{key}:{value}" for key, value in zip(keys, values, strict=True))
    return anchor + body if body else " {}"


@given(documents(), st.sampled_from([SMALL, Limits()]))
@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_generated_documents_load_as_ruamels_loader_loads_them(document: str, limits: Limits) -> None:
    assert_same("k:" + document + "\n", limits)


@pytest.mark.parametrize("text", [
    "a: &a [1, 2]\nb: *a\nc: *a\n",  # an alias of a list: counted at every use
    "a: &x [*x]\n",  # a list holding itself
    "base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n",
    "a: " + "[" * 45 + "1" + "]" * 45 + "\n",
    "a: " + "[" * 3000 + "1" + "]" * 3000 + "\n",
    "a: &a [1,2,3,4,5,6,7,8,9,10]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n",
    "? [1, 2]\n: x\n",
    "a: 1\na: 2\n",
    "1: a\n1.0: b\n",
    "- 0o_\n",
])
@pytest.mark.parametrize("limits", [SMALL, Limits()], ids=["small", "default"])
def test_documents_left_to_ruamels_constructor_load_as_before(text: str, limits: Limits) -> None:
    assert_same(text, limits)


def test_an_alias_of_a_list_or_mapping_is_the_very_object_of_its_anchor() -> None:
    data, _ = _load_yaml("a: &a [1, {x: 2}]\nb: *a\nc: &c {y: 3}\nd: *c\n", Limits())
    expected = _yaml_loader("safe").load("a: &a [1, {x: 2}]\nb: *a\nc: &c {y: 3}\nd: *c\n")
    assert data == expected and data["b"] is data["a"] and data["d"] is data["c"]


CASES = {
    "title: 报告\nsections:\n  - title: 一\n    title: 二\n":
        "数据错误：r.yaml 第4行第5列：YAML 语法错误：重复的字段（同一层出现了两次相同的键）",
    "a: &a [1,2,3,4,5,6,7,8,9,10]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n":
        "数据错误：r.yaml 第1行第1列：数据中的值过多（超过100个；YAML 的锚点 * 每用一次都计入）",
    "title: 报告\nareas: " + "[" * 45 + "1" + "]" * 45 + "\n":
        "数据错误：r.yaml 第2行第47列 字段 areas" + "[0]" * 39 + "：嵌套层数过多（超过40层）",
    "title: 报告\nsections:\n  - title: " + "字" * 30 + "\n":
        "数据错误：r.yaml 第3行第5列 字段 sections[0].title：文字过长（30字，上限20字）",
    "title: 报告\nfigures:\n  a: 123456\n  b: 6.00\n":
        "数据错误：r.yaml 第3行第3列 字段 figures.a：数字位数过多（最多5位有效数字）",
    'title: 报告\n"坏\\x01键": 1\n': "数据错误：r.yaml 第1行第1列：字段名“坏\\u0001键”含有文档无法容纳的字符",
    "title: !!binary aGVsbG8=\nx: !custom 1\n":
        "数据错误：r.yaml 第2行第4列：YAML 语法错误：could not determine a constructor for the tag '!custom'",
    "base: &b {x: 1}\nother:\n  <<: *b\n  <<: *b\n": '数据错误：r.yaml 第4行第3列：YAML 语法错误：found duplicate merge key "<<"',
    "a: 1\n---\nb: 2\n": "数据错误：r.yaml 第2行第1列：YAML 语法错误：but found another document",
    "a: [1, 2\nb: 3\n": "数据错误：r.yaml 第2行第2列：YAML 语法错误：did not find expected ',' or ']'",
}


@pytest.mark.parametrize(("text", "message"), CASES.items(), ids=range(len(CASES)))
def test_problems_are_reported_with_the_same_message_line_and_column(text: str, message: str) -> None:
    with pytest.raises(DataError) as caught:
        parse_text(text, "r.yaml", "yaml", Limits(text_chars=20, digits=5, values=100))
    assert str(caught.value) == message


@pytest.mark.parametrize("example", sorted((ROOT / "examples").glob("*.yaml")), ids=lambda p: p.stem)
def test_report_files_are_built_in_one_pass_without_ruamels_constructor(example: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    text = example.read_text(encoding="utf-8")
    expected = _yaml_loader("safe").load(text)

    def refuse(*_: Any) -> None:
        raise AssertionError("left to ruamel's constructor")
    monkeypatch.setattr(_DataConstructor, "construct_document", refuse)
    data, clean = _load_yaml(text, Limits())
    assert clean and typed(data) == typed(expected)
    edureport.load_report(example, template_dirs=(str(ROOT / "examples" / "templates"),))


def test_text_beyond_the_basic_plane_is_accepted_and_a_refused_character_after_it_is_named() -> None:
    assert check_text("😀𠀀县😀") == "😀𠀀县😀"
    with pytest.raises(ValueError, match=r"控制字符 U\+0001.*第4个字符"):
        check_text("😀𠀀县\x01")
    with pytest.raises(ValueError, match=r"非字符 U\+1FFFE.*第2个字符"):
        check_text("😀\U0001fffe")
    assert check_text("a\U0001fffe", allow="\U0001fffe") == "a\U0001fffe"


def test_the_pure_parser_fallback_reads_yaml_1_2_too() -> None:
    """A file read by the pure-Python parser (one that could nest deeply: here many brackets in a comment) resolves
    scalars as YAML 1.2, as the C path does, whatever %YAML it declares."""
    from edureport.load import loads_report

    for tail in ("", "# " + "[" * 5000 + "\n"):
        report = loads_report("%YAML 1.1\n---\ntitle: yes\nyear: 2024\n" + tail)
        assert report.title == ("yes",) and report.year == 2024
