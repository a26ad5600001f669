"""Make the audit table append-only on PostgreSQL (等保 安全审计 c; docs/security.md check 23).

A trigger refuses UPDATE and DELETE on core_auditentry whatever role the application
connects as, and TRUNCATE unless the role is a database superuser. SQLite has no such guard; the chain hash still detects edits.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION jx_audit_append_only() RETURNS trigger AS $$
BEGIN
    -- A database superuser (the test runner's flush, a DBA's restore) may truncate;
    -- the application's own role is never a superuser in production.
    IF TG_OP = 'TRUNCATE' AND (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'core_auditentry is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER jx_audit_no_update BEFORE UPDATE OR DELETE ON core_auditentry
    FOR EACH ROW EXECUTE FUNCTION jx_audit_append_only();
CREATE TRIGGER jx_audit_no_truncate BEFORE TRUNCATE ON core_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION jx_audit_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS jx_audit_no_update ON core_auditentry;
DROP TRIGGER IF EXISTS jx_audit_no_truncate ON core_auditentry;
DROP FUNCTION IF EXISTS jx_audit_append_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
