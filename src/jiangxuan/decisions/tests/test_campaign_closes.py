"""Issue 13: a campaign closes with its decision. After the commendation decision is
published the campaign is decided: no new drafts, no edits, no state changes, except the
office's recorded corrections."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from jiangxuan.accounts.enums import Role
from jiangxuan.campaigns.enums import CampaignStage
from jiangxuan.campaigns.lifecycle import archive_campaign, campaign_stage
from jiangxuan.core.models import AuditEntry
from jiangxuan.decisions.tests.conftest import user_with_role
from jiangxuan.nominations import services as nomination_services
from jiangxuan.nominations.enums import NominationAction
from jiangxuan.nominations.workflow import InvalidTransition, NominationError, transition

pytestmark = pytest.mark.django_db

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def test_stages_follow_the_window_and_the_decision(seed_campaign):
    campaign = seed_campaign("004")  # 申报 2021-08-16 … 2021-09-10

    assert campaign_stage(campaign, dt.datetime(2021, 8, 2, tzinfo=SHANGHAI)) == "published"
    assert campaign_stage(campaign, dt.datetime(2021, 8, 20, tzinfo=SHANGHAI)) == "open"
    assert campaign_stage(campaign, dt.datetime(2021, 9, 11, tzinfo=SHANGHAI)) == "review"
    assert campaign_stage(seed_campaign("001", state="draft")) == CampaignStage.DRAFT


def test_decided_campaign_takes_no_new_draft(published):
    campaign, award, _noms, _office, _decision = published
    clerk = user_with_role("jz-jiefang-union", Role.CLERK)

    with pytest.raises(NominationError) as excinfo:
        nomination_services.create_nomination(campaign=campaign, award=award, actor=clerk)

    assert campaign_stage(campaign) == CampaignStage.DECIDED
    assert excinfo.value.code == "closed"
    assert "发布表彰决定，活动已结束" in excinfo.value.message
    assert AuditEntry.objects.filter(action="campaign.decided").count() == 1


def test_decided_campaign_refuses_transitions_but_takes_a_recorded_correction(published):
    _campaign, _award, noms, _office, _decision = published

    with pytest.raises(InvalidTransition, match="活动已结束"):
        transition(noms[0], NominationAction.REVOKE, actor=None, opinion="x")
    transition(
        noms[0],
        NominationAction.REVOKE,
        actor=None,
        opinion="经核查不符合条件",
        correction_reason="表彰决定发布后查实，予以更正",
    )

    noms[0].refresh_from_db()
    assert noms[0].state == "revoked"
    entry = AuditEntry.objects.filter(action="nomination.revoke").latest("id")
    assert entry.after["correction"] == "表彰决定发布后查实，予以更正"


def test_decided_campaign_refuses_edits_of_a_left_over_draft(jiaozuo):
    from jiangxuan.decisions import services
    from jiangxuan.decisions.tests.conftest import MEETING, hold_social_notices

    campaign, award, noms, office = jiaozuo
    clerk = user_with_role("jz-jiefang-union", Role.CLERK)
    draft = nomination_services.create_nomination(campaign=campaign, award=award, actor=clerk)
    lst = services.propose_list(campaign, award, nominations=[n.pk for n in noms], actor=office)
    services.approve_list(lst, actor=office, **MEETING)
    hold_social_notices(campaign, office)
    services.publish_decision(
        campaign,
        number="焦工发〔2018〕10号",
        title="决定",
        issued_on=dt.date(2018, 9, 10),
        actor=office,
    )

    with pytest.raises(NominationError, match="活动已结束"):
        nomination_services.save_nomination(draft, actor=clerk, core={"name": "李四"}, extra={})


def test_archive_needs_a_decision(jiaozuo, published):
    campaign, _award, _noms, office, _decision = published

    archive_campaign(campaign, actor=office)

    assert campaign_stage(campaign) == CampaignStage.ARCHIVED


def test_clerk_is_told_before_the_form_that_a_decided_campaign_is_closed(client, published):
    campaign, _award, _noms, _office, _decision = published
    clerk = user_with_role("jz-jiefang-union", Role.CLERK)
    client.force_login(clerk)

    choose = client.get(reverse("nominations:create")).content.decode()
    page = client.get(reverse("nominations:create"), {"campaign": campaign.code})
    posted = client.post(
        reverse("nominations:create"), {"campaign": campaign.code, "award": "jiaozuo-gongjiang"}
    )

    assert "不再受理新的推荐" in choose
    body = page.content.decode()
    assert "发布表彰决定，活动已结束" in body
    assert "创建并填写推荐表" not in body
    assert posted.status_code == 400


def test_clerk_is_warned_that_a_campaign_in_review_needs_an_extension(client, seed_campaign):
    campaign = seed_campaign("001")  # closed 2022-10-26
    clerk = user_with_role("cc-chaoyang-hrss", Role.CLERK)
    client.force_login(clerk)

    page = client.get(reverse("nominations:create"), {"campaign": campaign.code})

    assert "申报已于2022-10-26 23:59截止" in page.content.decode()


def test_seed_004_refuses_a_submission_before_its_window(seed_campaign):
    """Issue 12 defect: seeds 003 and 004 accepted submissions before their windows."""
    from jiangxuan.campaigns.selectors import window_state

    harbin, weihai = seed_campaign("004"), seed_campaign("003")

    assert window_state(harbin, None, dt.datetime(2021, 8, 15, 23, tzinfo=SHANGHAI)) == "early"
    assert window_state(weihai, None, dt.datetime(2023, 6, 20, 12, tzinfo=SHANGHAI)) == "early"
    with time_machine.travel(dt.datetime(2021, 8, 16, 9, tzinfo=SHANGHAI), tick=False):
        assert window_state(harbin, None) == "open"
