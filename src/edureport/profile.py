"""The layout profile: every number of GB/T 9704 that the writer uses, read from one data file.

The packaged ``profiles/gbt9704-2012.yaml`` cites the clause of each value. A user profile is merged over it, so a
bureau can swap a font or change one local rule without copying the rest. Lengths are typed (python-docx's
``Length`` subclasses: ``Mm``, ``Pt``, ``Twips``), characters are :class:`Chars`, never bare numbers.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
import cattrs
from cattrs.errors import AttributeValidationNote, ClassValidationError
from cattrs.gen import make_dict_structure_fn
from cattrs.v import format_exception
from docx.shared import Length, Mm, Pt, Twips
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from .errors import DataError, LayoutError
from .parsing import parse_text, read_data_file
from .resources import packaged_text


@attrs.frozen
class Chars:
    """A length counted in characters of some text role (2 characters of first-line indent, …)."""

    count: float


_LENGTH = re.compile(r"\s*(-?[0-9]+(?:\.[0-9]+)?)\s*(mm|pt|twip|char)\s*")  # ASCII digits only, as colours
_UNITS = {"mm": Mm, "pt": Pt, "twip": Twips}


def parse_length(text: Any) -> Length | Chars:
    if not isinstance(text, str) or not (m := _LENGTH.fullmatch(text)):
        raise ValueError(f"“{text}”不是长度；请写成 37mm、16pt、579twip 或 2char")
    number, unit = float(m[1]), m[2]
    if not math.isfinite(number):  # hundreds of digits: no whole number of EMU
        raise ValueError(f"“{text}”太大，不是版面上的长度")
    if unit == "char":
        return Chars(number)
    return Length(round(_UNITS[unit](number)))  # EMU, python-docx's base unit


# --- what a value may be: checked when the profile is read, so a bad value is refused with its key whatever the
# report contains (the writer's typed properties check again, as a guard against mistakes in edureport itself)

class _FieldError(ValueError):
    """A value a profile field may not take. Read from a file, the structure hook reports ``args[0]`` at the field's
    path; built in code, the message names the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field

    def __str__(self) -> str:
        return f"{self.field}：{self.args[0]}"


def _number(attribute: attrs.Attribute[Any], value: Any) -> None:
    """A length (python-docx's Length, EMU) or a count: an int, not a bool, a float or text (a profile built in code
    is checked as one read from a file)."""
    if isinstance(value, Chars):
        if not math.isfinite(value.count):
            raise _FieldError(attribute.name, f"应为有限的数，实际是 {value.count}")
    elif not isinstance(value, int) or isinstance(value, bool):
        raise _FieldError(attribute.name, f"应为长度或整数，实际是 {value!r}")


def _positive(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    _number(attribute, value)
    if value <= 0:
        raise _FieldError(attribute.name, f"应大于 0，实际是 {_shown(value)}")


def _not_negative(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    _number(attribute, value)
    amount = value.count if isinstance(value, Chars) else value
    if amount < 0:
        raise _FieldError(attribute.name, f"不能为负数，实际是 {_shown(value)}")


#: the font sizes Word and WPS accept: 1–1638 pt (ST_HpsMeasure counts half points)
FONT_SIZES = (Pt(1), Pt(1638))


def _within(limits: tuple[Length, Length], what: str, whose: str) -> Any:
    """A validator: a length within ``limits`` (both included), said as "``what``应在 … 之间（``whose``）"."""
    low, high = limits

    def check(instance: object, attribute: attrs.Attribute[Any], value: Length) -> None:
        _number(attribute, value)
        if not low <= value <= high:
            raise _FieldError(attribute.name, f"{what}应在 {Length(low).pt:g}pt 到 {Length(high).pt:g}pt 之间（{whose}），"
                              f"实际是 {_shown(value)}")
    return check


_font_size = _within(FONT_SIZES, "字号", "Word 和 WPS 的范围")


def _length(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    """A length of either sign (a character spacing may condense)."""
    _number(attribute, value)


def _flag(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, bool):
        raise _FieldError(attribute.name, f"应为 true 或 false，实际是 {value!r}")


def _text_value(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    """A text setting (a name, a mark): one line of characters a document can hold."""
    if not isinstance(value, str):
        raise _FieldError(attribute.name, f"应为文字，实际是 {value!r}")
    if any(unicodedata.category(ch) in _NOT_IN_TEXT for ch in value) or "\ufffe" in value or "\uffff" in value:
        raise _FieldError(attribute.name, f"“{value!r}”含有控制字符、不可见的格式字符或文档不能容纳的字符")


#: the Unicode categories a one-line setting may not hold: controls (a tab or line break included), invisible
#: format characters (zero-width spaces, the byte-order mark), surrogates, line and paragraph separators
_NOT_IN_TEXT = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def _shown(value: Any) -> str:
    if isinstance(value, Chars):
        return f"{value.count:g}char"
    if isinstance(value, Length):
        return f"{Length(value).pt:g}pt"
    return str(value)


#: the widths Word draws a rule or a border in: ST_EighthPointMeasure's range for line borders, 2–96 eighths of a
#: point (ECMA-376 Part 1 §17.3.4); the writer would otherwise clamp a wider or thinner one without a word
RULE_WIDTHS = (Pt(0.25), Pt(12))


_rule_width = _within(RULE_WIDTHS, "线宽", "Word 能画的范围")


_HEX_COLOR = re.compile(r"[0-9A-Fa-f]{6}")  # ST_HexColorRGB: the colours of text and rules


def _hex_color(instance: object, attribute: attrs.Attribute[Any], value: str) -> None:
    if not isinstance(value, str) or not _HEX_COLOR.fullmatch(value):
        raise _FieldError(attribute.name, f"“{value}”不是颜色；请写成六位十六进制数，如 FF0000（红）、000000（黑），不加 #")


def _highlight_name(instance: object, attribute: attrs.Attribute[Any], value: str) -> None:
    if not isinstance(value, str) or value not in HIGHLIGHTS:
        raise _FieldError(attribute.name, f"“{value}”不是 Word 的高亮颜色名；可用：{'、'.join(HIGHLIGHTS)}")


def _font_name(instance: object, attribute: attrs.Attribute[Any], value: str) -> None:
    _text_value(instance, attribute, value)
    if not value.strip():
        raise _FieldError(attribute.name, "字体名称不能为空")
    if value != value.strip():  # Word looks fonts up by their exact name
        raise _FieldError(attribute.name, f"字体名称“{value}”前后有空格")


def _highlights() -> tuple[str, ...]:
    """Word's highlight colour names (ST_HighlightColor, as python-docx's WD_COLOR_INDEX writes them), without
    "default" and "none": a placeholder must stand out."""
    from docx.enum.text import WD_COLOR_INDEX
    return tuple(str(m.xml_value) for m in WD_COLOR_INDEX if m.xml_value not in (None, "default"))


HIGHLIGHTS = _highlights()


@attrs.frozen
class Role:
    """How one kind of text looks."""

    font: str = attrs.field(validator=_text_value)  # a key of Fonts
    size: Length = attrs.field(validator=_font_size)
    bold: bool = attrs.field(default=False, validator=_flag)
    color: str = attrs.field(default="text", validator=_text_value)  # a key of Colors
    # character spacing; None = the grid's char_spacing (the character pitch they make is checked)
    spacing: Length | None = attrs.field(default=None, validator=attrs.validators.optional(_length))


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
    # may be negative (condensed), as long as every role's character pitch stays positive
    char_spacing: Length = attrs.field(validator=_length)
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


#: the colours a role's text may take: those given as RGB (the placeholder's is a highlight, behind the text)
TEXT_COLORS = tuple(f.name for f in attrs.fields(Colors) if f.validator is _hex_color)


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
    level3_period: str = attrs.field(validator=_text_value)
    run_in_end: str = attrs.field(validator=_text_value)


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
    dash: str = attrs.field(validator=_text_value)


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

    name: str = attrs.field(validator=_text_value)
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

    @property
    def footer_distance(self) -> Length:
        """Word measures the footer from the page's bottom edge to the footer line's bottom; the standard puts the
        page number's top ``gap_below_type_area`` below the type area. The footer line is one page-number size high."""
        top_from_bottom = self.page.margin_bottom - self.page_number.gap_below_type_area
        return Length(top_from_bottom - self.roles.page_number.size)

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


_ROLE = re.compile(r"roles\.\w+")  # the path of one role in a profile
_CITATION = ("clause", "basis", "note")  # what a wrapped value may carry beside it


def _merge(base: Any, override: Any, path: str, unknown: list[str]) -> Any:
    """``override`` merged over ``base`` (the packaged profile, its values wrapped as {value, clause, basis, note});
    every key the profile does not have is added to ``unknown`` (all of them are reported together)."""
    wrapped = isinstance(base, Mapping) and "value" in base
    if wrapped and not (isinstance(override, Mapping) and "value" in override):
        # a bare value (or a bare mapping such as a role) replaces the leaf's value, keeping its citation
        return {**base, "value": _merge(base["value"], override, path, unknown)} if isinstance(override, Mapping) \
            and isinstance(base["value"], Mapping) else {**base, "value": override}
    if isinstance(base, Mapping) and isinstance(override, Mapping):
        merged = dict(base)
        for key, value in override.items():
            where = f"{path}.{key}" if path else str(key)
            if wrapped and key in _CITATION:
                merged[key] = value
            elif wrapped and key == "value":  # a whole wrapped value: its value merged at the same path
                merged[key] = _merge(base[key], value, path, unknown)
            elif key not in base and _ROLE.fullmatch(path) and key in attrs.fields_dict(Role):
                merged[key] = value  # a role takes any of Role's fields, not only those its packaged default lists
            elif key not in base or key in _CITATION or key == "value":
                known = attrs.fields_dict(Role) if _ROLE.fullmatch(path) else [k for k in base if k not in _CITATION]
                unknown.append(f"版式配置中没有“{where}”这一项；可用：{'、'.join(str(k) for k in known)}")
            else:
                merged[key] = _merge(base[key], value, where, unknown)
        return merged
    return override


def _merged(base: Any, override: Any, source: str) -> Any:
    if not isinstance(override, Mapping):
        raise LayoutError(f"{source}：版式配置顶层应为键值对")
    unknown: list[str] = []
    merged = _merge(base, override, "", unknown)
    if unknown:
        raise LayoutError("；".join(unknown))
    return merged


def _converter() -> cattrs.Converter:
    conv = cattrs.Converter(forbid_extra_keys=True)
    conv.register_structure_hook(Length, lambda v, _t: _typed(parse_length(v), Length, v))
    conv.register_structure_hook(Chars, lambda v, _t: _typed(parse_length(v), Chars, v))
    conv.register_structure_hook(str, _strict(str, "文字（有引号更稳妥）"))
    conv.register_structure_hook(bool, _strict(bool, " true 或 false"))
    conv.register_structure_hook(int, _strict(int, "整数"))
    conv.register_structure_hook_factory(attrs.has, lambda cls: _every_field_checked(cls, conv))
    return conv


def _every_field_checked(cls: type, conv: cattrs.Converter) -> Any:
    """The structure hook of one part of the profile, reporting every bad value in it at once. cattrs checks every
    field's type and lists all that fail, but then attrs checks the values inside ``__init__`` and stops at the
    first it refuses (and is not reached at all after a type error): so each field not already refused is checked
    again on its own, and all problems are raised together, each under its field's name."""
    made: Any = make_dict_structure_fn(cls, conv)
    fields = attrs.fields(cls)  # after cattrs has resolved their annotations

    def structure(value: Any, type_: Any) -> Any:
        try:
            return made(value, type_)
        except (ClassValidationError, _FieldError) as e:
            group = tuple(e.exceptions) if isinstance(e, ClassValidationError) else (e,)
        problems = {name: x for x in group if (name := _field_note(x))}  # types (and nested parts) cattrs refused
        others = [x for x in group if not _field_note(x) and not isinstance(x, _FieldError)]
        for field in fields:
            if field.name in problems or field.validator is None or field.name not in value:
                continue
            try:
                field.validator(None, field, conv.structure(value[field.name], field.type))
            except _FieldError as e:
                problem = ValueError(e.args[0])  # the note's path names the field
                problem.__notes__ = [AttributeValidationNote(
                    f"Structuring class {cls.__qualname__} @ attribute {field.name}", field.name, field.type)]
                problems[field.name] = problem
        ordered = [problems[f.name] for f in fields if f.name in problems] + others  # in the order of the fields
        raise ClassValidationError(f"While structuring {cls.__name__}", ordered, cls) from None
    return structure


def _field_note(problem: BaseException) -> str | None:
    """The field cattrs noted a problem at, if any."""
    notes = [n for n in getattr(problem, "__notes__", ()) if isinstance(n, AttributeValidationNote)]
    return notes[0].name if notes else None


def _strict(kind: type, expected: str) -> Any:
    """A structure hook taking ``kind`` only: YAML's null (an empty value), a number for a name or text for a count is
    an error, never the text "None" or a number cut short."""
    def structure(value: Any, _t: Any) -> Any:
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            shown = "空值" if value is None else f"“{value}”"
            raise ValueError(f"应为{expected}，实际是{shown}")
        return value
    return structure


def _describe(exc: BaseException, type_: Any) -> str:
    # our hooks raise ValueError with a Chinese explanation; keep it rather than cattrs' generic wording
    if isinstance(exc, ValueError) and exc.args and isinstance(exc.args[0], str):
        return exc.args[0]
    if attrs.has(type_) and type_ is not Chars:  # a part of the profile given as something other than a mapping
        return f"应为键值对，可写：{'、'.join(attrs.fields_dict(type_))}"
    return format_exception(exc, type_)


def _typed(value: Length | Chars, kind: type, raw: Any) -> Any:
    if not isinstance(value, kind):
        unit = "char（字符数）" if kind is Chars else "mm、pt 或 twip"
        raise ValueError(f"“{raw}”的单位不对，这里应使用 {unit}")
    return value


def _default_raw() -> Any:
    # ours, read on every start: with the C parser (ruamel.yaml.clib); a user's file goes through the data files'
    # reader (the pure-Python parser, limits, encodings and YAML errors said in Chinese with their line)
    try:
        return YAML(typ="safe", pure=False).load(packaged_text("profiles/gbt9704-2012.yaml"))
    except YAMLError as e:  # a defect of the package, said as it is
        raise LayoutError(f"gbt9704-2012.yaml 不是有效的 YAML：{e}") from None


def _read_user_profile(path: Path) -> Any:
    try:
        return parse_text(read_data_file(path), str(path), "yaml")[0]
    except DataError as e:  # the same reasons as for a data file (encoding, syntax, size), said as a profile's
        raise LayoutError("；".join(line.removeprefix("数据错误：") for line in str(e).splitlines())) from None


def load_profile(path: str | Path | None = None, overrides: Mapping[str, Any] | None = None) -> Profile:
    """The GB/T 9704-2012 profile, with a user profile file and/or a mapping merged over it."""
    raw = _default_raw()
    if path is not None:
        p = Path(path)
        user = _read_user_profile(p)
        if user is not None:
            raw = _merged(raw, user, str(p))
    if overrides:
        raw = _merged(raw, overrides, "overrides")
    try:
        profile = _converter().structure(_unwrap(raw), Profile)
    except Exception as exc:
        messages = "；".join(cattrs.transform_error(exc, path="版式配置", format_exception=_describe))
        raise LayoutError(messages) from None
    check_profile(profile)
    return profile


#: the largest page Word sets up: 22 inches (558.8 mm) a side
MAX_PAGE = Mm(558.8)
#: the smallest line pitch: 1 pt (Word's grid pitch is whole twips; a pitch of 0 writes w:linePitch="0")
MIN_LINE_PITCH = Pt(1)
#: the largest space between a border and its text: 31 pt (ECMA-376 Part 1 §17.3.4, w:space of a border)
BORDER_SPACE = Pt(31)


def _role_heights(profile: Profile) -> list[tuple[str, Length, str]]:
    """(role, the exact line height its text is set in, the key that sets it): a table's and a 版记's lines have
    their own heights; the issuer mark is sized to its own line and the page number's line is its size; every
    other role is set on the grid."""
    own = {"table": (profile.table.line_height, "table.line_height"),
           "colophon": (profile.colophon.line_height, "colophon.line_height")}
    return [(name, *own.get(name, (profile.grid.line_pitch, "grid.line_pitch")))
            for name in attrs.fields_dict(Roles) if name not in ("issuer_mark", "page_number")]


#: the lengths set on both sides of a line, across the type area (checked together, below); the parts' other lengths
#: run down it, but for the page number's gap, below it (checked with the footer)
_BOTH_SIDES = ("table.cell_margin", "header_block.doc_number_side", "colophon.side_indent", "page_number.side_indent")
_NOT_DOWN = frozenset({*_BOTH_SIDES, "page_number.gap_below_type_area"})


def _dotted(profile: Profile, key: str) -> Any:
    section, name = key.split(".")
    return getattr(getattr(profile, section), name)


def check_profile(profile: Profile) -> None:
    """What a profile's values must be together (each alone is checked when it is made): the grid fits the type
    area, every length stays inside the type area and the 版记 on its page, blank lines and character counts stay
    within a page and a line, the page number's footer stays on the page, every role's font and colour exist and
    its character pitch is positive.
    Raises one LayoutError listing every problem, each with its key. Run when a profile is read, and by a Renderer
    given a profile built in code."""
    problems: list[str] = []
    refused: set[str] = set()  # their keys

    def refuse(key: str, message: str) -> None:
        problems.append(f"{message} @ 版式配置.{key}")
        refused.add(key)

    g, page = profile.grid, profile.page
    for key in ("width", "height"):
        if getattr(page, key) > MAX_PAGE:
            refuse(f"page.{key}", f"页面最大为 {Length(MAX_PAGE).mm:g}mm（Word 的上限），实际是 {Length(getattr(page, key)).mm:g}mm")
    if profile.type_width <= 0 or profile.type_height <= 0:
        refuse("page", f"页边距大于页面：版心宽 {Length(profile.type_width).mm:g}mm、高 {Length(profile.type_height).mm:g}mm")
    if g.line_pitch < MIN_LINE_PITCH:
        refuse("grid.line_pitch", f"行距至少为 {Length(MIN_LINE_PITCH).pt:g}pt，实际是 {_shown(g.line_pitch)}")
    if g.lines_per_page * g.line_pitch > profile.type_height:
        refuse("grid.lines_per_page",
               f"行距 {Length(g.line_pitch).pt:.2f}pt × {g.lines_per_page} 行超出版心高度 "
               f"{Length(profile.type_height).pt:.2f}pt，每页排不下 {g.lines_per_page} 行")
    elif profile.type_height > 0 and g.line_pitch > 0 and (g.lines_per_page + 1) * g.line_pitch <= profile.type_height:
        # the counts are not written: the pitch makes the grid, so a count it does not give would be lost
        pitch = Twips(profile.type_height // Twips(1) // g.lines_per_page)
        refuse("grid.lines_per_page",
               f"行距 {Length(g.line_pitch).pt:.2f}pt 每页排 {profile.type_height // g.line_pitch} 行，不是 "
               f"{g.lines_per_page} 行；要每页 {g.lines_per_page} 行，把 grid.line_pitch 改为 {pitch.twips}twip")
    if g.chars_per_line * profile.char_pitch() > profile.type_width:
        refuse("grid.chars_per_line",
               f"字符宽 {Length(profile.char_pitch()).pt:.2f}pt × {g.chars_per_line} 字超出版心宽度 "
               f"{Length(profile.type_width).pt:.2f}pt，每行排不下 {g.chars_per_line} 字")
    elif profile.char_pitch() > 0 and (g.chars_per_line + 1) * profile.char_pitch() <= profile.type_width > 0:
        spacing = Length(profile.type_width // g.chars_per_line - profile.roles.body.size)
        refuse("grid.chars_per_line",
               f"字符宽 {Length(profile.char_pitch()).pt:.2f}pt 每行排 {profile.type_width // profile.char_pitch()} 字，"
               f"不是 {g.chars_per_line} 字；要每行 {g.chars_per_line} 字，把 grid.char_spacing 改为 "
               f"{math.floor(spacing.pt * 100) / 100:g}pt")
    if g.autospace > profile.roles.body.size:
        refuse("grid.autospace", f"中文与数字、字母之间的间距不能超过一个字（{_shown(profile.roles.body.size)}），"
                                 f"实际是 {_shown(g.autospace)}")
    if profile.header_block.rule_gap > BORDER_SPACE:
        refuse("header_block.rule_gap", f"红色分隔线与上方文字的距离最多为 {Length(BORDER_SPACE).pt:g}pt（Word 的上限），"
                                        f"实际是 {_shown(profile.header_block.rule_gap)}")
    for key in _BOTH_SIDES:  # set on both sides of a line: together they leave room for text
        value = _dotted(profile, key)
        role = {"colophon": profile.roles.colophon, "page_number": profile.roles.page_number}.get(key.split(".")[0])
        width = profile.chars(value, role) if isinstance(value, Chars) else value
        if 2 * width >= profile.type_width > 0:
            refuse(key, f"左右两边合计 {Length(2 * width).mm:.1f}mm，不小于版心宽度 {Length(profile.type_width).mm:g}mm，"
                        "中间放不下文字")
    tall: dict[str, list[str]] = {}  # text taller than its line is printed over its neighbours: by the line's key
    for role_name, height, where in _role_heights(profile):
        if getattr(profile.roles, role_name).size > height:
            tall.setdefault(where, []).append(role_name)
    for where, names in tall.items():
        line = _shown(Length(_dotted(profile, where)))
        if len(names) == 1:
            size = getattr(profile.roles, names[0]).size
            refuse(f"roles.{names[0]}.size", f"字号 {_shown(size)} 大于所在行的行距 {line}（{where}），文字会上下重叠")
        else:
            sizes = "、".join(f"{n}（{_shown(getattr(profile.roles, n).size)}）" for n in names)
            refuse(where, f"行距 {line} 小于 {sizes} 的字号，文字会上下重叠")
    if profile.footer_distance < 0:
        refuse("page_number.gap_below_type_area",
               f"页码距版心 {Length(profile.page_number.gap_below_type_area).mm:g}mm、高 "
               f"{Length(profile.roles.page_number.size).pt:g}pt，超出了下页边距 {Length(page.margin_bottom).mm:g}mm")
    for section in attrs.fields(Profile):  # counts and lengths of every part stay within the type area and a line
        part = getattr(profile, section.name)
        if not attrs.has(type(part)) or section.name in ("page", "grid", "roles"):
            continue
        for field in attrs.fields(type(part)):
            value, key = getattr(part, field.name), f"{section.name}.{field.name}"
            if isinstance(value, Chars) and abs(value.count) > g.chars_per_line:
                refuse(key, f"不能超过一行的字数 {g.chars_per_line}，实际是 {_shown(value)}")
            elif isinstance(value, bool) or not isinstance(value, int):
                continue
            elif field.type in (int, "int") and value > g.lines_per_page:
                refuse(key, f"行数不能超过每页行数 {g.lines_per_page}，实际是 {value}")
            elif field.type in (Length, "Length") and key not in _NOT_DOWN and value > profile.type_height > 0:
                refuse(key, f"不能超过版心高度 {Length(profile.type_height).mm:g}mm，实际是 {Length(value).mm:g}mm")
    c = profile.colophon
    colophon = Length(2 * c.line_height + 2 * c.outer_rule + c.inner_rule + c.bottom_slack)
    if colophon > profile.type_height > 0 and not any(key.startswith("colophon.") for key in refused):
        # the 版记 at its tallest: 抄送 and 印发, their rules and the slack (unless one of them is refused above)
        refuse("colophon", f"版记（抄送、印发两行及分隔线、留白）高 {colophon.mm:.1f}mm，超过版心高度 "
                           f"{Length(profile.type_height).mm:g}mm，一页放不下")
    squeezed = []  # roles whose character pitch the grid's spacing makes zero or less
    for name in attrs.fields_dict(Roles):
        role = getattr(profile.roles, name)
        if role.font not in attrs.fields_dict(Fonts):  # the fields' names: never any other attribute of the class
            refuse(f"roles.{name}.font", f"没有名为“{role.font}”的字体；可用：{'、'.join(attrs.fields_dict(Fonts))}")
        if role.color not in TEXT_COLORS:
            refuse(f"roles.{name}.color", f"没有名为“{role.color}”的文字颜色；可用：{'、'.join(TEXT_COLORS)}")
        if profile.char_pitch(role) <= 0 and role.spacing is not None:
            refuse(f"roles.{name}.spacing",
                   f"字间距 {_shown(role.spacing)} 使字宽（字号 {_shown(role.size)} 加字间距）不大于 0")
        elif profile.char_pitch(role) <= 0:
            squeezed.append(name)
    if squeezed:
        refuse("grid.char_spacing", f"字间距 {_shown(g.char_spacing)} 使 {'、'.join(squeezed)} 的字宽（字号加字间距）不大于 0")
    if problems:
        raise LayoutError("；".join(problems))
