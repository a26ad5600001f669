"""Access to the decision pages and the public decision."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from jiangxuan.accounts.enums import Role
from jiangxuan.core.models import AuditEntry
from jiangxuan.decisions.enums import ListState
from jiangxuan.decisions.models import ApprovalList
from jiangxuan.decisions.tests.conftest import user_with_role

pytestmark = pytest.mark.django_db

ID_NUMBER = re.compile(r"\d{17}[\dXx]")
PHONE = re.compile(r"1[3-9]\d{9}")
BANK = re.compile(r"\d{12,19}")


def test_public_decision_shows_no_personal_data(client, published):
    _campaign, _award, noms, _office, decision = published
    html = client.get(reverse("decisions:public", args=[decision.pk])).content.decode()
    assert noms[0].name in html
    assert noms[0].workplace_name in html
    assert "焦作工匠入围奖" in html
    for pattern in (ID_NUMBER, PHONE, BANK):
        assert not pattern.search(html), pattern.pattern


def test_unpublished_decision_not_public(client, jiaozuo):
    assert client.get(reverse("decisions:public", args=[999999])).status_code == 404


def test_overview_office_and_leading_group_only(client, published):
    campaign, _award, _noms, office, _decision = published
    url = reverse("decisions:overview", args=[campaign.code])
    leader = user_with_role("jz-union", Role.LEADING_GROUP, campaign=campaign)
    clerk = user_with_role("jz-jiefang-union", Role.CLERK)
    for user, status in ((office, 200), (leader, 200), (clerk, 404)):
        client.force_login(user)
        assert client.get(url).status_code == status
    client.force_login(leader)
    assert client.get(reverse("decisions:payments", args=[campaign.code])).status_code == 404


def test_payment_sheet_download_finance_unmasked_and_audited(client, published):
    campaign, _award, noms, _office, _decision = published
    finance = user_with_role("jz-union", Role.FINANCE)  # untied: the organizer unit
    client.force_login(finance)
    response = client.get(reverse("decisions:payments", args=[campaign.code]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.cell(row=2, column=6).value == noms[0].bank_account
    assert AuditEntry.objects.filter(action="decision.payments.unmasked", actor=finance).exists()


def _choices(award, noms, outcomes: dict[int, tuple[str, int]]) -> dict[str, object]:
    """The list form's post: each candidate's outcome and rank (unlisted: left out)."""
    data: dict[str, object] = {}
    for n in noms:
        outcome, rank = outcomes.get(n.pk, ("none", 1))
        data[f"award{award.pk}-outcome_{n.pk}"] = outcome
        data[f"award{award.pk}-rank_{n.pk}"] = rank
    return data


def test_approve_and_revise_through_views(client, jiaozuo):
    campaign, award, noms, office = jiaozuo
    client.force_login(office)
    page = client.get(reverse("decisions:overview", args=[campaign.code])).content.decode()
    # The office chooses among the candidates by name; no ids are typed or shown.
    assert noms[0].name in page
    assert f"award{award.pk}-outcome_{noms[0].pk}" in page
    assert "逗号分隔" not in page
    client.post(
        reverse("decisions:propose", args=[campaign.code, award.pk]),
        _choices(
            award,
            noms,
            {noms[1].pk: ("awardee", 1), noms[0].pk: ("awardee", 2), noms[2].pk: ("finalist", 1)},
        ),
    )
    v1 = ApprovalList.objects.get(award=award)
    assert [(e.nomination_id, e.outcome) for e in v1.entries.order_by("outcome", "rank")] == [
        (noms[1].pk, "awardee"),
        (noms[0].pk, "awardee"),
        (noms[2].pk, "finalist"),
    ]
    meeting = {
        "held_on": "2018-09-01",
        "present": "甲\n乙\n丙",
        "votes_for": 1,
        "votes_against": 1,
        "votes_abstain": 1,
        "resolution": "审定",
    }
    client.post(reverse("decisions:approve", args=[campaign.code, v1.pk]), meeting)
    v1.refresh_from_db()
    assert v1.state == ListState.DRAFT
    client.post(
        reverse("decisions:approve", args=[campaign.code, v1.pk]),
        {**meeting, "votes_for": 2, "votes_against": 0},
    )
    v1.refresh_from_db()
    assert v1.state == ListState.APPROVED
    client.post(
        reverse("decisions:revise", args=[campaign.code, v1.pk]),
        {
            **_choices(award, noms, {noms[2].pk: ("awardee", 1)}),
            f"award{award.pk}-reason": "人选变更",
        },
    )
    assert ApprovalList.objects.get(award=award, version=2).reason == "人选变更"
    page = client.get(reverse("decisions:overview", args=[campaign.code]))
    assert "第 2 版" in page.content.decode()


def test_a_list_without_awardees_is_refused_and_the_choices_stay(client, jiaozuo):
    campaign, award, noms, office = jiaozuo
    client.force_login(office)
    chosen = _choices(award, noms, {noms[2].pk: ("finalist", 1)})

    response = client.post(reverse("decisions:propose", args=[campaign.code, award.pk]), chosen)

    assert response.status_code == 400
    html = response.content.decode()
    assert "请至少选择一名表彰人选。" in html
    assert re.search(
        rf'name="award{award.pk}-outcome_{noms[2].pk}"[^>]*>.*?<option value="finalist" selected',
        html,
        re.S,
    )
    assert not ApprovalList.objects.filter(award=award).exists()
