"""Personal data of nominees who were not awarded, removed after the campaign's retention
period (PIPL 第十九条 and 第四十七条: kept no longer than the purpose needs; issue 13).

A campaign's period runs from its commendation decision (``Campaign.decided_at``) for
``privacy.retention_days`` of its specification. After it, every nomination of the campaign
not on the lists of its published decision (awardees and finalists alike) loses what
identifies the person: the ID number and its index, phones, e-mail, bank account, address,
the narratives and the form's own fields, the work history, and the uploaded files. What
the organizers' statistics need stays: the award, the units, the state, sex, the birth year,
education, skill level, title, occupation and industry. The name becomes 已删除.

The documents the bodies sent with their forwards (推荐报告, 盖章的汇总表, 公示截图) list
every nominee of a batch, non-awardees with their ID numbers among them, and a scan cannot
be redacted in part: their purpose, the review, ended with the decision, so their files go
too (the campaign's file, ``jiangxuan archive``, is the record kept before that). The
awardees' data stay in the nominations, the lists and the decision.

Run by ``jiangxuan anonymisenominees`` (daily, from cron; ``--dry-run`` reports only).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiangxuan.campaigns.models import Campaign
from jiangxuan.core.audit import record_audit
from jiangxuan.nominations.models import Evidence, ForwardDocument, Nomination

from .models import ApprovalEntry

#: Columns emptied, and the value each takes.
CLEARED: dict[str, object] = {
    "id_number": "",
    "id_index": "",
    "phone": "",
    "landline": "",
    "email": "",
    "bank_account": "",
    "address": "",
    "postal_code": "",
    "native_place": "",
    "workplace_contact": "",
    "workplace_contact_phone": "",
    "achievement_summary": "",
    "achievement_narrative": "",
    "work_history": [],
    "extra": {},
    "unsaved": "",
}


@dataclass
class RetentionReport:
    """Per campaign due: how many nominations lose their personal data (or would, in a
    dry run), and how many files go."""

    campaigns: dict[str, int] = field(default_factory=dict)
    files: int = 0

    @property
    def nominations(self) -> int:
        return sum(self.campaigns.values())


def due_campaigns(now: dt.datetime) -> list[Campaign]:
    """Decided campaigns whose retention period ended before ``now`` (aware)."""
    decided = Campaign.objects.filter(decided_at__isnull=False).order_by("decided_at", "pk")
    return [
        c
        for c in decided
        if c.decided_at is not None
        and c.decided_at + dt.timedelta(days=c.specification.privacy.retention_days) <= now
    ]


def _not_awarded(campaign: Campaign):
    awarded = ApprovalEntry.objects.filter(
        approval_list__decisions__campaign=campaign,
        approval_list__decisions__published_at__isnull=False,
    ).values("nomination_id")
    return (
        Nomination.objects.filter(campaign=campaign, anonymised_at__isnull=True)
        .exclude(pk__in=awarded)
        .order_by("pk")
    )


@transaction.atomic
def anonymise_non_awardees(
    *, now: dt.datetime | None = None, dry_run: bool = False
) -> RetentionReport:
    """Remove the personal data of the non-awarded nominees of every campaign due at
    ``now`` (default: now), with one audit entry per campaign (counts only). Idempotent:
    a nomination done once is skipped. With ``dry_run`` nothing changes.

    Returns:
        The counts per campaign code, and the number of files deleted (evidence and the
        campaign's forwarded documents).
    """
    now = now or timezone.now()
    report = RetentionReport()
    for campaign in due_campaigns(now):
        nominations = list(_not_awarded(campaign))
        if not nominations:
            continue
        files = Evidence.objects.filter(nomination__in=nominations)
        forwarded = ForwardDocument.objects.filter(campaign=campaign)
        report.campaigns[campaign.code] = len(nominations)
        report.files += files.count() + forwarded.count()
        if dry_run:
            continue
        for evidence in files:
            evidence.file.delete(save=False)
            if evidence.poster:
                evidence.poster.delete(save=False)
        files.delete()
        documents = list(forwarded)
        for document in documents:
            document.file.delete(save=False)
        forwarded.delete()
        for n in nominations:
            for name, value in CLEARED.items():
                setattr(n, name, value)
            n.name = _("已删除")
            if n.birth_date is not None:
                n.birth_date = n.birth_date.replace(month=1, day=1)
            n.anonymised_at = now
        Nomination.objects.bulk_update(
            nominations, [*CLEARED, "name", "birth_date", "anonymised_at"]
        )
        record_audit(
            actor=None,
            action="nomination.anonymise",
            obj=campaign,
            after={
                "nominations": len(nominations),
                "forward_documents": len(documents),
                "retention_days": campaign.specification.privacy.retention_days,
                "decided_at": campaign.decided_at.isoformat() if campaign.decided_at else None,
            },
        )
    return report
