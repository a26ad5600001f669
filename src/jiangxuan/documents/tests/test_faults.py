"""Faults in the office's request for a document bundle and in the task worker that packs
it (docs/security.md check 30): no bundle without its audit entry, and a bundle whose
worker was killed while packing does not hold the office's next request hostage."""

import datetime as dt

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from jiangxuan.accounts.models import User
from jiangxuan.campaigns.models import Campaign
from jiangxuan.core.tests.faults import (
    FAULTS,
    assert_audit_chain_verifies,
    assert_files_are_the_rows,
    audit_actions,
    inject,
    needs_postgres,
    own_media,
    run_killed,
    snapshot,
    sweep_orphans,
)
from jiangxuan.documents import bundles
from jiangxuan.documents.enums import BundleKind, BundleState
from jiangxuan.documents.models import DocumentBundle

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CERTIFICATES = BundleKind.CERTIFICATES


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    needs_postgres()
    # Bundles stay queued: the tests run the worker's part themselves.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    return own_media(settings, tmp_path)


# The writes, as a killed child process runs them too (ids only).


def ask(campaign: int, actor: int) -> None:
    """The office asks for every certificate as one ZIP."""
    bundles.request_bundle(
        Campaign.objects.get(pk=campaign), CERTIFICATES, actor=User.objects.get(pk=actor)
    )


def pack(bundle: int) -> None:
    """The task worker packs the bundle (``pack_bundle``)."""
    bundles.build_bundle(bundle)


@pytest.mark.parametrize("fault", FAULTS)
def test_an_interrupted_bundle_request_leaves_no_bundle_and_queues_one_on_retry(
    fault, published, media
):
    campaign, _award, _noms, office, _decision = published
    before = snapshot()

    inject(fault, ask, model=DocumentBundle, media=media, campaign=campaign.pk, actor=office.pk)

    assert snapshot() == before
    assert_audit_chain_verifies()

    ask(campaign=campaign.pk, actor=office.pk)
    ask(campaign=campaign.pk, actor=office.pk)  # the queued one is handed out again

    assert list(DocumentBundle.objects.values_list("state", flat=True)) == [BundleState.QUEUED]
    assert audit_actions("documents.bundle") == 1
    assert_audit_chain_verifies()


def test_a_worker_killed_while_packing_leaves_the_bundle_to_be_packed_anew(
    client, published, media
):
    # Imported here: the killed worker imports this module, and needs no API client.
    from jiangxuan.decisions.tests.test_api import api

    campaign, _award, _noms, office, decision = published
    bundle = bundles.request_bundle(campaign, CERTIFICATES, actor=office)

    run_killed(pack, patch="zipfile:ZipFile.writestr", media=media, bundle=bundle.pk)

    bundle.refresh_from_db()
    assert (bundle.state, bundle.file.name) == (BundleState.RUNNING, "")
    assert sweep_orphans(media) == []  # it died before storing anything
    assert_audit_chain_verifies()
    # Asked again at once, it may still be packing: the office follows the same bundle.
    assert bundles.request_bundle(campaign, CERTIFICATES, actor=office) == bundle

    later = timezone.now() + bundles.ABANDONED_AFTER + dt.timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        # Its page stops waiting and offers to pack it anew; the API reads it as failed.
        client.force_login(office)
        page = client.get(
            reverse("documents:bundle", args=[campaign.code, bundle.pk]),
            headers={"HX-Request": "true"},
        ).content.decode()
        seen = api(office).get(f"/campaigns/{campaign.code}/document-bundles/{bundle.pk}")
        again = bundles.request_bundle(campaign, CERTIFICATES, actor=office)
    packed = bundles.build_bundle(again.pk)
    late = bundles.build_bundle(bundle.pk)  # the dead worker's task, run again late

    assert "every 1s" not in page
    assert "生成中断（后台任务意外终止），请重新生成。" in page
    assert "重新生成</button>" in page
    assert (seen.status_code, seen.json()["state"]) == (200, BundleState.FAILED)
    assert again.pk != bundle.pk
    assert (late.state, late.error, late.file.name) == (
        BundleState.FAILED,
        "生成中断（后台任务意外终止），请重新生成。",
        "",
    )
    assert (packed.state, packed.done) == (BundleState.DONE, decision.certificates.count())
    assert list(DocumentBundle.objects.exclude(file="").values_list("pk", flat=True)) == [again.pk]
    assert audit_actions("documents.bundle") == 2
    assert_audit_chain_verifies()
    assert_files_are_the_rows(media)


def test_a_worker_killed_after_dropping_the_old_zip_leaves_no_row_without_its_file(
    published, media
):
    """Packing a new bundle removes the files of the older ones: the row lets go of its
    file before the file goes, so a worker killed in between leaves at worst a file no row
    names (swept), never a row naming a file that is gone."""
    campaign, _award, _noms, office, _decision = published
    old = DocumentBundle.objects.create(
        campaign=campaign,
        kind=CERTIFICATES,
        requested_by=office,
        fingerprint="earlier certificates",
        state=BundleState.DONE,
    )
    old.file.save("old.zip", ContentFile(b"PK\x05\x06" + bytes(18)))
    bundle = bundles.request_bundle(campaign, CERTIFICATES, actor=office)

    run_killed(
        pack,
        patch="jiangxuan.core.storage:EncryptedFileSystemStorage.delete",
        media=media,
        bundle=bundle.pk,
    )

    old.refresh_from_db()
    bundle.refresh_from_db()
    assert (old.state, old.file.name) == (BundleState.DONE, "")
    assert (bundle.state, bundle.file.name) == (BundleState.RUNNING, "")
    # The new ZIP was stored, but its row was never told: the sweep removes it.
    assert [name.split("/")[0] for name in sweep_orphans(media)] == ["bundles"]
    assert_files_are_the_rows(media)
    assert_audit_chain_verifies()
