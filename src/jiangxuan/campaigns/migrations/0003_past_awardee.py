"""Laureate is renamed PastAwardee (one name per concept, issue 11.4): the rows, the
campaign link's related name and the unique constraint's name follow."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0002_unit_deadlines"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="laureate", name="laureate_unique"),
        migrations.RenameModel(old_name="Laureate", new_name="PastAwardee"),
        migrations.AlterField(
            model_name="pastawardee",
            name="campaign",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="past_awardees",
                to="campaigns.campaign",
            ),
        ),
        migrations.AddConstraint(
            model_name="pastawardee",
            constraint=models.UniqueConstraint(
                fields=("series", "id_index"), name="past_awardee_unique"
            ),
        ),
    ]
