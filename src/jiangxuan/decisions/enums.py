"""Choices of the decisions domain."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ListState(models.TextChoices):
    """Lifecycle of an approval list version (seed 002 四(六); issue 4 final approval)."""

    DRAFT = "draft", _("草稿")
    APPROVED = "approved", _("已审定")
    SUPERSEDED = "superseded", _("已被新版本取代")


class Outcome(models.TextChoices):
    """What an entry of the list receives: the award, or the finalist award (seed 002 六)."""

    AWARDEE = "awardee", _("表彰")
    FINALIST = "finalist", _("入围")


class AuthorityState(models.TextChoices):
    """A submission of the locked lists to the approving authority (seed 000 四6; seed 001
    三(一)6; seed 003 二(二)5)."""

    SUBMITTED = "submitted", _("已报送待审定")
    DECIDED = "decided", _("已审定")
