"""API of the final approval and the decision: the office proposes, approves in a meeting,
revises and publishes; the leading group reads; finance downloads the payment sheet with
bank accounts (audited); the public decision carries no personal data."""

import datetime as dt
import io
import re
import zipfile

import pytest
from django.test import Client
from openpyxl import load_workbook

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.tokens import issue_api_token
from jiangxuan.api.tests.conftest import ApiClient
from jiangxuan.core.models import AuditEntry
from jiangxuan.decisions.enums import ListState
from jiangxuan.decisions.models import ApprovalList, CommendationDecision
from jiangxuan.decisions.tests.conftest import MEETING, hold_social_notices, user_with_role

pytestmark = pytest.mark.django_db

ID_NUMBER = re.compile(r"\d{17}[\dXx]")
PHONE = re.compile(r"1[3-9]\d{9}")
BANK = re.compile(r"\d{12,19}")
MEETING_JSON = {**MEETING, "held_on": MEETING["held_on"].isoformat()}
PUBLISH = {
    "number": "焦工发〔2018〕10号",
    "title": "关于命名表彰首届焦作工匠的决定",
    "issued_on": "2018-09-10",
}


def body(response) -> bytes:
    """A download's bytes (downloads stream: core.downloads.download)."""
    return b"".join(response.streaming_content)


def api(user) -> ApiClient:
    return ApiClient(issue_api_token(user, name="test", scope="read_write"))


def _propose(client, campaign, award, noms, finalists=()):
    return client.post(
        f"/campaigns/{campaign.code}/awards/{award.code}/approval-lists",
        {"nominations": [n.pk for n in noms], "finalists": [n.pk for n in finalists]},
    )


def test_propose_approve_revise_and_versions(jiaozuo):
    campaign, award, noms, office = jiaozuo
    client = api(office)

    proposed = _propose(client, campaign, award, noms[:2])
    v1 = proposed.json()["id"]
    approved = client.post(f"/campaigns/{campaign.code}/approval-lists/{v1}/approve", MEETING_JSON)
    again = client.post(f"/campaigns/{campaign.code}/approval-lists/{v1}/approve", MEETING_JSON)
    revised = client.post(
        f"/campaigns/{campaign.code}/approval-lists/{v1}/revise",
        {"nominations": [noms[1].pk, noms[0].pk], "reason": "按会议意见调整排序"},
    )
    versions = client.get(f"/campaigns/{campaign.code}/approval-lists").json()

    assert proposed.status_code == 201, proposed.content
    assert [e["nomination"] for e in proposed.json()["awardees"]] == [noms[0].pk, noms[1].pk]
    assert approved.status_code == 200, approved.content
    assert approved.json()["state"] == "approved"
    assert approved.json()["meeting"]["present"] == MEETING["present"]
    assert again.status_code == 409
    assert revised.status_code == 201, revised.content
    assert revised.json()["version"] == 2
    assert revised.json()["reason"] == "按会议意见调整排序"
    assert [(v["version"], v["state"]) for v in versions] == [(2, "draft"), (1, "approved")]
    assert ApprovalList.objects.get(pk=v1).state == ListState.APPROVED


def test_approval_without_majority_is_refused(jiaozuo):
    campaign, award, noms, office = jiaozuo
    client = api(office)
    pk = _propose(client, campaign, award, noms[:1]).json()["id"]

    response = client.post(
        f"/campaigns/{campaign.code}/approval-lists/{pk}/approve",
        {**MEETING_JSON, "votes_for": 2, "votes_against": 3, "votes_abstain": 0},
    )

    assert response.status_code == 400
    assert "半数" in response.json()["detail"]
    assert ApprovalList.objects.get(pk=pk).state == ListState.DRAFT


def test_leading_group_reads_but_may_not_propose_and_a_clerk_gets_404(jiaozuo):
    campaign, award, noms, office = jiaozuo
    _propose(api(office), campaign, award, noms[:2])
    leader = api(user_with_role("jz-union", Role.LEADING_GROUP, campaign=campaign))
    clerk = api(user_with_role("jz-jiefang-union", Role.CLERK))

    overview = leader.get(f"/campaigns/{campaign.code}/approval")
    refused = _propose(leader, campaign, award, noms[:1])

    assert overview.status_code == 200
    assert overview.json()["can_manage"] is False
    [row] = overview.json()["awards"]
    assert {c["id"] for c in row["candidates"]} == {n.pk for n in noms}
    assert [lst["version"] for lst in row["lists"]] == [1]
    assert refused.status_code == 404
    assert clerk.get(f"/campaigns/{campaign.code}/approval").status_code == 404
    assert ApprovalList.objects.count() == 1


def test_publish_numbers_certificates_and_publishing_twice_is_409(jiaozuo):
    campaign, award, noms, office = jiaozuo
    client = api(office)
    pk = _propose(client, campaign, award, noms[:3], finalists=noms[3:]).json()["id"]
    client.post(f"/campaigns/{campaign.code}/approval-lists/{pk}/approve", MEETING_JSON)
    hold_social_notices(campaign, office)

    published = client.post(f"/campaigns/{campaign.code}/decision", PUBLISH)
    twice = client.post(f"/campaigns/{campaign.code}/decision", PUBLISH)
    certificates = client.get(f"/campaigns/{campaign.code}/decision/certificates").json()

    assert published.status_code == 201, published.content
    assert published.json()["certificates"] == 3
    assert twice.status_code == 409
    # The campaign's own scheme (spec certificate: 焦工匠〔2018〕第001号), no internal codes.
    assert [c["number"] for c in certificates] == [f"焦工匠〔2018〕第00{i}号" for i in (1, 2, 3)]
    assert CommendationDecision.objects.get().published_at is not None


def test_publish_before_approval_is_refused(jiaozuo):
    campaign, _award, _noms, office = jiaozuo

    response = api(office).post(f"/campaigns/{campaign.code}/decision", PUBLISH)

    assert response.status_code == 400
    assert "尚无审定名单" in response.json()["detail"]
    assert not CommendationDecision.objects.exists()


def test_certificate_downloads_one_pdf_and_a_zip(published):
    campaign, _award, _noms, office, _decision = published
    client = api(office)
    [first, *_rest] = client.get(f"/campaigns/{campaign.code}/decision/certificates").json()

    one = client.client.get(first["url"])
    batch = client.get(f"/campaigns/{campaign.code}/decision/certificates.zip")
    leader = api(user_with_role("jz-union", Role.LEADING_GROUP, campaign=campaign))

    assert one.status_code == 200
    assert one["Content-Type"] == "application/pdf"
    assert body(one).startswith(b"%PDF")
    assert len(zipfile.ZipFile(io.BytesIO(body(batch))).namelist()) == 3
    assert leader.get(f"/campaigns/{campaign.code}/decision/certificates.zip").status_code == 404
    assert (
        client.get(f"/campaigns/{campaign.code}/decision/certificates/999999.pdf").status_code
        == 404
    )


def test_decision_document_for_leading_group(published):
    campaign, *_ = published
    leader = api(user_with_role("jz-union", Role.LEADING_GROUP, campaign=campaign))

    docx = leader.get(f"/campaigns/{campaign.code}/decision/document.docx")
    ofd = leader.get(f"/campaigns/{campaign.code}/decision/document.ofd")
    other = leader.get(f"/campaigns/{campaign.code}/decision/document.txt")

    assert docx.status_code == 200
    assert body(docx).startswith(b"PK")
    assert ofd.status_code == 200
    assert ofd["Content-Type"] == "application/ofd"
    assert "OFD.xml" in zipfile.ZipFile(io.BytesIO(body(ofd))).namelist()
    assert other.status_code == 404
    assert "docx、pdf 或 ofd" in other.json()["detail"]


def test_payment_sheet_unmasked_for_finance_and_audited(published):
    campaign, _award, noms, office, _decision = published
    finance = user_with_role("jz-union", Role.FINANCE)
    path = f"/campaigns/{campaign.code}/decision/payments.xlsx"

    full = api(finance).get(path)
    masked = api(office).get(path)
    leader = api(user_with_role("jz-union", Role.LEADING_GROUP, campaign=campaign)).get(path)

    assert load_workbook(io.BytesIO(body(full))).active.cell(row=2, column=6).value == (
        noms[0].bank_account
    )
    assert load_workbook(io.BytesIO(body(masked))).active.cell(row=2, column=6).value == (
        "**** **** " + noms[0].bank_account[-4:]
    )
    assert leader.status_code == 404
    assert list(
        AuditEntry.objects.filter(action="decision.payments.unmasked").values_list(
            "actor", flat=True
        )
    ) == [finance.pk]


def test_public_decision_json_has_no_personal_data(published):
    _campaign, _award, noms, _office, decision = published

    response = Client().get(f"/api/v1/decisions/{decision.pk}")

    assert response.status_code == 200
    body = response.content.decode()
    [section] = response.json()["sections"]
    assert [p["name"] for p in section["awardees"]] == [n.name for n in noms[:3]]
    assert [p["name"] for p in section["finalists"]] == [noms[3].name]
    assert section["awardees"][0]["workplace_name"] == noms[0].workplace_name
    for pattern in (ID_NUMBER, PHONE, BANK):
        assert not pattern.search(body), pattern.pattern
    assert noms[0].id_number not in body


def test_unpublished_decision_is_not_public(jiaozuo):
    campaign, _award, _noms, office = jiaozuo
    CommendationDecision.objects.create(
        campaign=campaign,
        number="x",
        title="草稿",
        issued_on=dt.date(2018, 9, 1),
        created_by=office,
    )
    draft = CommendationDecision.objects.get()

    assert Client().get(f"/api/v1/decisions/{draft.pk}").status_code == 404
    assert api(office).get(f"/campaigns/{campaign.code}/decision/certificates").status_code == 404


ENDPOINTS = {
    ("get", "/api/v1/campaigns/{code}/approval"),
    ("get", "/api/v1/campaigns/{code}/approval-lists"),
    ("get", "/api/v1/campaigns/{code}/approval-lists/{list_id}"),
    ("post", "/api/v1/campaigns/{code}/awards/{award_code}/approval-lists"),
    ("post", "/api/v1/campaigns/{code}/approval-lists/{list_id}/approve"),
    ("post", "/api/v1/campaigns/{code}/approval-lists/{list_id}/revise"),
    ("get", "/api/v1/campaigns/{code}/decision"),
    ("post", "/api/v1/campaigns/{code}/decision"),
    ("get", "/api/v1/campaigns/{code}/decision/document.{file_format}"),
    ("get", "/api/v1/campaigns/{code}/decision/certificates"),
    ("post", "/api/v1/campaigns/{code}/decision/certificates"),
    ("get", "/api/v1/campaigns/{code}/decision/certificates.zip"),
    ("get", "/api/v1/campaigns/{code}/decision/certificates/{certificate_id}.pdf"),
    ("get", "/api/v1/campaigns/{code}/decision/payments.xlsx"),
}
PUBLIC = ("get", "/api/v1/decisions/{decision_id}")


def test_openapi_lists_the_decision_endpoints(openapi_schema):
    schema = openapi_schema
    operations = {(method, path) for path, item in schema["paths"].items() for method in item}

    assert operations >= ENDPOINTS | {PUBLIC}
    for method, path in ENDPOINTS:
        op = schema["paths"][path][method]
        assert op["tags"] == ["审定与表彰"]
        assert op["security"] == [{"TokenAuth": []}, {"SessionAuth": []}]
    assert "security" not in schema["paths"][PUBLIC[1]][PUBLIC[0]]
