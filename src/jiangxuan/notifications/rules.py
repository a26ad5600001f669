"""Object permissions on notifications: the campaign office reviews the outbox of its
campaign (messages to nominees go out only after its review)."""

import rules

from jiangxuan.campaigns.rules import is_campaign_office

rules.add_perm("notifications.review_outbox", is_campaign_office)
