"""The portal's index and campaign pages for the five seed campaigns: what each shows,
which links it offers in each state, and how it is cached."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from jiangxuan.accounts.enums import Role
from jiangxuan.campaigns.enums import CampaignState
from jiangxuan.conftest import SEED_NUMBERS
from jiangxuan.core.caching import PUBLIC_CACHE_CONTROL, VERSION_SECONDS
from jiangxuan.decisions.tests.conftest import user_with_role
from jiangxuan.nominations.enums import NominationState
from jiangxuan.nominations.tests.factories import NominationFactory
from jiangxuan.notices import services as notice_services

from .conftest import DURING_NOTICE, SH

pytestmark = pytest.mark.django_db

#: Seed 003's nomination window (2023-06-21 to 06-29) is open.
WEIHAI_WINDOW = dt.datetime(2023, 6, 25, 10, tzinfo=SH)


def _campaign_links(html: str) -> list[str]:
    return [part.split('"', 1)[0] for part in html.split('class="card-link" href="')[1:]]


def test_index_lists_campaigns_with_public_activity(client, all_seed_campaigns, notice, decision):
    with time_machine.travel(DURING_NOTICE, tick=False):
        response = client.get(reverse("portal:index"))

    html = response.content.decode()
    assert response.status_code == 200
    # 003 has a public vote, 000 a running notice (and no closing time), 002 a decision;
    # 001 and 004 have nothing public on 2021-10-08.
    assert _campaign_links(html) == [
        reverse("portal:campaign", args=[all_seed_campaigns[n].code]) for n in ("003", "000", "002")
    ]
    assert "公示中" in html
    assert "已发布表彰决定" in html
    assert "设有网络投票" in html
    assert response["Cache-Control"] == PUBLIC_CACHE_CONTROL


def test_index_shows_open_window_with_deadline_in_shanghai_time(client, all_seed_campaigns):
    with time_machine.travel(WEIHAI_WINDOW, tick=False):
        html = client.get(reverse("portal:index")).content.decode()

    weihai = html.split(all_seed_campaigns["003"].title, 1)[1].split("</dl>", 1)[0]
    assert "推荐受理中" in weihai
    assert "2023年6月29日 23:59" in weihai
    assert "威海市总工会、威海市人力资源和社会保障局" in weihai
    assert "市级" in weihai


def test_index_leaves_out_draft_campaigns(client, seed_campaign):
    seed_campaign("003", state=CampaignState.DRAFT)

    with time_machine.travel(WEIHAI_WINDOW, tick=False):
        html = client.get(reverse("portal:index")).content.decode()

    assert _campaign_links(html) == []
    assert "目前没有公开进行的评选活动。" in html


@pytest.mark.parametrize("number", SEED_NUMBERS)
def test_campaign_page_shows_the_notice_text(client, all_seed_campaigns, number):
    campaign = all_seed_campaigns[number]
    spec = campaign.specification

    response = client.get(reverse("portal:campaign", args=[campaign.code]))

    html = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == PUBLIC_CACHE_CONTROL
    assert f"<h1>{campaign.title}</h1>" in html
    assert "、".join(o.name for o in spec.organizers) in html
    for award in campaign.awards.all():
        assert f">{award.name}</h2>" in html
        if award.count:
            assert f"{award.count}名" in html
    for phase in spec.timeline.phases:
        assert f"<strong>{phase.name}</strong>" in html
    for step in spec.review_chain.steps:
        assert f"<strong>{step.name}</strong>" in html
    assert "尚未发布公示。" in html


def test_campaign_page_states_award_count_prize_and_deadline(client, all_seed_campaigns):
    html = client.get(
        reverse("portal:campaign", args=[all_seed_campaigns["003"].code])
    ).content.decode()

    assert "<dd>20名</dd>" in html
    assert "奖金每人10000元" in html
    assert "2023年6月29日 23:59" in html
    assert "已获得威海工匠称号的不再参加推荐。" in html


def test_campaign_page_links_running_notice_and_objection_form(client, notice):
    with time_machine.travel(DURING_NOTICE, tick=False):
        html = client.get(reverse("portal:campaign", args=[notice.campaign.code])).content.decode()

    assert reverse("notices:public_detail", args=[notice.pk]) in html
    assert reverse("notices:object", args=[notice.pk]) in html
    assert "公示中" in html
    assert "尚未发布公示。" not in html


def test_campaign_page_before_a_notice_starts_shows_it_upcoming_without_objection(client, notice):
    with time_machine.travel(dt.datetime(2021, 9, 28, 10, tzinfo=SH), tick=False):
        html = client.get(reverse("portal:campaign", args=[notice.campaign.code])).content.decode()

    assert reverse("notices:public_detail", args=[notice.pk]) in html
    assert "即将公示" in html
    assert "公示中" not in html
    assert reverse("notices:object", args=[notice.pk]) not in html


def test_campaign_page_with_several_running_notices_has_one_entry_each(
    client, notice, nominees, orgs, jilin_office
):
    second = notice_services.open_public_notice(
        notice.campaign,
        stage="workplace",
        body=orgs["cc-huarui-machinery"],
        nominations=nominees[:1],
        starts_on=dt.date(2021, 9, 30),
        actor=jilin_office,
    )
    with time_machine.travel(DURING_NOTICE, tick=False):
        html = client.get(reverse("portal:campaign", args=[notice.campaign.code])).content.decode()

    assert "查看正在进行的公示（2项）" in html
    assert "查看公示：" not in html
    for n in (notice, second):
        assert html.count(f'href="{reverse("notices:public_detail", args=[n.pk])}"') == 1
        assert html.count(f'href="{reverse("notices:object", args=[n.pk])}"') == 1


def test_campaign_page_closed_notice_offers_no_objection(client, notice, jilin_office):
    with time_machine.travel(dt.datetime(2021, 10, 13, 9, tzinfo=SH), tick=False):
        notice_services.close_public_notice(notice, actor=jilin_office)
        html = client.get(reverse("portal:campaign", args=[notice.campaign.code])).content.decode()

    assert reverse("notices:public_detail", args=[notice.pk]) in html
    assert reverse("notices:object", args=[notice.pk]) not in html
    assert "已结束" in html


@pytest.mark.parametrize(("number", "has_vote"), [("003", True), ("000", False)])
def test_campaign_page_links_public_vote_when_spec_has_one(
    client, all_seed_campaigns, number, has_vote
):
    campaign = all_seed_campaigns[number]

    html = client.get(reverse("portal:campaign", args=[campaign.code])).content.decode()

    assert (f'href="/vote/{campaign.code}/"' in html) is has_vote
    assert ("投票时间由活动办公室另行公布。" in html) is has_vote


def test_campaign_page_links_published_decision(client, decision):
    html = client.get(reverse("portal:campaign", args=[decision.campaign.code])).content.decode()

    assert reverse("decisions:public", args=[decision.pk]) in html
    assert decision.title in html


def test_campaign_page_without_decision_has_no_decision_link(client, all_seed_campaigns):
    html = client.get(
        reverse("portal:campaign", args=[all_seed_campaigns["002"].code])
    ).content.decode()

    assert "/decisions/" not in html


def test_draft_campaign_page_not_found(client, seed_campaign):
    campaign = seed_campaign("001", state=CampaignState.DRAFT)

    response = client.get(reverse("portal:campaign", args=[campaign.code]))

    assert response.status_code == 404


def test_unknown_campaign_page_not_found(client, all_seed_campaigns):
    assert client.get(reverse("portal:campaign", args=["no-such-campaign"])).status_code == 404


def test_cached_pages_served_without_database(client, notice, django_assert_num_queries):
    urls = [reverse("portal:index"), reverse("portal:campaign", args=[notice.campaign.code])]
    with time_machine.travel(DURING_NOTICE, tick=False):
        first = [client.get(url).content for url in urls]
        with django_assert_num_queries(0):
            second = [client.get(url).content for url in urls]

    assert second == first


def test_new_notice_shows_once_the_version_expires(
    client, all_seed_campaigns, jilin_office, nominees, orgs
):
    url = reverse("portal:campaign", args=[all_seed_campaigns["000"].code])
    with time_machine.travel(DURING_NOTICE, tick=False) as traveller:
        before = client.get(url).content.decode()
        notice = notice_services.open_public_notice(
            all_seed_campaigns["000"],
            stage="workplace",
            body=orgs["cc-union"],
            nominations=nominees,
            starts_on=dt.date(2021, 9, 30),
            actor=jilin_office,
        )
        traveller.shift(VERSION_SECONDS + 1)
        after = client.get(url).content.decode()

    assert reverse("notices:public_detail", args=[notice.pk]) not in before
    assert reverse("notices:public_detail", args=[notice.pk]) in after


def test_public_pages_same_for_signed_in_user(client, notice, jilin_office):
    """No user box, session or CSRF token on a public page, so a shared cache may keep it
    whoever asked first; the no-store policy for signed-in users yields to it."""
    client.force_login(jilin_office)
    urls = [
        reverse("portal:index"),
        reverse("portal:campaign", args=[notice.campaign.code]),
        reverse("notices:public_list"),
        reverse("notices:public_detail", args=[notice.pk]),
        reverse("notices:public_entry", args=[notice.pk, 1]),
    ]
    with time_machine.travel(DURING_NOTICE, tick=False):
        responses = [client.get(url) for url in urls]

    assert [r["Cache-Control"] for r in responses] == [PUBLIC_CACHE_CONTROL] * len(urls)
    for response in responses:
        html = response.content.decode()
        assert jilin_office.get_username() not in html
        assert "csrfmiddlewaretoken" not in html
        assert "退出登录" not in html


def test_office_pages_stay_no_store(client, notice, jilin_office):
    client.force_login(jilin_office)

    response = client.get(reverse("notices:manage", args=[notice.pk]))

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize("view", ["notices:object", "notices:objection_filed"])
def test_objection_pages_never_cached(client, notice, view):
    with time_machine.travel(DURING_NOTICE, tick=False):
        response = client.get(reverse(view, args=[notice.pk]))

    assert response.status_code == 200
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= directives
    assert "public" not in directives


def test_objection_form_carries_its_own_csrf_token(client, notice):
    with time_machine.travel(DURING_NOTICE, tick=False):
        first = client.get(reverse("notices:object", args=[notice.pk])).content.decode()

    assert "csrfmiddlewaretoken" in first


def test_home_sends_the_public_to_the_portal(client):
    response = client.get(reverse("core:home"))

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:index")


def test_home_sends_staff_to_their_home_page(client, jilin_office):
    client.force_login(jilin_office)

    response = client.get(reverse("core:home"))

    assert response["Location"] == reverse("overview:home")


def test_portal_header_links_staff_login(client, all_seed_campaigns):
    html = client.get(reverse("portal:index")).content.decode()

    assert f'href="{reverse("accounts:login")}"' in html
    assert "工作人员登录" in html


def test_open_public_vote_shows_its_window_and_link(client, all_seed_campaigns):
    from jiangxuan.voting import services as voting_services
    from jiangxuan.voting.tests.conftest import clear_opinions

    weihai = all_seed_campaigns["003"]
    office = user_with_role(weihai.organizer_unit.code, Role.CAMPAIGN_OFFICE, campaign=weihai)
    nominee = NominationFactory(
        campaign=weihai, state=NominationState.APPROVED, publication_consent=True
    )
    clear_opinions(weihai, office, [nominee])  # 人选审核 before 网络投票 (二(二)2-3)
    vote = voting_services.prepare_public_vote(
        weihai,
        actor=office,
        opens_at=dt.datetime(2023, 7, 3, 9, tzinfo=SH),
        closes_at=dt.datetime(2023, 7, 10, 18, tzinfo=SH),
    )
    voting_services.open_public_vote(vote, actor=office)

    with time_machine.travel(dt.datetime(2023, 7, 4, 10, tzinfo=SH), tick=False):
        index = client.get(reverse("portal:index")).content.decode()
        page = client.get(reverse("portal:campaign", args=[weihai.code])).content.decode()

    assert "投票进行中" in index
    assert "7月3日 09:00—7月10日 18:00" in index
    assert "参加网络投票" in page
    assert f'href="{reverse("voting:vote", args=[weihai.code])}"' in page
