"""The nomination state machine: the only code that writes ``Nomination.state``.

``TRANSITIONS`` is the whole table; anything not in it is refused. The review chain
(levels, signing bodies) moves ``Nomination.level`` separately and calls
:func:`transition` for the state changes it causes.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiangxuan.campaigns.lifecycle import CampaignClosed, ensure_writable
from jiangxuan.core.audit import record_audit
from jiangxuan.core.errors import SHARED_STATUSES, DomainError
from jiangxuan.core.permissions import require

from .enums import NominationAction as A
from .enums import NominationState as S
from .models import Nomination


class NominationError(DomainError):
    """A nomination service refused a request; ``message`` is Chinese and says why.

    ``code`` is ``invalid``, ``incomplete``, ``ineligible``, ``quota`` or ``window`` (400),
    ``conflict`` (the nomination's state does not allow the action) or ``closed`` (the
    campaign's stage takes no new nominations), both 409.
    """

    statuses = {**SHARED_STATUSES, "closed": 409}


class InvalidTransition(NominationError):
    """The action is not allowed in the nomination's current state (HTTP 409)."""

    code = "conflict"
    status = 409


TRANSITIONS: dict[tuple[str, str], str] = {
    (S.DRAFT, A.SUBMIT): S.SUBMITTED,
    (S.RETURNED, A.SUBMIT): S.SUBMITTED,
    (S.DRAFT, A.WITHDRAW): S.WITHDRAWN,
    (S.SUBMITTED, A.WITHDRAW): S.WITHDRAWN,
    (S.RETURNED, A.WITHDRAW): S.WITHDRAWN,
    (S.SUBMITTED, A.START_REVIEW): S.IN_REVIEW,
    (S.SUBMITTED, A.RETURN): S.RETURNED,
    (S.IN_REVIEW, A.RETURN): S.RETURNED,
    (S.IN_REVIEW, A.APPROVE): S.APPROVED,
    (S.SUBMITTED, A.REJECT): S.REJECTED,
    (S.IN_REVIEW, A.REJECT): S.REJECTED,
    (S.SUBMITTED, A.REVOKE): S.REVOKED,
    (S.IN_REVIEW, A.REVOKE): S.REVOKED,
    (S.APPROVED, A.REVOKE): S.REVOKED,
}


def allowed_actions(state: str) -> list[str]:
    """Actions the table allows from ``state`` (permissions aside)."""
    return [action for (source, action) in TRANSITIONS if source == state]


@transaction.atomic
def transition(
    nomination: Nomination,
    action: str,
    *,
    actor: Any,
    opinion: str = "",
    role: str = "",
    changes: dict[str, Any] | None = None,
    correction_reason: str = "",
) -> Nomination:
    """Move a nomination along ``TRANSITIONS``.

    A decided or archived campaign is read-only (campaigns.lifecycle): a transition there
    needs ``correction_reason``, the office's recorded reason, which the audit entry
    carries (issue 13).

    In order: locks the row (``select_for_update``), checks the campaign's stage, looks up
    ``(state, action)``, checks
    ``actor.has_perm("nominations.<action>_nomination", nomination)``, saves the new state
    (and ``changes``, other fields the caller sets with it) and writes the audit entry in
    the same transaction. ``nomination`` is refreshed in place.

    Raises:
        InvalidTransition: the action is not allowed from the current state, or the
            campaign is decided or archived and no correction reason was given.
        PermissionDenied: the actor may not take the action on this nomination.
    """
    locked = (
        Nomination.objects.select_for_update(of=("self",))
        .select_related("campaign")
        .get(pk=nomination.pk)
    )
    try:
        ensure_writable(locked.campaign, correction_reason=correction_reason)
    except CampaignClosed as exc:
        raise InvalidTransition(exc.message) from exc
    target = TRANSITIONS.get((locked.state, action))
    if target is None:
        raise InvalidTransition(
            _("当前状态为“%(state)s”，不能%(action)s。")
            % {"state": S(locked.state).label, "action": A(action).label}
        )
    if actor is not None:
        reason = _("您无权对此推荐执行“%(action)s”。") % {"action": A(action).label}
        require(actor, f"nominations.{action}_nomination", locked, reason)
    before = locked.state
    locked.state = target
    fields = {"state", "updated_at"}
    if action == A.SUBMIT:
        locked.submitted_at = timezone.now()
        fields.add("submitted_at")
    for name, value in (changes or {}).items():
        setattr(locked, name, value)
        fields.add(name)
    locked.save(update_fields=fields)
    record_audit(
        actor=actor,
        action=f"nomination.{action}",
        obj=locked,
        role=role,
        before={"state": before},
        after={
            "state": target,
            "opinion": opinion,
            **({"correction": correction_reason.strip()} if correction_reason.strip() else {}),
            **{k: str(v) for k, v in (changes or {}).items()},
        },
    )
    nomination.refresh_from_db()
    return nomination
