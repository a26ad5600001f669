"""The level-by-level review (逐级审核): opinions of the signing bodies and forwarding.

At each level of the nomination's chain (see :mod:`.chain`) every named body records an
opinion: approve, return for revision (with reasons; the clerk's draft stays intact), or
reject. When all have approved in the current round, the level's body forwards its
nominations, ranked (排序), to the next level within its quota; after the last level the
nomination is approved and handed over to expert review.

Sources: seed 000 四1-2 and 附件2; seed 001 三(一)2-3 and 附件2; seed 002 四(一); seed 003
二(二)1 and 附件; seed 004 三(二).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import OrgUnit, User
from jiangxuan.campaigns.models import Campaign
from jiangxuan.campaigns.selectors import (
    category_of,
    cite,
    deadline_source,
    forward_deadline,
    within_roots,
)
from jiangxuan.core import events
from jiangxuan.core.audit import record_audit
from jiangxuan.core.permissions import require

from .chain import (
    bodies_at,
    level_named,
    next_level,
    other_level_of,
    required_bodies,
    signers_for_user,
    tree_snapshot,
)
from .enums import NominationAction, NominationState
from .forward_documents import check_forward_documents
from .models import ClearanceKind, Decision, Forwarding, LevelClearance, Nomination, SignOff
from .penalties import penalties
from .validators import CheckedFile, check_upload
from .workflow import InvalidTransition, NominationError, transition

#: What a stamped page's scan may be (the bytes decide).
SCAN_TYPES = ("jpg", "png", "pdf")


def _checked_scan(scan: Any) -> CheckedFile:
    """The stamped page's scan, checked like evidence: an image or a PDF only."""
    try:
        checked = check_upload(scan)
    except ValidationError as exc:
        raise NominationError(exc.messages[0], field="scan") from exc
    if checked.extension not in SCAN_TYPES:
        raise NominationError(_("盖章页扫描件请上传 JPG、PNG 图片或 PDF 文件。"), field="scan")
    return checked


@transaction.atomic
def sign_off(
    nomination: Nomination,
    *,
    actor: User,
    signer: str,
    decision: str,
    opinion: str = "",
    scan: Any = None,
) -> SignOff:
    """Record one body's opinion at the nomination's current level.

    Args:
        signer: which of the level's signers the actor signs for (e.g. "union").
        decision: ``Decision`` value; return and reject need an ``opinion``.
        scan: optional upload of the stamped paper page.
    Raises:
        InvalidTransition: the nomination is not under review at a level, the level is
            already complete, or this body already gave its opinion in this round.
        PermissionDenied: the actor may not sign for that body at this level.
        NominationError: a return or rejection without reasons; a scan that is not a
            JPG, PNG or PDF (the bytes decide, as for evidence).
    """
    checked = _checked_scan(scan) if scan is not None else None
    # The chain reads the campaign and both units: joined, not three more queries; only
    # the nomination's row is locked.
    locked = (
        Nomination.objects.select_for_update(of=("self",))
        .select_related("campaign", "nominating_unit", "workplace")
        .get(pk=nomination.pk)
    )
    if locked.state not in (NominationState.SUBMITTED, NominationState.IN_REVIEW):
        raise InvalidTransition(
            _("当前状态为“%(state)s”，不能签署审核意见。") % {"state": locked.get_state_display()}
        )
    level = level_named(locked, locked.level)
    if locked.level_ready or level is None:
        raise InvalidTransition(_("本级审核已完成，等待报送上一级。"))
    allowed = dict(signers_for_user(locked, actor))
    elsewhere = other_level_of(locked, actor)
    if elsewhere is not None:
        raise InvalidTransition(
            _("本推荐目前在“%(current)s”环节，尚未进入“%(yours)s”，现在不能签署意见。")
            % {"current": level.name, "yours": elsewhere.name}
        )
    if signer not in allowed:
        raise PermissionDenied(_("您不能代表该单位在“%(level)s”签署意见。") % {"level": level.name})
    if SignOff.objects.filter(
        nomination=locked, level=level.code, round=locked.review_round, body=allowed[signer]
    ).exists():
        raise InvalidTransition(_("%(body)s已在本轮签署意见。") % {"body": allowed[signer].name})
    if decision != Decision.APPROVE and not opinion.strip():
        raise NominationError(_("退回或不予推荐须填写理由。"), field="opinion")
    entry = SignOff(
        nomination=locked,
        level=level.code,
        round=locked.review_round,
        signer=signer,
        body=allowed[signer],
        decision=decision,
        opinion=opinion.strip(),
        decided_by=actor,
    )
    if checked is not None:
        entry.scan.save(f"scan.{checked.extension}", ContentFile(checked.data), save=False)
    entry.save()
    role = Role.REVIEWER
    if decision == Decision.RETURN:
        transition(locked, NominationAction.RETURN, actor=actor, opinion=opinion, role=role)
        events.nomination_returned.send(
            sender=Nomination, nomination=locked, opinion=opinion.strip(), actor=actor
        )
    elif decision == Decision.REJECT:
        transition(locked, NominationAction.REJECT, actor=actor, opinion=opinion, role=role)
    else:
        if locked.state == NominationState.SUBMITTED:
            transition(locked, NominationAction.START_REVIEW, actor=actor, role=role)
        approved = set(
            SignOff.objects.filter(
                nomination=locked,
                level=level.code,
                round=locked.review_round,
                decision=Decision.APPROVE,
            ).values_list("body_id", flat=True)
        )
        if approved >= required_bodies(locked, level):
            locked.level_ready = True
            locked.save(update_fields=["level_ready", "updated_at"])
    record_audit(
        actor=actor,
        action="nomination.sign_off",
        obj=locked,
        role=role,
        after={
            "level": level.code,
            "signer": signer,
            "body": allowed[signer].code,
            "decision": decision,
            "opinion": opinion.strip(),
        },
    )
    nomination.refresh_from_db()
    return entry


def _check_clearances(nomination: Nomination, level: Any) -> None:
    """A level with a public notice or a background check forwards only what they cleared."""
    cleared = set(
        LevelClearance.objects.filter(nomination=nomination, level=level.code).values_list(
            "kind", flat=True
        )
    )
    if level.notice and ClearanceKind.NOTICE not in cleared:
        raise NominationError(
            _("“%(name)s”的%(notice)s尚未结束或仍有异议未处理，不能报送。")
            % {"name": nomination.name, "notice": level.notice.name},
            code="conflict",
        )
    if level.background_check and ClearanceKind.BACKGROUND_CHECK not in cleared:
        raise NominationError(
            _("“%(name)s”尚未收到%(department)s的意见，不能报送。")
            % {"name": nomination.name, "department": level.background_check.department},
            code="conflict",
        )


def _check_quotas(campaign: Campaign, level: str, batch: list[Nomination], *, final: bool) -> None:
    """Apply each nominating unit's quota at the level where that unit signs: what it has
    forwarded there plus this batch may not exceed the maximum per award (or in total),
    and, when the unit says the batch is its ``final`` one (报送完毕), must reach the
    minimum: a unit may send its list in several batches (seed 000 四: 5-10 per city)."""
    # Penalties (objections found falsification) bind this campaign's quotas: a reduced
    # quota, a place not refilled (seed 001 三(二)4).
    recorded = penalties()
    spec = campaign.specification
    units = {
        n.nominating_unit
        for n in batch
        if n.nominating_unit is not None
        and (level_spec := level_named(n, level)) is not None
        and n.nominating_unit in [b for _sg, b in bodies_at(n, level_spec)]
    }
    for unit in units:
        category = category_of(unit, spec)
        if category is None:
            continue
        OrgUnit.objects.select_for_update().get(pk=unit.pk)
        for quota in (q for q in spec.quotas if q.category == category.code):
            mine = [n for n in batch if n.nominating_unit_id == unit.id]
            earlier = Forwarding.objects.filter(
                nomination__campaign=campaign,
                quota_unit=unit,
                nomination__state__in=NominationState.LIVE,
            )
            if quota.award:
                mine = [n for n in mine if n.award.code == quota.award]
                earlier = earlier.filter(nomination__award__code=quota.award)
            if not mine:
                continue
            # A unit that signs at two levels forwards one nominee twice: count people.
            counted = set(earlier.values_list("nomination_id", flat=True))
            lost = recorded.no_substitute_nominations(campaign).filter(nominating_unit=unit)
            if quota.award:
                lost = lost.filter(award__code=quota.award)
            counted |= set(lost.values_list("id", flat=True))
            count = len(counted | {n.pk for n in mine})
            maximum = quota.max
            reduction = recorded.penalty_quota_reduction(
                unit, campaign.series, for_campaign=campaign
            )
            if maximum is not None and reduction:
                maximum = max(maximum - reduction, 0)
            clause = cite(quota.source)
            if maximum is not None and count > maximum:
                raise NominationError(
                    _("%(unit)s至多推荐%(max)d名%(clause)s，本次报送后将为%(count)d名。")
                    % {"unit": unit.name, "max": maximum, "count": count, "clause": clause},
                    code="quota",
                )
            if final and count < quota.min:
                raise NominationError(
                    _(
                        "%(unit)s须至少推荐%(min)d名%(clause)s，本批报送后仅%(count)d名，"
                        "不能报送完毕。可先报送本批（不勾选“报送完毕”），补齐后再报送完毕。"
                    )
                    % {"unit": unit.name, "min": quota.min, "count": count, "clause": clause},
                    code="quota",
                )


def _check_forward_deadline(
    campaign: Campaign, level: str, body: OrgUnit, batch: list[Nomination], now: dt.datetime
) -> None:
    """Refuse a forward to the next level after the deadline binding ``body`` at ``level``
    for any nomination of the batch (campaigns.selectors.forward_deadline): the deadlines
    of a cascade bind every level's 报送, not only the clerk's first submission."""
    spec = campaign.specification
    roots = within_roots(spec)
    seen: set[str | None] = set()
    for n in batch:
        if next_level(n, level) is None:
            continue
        unit = n.nominating_unit
        category = category_of(unit, spec, roots=roots) if unit else None
        key = category.code if category else None
        if key in seen:
            continue
        seen.add(key)
        deadline = forward_deadline(campaign, body, level=level, category=category)
        # Second precision, as for submissions (campaigns.selectors.window_state).
        if deadline is not None and now.replace(microsecond=0) > deadline:
            raise NominationError(
                _(
                    "%(body)s向上一级报送的截止时间为 %(at)s%(clause)s，现已逾期，不予受理。"
                    "如确需延期，请联系活动办公室办理延期。"
                )
                % {
                    "body": body.name,
                    "at": timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M"),
                    "clause": cite(deadline_source(spec, deadline)),
                },
                code="window",
            )


def _checked_batch(
    campaign: Campaign,
    *,
    level: str,
    body: OrgUnit,
    actor: User,
    order: list[int],
    now: dt.datetime | None,
    final: bool,
) -> list[Nomination]:
    """The checks of :func:`forward_nominations` (inside its transaction: the body's and
    the nominations' rows are locked); returns the batch in ``order``."""
    reason = _("您不能代表%(body)s报送。") % {"body": body.name}
    require(actor, "nominations.forward_nominations", body, reason)
    if not order or len(set(order)) != len(order):
        raise NominationError(_("请选择要报送的推荐并排好顺序，不能重复。"), field="order")
    OrgUnit.objects.select_for_update().get(pk=body.pk)
    nominations = {
        n.pk: n
        for n in Nomination.objects.select_for_update(of=("self",))
        .filter(pk__in=order, campaign=campaign)
        .select_related("award", "campaign", "nominating_unit", "workplace")
    }
    batch: list[Nomination] = []
    for pk in order:
        n = nominations.get(pk)
        if n is None:
            raise NominationError(_("所选推荐不存在或不属于本活动。"), field="order")
        level_spec = level_named(n, level)
        ready = n.state == NominationState.IN_REVIEW and n.level == level and n.level_ready
        if level_spec is None or not ready:
            raise NominationError(
                _("“%(name)s”尚未通过本级审核，不能报送。") % {"name": n.name}, code="conflict"
            )
        if body not in [b for _sg, b in bodies_at(n, level_spec)]:
            raise NominationError(
                _("“%(name)s”不由%(body)s报送。") % {"name": n.name, "body": body.name}
            )
        _check_clearances(n, level_spec)
        batch.append(n)
    _check_forward_deadline(campaign, level, body, batch, now or timezone.now())
    _check_quotas(campaign, level, batch, final=final)
    check_forward_documents(campaign, level, body, batch)
    return batch


def forward_preview(
    campaign: Campaign,
    *,
    level: str,
    body: OrgUnit,
    actor: User,
    order: list[int],
    now: dt.datetime | None = None,
    final: bool = False,
) -> list[tuple[Nomination, str]]:
    """What a forward would do, checked and not done (issue 15.3: 报送 is confirmed
    knowing what happens): every check of :func:`forward_nominations`, then the batch in
    order, each nomination with where it goes (the next level's name, or 审核通过 when
    ``level`` is its last). Raises as :func:`forward_nominations` does, naming what is
    missing; writes nothing."""
    with transaction.atomic():
        batch = _checked_batch(
            campaign, level=level, body=body, actor=actor, order=order, now=now, final=final
        )
    result = []
    for n in batch:
        following = next_level(n, level)
        result.append((n, following.name if following is not None else _("审核通过")))
    return result


@transaction.atomic
@tree_snapshot()
def forward_nominations(
    campaign: Campaign,
    *,
    level: str,
    body: OrgUnit,
    actor: User,
    order: list[int],
    now: dt.datetime | None = None,
    final: bool = False,
) -> list[Nomination]:
    """Forward ranked nominations that completed ``level`` to the next level.

    ``order`` lists the nominations best first; their ranks, per award, continue after
    what the body already forwarded at this level. The body's quota (by the specification's unit
    categories; seed 000 四: 5-10 per city; seed 001 附件1) holds across all its forwards,
    also under concurrency: the body's row is locked first. A forward to another level is
    bound by the deadline of ``body`` at ``level`` at server time ``now`` (default: now;
    campaigns.selectors.forward_deadline: the level deadlines and the internal deadlines of
    the bodies above, or the office's extension); the last level's forward approves and
    has no deadline. With ``final`` the body says this batch completes its list at the
    level (报送完毕): only then is the quota minimum checked. The body must have uploaded
    the level's required documents (推荐报告, 汇总表; specification
    ``review_chain.forward_documents``, forward_documents.check_forward_documents). The
    batch's chains read the organization tree once per unit (chain.tree_snapshot).

    Raises:
        PermissionDenied: the actor does not act for ``body``.
        NominationError: a nomination is not ready at this level for this body, the
            forward is past its deadline (``code="window"``), a required document is
            missing (``code="incomplete"``, naming each and its clause), or the quota
            maximum would be exceeded, or a ``final`` batch leaves the minimum unreached.
    """
    batch = _checked_batch(
        campaign, level=level, body=body, actor=actor, order=order, now=now, final=final
    )
    # Ranks run per award (seed 001 附件3 numbers each award's candidates from 1).
    done = Forwarding.objects.filter(nomination__campaign=campaign, level=level, body=body)
    last_rank = dict(
        done.values("nomination__award_id")
        .annotate(top=Count("id"))
        .values_list("nomination__award_id", "top")
    )
    for n in batch:
        rank = last_rank.get(n.award_id, 0) + 1
        last_rank[n.award_id] = rank
        here = level_named(n, level)
        signs_here = here is not None and n.nominating_unit in [b for _sg, b in bodies_at(n, here)]
        Forwarding.objects.create(
            nomination=n,
            level=level,
            body=body,
            rank=rank,
            quota_unit=n.nominating_unit if signs_here else None,
            forwarded_by=actor,
        )
        following = next_level(n, level)
        n.rank = rank
        n.level_ready = False
        if following is None:
            n.save(update_fields=["rank", "level_ready", "updated_at"])
            transition(n, NominationAction.APPROVE, actor=actor, role=Role.REVIEWER)
        else:
            n.level = following.code
            n.save(update_fields=["rank", "level", "level_ready", "updated_at"])
    record_audit(
        actor=actor,
        action="nomination.forward",
        object_type="accounts.orgunit",
        object_id=str(body.pk),
        after={"campaign": campaign.code, "level": level, "order": order, "final": final},
    )
    forwarded = [Nomination.objects.get(pk=pk) for pk in order]
    events.nominations_forwarded.send(
        sender=Nomination, nominations=forwarded, level=level, body=body, actor=actor
    )
    return forwarded
