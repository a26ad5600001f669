"""Many documents as one ZIP, packed in the background with the progress shown (issue
14 三 and 14.7; issue 15.15): every certificate, and the campaign's whole file, through
the office's pages, the API and the service."""

import io
import json
import zipfile
from urllib.parse import quote

import pytest
from django.urls import reverse

from jiangxuan.accounts.enums import Role
from jiangxuan.core.audit import record_audit
from jiangxuan.core.models import AuditEntry
from jiangxuan.decisions.tests.conftest import user_with_role
from jiangxuan.decisions.tests.test_api import api
from jiangxuan.documents import bundles
from jiangxuan.documents.enums import BundleKind, BundleState
from jiangxuan.documents.models import DocumentBundle

pytestmark = pytest.mark.django_db

CERTIFICATES = BundleKind.CERTIFICATES


def _ask(client, campaign, kind=CERTIFICATES):
    return client.post(reverse("documents:bundle_request", args=[campaign.code, kind]))


def test_office_asks_sees_progress_and_downloads_the_certificates(
    client,
    published,
    django_capture_on_commit_callbacks,
):
    campaign, _award, _noms, office, decision = published
    client.force_login(office)
    overview = client.get(reverse("decisions:overview", args=[campaign.code])).content.decode()
    assert reverse("documents:bundle_request", args=[campaign.code, CERTIFICATES]) in overview
    with django_capture_on_commit_callbacks(execute=True):
        response = _ask(client, campaign)
    bundle = DocumentBundle.objects.get(campaign=campaign)
    assert response.status_code == 302
    assert response["Location"] == reverse("documents:bundle", args=[campaign.code, bundle.pk])
    page = client.get(response["Location"]).content.decode()
    assert "生成完毕" in page
    download = client.get(reverse("documents:bundle_file", args=[campaign.code, bundle.pk]))
    assert download["Content-Type"] == "application/zip"
    assert quote(f"{campaign.title}-全部荣誉证书.zip") in download["Content-Disposition"]
    names = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).namelist()
    assert sorted(names) == sorted(f"{c.number}.pdf" for c in decision.certificates.all())
    assert AuditEntry.objects.filter(action="documents.bundle", actor=office).exists()
    # The same certificates: the finished ZIP is handed out again, not packed anew.
    assert _ask(client, campaign)["Location"] == response["Location"]
    assert DocumentBundle.objects.count() == 1


def test_progress_box_polls_while_packing_and_stops_when_done(client, published):
    campaign, _award, _noms, office, _decision = published
    client.force_login(office)
    bundle = bundles.request_bundle(campaign, CERTIFICATES, actor=office)  # no worker yet
    url = reverse("documents:bundle", args=[campaign.code, bundle.pk])
    waiting = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 1s"' in waiting
    assert "排队中" in waiting
    DocumentBundle.objects.filter(pk=bundle.pk).update(state=BundleState.RUNNING, done=2)
    running = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "已完成 2 / 3" in running
    assert "<html" not in running  # only the box is swapped
    DocumentBundle.objects.filter(pk=bundle.pk).update(state=BundleState.QUEUED)
    done = bundles.build_bundle(bundle.pk)
    finished = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert done.state == BundleState.DONE
    assert done.done == 3
    assert "every 1s" not in finished
    assert "下载 ZIP 文件" in finished


def test_build_counts_each_certificate_as_it_goes(published, monkeypatch):
    campaign, _award, _noms, office, _decision = published
    bundle = bundles.request_bundle(campaign, CERTIFICATES, actor=office)
    seen: list[int] = []
    render = bundles.render_certificate_pdf

    def counting(certificate):
        seen.append(DocumentBundle.objects.get(pk=bundle.pk).done)
        return render(certificate)

    monkeypatch.setattr(bundles, "render_certificate_pdf", counting)
    bundles.build_bundle(bundle.pk)
    assert seen == [0, 1, 2]
    assert bundles.build_bundle(bundle.pk).done == 3  # finished: not packed twice
    assert seen == [0, 1, 2]


def test_a_failed_packing_says_so_and_may_be_asked_again(client, published, monkeypatch):
    campaign, _award, _noms, office, _decision = published

    def broken(certificate):
        raise OSError("font missing")

    monkeypatch.setattr(bundles, "render_certificate_pdf", broken)
    failed = bundles.build_bundle(bundles.request_bundle(campaign, CERTIFICATES, actor=office).pk)
    assert failed.state == BundleState.FAILED
    client.force_login(office)
    page = client.get(reverse("documents:bundle", args=[campaign.code, failed.pk])).content
    assert "生成失败" in page.decode()
    assert "重新生成" in page.decode()
    assert b"font missing" not in page
    assert bundles.request_bundle(campaign, CERTIFICATES, actor=office).pk != failed.pk


def test_certificates_before_the_decision_are_refused_clearly(client, jiaozuo):
    campaign, _award, _noms, office = jiaozuo
    client.force_login(office)
    response = _ask(client, campaign)
    assert response.status_code == 302
    assert "表彰决定尚未发布" in client.get(response["Location"]).content.decode()
    answer = api(office).post(
        f"/campaigns/{campaign.code}/document-bundles", {"kind": "certificates"}
    )
    assert answer.status_code == 409


def test_only_the_office_packs_or_fetches(client, published):
    campaign, _award, _noms, office, _decision = published
    bundle = bundles.build_bundle(bundles.request_bundle(campaign, CERTIFICATES, actor=office).pk)
    leader = user_with_role("jz-union", Role.LEADING_GROUP, campaign=campaign)
    client.force_login(leader)
    assert _ask(client, campaign).status_code == 404
    for name in ("documents:bundle", "documents:bundle_file"):
        assert client.get(reverse(name, args=[campaign.code, bundle.pk])).status_code == 404
    base = f"/campaigns/{campaign.code}/document-bundles"
    assert api(leader).post(base, {"kind": "archive"}).status_code == 404
    assert api(leader).get(f"{base}/{bundle.pk}").status_code == 404


def test_the_office_downloads_the_campaigns_file(
    client,
    published,
    django_capture_on_commit_callbacks,
):
    campaign, _award, noms, office, _decision = published
    client.force_login(office)
    with django_capture_on_commit_callbacks(execute=True):
        response = _ask(client, campaign, BundleKind.ARCHIVE)
    bundle = DocumentBundle.objects.get(campaign=campaign, kind=BundleKind.ARCHIVE)
    assert bundle.state == BundleState.DONE
    assert bundle.done == bundle.total > len(noms)
    download = client.get(reverse("documents:bundle_file", args=[campaign.code, bundle.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    manifest = json.loads(archive.read("manifest.json"))
    assert set(archive.namelist()) == {"manifest.json", *(e["path"] for e in manifest["files"])}
    assert {"nomination_form", "decision", "certificate"} <= {e["kind"] for e in manifest["files"]}
    assert AuditEntry.objects.filter(action="documents.archive", actor=office).exists()
    # Nothing written since: the same file again. A write afterwards: a new one.
    assert _ask(client, campaign, BundleKind.ARCHIVE)["Location"] == response["Location"]
    record_audit(actor=office, action="nomination.update", obj=noms[0], after={})
    assert _ask(client, campaign, BundleKind.ARCHIVE)["Location"] != response["Location"]


def test_api_packs_reports_progress_and_serves_the_zip(
    published,
    django_capture_on_commit_callbacks,
):
    campaign, _award, _noms, office, _decision = published
    client = api(office)
    base = f"/campaigns/{campaign.code}/document-bundles"
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(base, {"kind": "certificates"})
    assert asked.status_code == 202
    body = asked.json()
    assert body["state"] == "queued"
    assert body["total"] == 3
    assert body["download_url"] is None
    assert body["kind_label"] == "全部荣誉证书"
    status = client.get(f"{base}/{body['id']}").json()
    assert status["state"] == "done"
    assert status["done"] == 3
    assert status["state_label"] == "已完成"
    zipped = client.client.get(status["download_url"])
    assert zipped["Content-Type"] == "application/zip"
    assert len(zipfile.ZipFile(io.BytesIO(b"".join(zipped.streaming_content))).namelist()) == 3
    assert client.get(f"{base}/999999").status_code == 404
    assert client.post(base, {"kind": "everything"}).status_code == 422
