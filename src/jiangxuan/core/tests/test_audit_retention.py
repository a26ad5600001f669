"""Audit retention (docs/security.md check 24; 网络安全法 §21): the purge never removes an entry
younger than 180 days, keeps the rest of the chain verifiable, and audits itself."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from jiangxuan.core.audit import AuditPurgeError, purge_audit, record_audit, verify_audit_chain
from jiangxuan.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _entry_at(moment: dt.datetime, action: str) -> AuditEntry:
    with time_machine.travel(moment, tick=False):
        return record_audit(actor=None, action=action, object_type="campaign", object_id="1")


@pytest.fixture
def history() -> dict[str, AuditEntry]:
    """Entries 400, 200, 179 and 1 days old (real clock: PostgreSQL's trigger reads now())."""
    now = timezone.now()
    return {
        age: _entry_at(now - dt.timedelta(days=int(age)), f"test.age_{age}")
        for age in ("400", "200", "179", "1")
    }


def test_purge_removes_only_entries_older_than_the_retention(history):
    removed = purge_audit(days=180)

    assert removed == 2
    kept = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))
    assert kept == ["test.age_179", "test.age_1", "audit.purge"]
    assert verify_audit_chain() is None
    purge = AuditEntry.objects.get(action="audit.purge")
    assert purge.after["removed"] == 2
    assert purge.after["through_id"] == history["200"].id


def test_purge_with_a_longer_retention_keeps_more(history):
    assert purge_audit(days=365) == 1
    assert not AuditEntry.objects.filter(action="test.age_400").exists()
    assert AuditEntry.objects.filter(action="test.age_200").exists()
    assert verify_audit_chain() is None


def test_retention_under_180_days_is_refused(history):
    with pytest.raises(AuditPurgeError) as excinfo:
        purge_audit(days=179)
    assert "至少保留 180 天" in excinfo.value.message
    assert AuditEntry.objects.count() == 4


def test_a_tampered_chain_is_not_purged(history):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(
            "UPDATE core_auditentry SET action = 'forged' WHERE id = %s", [history["179"].id]
        )
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")

    with pytest.raises(AuditPurgeError):
        purge_audit(days=180)
    assert AuditEntry.objects.count() == 4


def test_purge_command_reports_and_refuses(history):
    out = StringIO()
    call_command("auditpurge", "--days", "180", stdout=out)
    assert "已清理 2 条" in out.getvalue()
    with pytest.raises(CommandError, match="至少保留 180 天"):
        call_command("auditpurge", "--days", "30")
    out = StringIO()
    call_command("auditverify", stdout=out)
    assert "审计链完整" in out.getvalue()


def _delete(entry_id: int, *, in_purge: bool) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        if in_purge:
            cursor.execute("SET LOCAL jiangxuan.audit_purge = 'on'")
        cursor.execute("DELETE FROM core_auditentry WHERE id = %s", [entry_id])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL")
def test_trigger_refuses_young_entries_in_a_purge_and_any_entry_outside_one(history):
    young, old = history["179"].id, history["400"].id
    with pytest.raises(DatabaseError):
        _delete(young, in_purge=True)
    with pytest.raises(DatabaseError):
        _delete(old, in_purge=False)
    assert AuditEntry.objects.filter(id__in=[young, old]).count() == 2
    _delete(old, in_purge=True)
    assert not AuditEntry.objects.filter(id=old).exists()
