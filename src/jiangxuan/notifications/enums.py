"""Kinds of notifications and the states of an outbox message."""

from enum import nonmember

from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    """Why a user is told something: the events a user must act on (issue 3)."""

    RETURNED = "returned", _("退回修改")
    FORWARDED = "forwarded", _("待本级审核")
    DEADLINE = "deadline", _("截止提醒")
    OBJECTION = "objection", _("收到异议")
    NOTICE_CLOSING = "notice_closing", _("公示即将结束")
    NOMINATED = "nominated", _("告知被推荐人")
    OTHER = "other", _("其他")


class OutboxState(models.TextChoices):
    """Where an outgoing e-mail stands: draft → approved → sent/failed, or discarded.

    Mail to platform users is created approved; mail to nominees and units starts as a
    draft that the campaign office reviews.
    """

    DRAFT = "draft", _("待审核")
    APPROVED = "approved", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")
    DISCARDED = "discarded", _("已放弃")

    #: States in which the office may still edit, approve or discard.
    EDITABLE = nonmember(("draft",))
