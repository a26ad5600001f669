"""Object permissions on campaigns."""

import rules

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.selectors import scope_paths

from .selectors import office_campaign_ids


@rules.predicate
def is_campaign_office(user, campaign) -> bool:
    return campaign is not None and campaign.id in office_campaign_ids(user, {Role.CAMPAIGN_OFFICE})


@rules.predicate
def is_clerk(user, campaign) -> bool:
    return bool(scope_paths(user, {Role.CLERK}))


rules.add_perm("campaigns.change_campaign", is_campaign_office)
rules.add_perm("campaigns.nominate_in_campaign", is_clerk)
