"""The public vote (网络投票, seed 003 二(二)3): candidates, voters, one-time codes, votes,
receipts and invalidations.

The vote log (:class:`Vote`) is append-only in effect: a vote found fraudulent is marked
with an :class:`Invalidation` (rule, reviewer, reason, time) and never deleted, so the
tally is always recomputable from the log (``jiangxuan recount``). Phones and ID numbers
are never stored, only their keyed blind index (``core.crypto.blind_index``).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiangxuan.core.models import BaseModel

from .enums import InvalidationRule, VoteState


class PublicVote(BaseModel):
    """A campaign's public vote. ``rules`` is the specification's ``PublicVoteRule`` as
    JSON at opening (a later spec edit does not change a running vote); ``opens_at`` and
    ``closes_at`` are the window in server time."""

    campaign = models.OneToOneField(
        "campaigns.Campaign", on_delete=models.PROTECT, related_name="public_vote"
    )
    title = models.CharField(_("标题"), max_length=200)
    state = models.CharField(
        _("状态"), max_length=10, choices=VoteState.choices, default=VoteState.DRAFT
    )
    opens_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    closes_at = models.DateTimeField(_("截止时间"), null=True, blank=True)
    rules = models.JSONField(_("投票规则"), default=dict)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("网络投票")
        verbose_name_plural = _("网络投票")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__isnull=True)
                | models.Q(opens_at__isnull=True)
                | models.Q(closes_at__gt=models.F("opens_at")),
                name="public_vote_closes_after_opening",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Candidate(BaseModel):
    """A nominee in the public vote. ``public_id`` is the random token the public sees (never
    the nomination id); ``published`` is the snapshot of the publishable, consented fields
    taken at opening (``notices.selectors.PUBLISHED_FIELDS``). ``final_votes`` is the
    tally stored at the close (and restated by later invalidations): ``recount`` checks it
    against the vote log."""

    public_vote = models.ForeignKey(PublicVote, on_delete=models.CASCADE, related_name="candidates")
    nomination = models.ForeignKey(
        "nominations.Nomination", on_delete=models.PROTECT, related_name="vote_candidacies"
    )
    public_id = models.CharField(_("编号"), max_length=16, unique=True)
    position = models.PositiveSmallIntegerField(_("序号"))
    published = models.JSONField(_("公开内容"))
    final_votes = models.PositiveIntegerField(_("最终有效票"), null=True, blank=True)

    class Meta:
        verbose_name = _("候选对象")
        verbose_name_plural = _("候选对象")
        ordering = ["public_vote", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["public_vote", "nomination"], name="candidate_once_per_vote"
            )
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.published.get('name', '')}"


class Voter(BaseModel):
    """A voter of one vote, known by the keyed hash of the verified mobile number (and of
    the ID number with the real name when the rule asks for identity). ``day``,
    ``day_votes`` and ``total_votes`` are counters the casting service moves in one
    conditional UPDATE to keep the per-day and per-campaign limits under concurrency."""

    public_vote = models.ForeignKey(PublicVote, on_delete=models.PROTECT, related_name="voters")
    phone_hash = models.CharField(max_length=64)
    identity_hash = models.CharField(max_length=64, blank=True)
    verified_at = models.DateTimeField(_("验证时间"))
    day = models.DateField(null=True, blank=True)
    day_votes = models.PositiveIntegerField(default=0)
    total_votes = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("投票人")
        verbose_name_plural = _("投票人")
        constraints = [
            models.UniqueConstraint(
                fields=["public_vote", "phone_hash"], name="voter_once_per_vote"
            ),
            models.UniqueConstraint(
                fields=["public_vote", "identity_hash"],
                condition=~models.Q(identity_hash=""),
                name="identity_once_per_vote",
            ),
        ]

    def __str__(self) -> str:
        return f"voter {self.pk}"


class VerificationCode(models.Model):
    """A one-time SMS code (only its keyed hash): valid for ``JX_VOTE_CODE_TTL`` seconds
    (≤ 10 minutes), single use, at most ``JX_VOTE_CODE_ATTEMPTS`` (≤ 5) wrong tries."""

    public_vote = models.ForeignKey(PublicVote, on_delete=models.CASCADE, related_name="+")
    phone_hash = models.CharField(max_length=64)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("验证码")
        verbose_name_plural = _("验证码")
        indexes = [models.Index(fields=["public_vote", "phone_hash", "-created_at"])]

    def __str__(self) -> str:
        return f"code {self.pk}"


class Receipt(models.Model):
    """One submission's receipt (投票凭证): the random ``code`` shown to the voter, with which
    anyone holding it can check that the submission's votes are counted."""

    public_vote = models.ForeignKey(PublicVote, on_delete=models.CASCADE, related_name="+")
    voter = models.ForeignKey(Voter, on_delete=models.PROTECT, related_name="receipts")
    code = models.CharField(_("凭证号"), max_length=20, unique=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("投票凭证")
        verbose_name_plural = _("投票凭证")

    def __str__(self) -> str:
        return self.code


class Invalidation(models.Model):
    """A reviewed decision to invalidate (作废) a batch of votes: the rule and its
    criteria, who decided, why, when, and how many votes it marked."""

    public_vote = models.ForeignKey(
        PublicVote, on_delete=models.PROTECT, related_name="invalidations"
    )
    rule = models.CharField(_("规则"), max_length=20, choices=InvalidationRule.choices)
    criteria = models.JSONField(_("条件"), default=dict)
    reason = models.TextField(_("理由"))
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("作废时间"))
    vote_count = models.PositiveIntegerField(_("作废票数"), default=0)

    class Meta:
        verbose_name = _("作废记录")
        verbose_name_plural = _("作废记录")
        ordering = ["public_vote", "-created_at"]

    def __str__(self) -> str:
        return f"{self.get_rule_display()} · {self.vote_count}"


class Vote(models.Model):
    """One vote for one candidate. The unique constraint on (vote, voter, candidate,
    slot) keeps exactly one row per allowed slot even under concurrent requests: the slot
    is the Shanghai date for per-day rules (``2023-07-01``, then ``2023-07-01#2`` … up to
    the limit) or ``all`` for limits over the whole vote. ``invalidation`` marks a vote
    found fraudulent; such votes stay in the log and count as invalid."""

    public_vote = models.ForeignKey(PublicVote, on_delete=models.PROTECT, related_name="votes")
    voter = models.ForeignKey(Voter, on_delete=models.PROTECT, related_name="votes")
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="votes")
    slot = models.CharField(max_length=20)
    receipt = models.ForeignKey(Receipt, on_delete=models.PROTECT, related_name="votes")
    ip = models.GenericIPAddressField(null=True, blank=True)
    device_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(db_index=True)
    invalidation = models.ForeignKey(
        Invalidation, null=True, blank=True, on_delete=models.PROTECT, related_name="votes"
    )

    class Meta:
        verbose_name = _("投票记录")
        verbose_name_plural = _("投票记录")
        constraints = [
            models.UniqueConstraint(
                fields=["public_vote", "voter", "candidate", "slot"], name="one_vote_per_slot"
            )
        ]
        indexes = [models.Index(fields=["public_vote", "candidate"])]

    def __str__(self) -> str:
        return f"vote {self.pk}"
