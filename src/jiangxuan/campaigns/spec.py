"""The campaign specification: a YAML file that defines one campaign completely.

A specification says who organizes the campaign, its awards and their eligibility rules,
the timeline, quotas, the review chain, the nomination form, the materials checklist and
the documents it produces. The platform runs a campaign from this data alone; a new
city's campaign needs a new file, not new code (docs/architecture.md). ``specs/`` holds the five
seed campaigns; docs/user/campaign-spec.md explains every field with seed 001 as the
worked example.

Validation uses pydantic; :func:`parse_spec` turns its errors into Chinese messages that
name the file, the path to the field and what is wrong.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import string
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import ErrorDetails

from . import expressions
from .enums import (
    ContestLevel,
    ExpertMethod,
    HonourLevel,
    Medal,
    NoticeDayUnit,
    ProfessionalTitle,
    Signer,
    SkillLevel,
    StepKind,
)

logger = logging.getLogger(__name__)

SHANGHAI = ZoneInfo("Asia/Shanghai")
Code = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{0,59}$")]


class Spec(BaseModel):
    """Base for every part: unknown keys are errors (a typo must not pass silently)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _aware(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=SHANGHAI) if value.tzinfo is None else value


Moment = Annotated[dt.datetime, Field(description="日期时间；未写时区时按北京时间")]


# ---------------------------------------------------------------------------- organizers


class Organizer(Spec):
    """A body that issues the notice (主办单位)."""

    name: str
    kind: Literal["union", "hr_bureau", "government", "department"]
    org: str | None = Field(None, description="组织树中该单位的代码")


class Contact(Spec):
    """联系方式 printed in the notice."""

    office: str = ""
    person: str = ""
    phone: str = ""
    address: str = ""
    email: str = ""
    postal_code: str = ""


class LeadingGroupMember(Spec):
    """领导小组或办公室成员 (seed 000 附件1; seed 004 五)."""

    name: str
    title: str
    role: Literal["leader", "deputy", "member", "office_director", "office_member"]


class SourceDocument(Spec):
    """The notice a campaign comes from, and any notice forwarding it."""

    issuer: str
    number: str = ""
    date: dt.date | None = Field(None, description="发文日期；文件未载明时留空（seed 001, 002）")
    title: str = ""


# ---------------------------------------------------------------------------- honours


class HonourEntry(Spec):
    """One honour of the campaign's catalogue, referenced by rules and offered in the form."""

    code: Code
    name: str
    level: HonourLevel
    category: Literal["skill", "model_worker", "allowance", "science", "craftsman", "other"]


class HonourRef(Spec):
    """A reference to a catalogue honour, optionally at a minimum level or above."""

    code: Code
    min_level: HonourLevel | None = None


# ---------------------------------------------------------------------------- rules


class RuleBase(Spec):
    """Common fields of every hard eligibility rule.

    ``source`` is the notice clause (e.g. "三(一)"); ``label`` is what reviewers read.
    """

    code: Code
    label: str
    source: str


class MinSkillLevel(RuleBase):
    rule: Literal["min_skill_level"]
    level: SkillLevel


class MinProfessionalTitle(RuleBase):
    rule: Literal["min_professional_title"]
    level: ProfessionalTitle
    categories: list[str] = Field(
        default_factory=list, description="职称系列须属其一（空表示不限）"
    )


class HonoursAnyOf(RuleBase):
    """At least ``min_count`` of the listed honours (seed 000 三3: 至少一项)."""

    rule: Literal["honours_any_of"]
    honours: list[HonourRef] = Field(min_length=1)
    min_count: int = Field(1, ge=1)


class HonourMinLevel(RuleBase):
    """Any honour at ``level`` or above in the given categories (seed 003 一(二)5)."""

    rule: Literal["honour_min_level"]
    level: HonourLevel
    categories: list[str] = Field(default_factory=list)


class ContestPlacing(Spec):
    """A qualifying contest result: rank at most ``max_rank`` or medal ``min_medal`` or better."""

    level: ContestLevel
    max_rank: int | None = Field(None, ge=1)
    min_medal: Medal | None = None

    @model_validator(mode="after")
    def _one_threshold(self) -> ContestPlacing:
        if self.max_rank is None and self.min_medal is None:
            raise ValueError("须给出 max_rank（名次）或 min_medal（奖牌）之一")
        return self


class ContestRank(RuleBase):
    """A qualifying contest result (seed 004 二(五); seed 001 二(一)5)."""

    rule: Literal["contest_rank"]
    placings: list[ContestPlacing] = Field(min_length=1)


class NotRetired(RuleBase):
    rule: Literal["not_retired"]


class NotUnitLeader(RuleBase):
    rule: Literal["not_unit_leader"]


class NotPreviousAwardee(RuleBase):
    """Not already an awardee of the title of ``series`` (default: this award's series).

    Deprecated, accepted for one release: the old name ``not_previous_winner``, read as
    ``not_previous_awardee`` with a logged warning.
    """

    rule: Literal["not_previous_awardee", "not_previous_winner"]
    series: str | None = None

    @field_validator("rule")
    @classmethod
    def _old_rule_name(cls, value: str) -> str:
        if value == "not_previous_winner":
            logger.warning("rule `not_previous_winner` is deprecated; write `not_previous_awardee`")
            return "not_previous_awardee"
        return value


class NativeOrYearsInRegion(RuleBase):
    """Natives of the region pass; others need ``years`` working there (seed 000 一)."""

    rule: Literal["native_or_years_in_region"]
    region_name: str
    division_prefix: str = Field(pattern=r"^\d{2,6}$")
    years: int = Field(ge=1)


class Judged(RuleBase):
    """A condition people judge; the nominee claims it and reviewers confirm with evidence."""

    rule: Literal["judged"]


class ExprRule(RuleBase):
    """A rule written as an expression of the rule language (``campaigns.expressions``,
    docs/user/campaign-spec.md 规则表达式), type-checked with the specification.

    ``kind`` says what a true value means: ``hard``, the rule is met; ``evidence``, met
    once the materials prove it (needs evidence); ``judged``, the facts allow it and
    reviewers judge the rest (needs evidence). A false value fails the rule with
    ``message``; a fact not given needs evidence.
    """

    rule: Literal["expr"]
    expr: str = Field(min_length=1)
    message: str = Field(min_length=1, description="不符合时显示的说明（中文）")
    kind: Literal["hard", "evidence", "judged"] = "hard"


class AnyOf(RuleBase):
    """At least one of the items holds (具备以下条件之一)."""

    rule: Literal["any_of"]
    items: list[Rule] = Field(min_length=1)


class AllOf(RuleBase):
    """All items hold (e.g. one of list A *and* one of list B)."""

    rule: Literal["all_of"]
    items: list[Rule] = Field(min_length=1)


Rule = Annotated[
    MinSkillLevel
    | MinProfessionalTitle
    | HonoursAnyOf
    | HonourMinLevel
    | ContestRank
    | NotRetired
    | NotUnitLeader
    | NotPreviousAwardee
    | NativeOrYearsInRegion
    | Judged
    | ExprRule
    | AnyOf
    | AllOf,
    Field(discriminator="rule"),
]
AnyOf.model_rebuild()
AllOf.model_rebuild()


class Quality(Spec):
    """A quality people judge (政治立场坚定 ...), listed for reviewers, not checked."""

    code: Code
    text: str
    source: str


# ---------------------------------------------------------------------------- awards


class DerivedFrom(Spec):
    """An award chosen among this edition's awardees of another award (a "star" title
    among the year's laureates of the main title; tiers): nobody is nominated for it."""

    award: Code = Field(description="从本届哪一奖项的获奖人选中产生")
    source: str = Field("", description="通知中规定这一点的条款")


class AwardSpec(Spec):
    """An award (奖项/称号) and who may get it, as the specification states it (the
    database row of an award is ``campaigns.models.Award``). ``derived_from``: the award
    is chosen among the awardees of another award of the edition, not nominated."""

    code: Code
    name: str
    series: Code = Field(description="跨届不变的称号代码，用于“已获该称号者不再参评”")
    count: int | None = Field(None, ge=1, description="表彰名额；None 表示不定")
    count_is_maximum: bool = Field(False, description="名额为上限（“不超过”），显示为“不超过 N 名”")
    count_may_exceed: bool = Field(
        False,
        description="名额可超出（仅当通知写“约”“左右”等时）；否则表彰人数不得超过名额",
    )
    prize_yuan: int | None = Field(None, ge=0)
    given: list[Literal["certificate", "medal", "trophy", "cash", "title"]] = Field(
        default_factory=list
    )
    finalist_award: str | None = Field(None, description="入围奖名称（seed 002 六）")
    derived_from: DerivedFrom | None = None
    eligibility: list[Rule] = Field(default_factory=list)
    qualities: list[Quality] = Field(default_factory=list)


# ---------------------------------------------------------------------------- timeline


class Phase(Spec):
    """A named phase of the timeline (动员部署, 申报推荐 ...)."""

    code: Code
    name: str
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None


class SubmissionWindow(Spec):
    """When nominations reach the campaign office (server time, Asia/Shanghai).

    Submissions before ``opens_at`` are refused; ``refuse_early`` records that the notice
    says so outright (seed 001 六: 提前或逾期均不予受理), and the refusal then cites it.
    """

    opens_at: Moment | None = None
    closes_at: Moment | None = None
    refuse_early: bool = False
    source: str = Field("", description="通知中规定受理时间的条款；拒收提示引用")

    _aware_open = field_validator("opens_at", "closes_at")(lambda cls, v: _aware(v) if v else v)

    @model_validator(mode="after")
    def _ordered(self) -> SubmissionWindow:
        if self.opens_at and self.closes_at and self.opens_at >= self.closes_at:
            raise ValueError("opens_at 须早于 closes_at")
        return self


class InternalDeadline(Spec):
    """An earlier deadline an intermediate body sets for its subtree (seed 000 转发通知)."""

    org: str = Field(description="设定截止时间的单位代码")
    closes_at: Moment
    issued_by: str
    source: str = ""

    _aware_close = field_validator("closes_at")(lambda cls, v: _aware(v))


class LevelDeadline(Spec):
    """When the bodies signing at one review level must have forwarded (报送) their lists
    to the next level, optionally only for nominations of some unit categories.

    Notices set such deadlines for a level rather than for one body ("各县（市）区于…前报送
    市总工会"): one line binds every body of the level, however many there are. It also
    binds what must come before it: a clerk's submission and the forwards of lower levels.
    """

    level: Code = Field(description="审核层级代码（review_chain.levels 的 code）")
    categories: list[str] = Field(
        default_factory=list, description="只约束这些推荐单位类别；空表示所有类别"
    )
    closes_at: Moment
    source: str = Field("", description="通知中规定该时限的条款")

    _aware_close = field_validator("closes_at")(lambda cls, v: _aware(v))


class Timeline(Spec):
    phases: list[Phase] = Field(default_factory=list)
    submission: SubmissionWindow = SubmissionWindow()
    internal_deadlines: list[InternalDeadline] = Field(default_factory=list)
    level_deadlines: list[LevelDeadline] = Field(default_factory=list)


# ---------------------------------------------------------------------------- units, quotas


class UnitMatch(Spec):
    """Which organizations belong to a nominating-unit category."""

    kinds: list[str] = Field(default_factory=list)
    levels: list[str] = Field(default_factory=list)
    ownership: list[str] = Field(default_factory=list, description="单位性质包含其一")
    orgs: list[str] = Field(default_factory=list, description="列举的单位代码")
    governs_region: bool | None = None
    within: list[str] = Field(
        default_factory=list, description="只限这些单位（通常是本行政区）之下的单位代码"
    )


class UnitCategory(Spec):
    """A category of nominating units (各县（市）区人社部门, 驻长国有企业 ...)."""

    code: Code
    name: str
    match: UnitMatch
    direct: bool = Field(False, description="直接向活动办公室报送，不经中间层级")


class Quota(Spec):
    """How many nominations each unit of a category may forward, per award or in total."""

    category: str
    award: str | None = Field(None, description="奖项代码；空表示各奖项合计")
    min: int = Field(0, ge=0)
    max: int | None = Field(None, ge=0)
    source: str = ""

    @model_validator(mode="after")
    def _ordered(self) -> Quota:
        if self.max is not None and self.min > self.max:
            raise ValueError("min 不得大于 max")
        return self


class Channel(Spec):
    """A way nominations start: unit nomination, social organization, self-nomination
    (seed 003 二(二)1: 工会组织和人社部门联合推荐为主，结合社团推荐、个人自荐).

    A channel may carry rules of its own, checked besides the award's for every nomination
    through it (a self-nominee needs two experts as referees: ``size(form.referees) >= 2``),
    and materials of its own (``materials[].channels``). A channel with ``intake`` is
    received at those units (seed 003 四(三): 报送至威海市总工会生产部): only their clerks
    start its nominations, for a nominee of any workplace, the intake unit nominates, and
    the review starts at level ``starts_at``.
    """

    code: Code
    name: str
    kind: Literal["unit", "social_org", "self"]
    eligibility: list[Rule] = Field(default_factory=list)
    intake: list[str] = Field(default_factory=list, description="受理本渠道推荐的单位代码")
    starts_at: Code | None = Field(None, description="本渠道推荐从哪一审核层级开始")
    source: str = ""


# ---------------------------------------------------------------------------- review chain


class PublicNoticeRule(Spec):
    """A public notice (公示) required at a level or as a step."""

    name: str
    days: int = Field(ge=1)
    day_unit: NoticeDayUnit = NoticeDayUnit.WORKING
    at_least: bool = Field(False, description="“不少于”N 日")
    where: str = ""


class BackgroundCheckRule(Spec):
    """A department's opinion required on every nominee (征求意见)."""

    department: str
    question: str
    form_title: str = ""


class ReviewLevel(Spec):
    """One level of the level-by-level review: who signs, notice, ranking.

    ``level: subdistrict`` is a street's, township's or park's level (街道总工会, 园区工会
    sign and forward); nominations from a workplace under no such area skip it
    (nominations.chain.levels_for).
    """

    code: Code
    name: str
    level: Literal["workplace", "subdistrict", "nominating_unit", "county", "city", "province"]
    signers: list[Signer] = Field(min_length=1)
    seal_labels: list[str] = Field(
        default_factory=list, description="表上该级意见栏的标签（按表中顺序）"
    )
    notice: PublicNoticeRule | None = None
    background_check: BackgroundCheckRule | None = None
    ranks: bool = Field(False, description="本级须对推荐对象排序")
    collective_decision: bool = Field(False, description="须领导班子集体研究")
    skipped_by_direct: bool = Field(False, description="直报单位跳过本级")


class Criterion(Spec):
    """A criterion of an expert-review rubric (评分细则): experts score it from 0 to ``max``.

    The total of a score sheet is ``sum(score_i * weight_i)``; with weights 1 and maxima
    summing to 100 the total is out of 100.
    """

    code: Code
    name: str
    weight: float = Field(1, gt=0)
    max: float = Field(gt=0)
    description: str = ""


#: What a blended ranking combines (experts.aggregation.blend_shares).
BLEND_COMPONENTS = ("score", "ballot", "public_vote")


class BlendWeight(Spec):
    """One component of a blended ranking (seed 003 二(二)3: 投票结果作为专家评审参考):
    ``component`` is the ranking input, ``weight`` its share.

    Deprecated, accepted for one release: the old key ``source`` for ``component``
    (everywhere else ``source`` is the notice's clause); loading such a specification
    logs a warning naming the new key.
    """

    component: Literal["score", "ballot", "public_vote"]
    weight: float = Field(gt=0)

    @model_validator(mode="before")
    @classmethod
    def _old_source_key(cls, data: Any) -> Any:
        if isinstance(data, dict) and "source" in data and "component" not in data:
            logger.warning(
                "blend: the key `source` is deprecated; write `component: %s`", data["source"]
            )
            data = {("component" if k == "source" else k): v for k, v in data.items()}
        return data


class PublicVoteRule(Spec):
    """The rules of a public vote (网络投票, seed 003 二(二)3), all in server time
    (Asia/Shanghai). Limits left empty do not apply.

    * ``opens_at``/``closes_at``: the window; when the notice gives no dates the office
      sets them when it opens the vote.
    * ``per_candidate_per_day``: votes one voter may give one candidate per day (days run
      from 00:00 Asia/Shanghai); or ``per_candidate``, the same over the whole vote (give
      one, the other ``null``; both empty: no limit per candidate).
    * ``per_day``: votes (candidates chosen, summed over ballots) one voter may give per
      day; ``per_campaign`` over the whole vote.
    * ``min_choices``/``max_choices``: candidates one ballot must/may choose.
    * ``tally``: ``live`` (the count as it stands), ``hidden_until_close`` or ``scheduled``
      (published at ``publish_times`` each day, e.g. 18:00 as 感动重庆 did, to discourage
      stuffing).
    * ``identity``: ``phone`` (a verified mainland mobile number) or ``phone_and_id``
      (also the real name and ID number, kept only as a keyed hash).
    """

    opens_at: Moment | None = None
    closes_at: Moment | None = None
    per_candidate_per_day: int | None = Field(1, ge=1)
    per_candidate: int | None = Field(None, ge=1)
    per_day: int | None = Field(None, ge=1)
    per_campaign: int | None = Field(None, ge=1)
    min_choices: int = Field(1, ge=1)
    max_choices: int | None = Field(None, ge=1)
    tally: Literal["live", "hidden_until_close", "scheduled"] = "live"
    publish_times: list[dt.time] = Field(default_factory=list, description="每日公布得票的时刻")
    identity: Literal["phone", "phone_and_id"] = "phone"
    source: str = ""

    _aware_window = field_validator("opens_at", "closes_at")(lambda cls, v: _aware(v) if v else v)

    @model_validator(mode="after")
    def _consistent(self) -> PublicVoteRule:
        problems = []
        if self.opens_at and self.closes_at and self.opens_at >= self.closes_at:
            problems.append("opens_at 须早于 closes_at")
        if self.per_candidate_per_day is not None and self.per_candidate is not None:
            problems.append("per_candidate_per_day 与 per_candidate 只能给一个（另一个写 null）")
        if self.max_choices is not None and self.max_choices < self.min_choices:
            problems.append("max_choices 不得小于 min_choices")
        if self.tally == "scheduled" and not self.publish_times:
            problems.append("tally 为 scheduled 时须给出 publish_times（每日公布时刻）")
        if self.tally != "scheduled" and self.publish_times:
            problems.append("publish_times 仅用于 tally: scheduled")
        caps = [self.per_day, self.per_campaign]
        if self.max_choices and any(c is not None and c < self.max_choices for c in caps):
            problems.append("per_day、per_campaign 不得小于 max_choices（否则一张选票也投不出）")
        if problems:
            raise ValueError("；".join(problems))
        return self


class Step(Spec):
    """A step after the chain (资格审核, 网络投票, 专家评审, 审定, 社会公示, 表彰决定 ...).

    An expert-review step may carry a ``rubric``, the aggregate that ``ranking`` ranks by
    (see ``experts.aggregation``) and a ``blend`` of score, ballot and public vote whose
    weights sum to 1 (or 100). A public-vote step may carry its ``vote`` rules
    (:class:`PublicVoteRule`); without them the defaults apply.
    """

    kind: StepKind
    name: str
    by: str = ""
    method: ExpertMethod | None = None
    shortlist_min: int | None = Field(None, ge=1)
    shortlist_max: int | None = Field(None, ge=1)
    criteria: list[str] = Field(default_factory=list)
    notice: PublicNoticeRule | None = None
    background_check: BackgroundCheckRule | None = None
    weight_note: str = ""
    rubric: list[Criterion] = Field(default_factory=list)
    ranking: Literal["mean", "median", "trimmed_mean", "normalised"] = "trimmed_mean"
    blend: list[BlendWeight] = Field(default_factory=list)
    vote: PublicVoteRule | None = None
    phase: Code | None = Field(
        None,
        description="所属阶段（timeline.phases 的代码）；该阶段有日期时，本环节只能在其中进行",
    )
    source: str = ""

    @model_validator(mode="after")
    def _rubric_and_blend(self) -> Step:
        problems = _duplicates([c.code for c in self.rubric], "rubric")
        if self.vote is not None and self.kind != "public_vote":
            problems.append("vote（投票规则）只能用于 kind: public_vote 的环节")
        components = [b.component for b in self.blend]
        problems += _duplicates(components, "blend")
        if self.blend:
            total = sum(b.weight for b in self.blend)
            if not (abs(total - 1) < 1e-9 or abs(total - 100) < 1e-9):
                problems.append(f"blend：各项权重之和应为 1（或 100），现为 {total:g}")
        if problems:
            raise ValueError("；".join(problems))
        return self

    def blend_weights(self) -> dict[str, float]:
        """The blend as fractions summing to 1 (weights given out of 100 are divided)."""
        total = sum(b.weight for b in self.blend)
        return {b.component: b.weight / total for b in self.blend}


#: File types a forward's document may be declared to accept: what the evidence uploads
#: accept apart from video (nominations.validators.check_upload).
ForwardFileType = Literal["pdf", "jpg", "png", "docx"]


def _scans_and_pictures() -> list[ForwardFileType]:
    """A stamped document's usual forms: its scan as PDF, or a photo."""
    return ["pdf", "jpg", "png"]


class ForwardDocumentSpec(Spec):
    """A document about the whole list that the bodies signing at one review level upload
    with their forward (报送) to the next level: the stamped 推荐报告 / 推荐函, the 汇总表
    with the seal, the 公示 screenshots (seed 000 附件3 1、6; seed 001 四(一)(二)).

    It is uploaded once per body, level and campaign and kept for every batch the body
    forwards there; a ``required`` document missing refuses the forward. ``categories``
    limits it to forwards holding nominations of those unit categories (a 推荐单位 that
    reports straight to the city sends its 推荐报告 from its own level).
    """

    level: Code = Field(description="审核层级代码（review_chain.levels 的 code）")
    code: Code
    name: str = Field(min_length=1)
    required: bool = True
    types: list[ForwardFileType] = Field(
        default_factory=_scans_and_pictures,
        min_length=1,
        description="接受的文件类型：pdf、jpg、png、docx",
    )
    categories: list[str] = Field(
        default_factory=list, description="只约束含这些推荐单位类别推荐的报送；空表示所有"
    )
    source: str = Field("", description="通知中要求该材料的条款")


class ReviewChain(Spec):
    levels: list[ReviewLevel] = Field(min_length=1)
    steps: list[Step] = Field(default_factory=list)
    forward_documents: list[ForwardDocumentSpec] = Field(
        default_factory=list, description="各层级报送时须上传的整批材料"
    )


# ---------------------------------------------------------------------------- decision


class AuthorityApproval(Spec):
    """The approval by a higher authority before the decision (seed 000 四6: 提请省委、省政府
    审定; seed 001 三(一)6: 报市委组织部人才办进行审定; seed 003 二(二)5: 报市政府审定).

    The office submits the locked lists to ``authority``; the authority's decision is
    recorded with its document number and date, and the list it returns is the one the
    commendation decision publishes. It is the chain's ``government_approval`` step.
    """

    authority: str = Field(description="审定机关，如 省委、省政府")
    source: str = ""


# ---------------------------------------------------------------------------- form

FieldType = Literal[
    "text",
    "textarea",
    "date",
    "year_month",
    "integer",
    "choice",
    "multichoice",
    "boolean",
    "id_number",
    "phone",
    "landline",
    "email",
    "bank_account",
    "photo",
    "video",
    "table",
    "group",
    "honours",
    "contests",
    "patents",
    "work_history",
]

#: Keys of the common core, stored as columns on the nomination; anything else is a
#: campaign field stored in ``extra``.
CORE_FIELDS: dict[str, str] = {
    "name": "text",
    "sex": "choice",
    "birth_date": "date",
    "ethnic_group": "text",
    "native_place": "text",
    "political_status": "choice",
    "education": "choice",
    "phone": "phone",
    "landline": "landline",
    "email": "email",
    "id_number": "id_number",
    "bank_account": "bank_account",
    "address": "text",
    "postal_code": "text",
    "workplace_name": "text",
    "ownership_type": "text",
    "industry": "text",
    "post": "text",
    "occupation": "text",
    "skill_level": "choice",
    "professional_title": "choice",
    "professional_title_category": "text",
    "identity": "choice",
    "work_start_date": "year_month",
    "occupation_start_date": "year_month",
    "years_of_work": "integer",
    "years_in_region": "integer",
    "is_retired": "boolean",
    "is_unit_leader": "boolean",
    "workplace_contact": "text",
    "workplace_contact_phone": "phone",
    "work_history": "work_history",
    "honours": "honours",
    "patents": "patents",
    "contests": "contests",
    "achievement_summary": "textarea",
    "achievement_narrative": "textarea",
    "photo": "photo",
    "claimed_conditions": "multichoice",
}


class Column(Spec):
    key: Code
    label: str
    type: Literal["text", "textarea", "date", "year_month", "integer", "choice"] = "text"
    choices: list[str] = Field(default_factory=list)
    max_chars: int | None = Field(None, ge=1)


class FormField(Spec):
    """One field of the nomination form, in the official form's order.

    Core keys (:data:`CORE_FIELDS`) keep their storage and validation; the label is the
    campaign's own. ``max_chars`` counts characters as written (一个汉字计一个字).
    """

    key: Code
    label: str
    type: FieldType | None = None
    required: bool = False
    max_chars: int | None = Field(None, ge=1)
    approx_chars: int | None = Field(None, ge=1, description="“N 字左右”：提示，不强制")
    choices: list[str] = Field(default_factory=list)
    help: str = ""
    columns: list[Column] = Field(default_factory=list, description="table 的列")
    fields: list[FormField] = Field(default_factory=list, description="group 的子项")
    publishable: bool = Field(False, description="可在公示中公开（须本人同意）")
    evidence_required: bool = Field(False, description="须附证明材料")
    printed_with: list[Code] = Field(
        default_factory=list,
        description="同一栏中接着印出的字段（如 工种及技术等级：例 钳工  高级技师）",
    )
    printed_label: str = Field("", description="印在表上的栏名，缺省为 label")
    min_seconds: int | None = Field(None, ge=1, description="视频至少多少秒（video 字段）")
    max_seconds: int | None = Field(None, ge=1, description="视频至多多少秒（video 字段）")

    @property
    def effective_type(self) -> str:
        return self.type or CORE_FIELDS.get(self.key, "text")

    @model_validator(mode="after")
    def _consistent(self) -> FormField:
        kind = self.effective_type
        if self.key in CORE_FIELDS and self.type and self.type != CORE_FIELDS[self.key]:
            raise ValueError(f"核心字段 {self.key} 的类型固定为 {CORE_FIELDS[self.key]}")
        if kind in ("choice", "multichoice") and not self.choices and self.key not in CORE_FIELDS:
            raise ValueError("choice/multichoice 字段须列出 choices")
        if kind == "table" and not self.columns:
            raise ValueError("table 字段须列出 columns")
        if (self.min_seconds or self.max_seconds) and kind != "video":
            raise ValueError("只有视频字段（type: video）可以写 min_seconds、max_seconds")
        if self.min_seconds and self.max_seconds and self.min_seconds > self.max_seconds:
            raise ValueError("min_seconds 不得大于 max_seconds")
        if self.columns and kind not in ("table", "honours", "contests", "patents", "work_history"):
            # Columns on a text field were silently a text box, and rules read a string.
            raise ValueError("只有表格字段可以列出 columns：请加上 type: table")
        if kind == "group" and not self.fields:
            raise ValueError("group 字段须列出子项 fields")
        return self


FormField.model_rebuild()


class Reprint(Spec):
    """A field the official form prints a second time (seed 001 附件2: 工作单位 on the
    cover and again below 参加工作时间); it is asked for once."""

    key: Code
    label: str
    after: Code | None = Field(None, description="印在本节哪个字段之后；缺省印在本节开头")


class FormSection(Spec):
    """A section of the form. ``printed: false`` marks data the platform collects for its
    checks (e.g. 身份证号码 for "已获称号者不再参评") that the official form has no row for."""

    title: str
    fields: list[FormField] = Field(min_length=1)
    printed: bool = Field(True, description="印在官方表格上")
    reprints: list[Reprint] = Field(default_factory=list, description="表上重复印出的字段")


class NominationFormSpec(Spec):
    """The official nomination form (推荐审批表 / 推荐表 / 申报表) as the specification lays it
    out (the Django form built from it is ``nominations.forms.NominationForm``)."""

    title: str
    subtitle: str = ""
    paper: Literal["A4", "A3"] = "A4"
    copies: int = Field(1, ge=1)
    sections: list[FormSection] = Field(min_length=1)
    notes: list[str] = Field(default_factory=list)
    extra_opinion_boxes: list[str] = Field(
        default_factory=list, description="链外的意见栏（如 各有关部门、单位意见）"
    )

    def all_fields(self) -> list[FormField]:
        """Top-level fields in form order."""
        return [f for section in self.sections for f in section.fields]


# ---------------------------------------------------------------------------- materials, documents


class Material(Spec):
    """An item of the materials checklist (材料目录), in its order."""

    code: Code
    name: str
    copies: int | None = Field(None, ge=1)
    electronic: bool = False
    per: Literal["nomination", "unit"] = "nomination"
    max_chars: int | None = None
    upload: bool = Field(True, description="可在平台上传")
    required: bool = True
    channels: list[str] = Field(
        default_factory=list, description="只用于这些推荐渠道；空表示所有渠道"
    )
    note: str = ""


class SummaryColumn(Spec):
    key: str
    label: str
    max_chars: int | None = None


class SummarySheet(Spec):
    """The summary sheet (汇总表) with the notice's columns."""

    title: str
    columns: list[SummaryColumn] = Field(min_length=1)
    group_by_award: bool = False
    unit_label: str = Field("填报单位（公章）", description="表头的单位栏，照通知写，如 推荐单位")
    date_line: bool = Field(True, description="表头印“年 月 日”")
    footer: list[str] = Field(default_factory=list)
    note: str = Field("", description="表下的注（印出，照通知原文）")


DocumentKind = Literal[
    "nomination_form",
    "summary_sheet",
    "materials_checklist",
    "quota_table",
    "dossier_cover",
    "background_check_form",
    "nomination_letter",
    "innovation_list",
    "patent_list",
    "performance_sheet",
    "decision",
    "certificate",
]


class SheetField(Spec):
    """One label/value pair of a sheet's head (e.g. 推荐单位 ____). ``value`` is a text
    with ``{key}`` placeholders filled from the subject (docs/user/documents.md lists
    the keys); empty leaves the box to fill in by hand."""

    label: str
    value: str = ""


class SheetColumn(Spec):
    """A column of a sheet's table: ``key`` names the value in each row of the source
    (``seq`` is the running number)."""

    key: str
    label: str
    width: int = Field(1, ge=1, le=12, description="相对宽度")


class SheetLayout(Spec):
    """How a sheet document (目录, 名额分配表, 档案袋封面, 一览表, 量化表) is laid out, as
    data: lines above, label/value rows, one table, lines below. A new notice's sheet
    needs a spec entry, not code."""

    per: Literal["campaign", "unit", "nomination"] = Field(
        "campaign", description="一份文书对应：整个活动、一个推荐单位或一名推荐对象"
    )
    paper: Literal["A4", "A3"] = "A4"
    landscape: bool = False
    subtitle: str = ""
    header: list[str] = Field(default_factory=list, description="表前的文字行，如 单位工会公章：")
    fields: list[list[SheetField]] = Field(
        default_factory=list, description="表头的“标签/内容”行，每行一至三对"
    )
    table_title: str = Field("", description="表格上方的小标题，如 申报材料目录")
    source: Literal["rows", "materials", "quotas", "patents", "innovations", "honours"] = "rows"
    columns: list[SheetColumn] = Field(default_factory=list)
    rows: list[list[str]] = Field(
        default_factory=list, description="source 为 rows 时的各行（可含 {key} 占位）"
    )
    min_rows: int = Field(0, ge=0, le=40, description="至少印出的行数（空行供手填）")
    footer: list[str] = Field(default_factory=list, description="表后的文字行，如 经手人：")


class DocumentSpec(Spec):
    code: Code
    kind: DocumentKind
    title: str
    formats: list[Literal["docx", "pdf", "xlsx", "ofd"]] = Field(
        min_length=1, description="ofd 为 GB/T 33190 版式文档，由 PDF 逐页转成"
    )
    layout: SheetLayout | None = Field(
        None, description="清单、名额表、封面、一览表等表格类文书的版式"
    )

    @model_validator(mode="after")
    def _ofd_where_drawn(self) -> DocumentSpec:
        # OFD is drawn from the document's PDF: the nomination form and the laid-out sheets.
        if "ofd" in self.formats and self.kind != "nomination_form" and self.layout is None:
            raise ValueError("只有推荐表和带版式（layout）的表格类文书提供 ofd 格式")
        return self


DEFAULT_DECISION_BODY = [
    "为大力弘扬劳模精神、劳动精神、工匠精神，激励广大职工走技能成才、技能报国之路，经个人申报、"
    "单位推荐、逐级审核、专家评审和社会公示，决定授予{first_name}等{count}名同志“{awards}”称号。",
    "{list}",
    "希望受到表彰的同志珍惜荣誉，再接再厉，在本职岗位上再立新功。各地区、各单位和广大职工要以受表彰的"
    "同志为榜样，学习他们精益求精、追求卓越的工匠精神，为经济社会高质量发展作出新的更大贡献。",
]


class DecisionSpec(Spec):
    """The commendation decision as a 公文 (GB/T 9704-2012 党政机关公文格式). Texts take
    ``{placeholder}``s: ``{first_name}``, ``{count}``, ``{awards}``, ``{campaign}``,
    ``{edition}``, ``{short_title}``, ``{year}``, ``{issuer}``; a body paragraph that is
    exactly ``{list}`` becomes the awardees by award with their units."""

    issuer: str = Field(
        "",
        description="表彰决定以谁的名义发布（发文机关署名，如 中共吉林省委、吉林省人民政府）；"
        "缺省为各主办单位",
    )
    issuer_source: str = ""
    approval: AuthorityApproval | None = Field(
        None, description="上级审定机关（流程的 government_approval 环节）"
    )
    mark: list[str] = Field(
        default_factory=list, description="发文机关标志（每行一个机关，后接“文件”）；缺省同署名"
    )
    addressees: str = Field("", description="主送机关，如 各市（州）总工会、人力资源和社会保障局：")
    title: str = Field("", description="标题；缺省为 关于表彰{edition}{short_title}的决定")
    body: list[str] = Field(default_factory=lambda: list(DEFAULT_DECISION_BODY))
    attachments: list[str] = Field(default_factory=list, description="附件说明中的附件名称")
    cc: str = Field("", description="版记：抄送机关")
    printer: str = Field("", description="版记：印发机关；缺省为署名的第一个机关")


class CertificateSpec(Spec):
    """The certificate (荣誉证书): its numbering scheme and text."""

    number: str = Field(
        "{prefix}〔{year}〕第{seq:03d}号",
        description="证书编号格式：{prefix} {year} {seq}（全决定连续编号）",
    )
    prefix: str = Field("", description="编号前缀，如 吉工匠；缺省为活动简称")
    award_prefixes: dict[str, str] = Field(
        default_factory=dict, description="按奖项代码另定的前缀（如 长春技术能手）"
    )
    heading: str = "荣誉证书"
    text: str = Field(
        "{name}同志：\n被授予“{award}”称号。", description="正文：{name} {award} {campaign}"
    )
    signers: list[str] = Field(default_factory=list, description="落款机关；缺省为各主办单位")


class PublicationRules(Spec):
    """What a public notice may show (only with the nominee's consent)."""

    fields: list[str] = Field(
        default_factory=lambda: ["name", "sex", "workplace_name", "post", "occupation"]
    )


class PrivacyRules(Spec):
    """How long the personal data of nominees who were not awarded is kept after the
    commendation decision (PIPL 第十九条: no longer than the purpose needs)."""

    retention_days: int = Field(
        365, ge=30, description="表彰决定发布后，未获表彰者的个人信息保留的天数"
    )


# ---------------------------------------------------------------------------- campaign


class CampaignSpec(Spec):
    """A whole campaign."""

    spec_version: Literal[1] = 1
    code: Code
    series: Code
    title: str
    short_title: str = ""
    edition: str = Field(description="届/批，如 第四届、首批、2021年")
    year: int = Field(ge=2000, le=2100)
    region: str
    organizers: list[Organizer] = Field(min_length=1)
    source: SourceDocument
    forwarded_by: list[SourceDocument] = Field(default_factory=list)
    scope: str
    exclusions: list[str] = Field(default_factory=list)
    one_award_per_person: bool = True
    one_award_source: str = Field("", description="通知中规定同一人只能申报一个奖项的条款")
    awards: list[AwardSpec] = Field(min_length=1)
    honours: list[HonourEntry] = Field(default_factory=list)
    timeline: Timeline = Timeline()
    unit_categories: list[UnitCategory] = Field(default_factory=list)
    quotas: list[Quota] = Field(default_factory=list)
    quota_note: str = ""
    channels: list[Channel] = Field(min_length=1)
    review_chain: ReviewChain
    form: NominationFormSpec
    materials: list[Material] = Field(default_factory=list)
    summary_sheet: SummarySheet
    documents: list[DocumentSpec] = Field(default_factory=list)
    decision: DecisionSpec = DecisionSpec()
    certificate: CertificateSpec = CertificateSpec()
    publication: PublicationRules = PublicationRules()
    privacy: PrivacyRules = PrivacyRules()
    leading_group: list[LeadingGroupMember] = Field(default_factory=list)
    contact: Contact = Contact()
    discipline: str = ""

    @model_validator(mode="after")
    def _references(self) -> CampaignSpec:
        # Cross-references are checked together and each problem names its own path, so
        # one run of checkcampaign lists them all (parse_spec splits the lines).
        problems: list[str] = []
        award_codes = [a.code for a in self.awards]
        problems += _duplicates(award_codes, "awards")
        problems += _duplicates([h.code for h in self.honours], "honours")
        honour_codes = {h.code for h in self.honours}
        category_codes = {c.code for c in self.unit_categories}
        for i, award in enumerate(self.awards):
            for where, ref in _honour_refs(award.eligibility, f"awards[{i}].eligibility"):
                if ref not in honour_codes:
                    problems.append(f"{where}：奖项 {award.code} 的规则引用了未定义的荣誉 {ref}")
        for i, quota in enumerate(self.quotas):
            if quota.category not in category_codes:
                problems.append(
                    f"quotas[{i}].category：名额引用了未定义的推荐单位类别 {quota.category}"
                )
            if quota.award and quota.award not in award_codes:
                problems.append(f"quotas[{i}].award：名额引用了未定义的奖项 {quota.award}")
        problems += _rule_code_problems(self.awards, self.channels)
        problems += _channel_problems(self)
        problems += _derived_award_problems(self.awards)
        for i, channel in enumerate(self.channels):
            where = f"channels[{i}].eligibility"
            problems += [
                f"{path}：渠道 {channel.code} 的规则引用了未定义的荣誉 {ref}"
                for path, ref in _honour_refs(channel.eligibility, where)
                if ref not in honour_codes
            ]
        problems += _expression_problems(self)
        problems += _quota_problems(self.quotas, self.awards)
        problems += _phase_problems(self.timeline.phases)
        problems += _step_problems(self)
        problems += _level_deadline_problems(self)
        problems += _forward_document_problems(self)
        keys = [f.key for f in self.form.all_fields()]
        problems += _duplicates(keys, "form")
        for i, section in enumerate(self.form.sections):
            here = {f.key for f in section.fields}
            for j, form_field in enumerate(section.fields):
                problems += [
                    f"form.sections[{i}].fields[{j}].printed_with：本节没有字段 {key}"
                    for key in form_field.printed_with
                    if key not in here
                ]
            for j, reprint in enumerate(section.reprints):
                if reprint.key not in keys:
                    problems.append(f"form.sections[{i}].reprints[{j}].key：没有字段 {reprint.key}")
                if reprint.after is not None and reprint.after not in here:
                    problems.append(
                        f"form.sections[{i}].reprints[{j}].after：本节没有字段 {reprint.after}"
                    )
        for i, col in enumerate(self.summary_sheet.columns):
            if col.key not in SUMMARY_KEYS and col.key not in keys:
                problems.append(
                    f"summary_sheet.columns[{i}].key：汇总表列 {col.key} 既不是表单字段也不是内置列"
                )
        for i, document in enumerate(self.documents):
            problems += _sheet_problems(document, f"documents[{i}]")
        texts = [("decision.title", self.decision.title)]
        texts += [(f"decision.body[{i}]", t) for i, t in enumerate(self.decision.body)]
        texts += [
            (f"decision.attachments[{i}]", t) for i, t in enumerate(self.decision.attachments)
        ]
        problems += _placeholder_problems(texts, DECISION_KEYS)
        problems += _placeholder_problems(
            [("certificate.number", self.certificate.number)], {"prefix", "year", "seq"}
        )
        problems += _placeholder_problems(
            [("certificate.text", self.certificate.text)], {"name", "award", "campaign"}
        )
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def award(self, code: str) -> AwardSpec:
        """The award with ``code``; raises KeyError."""
        for award in self.awards:
            if award.code == code:
                return award
        raise KeyError(code)


def _level_deadline_problems(spec: CampaignSpec) -> list[str]:
    """Level deadlines name a level that forwards to another level, and known categories.
    (They may fall after the submission window: that binds the clerks' submissions, and the
    level notices after them may run past it.)"""
    problems = []
    levels = [level.code for level in spec.review_chain.levels]
    categories = {c.code for c in spec.unit_categories}
    for i, deadline in enumerate(spec.timeline.level_deadlines):
        where = f"timeline.level_deadlines[{i}]"
        if deadline.level not in levels:
            problems.append(
                f"{where}.level：没有审核层级 {deadline.level}（可选：{'、'.join(levels)}）"
            )
        elif deadline.level == levels[-1]:
            problems.append(
                f"{where}.level：{deadline.level} 是最后一级，其报送即审定，不能设报送截止时间"
            )
        problems += [
            f"{where}.categories：没有推荐单位类别 {code}（可选：{'、'.join(sorted(categories))}）"
            for code in deadline.categories
            if code not in categories
        ]
    return problems


def _forward_document_problems(spec: CampaignSpec) -> list[str]:
    """Forward documents name a level of the chain and known unit categories; a code is
    used once per level."""
    problems = []
    levels = [level.code for level in spec.review_chain.levels]
    categories = {c.code for c in spec.unit_categories}
    seen: set[tuple[str, str]] = set()
    for i, document in enumerate(spec.review_chain.forward_documents):
        where = f"review_chain.forward_documents[{i}]"
        if document.level not in levels:
            problems.append(
                f"{where}.level：没有审核层级 {document.level}（可选：{'、'.join(levels)}）"
            )
        if (document.level, document.code) in seen:
            problems.append(f"{where}.code：层级 {document.level} 的材料代码 {document.code} 重复")
        seen.add((document.level, document.code))
        problems += [
            f"{where}.categories：没有推荐单位类别 {code}（可选：{'、'.join(sorted(categories))}）"
            for code in document.categories
            if code not in categories
        ]
    return problems


#: Summary-sheet columns computed by the platform rather than typed in the form.
SUMMARY_KEYS = {"rank", "award", "age", "skill_level_label", "nominating_unit", "seq"}


def _step_problems(spec: CampaignSpec) -> list[str]:
    """Steps' phases exist; ``decision.approval`` needs the government approval step it
    describes. (A government approval step without ``decision.approval`` is recorded
    outside the platform and not tracked.)"""
    problems = []
    phases = {p.code for p in spec.timeline.phases}
    for i, step in enumerate(spec.review_chain.steps):
        if step.phase and step.phase not in phases:
            problems.append(f"review_chain.steps[{i}].phase：环节引用了未定义的阶段 {step.phase}")
    has_step = any(s.kind == StepKind.GOVERNMENT_APPROVAL for s in spec.review_chain.steps)
    if spec.decision.approval is not None and not has_step:
        problems.append(
            "decision.approval：写明了审定机关，但流程中没有上级审定环节（government_approval）"
        )
    return problems


#: ``{key}`` placeholders a sheet layout may use (documents.sheets fills them).
SHEET_KEYS = {
    "campaign", "edition", "year", "region", "organizers", "award_choice", "nominating_unit",
    "name", "sex", "birth_date", "ethnic_group", "political_status", "education",
    "workplace_name", "workplace_contact", "post", "occupation", "skill_level",
    "professional_title", "phone", "id_number", "award", "honour_count", "patent_count",
    "invention_patent_count", "utility_patent_count", "design_patent_count",
    "innovation_count", "contest_count", "achievement_summary",
}  # fmt: skip


def _sheet_problems(document: DocumentSpec, where: str) -> list[str]:
    """Unknown ``{key}`` placeholders of a document's layout, each with its path."""
    layout = document.layout
    if layout is None:
        return []
    texts = [(f"{where}.layout.subtitle", layout.subtitle)]
    texts += [(f"{where}.layout.header[{i}]", t) for i, t in enumerate(layout.header)]
    texts += [(f"{where}.layout.footer[{i}]", t) for i, t in enumerate(layout.footer)]
    texts += [
        (f"{where}.layout.fields[{i}][{j}].value", f.value)
        for i, row in enumerate(layout.fields)
        for j, f in enumerate(row)
    ]
    texts += [
        (f"{where}.layout.rows[{i}][{j}]", cell)
        for i, row in enumerate(layout.rows)
        for j, cell in enumerate(row)
    ]
    return _placeholder_problems(texts, SHEET_KEYS)


#: ``{key}`` placeholders of the decision's texts (decisions.document fills them).
DECISION_KEYS = {
    "first_name", "count", "awards", "campaign", "edition", "short_title", "year", "issuer",
    "list",
}  # fmt: skip


def _placeholder_problems(texts: list[tuple[str, str]], known: set[str]) -> list[str]:
    """(path, text) pairs whose ``{placeholders}`` are unknown or unbalanced."""
    problems = []
    for path, text in texts:
        try:
            names = [name for _l, name, _f, _c in string.Formatter().parse(text) if name]
        except ValueError:
            problems.append(f"{path}：花括号不成对")
            continue
        problems += [f"{path}：不认识的占位 {{{name}}}" for name in names if name not in known]
    return problems


def _duplicates(values: Sequence[str], where: str) -> list[str]:
    seen: set[str] = set()
    problems = []
    for value in values:
        if value in seen:
            problems.append(f"{where}：代码 {value} 重复")
        seen.add(value)
    return problems


def _rule_codes(rules: list[Any], where: str) -> list[tuple[str, str]]:
    """(path, code) of every rule in ``rules``, nested ones included, in order."""
    codes: list[tuple[str, str]] = []
    for i, rule in enumerate(rules):
        codes.append((f"{where}[{i}].code", rule.code))
        if isinstance(rule, AnyOf | AllOf):
            codes += _rule_codes(rule.items, f"{where}[{i}].items")
    return codes


def _rule_code_problems(awards: list[AwardSpec], channels: list[Channel]) -> list[str]:
    """Rule codes are unique within an award together with every channel's rules (a
    nomination meets both): the office's override and the verdicts are kept by code, so
    two rules with one code would be let through together."""
    problems = []
    channel_codes = [
        (where, code)
        for i, channel in enumerate(channels)
        for where, code in _rule_codes(channel.eligibility, f"channels[{i}].eligibility")
    ]
    first: dict[str, str] = {}
    for where, code in channel_codes:
        if code in first:
            problems.append(f"{where}：规则代码 {code} 重复（已用于 {first[code]}）")
        else:
            first[code] = where.removesuffix(".code")
    for i, award in enumerate(awards):
        first = {}
        for where, code in _rule_codes(award.eligibility, f"awards[{i}].eligibility"):
            if code in first:
                problems.append(f"{where}：规则代码 {code} 重复（已用于 {first[code]}）")
            else:
                first[code] = where.removesuffix(".code")
        problems += [
            f"{where}：规则代码 {code} 与奖项 {award.code} 的规则重复（已用于 {first[code]}）"
            for where, code in channel_codes
            if code in first
        ]
    return problems


def _derived_award_problems(awards: list[AwardSpec]) -> list[str]:
    """A derived award names another, underived award of the campaign, and is not given
    to more people than that award."""
    by_code = {a.code: a for a in awards}
    problems = []
    for i, award in enumerate(awards):
        if award.derived_from is None:
            continue
        where = f"awards[{i}].derived_from.award"
        base = by_code.get(award.derived_from.award)
        if base is None or base is award:
            others = "、".join(code for code in by_code if code != award.code)
            problems.append(
                f"{where}：没有可作来源的奖项 {award.derived_from.award}（可选：{others}）"
            )
        elif base.derived_from is not None:
            problems.append(f"{where}：{base.code} 本身也从其他奖项中产生，不能再作来源")
        elif award.count is not None and base.count is not None and award.count > base.count:
            problems.append(
                f"awards[{i}].count：名额 {award.count} 多于"
                f"其来源奖项 {base.code} 的名额 {base.count}"
            )
    return problems


def _channel_problems(spec: CampaignSpec) -> list[str]:
    """Channel codes are unique, a channel starts at a level of the chain, and a
    material's channels exist."""
    codes = [c.code for c in spec.channels]
    problems = _duplicates(codes, "channels")
    levels = [level.code for level in spec.review_chain.levels]
    for i, channel in enumerate(spec.channels):
        if channel.starts_at is not None and channel.starts_at not in levels:
            problems.append(
                f"channels[{i}].starts_at：没有审核层级 {channel.starts_at}"
                f"（可选：{'、'.join(levels)}）"
            )
        if channel.starts_at is not None and not channel.intake:
            problems.append(f"channels[{i}].intake：从中间层级开始的渠道须写明受理单位（intake）")
    for i, material in enumerate(spec.materials):
        problems += [
            f"materials[{i}].channels：没有推荐渠道 {code}（可选：{'、'.join(codes)}）"
            for code in material.channels
            if code not in codes
        ]
    return problems


def _quota_problems(quotas: list[Quota], awards: list[AwardSpec]) -> list[str]:
    """A unit's quota cannot exceed the award's count (or, for a quota over all awards,
    the sum of the counts when every award has one)."""
    counts = {a.code: a.count for a in awards}
    names = {a.code: a.name for a in awards}
    problems = []
    for i, quota in enumerate(quotas):
        if quota.award:
            if quota.award not in counts:
                continue
            limit = counts[quota.award]
            what = f"奖项“{names[quota.award]}”（{quota.award}）的表彰名额"
        elif all(c is not None for c in counts.values()):
            limit, what = sum(c or 0 for c in counts.values()), "各奖项表彰名额之和"
        else:
            continue
        if limit is None:
            continue
        for key in ("min", "max"):
            value = getattr(quota, key)
            if value is not None and value > limit:
                problems.append(f"quotas[{i}].{key}：每个单位的名额 {value} 大于{what} {limit}")
    return problems


def _phase_problems(phases: list[Phase]) -> list[str]:
    """Phases are listed in time order: each ends no earlier than it starts, and its start
    (end) is no earlier than the start (end) of the phases before it. Phases may overlap."""
    problems = []
    latest: dict[str, tuple[int, Phase]] = {}
    for i, phase in enumerate(phases):
        if phase.starts_on and phase.ends_on and phase.ends_on < phase.starts_on:
            problems.append(
                f"timeline.phases[{i}].ends_on：阶段“{phase.name}”的结束日期 {phase.ends_on} "
                f"早于开始日期 {phase.starts_on}"
            )
        for key in ("starts_on", "ends_on"):
            day = getattr(phase, key)
            if day is None:
                continue
            if key in latest:
                j, before = latest[key]
                if day < getattr(before, key):
                    problems.append(
                        f"timeline.phases[{i}].{key}：阶段“{phase.name}”排在阶段“{before.name}”"
                        f"（timeline.phases[{j}]）之后，日期 {day} 却早于其 "
                        f"{getattr(before, key)}；请按时间顺序排列"
                    )
            latest[key] = (i, phase)
    return problems


def _expr_rules(rules: list[Any], where: str) -> list[tuple[str, ExprRule]]:
    """(path, rule) of every ``expr`` rule in ``rules``, nested ones included."""
    found: list[tuple[str, ExprRule]] = []
    for i, rule in enumerate(rules):
        if isinstance(rule, ExprRule):
            found.append((f"{where}[{i}]", rule))
        elif isinstance(rule, AnyOf | AllOf):
            found += _expr_rules(rule.items, f"{where}[{i}].items")
    return found


def _expression_problems(spec: CampaignSpec) -> list[str]:
    """Every ``expr`` rule compiles and type-checks against the campaign's form (unknown
    names, functions and form fields, wrong types, impossible dates, levels and honour
    codes the catalogue lacks are found here, not when a nominee meets the rule); a
    ``post_kind`` field offers only the known post kinds."""
    problems = []
    fields = spec.form.all_fields()
    for i, section in enumerate(spec.form.sections):
        for j, form_field in enumerate(section.fields):
            if form_field.key != "post_kind":
                continue
            unknown = [c for c in form_field.choices if c not in expressions.POST_KINDS]
            if form_field.effective_type != "choice" or not form_field.choices or unknown:
                problems.append(
                    f"form.sections[{i}].fields[{j}].choices：岗位类别（post_kind）须为 choice，"
                    f"选项只能是 "
                    f"{'、'.join(expressions.POST_KINDS)}"
                    + (f"（不认识：{'、'.join(unknown)}）" if unknown else "")
                )
    names = expressions.declarations(fields)
    codes = frozenset(h.code for h in spec.honours)
    sets = [(f"awards[{i}].eligibility", a.eligibility) for i, a in enumerate(spec.awards)]
    sets += [(f"channels[{i}].eligibility", c.eligibility) for i, c in enumerate(spec.channels)]
    for path, rules in sets:
        for where, rule in _expr_rules(rules, path):
            problems += [
                f"{where}.expr：规则 {rule.code} 的表达式{problem}"
                for problem in expressions.check_expression(rule.expr, names, honour_codes=codes)
            ]
    return problems


def _honour_refs(rules: list[Any], where: str) -> list[tuple[str, str]]:
    """(path, honour code) of every honour reference in ``rules``, nested ones included."""
    refs: list[tuple[str, str]] = []
    for i, rule in enumerate(rules):
        if isinstance(rule, HonoursAnyOf):
            refs += [
                (f"{where}[{i}].honours[{j}].code", h.code) for j, h in enumerate(rule.honours)
            ]
        elif isinstance(rule, AnyOf | AllOf):
            refs += _honour_refs(rule.items, f"{where}[{i}].items")
    return refs


# ---------------------------------------------------------------------------- loading


class SpecError(Exception):
    """A specification failed to parse or validate; ``messages`` are in Chinese.

    Each message names the field's path ("awards[0].count：应为整数"); ``lines`` gives,
    for each message, the line of the YAML text it refers to (None when unknown), and
    :meth:`located` the lines to show people: file, line, field, problem.
    """

    def __init__(self, source: str, messages: list[str], lines: list[int | None] | None = None):
        self.source = source
        self.messages = messages
        self.lines: list[int | None] = list(lines) if lines is not None else [None] * len(messages)
        super().__init__("\n".join(self.located()))

    def located(self) -> list[str]:
        """One line per problem: ``file: 第 N 行 path：problem`` (the line when known)."""
        return [
            f"{self.source}: 第 {line} 行 {message}" if line else f"{self.source}: {message}"
            for message, line in zip(self.messages, self.lines, strict=True)
        ]


def problem_excerpts(
    text: str, error: SpecError, context: int = 2
) -> list[list[tuple[int, str, list[str]]]]:
    """The lines of ``text`` around each problem of ``error``, for an editor that shows a
    message beside its line (issue 15.4): runs of ``(line number, line, messages on this
    line)``, ``context`` lines either side, overlapping runs merged. Problems without a
    line (or past the text's end) are in no run; ``error.located()`` lists every one."""
    lines = text.splitlines() or [""]
    on_line: dict[int, list[str]] = {}
    for message, line in zip(error.messages, error.lines, strict=True):
        if line is not None and 1 <= line <= len(lines):
            on_line.setdefault(line, []).append(message)
    runs: list[list[tuple[int, str, list[str]]]] = []
    last = 0
    for line in sorted(on_line):
        start, end = max(1, line - context), min(len(lines), line + context)
        if runs and start <= last + 1:
            start = last + 1
        else:
            runs.append([])
        runs[-1] += [(n, lines[n - 1], on_line.get(n, [])) for n in range(start, end + 1)]
        last = max(last, end)
    return runs


# libyaml's parser where PyYAML was built with it (its wheels are): on a seed it reads
# 7 times faster than the pure-Python one (35 -> 5 ms; composing nodes 34 -> 3 ms), with
# the same nodes and the same character positions, which replace_scalar edits by.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _SpecLoader(_SafeLoader):  # type: ignore[misc,valid-type]
    """YAML loader that leaves dates as text: pydantic parses them, so an impossible date
    (2019-02-30) is a Chinese message on its field instead of a traceback from PyYAML."""


_SpecLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

_ERROR_TEXT = {
    "missing": "缺少必填项",
    "extra_forbidden": "不认识的字段（拼写错误？）",
    "string_type": "应为文字",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "list_type": "应为列表",
    "dict_type": "应为映射（键: 值）",
    "model_type": "应为映射（键: 值）",
    "date_type": "应为日期（YYYY-MM-DD）",
    "date_parsing": "应为日期（YYYY-MM-DD）",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
    "datetime_type": "应为日期时间（YYYY-MM-DD HH:MM）",
    "datetime_parsing": "应为日期时间（YYYY-MM-DD HH:MM）",
    "datetime_from_date_parsing": "应为日期时间（YYYY-MM-DD HH:MM）",
    "string_pattern_mismatch": "格式不对（代码只用小写字母、数字、- 和 _，以字母开头）",
    "greater_than_equal": "数值太小",
    "less_than_equal": "数值太大",
    "too_short": "条目太少",
    "literal_error": "取值不在允许范围内",
    "enum": "取值不在允许范围内",
    "union_tag_invalid": "rule 取值不在允许范围内",
    "union_tag_not_found": "缺少 rule（规则类型）",
    "value_error": "取值有误",
}


#: The values of ``rule:``, the discriminator of :data:`Rule`.
RULE_KINDS: tuple[str, ...] = (
    "min_skill_level",
    "min_professional_title",
    "honours_any_of",
    "honour_min_level",
    "contest_rank",
    "not_retired",
    "not_unit_leader",
    "not_previous_awardee",
    "not_previous_winner",
    "native_or_years_in_region",
    "judged",
    "expr",
    "any_of",
    "all_of",
)

_ISO_DAY = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}")


def _path(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        elif item in RULE_KINDS:
            continue  # the discriminator's branch name adds nothing for the reader
        else:
            parts.append(("." if parts else "") + str(item))
    return "".join(parts) or "（根）"


def _message(error: ErrorDetails) -> str:
    text = _ERROR_TEXT.get(error["type"], "取值有误")
    ctx = error.get("ctx") or {}
    value = error.get("input")
    if error["type"] == "value_error" and "error" in ctx:
        text = str(ctx["error"])
        if not error["loc"]:
            return text  # cross-reference problems carry their own paths
    elif error["type"] in ("literal_error", "enum") and "expected" in ctx:
        # pydantic writes the choices in English ("'docx', 'pdf' or 'xlsx'").
        choices = re.findall(r"'([^']*)'", str(ctx["expected"])) or [str(ctx["expected"])]
        text += f"，可选：{'、'.join(choices)}"
    elif error["type"] == "union_tag_invalid":
        text = f"rule 取值 {ctx.get('tag', '')} 不在允许范围内，可选：{'、'.join(RULE_KINDS)}"
    elif error["type"] in ("greater_than_equal", "less_than_equal") and ctx:
        text += f"（界限 {next(iter(ctx.values()))}）"
    elif "date" in error["type"] and isinstance(value, str) and _ISO_DAY.match(value):
        text = f"日期 {value} 不存在（请核对年、月、日）"
    return f"{_path(error['loc'])}：{text}"


_PATH_STEP = re.compile(r"([^.\[\]：]+)|\[(\d+)\]")


def _loc_of(message: str) -> tuple[str | int, ...]:
    """The path a message starts with ("awards[0].eligibility[2].code：…"), as a loc."""
    head = message.split("：", 1)[0]
    if "：" not in message or " " in head:
        return ()
    return tuple(int(m[2]) if m[2] else m[1] for m in _PATH_STEP.finditer(head))


def _line_of(root: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """The 1-based line of the YAML node at ``loc``, or of its nearest existing parent
    (a missing key is reported on the mapping that lacks it)."""
    if root is None:
        return None
    node = root
    for item in loc:
        if isinstance(node, yaml.MappingNode) and isinstance(item, str):
            found = next((v for k, v in node.value if getattr(k, "value", None) == item), None)
            if found is None:
                # A discriminator's branch name, or a key that is missing: stay here.
                continue
            node = found
        elif isinstance(node, yaml.SequenceNode) and isinstance(item, int):
            if item >= len(node.value):
                break
            node = node.value[item]
        else:
            break
    return node.start_mark.line + 1


def located_error(source: str, text: str, messages: list[str]) -> SpecError:
    """A :class:`SpecError` for problems found after parsing (org codes, awards in use):
    each message starts with its field's path, which gives its line in ``text``."""
    try:
        root = yaml.compose(text, Loader=_SpecLoader)
    except yaml.YAMLError:
        root = None
    return SpecError(source, messages, [_line_of(root, _loc_of(m)) for m in messages])


def replace_scalar(text: str, path: tuple[str | int, ...], value: str) -> str:
    """``text`` with the plain scalar at ``path`` (e.g. ``("timeline", "submission",
    "closes_at")``, or ``("quotas", 2, "max")`` with list positions) replaced by ``value``,
    every other character (comments, order, layout) kept as it was: a change made through
    a form stays a readable one-line change of the organizer's text.

    Raises:
        KeyError: ``path`` names no scalar in ``text`` (a key or position missing, or the
            text is not YAML).
    """
    try:
        node: yaml.Node | None = yaml.compose(text, Loader=_SpecLoader)
    except yaml.YAMLError as exc:
        raise KeyError(".".join(map(str, path))) from exc
    for key in path:
        if isinstance(key, int) and isinstance(node, yaml.SequenceNode):
            node = node.value[key] if 0 <= key < len(node.value) else None
        elif isinstance(key, str) and isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if getattr(k, "value", None) == key), None)
        else:
            raise KeyError(".".join(map(str, path)))
    if not isinstance(node, yaml.ScalarNode) or node.style not in (None, ""):
        raise KeyError(".".join(map(str, path)))
    return text[: node.start_mark.index] + value + text[node.end_mark.index :]


def _value_at(data: Any, path: tuple[str | int, ...]) -> Any:
    for key in path:
        data = data[key]
    return data


def _yaml_string(value: str) -> list[str]:
    """Ways to write ``value`` as a YAML scalar, the plainest first: as typed (when YAML
    reads it back unchanged), else double-quoted (JSON's escapes are YAML's)."""
    quoted = json.dumps(value, ensure_ascii=False)
    return [value, quoted] if value and "\n" not in value and value.strip() == value else [quoted]


def _block_entry(key: str, written: str | list[str], indent: int) -> str:
    """``key: value`` as block YAML at ``indent``, a list as one ``- item`` per line."""
    pad = " " * indent
    if isinstance(written, list):
        return f"{pad}{key}:" + "".join(f"\n{pad}  - {item}" for item in written)
    return f"{pad}{key}: {written}"


def _insert_key(
    text: str, mapping: yaml.MappingNode, keys: list[str], written: str | list[str]
) -> str:
    """``text`` with ``keys`` (the first missing in ``mapping``, the rest nested under it)
    set to the YAML ``written``, added after the mapping's first entry (which must sit on
    one line)."""
    if not mapping.value:
        raise KeyError(".".join(keys))
    first_key, first_value = mapping.value[0]
    if mapping.flow_style:
        if isinstance(written, list):
            raise KeyError(".".join(keys))
        entry = written
        for key in reversed(keys):
            entry = f"{{{key}: {entry}}}"
        inner = entry[1:-1]
        return (
            text[: first_value.end_mark.index] + ", " + inner + text[first_value.end_mark.index :]
        )
    if first_value.end_mark.line != first_key.start_mark.line or isinstance(
        first_value, yaml.CollectionNode
    ):
        raise KeyError(".".join(keys))
    indent = first_key.start_mark.column
    lines = []
    for depth, key in enumerate(keys[:-1]):
        lines.append(f"{' ' * (indent + 2 * depth)}{key}:")
    lines.append(_block_entry(keys[-1], written, indent + 2 * (len(keys) - 1)))
    end = text.find("\n", first_value.end_mark.index)
    end = len(text) if end < 0 else end
    return text[:end] + "\n" + "\n".join(lines) + text[end:]


def set_text_scalar(text: str, path: tuple[str | int, ...], value: str | list[str]) -> str:
    """``text`` with the string at ``path`` set to ``value``, every other character
    (comments, order, layout) kept: an existing scalar of any style is rewritten in place
    (plain when YAML reads it back unchanged, else double-quoted); a key the text lacks
    is added to its mapping (a list ``value`` as a block list), so a text left to its
    default can be set from a form (issue 15.4, the notice texts).

    Raises:
        KeyError: ``path`` cannot be set here (a list position missing, the text is not
            YAML, or the place is not one a line can be added to); the caller asks for
            the change to be made in the specification itself.
    """
    where = ".".join(map(str, path))
    try:
        root: yaml.Node | None = yaml.compose(text, Loader=_SpecLoader)
    except yaml.YAMLError as exc:
        raise KeyError(where) from exc
    node = root
    for depth, key in enumerate(path):
        if isinstance(key, int) and isinstance(node, yaml.SequenceNode):
            node = node.value[key] if 0 <= key < len(node.value) else None
            if node is None:
                raise KeyError(where)
        elif isinstance(key, str) and isinstance(node, yaml.MappingNode):
            found = next((v for k, v in node.value if getattr(k, "value", None) == key), None)
            if found is None:
                rest = path[depth:]
                if not all(isinstance(k, str) for k in rest):
                    raise KeyError(where)
                keys = [str(k) for k in rest]
                options: list[str | list[str]] = (
                    [[json.dumps(v, ensure_ascii=False) for v in value]]
                    if isinstance(value, list)
                    else list(_yaml_string(value))
                )
                for written in options:
                    try:
                        return _checked(_insert_key(text, node, keys, written), path, value, where)
                    except KeyError:
                        continue
                raise KeyError(where)
            node = found
        else:
            raise KeyError(where)
    if not isinstance(node, yaml.ScalarNode) or not isinstance(value, str):
        raise KeyError(where)
    start, end = node.start_mark.index, node.end_mark.index
    # A block scalar's span runs over the line breaks after it: they stay.
    tail = text[start:end][len(text[start:end].rstrip()) :]
    for written in _yaml_string(value):
        changed = text[:start] + written + tail + text[end:]
        try:
            return _checked(changed, path, value, where)
        except KeyError:
            continue
    raise KeyError(where)


def _checked(text: str, path: tuple[str | int, ...], value: Any, where: str) -> str:
    """``text`` when YAML reads ``value`` at ``path`` in it; KeyError otherwise."""
    try:
        data = yaml.load(text, Loader=_SpecLoader)  # noqa: S506 - a safe loader (no Python objects)
        if _value_at(data, path) == value:
            return text
    except (yaml.YAMLError, KeyError, IndexError, TypeError) as exc:
        raise KeyError(where) from exc
    raise KeyError(where)


#: What libyaml says of the syntax errors people make, said in Chinese with what to fix.
_YAML_PROBLEMS = {
    "mapping values are not allowed in this context": (
        "这里不能出现“键: 值”：检查冒号后是否有空格、这一行的缩进是否对齐，文字中的冒号请加引号"
    ),
    "found character that cannot start any token": (
        "有不能出现在这里的字符：缩进请用空格而不是 Tab，以 @、%、` 开头的文字请加引号"
    ),
    "did not find expected key": "缩进没有对齐，或上一行的引号没有闭合",
    "found unexpected end of stream": "引号或括号没有闭合，文件就结束了",
    "did not find expected ',' or ']'": "方括号 [ ] 没有闭合，或其中的各项之间缺少逗号",
    "did not find expected ',' or '}'": "花括号 { } 没有闭合，或其中的各项之间缺少逗号",
    "found unknown escape character": "双引号中的反斜杠 \\ 无法识别：去掉它，或改用单引号",
    "found undefined alias": "引用了没有定义的锚点（* 开头的名称）",
    "did not find expected '-' indicator": "列表的各项应以“-”开头并对齐",
}


def yaml_problem(exc: yaml.YAMLError) -> str:
    """What is wrong at a YAML syntax error, in Chinese (a general phrase for what the table
    above does not know): PyYAML's own description is English."""
    return _YAML_PROBLEMS.get(str(getattr(exc, "problem", "")), "不符合 YAML 的写法")


def parse_spec(text: str, source: str = "<spec>") -> CampaignSpec:
    """Parse and validate a specification's YAML text.

    Args:
        text: YAML text.
        source: file name for messages.
    Returns:
        The validated specification.
    Raises:
        SpecError: with one Chinese message per problem, each naming the field's path and
            (``SpecError.lines``) its line in ``text``.
    """
    try:
        data = yaml.load(text, Loader=_SpecLoader)  # noqa: S506 - a safe loader (no Python objects)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列" if mark else ""
        raise SpecError(
            source,
            [f"YAML 语法错误 {where}：{yaml_problem(exc)}"],
            [mark.line + 1 if mark else None],
        ) from exc
    if not isinstance(data, dict):
        raise SpecError(source, ["文件内容应为一个映射（键: 值）"], [1])
    try:
        return CampaignSpec.model_validate(data)
    except ValidationError as exc:
        root = yaml.compose(text, Loader=_SpecLoader)
        messages, lines = [], []
        for error in exc.errors():
            for line in _message(error).split("\n"):
                messages.append(line)
                lines.append(_line_of(root, error["loc"] or _loc_of(line)))
        raise SpecError(source, messages, lines) from exc


#: How people are told to fix a file that is neither UTF-8 nor GB 18030.
SAVE_AS_UTF8 = (
    "文件不是 UTF-8 编码，无法读取。请用记事本打开，选“另存为”，"
    "在“编码”中选择“UTF-8”后保存，再重新检查。"
)


def decode_spec_bytes(raw: bytes, source: str) -> tuple[str, str]:
    """The text of a specification's bytes and a note on its encoding.

    UTF-8 (with or without BOM) is read as is; GBK/GB 18030 (Windows "ANSI" on Chinese
    systems) is read too, and the note says so and asks for UTF-8. Returns
    ``(text, note)``, ``note`` empty for UTF-8.
    Raises:
        SpecError: in neither encoding (the message says how to save it as UTF-8).
    """
    try:
        return raw.decode("utf-8-sig"), ""
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        line = raw[: utf8_error.start].count(b"\n") + 1
        raise SpecError(source, [SAVE_AS_UTF8], [line]) from utf8_error
    return text, "文件为 GB 18030（GBK）编码，已按此读取；建议另存为 UTF-8"


def read_spec_text(path: str | Path) -> tuple[str, str]:
    """The text of a specification file and a note on its encoding, as
    :func:`decode_spec_bytes` reads it.

    Raises:
        SpecError: the file cannot be read, or is in neither encoding.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SpecError(str(path), [f"无法读取文件：{exc.strerror}"]) from exc
    return decode_spec_bytes(raw, str(path))


def load_spec_file(path: str | Path) -> CampaignSpec:
    """Read and validate a specification file (UTF-8, or GB 18030 as
    :func:`read_spec_text` reads it); raises :class:`SpecError`."""
    text, _note = read_spec_text(path)
    return parse_spec(text, str(path))


def chars(text: str | None) -> int:
    """Character count as the notices count it: every character (汉字, letter, digit)
    counts one; whitespace does not."""
    return len(re.sub(r"\s", "", text or ""))
