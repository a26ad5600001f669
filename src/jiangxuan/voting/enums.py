"""Choices of the public vote."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class VoteState(models.TextChoices):
    """A public vote's life: set up (draft), open to voters, closed."""

    DRAFT = "draft", _("未开始")
    OPEN = "open", _("投票中")
    CLOSED = "closed", _("已结束")


class InvalidationRule(models.TextChoices):
    """Why a batch of votes was invalidated (作废)."""

    SUBNET = "subnet", _("同一网段集中投票")
    DEVICE = "device", _("同一设备集中投票")
    VOTE_IDS = "vote_ids", _("指定投票记录")
