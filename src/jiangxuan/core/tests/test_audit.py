"""The audit chain: content, HMAC-SM3 chaining, tamper detection, append-only on
PostgreSQL, and ``jiangxuan auditverify`` (docs/security.md check 23)."""

from contextlib import contextmanager
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from jiangxuan.accounts.models import User
from jiangxuan.core.audit import GENESIS, ChainBreak, record_audit, verify_audit_chain
from jiangxuan.core.models import AuditEntry, AuditHead

pytestmark = pytest.mark.django_db

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the append-only trigger exists on PostgreSQL only"
)


@pytest.fixture
def entries() -> list[AuditEntry]:
    actor = User.objects.create_user(username="auditor-test")
    return [
        record_audit(
            actor=actor,
            action="nomination.submit",
            object_type="nomination",
            object_id="1",
            after={"state": "submitted"},
            role="workplace_clerk",
        ),
        record_audit(actor=None, action="campaign.publish", object_type="campaign", object_id="7"),
        record_audit(
            actor=actor,
            action="nomination.approve",
            object_type="nomination",
            object_id="1",
            before={"state": "submitted"},
            after={"state": "approved"},
            role="county_reviewer",
            result="ok",
        ),
    ]


@contextmanager
def _tampering():
    """Let raw SQL edit the audit table as a DBA could: on PostgreSQL the superuser test
    role switches triggers off for its own session (replica mode) while it edits."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        yield cursor
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")


def _auditverify() -> str:
    out = StringIO()
    call_command("auditverify", stdout=out)
    return out.getvalue()


def test_record_audit_chains_entries(entries):
    first, second, third = entries

    assert first.prev_hash == GENESIS
    assert (second.prev_hash, third.prev_hash) == (first.entry_hash, second.entry_hash)
    assert AuditHead.objects.get(pk=1).last_hash == third.entry_hash
    assert len({e.entry_hash for e in entries}) == 3


def test_record_audit_stores_who_what_when(entries):
    stored = AuditEntry.objects.get(pk=entries[2].pk)

    assert (stored.actor_name, stored.actor_role, stored.object_type, stored.object_id) == (
        "auditor-test",
        "county_reviewer",
        "nomination",
        "1",
    )
    assert (stored.action, stored.result) == ("nomination.approve", "ok")
    assert (stored.before, stored.after) == ({"state": "submitted"}, {"state": "approved"})
    assert stored.occurred_at.utcoffset() is not None
    assert AuditEntry.objects.get(pk=entries[1].pk).actor_name == "system"


def test_verify_audit_chain_passes_untouched_chain(entries):
    assert verify_audit_chain() is None


def test_verify_audit_chain_passes_empty_chain():
    assert verify_audit_chain() is None


def test_edited_entry_is_detected_by_id(entries):
    with _tampering() as cursor:
        cursor.execute(
            "UPDATE core_auditentry SET action = %s WHERE id = %s",
            ["nomination.reject", entries[1].pk],
        )

    assert verify_audit_chain() == ChainBreak(
        entries[1].pk, "entry_hash does not match the entry's content"
    )


def test_deleted_middle_entry_is_detected_at_the_next(entries):
    with _tampering() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE id = %s", [entries[1].pk])

    assert verify_audit_chain() == ChainBreak(
        entries[2].pk, "prev_hash does not match the previous entry"
    )


def test_deleted_last_entry_is_detected_by_the_head(entries):
    with _tampering() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE id = %s", [entries[2].pk])

    assert verify_audit_chain() == ChainBreak(
        0, "the chain head does not match the last entry (rows removed)"
    )


@pytest.mark.postgres
@on_postgres
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE core_auditentry SET action = 'nomination.reject' WHERE id = %s",
        "DELETE FROM core_auditentry WHERE id = %s",
    ],
    ids=["update", "delete"],
)
def test_postgres_refuses_update_and_delete(entries, sql):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [entries[1].pk])

    assert AuditEntry.objects.get(pk=entries[1].pk).action == "campaign.publish"
    assert verify_audit_chain() is None


def test_auditverify_reports_intact_chain(entries):
    first, warning = _auditverify().splitlines()
    assert first == "审计链完整（3 条）"
    # Without anchors a cut cannot be seen, and the command says so (core/audit_anchor.py).
    assert warning.startswith("未找到链头锚点")


def test_auditverify_on_empty_chain():
    assert _auditverify().startswith("审计链完整（0 条）\n")


def test_auditverify_names_the_edited_entry(entries):
    with _tampering() as cursor:
        cursor.execute("UPDATE core_auditentry SET object_id = '2' WHERE id = %s", [entries[0].pk])

    with pytest.raises(CommandError) as raised:
        _auditverify()

    assert str(raised.value) == (
        f"审计链校验失败：记录 #{entries[0].pk}：entry_hash does not match the entry's content"
    )
