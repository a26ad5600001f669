"""The campaigns services refuse a wrong role themselves (docs/conventions.md 8.4: views
and the API declare, services enforce). The campaign's office changes its specification,
extends windows and deadlines and starts steps early; an untied office of the organizer
unit creates campaigns in its name; a unit's own people set its internal deadline. The
leading group, another campaign's office, a clerk and the platform administrator (a
superuser) are refused, and nothing is written."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied

from jiangxuan.accounts.enums import Role
from jiangxuan.campaigns import services
from jiangxuan.campaigns.models import Campaign, SpecVersion, UnitDeadline
from jiangxuan.campaigns.steps import override_step
from jiangxuan.core.models import AuditEntry

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
LATER = dt.datetime(2022, 10, 28, 17, tzinfo=SH)
EARLIER = dt.datetime(2022, 10, 25, 12, tzinfo=SH)


@pytest.fixture
def changchun(seed_campaign):
    """Seed 001 (长春市技术能手), organized by 长春市人社局 (cc-hrss)."""
    return seed_campaign("001")


def _user(role, changchun, seed_campaign, role_user):
    if role == "leading_group":
        return role_user("cc-hrss", Role.LEADING_GROUP, campaign=changchun)
    if role == "tied_office":
        # The office of this one campaign, not of the unit: it may not found others.
        return role_user("cc-hrss", Role.CAMPAIGN_OFFICE, campaign=changchun)
    if role == "untied_office":
        return role_user("cc-hrss", Role.CAMPAIGN_OFFICE)
    if role == "other_office":
        jilin = seed_campaign("000")
        return role_user(jilin.organizer_unit, Role.CAMPAIGN_OFFICE, campaign=jilin)
    if role == "clerk":
        return role_user("cc-chaoyang-hrss", Role.CLERK)
    if role == "other_clerk":
        return role_user("cc-nanguan-hrss", Role.CLERK)
    return role_user(None, None)


def _calls(changchun, orgs):
    county = orgs["cc-chaoyang-hrss"]
    text = changchun.spec_yaml
    return {
        "update_campaign_spec": lambda u: services.update_campaign_spec(
            changchun, text, actor=u, reason="更正"
        ),
        "extend_submission_window": lambda u: services.extend_submission_window(
            changchun, closes_at=LATER, reason="延期", actor=u
        ),
        "create_campaign": lambda u: services.create_campaign(
            text.replace("code: changchun-jineng-2022", "code: changchun-jineng-2024", 1),
            actor=u,
        ),
        "set_internal_deadline": lambda u: services.set_internal_deadline(
            changchun, county, closes_at=EARLIER, actor=u
        ),
        "extend_deadline": lambda u: services.extend_deadline(
            changchun, county, closes_at=LATER, reason="延期", actor=u
        ),
        "override_step": lambda u: override_step(
            changchun, "government_approval", reason="提前", actor=u
        ),
        "adjust_numbers": lambda u: services.adjust_numbers(
            changchun, numbers={("quotas", 0, "max"): 4}, reason="调整", actor=u
        ),
        "edit_notice_texts": lambda u: services.edit_notice_texts(
            changchun, texts={"decision.cc": "长春市总工会办公室"}, reason="更正", actor=u
        ),
    }


OUTSIDERS = ["leading_group", "other_office", "clerk", "superuser"]
CASES = (
    [
        (s, r)
        for s in (
            "update_campaign_spec",
            "extend_submission_window",
            "extend_deadline",
            "override_step",
            "adjust_numbers",
            "edit_notice_texts",
        )
        for r in OUTSIDERS
    ]
    + [("create_campaign", r) for r in [*OUTSIDERS, "tied_office"]]
    + [
        ("set_internal_deadline", r)
        for r in ("leading_group", "other_office", "other_clerk", "superuser")
    ]
)


@pytest.mark.parametrize(("service", "role"), CASES)
def test_a_wrong_role_is_refused(changchun, orgs, seed_campaign, role_user, service, role):
    user = _user(role, changchun, seed_campaign, role_user)
    counts = [m.objects.count() for m in (AuditEntry, Campaign, SpecVersion, UnitDeadline)]

    with pytest.raises(PermissionDenied):
        _calls(changchun, orgs)[service](user)

    assert [m.objects.count() for m in (AuditEntry, Campaign, SpecVersion, UnitDeadline)] == (
        counts
    )


def test_the_organizers_untied_office_creates(changchun, orgs, role_user):
    """The right role passes the same check (the refusals above are about the role)."""
    office = role_user("cc-hrss", Role.CAMPAIGN_OFFICE)

    campaign = _calls(changchun, orgs)["create_campaign"](office)

    assert campaign.code == "changchun-jineng-2024"
