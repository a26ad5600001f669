"""Nomination states and related vocabularies."""

from enum import nonmember

from django.db import models
from django.utils.translation import gettext_lazy as _


class NominationState(models.TextChoices):
    """Where a nomination stands. Values never change; labels are translated."""

    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    IN_REVIEW = "in_review", _("审核中")
    RETURNED = "returned", _("退回修改")
    APPROVED = "approved", _("审核通过")
    REJECTED = "rejected", _("不予推荐")
    WITHDRAWN = "withdrawn", _("已撤回")
    REVOKED = "revoked", _("已撤销资格")

    #: States in which a nomination still counts: against quotas, and for "one live
    #: nomination per ID number per campaign".
    LIVE = nonmember(("draft", "submitted", "in_review", "returned", "approved"))
    #: States a clerk may edit.
    EDITABLE = nonmember(("draft", "returned"))
    FINAL = nonmember(("rejected", "withdrawn", "revoked"))


class NominationAction(models.TextChoices):
    """Actions that change a nomination's state (see workflow.TRANSITIONS)."""

    SUBMIT = "submit", _("提交")
    WITHDRAW = "withdraw", _("撤回")
    START_REVIEW = "start_review", _("开始审核")
    RETURN = "return", _("退回修改")
    APPROVE = "approve", _("审核通过")
    REJECT = "reject", _("不予推荐")
    REVOKE = "revoke", _("撤销资格")


class Sex(models.TextChoices):
    MALE = "男", _("男")
    FEMALE = "女", _("女")


class PoliticalStatus(models.TextChoices):
    CPC_MEMBER = "中共党员", _("中共党员")
    CPC_PROBATIONARY = "中共预备党员", _("中共预备党员")
    CYL_MEMBER = "共青团员", _("共青团员")
    DEMOCRATIC_PARTY = "民主党派", _("民主党派")
    MASSES = "群众", _("群众")


class Education(models.TextChoices):
    JUNIOR_HIGH = "初中及以下", _("初中及以下")
    SENIOR_HIGH = "高中（中专、技校）", _("高中（中专、技校）")
    COLLEGE = "大专（高职、技师学院）", _("大专（高职、技师学院）")
    BACHELOR = "本科", _("本科")
    MASTER = "硕士研究生", _("硕士研究生")
    DOCTOR = "博士研究生", _("博士研究生")


class Identity(models.TextChoices):
    """身份 as the seed 003/004 forms list it."""

    CADRE = "干部", _("干部")
    PROFESSIONAL = "专业技术人员", _("专业技术人员")
    WORKER = "普通工人", _("普通工人")
    STAFF = "职员", _("职员")
    OTHER = "其他", _("其他")
