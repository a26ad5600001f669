"""Issue 16.6: the auditor reads the audit trail (page, CSV/XLSX export, API), searchable
and filterable; nobody else does, the platform administrator included (三员分立;
docs/security.md check 11)."""

import csv
import datetime as dt
import io
import zipfile
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.test import Client

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import Membership, User
from jiangxuan.accounts.tokens import issue_api_token
from jiangxuan.core.audit import record_audit
from jiangxuan.core.models import AuditEntry

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
INJECTED = '=HYPERLINK("http://evil.example","x")'


def _user(orgs, username: str, role: str | None) -> User:
    user = User.objects.create_user(username=username, password="x" * 12, display_name=username)
    if role:
        Membership.objects.create(user=user, org_unit=orgs["cc-hrss"], role=role)
    return user


@pytest.fixture
def trail(seed_campaign, orgs):
    """Entries by two people on two campaigns and two days."""
    changchun, jiaozuo = seed_campaign("001"), seed_campaign("000")
    zhang, li = _user(orgs, "zhangsan", Role.CLERK), _user(orgs, "lisi", Role.REVIEWER)
    with time_machine.travel(dt.datetime(2024, 5, 1, 10, tzinfo=SH)):
        record_audit(actor=zhang, action="nomination.save", obj=changchun)
    with time_machine.travel(dt.datetime(2024, 5, 2, 23, 30, tzinfo=SH)):
        record_audit(actor=li, action="nomination.review", obj=jiaozuo, after={"c": INJECTED})
        record_audit(actor=li, action="campaign.publish", obj=changchun)
    return {"changchun": changchun, "jiaozuo": jiaozuo}


@pytest.fixture
def auditor(orgs):
    return _user(orgs, "shenji", Role.AUDITOR)


def _page(user, **params):
    client = Client()
    client.force_login(user)
    return client.get("/audit/", params)


def _actions(response) -> list[str]:
    return [e.action for e in response.context["page"].object_list]


def test_auditor_reads_the_trail_newest_first(trail, auditor):
    response = _page(auditor)

    assert response.status_code == 200
    assert _actions(response)[:3] == ["campaign.publish", "nomination.review", "nomination.save"]
    assert "审计记录" in response.content.decode()
    assert "发布评选活动" in response.content.decode()  # the action by its Chinese name


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"actor": "zhang"}, ["nomination.save"]),
        ({"action": "nomination."}, ["nomination.review", "nomination.save"]),
        (
            {"date_from": "2024-05-02", "date_to": "2024-05-02"},
            ["campaign.publish", "nomination.review"],
        ),
        ({"q": "campaign.publish"}, ["campaign.publish"]),
    ],
)
def test_auditor_filters_the_trail(trail, auditor, params, expected):
    response = _page(auditor, **params)

    assert [a for a in _actions(response) if not a.startswith("account.")] == expected


def test_auditor_filters_by_campaign(trail, auditor):
    code = trail["changchun"].code

    response = _page(auditor, campaign=code)

    # The seed's loading (campaign.load) is on the campaign too.
    assert _actions(response) == ["campaign.publish", "nomination.save", "campaign.load"]


def test_bad_filter_shows_the_form_error_not_500(trail, auditor):
    response = _page(auditor, date_from="2024-13-45")

    assert response.status_code == 200
    assert response.context["form"].errors["date_from"]


@pytest.mark.parametrize("role", [None, Role.CAMPAIGN_OFFICE, Role.PLATFORM_ADMIN])
def test_others_cannot_read_the_trail(trail, orgs, role):
    user = _user(orgs, "other", role)

    assert _page(user).status_code == 404


def test_superuser_cannot_read_the_trail(trail):
    admin = User.objects.create_superuser(username="root", password="x" * 12)

    assert _page(admin).status_code == 404
    assert _page(admin, format="csv").status_code == 404


def test_csv_export_neutralises_formulas_and_is_audited(trail, auditor):
    response = _page(auditor, format="csv", action="nomination.")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["编号", "时间", "操作人"]
    assert [r[4] for r in rows[1:]] == ["nomination.review", "nomination.save"]
    after = rows[1][10]
    assert not after.startswith("=")
    assert INJECTED in after
    export = AuditEntry.objects.get(action="audit.export")
    assert (export.actor_id, export.after["rows"], export.after["format"]) == (auditor.pk, 2, "csv")


def test_xlsx_export_has_no_formulas(trail, auditor):
    record_audit(actor=auditor, action="x.test", object_type="t", object_id=INJECTED)

    response = _page(auditor, format="xlsx", action="x.")

    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(row=2, column=7).value == INJECTED


def _api(user, **params):
    client = Client(
        headers={"Authorization": f"Bearer {issue_api_token(user, name='t', scope='read_write')}"}
    )
    return client.get("/api/v1/audit", params)


def test_api_auditor_reads_and_filters(trail, auditor):
    response = _api(auditor, campaign=trail["jiaozuo"].code)

    assert response.status_code == 200
    body = response.json()
    assert [e["action"] for e in body["items"]] == ["nomination.review", "campaign.load"]
    assert body["items"][0]["occurred_at"].endswith("+08:00")
    assert body["count"] == 2


def test_api_refuses_everyone_else(trail, orgs):
    office = _user(orgs, "office", Role.CAMPAIGN_OFFICE)
    admin = User.objects.create_superuser(username="root", password="x" * 12)

    assert _api(office).status_code == 404
    assert _api(admin).status_code == 404
