"""The public vote's office services refuse a wrong role themselves (docs/conventions.md
8.4: views and the API declare, services enforce): only the campaign's office prepares,
opens, closes and invalidates; its leading group, another campaign's office, a clerk and
the platform administrator (a superuser) do nothing."""

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from jiangxuan.accounts.enums import Role
from jiangxuan.core.models import AuditEntry
from jiangxuan.voting import services
from jiangxuan.voting.enums import InvalidationRule
from jiangxuan.voting.models import Invalidation

from .conftest import CLOSES, OPENS, at, clear_opinions

pytestmark = pytest.mark.django_db

WRONG_ROLES = ["leading_group", "other_office", "clerk", "superuser"]


def _wrong(role, weihai, seed_campaign, role_user):
    if role == "leading_group":
        return role_user(weihai.organizer_unit, Role.LEADING_GROUP, campaign=weihai)
    if role == "other_office":
        jilin = seed_campaign("000")
        return role_user(jilin.organizer_unit, Role.CAMPAIGN_OFFICE, campaign=jilin)
    if role == "clerk":
        return role_user("wh-union", Role.CLERK)
    return role_user(None, None)


def _prepared(weihai, office):
    return services.prepare_public_vote(weihai, actor=office, opens_at=OPENS, closes_at=CLOSES)


CALLS = {
    # Each service: how the office arranges the vote, then the call the user makes.
    "prepare_public_vote": (
        lambda weihai, office: weihai,
        lambda campaign, u: services.prepare_public_vote(
            campaign, actor=u, opens_at=OPENS, closes_at=CLOSES
        ),
    ),
    "open_public_vote": (
        _prepared,
        lambda vote, u: services.open_public_vote(vote, actor=u),
    ),
    "close_public_vote": (
        lambda weihai, office: services.open_public_vote(_prepared(weihai, office), actor=office),
        lambda vote, u: services.close_public_vote(vote, actor=u),
    ),
    "invalidate_votes": (
        lambda weihai, office: services.open_public_vote(_prepared(weihai, office), actor=office),
        lambda vote, u: services.invalidate_votes(
            vote, actor=u, rule=InvalidationRule.SUBNET, reason="集中投票", subnet="10.0.0.0/24"
        ),
    ),
}


@pytest.mark.parametrize("role", WRONG_ROLES)
@pytest.mark.parametrize("service", list(CALLS))
def test_only_the_campaigns_office_acts(
    weihai, office, nominees, seed_campaign, role_user, service, role
):
    arrange, act = CALLS[service]
    clear_opinions(weihai, office, nominees)
    user = _wrong(role, weihai, seed_campaign, role_user)
    with time_machine.travel(at(2023, 7, 4, 9), tick=False):
        target = arrange(weihai, office)
        entries = AuditEntry.objects.count()

        with pytest.raises(PermissionDenied) as excinfo:
            act(target, user)

    assert "领导小组办公室" in str(excinfo.value)
    assert AuditEntry.objects.count() == entries
    assert Invalidation.objects.count() == 0
