"""The report as typed data: what every self-evaluation report has, whatever its evaluation scheme.

These are frozen ``attrs`` value classes. They are built by :mod:`edureport.load` from YAML/JSON, or directly in
code; ``attrs.evolve`` makes a changed copy. Validators run in both cases, so a Report that exists is a Report that
can be rendered. The data never carries heading numbers: structure is given by nesting, numbers are computed later.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterable, Iterator
from typing import Any, Literal

import attrs

from .areas import (
    NO_AREAS,
    Areas,
    FigureRef,
    Paragraph,
    StatementRef,
    YearRef,
    area_paragraphs,
    locate,
    paragraphs_field,
    parts_of,
    to_areas,
)
from .errors import FieldValueError
from .fields import label as _label
from .fields import nonblank as _nonblank
from .fields import nonblank_texts as _nonblank_texts
from .fields import plain_text, typed
from .fields import text as _text
from .fields import texts as _texts
from .resources import bad_name
from .sandbox import value_type
from .text import check_text

#: Deepest heading level GB/T 9704 defines: 一、 （一） 1. （1）
MAX_HEADING_LEVEL = 4

Numbering = Literal["restart", "continue"]
Align = Literal["left", "center", "right"]


def _positive(_inst: Any, attribute: attrs.Attribute[Any], value: int) -> None:
    if value < 1:
        raise FieldValueError(attribute.name, "必须是正整数")


def _year(_inst: Any, attribute: attrs.Attribute[Any], value: int) -> None:
    if not 1949 <= value <= 2200:
        raise FieldValueError(attribute.name, f"年份{value}不合理，应为四位年份，如 2024")


def _one_of(*choices: str) -> Any:
    def check(_inst: Any, attribute: attrs.Attribute[Any], value: str) -> None:
        if value not in choices:
            raise FieldValueError(attribute.name, f"只能是 {' 或 '.join(choices)}，不能是“{value}”")
    return check


@value_type
@attrs.frozen(field_transformer=typed)
class DocNumber:
    """发文字号, e.g. 安府办〔2024〕7号: organ code, year, serial. Rendered with 六角括号 and no leading zeros."""

    organ: str = attrs.field(validator=_nonblank, metadata=_label("机关代字", "如：安府办"))
    year: int = attrs.field(validator=_year, metadata=_label("年份", "四位数字，如：2024"))
    serial: int | None = attrs.field(default=None, validator=attrs.validators.optional(_positive),
                                     metadata=_label("发文顺序号", "不编虚位，不加“第”，如：7；草稿可暂不填"))


_COPY_NUMBER = re.compile(r"[0-9]{6}")


def _copy_number(_inst: Any, attribute: attrs.Attribute[Any], value: str | None) -> None:
    if value is not None and not _COPY_NUMBER.fullmatch(value):
        raise FieldValueError(attribute.name, "份号应为6位阿拉伯数字，如 000001")


@value_type
@attrs.frozen(field_transformer=typed)
class Header:
    """版头 (clause 7.2): present on documents sent as files; absent on reports published as web pages."""

    issuer_mark: str = attrs.field(validator=_nonblank, metadata=_label("发文机关标志", "如：安岳县人民政府办公室"))
    doc_number: DocNumber | None = attrs.field(default=None, metadata=_label("发文字号"))
    signer: str | None = attrs.field(default=None, validator=_text,
                                     metadata=_label("签发人", "上行文（报告）必须标注签发人姓名"))
    copy_number: str | None = attrs.field(default=None, validator=_copy_number, metadata=_label("份号"))
    secrecy: str | None = attrs.field(default=None, validator=_text,
                                      metadata=_label("密级和保密期限", "如：机密★1年"))
    urgency: str | None = attrs.field(default=None, validator=_text, metadata=_label("紧急程度", "特急或加急"))


def _rows(rows: Iterable[Iterable[str]]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(row) for row in rows)


def _strings(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(map(plain_text, values))


def _optional_tuple(values: Iterable[Any] | None) -> tuple[Any, ...] | None:
    return None if values is None else tuple(values)


def _tables(values: Iterable[Table]) -> tuple[Table, ...]:
    return tuple(values)


def _title_lines(title: str | Iterable[str]) -> tuple[str, ...]:
    return (plain_text(title),) if isinstance(title, str) else tuple(map(plain_text, title))


@value_type
@attrs.frozen(field_transformer=typed)
class Table:
    """A table (attachments often carry an indicator table). ``columns`` is the header row, repeated on each page."""

    columns: tuple[str, ...] = attrs.field(converter=_strings, validator=_texts, metadata=_label("表头"))
    rows: tuple[tuple[str, ...], ...] = attrs.field(
        default=(), converter=_rows, metadata=_label("数据行"))
    widths: tuple[int, ...] | None = attrs.field(
        default=None, converter=_optional_tuple,
        metadata=_label("列宽比例", "如 [1, 3, 1]；省略则等宽"))
    title: str | None = attrs.field(default=None, validator=_text, metadata=_label("表题"))
    align: tuple[Align, ...] | None = attrs.field(
        default=None, converter=_optional_tuple,
        metadata=_label("各列对齐", "left、center 或 right（数字列通常右对齐）；省略则居中"))

    @columns.validator
    def _check_columns(self, attribute: attrs.Attribute[Any], value: tuple[str, ...]) -> None:
        if not value:
            raise FieldValueError("columns", "表头至少要有一列")

    @rows.validator
    def _check_rows(self, attribute: attrs.Attribute[Any], value: tuple[tuple[str, ...], ...]) -> None:
        if not value:
            raise FieldValueError("rows", "表格至少要有一行数据")
        for i, row in enumerate(value):
            if len(row) != len(self.columns):
                raise FieldValueError(f"rows[{i}]", f"有{len(row)}列，表头有{len(self.columns)}列")
            for j, cell in enumerate(row):
                try:
                    check_text(cell)
                except ValueError as e:
                    raise FieldValueError(f"rows[{i}][{j}]", str(e)) from None

    @align.validator
    def _check_align(self, attribute: attrs.Attribute[Any], value: tuple[str, ...] | None) -> None:
        if value is None:
            return
        if len(value) != len(self.columns):
            raise FieldValueError("align", f"给了{len(value)}个对齐方式，表头有{len(self.columns)}列")
        for i, a in enumerate(value):
            if a not in ("left", "center", "right"):
                raise FieldValueError(f"align[{i}]", f"只能是 left、center 或 right，不能是“{a}”")

    @widths.validator
    def _check_widths(self, attribute: attrs.Attribute[Any], value: tuple[int, ...] | None) -> None:
        if value is None:
            return
        if len(value) != len(self.columns):
            raise FieldValueError("widths", f"给了{len(value)}个列宽，表头有{len(self.columns)}列")
        if any(w <= 0 for w in value):
            raise FieldValueError("widths", "列宽比例必须是正整数")


@value_type
@attrs.frozen(field_transformer=typed)
class Section:
    """A numbered part of the body. Its number (一、 （一） 1. （1）) comes from its depth and position.

    ``run_in``: heading and first paragraph share one paragraph ("（一）标题。正文……").
    ``numbering``: how this section's sub-sections are numbered: ``restart`` from 1 (default), or ``continue``
    from where the previous section's sub-sections stopped (a level numbered straight through several parents).
    """

    title: str = attrs.field(validator=_nonblank, metadata=_label("标题", "不要写编号，编号自动生成"))
    paragraphs: tuple[Paragraph, ...] = paragraphs_field()
    sections: tuple[Section, ...] = attrs.field(default=(), converter=tuple, metadata=_label("下级标题"))
    run_in: bool = attrs.field(default=False, metadata=_label("标题与正文同段"))
    tables: tuple[Table, ...] = attrs.field(default=(), converter=_tables, metadata=_label("表格", "排在本部分的段落之后"))
    numbering: Numbering = attrs.field(default="restart", validator=_one_of("restart", "continue"),
                                       metadata=_label("下级编号方式", "restart：每个上级下重新从1编号；continue：接续编号"))



@value_type
@attrs.frozen(field_transformer=typed)
class Attachment:
    """附件 (clause 7.3.7): starts on a new page; its title is also listed in the 附件说明 after the body."""

    title: str = attrs.field(validator=_nonblank, metadata=_label("附件名称", "名称后不加标点"))
    paragraphs: tuple[Paragraph, ...] = paragraphs_field()
    sections: tuple[Section, ...] = attrs.field(default=(), converter=tuple, metadata=_label("下级标题"))
    tables: tuple[Table, ...] = attrs.field(default=(), converter=_tables, metadata=_label("表格"))


@value_type
@attrs.frozen(field_transformer=typed)
class Signature:
    """署名 and 成文日期 (clause 7.3.5). ``seal``: laid out for a seal (date 4 characters from the right, issuer
    centred over it) or without one (issuer 2 characters from the right, date 2 characters further right)."""

    date: _dt.date | None = attrs.field(default=None,
                                        metadata=_label("成文日期", "如 2024-06-05，显示为 2024年6月5日；草稿可暂不填"))
    issuer: str | None = attrs.field(default=None, validator=_text, metadata=_label("署名（发文机关）"))
    seal: bool = attrs.field(default=False, metadata=_label("加盖印章"))


@value_type
@attrs.frozen(field_transformer=typed)
class Colophon:
    """版记 (clause 7.4): 抄送, 印发机关 and 印发日期 between rules at the bottom of the last page."""

    printer: str = attrs.field(validator=_nonblank, metadata=_label("印发机关"))
    print_date: _dt.date | None = attrs.field(default=None, metadata=_label("印发日期", "草稿可暂不填"))
    cc: tuple[str, ...] = attrs.field(default=(), converter=tuple, validator=_texts, metadata=_label("抄送机关"))


@value_type
@attrs.frozen(field_transformer=typed)
class Notice:
    """公示: the report is published on the government portal before submission; shown on the HTML page only."""

    start: _dt.date = attrs.field(metadata=_label("公示开始日期"))
    end: _dt.date = attrs.field(metadata=_label("公示结束日期"))
    office: str = attrs.field(validator=_nonblank, metadata=_label("受理单位"))
    phone: str | None = attrs.field(default=None, validator=_text, metadata=_label("联系电话"))
    email: str | None = attrs.field(default=None, validator=_text, metadata=_label("电子邮箱"))


@value_type
@attrs.frozen(field_transformer=typed)
class Report:
    """One report: everything from the 版头 to the 版记. ``title`` is one string, or a list of lines when the title
    breaks at a meaning boundary (clause 7.3.1)."""

    title: tuple[str, ...] = attrs.field(converter=_title_lines,
                                         metadata=_label("标题", "一行写一个字符串；需要分行时写成列表"))
    sections: tuple[Section, ...] = attrs.field(default=(), converter=tuple, metadata=_label("正文各部分"))
    addressee: str | None = attrs.field(default=None, validator=_text,
                                        metadata=_label("主送机关", "不要加冒号，冒号自动添加"))
    opening: tuple[Paragraph, ...] = paragraphs_field("开头段落")
    header: Header | None = attrs.field(default=None, metadata=_label("版头"))
    attachments: tuple[Attachment, ...] = attrs.field(default=(), converter=tuple, metadata=_label("附件"))
    signature: Signature | None = attrs.field(default=None, metadata=_label("署名和成文日期"))
    note: str | None = attrs.field(default=None, validator=_text,
                                   metadata=_label("附注", "不要加括号，括号自动添加"))
    colophon: Colophon | None = attrs.field(default=None, metadata=_label("版记"))
    year: int | None = attrs.field(default=None, metadata=_label("评价年度", "报告所评价的年度，如 2023；数字表述中的年份由此而来"))
    scheme: str | None = attrs.field(default=None, validator=_text,
                                     metadata=_label("评价方案", "templates/schemes/ 中的方案名，决定评价重点的顺序、标题和报告结构"))
    areas: Areas | None = attrs.field(default=None, converter=to_areas,
                                      metadata=_label("评价重点（分领域数据）", "键为评价方案中的评价重点和报告部分"))
    notice: Notice | None = attrs.field(default=None, metadata=_label("公示信息", "只在网页（HTML）版本中显示"))
    template: str | None = attrs.field(default=None, validator=_text,
                                       metadata=_label("报告骨架模板", "省略时用评价方案的骨架，没有方案时用 report.xml.j2"))

    @template.validator
    def _check_template(self, attribute: attrs.Attribute[Any], value: str | None) -> None:
        if value is not None and (why := bad_name(value)) is not None:
            raise FieldValueError("template", f"骨架模板{why}")

    @scheme.validator
    def _check_scheme(self, attribute: attrs.Attribute[Any], value: str | None) -> None:
        if value is not None and (why := bad_name(value)) is not None:
            raise FieldValueError("scheme", f"评价方案{why}")

    @year.validator
    def _check_year(self, attribute: attrs.Attribute[Any], value: int | None) -> None:
        if value is not None:
            _year(self, attribute, value)

    @title.validator
    def _check_title(self, attribute: attrs.Attribute[Any], value: tuple[str, ...]) -> None:
        if not value:
            raise FieldValueError("title", "标题不能为空")
        _nonblank_texts(self, attribute, value)

    @sections.validator
    def _check_depth(self, attribute: attrs.Attribute[Any], value: tuple[Section, ...]) -> None:
        _check_levels(value, "sections")

    @attachments.validator
    def _check_attachment_depth(self, attribute: attrs.Attribute[Any], value: tuple[Attachment, ...]) -> None:
        for i, attachment in enumerate(value):
            _check_levels(attachment.sections, f"attachments[{i}].sections")


    def __attrs_post_init__(self) -> None:
        # every reference in a paragraph must point at something the report has
        for path, paragraph in iter_paragraphs(self):
            base = f"{path}.text" if not isinstance(paragraph, (str, tuple)) else path
            for j, part in enumerate(parts_of(paragraph)):
                where = f"{base}[{j}]"
                try:
                    if isinstance(part, FigureRef):
                        where += ".figure"
                        locate(self.areas, part.figure)
                    elif isinstance(part, StatementRef):
                        where += ".statement"
                        locate(self.areas, part.statement, statement=True)
                    elif isinstance(part, YearRef) and self.year is None:
                        where += ".year"
                        raise ValueError("引用年份（{year: …}）需要先填写评价年度 year")
                except ValueError as e:
                    raise FieldValueError(where, str(e)) from None


def _check_levels(sections: tuple[Section, ...], prefix: str) -> None:
    for path, depth, section in iter_sections(sections, prefix):
        if depth > MAX_HEADING_LEVEL:
            raise FieldValueError(path, f"标题“{section.title}”是第{depth}级，公文标题最多四级（一、（一）1.（1））")


def iter_paragraphs(report: Report) -> Iterator[tuple[str, Paragraph]]:
    """(field path, paragraph) of every paragraph of the report, in document order of the data."""
    for i, p in enumerate(report.opening):
        yield f"opening[{i}]", p
    for path, _depth, section in iter_sections(report.sections, "sections"):
        for i, p in enumerate(section.paragraphs):
            yield f"{path}.paragraphs[{i}]", p
    for key, area in (report.areas or NO_AREAS).items():
        yield from area_paragraphs(area, f"areas.{key}")
    for a, attachment in enumerate(report.attachments):
        for i, p in enumerate(attachment.paragraphs):
            yield f"attachments[{a}].paragraphs[{i}]", p
        for path, _depth, section in iter_sections(attachment.sections, f"attachments[{a}].sections"):
            for i, p in enumerate(section.paragraphs):
                yield f"{path}.paragraphs[{i}]", p


def iter_sections(sections: tuple[Section, ...], prefix: str, depth: int = 1) -> Iterator[tuple[str, int, Section]]:
    """Yield (field path, depth, section) for every section, in document order."""
    for i, section in enumerate(sections):
        path = f"{prefix}[{i}]"
        yield path, depth, section
        yield from iter_sections(section.sections, f"{path}.sections", depth + 1)
