"""Writing and verifying the audit trail.

``record_audit`` is called by every service that writes, inside the service's transaction,
so that the audit row commits or rolls back with the change it describes.
"""

import contextvars
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .crypto import hmac_sm3_hex
from .errors import DomainError
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


# No savepoint of its own: an audit entry that fails must take the caller's change with it
# anyway, and the savepoint's two round trips per entry count for every write (issue 11,
# the demo writes ~3,700 entries).
@transaction.atomic(savepoint=False)
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
    prev_hash = _locked_head_hash()
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
        prev_hash=prev_hash,
    )
    entry.entry_hash = compute_hash(entry)
    if connection.vendor == "postgresql":
        _append_and_move_head(entry)
    else:
        entry.save(force_insert=True)
        AuditHead.objects.filter(pk=1).update(last_hash=entry.entry_hash)
    return entry


def _locked_head_hash() -> str:
    """The chain's newest hash, its head row locked until the transaction ends (so appends
    are serialised). Migration core 0005 makes the row; it is made again here where a
    flush removed it (the test runner's transactional tests)."""
    if connection.vendor == "postgresql":
        # Raw: the ORM's compiling of this one-row read cost more than the read (issue 11).
        with connection.cursor() as cursor:
            cursor.execute(_POSTGRES_SQL.lock_head)
            row = cursor.fetchone()
        last_hash = row[0] if row else None
    else:
        locked = AuditHead.objects.select_for_update().filter(pk=1)
        last_hash = locked.values_list("last_hash", flat=True).first()
    if last_hash is None:
        head, _created = AuditHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"last_hash": GENESIS}
        )
        last_hash = head.last_hash
    return last_hash


class _PostgresSQL:
    """The two statements of an append on PostgreSQL, built once from the models' names."""

    @cached_property
    def fields(self) -> list[models.Field]:
        return [field for field in AuditEntry._meta.concrete_fields if not field.primary_key]

    @cached_property
    def columns(self) -> str:
        return ", ".join(connection.ops.quote_name(field.column or "") for field in self.fields)

    @cached_property
    def lock_head(self) -> str:
        table = connection.ops.quote_name(AuditHead._meta.db_table)
        return f"SELECT last_hash FROM {table} WHERE id = 1 FOR UPDATE"  # noqa: S608 - model names

    @cached_property
    def append(self) -> str:
        quote = connection.ops.quote_name
        placeholders = ", ".join(["%s"] * len(self.fields))
        return (
            f"WITH entry AS (INSERT INTO {quote(AuditEntry._meta.db_table)} ({self.columns})"  # noqa: S608 - model names
            f" VALUES ({placeholders}) RETURNING id)"
            f" UPDATE {quote(AuditHead._meta.db_table)} SET last_hash = %s WHERE id = 1"
            " RETURNING (SELECT id FROM entry)"
        )


_POSTGRES_SQL = _PostgresSQL()


def _append_and_move_head(entry: AuditEntry) -> None:
    """PostgreSQL: insert ``entry`` and point the head at it in one statement (one round
    trip instead of two: every write of every service audits, and the decided demo writes
    ≈ 3,700 entries, issue 11). The columns and values are the model's own."""
    values = [
        field.get_db_prep_save(getattr(entry, field.attname), connection)
        for field in _POSTGRES_SQL.fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(_POSTGRES_SQL.append, [*values, entry.entry_hash])
        (entry.pk,) = cursor.fetchone()
    entry._state.adding = False
    entry._state.db = connection.alias


@dataclass(frozen=True)
class ChainBreak:
    """Where verification failed: the entry id and what was wrong."""

    entry_id: int
    reason: str


def verify_audit_chain() -> ChainBreak | None:
    """Re-compute the chain from the first entry kept (after the genesis hash, or after the
    last entry a retention purge removed); returns the first break or None."""
    base = AuditHead.objects.filter(pk=1).values_list("base_hash", flat=True).first()
    prev = base or GENESIS
    if prev != GENESIS and not AuditEntry.objects.filter(action="audit.purge").exists():
        # Only purge_audit moves the base, and it records itself: a moved base without a
        # purge entry is the start of the chain cut and the head rewritten (issue 16.1).
        first_id = AuditEntry.objects.order_by("id").values_list("id", flat=True).first()
        return ChainBreak(first_id or 0, "the chain starts after a cut no purge records")
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


class AuditPurgeError(DomainError):
    """A retention purge was refused; ``message`` is Chinese and says why."""


def purge_audit(*, days: int, actor: Any | None = None) -> int:
    """Remove audit entries older than ``days`` days (a retention purge) and audit the purge.

    Only the oldest part of the chain goes: the entries before the first one that is
    younger than the cut-off (``now - days``, Asia/Shanghai clock, whole seconds). The hash of
    the last removed entry becomes the chain's new base, so ``verify_audit_chain`` still
    proves the rest intact. On PostgreSQL the append-only trigger lets these rows go only
    inside this function's transaction and only when they are at least
    ``JX_AUDIT_MIN_RETENTION_DAYS`` old (migration core 0004), whoever calls.

    Args:
        days: the retention period; at least ``settings.JX_AUDIT_MIN_RETENTION_DAYS`` (180:
            网络安全法 §21 requires network logs to be kept at least six months).
        actor: who purges (None for the scheduled job).
    Returns:
        The number of entries removed.
    Raises:
        AuditPurgeError: ``days`` is below the minimum, or the chain does not verify (a
            broken chain is evidence and is never purged).
    """
    minimum = settings.JX_AUDIT_MIN_RETENTION_DAYS
    if days < minimum:
        raise AuditPurgeError(
            _("审计记录至少保留 %(min)d 天，不能清理 %(days)d 天内的记录。")
            % {"min": minimum, "days": days}
        )
    chain_break = verify_audit_chain()
    if chain_break is not None:
        raise AuditPurgeError(
            _("审计链校验失败（记录 #%(id)d），已停止清理；请先调查。")
            % {"id": chain_break.entry_id}
        )
    cutoff = timezone.now().replace(microsecond=0) - timedelta(days=days)
    with transaction.atomic():
        head, _created = AuditHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"last_hash": GENESIS}
        )
        first_kept = (
            AuditEntry.objects.filter(occurred_at__gte=cutoff)
            .order_by("id")
            .values_list("id", flat=True)
            .first()
        )
        doomed = AuditEntry.objects.all()
        if first_kept is not None:
            doomed = doomed.filter(id__lt=first_kept)
        last = doomed.order_by("-id").values("id", "entry_hash", "occurred_at").first()
        count = 0
        if last is not None:
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL jiangxuan.audit_purge = 'on'")
            count, _deleted = doomed.delete()
            head.base_hash = last["entry_hash"]
            head.purged_before = cutoff
            head.save(update_fields=["base_hash", "purged_before"])
        record_audit(
            actor=actor,
            action="audit.purge",
            object_type="core.auditentry",
            after={
                "days": days,
                "cutoff": cutoff.isoformat(),
                "removed": count,
                "through_id": last["id"] if last else None,
            },
        )
    return count
