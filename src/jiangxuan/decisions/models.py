"""Approval lists, the leading group's meeting, the commendation decision, certificates."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiangxuan.core.models import BaseModel
from jiangxuan.decisions.enums import AuthorityState, ListState, Outcome


class ApprovalList(BaseModel):
    """One version of the list of awardees (and finalists) of an award; locked once approved."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.PROTECT, related_name="approval_lists"
    )
    award = models.ForeignKey("campaigns.Award", on_delete=models.PROTECT, related_name="+")
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    state = models.CharField(
        _("状态"), max_length=20, choices=ListState.choices, default=ListState.DRAFT
    )
    reason = models.TextField(_("修订理由"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    #: Not stored: the proposal's warnings (Chinese) that the service that proposed or
    #: revised this list hands to its caller (decisions.services).
    warnings: list[str]

    class Meta:
        verbose_name = _("审定名单")
        verbose_name_plural = _("审定名单")
        ordering = ["campaign", "award__position", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["award", "version"], name="approval_list_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.award} v{self.version}"


class ApprovalEntry(models.Model):
    """A nominee on a list, in rank order."""

    approval_list = models.ForeignKey(
        ApprovalList, on_delete=models.CASCADE, related_name="entries"
    )
    nomination = models.ForeignKey(
        "nominations.Nomination", on_delete=models.PROTECT, related_name="+"
    )
    rank = models.PositiveSmallIntegerField(_("排序"))
    outcome = models.CharField(_("结果"), max_length=20, choices=Outcome.choices)

    class Meta:
        verbose_name = _("名单条目")
        verbose_name_plural = _("名单条目")
        ordering = ["approval_list", "outcome", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["approval_list", "nomination"], name="approval_entry_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.nomination}"


class ApprovalMeeting(BaseModel):
    """The leading group's meeting that approved a list version."""

    approval_list = models.OneToOneField(
        ApprovalList, on_delete=models.PROTECT, related_name="meeting"
    )
    held_on = models.DateField(_("会议日期"))
    present = models.JSONField(_("出席成员"), default=list)
    votes_for = models.PositiveSmallIntegerField(_("赞成"))
    votes_against = models.PositiveSmallIntegerField(_("反对"))
    votes_abstain = models.PositiveSmallIntegerField(_("弃权"))
    resolution = models.TextField(_("决议"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("审定会议")
        verbose_name_plural = _("审定会议")


class AuthoritySubmission(BaseModel):
    """The locked lists submitted to the approving authority the specification names
    (``decision.approval``), and the authority's recorded decision: its document number,
    its date and the lists it returned (issue 13; seed 000 四6: 提请省委、省政府审定; seed 001
    三(一)6: 报市委组织部人才办进行审定; seed 003 二(二)5: 报市政府审定)."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.PROTECT, related_name="authority_submissions"
    )
    authority = models.CharField(_("审定机关"), max_length=200)
    submitted_on = models.DateField(_("报送日期"))
    submitted_lists = models.ManyToManyField(ApprovalList, related_name="authority_submissions")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        _("状态"), max_length=20, choices=AuthorityState.choices, default=AuthorityState.SUBMITTED
    )
    document_number = models.CharField(_("批复文号"), max_length=60, blank=True)
    decided_on = models.DateField(_("审定日期"), null=True, blank=True)
    note = models.TextField(_("审定意见"), blank=True)
    returned_lists = models.ManyToManyField(
        ApprovalList, related_name="authority_returns", blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("上级审定")
        verbose_name_plural = _("上级审定")
        ordering = ["campaign", "-submitted_on", "-id"]

    def __str__(self) -> str:
        return f"{self.authority} {self.submitted_on}"


class CommendationDecision(BaseModel):
    """The published commendation decision (表彰决定) of a campaign."""

    campaign = models.OneToOneField(
        "campaigns.Campaign", on_delete=models.PROTECT, related_name="commendation_decision"
    )
    number = models.CharField(_("文号"), max_length=60)
    title = models.CharField(_("标题"), max_length=200)
    issued_on = models.DateField(_("印发日期"))
    issuer = models.CharField(_("发文单位"), max_length=200)
    approval_lists = models.ManyToManyField(ApprovalList, related_name="decisions")
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("表彰决定")
        verbose_name_plural = _("表彰决定")

    def __str__(self) -> str:
        return self.title


class Certificate(BaseModel):
    """A numbered certificate of one awardee for one award (a laureate of an award and of
    an award chosen among its laureates gets two)."""

    decision = models.ForeignKey(
        CommendationDecision, on_delete=models.PROTECT, related_name="certificates"
    )
    nomination = models.ForeignKey(
        "nominations.Nomination", on_delete=models.PROTECT, related_name="+"
    )
    award = models.ForeignKey("campaigns.Award", on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("证书编号"), max_length=140, unique=True)
    rank = models.PositiveSmallIntegerField(_("排序"))

    class Meta:
        verbose_name = _("证书")
        verbose_name_plural = _("证书")
        ordering = ["award__position", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "nomination", "award"], name="certificate_unique_per_award"
            )
        ]

    def __str__(self) -> str:
        return self.number
