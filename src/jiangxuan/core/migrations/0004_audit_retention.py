"""Audit retention (docs/security.md check 24): the chain's base hash after a purge, and on
PostgreSQL a trigger that lets a row go only inside ``core.audit.purge_audit`` (which sets
``jiangxuan.audit_purge`` for its transaction) and only when the row is at least 180 days
old (网络安全法 §21), whatever the caller."""

from django.db import migrations, models

FORWARD = """
CREATE OR REPLACE FUNCTION jx_audit_append_only() RETURNS trigger AS $$
BEGIN
    -- A database superuser (the test runner's flush, a DBA's restore) may truncate;
    -- the application's own role is never a superuser in production.
    IF TG_OP = 'TRUNCATE' AND (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'DELETE'
       AND current_setting('jiangxuan.audit_purge', true) = 'on'
       AND OLD.occurred_at < now() - interval '180 days' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'core_auditentry is append-only';
END;
$$ LANGUAGE plpgsql;
"""

BACKWARD = """
CREATE OR REPLACE FUNCTION jx_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' AND (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'core_auditentry is append-only';
END;
$$ LANGUAGE plpgsql;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_workday_calendar")]

    operations = [
        migrations.AddField(
            model_name="audithead",
            name="base_hash",
            field=models.CharField(default="0" * 64, max_length=64),
        ),
        migrations.AddField(
            model_name="audithead",
            name="purged_before",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(forward, backward),
    ]
