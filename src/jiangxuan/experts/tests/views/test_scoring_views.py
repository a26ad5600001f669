"""Scoring and ballot pages: an expert sees only own, confidentiality-gated assignments,
never ID numbers, phones or bank accounts; blind panels hide names and workplaces; the
office sees the aggregation table with its formula; the chair closes and signs ballots."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jiangxuan.accounts.enums import Role
from jiangxuan.experts import services_ballots
from jiangxuan.experts.enums import BallotState
from jiangxuan.experts.models import Ballot, ScoreSheet
from jiangxuan.experts.tests.scoring_setup import (
    approved_nominations,
    assign_all,
    drawn_panel,
    user_with_role,
)
from jiangxuan.nominations.models import Evidence

ID_PATTERN = re.compile(r"\d{17}[\dXx]")
PHONE_PATTERN = re.compile(r"1[3-9]\d{9}")
FULL = {
    "score_political": "20",
    "score_skill": "22",
    "score_performance": "18",
    "score_peer-opinion": "24",
    "comment": "业绩突出",
}


@pytest.fixture
def setup(seed_campaign):
    campaign = seed_campaign("002")
    nominations = approved_nominations(campaign, 3)
    panel, members = drawn_panel(campaign, size=3)
    assign_all(members[:2], nominations[:2])
    assign_all(members[2:], nominations[2:])
    office = user_with_role("jz-union", Role.CAMPAIGN_OFFICE, campaign=campaign)
    return campaign, panel, members, nominations, office


def _assignment(member, nomination):
    return member.assignments.get(nomination=nomination)


def test_expert_list_shows_only_own_assignments(client, setup):
    _, _, members, nominations, _ = setup
    client.force_login(members[2].expert.user)
    page = client.get(reverse("experts:scoring_list")).content.decode()
    assert nominations[2].name in page
    assert (
        reverse("experts:scoring_sheet", args=[_assignment(members[2], nominations[2]).pk]) in page
    )
    assert (
        reverse("experts:scoring_sheet", args=[_assignment(members[0], nominations[0]).pk])
        not in page
    )


def test_expert_without_confidentiality_sees_nothing(client, setup):
    _, _, members, nominations, _ = setup
    members[0].confidentiality_confirmed_at = None
    members[0].save()
    client.force_login(members[0].expert.user)
    page = client.get(reverse("experts:scoring_list")).content.decode()
    assert "暂无待评推荐对象" in page
    sheet_url = reverse("experts:scoring_sheet", args=[_assignment(members[0], nominations[0]).pk])
    assert client.get(sheet_url).status_code == 404


def test_scoring_sheet_of_another_expert_is_404(client, setup):
    _, _, members, nominations, _ = setup
    client.force_login(members[2].expert.user)
    url = reverse("experts:scoring_sheet", args=[_assignment(members[0], nominations[0]).pk])
    assert client.get(url).status_code == 404


def test_scoring_sheet_masks_personal_data_and_lists_evidence_names_only(client, setup):
    _, _, members, nominations, _ = setup
    nomination = nominations[0]
    evidence = Evidence.objects.create(
        nomination=nomination,
        material="honour-certificates",
        file=SimpleUploadedFile("award.png", b"x"),
        original_name="荣誉证书.png",
        content_type="image/png",
        size=1,
        sha256="0" * 64,
        uploaded_by=nomination.created_by,
    )
    client.force_login(members[0].expert.user)
    page = client.get(
        reverse("experts:scoring_sheet", args=[_assignment(members[0], nomination).pk])
    ).content.decode()
    assert nomination.name in page
    assert "政治素质" in page
    assert "职工群众评价" in page
    assert "资格核查" in page
    assert "主要荣誉证书复印件：荣誉证书.png" in page
    # The expert may not open the nomination itself, so no download link is offered.
    assert reverse("nominations:evidence_download", args=[nomination.pk, evidence.pk]) not in page
    assert not ID_PATTERN.search(page)
    assert not PHONE_PATTERN.search(page)
    assert nomination.phone[-4:] in page  # masked: 139****5600


def test_blind_mode_hides_name_and_workplace(client, setup):
    _, panel, members, nominations, _ = setup
    panel.blind = True
    panel.save()
    client.force_login(members[0].expert.user)
    listing = client.get(reverse("experts:scoring_list")).content.decode()
    page = client.get(
        reverse("experts:scoring_sheet", args=[_assignment(members[0], nominations[0]).pk])
    ).content.decode()
    for text in (listing, page):
        assert nominations[0].name not in text
        assert nominations[0].workplace_name not in text
    assert f"推荐对象 {nominations[0].pk}" in page
    assert "匿名评审" in page


def test_post_scores_saves_and_out_of_range_refused_in_chinese(client, setup):
    _, _, members, nominations, _ = setup
    assignment = _assignment(members[0], nominations[0])
    url = reverse("experts:scoring_sheet", args=[assignment.pk])
    client.force_login(members[0].expert.user)
    bad = client.post(url, {**FULL, "score_skill": "30"})
    assert bad.status_code == 400
    assert "“技能”的得分应在 0 至 25 分之间。" in bad.content.decode()
    assert not ScoreSheet.objects.filter(assignment=assignment).exists()
    good = client.post(url, FULL)
    assert good.status_code == 302
    assert str(ScoreSheet.objects.get(assignment=assignment).total) == "84.00"


def test_office_scores_page_shows_table_and_formula(client, setup):
    _, panel, members, nominations, office = setup
    client.force_login(members[0].expert.user)
    client.post(
        reverse("experts:scoring_sheet", args=[_assignment(members[0], nominations[0]).pk]), FULL
    )
    url = reverse("experts:panel_scores", args=[panel.pk])
    assert client.get(url).status_code == 404  # an expert is not the office
    client.force_login(office)
    page = client.get(url).content.decode()
    assert "去掉一个最高分和一个最低分" in page
    assert "84.00" in page
    assert "（不足3人，未去分）" in page
    reminded = client.post(reverse("experts:panel_remind", args=[panel.pk]), follow=True)
    assert "已向 3 位专家发送评分提醒。" in reminded.content.decode()


def test_ballot_pages_vote_close_sign_and_results(client, setup):
    _, panel, members, nominations, office = setup
    client.force_login(office)
    response = client.post(
        reverse("experts:ballot_open", args=[panel.pk]),
        {
            "title": "候选人投票",
            "candidate": [n.pk for n in nominations],
            "choose_min": "1",
            "choose_max": "2",
            "seats": "2",
            "threshold": "majority",
        },
    )
    ballot = Ballot.objects.get(panel=panel)
    assert response.url == reverse("experts:ballot_result", args=[ballot.pk])
    vote_url = reverse("experts:ballot_vote", args=[ballot.pk])

    client.force_login(members[1].expert.user)
    too_many = client.post(vote_url, {"choice": [n.pk for n in nominations]})
    assert too_many.status_code == 400
    assert "请选择 1 至 2 名候选人，您选择了 3 名。" in too_many.content.decode()
    assert client.post(vote_url, {"choice": [nominations[0].pk]}).status_code == 302
    assert "您已投票" in client.get(vote_url).content.decode()

    client.force_login(members[2].expert.user)
    client.post(vote_url, {"choice": [nominations[0].pk, nominations[1].pk]})
    assert client.post(reverse("experts:ballot_close", args=[ballot.pk])).status_code == 403

    chair = members[0].expert.user
    client.force_login(chair)
    client.post(vote_url, {"choice": [nominations[0].pk]})
    client.post(reverse("experts:ballot_close", args=[ballot.pk]))
    ballot.refresh_from_db()
    assert ballot.state == BallotState.CLOSED
    assert ballot.result["elected"] == [nominations[0].pk]
    client.post(reverse("experts:ballot_sign", args=[ballot.pk]))
    ballot.refresh_from_db()
    assert (ballot.state, ballot.signed_by) == (BallotState.SIGNED, members[0])

    client.force_login(office)
    page = client.get(reverse("experts:ballot_result", args=[ballot.pk])).content.decode()
    assert "当选" in page
    assert "签字确认" in page
    assert services_ballots.needed_votes(ballot) == 2


def test_blind_mode_redacts_the_nominee_inside_the_narrative(client, setup):
    """Issue 13: the 事迹 text names the nominee and the workplace; a blind panel reads
    neither (nor the given name used alone)."""
    _, panel, members, nominations, _ = setup
    nomination = nominations[0]
    given = nomination.name[1:]
    nomination.achievement_summary = (
        f"{nomination.name}同志在{nomination.workplace_name}工作二十年，"
        f"{given}带出徒弟三十人，联系电话{nomination.phone}。"
    )
    nomination.save()
    panel.blind = True
    panel.save()
    client.force_login(members[0].expert.user)

    page = client.get(
        reverse("experts:scoring_sheet", args=[_assignment(members[0], nomination).pk])
    ).content.decode()

    assert "××同志在××工作二十年" in page
    for text in (nomination.name, given, nomination.workplace_name, nomination.phone):
        assert text not in page


def test_open_panel_reads_the_narrative_as_written(client, setup):
    _, _, members, nominations, _ = setup
    nomination = nominations[0]
    nomination.achievement_summary = f"{nomination.name}同志"
    nomination.save()
    client.force_login(members[0].expert.user)

    page = client.get(
        reverse("experts:scoring_sheet", args=[_assignment(members[0], nomination).pk])
    ).content.decode()

    assert f"{nomination.name}同志" in page
