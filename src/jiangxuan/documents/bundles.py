"""Many documents as one ZIP, packed in the background with the progress shown: every
certificate of the decision (issue 14 三: "batch generation of all certificates shows
progress and runs as a background task") and the campaign's whole file (归档, issue 14.7:
"and a download for the office"). Issue 15.15: 50 certificates took six seconds with no
feedback. The office's summary sheet (汇总表) of every unit is made the same way, as one
XLSX, when it holds more than ``JX_SUMMARY_BACKGROUND_ROWS`` nominations (issue 17.4).

The office asks for a bundle (:func:`request_bundle`); the task :func:`pack_bundle` builds
it, counting its steps in the bundle's row, which the progress page reads; the finished
file is handed out again until what it holds changes (:func:`_fingerprint`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from jiangxuan.accounts.models import User
from jiangxuan.campaigns.models import Campaign
from jiangxuan.core.audit import record_audit
from jiangxuan.core.errors import DomainError
from jiangxuan.core.models import AuditEntry
from jiangxuan.core.permissions import require
from jiangxuan.decisions.models import CommendationDecision
from jiangxuan.decisions.rendering import render_certificate_pdf
from jiangxuan.decisions.selectors import certificates_of
from jiangxuan.nominations.selectors import summary_sheet_count

from . import services
from .archive import write_archive
from .enums import BundleKind, BundleState
from .models import DocumentBundle
from .selectors import summary_scope_for

logger = logging.getLogger(__name__)

#: A bundle queued or packing that has moved no step for this long is abandoned: its task
#: was never run or its worker died (killed, out of memory, the host restarted) and left it
#: marked running (docs/security.md check 30). Packing counts a step at least every few
#: seconds (one certificate, one document of the archive).
ABANDONED_AFTER = dt.timedelta(minutes=15)


class BundleError(DomainError):
    """A bundle cannot be packed: no published decision or no certificates yet
    (``code="conflict"``, the API's 409)."""


def _decision(campaign: Campaign) -> CommendationDecision | None:
    return CommendationDecision.objects.filter(
        campaign=campaign, published_at__isnull=False
    ).first()


def _fingerprint(campaign: Campaign, kind: str) -> tuple[str, int]:
    """What a bundle of ``kind`` would hold, as a digest, and its number of steps (the
    archive counts its own when it runs)."""
    if kind == BundleKind.CERTIFICATES:
        decision = _decision(campaign)
        if decision is None:
            raise BundleError(_("表彰决定尚未发布，还没有证书。"), code="conflict")
        rows = list(decision.certificates.order_by("pk").values_list("pk", "number"))
        if not rows:
            raise BundleError(_("本决定还没有编号的证书，请先生成证书编号。"), code="conflict")
        return hashlib.sha256(repr(rows).encode()).hexdigest(), len(rows)
    # Every write leaves an audit entry: nothing changed since the newest one (the
    # documents' own entries, packing and exports, change nothing the file holds).
    newest = (
        AuditEntry.objects.exclude(
            Q(action__startswith="documents.") | Q(action=services.UNMASKED_EXPORT)
        )
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    total = summary_sheet_count(campaign) if kind == BundleKind.SUMMARY else 0
    return f"audit:{newest}", total


@transaction.atomic
def request_bundle(campaign: Campaign, kind: str, *, actor: User) -> DocumentBundle:
    """The bundle of ``kind`` (:class:`BundleKind`) for the campaign's office: a finished
    one that still holds the same documents, or one queued or running, else a new one
    queued for the background task (started when the transaction commits). A queued or
    running one that has moved no step for ABANDONED_AFTER is marked failed and a new one
    queued instead. The new bundle and its audit entry are written in one transaction.

    Raises:
        PermissionDenied: the actor is not the campaign's office.
        BundleError: certificates asked before the decision is published or numbered.
    """
    require(actor, "campaigns.change_campaign", campaign, _("只有活动办公室可以下载文书包。"))
    fingerprint, total = _fingerprint(campaign, BundleKind(kind))
    reusable = (
        DocumentBundle.objects.filter(campaign=campaign, kind=kind, fingerprint=fingerprint)
        .exclude(state=BundleState.FAILED)
        .first()
    )
    if reusable is not None and not _give_up_if_abandoned(reusable):
        return reusable
    bundle = DocumentBundle.objects.create(
        campaign=campaign, kind=kind, requested_by=actor, fingerprint=fingerprint, total=total
    )
    record_audit(
        actor=actor,
        action="documents.bundle",
        obj=campaign,
        after={"bundle": bundle.pk, "kind": kind},
    )
    transaction.on_commit(lambda: pack_bundle.enqueue(bundle.pk))
    return bundle


def _abandoned_reason() -> str:
    return _("生成中断（后台任务意外终止），请重新生成。")


def is_abandoned(bundle: DocumentBundle) -> bool:
    """Whether ``bundle`` is queued or packing but has moved no step for ABANDONED_AFTER:
    its worker is gone and it will never finish."""
    return (
        bundle.state in (BundleState.QUEUED, BundleState.RUNNING)
        and bundle.updated_at <= timezone.now() - ABANDONED_AFTER
    )


def as_seen(bundle: DocumentBundle) -> DocumentBundle:
    """``bundle`` as its progress page and the API show it: an abandoned one
    (:func:`is_abandoned`) as failed, with the reason, so the page stops waiting and offers
    to pack it anew. Nothing is written; asking again (:func:`request_bundle`) marks it."""
    if is_abandoned(bundle):
        bundle.state = BundleState.FAILED
        bundle.error = _abandoned_reason()
    return bundle


def _give_up_if_abandoned(bundle: DocumentBundle) -> bool:
    """Mark ``bundle`` failed when it is abandoned (:func:`is_abandoned`), so that asking
    again packs a new one; a late task for it then finds it no longer queued and does
    nothing. Returns whether it was."""
    if not is_abandoned(bundle):
        return False
    now = timezone.now()
    given_up = DocumentBundle.objects.filter(
        pk=bundle.pk, state=bundle.state, updated_at=bundle.updated_at
    ).update(state=BundleState.FAILED, error=_abandoned_reason(), finished_at=now, updated_at=now)
    if given_up:
        logger.error("document bundle %s abandoned while %s; packed anew", bundle.pk, bundle.state)
    return bool(given_up)


def _count(bundle_id: int) -> Callable[[int, int], None]:
    def progress(done: int, total: int) -> None:
        # updated_at is the packing's heartbeat (ABANDONED_AFTER).
        DocumentBundle.objects.filter(pk=bundle_id).update(
            done=done, total=total, updated_at=timezone.now()
        )

    return progress


def _pack_certificates(bundle: DocumentBundle, archive: zipfile.ZipFile) -> None:
    decision = _decision(bundle.campaign)
    certificates = list(certificates_of(decision)) if decision else []
    progress = _count(bundle.pk)
    for done, certificate in enumerate(certificates, start=1):
        archive.writestr(f"{certificate.number}.pdf", render_certificate_pdf(certificate))
        progress(done, len(certificates))


def _pack_archive(bundle: DocumentBundle, archive: zipfile.ZipFile) -> None:
    folder = Path(tempfile.mkdtemp(prefix="jx-archive-"))
    try:
        write_archive(
            bundle.campaign, folder, actor=bundle.requested_by, progress=_count(bundle.pk)
        )
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _write_summary(bundle: DocumentBundle, out) -> None:
    # Every unit, personal data in full: the office's sheet (request_bundle checked the
    # office); the export is audited as the direct download's is.
    campaign, actor = bundle.campaign, bundle.requested_by
    scope = summary_scope_for(actor, campaign)
    out.write(
        services.render_summary_xlsx(
            campaign,
            scope.nominations,
            unmasked_ids=scope.unmasked_ids,
            unit_name=scope.unit_name,
            progress=_count(bundle.pk),
        )
    )
    if scope.unmasked_ids:
        services.record_unmasked_export(
            actor=actor, obj=campaign, file_format="xlsx", nomination_ids=sorted(scope.unmasked_ids)
        )


def _write_zip(bundle: DocumentBundle, out) -> None:
    pack = _pack_certificates if bundle.kind == BundleKind.CERTIFICATES else _pack_archive
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        pack(bundle, archive)


def build_bundle(bundle_id: int) -> DocumentBundle:
    """Pack bundle ``bundle_id`` into its file (a ZIP; the summary sheet's XLSX), counting
    its steps as it goes, and store the file; older bundles of the same campaign and kind
    lose their files. A bundle not queued (finished, or taken by another worker) is left
    alone. A failure marks the bundle failed with a Chinese reason (the details go to the
    log), so the office may ask again.
    """
    taken = DocumentBundle.objects.filter(pk=bundle_id, state=BundleState.QUEUED).update(
        state=BundleState.RUNNING, done=0, updated_at=timezone.now()
    )
    bundle = DocumentBundle.objects.select_related("campaign", "requested_by").get(pk=bundle_id)
    if not taken:
        return bundle
    kind = BundleKind(bundle.kind)
    write = _write_summary if kind == BundleKind.SUMMARY else _write_zip
    try:
        with tempfile.TemporaryFile() as out:
            write(bundle, out)
            out.seek(0)
            name = f"{kind}-{bundle.campaign_id}.{kind.file_format}"
            bundle.file.save(name, File(out), save=False)
    except Exception:
        logger.exception("document bundle %s failed", bundle_id)
        DocumentBundle.objects.filter(pk=bundle_id).update(
            state=BundleState.FAILED,
            error=_("生成失败，请重新生成；如仍失败，请联系平台管理员。"),
            finished_at=timezone.now(),
        )
        bundle.refresh_from_db()
        return bundle
    stale = DocumentBundle.objects.filter(campaign=bundle.campaign_id, kind=bundle.kind).exclude(
        pk=bundle_id
    )
    for old_pk, name in stale.exclude(file="").values_list("pk", "file"):
        # The row lets go first: a worker killed in between leaves a file no row names
        # (the orphan sweep removes it), never a row naming a file that is gone.
        DocumentBundle.objects.filter(pk=old_pk).update(file="")
        bundle.file.storage.delete(name)
    counted = DocumentBundle.objects.values_list("done", "total").get(pk=bundle_id)
    bundle.done = bundle.total = max(counted)
    bundle.state = BundleState.DONE
    bundle.finished_at = timezone.now()
    bundle.save(update_fields=["file", "state", "done", "total", "finished_at", "updated_at"])
    return bundle


@task
def pack_bundle(bundle_id: int) -> int:
    """The background task (django.tasks) of :func:`build_bundle`; returns the steps
    done."""
    return build_bundle(bundle_id).done
