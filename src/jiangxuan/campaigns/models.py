"""Campaigns and awards, materialised from their specification; the registry of past
awardees."""

import copy
from functools import cached_property
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from jiangxuan.core.models import BaseModel

from .enums import CampaignState, SpecChange
from .spec import CampaignSpec

#: Parsed specifications by digest, with the JSON each was parsed from
#: (:attr:`Campaign.specification`); the oldest is dropped beyond :data:`_PARSED_MAX`.
_PARSED: dict[str, tuple[Any, CampaignSpec]] = {}
_PARSED_MAX = 64


class Campaign(BaseModel):
    """One edition of a campaign. ``spec`` holds the validated specification (JSON);
    the columns beside it are copies kept for queries and never edited directly."""

    code = models.SlugField(_("代码"), max_length=60, unique=True)
    series = models.SlugField(_("系列"), max_length=60)
    title = models.CharField(_("名称"), max_length=200)
    edition = models.CharField(_("届次"), max_length=40)
    year = models.PositiveSmallIntegerField(_("年度"))
    state = models.CharField(
        _("状态"), max_length=20, choices=CampaignState.choices, default=CampaignState.DRAFT
    )
    organizer_unit = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("主办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organized_campaigns",
    )
    submission_opens_at = models.DateTimeField(_("申报开始"), null=True, blank=True)
    submission_closes_at = models.DateTimeField(_("申报截止"), null=True, blank=True)
    decided_at = models.DateTimeField(_("表彰决定发布时间"), null=True, blank=True)
    spec = models.JSONField(_("活动规范"))
    spec_yaml = models.TextField(_("活动规范（YAML）"))
    spec_digest = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("评选活动")
        verbose_name_plural = _("评选活动")
        ordering = ["-year", "title"]

    def __str__(self) -> str:
        return self.title

    @cached_property
    def specification(self) -> CampaignSpec:
        """The parsed specification (validated when it was loaded).

        Parsed once per process for each specification (issue 12 "Speed": validating a
        seed's specification costs milliseconds, more than all its rules): the parsed
        object, immutable (``spec.Spec`` is frozen), is kept under ``spec_digest`` with
        the JSON it came from, and reused when this row's ``spec`` equals that JSON (a
        dict comparison, so a ``spec`` changed without its digest is parsed anew)."""
        cached = _PARSED.get(self.spec_digest)
        if cached is not None and cached[0] == self.spec:
            return cached[1]
        parsed = CampaignSpec.model_validate(self.spec)
        if self.spec_digest:
            if len(_PARSED) >= _PARSED_MAX:
                _PARSED.pop(next(iter(_PARSED)))
            _PARSED[self.spec_digest] = (copy.deepcopy(self.spec), parsed)
        return parsed


class Award(BaseModel):
    """An award of a campaign."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="awards")
    code = models.SlugField(_("代码"), max_length=60)
    series = models.SlugField(_("称号系列"), max_length=60)
    name = models.CharField(_("名称"), max_length=100)
    count = models.PositiveIntegerField(_("表彰名额"), null=True, blank=True)
    count_is_maximum = models.BooleanField(_("名额为上限"), default=False)
    prize_yuan = models.PositiveIntegerField(_("奖金（元）"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("奖项")
        verbose_name_plural = _("奖项")
        ordering = ["campaign", "position"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "code"], name="award_code_unique")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def spec(self):
        """This award's part of the campaign specification."""
        return self.campaign.specification.award(self.code)


class PastAwardee(BaseModel):
    """An awardee of a title of a series in an earlier edition (历届获得者), imported or
    written when a commendation decision is published. Eligibility reads it to exclude
    previous awardees of the same award (seed 000 二; seed 001 一(一); seed 003 一(一))."""

    series = models.SlugField(_("称号系列"), max_length=60, db_index=True)
    title = models.CharField(_("称号"), max_length=100)
    name = models.CharField(_("姓名"), max_length=60)
    id_index = models.CharField(max_length=64, db_index=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="past_awardees"
    )
    source = models.CharField(
        _("依据文件"), max_length=200, blank=True, help_text=_("表彰决定或命名文件的名称、文号")
    )

    class Meta:
        verbose_name = _("历届获得者")
        verbose_name_plural = _("历届获得者")
        constraints = [
            models.UniqueConstraint(fields=["series", "id_index"], name="past_awardee_unique")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.title} {self.name}"


class DeadlineKind(models.TextChoices):
    """An internal deadline a body sets for its subtree, or the office's extension."""

    INTERNAL = "internal", _("内部截止时间")
    EXTENSION = "extension", _("延期")


class UnitDeadline(BaseModel):
    """A deadline for one unit's subtree: set by the unit itself (no later than the one
    above it, seed 000 转发通知: 省直机关工会 12月3日16:00) or an extension the campaign
    office grants with a reason."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="deadlines")
    org_unit = models.ForeignKey(
        "accounts.OrgUnit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("类型"), max_length=20, choices=DeadlineKind.choices)
    closes_at = models.DateTimeField(_("截止时间"))
    reason = models.TextField(_("理由"), blank=True)
    set_by = models.ForeignKey(
        "accounts.User", verbose_name=_("设定人"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("单位截止时间")
        verbose_name_plural = _("单位截止时间")
        ordering = ["campaign", "closes_at"]

    def __str__(self) -> str:
        return f"{self.org_unit_id} {self.kind} {self.closes_at:%Y-%m-%d %H:%M}"


class StepOverride(BaseModel):
    """The campaign office's recorded decision to start a step before the steps the
    specification puts before it are done, or outside its phase's dates (issue 13)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="step_overrides")
    step = models.CharField(_("环节"), max_length=60)
    reason = models.TextField(_("理由"))
    created_by = models.ForeignKey(
        "accounts.User", verbose_name=_("决定人"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("环节提前进行")
        verbose_name_plural = _("环节提前进行")
        ordering = ["campaign", "created_at"]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.step}"


class SpecVersion(models.Model):
    """One version of a campaign's specification: the whole text as it stood after a
    change, who made it, when and why (issue 12.6). Version 1 is the text the campaign was
    created or first loaded with; each later change that alters the text adds the next
    number. Rows are never edited."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    spec_yaml = models.TextField(_("活动规范（YAML）"))
    change = models.CharField(_("变更方式"), max_length=20, choices=SpecChange.choices)
    reason = models.TextField(_("变更理由"), blank=True)
    actor = models.ForeignKey(
        "accounts.User",
        verbose_name=_("变更人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("变更时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("活动规范版本")
        verbose_name_plural = _("活动规范版本")
        ordering = ["campaign", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="spec_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} v{self.number}"
