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


# --- what a value may be: checked when the profile is read, so a bad value is refused with its key whatever the
# report contains (the writer's typed properties check again, as a guard against mistakes in edureport itself)

class _FieldError(ValueError):
    """A value a profile field may not take; ``field`` completes the path cattrs reports (it stops at the class,
    since attrs checks the fields inside ``__init__``)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _positive(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and value <= 0:
        raise _FieldError(attribute.name, f"应大于 0，实际是 {_shown(value)}")


def _not_negative(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    amount = value.count if isinstance(value, Chars) else value
    if amount is not None and amount < 0:
        raise _FieldError(attribute.name, f"不能为负数，实际是 {_shown(value)}")


#: the largest font size Word and WPS accept (1638 pt; ST_HpsMeasure counts half points)
MAX_FONT_SIZE = Pt(1638)


def _font_size(instance: object, attribute: attrs.Attribute[Any], value: Length) -> None:
    _positive(instance, attribute, value)
    if value > MAX_FONT_SIZE:
        raise _FieldError(attribute.name, f"字号最大为 {Length(MAX_FONT_SIZE).pt:g}pt（Word 和 WPS 的上限），实际是 {_shown(value)}")


def _shown(value: Any) -> str:
    if isinstance(value, Chars):
        return f"{value.count:g}char"
    if isinstance(value, int) and not isinstance(value, bool) and isinstance(value, Length):
        return f"{Length(value).pt:g}pt"
    return str(value)


#: the widths Word draws a rule or a border in: ST_EighthPointMeasure's range for line borders, 2–96 eighths of a
#: point (ECMA-376 Part 1 §17.3.4); the writer would otherwise clamp a wider or thinner one without a word
RULE_WIDTHS = (Pt(0.25), Pt(12))


def _rule_width(instance: object, attribute: attrs.Attribute[Any], value: Length) -> None:
    low, high = RULE_WIDTHS
    if not low <= value <= high:
        raise _FieldError(attribute.name, f"线宽应在 {Length(low).pt:g}pt 到 {Length(high).pt:g}pt 之间（Word 能画的范围），"
                          f"实际是 {_shown(value)}")


_HEX_COLOR = re.compile(r"[0-9A-Fa-f]{6}")  # ST_HexColorRGB: the colours of text and rules


def _hex_color(instance: object, attribute: attrs.Attribute[Any], value: str) -> None:
    if not _HEX_COLOR.fullmatch(value):
        raise _FieldError(attribute.name, f"“{value}”不是颜色；请写成六位十六进制数，如 FF0000（红）、000000（黑），不加 #")


def _highlight_name(instance: object, attribute: attrs.Attribute[Any], value: str) -> None:
    if value not in HIGHLIGHTS:
        raise _FieldError(attribute.name, f"“{value}”不是 Word 的高亮颜色名；可用：{'、'.join(HIGHLIGHTS)}")


def _font_name(instance: object, attribute: attrs.Attribute[Any], value: str) -> None:
    if not value.strip():
        raise _FieldError(attribute.name, "字体名称不能为空")


def _highlights() -> tuple[str, ...]:
    """Word's highlight colour names (ST_HighlightColor, as python-docx's WD_COLOR_INDEX writes them), without
    "default" and "none": a placeholder must stand out."""
    from docx.enum.text import WD_COLOR_INDEX
    return tuple(str(m.xml_value) for m in WD_COLOR_INDEX if m.xml_value not in (None, "default"))


HIGHLIGHTS = _highlights()


@attrs.frozen
class Role:
    """How one kind of text looks."""

    font: str  # a key of Fonts
    size: Length = attrs.field(validator=_font_size)
    bold: bool = False
    color: str = "text"  # a key of Colors
    spacing: Length | None = None  # character spacing; None = the grid's char_spacing (their sum is checked)


@attrs.frozen
class PageSetup:
    width: Length = attrs.field(validator=_positive)
    height: Length = attrs.field(validator=_positive)
    margin_top: Length = attrs.field(validator=_not_negative)
    margin_bottom: Length = attrs.field(validator=_not_negative)
    margin_left: Length = attrs.field(validator=_not_negative)
    margin_right: Length = attrs.field(validator=_not_negative)


@attrs.frozen
class Grid:
    lines_per_page: int = attrs.field(validator=_positive)
    chars_per_line: int = attrs.field(validator=_positive)
    line_pitch: Length = attrs.field(validator=_positive)
    char_spacing: Length  # may be negative (condensed), as long as every role's character pitch stays positive
    autospace: Length = attrs.field(validator=_not_negative)


@attrs.frozen
class Fonts:
    latin: str = attrs.field(validator=_font_name)
    fangsong: str = attrs.field(validator=_font_name)
    kaiti: str = attrs.field(validator=_font_name)
    heiti: str = attrs.field(validator=_font_name)
    xiaobiaosong: str = attrs.field(validator=_font_name)
    songti: str = attrs.field(validator=_font_name)


@attrs.frozen
class Colors:
    text: str = attrs.field(validator=_hex_color)
    red: str = attrs.field(validator=_hex_color)
    placeholder: str = attrs.field(validator=_highlight_name)  # a Word highlight colour name


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
    first_line: Chars = attrs.field(validator=_not_negative)


@attrs.frozen
class HeaderBlock:
    mark_top: Length = attrs.field(validator=_not_negative)
    lines_after_mark: int = attrs.field(validator=_not_negative)
    doc_number_side: Chars = attrs.field(validator=_not_negative)
    rule_gap: Length = attrs.field(validator=_not_negative)
    rule_width: Length = attrs.field(validator=_rule_width)
    lines_before_title: int = attrs.field(validator=_not_negative)


@attrs.frozen
class BodyLayout:
    lines_before_addressee: int = attrs.field(validator=_not_negative)
    lines_before_attachment_notes: int = attrs.field(validator=_not_negative)
    title_lines_after_label: int = attrs.field(validator=_not_negative)
    lines_after_attachment_title: int = attrs.field(validator=_not_negative)


@attrs.frozen
class SignatureLayout:
    seal_lines_before: int = attrs.field(validator=_not_negative)
    seal_date_right: Chars = attrs.field(validator=_not_negative)
    plain_lines_before: int = attrs.field(validator=_not_negative)
    plain_issuer_right: Chars = attrs.field(validator=_not_negative)
    plain_date_shift: Chars = attrs.field(validator=_not_negative)
    plain_date_right: Chars = attrs.field(validator=_not_negative)


@attrs.frozen
class PageNumberLayout:
    gap_below_type_area: Length = attrs.field(validator=_not_negative)
    side_indent: Chars = attrs.field(validator=_not_negative)
    dash: str


@attrs.frozen
class ColophonLayout:
    outer_rule: Length = attrs.field(validator=_rule_width)
    inner_rule: Length = attrs.field(validator=_rule_width)
    side_indent: Chars = attrs.field(validator=_not_negative)
    line_height: Length = attrs.field(validator=_positive)
    bottom_slack: Length = attrs.field(validator=_not_negative)


@attrs.frozen
class TableLayout:
    line_height: Length = attrs.field(validator=_positive)
    cell_margin: Length = attrs.field(validator=_not_negative)
    border: Length = attrs.field(validator=_rule_width)


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


_FIELD = "\x1f"  # between a field's name and its message, until the path the field belongs to is known


def _describe(exc: BaseException, type_: Any) -> str:
    # our hooks raise ValueError with a Chinese explanation; keep it rather than cattrs' generic wording
    if isinstance(exc, _FieldError):
        return f"{exc.field}{_FIELD}{exc.args[0]}"
    if isinstance(exc, ValueError) and exc.args and isinstance(exc.args[0], str):
        return exc.args[0]
    return format_exception(exc, type_)


def _placed(message: str) -> str:
    """cattrs' "message @ path", with the field a validator named added to the path."""
    described, at, path = message.rpartition(" @ ")
    if _FIELD not in described:
        return message
    field, text = described.split(_FIELD, 1)
    return f"{text}{at}{path}.{field}"


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
        messages = "；".join(map(_placed, cattrs.transform_error(exc, path="版式配置", format_exception=_describe)))
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
        if profile.char_pitch(role) <= 0:
            where = f"roles.{name}.spacing" if role.spacing is not None else "grid.char_spacing"
            raise LayoutError(f"{where}：字间距 {_shown(role.spacing if role.spacing is not None else g.char_spacing)} "
                              f"使 roles.{name} 的字宽（字号 {_shown(role.size)} 加字间距）不大于 0")
        if not hasattr(profile.fonts, role.font):
            raise LayoutError(f"roles.{name}.font：没有名为“{role.font}”的字体；可用：{'、'.join(attrs.fields_dict(Fonts))}")
        if not hasattr(profile.colors, role.color):
            raise LayoutError(f"roles.{name}.color：没有名为“{role.color}”的颜色")
