"""Specification history (issue 12.6): every change to a campaign's specification is a
version with its text, actor, time and reason; a campaign-wide deadline extension is one
recorded change; a campaign office creates a campaign from a specification."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import Membership, User
from jiangxuan.campaigns import services
from jiangxuan.campaigns.enums import CampaignState, SpecChange
from jiangxuan.campaigns.models import Campaign
from jiangxuan.campaigns.selectors import spec_diff, spec_versions
from jiangxuan.campaigns.spec import SpecError
from jiangxuan.core.audit import verify_audit_chain
from jiangxuan.core.models import AuditEntry

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def member(unit, role=Role.CAMPAIGN_OFFICE, campaign=None):
    user = User.objects.create_user(f"u{User.objects.count()}", password="x")
    Membership.objects.create(user=user, org_unit=unit, role=role, campaign=campaign)
    return user


@pytest.fixture
def changchun(seed_campaign):
    return seed_campaign("001")


def test_a_loaded_campaign_starts_at_version_one(changchun):
    [version] = spec_versions(changchun)
    assert (version.number, version.change, version.spec_yaml) == (
        1,
        SpecChange.LOAD,
        changchun.spec_yaml,
    )


def test_a_published_campaign_changes_only_with_a_reason(changchun, orgs):
    office = member(orgs["cc-hrss"])
    edited = changchun.spec_yaml.replace("第三届长春技能大奖", "第三届长春技能大奖（修订）", 1)

    with pytest.raises(services.SpecChangeError) as excinfo:
        services.update_campaign_spec(changchun, edited, actor=office, reason="  ")
    assert excinfo.value.field == "reason"
    assert Campaign.objects.get(pk=changchun.pk).spec_yaml == changchun.spec_yaml

    services.update_campaign_spec(changchun, edited, actor=office, reason="更正标题")
    newest = spec_versions(changchun).first()
    assert (newest.number, newest.change, newest.reason, newest.actor) == (
        2,
        SpecChange.EDIT,
        "更正标题",
        office,
    )
    assert newest.spec_yaml == edited


def test_a_draft_changes_without_a_reason_and_an_unchanged_text_adds_no_version(
    seed_campaign, orgs
):
    draft = seed_campaign("003", state=CampaignState.DRAFT)
    office = member(orgs["wh-union"], campaign=draft)
    services.update_campaign_spec(draft, draft.spec_yaml, actor=office)
    assert spec_versions(draft).count() == 1
    edited = draft.spec_yaml.replace("year: 2023", "year: 2024", 1)
    services.update_campaign_spec(draft, edited, actor=office)
    assert [v.number for v in spec_versions(draft)] == [2, 1]


def test_extension_rewrites_one_line_and_is_one_recorded_change(changchun, orgs):
    office = member(orgs["cc-hrss"], campaign=changchun)
    new_deadline = dt.datetime(2022, 11, 4, 17, 0, tzinfo=SH)

    services.extend_submission_window(
        changchun, closes_at=new_deadline, reason="受疫情影响，统一延期", actor=office
    )

    changchun.refresh_from_db()
    assert changchun.submission_closes_at == new_deadline
    newest, before = spec_versions(changchun)[:2]
    assert (newest.change, newest.reason) == (SpecChange.EXTENSION, "受疫情影响，统一延期")
    changed = [row for row in spec_diff(before.spec_yaml, newest.spec_yaml) if row.tag != "equal"]
    assert [(row.old_text, row.new_text) for row in changed] == [
        ("    closes_at: 2022-10-26 23:59:59", "    closes_at: 2022-11-04 17:00:00")
    ]
    # The notice's comment above the line is kept.
    assert "# 六：于10月24-26日报送，提前或逾期均不予受理" in newest.spec_yaml
    entry = AuditEntry.objects.get(action="campaign.extend_window")
    assert entry.after["reason"] == "受疫情影响，统一延期"
    assert entry.after["version"] == newest.number
    assert verify_audit_chain() is None


@pytest.mark.parametrize(
    ("closes_at", "reason", "field"),
    [
        (dt.datetime(2022, 11, 4, 17, tzinfo=SH), " ", "reason"),
        (dt.datetime(2022, 10, 20, 17, tzinfo=SH), "提前截止", "closes_at"),
    ],
)
def test_extension_needs_a_reason_and_a_later_deadline(changchun, orgs, closes_at, reason, field):
    office = member(orgs["cc-hrss"], campaign=changchun)
    with pytest.raises(services.SpecChangeError) as excinfo:
        services.extend_submission_window(
            changchun, closes_at=closes_at, reason=reason, actor=office
        )
    assert excinfo.value.field == field
    assert spec_versions(changchun).count() == 1


def test_only_the_campaigns_office_extends(changchun, orgs):
    with pytest.raises(PermissionDenied):
        services.extend_submission_window(
            changchun,
            closes_at=dt.datetime(2022, 11, 4, tzinfo=SH),
            reason="延期",
            actor=member(orgs["cc-chaoyang-hrss"], role=Role.CLERK),
        )


def test_a_campaign_without_one_deadline_is_told_where_to_extend(seed_campaign, orgs):
    jilin = seed_campaign("000")
    office = member(jilin.organizer_unit, campaign=jilin)
    with pytest.raises(services.SpecChangeError) as excinfo:
        services.extend_submission_window(
            jilin, closes_at=dt.datetime(2022, 1, 4, tzinfo=SH), reason="延期", actor=office
        )
    assert "单位截止时间" in excinfo.value.message


def _next_edition(text: str) -> str:
    return text.replace("code: changchun-jineng-2022", "code: changchun-jineng-2024", 1)


def test_the_organizers_office_creates_a_draft_from_an_earlier_edition(changchun, orgs):
    office = member(orgs["cc-hrss"])
    campaign = services.create_campaign(_next_edition(changchun.spec_yaml), actor=office)
    assert (campaign.code, campaign.state) == ("changchun-jineng-2024", CampaignState.DRAFT)
    [version] = spec_versions(campaign)
    assert (version.change, version.actor) == (SpecChange.CREATE, office)
    assert AuditEntry.objects.filter(action="campaign.create", actor=office).exists()


def test_another_units_office_cannot_create_in_the_organizers_name(changchun, orgs):
    with pytest.raises(PermissionDenied):
        services.create_campaign(
            _next_edition(changchun.spec_yaml), actor=member(orgs["cc-chaoyang-hrss"])
        )
    assert not Campaign.objects.filter(code="changchun-jineng-2024").exists()


def test_a_code_in_use_is_refused_with_its_line(changchun, orgs):
    with pytest.raises(SpecError) as excinfo:
        services.create_campaign(changchun.spec_yaml, actor=member(orgs["cc-hrss"]))
    assert "已被使用" in excinfo.value.messages[0]
    assert excinfo.value.lines[0] is not None


def test_only_the_campaigns_office_edits_the_spec(changchun, orgs):
    edited = changchun.spec_yaml.replace("第三届长春技能大奖", "第三届长春技能大奖（修订）", 1)
    for user in (
        member(orgs["cc-chaoyang-hrss"], role=Role.CLERK),
        member(orgs["cc-hrss"], role=Role.LEADING_GROUP, campaign=changchun),
        member(orgs["jz-union"]),
    ):
        with pytest.raises(PermissionDenied):
            services.update_campaign_spec(changchun, edited, actor=user, reason="改标题")
    assert spec_versions(changchun).count() == 1
