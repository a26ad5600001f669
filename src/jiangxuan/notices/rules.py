"""Object permissions on public notices, objections and background checks.

Every predicate takes (user, campaign): the campaign office of a campaign runs its
notices, answers objections and records departments' opinions.
"""

import rules

from jiangxuan.accounts.enums import Role
from jiangxuan.campaigns.selectors import office_campaign_ids


@rules.predicate
def is_campaign_office(user, campaign) -> bool:
    return campaign is not None and campaign.id in office_campaign_ids(user, {Role.CAMPAIGN_OFFICE})


rules.add_perm("notices.manage_notices", is_campaign_office)
