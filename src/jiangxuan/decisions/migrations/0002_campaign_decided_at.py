"""Campaigns whose decision was published before ``Campaign.decided_at`` existed become
decided (issue 13: campaigns close)."""

from django.db import migrations


def backfill(apps, schema_editor):
    Campaign = apps.get_model("campaigns", "Campaign")
    CommendationDecision = apps.get_model("decisions", "CommendationDecision")
    for decision in CommendationDecision.objects.filter(published_at__isnull=False):
        Campaign.objects.filter(pk=decision.campaign_id, decided_at__isnull=True).update(
            decided_at=decision.published_at
        )


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0003_lifecycle_and_steps"),
        ("decisions", "0001_initial"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
