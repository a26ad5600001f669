"""Every certificate as one ZIP, packed in the background with its progress shown (issue
14 三; issue 15 15): the office's page, the API and the service."""

import io
import zipfile

import pytest
from django.urls import reverse

from jiangxuan.accounts.enums import Role
from jiangxuan.core.models import AuditEntry
from jiangxuan.decisions import bundles
from jiangxuan.decisions.enums import BundleState
from jiangxuan.decisions.models import CertificateBundle
from jiangxuan.decisions.tests.conftest import user_with_role
from jiangxuan.decisions.tests.test_api import api

pytestmark = pytest.mark.django_db


def test_office_asks_sees_progress_and_downloads_the_zip(
    client, published, django_capture_on_commit_callbacks
):
    campaign, _award, _noms, office, decision = published
    client.force_login(office)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("decisions:certificates", args=[campaign.code]))
    bundle = CertificateBundle.objects.get(decision=decision)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "decisions:certificate_bundle", args=[campaign.code, bundle.pk]
    )
    page = client.get(response["Location"]).content.decode()
    assert "已生成 3 张证书" in page
    download = client.get(
        reverse("decisions:certificate_bundle_file", args=[campaign.code, bundle.pk])
    )
    assert download["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).namelist()
    assert sorted(names) == sorted(f"{c.number}.pdf" for c in decision.certificates.all())
    assert AuditEntry.objects.filter(action="decision.certificates.bundle", actor=office).exists()
    # The same certificates: the finished ZIP is handed out again, not packed anew.
    again = client.post(reverse("decisions:certificates", args=[campaign.code]))
    assert again["Location"] == response["Location"]
    assert CertificateBundle.objects.count() == 1


def test_progress_box_polls_while_packing_and_stops_when_done(client, published):
    campaign, _award, _noms, office, decision = published
    client.force_login(office)
    bundle = bundles.request_bundle(decision, actor=office)  # queued: no worker ran yet
    url = reverse("decisions:certificate_bundle", args=[campaign.code, bundle.pk])
    waiting = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 1s"' in waiting
    assert "排队中" in waiting
    CertificateBundle.objects.filter(pk=bundle.pk).update(state=BundleState.RUNNING, done=2)
    running = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "已完成 2 / 3 张" in running
    assert "<html" not in running  # only the box is swapped
    bundles.build_bundle(bundle.pk)  # queued → taken only once
    CertificateBundle.objects.filter(pk=bundle.pk).update(state=BundleState.QUEUED)
    done = bundles.build_bundle(bundle.pk)
    finished = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert done.state == BundleState.DONE
    assert done.done == 3
    assert "every 1s" not in finished
    assert "下载 ZIP 文件" in finished


def test_build_counts_each_certificate_as_it_goes(published, monkeypatch):
    _campaign, _award, _noms, office, decision = published
    bundle = bundles.request_bundle(decision, actor=office)
    seen: list[int] = []
    render = bundles.render_certificate_pdf

    def counting(certificate):
        seen.append(CertificateBundle.objects.get(pk=bundle.pk).done)
        return render(certificate)

    monkeypatch.setattr(bundles, "render_certificate_pdf", counting)
    bundles.build_bundle(bundle.pk)
    assert seen == [0, 1, 2]


def test_a_failed_packing_says_so_and_may_be_asked_again(client, published, monkeypatch):
    campaign, _award, _noms, office, decision = published

    def broken(certificate):
        raise OSError("font missing")

    monkeypatch.setattr(bundles, "render_certificate_pdf", broken)
    failed = bundles.build_bundle(bundles.request_bundle(decision, actor=office).pk)
    assert failed.state == BundleState.FAILED
    client.force_login(office)
    page = client.get(
        reverse("decisions:certificate_bundle", args=[campaign.code, failed.pk])
    ).content.decode()
    assert "证书生成失败" in page
    assert "重新生成" in page
    assert "font missing" not in page
    assert bundles.request_bundle(decision, actor=office).pk != failed.pk


def test_only_the_office_packs_or_fetches(client, published):
    campaign, _award, _noms, office, decision = published
    bundle = bundles.build_bundle(bundles.request_bundle(decision, actor=office).pk)
    leader = user_with_role("jz-union", Role.LEADING_GROUP, campaign=campaign)
    client.force_login(leader)
    assert client.post(reverse("decisions:certificates", args=[campaign.code])).status_code == 404
    for name in ("decisions:certificate_bundle", "decisions:certificate_bundle_file"):
        assert client.get(reverse(name, args=[campaign.code, bundle.pk])).status_code == 404
    assert (
        api(leader).post(f"/campaigns/{campaign.code}/decision/certificate-bundles").status_code
        == 404
    )


def test_api_packs_reports_progress_and_serves_the_zip(
    published, django_capture_on_commit_callbacks
):
    campaign, _award, _noms, office, _decision = published
    client = api(office)
    base = f"/campaigns/{campaign.code}/decision/certificate-bundles"
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(base)
    assert asked.status_code == 202
    body = asked.json()
    assert body["state"] == "queued"
    assert body["total"] == 3
    assert body["download_url"] is None
    status = client.get(f"{base}/{body['id']}").json()
    assert status["state"] == "done"
    assert status["done"] == 3
    assert status["state_label"] == "已完成"
    zipped = client.client.get(status["download_url"])
    assert zipped["Content-Type"] == "application/zip"
    assert len(zipfile.ZipFile(io.BytesIO(zipped.content)).namelist()) == 3
    assert client.get(f"{base}/999999").status_code == 404
