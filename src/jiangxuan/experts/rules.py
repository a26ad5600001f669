"""Recusal (回避) predicates and object permissions of expert review.

A conflict between an expert and a nominee (seed 002 四(三); issue 4 "Expert pool"):
the expert's unit is the nominee's workplace or nominating unit, or the expert declared a
relationship with the nomination, with the person (same ID-number blind index) or with
the nominee's workplace or nominating unit.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import rules
from django.utils.translation import gettext as _

from jiangxuan.campaigns.rules import office_of, office_of_any

from .enums import MemberRole
from .models import PanelMember

if TYPE_CHECKING:
    from jiangxuan.nominations.models import Nomination

    from .models import Expert, ExpertRelationship, Panel


def conflict_reasons(
    expert: Expert, nomination: Nomination, relationships: Iterable[ExpertRelationship]
) -> list[str]:
    """Why ``expert`` may not review ``nomination`` (empty list: no conflict).

    ``relationships`` are the expert's declared relationships (passed in so that callers
    checking many pairs load them once). Reasons are Chinese, for the draw record.
    """
    reasons = []
    units = {nomination.workplace_id, nomination.nominating_unit_id} - {None}
    if expert.org_unit_id is not None and expert.org_unit_id == nomination.workplace_id:
        reasons.append(_("与推荐对象同一工作单位"))
    elif expert.org_unit_id is not None and expert.org_unit_id in units:
        reasons.append(_("所在单位为推荐对象的推荐单位"))
    for relation in relationships:
        same_nomination = relation.nomination_id is not None and (
            relation.nomination_id == nomination.pk
        )
        same_person = bool(relation.person_index) and relation.person_index == nomination.id_index
        same_unit = relation.org_unit_id is not None and relation.org_unit_id in units
        if same_nomination or same_person or same_unit:
            reasons.append(
                _("申报的%(kind)s%(note)s")
                % {
                    "kind": relation.get_kind_display(),
                    "note": f"（{relation.note}）" if relation.note else "",
                }
            )
    return reasons


@rules.predicate
def is_campaign_office(user, panel) -> bool:
    """The user is the campaign office of the panel's campaign."""
    return panel is not None and office_of(user, panel.campaign_id)


@rules.predicate
def is_own_membership(user, member) -> bool:
    """The panel membership belongs to the signed-in expert."""
    expert = getattr(member, "expert", None)
    return expert is not None and expert.user_id is not None and expert.user_id == user.pk


@rules.predicate
def is_office_of_members_panel(user, member) -> bool:
    """The user is the campaign office of the panel the membership belongs to."""
    return member is not None and office_of(user, member.panel.campaign_id)


@rules.predicate
def is_panel_chair(user, panel: Panel) -> bool:
    """The user is the expert who chairs the panel (组长)."""
    return (
        panel is not None
        and user.is_authenticated
        and PanelMember.objects.filter(
            panel=panel, role=MemberRole.CHAIR, expert__user=user
        ).exists()
    )


@rules.predicate
def is_pool_office(user, expert) -> bool:
    """The user runs at least one campaign as its office, and so keeps the expert pool
    (the pool is shared by the campaigns; the object, an expert, does not narrow it)."""
    return office_of_any(user)


@rules.predicate
def is_own_active_assignment(user, assignment) -> bool:
    """The assignment is the signed-in expert's, still active (not recused), and the expert
    has confirmed the confidentiality undertaking (seed 002 四(三))."""
    member = assignment.member
    return (
        assignment.active
        and member.confidentiality_confirmed_at is not None
        and is_own_membership(user, member)
    )


@rules.predicate
def is_blind_review(user, assignment) -> bool:
    """The assignment's panel reviews blind (匿名评审: names and workplaces hidden)."""
    return assignment.member.panel.blind


rules.add_perm("experts.manage_panel", is_campaign_office)
rules.add_perm("experts.score_assignment", is_own_active_assignment)
#: The evidence of a nomination is opened (a watermarked copy) by the expert who scores it,
#: on a panel that does not review blind: scans and photos show the nominee (issue 15.8).
rules.add_perm("experts.view_review_evidence", is_own_active_assignment & ~is_blind_review)
rules.add_perm("experts.confirm_confidentiality", is_own_membership)
#: A recusal (回避) is declared by the campaign office or by the member's own expert.
rules.add_perm("experts.record_recusal", is_office_of_members_panel | is_own_membership)
#: A ballot is closed (计票) by the panel's chair or the campaign office.
rules.add_perm("experts.close_ballot", is_panel_chair | is_campaign_office)
rules.add_perm("experts.manage_pool", is_pool_office)
