"""The application's database role may only append to the audit trail (issue 16.1;
docs/security.md check 23): as that role, every way the issue's tester shortened the trail
(disable or drop the trigger, delete, truncate, move the head) is refused by PostgreSQL,
while the application still records, anchors and verifies.

The suite connects as the superuser ``postgres``, which owns the tables as the owner role
does in production; each test creates a throw-away application role inside its own
transaction (rolled back with it) and acts as it with ``SET ROLE``.
"""

import uuid
from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from jiangxuan.accounts.models import User
from jiangxuan.core.audit import record_audit, verify_audit_chain
from jiangxuan.core.models import AuditEntry, AuditHead

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="roles exist on PostgreSQL only"),
]


@pytest.fixture
def app_role() -> str:
    name = f"jx_app_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {name} NOLOGIN")
    call_command("auditroles", "--app-role", name, "--apply", stdout=StringIO())
    return name


@pytest.fixture
def as_app(app_role) -> Iterator[str]:
    """Act as the application's role for the rest of the test."""
    record_audit(actor=None, action="campaign.publish", object_type="campaign", object_id="1")
    with connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {app_role}")
    try:
        yield app_role
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")


@pytest.mark.parametrize(
    "sql",
    [
        "ALTER TABLE core_auditentry DISABLE TRIGGER jx_audit_no_update",
        "ALTER TABLE core_auditentry DISABLE TRIGGER ALL",
        "DROP TRIGGER jx_audit_no_update ON core_auditentry",
        "DROP TABLE core_auditentry CASCADE",
        "DELETE FROM core_auditentry",
        "UPDATE core_auditentry SET action = 'forged'",
        "TRUNCATE core_auditentry CASCADE",
        "UPDATE core_audithead SET base_hash = last_hash",
        "DELETE FROM core_audithead",
        "TRUNCATE core_audithead",
        "SET session_replication_role = replica",
        "CREATE TRIGGER jx_forge BEFORE INSERT ON core_auditentry"
        " FOR EACH ROW EXECUTE FUNCTION jx_audit_append_only()",
    ],
)
def test_the_app_role_cannot_alter_the_audit_trail(as_app, sql):
    with (
        pytest.raises(DatabaseError, match=r"permission denied|must be owner"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)


def test_the_app_role_still_records_anchors_and_verifies(as_app, settings, tmp_path):
    settings.JX_AUDIT_ANCHOR_DIR = tmp_path
    actor = User.objects.create_user(username="clerk-as-app")

    entry = record_audit(actor=actor, action="nomination.submit", obj=actor)
    call_command("auditanchor", stdout=StringIO())
    out = StringIO()
    call_command("auditverify", stdout=out)

    assert AuditHead.objects.get(pk=1).last_hash == entry.entry_hash
    assert AuditEntry.objects.count() == 2
    assert verify_audit_chain() is None
    assert "与 1 个链头锚点一致" in out.getvalue()


def test_the_purge_job_as_the_app_role_says_to_run_it_as_the_owner(as_app):
    with pytest.raises(CommandError, match="以审计表所有者的身份运行"):
        call_command("auditpurge", "--days", "180")
    assert AuditEntry.objects.count() == 1


def test_check_passes_for_the_app_role(as_app):
    out = StringIO()
    call_command("auditroles", "--check", stdout=out)
    assert "只能追加" in out.getvalue()


def test_check_fails_for_the_owner():
    with pytest.raises(CommandError, match="拥有审计表"):
        call_command("auditroles", "--check")


def test_grants_are_refused_when_the_app_role_is_the_owners_member(app_role):
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT postgres TO {app_role}")

    with pytest.raises(CommandError, match="不能是超级用户，也不能是所有者"):
        call_command("auditroles", "--app-role", app_role, "--apply")


def test_grants_need_the_owner(app_role):
    other = f"jx_other_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {other} NOLOGIN")
        cursor.execute(f"SET ROLE {app_role}")
    try:
        with pytest.raises(CommandError, match="请以审计表的所有者"):
            call_command("auditroles", "--app-role", other, "--apply")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")


def test_the_printed_grants_limit_the_audit_tables():
    out = StringIO()
    call_command("auditroles", "--app-role", "jiangxuan_app", stdout=out)
    sql = out.getvalue()

    assert 'REVOKE ALL ON "core_auditentry", "core_audithead" FROM "jiangxuan_app";' in sql
    assert 'GRANT SELECT, INSERT ON "core_auditentry" TO "jiangxuan_app";' in sql
    with pytest.raises(CommandError, match="角色名"):
        call_command("auditroles", "--app-role", 'x"; DROP TABLE core_auditentry; --')
