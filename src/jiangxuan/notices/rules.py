"""Object permissions on public notices, objections and background checks.

``notices.manage_notices`` takes (user, campaign): the campaign office of a campaign runs
its notices, answers objections and records departments' opinions.
``notices.run_notice`` takes (user, scope), a :class:`NoticeScope`: who may open, publish
and close a notice of these nominations at this stage. The office may at every stage; a
body that signs at a review level may at that level, for the nominations it signs for
there (seed 000 四1: 所在单位公示; seed 001 三(一)2-3: 本单位公示, 推荐单位公示).
``notices.record_finding`` takes (user, objection): the office or the person it assigned the
objection to records what the verification found.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import rules

from jiangxuan.campaigns.rules import is_campaign_office, office_of
from jiangxuan.nominations.chain import OrgIndex, bodies_at, level_named, signing_units


@dataclass(frozen=True)
class NoticeScope:
    """What a notice is about: the campaign, the stage (a level's code or a step's key),
    the body holding it (None for a social notice) and the nominations on it."""

    campaign: Any
    stage: str
    body: Any
    nominations: tuple[Any, ...]


@rules.predicate
def is_scope_office(user, scope) -> bool:
    """The user is the office of the scope's campaign."""
    return scope is not None and office_of(user, scope.campaign.id)


@rules.predicate
def signs_at_level(user, scope) -> bool:
    """The user is a reviewer or clerk of the scope's body, the stage is a review level
    of the campaign's chain, and for every nomination of the scope (at least one, all of
    this campaign) the body is one that signs at that level (nominations.chain)."""
    if scope is None or scope.body is None or not scope.nominations:
        return False
    spec = scope.campaign.specification
    if scope.stage not in {level.code for level in spec.review_chain.levels}:
        return False
    if scope.body.id not in signing_units(user):
        return False
    if any(n.campaign_id != scope.campaign.id for n in scope.nominations):
        return False
    tree = OrgIndex.around(
        [u for n in scope.nominations for u in (n.workplace, n.nominating_unit)], spec
    )
    for nomination in scope.nominations:
        level = level_named(nomination, scope.stage, tree=tree)
        if level is None:
            return False
        if scope.body not in [body for _sg, body in bodies_at(nomination, level, tree=tree)]:
            return False
    return True


@rules.predicate
def is_objections_office(user, objection) -> bool:
    """The user is the office of the campaign whose notice drew the objection."""
    return objection is not None and office_of(user, objection.notice.campaign_id)


@rules.predicate
def is_assignee(user, objection) -> bool:
    """The objection was assigned to the user for verification (交办核查)."""
    return objection is not None and user.pk is not None and objection.assigned_to_id == user.pk


rules.add_perm("notices.manage_notices", is_campaign_office)
rules.add_perm("notices.run_notice", is_scope_office | signs_at_level)
rules.add_perm("notices.record_finding", is_objections_office | is_assignee)
