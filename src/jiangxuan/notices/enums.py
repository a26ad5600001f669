"""States and kinds of public notices, objections, background checks and penalties."""

from enum import nonmember

from django.db import models
from django.utils.translation import gettext_lazy as _


class NoticeState(models.TextChoices):
    """Where a public notice (公示) stands."""

    DRAFT = "draft", _("草稿")
    RUNNING = "running", _("公示中")
    CLOSED = "closed", _("已结束")

    #: States in which the notice is on the public pages.
    PUBLISHED = nonmember(("running", "closed"))


class NoticePhase(models.TextChoices):
    """Where a published notice stands on a given day, as the public sees it: a notice is
    published (state running) before its first day, and objections are taken only from its
    first to its last day (issue 15.6)."""

    UPCOMING = "upcoming", _("即将公示")
    OPEN = "open", _("公示中")
    ENDED = "ended", _("已结束")


class ObjectionState(models.TextChoices):
    """Where an objection (异议) stands: received → assigned → verified → answered → closed."""

    RECEIVED = "received", _("已收到")
    ASSIGNED = "assigned", _("核查中")
    VERIFIED = "verified", _("已核查")
    ANSWERED = "answered", _("已答复")
    CLOSED = "closed", _("已办结")

    #: States that keep a notice from closing.
    UNRESOLVED = nonmember(("received", "assigned", "verified"))


class ObjectionOutcome(models.TextChoices):
    """What an answered objection did to the nomination it concerns."""

    NO_EFFECT = "no_effect", _("不影响推荐")
    NOMINATION_WITHDRAWN = "nomination_withdrawn", _("推荐已撤回")
    NOMINATION_REVOKED = "nomination_revoked", _("撤销推荐资格")


class BackgroundCheckState(models.TextChoices):
    """Where a request for a department's opinion (征求意见) stands."""

    REQUESTED = "requested", _("已发函")
    ANSWERED = "answered", _("已回复")


class PenaltyKind(models.TextChoices):
    """Penalties on a nominating unit for falsification (seed 001 三(二)4)."""

    LOSE_NEXT_EDITION = "lose_next_edition", _("取消下一届推荐资格")
    REDUCE_QUOTA = "reduce_quota", _("扣减推荐名额")
