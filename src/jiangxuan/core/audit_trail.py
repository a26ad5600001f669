"""Reading the audit trail: the auditor's search, its exports (issue 16.6; 等保 安全审计,
三员分立: the auditor reads the audit trail, the administrator does not).

Entries do not name their campaign; the apps that own campaign objects register, in their
``AppConfig.ready``, how to find their objects of one campaign (:func:`register_campaign_scope`),
so core filters by campaign without importing them (docs/architecture.md, "The app order").
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import rules
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import AuditEntry
from .spreadsheets import FORMULA_STARTS, new_workbook

#: object type → function giving the primary keys of that type's objects in a campaign
#: (by campaign code).
_CAMPAIGN_SCOPES: dict[str, Callable[[str], Iterable]] = {}

#: The exported columns: header and how to read it from an entry.
COLUMNS: tuple[tuple[object, Callable[[AuditEntry], object]], ...] = (
    (gettext_lazy("编号"), lambda e: e.pk),
    (gettext_lazy("时间"), lambda e: timezone.localtime(e.occurred_at).isoformat()),
    (gettext_lazy("操作人"), lambda e: e.actor_name),
    (gettext_lazy("角色"), lambda e: e.actor_role),
    (gettext_lazy("动作"), lambda e: e.action),
    (gettext_lazy("对象类型"), lambda e: e.object_type),
    (gettext_lazy("对象编号"), lambda e: e.object_id),
    (gettext_lazy("结果"), lambda e: e.result),
    (gettext_lazy("来源 IP"), lambda e: e.source_ip or ""),
    (gettext_lazy("变更前"), lambda e: e.before or ""),
    (gettext_lazy("变更后"), lambda e: e.after or ""),
    (gettext_lazy("哈希"), lambda e: e.entry_hash),
)


def register_campaign_scope(object_type: str, keys_of_campaign: Callable[[str], Iterable]) -> None:
    """Let the campaign filter find entries on ``object_type`` (``app_label.model``):
    ``keys_of_campaign(code)`` returns the primary keys of that campaign's objects."""
    _CAMPAIGN_SCOPES[object_type] = keys_of_campaign


def can_read_audit_trail(user) -> bool:
    """Only the auditor, by the rules permission ``core.view_auditentry``; Django's
    superuser shortcut does not apply (三员分立: the administrator is not the auditor)."""
    return rules.has_perm("core.view_auditentry", user)


@dataclass(frozen=True)
class AuditFilter:
    """What the auditor searches for; empty values do not filter."""

    actor: str = ""
    action: str = ""
    campaign: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    q: str = ""


def search_audit_entries(filters: AuditFilter) -> QuerySet[AuditEntry]:
    """Entries matching ``filters``, newest first. ``actor`` matches the user name,
    ``action`` the dotted action or its start (``nomination.`` for all of them), ``q`` the
    object type, object id or action; the dates are Asia/Shanghai days, both inclusive."""
    entries = AuditEntry.objects.order_by("-id")
    if filters.actor:
        entries = entries.filter(actor_name__icontains=filters.actor)
    if filters.action:
        entries = entries.filter(action__startswith=filters.action)
    if filters.q:
        entries = entries.filter(
            Q(object_type__icontains=filters.q)
            | Q(object_id=filters.q)
            | Q(action__icontains=filters.q)
        )
    if filters.date_from:
        entries = entries.filter(occurred_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        entries = entries.filter(occurred_at__lt=_day_start(filters.date_to + dt.timedelta(1)))
    if filters.campaign:
        scope = Q(pk__in=[])
        for object_type, keys_of in _CAMPAIGN_SCOPES.items():
            keys = [str(k) for k in keys_of(filters.campaign)]
            scope |= Q(object_type=object_type, object_id__in=keys)
        entries = entries.filter(scope)
    return entries


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _text(value: object) -> str:
    return value if isinstance(value, str) else str(value)


def audit_csv(entries: Iterable[AuditEntry]) -> bytes:
    """The entries as CSV (UTF-8 with BOM, so Excel opens it in Chinese); text that
    starts like a formula gets a leading apostrophe (issue 16.5)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([str(header) for header, _read in COLUMNS])
    for entry in entries:
        cells = [_text(read(entry)) for _header, read in COLUMNS]
        writer.writerow(["'" + c if c.startswith(FORMULA_STARTS) else c for c in cells])
    return ("\ufeff" + out.getvalue()).encode()


def audit_xlsx(entries: Iterable[AuditEntry]) -> bytes:
    """The entries as one XLSX sheet, every cell written as text or number, no formulas."""
    out = io.BytesIO()
    workbook = new_workbook(out)
    sheet = workbook.add_worksheet(_("审计记录"))
    sheet.write_row(0, 0, [str(header) for header, _read in COLUMNS])
    for row, entry in enumerate(entries, start=1):
        sheet.write_row(row, 0, [_text(read(entry)) for _header, read in COLUMNS])
    workbook.close()
    return out.getvalue()
