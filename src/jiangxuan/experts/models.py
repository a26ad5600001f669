"""The expert pool, auditable panel draws with recusal, scoring and ballots.

Sources: seed 000 四3 (邀请相关领域专家组成评审组，按照评价标准进行综合评审); seed 002 四(三)
(抽取评委专家库专业评审人员 … 投票评选出焦作工匠候选20-30人); seed 003 二(二)4; seed 004 三(三)2
(综合打分评审并实地考察).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiangxuan.core.fields import EncryptedTextField
from jiangxuan.core.models import BaseModel

from .enums import BallotState, MemberRole, PanelState, RelationshipKind


class Expert(BaseModel):
    """A member of the expert pool (评委专家库)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="expert",
    )
    name = models.CharField(_("姓名"), max_length=60)
    speciality = models.CharField(_("专业领域"), max_length=60)
    industry = models.CharField(_("所属行业"), max_length=60, blank=True)
    organization = models.CharField(_("工作单位"), max_length=120)
    org_unit = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("单位（组织树）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    region = models.CharField(_("地区"), max_length=60, blank=True)
    title = models.CharField(_("职称/技能等级"), max_length=60, blank=True)
    phone = EncryptedTextField(_("联系电话"), blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    available = models.BooleanField(_("可参加评审"), default=True)

    class Meta:
        verbose_name = _("评审专家")
        verbose_name_plural = _("评审专家")
        ordering = ["speciality", "name", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.speciality}）"


class ExpertRelationship(BaseModel):
    """A relationship an expert declared with a nominee or an organization; it excludes the
    expert from that nominee (回避). ``after_draw`` marks one declared once the panel sat."""

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="relationships")
    kind = models.CharField(_("关系"), max_length=20, choices=RelationshipKind.choices)
    nomination = models.ForeignKey(
        "nominations.Nomination", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    person_index = models.CharField(
        _("人员（身份证号码盲索引）"), max_length=64, blank=True, db_index=True
    )
    org_unit = models.ForeignKey(
        "accounts.OrgUnit", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    after_draw = models.BooleanField(_("抽取后申报"), default=False)

    class Meta:
        verbose_name = _("回避关系")
        verbose_name_plural = _("回避关系")

    def __str__(self) -> str:
        return f"{self.expert_id} {self.kind}"


class Panel(BaseModel):
    """A review panel (评审组) for a campaign, or for one award of it."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.PROTECT, related_name="panels"
    )
    award = models.ForeignKey(
        "campaigns.Award", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("名称"), max_length=100)
    size = models.PositiveSmallIntegerField(_("专家人数"))
    reserves = models.PositiveSmallIntegerField(_("候补人数"), default=0)
    mix = models.JSONField(
        _("构成要求"), default=dict, blank=True, help_text=_('如 {"speciality": {"焊接": 2}}')
    )
    state = models.CharField(
        _("状态"), max_length=20, choices=PanelState.choices, default=PanelState.DRAFT
    )
    blind = models.BooleanField(_("匿名评审（隐去姓名和单位）"), default=False)

    class Meta:
        verbose_name = _("评审组")
        verbose_name_plural = _("评审组")

    def __str__(self) -> str:
        return self.name


#: The longest random seed of a draw (the services check it before saving).
SEED_MAX_LENGTH = 100


class Draw(BaseModel):
    """The record of a panel's random draw (抽取): anyone with it can re-run the draw.

    ``pool`` is the snapshot of eligible experts (ids and attributes, in a fixed order),
    ``seed`` the random seed (e.g. from a witnessed die roll or a published number) and
    ``result`` the ordered member and reserve ids.
    """

    panel = models.OneToOneField(Panel, on_delete=models.PROTECT, related_name="draw")
    seed = models.CharField(_("随机种子"), max_length=SEED_MAX_LENGTH)
    seed_source = models.CharField(_("种子来源"), max_length=200)
    witnesses = models.JSONField(_("见证人"), default=list)
    constraints = models.JSONField(_("抽取条件"), default=dict)
    pool = models.JSONField(_("专家库快照"))
    excluded = models.JSONField(_("回避排除"), default=list)
    result = models.JSONField(_("抽取结果"))
    algorithm = models.CharField(_("算法版本"), max_length=40)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("抽取记录")
        verbose_name_plural = _("抽取记录")

    def __str__(self) -> str:
        return f"{self.panel} · {self.seed}"


class PanelMember(BaseModel):
    """An expert on a panel: member, chair or reserve, in the draw's order."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="members")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("角色"), max_length=20, choices=MemberRole.choices)
    position = models.PositiveSmallIntegerField(_("抽取顺序"))
    confidentiality_confirmed_at = models.DateTimeField(_("保密承诺时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("评审组成员")
        verbose_name_plural = _("评审组成员")
        ordering = ["panel", "position"]
        constraints = [
            models.UniqueConstraint(fields=["panel", "expert"], name="expert_once_per_panel")
        ]

    def __str__(self) -> str:
        return f"{self.panel_id}:{self.expert_id} {self.role}"


class Assignment(BaseModel):
    """A member reviews a nomination. A conflict declared later deactivates it and a
    reserve's assignment takes its place (``replaces``)."""

    member = models.ForeignKey(PanelMember, on_delete=models.CASCADE, related_name="assignments")
    nomination = models.ForeignKey(
        "nominations.Nomination", on_delete=models.PROTECT, related_name="expert_assignments"
    )
    active = models.BooleanField(_("有效"), default=True)
    recused_reason = models.CharField(_("回避原因"), max_length=200, blank=True)
    replaces = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("评审分配")
        verbose_name_plural = _("评审分配")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "nomination"], name="one_assignment_per_member_nomination"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id}→{self.nomination_id}"


class ScoreSheet(BaseModel):
    """One member's scores for one nomination by the campaign's rubric."""

    assignment = models.OneToOneField(Assignment, on_delete=models.PROTECT, related_name="sheet")
    scores = models.JSONField(_("各项得分"), default=dict)
    total = models.DecimalField(_("总分"), max_digits=7, decimal_places=2, null=True)
    comment = models.TextField(_("评语"), blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("评分表")
        verbose_name_plural = _("评分表")

    def __str__(self) -> str:
        return f"{self.assignment_id}: {self.total}"


class Ballot(BaseModel):
    """A competitive ballot (差额评选): members choose between ``choose_min`` and
    ``choose_max`` of the candidates; a runoff among those tied at the cut line has
    ``runoff_of`` set."""

    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="ballots")
    title = models.CharField(_("名称"), max_length=100)
    candidates = models.ManyToManyField("nominations.Nomination", related_name="+")
    choose_min = models.PositiveSmallIntegerField(_("至少选"))
    choose_max = models.PositiveSmallIntegerField(_("至多选"))
    seats = models.PositiveSmallIntegerField(_("当选名额"))
    threshold = models.CharField(
        _("当选票数要求"), max_length=20, default="majority", help_text=_("majority：超过半数")
    )
    state = models.CharField(
        _("状态"), max_length=20, choices=BallotState.choices, default=BallotState.OPEN
    )
    runoff_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="runoffs"
    )
    result = models.JSONField(_("计票结果"), default=dict, blank=True)
    closed_at = models.DateTimeField(_("截止时间"), null=True, blank=True)
    signed_by = models.ForeignKey(
        PanelMember, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("组长确认时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("投票")
        verbose_name_plural = _("投票")

    def __str__(self) -> str:
        return self.title


class BallotVote(BaseModel):
    """One member's choices in a ballot; one per member (database constraint)."""

    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="votes")
    member = models.ForeignKey(PanelMember, on_delete=models.PROTECT, related_name="+")
    choices = models.ManyToManyField("nominations.Nomination", related_name="+")

    class Meta:
        verbose_name = _("专家选票")
        verbose_name_plural = _("专家选票")
        constraints = [
            models.UniqueConstraint(fields=["ballot", "member"], name="one_vote_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.ballot_id}:{self.member_id}"


class InspectionState(models.TextChoices):
    SCHEDULED = "scheduled", _("已安排")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已取消")


class InspectionOutcome(models.TextChoices):
    PASS = "pass", _("考察通过")
    CONCERNS = "concerns", _("存在问题")
    FAIL = "fail", _("考察未通过")


class SiteInspection(BaseModel):
    """A site inspection (实地考察) of a nominee by panel members (seed 004 三(三)2); a done
    inspection's outcome feeds the final list."""

    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="inspections")
    nomination = models.ForeignKey(
        "nominations.Nomination", on_delete=models.PROTECT, related_name="site_inspections"
    )
    scheduled_for = models.DateTimeField(_("考察时间"))
    place = models.CharField(_("考察地点"), max_length=200)
    inspectors = models.ManyToManyField(PanelMember, verbose_name=_("考察人员"), related_name="+")
    state = models.CharField(
        _("状态"), max_length=20, choices=InspectionState.choices, default=InspectionState.SCHEDULED
    )
    findings = models.TextField(_("考察情况"), blank=True)
    outcome = models.CharField(
        _("考察结论"), max_length=20, choices=InspectionOutcome.choices, blank=True
    )
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记录时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("实地考察")
        verbose_name_plural = _("实地考察")
        ordering = ["scheduled_for", "id"]

    def __str__(self) -> str:
        return f"{self.nomination_id} @ {self.scheduled_for:%Y-%m-%d}"


class InspectionPhoto(BaseModel):
    """A photo taken on a site inspection (checked and re-encoded on upload)."""

    inspection = models.ForeignKey(SiteInspection, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("照片"), upload_to="inspections/%Y/%m/")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("考察照片")
        verbose_name_plural = _("考察照片")

    def __str__(self) -> str:
        return self.file.name or ""
