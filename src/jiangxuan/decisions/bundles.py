"""Every certificate of a decision as one ZIP, packed in the background with its progress
shown (issue 14 三: "batch generation of all certificates shows progress and runs as a
background task"; issue 15 15: 50 certificates took six seconds with no feedback).

The office asks for the ZIP (:func:`request_bundle`); the task
:func:`build_certificate_bundle` renders one certificate after another and counts them in
the bundle's row, which the progress page reads; the finished file is kept and handed out
again until the certificates change.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
import zipfile

from django.core.files import File
from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from jiangxuan.accounts.models import User
from jiangxuan.core.audit import record_audit
from jiangxuan.core.permissions import require

from .enums import BundleState
from .models import CertificateBundle, CommendationDecision
from .rendering import render_certificate_pdf
from .selectors import certificates_of
from .services import DecisionError

logger = logging.getLogger(__name__)


def _fingerprint(decision: CommendationDecision) -> tuple[str, int]:
    rows = list(decision.certificates.order_by("pk").values_list("pk", "number"))
    digest = hashlib.sha256(repr(rows).encode()).hexdigest()
    return digest, len(rows)


def request_bundle(decision: CommendationDecision, *, actor: User) -> CertificateBundle:
    """The ZIP of the decision's certificates for the office: a finished bundle of the same
    certificates, or one queued or running, else a new bundle queued for the background
    task (started when the transaction commits).

    Raises:
        PermissionDenied: the actor is not the campaign's office (``decisions.manage``).
        DecisionError: the decision is not published or has no certificates.
    """
    require(actor, "decisions.manage", decision.campaign, _("只有活动办公室可以下载全部证书。"))
    if not decision.published_at:
        raise DecisionError(_("表彰决定尚未发布，还没有证书。"), code="conflict")
    fingerprint, total = _fingerprint(decision)
    if not total:
        raise DecisionError(_("本决定还没有编号的证书，请先生成证书编号。"), code="conflict")
    reusable = (
        decision.certificate_bundles.filter(fingerprint=fingerprint)
        .exclude(state=BundleState.FAILED)
        .first()
    )
    if reusable is not None:
        return reusable
    bundle = CertificateBundle.objects.create(
        decision=decision, requested_by=actor, fingerprint=fingerprint, total=total
    )
    record_audit(
        actor=actor,
        action="decision.certificates.bundle",
        obj=decision,
        after={"bundle": bundle.pk, "certificates": total},
    )
    transaction.on_commit(lambda: build_certificate_bundle.enqueue(bundle.pk))
    return bundle


def build_bundle(bundle_id: int) -> CertificateBundle:
    """Render the bundle's certificates into one ZIP (``<number>.pdf`` each), counting
    each in ``done`` as it goes, and store the file; older bundles of the decision lose
    their files. A bundle already finished or taken by another worker is left alone.
    A rendering failure marks the bundle failed with a Chinese reason (the details go to
    the log) so the office may ask again.
    """
    taken = CertificateBundle.objects.filter(pk=bundle_id, state=BundleState.QUEUED).update(
        state=BundleState.RUNNING, done=0
    )
    bundle = CertificateBundle.objects.select_related("decision").get(pk=bundle_id)
    if not taken:
        return bundle
    certificates = list(certificates_of(bundle.decision))
    try:
        with tempfile.TemporaryFile() as out:
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
                for done, certificate in enumerate(certificates, start=1):
                    archive.writestr(
                        f"{certificate.number}.pdf", render_certificate_pdf(certificate)
                    )
                    CertificateBundle.objects.filter(pk=bundle_id).update(done=done)
            out.seek(0)
            bundle.file.save(f"certificates-{bundle.decision_id}.zip", File(out), save=False)
    except Exception:
        logger.exception("certificate bundle %s failed", bundle_id)
        CertificateBundle.objects.filter(pk=bundle_id).update(
            state=BundleState.FAILED,
            error=_("证书生成失败，请重新生成；如仍失败，请联系平台管理员。"),
            finished_at=timezone.now(),
        )
        bundle.refresh_from_db()
        return bundle
    for old in bundle.decision.certificate_bundles.exclude(pk=bundle_id).exclude(file=""):
        old.file.delete(save=False)
        CertificateBundle.objects.filter(pk=old.pk).update(file="")
    bundle.state = BundleState.DONE
    bundle.done = len(certificates)
    bundle.total = len(certificates)
    bundle.finished_at = timezone.now()
    bundle.save(update_fields=["file", "state", "done", "total", "finished_at", "updated_at"])
    return bundle


@task
def build_certificate_bundle(bundle_id: int) -> int:
    """The background task (django.tasks) of :func:`build_bundle`; returns how many
    certificates were packed."""
    return build_bundle(bundle_id).done
