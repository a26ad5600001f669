"""The steps after the review chain, in the specification's order, and the gate each
one passes before it starts (issue 13: phases enforced).

A step may start only when every step the specification puts before it is done, or the
campaign office has overridden that with a recorded reason (:func:`override_step`,
audited). A step whose ``phase`` has dates binds the date of the act: a notice's first
day, a meeting's date, the authority's decision date, the decision's date (seed 004 三:
审定公示阶段 11月1日—11月20日, 表彰宣传阶段 11月21日起). Acts the platform records without
a date of their own (drawing a panel, opening the vote) are bound by order only, so a
campaign of an earlier year can still be recorded afterwards.

Whether a step is done is a fact of the app that runs it: each app registers a probe for
its kinds (:func:`register_step_probe`, in its ``AppConfig.ready``). A step no app tracks
(a qualification review without a department's opinion) counts as done.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from jiangxuan.accounts.enums import Role
from jiangxuan.core.audit import record_audit
from jiangxuan.core.errors import DomainError
from jiangxuan.core.permissions import require

from .models import Campaign, StepOverride
from .spec import CampaignSpec, Phase, Step

#: kind → probe(campaign, key) saying whether the step with ``key`` is done.
_PROBES: dict[str, Callable[[Campaign, str], bool]] = {}


class StepOutOfOrder(DomainError):
    """A step was started before the steps the specification puts before it, or outside
    its phase's dates; ``message`` is Chinese and says which (the API answers 409).
    :func:`override_step` raises it with ``code="invalid"`` (400) for its own input."""

    code = "conflict"
    status = 409


@dataclass(frozen=True)
class PlannedStep:
    """A step with its key (the kind; ``kind-2`` for a second step of the same kind, as
    ``notices.selectors.stages_of`` keys them) and its phase."""

    key: str
    step: Step
    phase: Phase | None


def register_step_probe(kind: str, probe: Callable[[Campaign, str], bool]) -> None:
    """Register how to tell whether a step of ``kind`` is done (called at app start)."""
    _PROBES[kind] = probe


def planned_steps(spec: CampaignSpec) -> list[PlannedStep]:
    """The specification's steps in order, keyed, with their phases."""
    phases = {p.code: p for p in spec.timeline.phases}
    seen: dict[str, int] = {}
    planned = []
    for step in spec.review_chain.steps:
        seen[step.kind] = seen.get(step.kind, 0) + 1
        key = step.kind if seen[step.kind] == 1 else f"{step.kind}-{seen[step.kind]}"
        planned.append(PlannedStep(key, step, phases.get(step.phase) if step.phase else None))
    return planned


def step_done(campaign: Campaign, key: str) -> bool:
    """Whether the step ``key`` is done (untracked kinds count as done)."""
    planned = next((p for p in planned_steps(campaign.specification) if p.key == key), None)
    if planned is None:
        return True
    probe = _PROBES.get(planned.step.kind)
    return True if probe is None else probe(campaign, key)


def overridden_keys(campaign: Campaign) -> set[str]:
    """Steps the office has let start out of order (:func:`override_step`)."""
    return set(StepOverride.objects.filter(campaign=campaign).values_list("step", flat=True))


def _date_text(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def check_step(campaign: Campaign, key: str, *, on: dt.date | None = None) -> None:
    """Refuse to start step ``key`` before the steps the specification puts before it are
    done, or (``on`` given) on a date outside its phase.

    An override the office recorded for ``key`` (:func:`override_step`) lifts the order
    for ``key``, and waives for every later step the steps before ``key`` (the office
    moved the campaign on to ``key``). It does not lift the phase's dates, which are the
    notice's: changing them is an edit of the specification. A key the specification
    does not have passes (the caller checks it exists).

    Raises:
        StepOutOfOrder: naming the step still to finish, or the phase and its dates.
    """
    planned = planned_steps(campaign.specification)
    index = next((i for i, p in enumerate(planned) if p.key == key), None)
    overrides = overridden_keys(campaign)
    if index is None:
        return
    current = planned[index]
    waived = max((i for i, p in enumerate(planned[: index + 1]) if p.key in overrides), default=0)
    for earlier in planned[waived:index]:
        if not step_done(campaign, earlier.key):
            raise StepOutOfOrder(
                _("按活动通知，“%(step)s”须在“%(earlier)s”完成后进行（%(source)s）。")
                % {
                    "step": current.step.name,
                    "earlier": earlier.step.name,
                    "source": current.step.source or earlier.step.source or "活动规范",
                }
            )
    phase = current.phase
    if on is None or phase is None:
        return
    if (phase.starts_on and on < phase.starts_on) or (phase.ends_on and on > phase.ends_on):
        span = "—".join(_date_text(d) for d in (phase.starts_on, phase.ends_on) if d is not None)
        raise StepOutOfOrder(
            _("“%(step)s”属于“%(phase)s”（%(span)s），%(on)s不在该阶段内。")
            % {"step": current.step.name, "phase": phase.name, "span": span, "on": _date_text(on)}
        )


def first_approval_key(spec: CampaignSpec) -> str | None:
    """The key of the first step that approves the list (the leading group's, else the
    authority's, else the decision): proposing a list starts it (seed 003 二(二)5: 综合
    网络投票、专家评审和有关部门审查意见，提出拟命名人选方案)."""
    for kind in ("leading_group_approval", "government_approval", "decision"):
        planned = next((p for p in planned_steps(spec) if p.step.kind == kind), None)
        if planned is not None:
            return planned.key
    return None


@transaction.atomic
def override_step(campaign: Campaign, key: str, *, reason: str, actor) -> StepOverride:
    """The campaign office lets step ``key`` start although an earlier step is not done,
    with a recorded reason (audited); see :func:`check_step`.

    Raises:
        PermissionDenied: the actor is not the campaign's office.
        StepOutOfOrder: the step is not in the specification, or no reason was given.
    """
    require(actor, "campaigns.change_campaign", campaign, _("只有活动办公室可以决定提前进行环节。"))
    planned = next((p for p in planned_steps(campaign.specification) if p.key == key), None)
    if planned is None:
        raise StepOutOfOrder(_("活动规范中没有该环节。"), code="invalid", field="step")
    reason = (reason or "").strip()
    if not reason:
        raise StepOutOfOrder(_("请填写提前进行该环节的理由。"), code="invalid", field="reason")
    row = StepOverride.objects.create(campaign=campaign, step=key, reason=reason, created_by=actor)
    record_audit(
        actor=actor,
        action="campaign.step_override",
        obj=campaign,
        role=Role.CAMPAIGN_OFFICE,
        after={"step": key, "name": planned.step.name, "reason": reason},
    )
    return row
