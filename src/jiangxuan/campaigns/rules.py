"""Object permissions on campaigns."""

import rules

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.selectors import scope_paths

from .selectors import office_campaign_ids


def office_of(user, campaign_id: int | None) -> bool:
    """Whether ``user`` is the campaign office of the campaign ``campaign_id``: the one
    office check every app's predicates use (a membership tied to the campaign, or an untied
    one at its organizer unit; campaigns.selectors.office_campaign_ids)."""
    return campaign_id is not None and campaign_id in office_campaign_ids(
        user, {Role.CAMPAIGN_OFFICE}
    )


@rules.predicate
def is_campaign_office(user, campaign) -> bool:
    return campaign is not None and office_of(user, campaign.id)


@rules.predicate
def is_clerk(user, campaign) -> bool:
    return bool(scope_paths(user, {Role.CLERK}))


#: The campaign office changes its campaign: the specification, deadlines and extensions,
#: steps started early.
rules.add_perm("campaigns.change_campaign", is_campaign_office)
rules.add_perm("campaigns.nominate_in_campaign", is_clerk)
