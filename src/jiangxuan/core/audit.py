"""Writing and verifying the audit trail.

``record_audit`` is called by every service that writes, inside the service's transaction,
so that the audit row commits or rolls back with the change it describes.
"""

import contextvars
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from .crypto import hmac_sm3_hex
from .models import AuditEntry, AuditHead

GENESIS = "0" * 64

#: Source IP of the current request, set by the session middleware for each request.
current_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("current_ip", default=None)


def _audit_key() -> bytes:
    return ("audit:" + (settings.JX_FIELD_KEY or settings.SECRET_KEY)).encode()


def _canonical(entry: AuditEntry) -> bytes:
    payload = {
        "occurred_at": entry.occurred_at.isoformat(),
        "actor": entry.actor_id,
        "actor_name": entry.actor_name,
        "actor_role": entry.actor_role,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "action": entry.action,
        "result": entry.result,
        "before": entry.before,
        "after": entry.after,
        "source_ip": entry.source_ip,
        "prev_hash": entry.prev_hash,
    }
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str).encode()


def compute_hash(entry: AuditEntry) -> str:
    """HMAC-SM3 over the entry's canonical JSON (which includes the previous hash)."""
    return hmac_sm3_hex(_audit_key(), _canonical(entry))


def _jsonable(value: dict[str, Any] | None) -> dict[str, Any]:
    return json.loads(json.dumps(value or {}, ensure_ascii=False, default=str))


@transaction.atomic
def record_audit(
    *,
    actor: Any | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    role: str = "",
    result: str = "ok",
) -> AuditEntry:
    """Append one entry to the audit chain.

    Args:
        actor: the acting user, or None for the system (commands, tasks).
        action: a dotted verb, e.g. ``nomination.submit``.
        obj: the model instance acted on; or give ``object_type``/``object_id``.
        before, after: the changed fields' values; never pass unmasked personal data.
        role: the role under which the actor acted.
    Returns:
        The saved entry, chained to the previous one.
    """
    head, _ = AuditHead.objects.select_for_update().get_or_create(
        pk=1, defaults={"last_hash": GENESIS}
    )
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    user = actor if getattr(actor, "is_authenticated", False) else None
    entry = AuditEntry(
        occurred_at=timezone.now().replace(microsecond=0),
        actor=user,
        actor_name=user.get_username() if user else "system",
        actor_role=role,
        object_type=object_type,
        object_id=object_id,
        action=action,
        result=result,
        before=_jsonable(before),
        after=_jsonable(after),
        source_ip=current_ip.get(),
        prev_hash=head.last_hash,
    )
    entry.entry_hash = compute_hash(entry)
    entry.save(force_insert=True)
    head.last_hash = entry.entry_hash
    head.save(update_fields=["last_hash"])
    return entry


@dataclass(frozen=True)
class ChainBreak:
    """Where verification failed: the entry id and what was wrong."""

    entry_id: int
    reason: str


def verify_audit_chain() -> ChainBreak | None:
    """Re-compute the chain from the first entry; returns the first break or None."""
    prev = GENESIS
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        # JSON columns round-trip through the database; re-read values as stored.
        if entry.prev_hash != prev:
            return ChainBreak(entry.id, "prev_hash does not match the previous entry")
        if isinstance(entry.occurred_at, datetime) and compute_hash(entry) != entry.entry_hash:
            return ChainBreak(entry.id, "entry_hash does not match the entry's content")
        prev = entry.entry_hash
    head = AuditHead.objects.filter(pk=1).first()
    if head and head.last_hash != prev:
        return ChainBreak(0, "the chain head does not match the last entry (rows removed)")
    return None
