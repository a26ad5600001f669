"""Object permissions of the public vote: the campaign office of a campaign prepares,
opens and closes its vote, reads the anomaly report and invalidates votes."""

import rules

from jiangxuan.accounts.enums import Role
from jiangxuan.campaigns.selectors import office_campaign_ids


@rules.predicate
def is_campaign_office(user, campaign) -> bool:
    return campaign is not None and campaign.id in office_campaign_ids(user, {Role.CAMPAIGN_OFFICE})


rules.add_perm("voting.manage_vote", is_campaign_office)
