"""The audit chain's head row (``AuditHead``, id 1) made with the schema, so that an append
finds it: before, each database's first append made it (a savepoint, a read and an insert,
once per database, and in every test's own transaction: issue 11). ``record_audit`` still
makes it where a flush removed it."""

from django.db import migrations

GENESIS = "0" * 64  # core.audit.GENESIS


def make_head(apps, schema_editor):
    head = apps.get_model("core", "AuditHead")
    db = schema_editor.connection.alias
    head.objects.using(db).get_or_create(
        pk=1, defaults={"last_hash": GENESIS, "base_hash": GENESIS}
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0004_audit_retention")]

    operations = [migrations.RunPython(make_head, migrations.RunPython.noop)]
