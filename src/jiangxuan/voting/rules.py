"""Object permissions of the public vote: the campaign office of a campaign prepares,
opens and closes its vote, reads the anomaly report and invalidates votes."""

import rules

from jiangxuan.campaigns.rules import is_campaign_office

rules.add_perm("voting.manage_vote", is_campaign_office)
