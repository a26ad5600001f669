"""The small world of the backup/restore drill (``make drill``, ``scripts/drill.sh``; the
test ``core/tests/test_backup.py``; docs/security.md check 32), and its checks on the
restored copy.

:func:`build_drill_world` loads the Jilin org tree and the demo's practice copy of seed 001
(open now), and has a unit's clerk create one nomination through the services, with an ID
number, a mobile phone and a bank account, and one evidence file. It returns what the
restored copy must give back. :func:`check_drill_world` reads that nomination's personal
data (decrypted with the current ``JX_FIELD_KEY``) and downloads the evidence through the
page a clerk uses, in a transaction rolled back afterwards, so the check leaves the copy as
it was.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jiangxuan.accounts.models import User
from jiangxuan.accounts.services import load_org_tree
from jiangxuan.nominations import services as nomination_services
from jiangxuan.nominations.models import Evidence, Nomination

from .build import (
    PRACTICE_SOURCE,
    SPECS_DIR,
    DemoSummary,
    _certificate_upload,
    _create,
    _load_practice,
    _slots,
)
from .samples import SampleGenerator, region_prefix

#: The org tree seed 001 (and so its practice copy) is organised in.
ORG_TREE = "jilin.yaml"


def _download(username: str, nomination_id: int, evidence_id: int) -> bytes:
    """The evidence file as the clerk's browser gets it (the page, not the storage)."""
    client = Client()
    client.force_login(User.objects.get(username=username))
    response = client.get(
        reverse("nominations:evidence_download", args=[nomination_id, evidence_id]),
        secure=True,
    )
    if response.status_code != 200:
        raise AssertionError(f"evidence download answered {response.status_code}")
    return b"".join(response.streaming_content)  # type: ignore[attr-defined]


def build_drill_world(seed: int = 16) -> dict[str, Any]:
    """Build the drill's world in the current database and uploads folder.

    Args:
        seed: seeds the sample person.
    Returns:
        What the restored copy must give back (JSON-ready): the clerk's user name, the
        nomination's id and its ID number, phone and bank account in clear, the evidence's
        id and the SHA-256 of the file as downloaded.
    Raises:
        RuntimeError: the nomination or its evidence could not be created (the reason).
    """
    summary = DemoSummary(password="")
    load_org_tree(SPECS_DIR / "orgs" / ORG_TREE)
    source = next(SPECS_DIR.glob(f"{PRACTICE_SOURCE}-*.yaml"))
    campaign = _load_practice(source, timezone.localdate())
    slot = _slots(campaign, {}, summary, full=True)[0]
    award = campaign.awards.order_by("position").first()
    if award is None:
        raise RuntimeError("the practice campaign has no award")
    spec = campaign.specification
    person = SampleGenerator(seed).person(
        division_prefix=region_prefix(campaign.organizer_unit),
        workplace_name=slot.workplaces[0].name,
        campaign_spec=spec,
        award=spec.award(award.code),
    )
    nomination = _create(campaign, award, slot.clerk, slot.workplaces[0], person, summary)
    if nomination is None:
        raise RuntimeError("; ".join(summary.notes))
    evidence = nomination_services.add_evidence(
        nomination,
        actor=slot.clerk,
        material="other",
        upload=_certificate_upload(person.name, "先进生产者", slot.workplaces[0].name),
    )
    nomination.refresh_from_db()
    if not (nomination.id_number and nomination.phone and nomination.bank_account):
        raise RuntimeError("the sample nominee lacks an ID number, a phone or a bank account")
    downloaded = _download(slot.clerk.username, nomination.pk, evidence.pk)
    return {
        "clerk": slot.clerk.username,
        "nomination": nomination.pk,
        "id_number": str(nomination.id_number),
        "phone": str(nomination.phone),
        "bank_account": str(nomination.bank_account),
        "evidence": evidence.pk,
        "evidence_sha256": hashlib.sha256(downloaded).hexdigest(),
        "evidence_bytes": len(downloaded),
    }


def check_drill_world(expected: dict[str, Any]) -> list[str]:
    """Check the restored copy against what :func:`build_drill_world` returned: the
    nomination's personal data decrypts to the originals and the evidence file downloads
    byte for byte. Writes nothing (the sign-in's session is rolled back).

    Returns:
        The differences (English, for the drill's summary); empty when all match.
    """
    problems = []
    with transaction.atomic():
        nomination = Nomination.objects.filter(pk=expected["nomination"]).first()
        if nomination is None:
            return [f"nomination {expected['nomination']} is missing"]
        for name in ("id_number", "phone", "bank_account"):
            if str(getattr(nomination, name)) != expected[name]:
                problems.append(
                    f"nomination {nomination.pk}: {name} does not decrypt to the original"
                )
        if not Evidence.objects.filter(pk=expected["evidence"], nomination=nomination).exists():
            problems.append(f"evidence {expected['evidence']} is missing")
        else:
            try:
                data = _download(expected["clerk"], nomination.pk, expected["evidence"])
            except Exception as exc:  # the drill reports any failure of the download
                problems.append(f"evidence {expected['evidence']}: download failed ({exc})")
            else:
                if hashlib.sha256(data).hexdigest() != expected["evidence_sha256"]:
                    problems.append(f"evidence {expected['evidence']}: downloaded bytes differ")
        transaction.set_rollback(True)
    return problems
