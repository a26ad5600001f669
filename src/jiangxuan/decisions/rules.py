"""Object permissions on the final approval, the decision, certificates and payments.

The campaign office proposes, approves and revises lists, submits them to the approving
authority, records its decision, publishes the decision and issues certificates; the
leading group reads; finance sees bank accounts on the payment sheet (docs/security.md
check 20: need to know). Every object is the campaign.
"""

import rules

from jiangxuan.accounts.enums import Role
from jiangxuan.campaigns.rules import is_campaign_office
from jiangxuan.campaigns.selectors import office_campaign_ids


@rules.predicate
def is_leading_group(user, campaign) -> bool:
    return campaign is not None and campaign.pk in office_campaign_ids(user, {Role.LEADING_GROUP})


@rules.predicate
def is_finance(user, campaign) -> bool:
    return campaign is not None and campaign.pk in office_campaign_ids(user, {Role.FINANCE})


rules.add_perm("decisions.manage", is_campaign_office)
rules.add_perm("decisions.view", is_campaign_office | is_leading_group)
rules.add_perm("decisions.see_bank_accounts", is_finance)
rules.add_perm("decisions.download_payments", is_finance | is_campaign_office)
