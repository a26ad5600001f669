"""API of score sheets, progress and ranking, ballots and site inspections: experts reach
only their own confidentiality-gated assignments (never an ID number or phone), the
office sees the ranking with its formula, the chair closes and signs ballots."""

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.tokens import issue_api_token
from jiangxuan.api.tests.conftest import ApiClient, png_bytes
from jiangxuan.experts.models import BallotVote, InspectionPhoto, ScoreSheet, SiteInspection
from jiangxuan.experts.tests.scoring_setup import (
    approved_nominations,
    assign_all,
    drawn_panel,
    user_with_role,
)

pytestmark = pytest.mark.django_db

ID_PATTERN = re.compile(r"\d{17}[\dXx]")
PHONE_PATTERN = re.compile(r"1[3-9]\d{9}")
SCORES = {"political": 20, "skill": "22", "performance": 18, "peer-opinion": 24}


def api(user) -> ApiClient:
    return ApiClient(issue_api_token(user, name="test", scope="read_write"))


def put(client: ApiClient, path: str, data: dict):
    return client.raw("put", path, json.dumps(data, ensure_ascii=False), "application/json")


@pytest.fixture
def setup(seed_campaign):
    campaign = seed_campaign("002")
    nominations = approved_nominations(campaign, 3)
    panel, members = drawn_panel(campaign, size=3)
    assign_all(members, nominations)
    office = user_with_role("jz-union", Role.CAMPAIGN_OFFICE, campaign=campaign)
    return campaign, panel, members, nominations, office


def _assignment(member, nomination):
    return member.assignments.get(nomination=nomination)


# --------------------------------------------------------------------------- scoring


def test_expert_reads_and_submits_a_score_sheet(setup):
    _, _, members, nominations, _ = setup
    client = api(members[1].expert.user)
    assignment = _assignment(members[1], nominations[0])

    listed = client.get("/expert/assignments").json()
    sheet = client.get(f"/expert/assignments/{assignment.pk}/score-sheet")
    saved = put(
        client,
        f"/expert/assignments/{assignment.pk}/score-sheet",
        {"scores": SCORES, "comment": "好"},
    )

    assert [a["nomination"] for a in listed] == [n.pk for n in nominations]
    assert sheet.status_code == 200
    body = sheet.content.decode()
    assert not ID_PATTERN.search(body)
    assert not PHONE_PATTERN.search(body)
    assert [c["code"] for c in sheet.json()["rubric"]] == list(SCORES)
    assert sheet.json()["maximum"] == 100
    assert saved.status_code == 200, saved.content
    assert saved.json()["total"] == 84
    assert ScoreSheet.objects.get(assignment=assignment).comment == "好"


def test_blind_panel_hides_the_name(seed_campaign):
    campaign = seed_campaign("002")
    [nomination] = approved_nominations(campaign, 1)
    _, members = drawn_panel(campaign, size=1, blind=True)
    [assignment] = assign_all(members, [nomination])

    sheet = api(members[0].expert.user).get(f"/expert/assignments/{assignment.pk}/score-sheet")

    assert sheet.json()["nomination"]["label"] == f"推荐对象 {nomination.pk}"
    assert "name" not in sheet.json()["nomination"]["fields"]
    assert nomination.name not in sheet.content.decode()


def test_blind_panel_reads_the_narrative_redacted(seed_campaign):
    campaign = seed_campaign("002")
    [nomination] = approved_nominations(campaign, 1)
    nomination.achievement_summary = f"{nomination.name}同志，电话{nomination.phone}"
    nomination.save()
    _, members = drawn_panel(campaign, size=1, blind=True)
    [assignment] = assign_all(members, [nomination])

    sheet = api(members[0].expert.user).get(f"/expert/assignments/{assignment.pk}/score-sheet")

    assert sheet.json()["nomination"]["fields"]["achievement_summary"] == "××同志，电话××"


def test_score_out_of_range_names_the_criterion(setup):
    _, _, members, nominations, _ = setup
    assignment = _assignment(members[0], nominations[0])

    response = put(
        api(members[0].expert.user),
        f"/expert/assignments/{assignment.pk}/score-sheet",
        {"scores": {**SCORES, "skill": 30}},
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["skill"]
    assert not ScoreSheet.objects.exists()


def test_expert_cannot_reach_anothers_or_unconfirmed_assignment(setup):
    _, _, members, nominations, _ = setup
    theirs = _assignment(members[1], nominations[0])
    members[0].confidentiality_confirmed_at = None
    members[0].save()
    mine = _assignment(members[0], nominations[0])
    client = api(members[0].expert.user)

    assert client.get(f"/expert/assignments/{theirs.pk}/score-sheet").status_code == 404
    assert client.get(f"/expert/assignments/{mine.pk}/score-sheet").status_code == 404
    assert client.get("/expert/assignments").json() == []


def test_office_sees_progress_and_ranking_with_formula(setup):
    _, panel, members, nominations, office = setup
    for member, skill in zip(members, (20, 22, 24), strict=True):
        put(
            api(member.expert.user),
            f"/expert/assignments/{_assignment(member, nominations[0]).pk}/score-sheet",
            {"scores": {**SCORES, "skill": skill}},
        )
    client = api(office)

    progress = client.get(f"/panels/{panel.pk}/progress").json()
    ranking = client.get(f"/panels/{panel.pk}/ranking").json()

    assert [(r["assigned"], r["scored"]) for r in progress["by_expert"]] == [(3, 1)] * 3
    assert [r["done"] for r in progress["by_nomination"]] == [True, False, False]
    assert ranking["formula"]
    assert [row["nomination"] for row in ranking["rows"]] == [nominations[0].pk]
    assert ranking["rows"][0]["mean"] == 84
    assert api(members[0].expert.user).get(f"/panels/{panel.pk}/ranking").status_code == 404


def test_closed_panel_refuses_scores_with_409(setup):
    _, panel, members, nominations, office = setup
    client = api(office)

    closed = client.post(f"/panels/{panel.pk}/close-scoring")
    again = client.post(f"/panels/{panel.pk}/close-scoring")
    late = put(
        api(members[0].expert.user),
        f"/expert/assignments/{_assignment(members[0], nominations[0]).pk}/score-sheet",
        {"scores": SCORES},
    )

    assert closed.json()["state"] == "closed"
    assert again.status_code == 409
    assert late.status_code == 409
    assert late.json()["code"] == "conflict"


def test_reminders_go_to_members_with_unscored_assignments(setup):
    _, panel, members, _, office = setup

    response = api(office).post(f"/panels/{panel.pk}/reminders")

    assert response.json() == {"sent": 3}
    assert api(members[0].expert.user).post(f"/panels/{panel.pk}/reminders").status_code == 404


# --------------------------------------------------------------------------- ballots


def _open(client, panel, nominations, **extra):
    data = {
        "title": "差额投票",
        "candidates": [n.pk for n in nominations],
        "choose_min": 1,
        "choose_max": 1,
        "seats": 1,
        **extra,
    }
    return client.post(f"/panels/{panel.pk}/ballots", data)


def test_ballot_open_vote_close_and_sign(setup):
    _, panel, members, nominations, office = setup
    opened = _open(api(office), panel, nominations)
    ballot = opened.json()["id"]
    chair, voter = api(members[0].expert.user), api(members[1].expert.user)

    votes = [
        api(m.expert.user).post(f"/ballots/{ballot}/votes", {"nominations": [nominations[0].pk]})
        for m in members
    ]
    twice = voter.post(f"/ballots/{ballot}/votes", {"nominations": [nominations[0].pk]})
    by_member = voter.post(f"/ballots/{ballot}/close")
    closed = chair.post(f"/ballots/{ballot}/close")
    signed = chair.post(f"/ballots/{ballot}/sign")

    assert opened.status_code == 201, opened.content
    assert [v.status_code for v in votes] == [201] * 3
    assert twice.status_code == 409
    assert BallotVote.objects.filter(ballot_id=ballot).count() == 3
    assert by_member.status_code == 403
    assert closed.status_code == 200
    assert closed.json()["rows"][0] == {
        "nomination": nominations[0].pk,
        "label": nominations[0].name,
        "votes": 3,
        "passing": True,
        "elected": True,
        "tied": False,
    }
    assert signed.json()["state"] == "signed"
    assert voter.post(f"/ballots/{ballot}/sign").status_code == 403


def test_expert_sees_no_count_while_open_and_not_a_non_candidate(setup):
    _, panel, members, nominations, office = setup
    ballot = _open(api(office), panel, nominations[:2]).json()["id"]
    client = api(members[1].expert.user)

    seen = client.get(f"/ballots/{ballot}").json()
    refused = client.post(f"/ballots/{ballot}/votes", {"nominations": [nominations[2].pk]})

    assert seen["rows"] == []
    assert seen["voted"] is False
    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["nominations"]


def test_tie_at_the_cut_line_opens_a_runoff(setup):
    _, panel, members, nominations, office = setup
    client = api(office)
    ballot = _open(client, panel, nominations[:2], threshold="none").json()["id"]
    api(members[0].expert.user).post(
        f"/ballots/{ballot}/votes", {"nominations": [nominations[0].pk]}
    )
    api(members[1].expert.user).post(
        f"/ballots/{ballot}/votes", {"nominations": [nominations[1].pk]}
    )

    closed = client.post(f"/ballots/{ballot}/close").json()
    runoff = client.get(f"/ballots/{closed['runoff']}").json()

    assert closed["runoff"] is not None
    assert runoff["runoff_of"] == ballot
    assert {c["nomination"] for c in runoff["candidates"]} == {nominations[0].pk, nominations[1].pk}
    assert [b["id"] for b in client.get(f"/panels/{panel.pk}/ballots").json()] == [
        ballot,
        closed["runoff"],
    ]


def test_open_ballot_refused_for_experts_and_bad_bounds(setup):
    _, panel, members, nominations, office = setup

    by_expert = _open(api(members[0].expert.user), panel, nominations)
    bad = _open(api(office), panel, nominations, choose_max=5)

    assert by_expert.status_code == 404
    assert bad.status_code == 400
    assert list(bad.json()["errors"]) == ["choose_max"]


# --------------------------------------------------------------------------- inspections


def test_inspection_schedule_record_with_photo_and_refusals(setup, seed_campaign):
    campaign, panel, members, nominations, office = setup
    client = api(office)

    scheduled = client.post(
        f"/panels/{panel.pk}/inspections",
        {
            "nomination": nominations[0].pk,
            "scheduled_for": "2018-08-20T09:30",
            "place": "焦作市解放区某厂",
            "inspectors": [members[0].pk, members[1].pk],
        },
    )
    pk = scheduled.json()["id"]
    recorded = client.upload(
        f"/panels/{panel.pk}/inspections/{pk}/record",
        findings="现场核实业绩属实。",
        outcome="pass",
        photos=[SimpleUploadedFile("site.png", png_bytes(), content_type="image/png")],
    )
    cancel_done = client.post(f"/panels/{panel.pk}/inspections/{pk}/cancel", {"reason": "改期"})
    listed = client.get(f"/campaigns/{campaign.code}/inspections").json()
    stranger = api(user_with_role("jz-union", Role.CAMPAIGN_OFFICE, campaign=seed_campaign("003")))

    assert scheduled.status_code == 201, scheduled.content
    assert scheduled.json()["scheduled_for"] == "2018-08-20T09:30:00+08:00"
    assert recorded.status_code == 200, recorded.content
    assert recorded.json()["outcome"] == "pass"
    assert recorded.json()["photos"] == 1
    assert InspectionPhoto.objects.filter(inspection_id=pk).count() == 1
    assert cancel_done.status_code == 409
    assert [i["id"] for i in listed] == [pk]
    assert stranger.get(f"/panels/{panel.pk}/inspections/{pk}").status_code == 404
    assert SiteInspection.objects.get(pk=pk).state == "done"


def test_inspection_inspector_off_the_panel_is_refused(setup):
    _, panel, _, nominations, office = setup
    _, others = drawn_panel(panel.campaign, size=1)

    response = api(office).post(
        f"/panels/{panel.pk}/inspections",
        {
            "nomination": nominations[0].pk,
            "scheduled_for": "2018-08-20T09:30",
            "place": "某厂",
            "inspectors": [others[0].pk],
        },
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["inspectors"]
    assert not SiteInspection.objects.exists()
