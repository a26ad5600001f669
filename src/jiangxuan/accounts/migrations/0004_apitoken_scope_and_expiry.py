"""Issue 16.13: every API token expires and has a scope.

Tokens issued before keep working: they are read-write (what they could do) and expire
``JX_API_TOKEN_DEFAULT_DAYS`` (90) days after this migration; new tokens are read-only
unless issued read-write.
"""

import datetime as dt

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def give_every_token_an_expiry(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    days = getattr(settings, "JX_API_TOKEN_DEFAULT_DAYS", 90)
    ApiToken.objects.filter(expires_at__isnull=True).update(
        expires_at=timezone.now() + dt.timedelta(days=days)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_orgunit_level_subdistrict"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="scope",
            field=models.CharField(
                choices=[("read", "只读"), ("read_write", "读写")],
                default="read_write",
                max_length=20,
                verbose_name="权限范围",
            ),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="scope",
            field=models.CharField(
                choices=[("read", "只读"), ("read_write", "读写")],
                default="read",
                max_length=20,
                verbose_name="权限范围",
            ),
        ),
        migrations.RunPython(give_every_token_an_expiry, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(verbose_name="过期时间"),
        ),
    ]
