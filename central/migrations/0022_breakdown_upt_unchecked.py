"""The daily breakdown's UPT is neither checked by the database nor indexed on its own: ~18,000 rows a day,
whose UPT check at commit and UPT-index entries cost more than the rest of the snapshot (see the model)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("central", "0021_snapshot_carry"),
    ]

    operations = [
        migrations.AlterField(
            model_name="occupancybreakdown",
            name="upt",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="central.upt",
            ),
        ),
    ]
