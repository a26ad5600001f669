"""The office's summary sheet of many nominations is made by a background task with its
progress shown, then downloaded (issue 17.4), through the pages, the API and the service;
a small sheet, and a unit's, still download at once."""

from urllib.parse import quote

import pytest
from django.urls import reverse

from jiangxuan.accounts.enums import Role
from jiangxuan.core.audit import record_audit
from jiangxuan.core.models import AuditEntry
from jiangxuan.decisions.tests.test_api import api
from jiangxuan.documents import bundles
from jiangxuan.documents.enums import BundleKind, BundleState
from jiangxuan.documents.models import DocumentBundle
from jiangxuan.documents.selectors import summary_scope_for
from jiangxuan.documents.services import render_summary_xlsx

from .helpers import xlsx_sheet

pytestmark = pytest.mark.django_db

SUMMARY = BundleKind.SUMMARY
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def office(make_user, campaign):
    return make_user("cc-hrss", Role.CAMPAIGN_OFFICE, campaign=campaign)


@pytest.fixture
def three(make_nomination):
    """Three nominations of two units; with a threshold of 2 rows the office's sheet is
    made in the background."""
    return [
        make_nomination(rank=1, name="朝阳一"),
        make_nomination(rank=2, name="朝阳二"),
        make_nomination(rank=1, name="南关一", unit="cc-nanguan-hrss", workplace="cc-yatai-heat"),
    ]


def _cells(data: bytes) -> list[list]:
    sheet = xlsx_sheet(data)
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_office_page_asks_packs_with_progress_and_downloads_the_same_sheet(
    client, office, campaign, three, settings, django_capture_on_commit_callbacks
):
    settings.JX_SUMMARY_BACKGROUND_ROWS = 2
    client.force_login(office)

    page = client.get(reverse("documents:summary_xlsx", args=[campaign.code]))

    assert page.status_code == 200
    assert page["Content-Type"].startswith("text/html")
    text = page.content.decode()
    assert "共 3 名推荐对象" in text
    ask = reverse("documents:bundle_request", args=[campaign.code, SUMMARY])
    assert f'action="{ask}"' in text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ask)
    bundle = DocumentBundle.objects.get(campaign=campaign, kind=SUMMARY)
    assert response["Location"] == reverse("documents:bundle", args=[campaign.code, bundle.pk])
    assert (bundle.state, bundle.done, bundle.total) == (BundleState.DONE, 3, 3)
    progress = client.get(response["Location"]).content.decode()
    sheet_url = reverse("documents:bundle_sheet", args=[campaign.code, bundle.pk])
    assert sheet_url in progress
    assert "下载汇总表（XLSX）" in progress
    assert "ZIP" not in progress

    download = client.get(sheet_url)

    assert download["Content-Type"] == XLSX
    assert download["Content-Disposition"] == (
        f"attachment; filename*=utf-8''{quote('长春技能大奖和长春技术能手候选人汇总表.xlsx')}"
    )
    scope = summary_scope_for(office, campaign)
    direct = render_summary_xlsx(
        campaign, scope.nominations, unmasked_ids=scope.unmasked_ids, unit_name=scope.unit_name
    )
    assert _cells(b"".join(download.streaming_content)) == _cells(direct)
    # The unmasked export is audited when it is made, naming the rows, never the data.
    (entry,) = AuditEntry.objects.filter(action="nomination.export_unmasked")
    assert entry.actor == office
    assert entry.after["nominations"] == sorted(n.pk for n in three)
    # Nothing changed: asking again hands out the same file; the ZIP address answers 404.
    assert client.post(ask)["Location"] == response["Location"]
    zip_url = reverse("documents:bundle_file", args=[campaign.code, bundle.pk])
    assert client.get(zip_url).status_code == 404


def test_small_sheet_and_a_units_sheet_download_at_once(
    client, office, make_user, campaign, three, settings
):
    settings.JX_SUMMARY_BACKGROUND_ROWS = 3  # not more than three rows
    url = reverse("documents:summary_xlsx", args=[campaign.code])
    client.force_login(office)
    assert client.get(url)["Content-Type"] == XLSX
    settings.JX_SUMMARY_BACKGROUND_ROWS = 0
    client.force_login(make_user("cc-chaoyang-hrss", Role.CLERK))
    response = client.get(url)
    assert response["Content-Type"] == XLSX
    names = [row[2] for row in _cells(b"".join(response.streaming_content))[3:5]]
    assert names == ["朝阳一", "朝阳二"]
    assert not DocumentBundle.objects.exists()


def test_progress_is_counted_while_the_rows_are_written(
    office, campaign, three, settings, monkeypatch
):
    monkeypatch.setattr("jiangxuan.documents.services.PROGRESS_EVERY", 2)
    seen = []
    original = bundles._count

    def spy(bundle_id):
        count = original(bundle_id)

        def progress(done, total):
            seen.append((done, total))
            count(done, total)

        return progress

    monkeypatch.setattr(bundles, "_count", spy)
    bundle = bundles.request_bundle(campaign, SUMMARY, actor=office)
    assert bundle.total == 3

    built = bundles.build_bundle(bundle.pk)

    assert seen == [(2, 3), (3, 3)]
    assert (built.state, built.done, built.total) == (BundleState.DONE, 3, 3)


def test_a_changed_nomination_makes_a_new_sheet(office, campaign, three, make_nomination):
    first = bundles.build_bundle(bundles.request_bundle(campaign, SUMMARY, actor=office).pk)
    assert bundles.request_bundle(campaign, SUMMARY, actor=office).pk == first.pk
    make_nomination(rank=3, name="朝阳三")
    # A write the platform audits (as every service does) changes what the sheet holds.
    record_audit(actor=office, action="nomination.submit", obj=campaign)
    again = bundles.request_bundle(campaign, SUMMARY, actor=office)
    assert again.pk != first.pk
    assert again.total == 4


def test_api_packs_the_summary_and_serves_it_as_xlsx(
    office, campaign, three, django_capture_on_commit_callbacks
):
    client = api(office)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/campaigns/{campaign.code}/document-bundles", {"kind": "summary"})
    assert response.status_code == 202
    bundle = DocumentBundle.objects.get(campaign=campaign, kind=SUMMARY)
    state = client.get(f"/campaigns/{campaign.code}/document-bundles/{bundle.pk}").json()
    assert (state["state"], state["kind_label"], state["total"]) == ("done", "汇总表", 3)
    assert state["download_url"].endswith(f"/document-bundles/{bundle.pk}/file.xlsx")
    download = client.get(f"/campaigns/{campaign.code}/document-bundles/{bundle.pk}/file.xlsx")
    assert download.status_code == 200
    assert download["Content-Type"] == XLSX
    # Read to the end, which also closes the stored file (the test client closes a
    # streamed answer only then).
    names = {row[2] for row in _cells(b"".join(download.streaming_content))}
    assert {"朝阳一", "朝阳二", "南关一"} <= names
    zipped = client.get(f"/campaigns/{campaign.code}/document-bundles/{bundle.pk}/file.zip")
    assert zipped.status_code == 404


def test_only_the_office_asks_for_the_background_sheet(
    client, make_user, campaign, three, settings
):
    settings.JX_SUMMARY_BACKGROUND_ROWS = 0
    clerk = make_user("cc-chaoyang-hrss", Role.CLERK)
    client.force_login(clerk)
    response = client.post(reverse("documents:bundle_request", args=[campaign.code, SUMMARY]))
    assert response.status_code == 404
    assert not DocumentBundle.objects.exists()
