"""Vocabularies of expert review."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RelationshipKind(models.TextChoices):
    """A declared relationship that makes an expert recuse (回避)."""

    RELATIVE = "relative", _("亲属关系")
    COLLEAGUE = "colleague", _("同事关系")
    MENTOR = "mentor", _("师徒关系")
    OTHER = "other", _("其他利害关系")


class PanelState(models.TextChoices):
    DRAFT = "draft", _("待抽取")
    DRAWN = "drawn", _("已抽取")
    CLOSED = "closed", _("评审结束")


class MemberRole(models.TextChoices):
    MEMBER = "member", _("评审专家")
    CHAIR = "chair", _("评审组组长")
    RESERVE = "reserve", _("候补专家")


class BallotState(models.TextChoices):
    OPEN = "open", _("投票中")
    CLOSED = "closed", _("已截止")
    SIGNED = "signed", _("组长已签字确认")
