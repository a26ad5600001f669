"""The nominations services refuse a wrong role themselves (docs/conventions.md 8.4: views
and the API declare, services enforce). A nomination is created, edited, documented,
submitted and withdrawn by a clerk whose jurisdiction holds it; an eligibility rule is
overridden by the campaign's office alone. Another district's clerk, the office (for the
clerk's work), the leading group, a reviewer and the platform administrator (a
superuser) are refused, and nothing is written."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from jiangxuan.accounts.enums import Role
from jiangxuan.core.models import AuditEntry
from jiangxuan.nominations import review, services
from jiangxuan.nominations.models import Evidence, Forwarding, Nomination

from .conftest import png_bytes

pytestmark = pytest.mark.django_db

#: Inside seed 001's submission window (2022-10-24 – 10-26, seed 001 六).
WITHIN = dt.datetime(2022, 10, 25, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def changchun(seed_campaign):
    return seed_campaign("001")


@pytest.fixture
def clerk(make_user):
    return make_user("cc-chaoyang-hrss")


@pytest.fixture
def ready(changchun, clerk, nominate, complete):
    """An eligible, complete 长春技术能手 draft from 朝阳区人社局."""
    nomination = nominate(changchun, "jishu-nengshou", clerk, skill_level="senior")
    nomination = services.save_nomination(
        nomination, actor=clerk, core={"claimed_conditions": ["mentoring"]}, extra={}
    )
    return complete(nomination, clerk)


def _user(role, campaign, clerk, role_user, seed_campaign):
    if role == "clerk":
        return clerk
    if role == "other_clerk":
        return role_user("cc-nanguan-hrss", Role.CLERK)
    if role == "office":
        return role_user(campaign.organizer_unit, Role.CAMPAIGN_OFFICE, campaign=campaign)
    if role == "other_office":
        other = seed_campaign("000")
        return role_user(other.organizer_unit, Role.CAMPAIGN_OFFICE, campaign=other)
    if role == "leading_group":
        return role_user(campaign.organizer_unit, Role.LEADING_GROUP, campaign=campaign)
    if role == "reviewer":
        return role_user("cc-hrss", Role.REVIEWER)
    return role_user(None, None)


def _calls(changchun, nomination):
    award = changchun.awards.get(code="jishu-nengshou")
    evidence = Evidence.objects.filter(nomination=nomination).first()
    return {
        "create_nomination": lambda u: services.create_nomination(
            campaign=changchun, award=award, actor=u
        ),
        "save_nomination": lambda u: services.save_nomination(
            nomination, actor=u, core={"phone": "13912345678"}, extra={}
        ),
        "add_evidence": lambda u: services.add_evidence(
            nomination,
            actor=u,
            material="photo",
            upload=SimpleUploadedFile("照片.png", png_bytes(), content_type="image/png"),
        ),
        "delete_evidence": lambda u: services.delete_evidence(evidence, actor=u),
        "submit_nomination": lambda u: services.submit_nomination(nomination, actor=u),
        "withdraw_nomination": lambda u: services.withdraw_nomination(
            nomination, actor=u, reason="本人放弃"
        ),
        "override_eligibility": lambda u: services.override_eligibility(
            nomination, actor=u, rule_code="mentoring", reason="经领导小组研究同意"
        ),
    }


CLERKS_WORK = [
    "save_nomination",
    "add_evidence",
    "delete_evidence",
    "submit_nomination",
    "withdraw_nomination",
]
CASES = (
    [("create_nomination", r) for r in ("office", "leading_group", "reviewer", "superuser")]
    + [
        (s, r)
        for s in CLERKS_WORK
        for r in ("other_clerk", "office", "leading_group", "reviewer", "superuser")
    ]
    + [
        ("override_eligibility", r)
        for r in ("clerk", "other_office", "leading_group", "reviewer", "superuser")
    ]
)


@pytest.mark.parametrize(("service", "role"), CASES)
def test_a_wrong_role_is_refused(changchun, clerk, ready, role_user, seed_campaign, service, role):
    user = _user(role, changchun, clerk, role_user, seed_campaign)
    entries = AuditEntry.objects.count()
    nominations = list(Nomination.objects.values_list("pk", "state", "updated_at"))
    evidence = list(Evidence.objects.values_list("pk", flat=True))

    with time_machine.travel(WITHIN, tick=False), pytest.raises(PermissionDenied):
        _calls(changchun, ready)[service](user)

    assert AuditEntry.objects.count() == entries
    assert list(Nomination.objects.values_list("pk", "state", "updated_at")) == nominations
    assert list(Evidence.objects.values_list("pk", flat=True)) == evidence


@pytest.mark.parametrize("role", ["other_clerk", "office", "leading_group", "superuser"])
def test_a_body_forwards_its_own_list_alone(
    changchun, clerk, ready, orgs, role_user, seed_campaign, role
):
    """Only a reviewer or clerk of the body itself forwards its ranked list (朝阳区人社局's
    list here); the office and other districts do not act for it."""
    user = _user(role, changchun, clerk, role_user, seed_campaign)
    entries = AuditEntry.objects.count()

    with pytest.raises(PermissionDenied) as excinfo:
        review.forward_nominations(
            changchun,
            level="county",
            body=orgs["cc-chaoyang-hrss"],
            actor=user,
            order=[ready.pk],
        )

    assert str(excinfo.value) == "您不能代表长春市朝阳区人力资源和社会保障局报送。"
    assert AuditEntry.objects.count() == entries
    assert not Forwarding.objects.exists()


@pytest.mark.parametrize(
    "role", ["other_clerk", "office", "leading_group", "reviewer", "superuser"]
)
def test_a_body_uploads_and_removes_its_forward_documents_alone(
    changchun, clerk, orgs, role_user, seed_campaign, role
):
    """Only the body itself (its reviewer or clerk) uploads or removes the documents sent
    with its list (seed 001 四(一)); the office, the city's reviewer and other districts
    do not, and nothing is written."""
    from jiangxuan.nominations import forward_documents
    from jiangxuan.nominations.models import ForwardDocument

    from .conftest import PDF_BYTES

    body = orgs["cc-chaoyang-hrss"]
    stored = forward_documents.add_forward_document(
        changchun,
        level="nominating-unit",
        body=body,
        actor=clerk,
        document="nomination-letter",
        upload=SimpleUploadedFile("推荐报告.pdf", PDF_BYTES, "application/pdf"),
    )
    user = _user(role, changchun, clerk, role_user, seed_campaign)
    entries = AuditEntry.objects.count()

    with pytest.raises(PermissionDenied) as upload:
        forward_documents.add_forward_document(
            changchun,
            level="nominating-unit",
            body=body,
            actor=user,
            document="summary-sheet",
            upload=SimpleUploadedFile("汇总表.pdf", PDF_BYTES, "application/pdf"),
        )
    with pytest.raises(PermissionDenied):
        forward_documents.delete_forward_document(stored, actor=user)

    assert str(upload.value) == "您不能代表长春市朝阳区人力资源和社会保障局上传报送材料。"
    assert AuditEntry.objects.count() == entries
    assert list(ForwardDocument.objects.values_list("pk", flat=True)) == [stored.pk]


@pytest.mark.parametrize("role", ["other_clerk", "other_office", "leading_group", "superuser"])
def test_forward_documents_are_read_by_sender_receiver_and_office_alone(
    changchun, clerk, orgs, role_user, seed_campaign, role
):
    """Before any forward, another district, another campaign's office, the leading group
    and a superuser without memberships may not read the body's documents."""
    from jiangxuan.nominations import forward_documents

    from .conftest import PDF_BYTES

    stored = forward_documents.add_forward_document(
        changchun,
        level="nominating-unit",
        body=orgs["cc-chaoyang-hrss"],
        actor=clerk,
        document="nomination-letter",
        upload=SimpleUploadedFile("推荐报告.pdf", PDF_BYTES, "application/pdf"),
    )
    user = _user(role, changchun, clerk, role_user, seed_campaign)
    entries = AuditEntry.objects.count()

    with pytest.raises(PermissionDenied):
        forward_documents.open_forward_document(stored, actor=user)

    assert forward_documents.forward_document_for(user, stored.pk) is None
    assert AuditEntry.objects.count() == entries
