"""Public notices (公示) and their entries, objections (异议), background checks (征求意见)
and the penalties a nominating unit incurs for falsification (seed 001 三(二)4)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiangxuan.campaigns.enums import NoticeDayUnit
from jiangxuan.core.fields import EncryptedTextField
from jiangxuan.core.models import BaseModel

from .enums import (
    BackgroundCheckState,
    NoticeState,
    ObjectionOutcome,
    ObjectionState,
    PenaltyKind,
)


class PublicNotice(BaseModel):
    """One public notice of a campaign at one stage of its chain.

    ``stage`` is the review level's code or the step's kind (``social_notice``; a second
    step of the same kind is ``social_notice-2``); its length comes from the specification's
    notice rule and ``ends_on`` is computed from the working-day calendar, never typed.
    ``withheld`` lists the nominees left out for lack of publication consent.
    """

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.PROTECT, related_name="public_notices"
    )
    stage = models.CharField(_("环节"), max_length=60)
    body = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("公示单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="public_notices",
    )
    title = models.CharField(_("标题"), max_length=200)
    where = models.CharField(_("公示范围"), max_length=200, blank=True)
    starts_on = models.DateField(_("公示开始日期"))
    days = models.PositiveSmallIntegerField(_("公示天数"))
    day_unit = models.CharField(_("计日方式"), max_length=10, choices=NoticeDayUnit.choices)
    ends_on = models.DateField(_("公示结束日期"))
    state = models.CharField(
        _("状态"), max_length=10, choices=NoticeState.choices, default=NoticeState.DRAFT
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    withheld = models.JSONField(_("未公示（未同意公示）"), default=list, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("公示")
        verbose_name_plural = _("公示")
        ordering = ["campaign", "-starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="notice_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.state in NoticeState.PUBLISHED


class NoticeEntry(BaseModel):
    """One nominee on a notice. ``published`` is the snapshot taken at opening of the
    fields a notice may show (name, sex, workplace, post, occupation, achievements), so a
    later edit of the nomination never changes what was published."""

    notice = models.ForeignKey(PublicNotice, on_delete=models.CASCADE, related_name="entries")
    nomination = models.ForeignKey(
        "nominations.Nomination", on_delete=models.PROTECT, related_name="notice_entries"
    )
    position = models.PositiveSmallIntegerField(_("序号"))
    published = models.JSONField(_("公示内容"))

    class Meta:
        verbose_name = _("公示名单")
        verbose_name_plural = _("公示名单")
        ordering = ["notice", "position"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "nomination"], name="entry_once_per_notice")
        ]

    def __str__(self) -> str:
        return f"{self.notice_id}#{self.position} {self.published.get('name', '')}"


class Objection(BaseModel):
    """An objection (异议/举报) to a notice, optionally to one nominee on it.

    Anyone may file one, anonymously or with contact details (the phone is encrypted at
    rest). The office assigns it, records the finding (核查情况), answers it with an
    outcome; closing the notice files the answered ones (closed).
    """

    notice = models.ForeignKey(PublicNotice, on_delete=models.PROTECT, related_name="objections")
    nomination = models.ForeignKey(
        "nominations.Nomination",
        verbose_name=_("所涉推荐对象"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="objections",
    )
    text = models.TextField(_("异议内容"))
    anonymous = models.BooleanField(_("匿名"), default=False)
    contact_name = models.CharField(_("联系人"), max_length=60, blank=True)
    contact_phone = EncryptedTextField(_("联系电话"), blank=True)
    attachment = models.FileField(_("附件"), upload_to="objections/%Y/%m/", blank=True)
    attachment_type = models.CharField(_("附件类型"), max_length=100, blank=True)
    state = models.CharField(
        _("状态"), max_length=10, choices=ObjectionState.choices, default=ObjectionState.RECEIVED
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核查人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("交办时间"), null=True, blank=True)
    finding = models.TextField(_("核查情况"), blank=True)
    falsified = models.BooleanField(_("查实弄虚作假"), default=False)
    verified_at = models.DateTimeField(_("核查时间"), null=True, blank=True)
    answer = models.TextField(_("答复"), blank=True)
    outcome = models.CharField(
        _("处理结果"), max_length=30, choices=ObjectionOutcome.choices, blank=True
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("答复人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("异议")
        verbose_name_plural = _("异议")
        ordering = ["notice", "created_at", "id"]
        indexes = [models.Index(fields=["notice", "state"])]

    def __str__(self) -> str:
        return f"{self.notice_id}:{self.pk} {self.get_state_display()}"

    @property
    def is_unresolved(self) -> bool:
        return self.state in ObjectionState.UNRESOLVED


class DisciplinaryPenalty(BaseModel):
    """A penalty on a nominating unit for falsification (seed 001 三(二)4: 撤销推荐对象资格，
    不得递补或重报，并视情况取消推荐单位参加下一届评选的资格或扣减相应推荐名额).

    It applies to the next edition of the campaign's ``series``; ``no_substitute`` records
    that the revoked nominee may not be replaced.
    """

    unit = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("推荐单位"),
        on_delete=models.PROTECT,
        related_name="penalties",
    )
    series = models.SlugField(_("活动系列"), max_length=60, db_index=True)
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("查实所在届次"),
        on_delete=models.PROTECT,
        related_name="penalties",
    )
    nomination = models.ForeignKey(
        "nominations.Nomination",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="penalties",
    )
    objection = models.ForeignKey(
        Objection, null=True, blank=True, on_delete=models.PROTECT, related_name="penalties"
    )
    kind = models.CharField(_("处理方式"), max_length=20, choices=PenaltyKind.choices)
    amount = models.PositiveSmallIntegerField(_("扣减名额数"), null=True, blank=True)
    reason = models.TextField(_("理由"))
    no_substitute = models.BooleanField(_("不得递补或重报"), default=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("纪律处理")
        verbose_name_plural = _("纪律处理")
        ordering = ["series", "unit", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind=PenaltyKind.REDUCE_QUOTA) & Q(amount__gte=1))
                | (Q(kind=PenaltyKind.LOSE_NEXT_EDITION) & Q(amount__isnull=True)),
                name="penalty_amount_matches_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_kind_display()}"


class BackgroundCheck(BaseModel):
    """A request for a department's opinion on one nominee (seed 000 四1 and 附件4: 公安部门;
    seed 003 二(二)2: 是否存在违法违纪行为). An adverse opinion stops the nomination."""

    nomination = models.ForeignKey(
        "nominations.Nomination", on_delete=models.PROTECT, related_name="background_checks"
    )
    stage = models.CharField(_("环节"), max_length=60)
    department_name = models.CharField(_("征求意见部门"), max_length=120)
    department = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("部门（组织）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    question = models.CharField(_("征求事项"), max_length=200)
    form_title = models.CharField(_("征求意见表标题"), max_length=200, blank=True)
    requested_at = models.DateTimeField(_("发函时间"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(_("回复期限"))
    state = models.CharField(
        _("状态"),
        max_length=10,
        choices=BackgroundCheckState.choices,
        default=BackgroundCheckState.REQUESTED,
    )
    opinion = models.TextField(_("部门意见"), blank=True)
    adverse = models.BooleanField(_("不利意见"), default=False)
    scan = models.FileField(_("意见表扫描件"), upload_to="background_checks/%Y/%m/", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("回复时间"), null=True, blank=True)
    nomination_stopped = models.BooleanField(_("已终止推荐"), default=False)
    stop_note = models.CharField(_("处理说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("征求意见")
        verbose_name_plural = _("征求意见")
        ordering = ["nomination", "stage", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["nomination", "stage", "department_name"],
                name="one_background_check_per_department",
            )
        ]

    def __str__(self) -> str:
        return f"{self.nomination_id} {self.department_name} {self.get_state_display()}"
