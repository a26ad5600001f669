"""Nominations on the campaign's form, their evidence and eligibility overrides."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiangxuan.campaigns.enums import ProfessionalTitle, RuleStatus, SkillLevel
from jiangxuan.core.crypto import blind_index
from jiangxuan.core.fields import EncryptedTextField
from jiangxuan.core.models import BaseModel

from .enums import Education, Identity, NominationState, PoliticalStatus, Sex


class Nomination(BaseModel):
    """One nominee put forward for one award of one campaign.

    Core form fields are columns; campaign fields are in ``extra`` (validated against the
    campaign's form). ID number, phones and bank account are encrypted; ``id_index`` is
    the blind index that enforces one live nomination per ID number per campaign.
    """

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.PROTECT, related_name="nominations"
    )
    award = models.ForeignKey("campaigns.Award", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("推荐渠道"), max_length=60)
    nominating_unit = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("推荐单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    workplace = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("所在单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="workplace_nominations",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        _("状态"), max_length=20, choices=NominationState.choices, default=NominationState.DRAFT
    )
    level = models.CharField(_("当前层级"), max_length=60, blank=True)
    level_ready = models.BooleanField(_("本级已审核通过"), default=False)
    review_round = models.PositiveSmallIntegerField(_("审核轮次"), default=1)
    rank = models.PositiveSmallIntegerField(_("排序"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    is_sample = models.BooleanField(_("示例数据"), default=False)

    name = models.CharField(_("姓名"), max_length=60, blank=True)
    sex = models.CharField(_("性别"), max_length=2, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    ethnic_group = models.CharField(_("民族"), max_length=20, blank=True)
    native_place = models.CharField(_("籍贯"), max_length=60, blank=True)
    political_status = models.CharField(
        _("政治面貌"), max_length=20, choices=PoliticalStatus.choices, blank=True
    )
    education = models.CharField(_("学历"), max_length=20, choices=Education.choices, blank=True)
    phone = EncryptedTextField(_("手机号码"), blank=True)
    landline = models.CharField(_("座机"), max_length=30, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    id_number = EncryptedTextField(_("身份证号码"), blank=True)
    id_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    bank_account = EncryptedTextField(_("银行账号"), blank=True)
    address = models.CharField(_("通讯地址"), max_length=200, blank=True)
    postal_code = models.CharField(_("邮政编码"), max_length=6, blank=True)
    workplace_name = models.CharField(_("工作单位"), max_length=120, blank=True)
    ownership_type = models.CharField(_("单位性质"), max_length=40, blank=True)
    industry = models.CharField(_("所属行业"), max_length=60, blank=True)
    post = models.CharField(_("职务"), max_length=60, blank=True)
    occupation = models.CharField(_("职业（工种）"), max_length=60, blank=True)
    skill_level = models.CharField(
        _("技能等级"), max_length=20, choices=SkillLevel.choices, blank=True
    )
    professional_title = models.CharField(
        _("职称"), max_length=20, choices=ProfessionalTitle.choices, blank=True
    )
    professional_title_category = models.CharField(_("职称系列"), max_length=60, blank=True)
    identity = models.CharField(_("身份"), max_length=20, choices=Identity.choices, blank=True)
    work_start_date = models.DateField(_("参加工作时间"), null=True, blank=True)
    occupation_start_date = models.DateField(_("从事本职业时间"), null=True, blank=True)
    years_of_work = models.PositiveSmallIntegerField(_("工作年限"), null=True, blank=True)
    years_in_region = models.PositiveSmallIntegerField(_("在本地区工作年限"), null=True, blank=True)
    is_retired = models.BooleanField(_("已退休"), null=True, blank=True)
    is_unit_leader = models.BooleanField(_("现任单位负责人"), null=True, blank=True)
    workplace_contact = models.CharField(_("单位联系人"), max_length=60, blank=True)
    workplace_contact_phone = EncryptedTextField(_("单位联系人电话"), blank=True)
    work_history = models.JSONField(_("工作简历"), default=list, blank=True)
    honours = models.JSONField(_("所获荣誉"), default=list, blank=True)
    patents = models.JSONField(_("专利"), default=list, blank=True)
    contests = models.JSONField(_("竞赛获奖"), default=list, blank=True)
    achievement_summary = models.TextField(_("事迹简介"), blank=True)
    achievement_narrative = models.TextField(_("事迹材料"), blank=True)
    claimed_conditions = models.JSONField(_("申报依据"), default=list, blank=True)
    extra = models.JSONField(_("活动专用字段"), default=dict, blank=True)
    publication_consent = models.BooleanField(_("同意公示"), default=False)
    #: What the clerk typed and the last save refused (issue 15.1): a JSON list of
    #: ``{"field", "label", "value", "message"}``, encrypted because the values may be ID
    #: numbers or phones. Written by services.save_nomination, read by
    #: selectors.unsaved_values.
    unsaved = EncryptedTextField(_("未保存的填写内容"), blank=True, editable=False)
    #: When the personal data of this nominee, not awarded, was removed after the
    #: campaign's retention period (nominations.retention).
    anonymised_at = models.DateTimeField(_("个人信息删除时间"), null=True, blank=True)

    eligibility = models.JSONField(_("资格审核结果"), default=list, blank=True)
    eligibility_status = models.CharField(
        _("资格审核"), max_length=20, choices=RuleStatus.choices, blank=True
    )

    class Meta:
        verbose_name = _("推荐")
        verbose_name_plural = _("推荐")
        ordering = ["campaign", "award", "nominating_unit", "rank", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "id_index"],
                condition=Q(state__in=NominationState.LIVE) & ~Q(id_index=""),
                name="one_live_nomination_per_person",
                violation_error_message=_(
                    "此身份证号码在本活动中已有推荐，同一人只能申报一个奖项。"
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "nominating_unit", "state"]),
            # Issue 17.3, the filters and orders of the lists at 20,000 nominations: the
            # review queue, the batches to forward and the overview (state, level
            # complete, level), the queue's order (oldest submitted first) and the
            # nomination list's (latest change first, the index read backwards).
            models.Index(fields=["state", "level_ready", "level"], name="nomination_review"),
            models.Index(fields=["submitted_at", "id"], name="nomination_submitted"),
            models.Index(fields=["updated_at", "id"], name="nomination_updated"),
        ]

    def __str__(self) -> str:
        return f"{self.name or _('（未填姓名）')} · {self.award_id and self.award.name}"

    def save(self, *args, **kwargs):
        # The blind index is derived from the ID number and must never drift from it.
        self.id_index = blind_index(self.id_number) if self.id_number else ""
        if "update_fields" in kwargs and "id_number" in (kwargs["update_fields"] or ()):
            kwargs["update_fields"] = {*kwargs["update_fields"], "id_index"}
        super().save(*args, **kwargs)

    @property
    def is_editable(self) -> bool:
        return self.state in NominationState.EDITABLE


class Evidence(BaseModel):
    """A supporting file (佐证材料) for a nomination, stored through Django's storage API.

    The type is sniffed from the bytes, never taken from the name or the browser; images
    are re-encoded without metadata.
    """

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="evidence")
    material = models.CharField(_("材料项"), max_length=60)
    file = models.FileField(_("文件"), upload_to="evidence/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=255)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(max_length=64)
    duration_seconds = models.FloatField(_("视频时长（秒）"), null=True, blank=True)
    poster = models.FileField(_("视频封面"), upload_to="evidence/posters/%Y/%m/", blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["nomination", "material", "id"]

    def __str__(self) -> str:
        return self.original_name


class EligibilityOverride(BaseModel):
    """The campaign office's decision to let a nomination through a failed hard rule."""

    nomination = models.ForeignKey(
        Nomination, on_delete=models.CASCADE, related_name="eligibility_overrides"
    )
    rule_code = models.CharField(_("规则"), max_length=60)
    reason = models.TextField(_("理由"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("资格审核特批")
        verbose_name_plural = _("资格审核特批")
        constraints = [
            models.UniqueConstraint(
                fields=["nomination", "rule_code"], name="override_unique_per_rule"
            )
        ]

    def __str__(self) -> str:
        return f"{self.nomination_id}:{self.rule_code}"


class Decision(models.TextChoices):
    """A signing body's opinion at a review level."""

    APPROVE = "approve", _("同意推荐")
    RETURN = "return", _("退回修改")
    REJECT = "reject", _("不予推荐")


class SignOff(BaseModel):
    """One body's opinion (意见/盖章) on a nomination at a review level, in a review round.

    A level forwards a nomination only when every body the chain names there approved it
    in the current round (seed 000 附件2; seed 003 附件: 盖章 ×2).
    """

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="sign_offs")
    level = models.CharField(_("层级"), max_length=60)
    round = models.PositiveSmallIntegerField(_("轮次"))
    signer = models.CharField(_("签署方"), max_length=30)
    body = models.ForeignKey(
        "accounts.OrgUnit", verbose_name=_("签署单位"), on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(_("意见"), max_length=10, choices=Decision.choices)
    opinion = models.TextField(_("意见内容"), blank=True)
    scan = models.FileField(_("盖章页扫描件"), upload_to="signoffs/%Y/%m/", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("审核意见")
        verbose_name_plural = _("审核意见")
        ordering = ["nomination", "round", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["nomination", "level", "round", "signer"],
                name="one_opinion_per_signer_per_round",
            )
        ]

    def __str__(self) -> str:
        return f"{self.nomination_id} {self.level} {self.signer} {self.decision}"


class Forwarding(BaseModel):
    """A nomination forwarded by a level's body to the next level, with its rank (排序)."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="forwardings")
    level = models.CharField(_("层级"), max_length=60)
    body = models.ForeignKey(
        "accounts.OrgUnit", verbose_name=_("报送单位"), on_delete=models.PROTECT, related_name="+"
    )
    rank = models.PositiveSmallIntegerField(_("排序"))
    quota_unit = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("计入名额的推荐单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("在推荐单位签署的层级报送时，计入该推荐单位的名额"),
    )
    forwarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("逐级报送")
        verbose_name_plural = _("逐级报送")
        ordering = ["level", "body", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["nomination", "level"], name="forwarded_once_per_level")
        ]

    def __str__(self) -> str:
        return f"{self.nomination_id} {self.level} #{self.rank}"


class ForwardDocument(BaseModel):
    """A document about a body's whole list at a review level (推荐报告, 盖章的汇总表, 公示
    截图), uploaded by the body with its forward (报送) and kept for every batch it forwards
    there; the specification's ``review_chain.forward_documents`` says which (seed 000
    附件3 1、6; seed 001 四(一)(二)). Stored like :class:`Evidence`: type sniffed from the
    bytes, images re-encoded, under a random name."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="forward_documents"
    )
    level = models.CharField(_("层级"), max_length=60)
    body = models.ForeignKey(
        "accounts.OrgUnit", verbose_name=_("报送单位"), on_delete=models.PROTECT, related_name="+"
    )
    document = models.CharField(_("材料项"), max_length=60)
    file = models.FileField(_("文件"), upload_to="forward-documents/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=255)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("报送材料")
        verbose_name_plural = _("报送材料")
        ordering = ["campaign", "level", "body", "document", "id"]
        indexes = [
            models.Index(fields=["campaign", "level", "body"], name="forward_document_batch"),
        ]

    def __str__(self) -> str:
        return self.original_name


class ClearanceKind(models.TextChoices):
    """What must be cleared at a level before it may forward a nomination."""

    NOTICE = "notice", _("公示无异议")
    BACKGROUND_CHECK = "background_check", _("征求意见无问题")


class LevelClearance(BaseModel):
    """A level's public notice closed without objection, or a department's favourable
    opinion, for one nomination (seed 000 四1: 征求公安部门意见, 公示不少于5个工作日;
    seed 001 三(一)2-3: 公示无异议的，逐级推荐上报). Written by the notices app."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="clearances")
    level = models.CharField(_("层级"), max_length=60)
    kind = models.CharField(_("事项"), max_length=30, choices=ClearanceKind.choices)
    reference = models.CharField(_("依据"), max_length=100)

    class Meta:
        verbose_name = _("层级放行")
        verbose_name_plural = _("层级放行")
        constraints = [
            models.UniqueConstraint(
                fields=["nomination", "level", "kind"], name="one_clearance_per_level_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.nomination_id} {self.level} {self.kind}"
