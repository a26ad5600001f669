"""Object permissions on public notices, objections and background checks.

Every predicate takes (user, campaign): the campaign office of a campaign runs its
notices, answers objections and records departments' opinions.
"""

import rules

from jiangxuan.campaigns.rules import is_campaign_office

rules.add_perm("notices.manage_notices", is_campaign_office)
