"""Writes of the public vote (网络投票, seed 003 二(二)3): preparing, opening and closing
it (office), one-time codes and voter verification, casting votes, invalidating votes.

Office actions write their audit entry in the same transaction. The voters' own writes
(codes, cast votes) are not audited one by one: the vote log itself is the record (each
vote keeps its time, IP and device hash), and the audit chain's single head row would
serialise every submission of a city-wide vote.

Errors are :class:`VoteError` with a Chinese message and a ``code`` the API maps to an
HTTP status (see ``api.py``).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from contextlib import nullcontext
from typing import Any

import psycopg
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import User
from jiangxuan.campaigns.models import Campaign
from jiangxuan.campaigns.steps import StepOutOfOrder, check_step
from jiangxuan.core.audit import record_audit
from jiangxuan.core.crypto import blind_index
from jiangxuan.core.errors import SHARED_STATUSES, DomainError
from jiangxuan.core.permissions import require
from jiangxuan.nominations.enums import NominationState
from jiangxuan.nominations.models import Nomination
from jiangxuan.nominations.validators import validate_id_number, validate_mobile
from jiangxuan.notices.selectors import PUBLISHED_FIELDS

from . import risk, selectors, sms
from .enums import InvalidationRule, VoteState
from .models import Candidate, Invalidation, PublicVote, Receipt, VerificationCode, Vote, Voter

ROLE = Role.CAMPAIGN_OFFICE
#: Receipt codes: 12 characters without look-alikes (0/O, 1/I/L), in groups of four.
RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


class VoteError(DomainError):
    """A vote service refused a request; ``message`` is Chinese and says what to do.

    ``code`` is one of ``invalid``, ``not_open``, ``closed``, ``code_expired``,
    ``code_used``, ``code_wrong``, ``code_attempts`` (400); ``captcha_required``,
    ``verification_required`` (403: solve the captcha, verify the number again);
    ``conflict``, ``already_voted``, ``limit`` (409); ``throttled`` (429);
    ``sms_unavailable`` (503).
    """

    statuses = {
        **SHARED_STATUSES,
        "already_voted": 409,
        "limit": 409,
        "captcha_required": 403,
        "verification_required": 403,
        "sms_unavailable": 503,
    }


def _require_office(actor: User, campaign: Campaign) -> None:
    require(actor, "voting.manage_vote", campaign, _("只有本活动的领导小组办公室可以执行此操作。"))


def phone_hash(phone: str) -> str:
    """The keyed blind index of a mobile number (the only form in which it is stored)."""
    return blind_index(f"phone:{phone}")


def _code_hash(public_vote_id: int, phone_digest: str, code: str) -> str:
    return blind_index(f"code:{public_vote_id}:{phone_digest}:{code}")


def _receipt_code() -> str:
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def _require_open(vote: PublicVote, now: dt.datetime) -> None:
    state = selectors.window_state(vote, now)
    if state in ("draft", "before"):
        when = timezone.localtime(vote.opens_at) if vote.opens_at else None
        message = (
            _("投票尚未开始，开始时间：%(when)s。") % {"when": f"{when:%Y-%m-%d %H:%M}"}
            if when
            else _("投票尚未开始。")
        )
        raise VoteError(message, code="not_open")
    if state == "after":
        raise VoteError(_("投票已经结束。"), code="closed")


# --------------------------------------------------------------------------- office


@transaction.atomic
def prepare_public_vote(
    campaign: Campaign,
    *,
    actor: User,
    opens_at: dt.datetime | None = None,
    closes_at: dt.datetime | None = None,
    nominations: Iterable[Nomination] | None = None,
) -> PublicVote:
    """Set up the campaign's public vote as a draft: the rules from the specification's
    ``public_vote`` step (snapshotted), the window (the specification's, else the
    office's ``opens_at``/``closes_at``, server time) and the candidates.

    Candidates are ``nominations`` (default: every approved nomination of the campaign,
    i.e. those that passed 人选审核, seed 003 二(二)2-3) that consented to publication;
    each gets a random public id and a snapshot of the publishable fields only.

    Raises:
        PermissionDenied: the actor is not the campaign's office.
        VoteError: no public-vote step, a vote already exists, no window, a closing time
            not after the opening, no consenting candidate.
    """
    _require_office(actor, campaign)
    rule = selectors.vote_rule(campaign)
    if rule is None:
        raise VoteError(_("本活动的规范没有网络投票环节。"), code="conflict")
    if PublicVote.objects.filter(campaign=campaign).exists():
        raise VoteError(_("本活动的网络投票已经设立。"), code="conflict")
    opens_at = rule.opens_at or opens_at
    closes_at = rule.closes_at or closes_at
    if opens_at is None or closes_at is None:
        raise VoteError(_("请填写投票的开始和截止时间（活动规范未规定）。"), field="opens_at")
    if closes_at <= opens_at:
        raise VoteError(_("截止时间须晚于开始时间。"), field="closes_at")
    chosen = list(
        nominations
        if nominations is not None
        else Nomination.objects.filter(campaign=campaign, state=NominationState.APPROVED).order_by(
            "pk"
        )
    )
    foreign = [n for n in chosen if n.campaign_id != campaign.id]
    if foreign:
        raise VoteError(_("所选推荐不属于本活动。"), field="nominations")
    consented = [n for n in chosen if n.publication_consent]
    if not consented:
        raise VoteError(_("没有同意公示的符合条件对象，无法发起投票。"), field="nominations")
    vote = PublicVote.objects.create(
        campaign=campaign,
        title=f"{campaign.title}{_('网络投票')}",
        opens_at=opens_at,
        closes_at=closes_at,
        rules=rule.model_dump(mode="json"),
    )
    Candidate.objects.bulk_create(
        Candidate(
            public_vote=vote,
            nomination=n,
            public_id=secrets.token_urlsafe(6),
            position=i,
            published={key: str(getattr(n, key) or "") for key in PUBLISHED_FIELDS},
        )
        for i, n in enumerate(consented, start=1)
    )
    record_audit(
        actor=actor,
        action="vote.prepare",
        obj=vote,
        role=ROLE,
        after={
            "opens_at": opens_at,
            "closes_at": closes_at,
            "candidates": [n.pk for n in consented],
            "withheld": [n.pk for n in chosen if not n.publication_consent],
        },
    )
    return vote


@transaction.atomic
def open_public_vote(vote: PublicVote, *, actor: User) -> PublicVote:
    """Publish a draft vote (draft → open); voting starts at ``opens_at``.

    Raises:
        PermissionDenied: the actor is not the campaign's office.
        VoteError: the vote is not a draft, or a step the specification puts before the
            vote is not done (``conflict``).
    """
    _require_office(actor, vote.campaign)
    locked = PublicVote.objects.select_for_update().get(pk=vote.pk)
    if locked.state != VoteState.DRAFT:
        raise VoteError(_("该投票已经开启或结束。"), code="conflict")
    try:
        # Seed 003 二(二): 人选审核 comes before 网络投票 (issue 13: phases enforced).
        check_step(locked.campaign, "public_vote", on=_local_date(locked.opens_at))
    except StepOutOfOrder as exc:
        raise VoteError(exc.message, code="conflict") from exc
    locked.state = VoteState.OPEN
    locked.opened_by = actor
    locked.save(update_fields=["state", "opened_by", "updated_at"])
    record_audit(actor=actor, action="vote.open", obj=locked, role=ROLE, after={"state": "open"})
    transaction.on_commit(lambda: selectors.forget_public_view(vote))
    return locked


def _local_date(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(moment) if moment else None


def _store_final(vote: PublicVote) -> dict[int, int]:
    counts = selectors.tally(vote)
    candidates = list(vote.candidates.all())
    for c in candidates:
        c.final_votes = counts.get(c.pk, 0)
    Candidate.objects.bulk_update(candidates, ["final_votes"])
    return counts


@transaction.atomic
def close_public_vote(vote: PublicVote, *, actor: User) -> PublicVote:
    """Close the vote now (or record that its window has ended) and store the final
    tally per candidate, which ``recount`` later checks against the vote log.

    Raises:
        PermissionDenied: the actor is not the campaign's office.
        VoteError: the vote is a draft or already closed (``conflict``).
    """
    _require_office(actor, vote.campaign)
    locked = PublicVote.objects.select_for_update().get(pk=vote.pk)
    if locked.state != VoteState.OPEN:
        raise VoteError(_("只有进行中的投票可以结束。"), code="conflict")
    now = timezone.now()
    locked.state = VoteState.CLOSED
    locked.closed_at = now
    locked.closed_by = actor
    if locked.closes_at is None or locked.closes_at > now:
        locked.closes_at = now
    if locked.opens_at and locked.opens_at >= locked.closes_at:
        locked.opens_at = locked.closes_at - dt.timedelta(microseconds=1)
    locked.save(
        update_fields=["state", "closed_at", "closed_by", "closes_at", "opens_at", "updated_at"]
    )
    counts = _store_final(locked)
    record_audit(
        actor=actor,
        action="vote.close",
        obj=locked,
        role=ROLE,
        after={"state": "closed", "tally": {str(k): v for k, v in counts.items()}},
    )
    transaction.on_commit(lambda: selectors.forget_public_view(vote))
    return locked


@transaction.atomic
def invalidate_votes(
    vote: PublicVote,
    *,
    actor: User,
    rule: InvalidationRule | str,
    reason: str,
    subnet: str = "",
    device_hash: str = "",
    vote_ids: list[int] | None = None,
    starts_at: dt.datetime | None = None,
    ends_at: dt.datetime | None = None,
) -> Invalidation:
    """Invalidate (作废) the valid votes matching the criteria, recording the rule, the
    reviewer, the reason and the time. Votes are marked, never deleted; after the close
    the stored final tally is restated.

    Raises:
        PermissionDenied: the actor is not the campaign's office.
        VoteError: no reason, a criterion missing for the rule, an invalid network, or no
            valid vote matches.
    """
    _require_office(actor, vote.campaign)
    reason = reason.strip()
    if not reason:
        raise VoteError(_("请填写作废理由。"), field="reason")
    if rule == InvalidationRule.SUBNET and not subnet:
        raise VoteError(_("请填写网段，例如 1.2.3.0/24。"), field="subnet")
    if rule == InvalidationRule.DEVICE and not device_hash:
        raise VoteError(_("请填写设备标识。"), field="device_hash")
    if rule == InvalidationRule.VOTE_IDS and not vote_ids:
        raise VoteError(_("请填写要作废的投票记录编号。"), field="vote_ids")
    try:
        ids = selectors.votes_matching(
            vote,
            subnet=subnet,
            device_hash=device_hash,
            vote_ids=vote_ids,
            starts_at=starts_at,
            ends_at=ends_at,
        )
    except ValueError as exc:
        raise VoteError(_("网段格式不正确，例如 1.2.3.0/24。"), field="subnet") from exc
    if not ids:
        raise VoteError(_("没有符合条件的有效投票。"), code="conflict")
    criteria = {
        "subnet": subnet,
        "device_hash": device_hash,
        "vote_ids": vote_ids or [],
        "starts_at": starts_at.isoformat() if starts_at else "",
        "ends_at": ends_at.isoformat() if ends_at else "",
    }
    invalidation = Invalidation.objects.create(
        public_vote=vote,
        rule=rule,
        criteria=criteria,
        reason=reason,
        reviewer=actor,
        created_at=timezone.now(),
        vote_count=len(ids),
    )
    Vote.objects.filter(pk__in=ids, invalidation__isnull=True).update(invalidation=invalidation)
    if vote.state == VoteState.CLOSED:
        _store_final(vote)
    transaction.on_commit(lambda: selectors.forget_public_view(vote))
    record_audit(
        actor=actor,
        action="vote.invalidate",
        obj=invalidation,
        role=ROLE,
        after={"rule": str(rule), "criteria": criteria, "reason": reason, "votes": len(ids)},
    )
    return invalidation


# --------------------------------------------------------------------------- voters


def request_code(vote: PublicVote, *, phone: str, ip: str | None, now: dt.datetime | None = None):
    """Send a one-time code to ``phone`` (a mainland mobile number) for this vote.

    The code is 6 digits, valid ``JX_VOTE_CODE_TTL`` seconds (≤ 10 minutes), stored only
    as a keyed hash; the message goes out through ``JX_SMS_BACKEND``.

    Raises:
        VoteError: an invalid number (``invalid``), the vote not open (``not_open`` /
            ``closed``), or too many requests for this number or address
            (``throttled``; docs/security.md check 26).
    """
    now = now or timezone.now()
    try:
        phone = validate_mobile(phone)
    except ValidationError as exc:
        raise VoteError(exc.messages[0], field="phone") from exc
    _require_open(vote, now)
    digest = phone_hash(phone)
    if not risk.code_request_allowed(vote.pk, phone_hash=digest, ip=ip):
        raise VoteError(_("获取验证码过于频繁，请稍后再试。"), code="throttled")
    code = f"{secrets.randbelow(10**6):06d}"
    ttl = settings.JX_VOTE_CODE_TTL
    sent = VerificationCode.objects.create(
        public_vote=vote,
        phone_hash=digest,
        code_hash=_code_hash(vote.pk, digest, code),
        created_at=now,
        expires_at=now + dt.timedelta(seconds=ttl),
        ip=ip,
    )
    text = _("【匠选】您的投票验证码为%(code)s，%(minutes)s分钟内有效，请勿告诉他人。") % {
        "code": code,
        "minutes": max(ttl // 60, 1),
    }
    try:
        sms.send_sms(phone, text)
    except sms.SMSUnavailable as exc:
        VerificationCode.objects.filter(pk=sent.pk).delete()
        raise VoteError(
            _("短信验证码暂时无法发送，请稍后再试；如仍不能收到，请联系活动办公室。"),
            code="sms_unavailable",
        ) from exc


def verify_code(
    vote: PublicVote,
    *,
    phone: str,
    code: str,
    real_name: str = "",
    id_number: str = "",
    now: dt.datetime | None = None,
) -> Voter:
    """Check the newest code sent to ``phone`` and return the verified voter.

    A wrong code costs one of ``JX_VOTE_CODE_ATTEMPTS`` (≤ 5) tries; a right one is
    spent at once (a conditional UPDATE, so two requests with the same code cannot both
    pass). When the rule's ``identity`` is ``phone_and_id`` the real name and ID number
    are checked and only their keyed hash kept; one identity votes through one number.

    Raises:
        VoteError: ``code_expired``, ``code_used``, ``code_wrong``, ``code_attempts``,
            ``not_open``/``closed``, or ``invalid`` (no code requested, bad identity).
    """
    now = now or timezone.now()
    try:
        phone = validate_mobile(phone)
    except ValidationError as exc:
        raise VoteError(exc.messages[0], field="phone") from exc
    _require_open(vote, now)
    if not code.strip():
        raise VoteError(_("请输入短信验证码。"), field="code")
    identity = ""
    if selectors.rule_of(vote).identity == "phone_and_id":
        if not real_name.strip():
            raise VoteError(_("请填写真实姓名。"), field="real_name")
        try:
            id_number = validate_id_number(id_number)
        except ValidationError as exc:
            raise VoteError(exc.messages[0], field="id_number") from exc
        identity = blind_index(f"identity:{real_name.strip()}:{id_number}")
    digest = phone_hash(phone)
    sent = (
        VerificationCode.objects.filter(public_vote=vote, phone_hash=digest)
        .order_by("-created_at", "-id")
        .first()
    )
    if sent is None:
        raise VoteError(_("请先获取验证码。"), field="code")
    if sent.used_at is not None:
        raise VoteError(_("该验证码已使用，请重新获取。"), code="code_used", field="code")
    if now >= sent.expires_at:
        raise VoteError(_("验证码已过期，请重新获取。"), code="code_expired", field="code")
    limit = settings.JX_VOTE_CODE_ATTEMPTS
    if sent.attempts >= limit:
        raise VoteError(_("验证码错误次数过多，请重新获取。"), code="code_attempts", field="code")
    if not secrets.compare_digest(sent.code_hash, _code_hash(vote.pk, digest, code.strip())):
        VerificationCode.objects.filter(pk=sent.pk).update(attempts=F("attempts") + 1)
        left = limit - sent.attempts - 1
        if left <= 0:
            raise VoteError(
                _("验证码错误次数过多，请重新获取。"), code="code_attempts", field="code"
            )
        raise VoteError(
            _("验证码不正确，还可以尝试%(left)s次。") % {"left": left},
            code="code_wrong",
            field="code",
        )
    try:
        with transaction.atomic():
            spent = VerificationCode.objects.filter(
                pk=sent.pk, used_at__isnull=True, attempts__lt=limit
            ).update(used_at=now)
            if not spent:
                raise VoteError(_("该验证码已使用，请重新获取。"), code="code_used", field="code")
            voter, created = Voter.objects.get_or_create(
                public_vote=vote,
                phone_hash=digest,
                defaults={"verified_at": now, "identity_hash": identity},
            )
            if not created:
                if identity and voter.identity_hash and voter.identity_hash != identity:
                    raise VoteError(
                        _("该手机号已由他人验证投票，请使用本人手机号。"), field="id_number"
                    )
                voter.verified_at = now
                voter.identity_hash = voter.identity_hash or identity
                voter.save(update_fields=["verified_at", "identity_hash", "updated_at"])
    except IntegrityError as exc:
        raise VoteError(
            _("该身份已通过其他手机号验证，每人只能用一个手机号投票。"), field="id_number"
        ) from exc
    return voter


# --------------------------------------------------------------------------- casting votes


def new_captcha() -> dict[str, str]:
    """A new image captcha (django-simple-captcha, works offline): its ``key`` to send
    back with the answer and the ``image_url`` to show."""
    from captcha.helpers import captcha_image_url
    from captcha.models import CaptchaStore

    key = CaptchaStore.generate_key()
    return {"key": key, "image_url": captcha_image_url(key)}


def _captcha_passes(key: str, value: str) -> bool:
    from captcha.fields import CaptchaField

    try:
        CaptchaField().clean([key, value])
    except ValidationError:
        return False
    return True


def _slot_period(rule, today: dt.date) -> tuple[str, int | None]:
    if rule.per_candidate_per_day is not None:
        return today.isoformat(), rule.per_candidate_per_day
    if rule.per_candidate is not None:
        return "all", rule.per_candidate
    return "", None


def cast_vote(
    vote: PublicVote,
    *,
    voter_id: int,
    verified_at: dt.datetime,
    choices: list[str],
    candidates: dict[str, Candidate],
    ip: str | None,
    device: str,
    captcha_key: str = "",
    captcha_value: str = "",
    now: dt.datetime | None = None,
) -> Receipt:
    """Cast the voter's votes for the candidates whose public ids are ``choices`` and return its
    receipt.

    Checks, in order: the window (server time), the number of choices (the rule's
    ``min_choices``/``max_choices``), the risk level (a captcha above
    ``JX_VOTE_CAPTCHA_AFTER`` submissions per IP or device, a verification younger than
    ``JX_VOTE_REVERIFY_SECONDS`` above ``JX_VOTE_REVERIFY_AFTER``), then writes in one
    transaction: the voter's per-day/per-campaign counters in one conditional UPDATE
    (only when the rule limits them), the receipt, and the votes in one INSERT whose
    unique (vote, voter, candidate, slot) constraint refuses a second vote in the same
    slot even from concurrent requests (docs/security.md check 25; CONSUL #2415). On
    PostgreSQL with one vote per slot, those writes are one statement in autocommit
    (:func:`_cast_in_one_statement`, issue 17.1); the outcome and errors are the same.
    Either way the write first checks in the database that the vote is still open and
    holds its row (``FOR KEY SHARE`` on PostgreSQL) until it commits, so a ballot cast
    while the office closes the vote is either in the final tally or refused as
    ``closed`` (seed 003 二(二)3: votes count within the window), even when this
    process's copy of the vote is a second old (``selectors.public_view``).

    ``candidates`` maps public ids to candidates (``selectors.public_view``).

    Raises:
        VoteError: ``not_open``/``closed``, ``invalid`` (choices), ``captcha_required``,
            ``verification_required``, ``limit`` (per day/campaign/candidate),
            ``already_voted`` (the slot is taken).
    """
    now = now or timezone.now()
    _require_open(vote, now)
    rule = selectors.rule_of(vote)
    if len(set(choices)) != len(choices):
        raise VoteError(_("同一张选票不能重复选择同一候选对象。"), field="candidates")
    if len(choices) < rule.min_choices:
        raise VoteError(
            _("每张选票至少选择%(n)s名候选对象。") % {"n": rule.min_choices}, field="candidates"
        )
    if rule.max_choices is not None and len(choices) > rule.max_choices:
        raise VoteError(
            _("每张选票最多选择%(n)s名候选对象。") % {"n": rule.max_choices}, field="candidates"
        )
    chosen = [candidates.get(c) for c in choices]
    if any(c is None for c in chosen):
        raise VoteError(_("所选候选对象不存在，请刷新页面后重新选择。"), field="candidates")
    level = risk.vote_risk(vote.pk, ip=ip, device=device)
    fresh = now - verified_at <= dt.timedelta(seconds=settings.JX_VOTE_REVERIFY_SECONDS)
    if level >= risk.RiskLevel.REVERIFY and not fresh:
        raise VoteError(_("投票过于频繁，请重新验证手机号后再投票。"), code="verification_required")
    if level >= risk.RiskLevel.CAPTCHA and not (
        captcha_key and captcha_value and _captcha_passes(captcha_key, captcha_value)
    ):
        raise VoteError(_("请输入图片中的验证码。"), code="captcha_required", field="captcha")
    today = timezone.localdate(now)
    period, per_slot = _slot_period(rule, today)
    if per_slot in (None, 1) and connection.vendor == "postgresql":
        return _cast_in_one_statement(
            vote,
            rule,
            voter_id,
            [c for c in chosen if c is not None],
            period,
            today,
            ip=ip,
            device=device,
            now=now,
        )
    try:
        with transaction.atomic():
            _hold_open_vote(vote, now)
            _count_against_limits(rule, voter_id, len(chosen), today)
            receipt = Receipt.objects.create(
                public_vote=vote, voter_id=voter_id, code=_receipt_code(), created_at=now
            )
            if per_slot is None:
                period, per_slot = f"r{receipt.pk}", 1
            rows = [
                Vote(
                    public_vote=vote,
                    voter_id=voter_id,
                    candidate=c,
                    slot=period,
                    receipt=receipt,
                    ip=ip,
                    device_hash=device,
                    created_at=now,
                )
                for c in chosen
            ]
            if per_slot == 1:
                Vote.objects.bulk_create(rows)
            else:
                _insert_in_free_slots(rows, period, per_slot)
    except IntegrityError as exc:
        raise _already_voted(rule) from exc
    return receipt


def _already_voted(rule) -> VoteError:
    if rule.per_candidate_per_day is not None:
        message = _("您今天已为该候选对象投过票，请明天再来。")
    else:
        message = _("您已为该候选对象投过票。")
    return VoteError(message, code="already_voted", field="candidates")


def _over_limit(rule) -> VoteError:
    if rule.per_day is not None:
        message = _("超出投票次数限制：每人每天最多投%(n)s票。") % {"n": rule.per_day}
    else:
        message = _("超出投票次数限制：每人最多投%(n)s票。") % {"n": rule.per_campaign}
    return VoteError(message, code="limit", field="candidates")


def _cast_in_one_statement(
    vote: PublicVote,
    rule,
    voter_id: int,
    chosen: list[Candidate],
    period: str,
    today: dt.date,
    *,
    ip: str | None,
    device: str,
    now: dt.datetime,
) -> Receipt:
    """PostgreSQL: the write of :func:`cast_vote` as one statement, in autocommit (one
    round trip, no BEGIN/COMMIT; issue 17.1). A CTE moves the voter's counters with the
    same conditional UPDATE as :func:`_count_against_limits` (no row: over a limit, and
    then nothing is inserted), inserts the receipt and the votes; the unique (vote,
    voter, candidate, slot) constraint refuses a taken slot, which aborts the whole
    statement, so a refused ballot leaves no receipt and moves no counter.

    Only for one vote per slot (``period`` is the day, ``all``, or empty: one slot per
    receipt, ``r<receipt id>``); several votes per slot take the general path.

    The statement starts by holding the vote's row if it is open at ``now``
    (:func:`_open_vote_sql`); when it is not, nothing is written.

    Raises:
        VoteError: ``closed``/``not_open`` (the vote is no longer open in the database),
            ``limit`` (the UPDATE matched no row), ``already_voted`` (a unique constraint
            refused).
    """
    voter_t = Voter._meta.db_table
    receipt_t = Receipt._meta.db_table
    vote_t = Vote._meta.db_table
    open_sql, params = _open_vote_sql(vote, now)
    if rule.per_day is None and rule.per_campaign is None:
        checked = "SELECT %s::bigint AS id FROM open_vote"
        params.append(voter_id)
    else:
        n = len(chosen)
        conditions = ["id = %s", "EXISTS (SELECT 1 FROM open_vote)"]
        params += [today, today, n, n, n, voter_id]
        if rule.per_day is not None:
            conditions.append("(day IS DISTINCT FROM %s OR day_votes <= %s)")
            params += [today, rule.per_day - n]
        if rule.per_campaign is not None:
            conditions.append("total_votes <= %s")
            params.append(rule.per_campaign - n)
        checked = (
            f"UPDATE {voter_t} SET day = %s, "  # noqa: S608 - table names from the models, values as parameters
            "day_votes = CASE WHEN day = %s THEN day_votes + %s ELSE %s END, "
            "total_votes = total_votes + %s "
            f"WHERE {' AND '.join(conditions)} RETURNING id"
        )
    code = _receipt_code()
    sql = (
        f"WITH open_vote AS ({open_sql}), checked AS ({checked}), "  # noqa: S608 - table names from the models, values as parameters
        f"receipt AS (INSERT INTO {receipt_t} (public_vote_id, voter_id, code, created_at) "
        "SELECT %s, id, %s, %s FROM checked RETURNING id, voter_id), "
        f"cast_votes AS (INSERT INTO {vote_t} (public_vote_id, voter_id, candidate_id, slot, "
        "receipt_id, ip, device_hash, created_at) "
        "SELECT %s, receipt.voter_id, c.id, "
        "CASE WHEN %s = '' THEN 'r' || receipt.id ELSE %s END, "
        "receipt.id, %s::inet, %s, %s "
        "FROM receipt CROSS JOIN unnest(%s::bigint[]) WITH ORDINALITY AS c(id, n) "
        "ORDER BY c.n RETURNING 1) "
        "SELECT receipt.id, (SELECT count(*) FROM cast_votes) FROM receipt"
    )
    params += [vote.pk, code, now]
    params += [vote.pk, period, period, ip, device, now, [c.pk for c in chosen]]
    # Inside a caller's transaction (tests, the demo), a savepoint keeps it usable after
    # a refusal; otherwise the statement runs alone in autocommit.
    guard = transaction.atomic() if connection.in_atomic_block else nullcontext()
    try:
        with guard, _preparing_cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
    except IntegrityError as exc:
        raise _already_voted(rule) from exc
    if row is None:
        _require_open(PublicVote.objects.get(pk=vote.pk), now)
        raise _over_limit(rule)
    return Receipt(pk=row[0], public_vote=vote, voter_id=voter_id, code=code, created_at=now)


def _preparing_cursor() -> CursorWrapper:
    """A Django cursor (PostgreSQL) that binds its parameters on the server, so that psycopg
    prepares a statement once this connection has run it ``prepare_threshold`` times
    (settings: 5; None behind PgBouncer, where nothing is prepared). The ballot's statement
    has the same text for every ballot of a vote, and planning it was more than half of
    what PostgreSQL spent on a ballot (docs/benchmarks.md, "the ballot's statement
    prepared"). Every other query keeps Django's client-side binding, which never prepares."""
    connection.ensure_connection()
    wrap = connection.make_debug_cursor if connection.queries_logged else connection.make_cursor
    # django-stubs types the argument as Django's own wrapper; it is the driver's cursor.
    return wrap(psycopg.Cursor(connection.connection))  # type: ignore[arg-type]


def _open_vote_sql(vote: PublicVote, now: dt.datetime) -> tuple[str, list[Any]]:
    """A SELECT of the vote's id if it is open at ``now`` (the database's state and window,
    as :func:`selectors.window_state`), holding its row until the transaction ends on
    PostgreSQL: ``FOR KEY SHARE`` lets ballots pass each other and waits only for
    :func:`close_public_vote`'s ``FOR UPDATE``, which in turn waits for them."""
    sql = (
        f"SELECT id FROM {PublicVote._meta.db_table} "  # noqa: S608 - the model's table, values as parameters
        "WHERE id = %s AND state = %s AND opens_at <= %s AND (closes_at IS NULL OR closes_at > %s)"
    )
    if connection.vendor == "postgresql":
        sql += " FOR KEY SHARE"
    return sql, [vote.pk, VoteState.OPEN.value, now, now]


def _hold_open_vote(vote: PublicVote, now: dt.datetime) -> None:
    """Inside the caller's transaction: hold the vote's row while it is open at ``now``
    (:func:`_open_vote_sql`).

    Raises:
        VoteError: ``closed``/``not_open`` (the vote in the database is not open).
    """
    sql, params = _open_vote_sql(vote, now)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if cursor.fetchone() is not None:
            return
    _require_open(PublicVote.objects.get(pk=vote.pk), now)
    raise VoteError(_("投票已经结束。"), code="closed")


def _insert_in_free_slots(rows: list[Vote], period: str, per_slot: int) -> None:
    # With N votes per slot allowed, slots are period, period#2 … period#N; each vote
    # takes the first free one, and the constraint still arbitrates concurrent requests.
    for row in rows:
        for k in range(1, per_slot + 1):
            row.slot = period if k == 1 else f"{period}#{k}"
            try:
                with transaction.atomic():
                    row.save(force_insert=True)
                break
            except IntegrityError:
                row.pk = None
                if k == per_slot:
                    raise


def _count_against_limits(rule, voter_id: int, n: int, today: dt.date) -> None:
    if rule.per_day is None and rule.per_campaign is None:
        return
    # One conditional UPDATE both checks and moves the counters; the row lock it takes
    # orders concurrent submissions of the same voter.
    voter = Voter.objects.filter(pk=voter_id)
    if rule.per_day is not None:
        voter = voter.filter(~Q(day=today) | Q(day_votes__lte=rule.per_day - n))
    if rule.per_campaign is not None:
        voter = voter.filter(total_votes__lte=rule.per_campaign - n)
    moved = voter.update(
        day=today,
        day_votes=Case(When(day=today, then=F("day_votes") + n), default=Value(n)),
        total_votes=F("total_votes") + n,
    )
    if not moved:
        raise _over_limit(rule)
