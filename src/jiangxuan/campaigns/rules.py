"""Object permissions on campaigns."""

import rules

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.selectors import memberships_of, scope_paths

from .selectors import office_campaign_ids


def office_of(user, campaign_id: int | None) -> bool:
    """Whether ``user`` is the campaign office of the campaign ``campaign_id``: the one
    office check every app's predicates use (a membership tied to the campaign, or an untied
    one at its organizer unit; campaigns.selectors.office_campaign_ids)."""
    return campaign_id is not None and campaign_id in office_campaign_ids(
        user, {Role.CAMPAIGN_OFFICE}
    )


def office_of_any(user) -> bool:
    """Whether ``user`` is the campaign office of at least one campaign: the office keeps
    the shared expert pool and reviews its outbox (the same memberships as
    :func:`office_of`)."""
    return bool(office_campaign_ids(user, {Role.CAMPAIGN_OFFICE}))


@rules.predicate
def is_campaign_office(user, campaign) -> bool:
    return campaign is not None and office_of(user, campaign.id)


@rules.predicate
def is_clerk(user, campaign) -> bool:
    return bool(scope_paths(user, {Role.CLERK}))


@rules.predicate
def is_organizer_office(user, unit) -> bool:
    """The user is an office of ``unit`` by a membership tied to no one campaign, and so
    may create campaigns in the unit's name."""
    return unit is not None and any(
        m.role == Role.CAMPAIGN_OFFICE and m.campaign_id is None and m.org_unit_id == unit.id
        for m in memberships_of(user)
    )


@rules.predicate
def is_member_of_unit(user, unit) -> bool:
    """The user holds a membership at ``unit`` itself (any role)."""
    return unit is not None and any(m.org_unit_id == unit.id for m in memberships_of(user))


#: The campaign office changes its campaign: the specification, deadlines and extensions,
#: steps started early.
rules.add_perm("campaigns.change_campaign", is_campaign_office)
rules.add_perm("campaigns.nominate_in_campaign", is_clerk)
#: The object is the organizer unit the new campaign's specification names.
rules.add_perm("campaigns.create_campaign", is_organizer_office)
#: The object is the unit whose subtree the internal deadline binds.
rules.add_perm("campaigns.set_unit_deadline", is_member_of_unit)
