"""The evaluation areas (评价重点) of the self-evaluation report: each a typed class holding its figures and its
narrative measures. Which areas a report has, their order and default headings come from a scheme (schemes.py);
what each area holds is fixed here.

Narrative text may include a generated statement of the area's own figures: a paragraph is either text, or a list
of parts where a part is text or ``{figures: NAME}`` (see :data:`STATEMENTS`). The statement's wording comes from the
templates, so the numbers are never typed twice.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

import attrs

from .errors import FieldValueError
from .fields import label as _label
from .fields import nonblank as _nonblank
from .fields import nonblank_texts, percent
from .fields import text as _text
from .quantities import AmountPair, Count, Money, RatePair
from .text import check_text

Stage = Literal["学前", "小学", "初中", "普通高中", "中职"]
STAGES: tuple[str, ...] = ("学前", "小学", "初中", "普通高中", "中职")
STAGE_NAMES = {"学前": "学前教育", "小学": "小学", "初中": "初中", "普通高中": "普通高中", "中职": "中职"}
Status = Literal["待整改", "持续推进", "基本完成", "已完成"]

#: Generated statements an area offers: area key → statement names.
STATEMENTS: dict[str, tuple[str, ...]] = {
    "funding": ("total", "per_student", "two_no_decrease"),
    "equity": ("preschool", "compulsory"),
    "ecosystem": ("myopia",),
    "safety": ("three_full",),
}


@attrs.frozen
class FiguresRef:
    """A place in a paragraph where the area's generated statement ``figures`` is written."""

    figures: str = attrs.field(metadata=_label("生成的数字表述", "如 total、per_student、two_no_decrease"))


Part = str | FiguresRef
Paragraph = str | tuple[Part, ...]


def _check_parts(_inst: Any, attribute: attrs.Attribute[Any], value: tuple[Paragraph, ...]) -> None:
    for i, paragraph in enumerate(value):
        parts = (paragraph,) if isinstance(paragraph, str) else paragraph
        for j, part in enumerate(parts):
            if isinstance(part, str):
                try:
                    check_text(part)
                except ValueError as e:
                    where = f"{attribute.name}[{i}]" + ("" if isinstance(paragraph, str) else f"[{j}]")
                    raise FieldValueError(where, str(e)) from None


def _paragraphs(value: Any) -> tuple[Paragraph, ...]:
    return tuple(p if isinstance(p, str) else tuple(p) for p in value)


@attrs.frozen
class Measure:
    """A titled measure (一项举措) under an area: paragraphs, "一是……" points, and sub-measures."""

    title: str = attrs.field(validator=_nonblank, metadata=_label("标题", "不写编号"))
    paragraphs: tuple[Paragraph, ...] = attrs.field(default=(), converter=_paragraphs, validator=_check_parts,
                                                    metadata=_label("段落"))
    points: tuple[str, ...] = attrs.field(default=(), converter=tuple, validator=nonblank_texts,
                                          metadata=_label("分点", "每项一句，生成“一是……；二是……。”"))
    measures: tuple[Measure, ...] = attrs.field(default=(), converter=tuple, metadata=_label("下级举措"))
    run_in: bool = attrs.field(default=True, metadata=_label("标题与正文同段"))
    numbering: Literal["restart", "continue"] = attrs.field(default="restart", metadata=_label("下级编号方式"))



@attrs.frozen
class Narrative:
    """Parts of a report that are narrative only (主要成效, 经验做法, 下一步打算, 县情概况 …)."""

    title: str | None = attrs.field(default=None, validator=_text, metadata=_label("标题", "省略时用评价方案中的标题"))
    paragraphs: tuple[Paragraph, ...] = attrs.field(default=(), converter=_paragraphs, validator=_check_parts,
                                                    metadata=_label("段落"))
    measures: tuple[Measure, ...] = attrs.field(default=(), converter=tuple, metadata=_label("分项"))


@attrs.frozen
class PartyLeadership(Narrative):
    """党的全面领导."""

    committee_meetings: int | None = attrs.field(default=None, metadata=_label("党委常委会研究教育次数"))
    government_meetings: int | None = attrs.field(default=None, metadata=_label("政府常务会研究教育次数"))
    leading_group_meetings: int | None = attrs.field(default=None, metadata=_label("教育工作领导小组会议次数"))


@attrs.frozen
class Funding(Narrative):
    """教育优先发展 / 经费保障: 两个只增不减 and the other money the scheme asks about."""

    total: AmountPair | None = attrs.field(default=None, metadata=_label("一般公共预算教育经费（支出）", "单位通常为万元"))
    per_student: dict[Stage, AmountPair] = attrs.field(
        factory=dict, metadata=_label("各学段生均一般公共预算教育经费", "键为学段：学前、小学、初中、普通高中、中职；单位为元"))
    public_funds_standard: dict[Stage, Decimal] = attrs.field(
        factory=dict, metadata=_label("生均公用经费标准（元/生/年）"))
    supervision_budget: Money | None = attrs.field(default=None, metadata=_label("教育督导经费"))


@attrs.frozen
class Equity(Narrative):
    """教育公平: 学前普及普惠, 义务教育优质均衡, 大班额, 特殊教育 (残疾儿童入学), 随迁子女, 学生资助."""

    preschool_gross_enrollment: RatePair | None = attrs.field(default=None, metadata=_label("学前三年毛入园率（%）"))
    inclusive_kindergarten_coverage: RatePair | None = attrs.field(default=None,
                                                                   metadata=_label("普惠性幼儿园覆盖率（%）"))
    public_kindergarten_share: RatePair | None = attrs.field(default=None, metadata=_label("公办园在园幼儿占比（%）"))
    compulsory_consolidation: RatePair | None = attrs.field(default=None, metadata=_label("九年义务教育巩固率（%）"))
    large_classes: int | None = attrs.field(default=None, metadata=_label("大班额班级数（56人及以上）"))
    very_large_classes: int | None = attrs.field(default=None, metadata=_label("超大班额班级数（66人及以上）"))
    disparity_primary: Decimal | None = attrs.field(default=None, metadata=_label("小学校际差异系数"))
    disparity_junior: Decimal | None = attrs.field(default=None, metadata=_label("初中校际差异系数"))
    disabled_enrollment: RatePair | None = attrs.field(default=None, metadata=_label("适龄残疾儿童少年入学率（%）"))
    migrant_public_share: RatePair | None = attrs.field(default=None, metadata=_label("随迁子女公办学校就读比例（%）"))
    aid: Money | None = attrs.field(default=None, metadata=_label("学生资助资金"))
    aid_recipients: Count | None = attrs.field(default=None, metadata=_label("资助学生人次"))


@attrs.frozen
class Teachers(Narrative):
    """教师队伍."""

    average_salary: AmountPair | None = attrs.field(default=None, metadata=_label("义务教育教师年均工资收入（元）"))
    civil_servant_salary: Decimal | None = attrs.field(default=None, metadata=_label("当地公务员年均工资收入（元）"))
    trained: Count | None = attrs.field(default=None, metadata=_label("培训教师人次"))
    exchanged: Count | None = attrs.field(default=None, metadata=_label("交流轮岗校长教师人数"))
    recruited: Count | None = attrs.field(default=None, metadata=_label("新补充教师人数"))


@attrs.frozen
class Safety(Narrative):
    """校园安全: the "三个100%" and incidents."""

    guard_rate: Decimal | None = attrs.field(default=None, validator=percent, metadata=_label("专职保安配备率（%）"))
    closed_management_rate: Decimal | None = attrs.field(default=None, validator=percent, metadata=_label("封闭化管理达标率（%）"))
    alarm_link_rate: Decimal | None = attrs.field(default=None, validator=percent, metadata=_label("一键式报警和视频监控联网率（%）"))
    incidents: int | None = attrs.field(default=None, metadata=_label("安全责任事故数"))



@attrs.frozen
class Ecosystem(Narrative):
    """教育生态: 双减, 五项管理, 近视防控, 体质健康, 课后服务."""

    myopia_rate: RatePair | None = attrs.field(default=None, metadata=_label("儿童青少年近视率（%）"))
    fitness_pass_rate: RatePair | None = attrs.field(default=None, metadata=_label("体质健康合格率（%）"))
    after_school_coverage: RatePair | None = attrs.field(default=None, metadata=_label("课后服务覆盖率（%）"))
    institutions_inspected: int | None = attrs.field(default=None, metadata=_label("检查校外培训机构数"))


@attrs.frozen
class RectificationItem:
    """One problem found by last year's evaluation, and what was done about it."""

    problem: str = attrs.field(validator=_nonblank, metadata=_label("问题"))
    actions: tuple[Paragraph, ...] = attrs.field(default=(), converter=_paragraphs, validator=_check_parts,
                                                 metadata=_label("整改情况"))
    status: Status | None = attrs.field(default=None,
                                        metadata=_label("整改状态", "待整改、持续推进、基本完成 或 已完成"))


@attrs.frozen
class RectificationGroup:
    """Problems grouped under one heading (关于教育投入力度不够的问题)."""

    title: str = attrs.field(validator=_nonblank, metadata=_label("问题类别标题"))
    items: tuple[RectificationItem, ...] = attrs.field(default=(), converter=tuple, metadata=_label("问题"))


@attrs.frozen
class Rectification(Narrative):
    """问题整改: last year's problems (问题 → 整改情况 → 状态), in groups or as a flat list."""

    groups: tuple[RectificationGroup, ...] = attrs.field(default=(), converter=tuple, metadata=_label("问题分组"))
    items: tuple[RectificationItem, ...] = attrs.field(default=(), converter=tuple, metadata=_label("问题"))


@attrs.frozen
class Areas:
    """Every area a report may have; which ones a report shows, and in what order, is the scheme's business."""

    profile: Narrative | None = attrs.field(default=None, metadata=_label("县情与自查基本情况"))
    rectification: Rectification | None = attrs.field(default=None, metadata=_label("问题整改"))
    party: PartyLeadership | None = attrs.field(default=None, metadata=_label("党的全面领导"))
    funding: Funding | None = attrs.field(default=None, metadata=_label("教育优先发展（经费保障）"))
    reform: Narrative | None = attrs.field(default=None, metadata=_label("教育改革"))
    equity: Equity | None = attrs.field(default=None, metadata=_label("教育公平"))
    teachers: Teachers | None = attrs.field(default=None, metadata=_label("教师队伍"))
    safety: Safety | None = attrs.field(default=None, metadata=_label("校园安全"))
    ecosystem: Ecosystem | None = attrs.field(default=None, metadata=_label("教育生态"))
    management: Narrative | None = attrs.field(default=None, metadata=_label("规范办学"))
    exams: Narrative | None = attrs.field(default=None, metadata=_label("教育考试"))
    achievements: Narrative | None = attrs.field(default=None, metadata=_label("主要成效"))
    experience: Narrative | None = attrs.field(default=None, metadata=_label("经验做法"))
    problems: Narrative | None = attrs.field(default=None, metadata=_label("存在问题"))
    next_steps: Narrative | None = attrs.field(default=None, metadata=_label("下一步工作打算"))
    feedback: tuple[str, ...] = attrs.field(
        default=(), converter=tuple, validator=nonblank_texts,
        metadata=_label("督导反馈问题", "上级评价反馈的问题；不在报告中显示，次年结转时转为整改事项"))

    def present(self) -> list[str]:
        """Keys of the areas this report has data for."""
        return [key for key in AREA_KEYS if isinstance(getattr(self, key), Narrative)]

    def __attrs_post_init__(self) -> None:
        # a generated statement must belong to the area it is written in ({figures: myopia} only in ecosystem)
        for key in AREA_KEYS:
            area = getattr(self, key)
            if isinstance(area, Narrative):
                _check_statements(area, key, STATEMENTS.get(key, ()))


#: the evaluation areas (every field of Areas but the feedback list, which is not a part of the report)
AREA_KEYS: tuple[str, ...] = tuple(a.name for a in attrs.fields(Areas) if a.name != "feedback")


def _check_statements(node: Any, path: str, allowed: tuple[str, ...]) -> None:
    paragraphs = getattr(node, "paragraphs", ()) or getattr(node, "actions", ())
    for i, paragraph in enumerate(paragraphs):
        for j, part in enumerate(() if isinstance(paragraph, str) else paragraph):
            if isinstance(part, FiguresRef) and part.figures not in allowed:
                offer = f"；这里可用：{'、'.join(allowed)}" if allowed else "；这个评价重点没有生成的数字表述"
                raise FieldValueError(f"{path}.paragraphs[{i}][{j}].figures",
                                      f"“{part.figures}”不是这个评价重点的数字表述{offer}")
    for i, measure in enumerate(getattr(node, "measures", ())):
        _check_statements(measure, f"{path}.measures[{i}]", allowed)
