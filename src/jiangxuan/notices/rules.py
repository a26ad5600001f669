"""Object permissions on public notices, objections and background checks.

``notices.manage_notices`` takes (user, campaign): the campaign office of a campaign runs
its notices, answers objections and records departments' opinions.
``notices.record_finding`` takes (user, objection): the office or the person it assigned the
objection to records what the verification found.
"""

import rules

from jiangxuan.campaigns.rules import is_campaign_office, office_of


@rules.predicate
def is_objections_office(user, objection) -> bool:
    """The user is the office of the campaign whose notice drew the objection."""
    return objection is not None and office_of(user, objection.notice.campaign_id)


@rules.predicate
def is_assignee(user, objection) -> bool:
    """The objection was assigned to the user for verification (交办核查)."""
    return objection is not None and user.pk is not None and objection.assigned_to_id == user.pk


rules.add_perm("notices.manage_notices", is_campaign_office)
rules.add_perm("notices.record_finding", is_objections_office | is_assignee)
