"""Faults in the middle of the review chain's writes and of an evidence upload
(docs/security.md check 30): the database session terminated, or the process killed, right
after the first row is written. Nothing is left half-written, the audit chain verifies,
a stored file without its row is removed by the orphan sweep, and a retry succeeds once.
"""

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import OrgUnit, User
from jiangxuan.accounts.tokens import issue_api_token
from jiangxuan.core.errors import DATABASE_UNAVAILABLE
from jiangxuan.core.tests.faults import (
    FAULTS,
    after_first,
    assert_audit_chain_verifies,
    assert_files_are_the_rows,
    audit_actions,
    inject,
    needs_postgres,
    own_media,
    snapshot,
    stored_files,
    sweep_orphans,
    terminate_own_session,
)
from jiangxuan.nominations import review, services
from jiangxuan.nominations.enums import NominationState
from jiangxuan.nominations.models import Decision, Evidence, Forwarding, Nomination, SignOff
from jiangxuan.nominations.workflow import InvalidTransition, NominationError

from .conftest import clear_level, make_id_number, png_bytes

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    needs_postgres()
    return own_media(settings, tmp_path)


@pytest.fixture
def people(make_user):
    return {
        "clerk": make_user("cc-chaoyang-hrss"),
        "workplace": make_user("cc-huarui-machinery", Role.REVIEWER),
    }


@pytest.fixture
def draft(seed_campaign, people, nominate, complete, orgs):
    """A complete 长春技术能手 draft from a workplace in 朝阳区 (seed 001)."""
    n = nominate(
        seed_campaign("001"),
        "jishu-nengshou",
        people["clerk"],
        workplace=orgs["cc-huarui-machinery"],
        skill_level="senior",
        id_number=make_id_number(),
    )
    return complete(n, people["clerk"])


@pytest.fixture
def submitted(draft, people, within):
    with time_machine.travel(within(draft.campaign), tick=False):
        return services.submit_nomination(draft, actor=people["clerk"])


# The writes, as a killed child process runs them too (ids and plain values only).


def sign(nomination: int, actor: int) -> None:
    """The workplace approves, with its stamped page's scan (stored before the row)."""
    review.sign_off(
        Nomination.objects.get(pk=nomination),
        actor=User.objects.get(pk=actor),
        signer="workplace",
        decision=Decision.APPROVE,
        opinion="同意推荐。",
        scan=SimpleUploadedFile("意见页.png", png_bytes(), "image/png"),
    )


def forward(nomination: int, actor: int, body: int) -> None:
    """The workplace forwards its approved nomination to the county."""
    n = Nomination.objects.get(pk=nomination)
    review.forward_nominations(
        n.campaign,
        level="workplace",
        body=OrgUnit.objects.get(pk=body),
        actor=User.objects.get(pk=actor),
        order=[nomination],
    )


def upload(nomination: int, actor: int) -> None:
    """The clerk uploads a certificate's image as evidence."""
    services.add_evidence(
        Nomination.objects.get(pk=nomination),
        actor=User.objects.get(pk=actor),
        material="other",
        upload=SimpleUploadedFile("证书.png", png_bytes((60, 40)), "image/png"),
    )


@pytest.mark.parametrize("fault", FAULTS)
def test_an_interrupted_sign_off_leaves_nothing_and_signs_once_on_retry(
    fault, submitted, people, media
):
    n, reviewer = submitted, people["workplace"]
    before, files_before = snapshot(), stored_files(media)

    inject(fault, sign, model=SignOff, media=media, nomination=n.pk, actor=reviewer.pk)

    assert snapshot() == before
    assert_audit_chain_verifies()
    # The scan was stored before its row: the sweep removes it and nothing else.
    orphans = sweep_orphans(media)
    assert [name.split("/")[0] for name in orphans] == ["signoffs"]
    assert stored_files(media) == files_before
    assert_files_are_the_rows(media)

    sign(nomination=n.pk, actor=reviewer.pk)
    with pytest.raises(InvalidTransition, match="本级审核已完成"):
        sign(nomination=n.pk, actor=reviewer.pk)

    n.refresh_from_db()
    assert (n.state, n.level, n.level_ready) == (NominationState.IN_REVIEW, "workplace", True)
    assert SignOff.objects.filter(nomination=n).count() == 1
    assert audit_actions("nomination.sign_off") == 1
    assert audit_actions("nomination.start_review") == 1
    assert_audit_chain_verifies()
    assert_files_are_the_rows(media)


@pytest.mark.parametrize("fault", FAULTS)
def test_an_interrupted_forward_leaves_nothing_and_forwards_once_on_retry(
    fault, submitted, people, orgs, media
):
    n, reviewer, body = submitted, people["workplace"], orgs["cc-huarui-machinery"]
    review.sign_off(n, actor=reviewer, signer="workplace", decision=Decision.APPROVE)
    clear_level(n)
    before, files_before = snapshot(), stored_files(media)

    inject(
        fault,
        forward,
        model=Forwarding,
        media=media,
        nomination=n.pk,
        actor=reviewer.pk,
        body=body.pk,
    )

    assert snapshot() == before
    assert_audit_chain_verifies()
    assert sweep_orphans(media) == []
    assert stored_files(media) == files_before

    forward(nomination=n.pk, actor=reviewer.pk, body=body.pk)
    with pytest.raises(NominationError, match="尚未通过本级审核"):
        forward(nomination=n.pk, actor=reviewer.pk, body=body.pk)

    n.refresh_from_db()
    assert (n.state, n.level, n.level_ready, n.rank) == (
        NominationState.IN_REVIEW,
        "nominating-unit",
        False,
        1,
    )
    assert list(Forwarding.objects.values_list("nomination", "level", "rank")) == [
        (n.pk, "workplace", 1)
    ]
    assert audit_actions("nomination.forward") == 1
    assert_audit_chain_verifies()


@pytest.mark.parametrize("fault", FAULTS)
def test_an_interrupted_evidence_upload_leaves_no_row_and_its_file_is_swept(
    fault, draft, people, media
):
    n, clerk = draft, people["clerk"]
    before, files_before = snapshot(), stored_files(media)

    inject(fault, upload, model=Evidence, media=media, nomination=n.pk, actor=clerk.pk)

    assert snapshot() == before
    assert_audit_chain_verifies()
    orphans = sweep_orphans(media)
    assert [name.split("/")[0] for name in orphans] == ["evidence"]
    assert stored_files(media) == files_before
    assert audit_actions("files.purge_orphans") == 1
    assert_audit_chain_verifies()

    uploads_before = audit_actions("evidence.add")
    upload(nomination=n.pk, actor=clerk.pk)

    assert list(n.evidence.filter(material="other").values_list("original_name", flat=True)) == [
        "证书.png"
    ]
    assert audit_actions("evidence.add") == uploads_before + 1
    assert_audit_chain_verifies()
    assert_files_are_the_rows(media)


# The user's side: the connection lost while the request writes (docs/security.md check 30).


def test_a_sign_off_page_losing_the_database_answers_503_in_chinese_and_a_retry_signs(
    submitted, people
):
    n, reviewer = submitted, people["workplace"]
    browser = Client(raise_request_exception=False)
    browser.force_login(reviewer)
    url = reverse("nominations:sign_off", args=[n.pk])
    form = {"decision": Decision.APPROVE, "opinion": "同意推荐。"}
    before = snapshot()

    with after_first(SignOff, terminate_own_session) as fired:
        response = browser.post(url, form)
    connection.close()

    body = response.content.decode()
    assert fired == [True]
    assert response.status_code == 503
    assert "<h1>服务暂时不可用</h1>" in body
    assert str(DATABASE_UNAVAILABLE) in body
    assert "OperationalError" not in body
    assert "Traceback" not in body
    assert (response["Retry-After"], response["Cache-Control"]) == ("30", "no-store")
    assert snapshot() == before

    retried = browser.post(url, form)
    again = browser.post(url, form)

    assert retried.status_code == 302
    assert retried["Location"] == reverse("nominations:detail", args=[n.pk])
    assert again.status_code == 409
    assert "本级审核已完成，等待报送上一级。" in again.content.decode()
    assert SignOff.objects.filter(nomination=n).count() == 1
    assert audit_actions("nomination.sign_off") == 1
    assert_audit_chain_verifies()


def test_the_sign_off_api_losing_the_database_answers_503_unavailable_and_a_retry_signs(
    submitted, people
):
    n, reviewer = submitted, people["workplace"]
    key = issue_api_token(reviewer, name="测试", scope="read_write")
    api = Client(headers={"Authorization": f"Bearer {key}"}, raise_request_exception=False)
    url = f"/api/v1/nominations/{n.pk}/sign-offs"
    payload = {"decision": "approve", "opinion": "同意推荐。"}
    before = snapshot()

    with after_first(SignOff, terminate_own_session) as fired:
        response = api.post(url, payload, content_type="application/json")
    connection.close()

    assert fired == [True]
    assert response.status_code == 503
    assert response.json() == {
        "detail": str(DATABASE_UNAVAILABLE),
        "code": "unavailable",
        "errors": {},
    }
    assert response["Retry-After"] == "30"
    assert snapshot() == before

    retried = api.post(url, payload, content_type="application/json")
    again = api.post(url, payload, content_type="application/json")

    assert (retried.status_code, retried.json()["decision"]) == (201, "approve")
    assert (again.status_code, again.json()["code"]) == (409, "conflict")
    assert SignOff.objects.filter(nomination=n).count() == 1
    assert_audit_chain_verifies()
