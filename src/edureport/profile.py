"""The layout profile: every number of GB/T 9704 that the writer uses, read from one data file.

The packaged ``profiles/gbt9704-2012.yaml`` cites the clause of each value. A user profile is merged over it, so a
bureau can swap a font or change one local rule without copying the rest. Lengths are typed (python-docx's
``Length`` subclasses: ``Mm``, ``Pt``, ``Twips``), characters are :class:`Chars`, never bare numbers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
import cattrs
from cattrs.v import format_exception
from docx.shared import Length, Mm, Pt, Twips
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from .errors import LayoutError
from .resources import packaged_text


@attrs.frozen
class Chars:
    """A length counted in characters of some text role (2 characters of first-line indent, …)."""

    count: float


_LENGTH = re.compile(r"\s*(-?\d+(?:\.\d+)?)\s*(mm|pt|twip|char)\s*")
_UNITS = {"mm": Mm, "pt": Pt, "twip": Twips}


def parse_length(text: Any) -> Length | Chars:
    if not isinstance(text, str) or not (m := _LENGTH.fullmatch(text)):
        raise ValueError(f"“{text}”不是长度；请写成 37mm、16pt、579twip 或 2char")
    number, unit = float(m[1]), m[2]
    if unit == "char":
        return Chars(number)
    return Length(round(_UNITS[unit](number)))  # EMU, python-docx's base unit


@attrs.frozen
class Role:
    """How one kind of text looks."""

    font: str  # a key of Fonts
    size: Length
    bold: bool = False
    color: str = "text"  # a key of Colors
    spacing: Length | None = None  # character spacing; None = the grid's char_spacing


@attrs.frozen
class PageSetup:
    width: Length
    height: Length
    margin_top: Length
    margin_bottom: Length
    margin_left: Length
    margin_right: Length


@attrs.frozen
class Grid:
    lines_per_page: int
    chars_per_line: int
    line_pitch: Length
    char_spacing: Length
    autospace: Length


@attrs.frozen
class Fonts:
    latin: str
    fangsong: str
    kaiti: str
    heiti: str
    xiaobiaosong: str
    songti: str


@attrs.frozen
class Colors:
    text: str
    red: str
    placeholder: str


@attrs.frozen
class Roles:
    body: Role
    title: Role
    heading1: Role
    heading2: Role
    heading3: Role
    heading4: Role
    issuer_mark: Role
    copy_number: Role
    secrecy: Role
    urgency: Role
    signer_name: Role
    attachment_label: Role
    colophon: Role
    page_number: Role
    table: Role


@attrs.frozen
class Headings:
    level3_period: str
    run_in_end: str


@attrs.frozen
class Indents:
    first_line: Chars


@attrs.frozen
class HeaderBlock:
    mark_top: Length
    lines_after_mark: int
    doc_number_side: Chars
    rule_gap: Length
    rule_width: Length
    lines_before_title: int


@attrs.frozen
class BodyLayout:
    lines_before_addressee: int
    lines_before_attachment_notes: int
    title_lines_after_label: int
    lines_after_attachment_title: int


@attrs.frozen
class SignatureLayout:
    seal_lines_before: int
    seal_date_right: Chars
    plain_lines_before: int
    plain_issuer_right: Chars
    plain_date_shift: Chars
    plain_date_right: Chars


@attrs.frozen
class PageNumberLayout:
    gap_below_type_area: Length
    side_indent: Chars
    dash: str


@attrs.frozen
class ColophonLayout:
    outer_rule: Length
    inner_rule: Length
    side_indent: Chars
    line_height: Length
    bottom_slack: Length


@attrs.frozen
class TableLayout:
    line_height: Length
    cell_margin: Length
    border: Length


@attrs.frozen
class Profile:
    """A complete layout profile. Use :func:`load_profile` to get one."""

    name: str
    page: PageSetup
    grid: Grid
    fonts: Fonts
    colors: Colors
    roles: Roles
    headings: Headings
    indents: Indents
    header_block: HeaderBlock
    body: BodyLayout
    signature: SignatureLayout
    page_number: PageNumberLayout
    colophon: ColophonLayout
    table: TableLayout

    # --- derived values (computed from the numbers above, never stored twice) ---

    @property
    def type_width(self) -> Length:
        return Length(self.page.width - self.page.margin_left - self.page.margin_right)

    @property
    def type_height(self) -> Length:
        return Length(self.page.height - self.page.margin_top - self.page.margin_bottom)

    def char_pitch(self, role: Role | None = None) -> Length:
        """Advance of one full-width character of ``role`` (default: body), character spacing included."""
        role = role or self.roles.body
        spacing = self.grid.char_spacing if role.spacing is None else role.spacing
        return Length(role.size + spacing)

    def chars(self, amount: Chars, role: Role | None = None) -> Length:
        return Length(round(amount.count * self.char_pitch(role)))

    def font(self, role: Role) -> str:
        return str(getattr(self.fonts, role.font))

    def color(self, role: Role) -> str:
        return str(getattr(self.colors, role.color))


def _unwrap(node: Any) -> Any:
    """Strip the {value, clause, basis, note} wrappers, leaving the values."""
    if isinstance(node, Mapping):
        if "value" in node:
            return _unwrap(node["value"])
        return {k: _unwrap(v) for k, v in node.items()}
    return node


def _merge(base: Any, override: Any, path: str) -> Any:
    if isinstance(base, Mapping) and "value" in base and not (isinstance(override, Mapping) and "value" in override):
        # a bare value (or a bare mapping such as a role) replaces the leaf's value, keeping its citation
        return {**base, "value": _merge(base["value"], override, path)} if isinstance(override, Mapping) and \
            isinstance(base["value"], Mapping) else {**base, "value": override}
    if isinstance(base, Mapping) and isinstance(override, Mapping):
        merged = dict(base)
        for key, value in override.items():
            if key in ("clause", "basis", "note"):
                merged[key] = value
                continue
            if key not in base:
                where = f"{path}.{key}" if path else key
                raise LayoutError(f"版式配置中没有“{where}”这一项；可用：{'、'.join(str(k) for k in base)}")
            merged[key] = _merge(base[key], value, f"{path}.{key}" if path else str(key))
        return merged
    return override


def _converter() -> cattrs.Converter:
    conv = cattrs.Converter(forbid_extra_keys=True)
    conv.register_structure_hook(Length, lambda v, _t: _typed(parse_length(v), Length, v))
    conv.register_structure_hook(Chars, lambda v, _t: _typed(parse_length(v), Chars, v))
    conv.register_structure_hook(str, lambda v, _t: str(v))
    return conv


def _describe(exc: BaseException, type_: Any) -> str:
    # our hooks raise ValueError with a Chinese explanation; keep it rather than cattrs' generic wording
    if isinstance(exc, ValueError) and exc.args and isinstance(exc.args[0], str):
        return exc.args[0]
    return format_exception(exc, type_)


def _typed(value: Length | Chars, kind: type, raw: Any) -> Any:
    if not isinstance(value, kind):
        unit = "char（字符数）" if kind is Chars else "mm、pt 或 twip"
        raise ValueError(f"“{raw}”的单位不对，这里应使用 {unit}")
    return value


def _read_yaml(text: str, source: str, packaged: bool = False) -> Any:
    try:
        # a loader per call: ruamel's loader objects keep parsing state and may not be shared between threads.
        # The packaged profile, read on every start, with the C parser (ruamel.yaml.clib); a user's file with the
        # pure-Python one, whose deep nesting is a RecursionError where the C parser's would crash the process
        return YAML(typ="safe", pure=not packaged).load(text)
    except YAMLError as e:
        raise LayoutError(f"{source} 不是有效的 YAML：{e}") from None
    except RecursionError:
        raise LayoutError(f"{source}：嵌套层数过多（列表或键值对套得太深）") from None


def _default_raw() -> Any:
    text = packaged_text("profiles/gbt9704-2012.yaml")
    return _read_yaml(text, "gbt9704-2012.yaml", packaged=True)


def load_profile(path: str | Path | None = None, overrides: Mapping[str, Any] | None = None) -> Profile:
    """The GB/T 9704-2012 profile, with a user profile file and/or a mapping merged over it."""
    raw = _default_raw()
    if path is not None:
        p = Path(path)
        try:
            user = _read_yaml(p.read_text("utf-8"), str(p))
        except OSError as e:
            raise LayoutError(f"无法读取版式配置 {p}：{e.strerror or e}") from None
        if user is not None:
            if not isinstance(user, Mapping):
                raise LayoutError(f"{p}：版式配置顶层应为键值对")
            raw = _merge(raw, user, "")
    if overrides:
        raw = _merge(raw, overrides, "")
    try:
        profile = _converter().structure(_unwrap(raw), Profile)
    except Exception as exc:
        messages = "；".join(cattrs.transform_error(exc, path="版式配置", format_exception=_describe))
        raise LayoutError(messages) from None
    _check(profile)
    return profile


def _check(profile: Profile) -> None:
    g = profile.grid
    if g.lines_per_page * g.line_pitch > profile.type_height:
        raise LayoutError(
            f"行距 {Length(g.line_pitch).pt:.2f}pt × {g.lines_per_page} 行超出版心高度 "
            f"{Length(profile.type_height).pt:.2f}pt，每页排不下 {g.lines_per_page} 行")
    if g.chars_per_line * profile.char_pitch() > profile.type_width:
        raise LayoutError(
            f"字符宽 {Length(profile.char_pitch()).pt:.2f}pt × {g.chars_per_line} 字超出版心宽度 "
            f"{Length(profile.type_width).pt:.2f}pt，每行排不下 {g.chars_per_line} 字")
    for name in attrs.fields_dict(Roles):
        role = getattr(profile.roles, name)
        if not hasattr(profile.fonts, role.font):
            raise LayoutError(f"roles.{name}.font：没有名为“{role.font}”的字体；可用：{'、'.join(attrs.fields_dict(Fonts))}")
        if not hasattr(profile.colors, role.color):
            raise LayoutError(f"roles.{name}.color：没有名为“{role.color}”的颜色")
