"""load_campaign and update_campaign_spec."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from jiangxuan.campaigns.enums import CampaignState
from jiangxuan.campaigns.models import Award
from jiangxuan.campaigns.services import load_campaign, update_campaign_spec
from jiangxuan.campaigns.spec import SpecError
from jiangxuan.conftest import seed_spec_path
from jiangxuan.core.audit import verify_audit_chain
from jiangxuan.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _office(campaign):
    """A campaign office member of ``campaign`` (the only role that edits its spec)."""
    from jiangxuan.accounts.enums import Role
    from jiangxuan.accounts.models import Membership

    user = get_user_model().objects.create_user(f"office{campaign.pk}", password="x")
    Membership.objects.create(
        user=user, org_unit=campaign.organizer_unit, role=Role.CAMPAIGN_OFFICE, campaign=campaign
    )
    return user


def _text(number: str) -> str:
    return seed_spec_path(number).read_text(encoding="utf-8")


def test_load_campaign_from_text_starts_as_draft(orgs):
    campaign = load_campaign(_text("003"))
    assert campaign.state == CampaignState.DRAFT
    assert campaign.spec_yaml == _text("003")
    assert len(campaign.spec_digest) == 64
    assert campaign.spec["code"] == "weihai-gongjiang-2023"
    assert campaign.specification.timeline.submission.closes_at == campaign.submission_closes_at
    entry = AuditEntry.objects.get(action="campaign.load")
    assert (entry.actor, entry.object_id, entry.after["source"]) == (
        None,
        str(campaign.pk),
        "<spec>",
    )
    assert verify_audit_chain() is None


def test_load_campaign_keeps_state_unless_given(orgs):
    load_campaign(seed_spec_path("004"), state=CampaignState.PUBLISHED)
    assert load_campaign(seed_spec_path("004")).state == CampaignState.PUBLISHED
    assert load_campaign(seed_spec_path("004"), state=CampaignState.CLOSED).state == "closed"


def test_a_new_campaign_loads_in_as_many_queries_whatever_its_awards(
    orgs, django_assert_num_queries
):
    # Seed 001 has two awards, 004 one: the awards go in one INSERT, and a new campaign
    # has no awards or versions to read first. Savepoint and release, the campaign's
    # lookup, the org units, the campaign, its awards, its first version, the audit
    # head and entry: 9 (SQLite moves the audit head in a statement of its own).
    queries = 9 if connection.vendor == "postgresql" else 10
    with django_assert_num_queries(queries):
        changchun = load_campaign(seed_spec_path("001"))
    with django_assert_num_queries(queries):
        load_campaign(seed_spec_path("004"))
    assert list(changchun.awards.values_list("code", "position")) == [
        ("jineng-dajiang", 0),
        ("jishu-nengshou", 1),
    ]
    assert changchun.versions.get().number == 1
    assert changchun.organizer_unit.code == "cc-hrss"


def test_load_campaign_refuses_unknown_org_code(orgs):
    text = _text("002").replace("org: jz-hrss", "org: jz-nowhere")
    with pytest.raises(SpecError) as excinfo:
        load_campaign(text, source="jz.yaml")
    assert excinfo.value.messages == ["organizers[1].org：组织树中没有代码为 jz-nowhere 的单位"]


def test_load_campaign_without_orgs_reports_every_missing_code(db):
    with pytest.raises(SpecError) as excinfo:
        load_campaign(seed_spec_path("000"))
    assert excinfo.value.messages == [
        "organizers[0].org：组织树中没有代码为 jl-union 的单位",
        "organizers[1].org：组织树中没有代码为 jl-hrss 的单位",
        "timeline.internal_deadlines[0].org：组织树中没有代码为 jl-szjg-union 的单位",
        "unit_categories[0].match.within：组织树中没有代码为 jilin 的单位",
        "unit_categories[1].match.orgs：组织树中没有代码为 jl-szjg-union 的单位",
    ]


def test_update_campaign_spec_changes_awards_and_audits(seed_campaign):
    campaign = seed_campaign("001")
    office = _office(campaign)
    before = campaign.spec_digest
    text = _text("001").replace(
        "count: 10            # 一(二)\n    prize_yuan: 5000", "count: 12\n    prize_yuan: 5000"
    )
    updated = update_campaign_spec(campaign, text, actor=office, reason="名额调整")
    assert Award.objects.get(campaign=updated, code="jishu-nengshou").count == 12
    assert updated.specification.award("jishu-nengshou").count == 12
    entry = AuditEntry.objects.get(action="campaign.update_spec")
    assert entry.actor == office
    assert entry.before == {"spec_digest": before}
    assert entry.after == {"spec_digest": updated.spec_digest, "version": 2, "reason": "名额调整"}
    assert updated.spec_digest != before


def test_update_campaign_spec_refuses_code_change(seed_campaign):
    campaign = seed_campaign("003")
    text = _text("003").replace("code: weihai-gongjiang-2023", "code: weihai-gongjiang-2024")
    with pytest.raises(SpecError) as excinfo:
        update_campaign_spec(campaign, text, actor=_office(campaign))
    assert excinfo.value.messages == ["code：活动代码不能修改（原为 weihai-gongjiang-2023）"]


def test_update_campaign_spec_refuses_invalid_text(seed_campaign):
    campaign = seed_campaign("003")
    with pytest.raises(SpecError) as excinfo:
        update_campaign_spec(
            campaign, _text("003").replace("year: 2023", "year: 1999"), actor=_office(campaign)
        )
    assert excinfo.value.messages == ["year：数值太小（界限 2000）"]
    campaign.refresh_from_db()
    assert campaign.spec_yaml == _text("003")


def _drop_nengshou(text: str) -> str:
    start = text.index("  - code: jishu-nengshou")
    end = text.index("\ntimeline:")
    text = text[:start] + text[end:]
    return "\n".join(line for line in text.splitlines() if "award: jishu-nengshou" not in line)


def test_dropped_award_without_nominations_is_removed(seed_campaign):
    campaign = seed_campaign("001")
    updated = update_campaign_spec(
        campaign, _drop_nengshou(_text("001")), actor=_office(campaign), reason="取消奖项"
    )
    assert list(updated.awards.values_list("code", flat=True)) == ["jineng-dajiang"]


def test_dropped_award_with_nominations_is_refused(seed_campaign, orgs):
    from jiangxuan.nominations.models import Nomination

    campaign = seed_campaign("001")
    clerk = get_user_model().objects.create_user("clerk", password="x")
    Nomination.objects.create(
        campaign=campaign,
        award=campaign.awards.get(code="jishu-nengshou"),
        channel="unit",
        workplace=orgs["cc-huarui-machinery"],
        created_by=clerk,
        name="张伟",
    )
    with pytest.raises(SpecError) as excinfo:
        update_campaign_spec(
            campaign, _drop_nengshou(_text("001")), actor=_office(campaign), reason="取消奖项"
        )
    assert excinfo.value.messages == [
        "awards：奖项 jishu-nengshou（长春技术能手）已有推荐，不能从活动规范中删除"
    ]
    assert list(campaign.awards.values_list("code", flat=True)) == [
        "jineng-dajiang",
        "jishu-nengshou",
    ]
