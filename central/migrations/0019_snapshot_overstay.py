"""The daily snapshot counts the overstay sentinel's two figures: held detainees past their detention's legal
limit (P_DETENTION_OVERDUE) and held narapidana past their expiry date (P_EXPIRY_PASSED). Days written before
this migration read 0."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("central", "0018_snapshot_quality_counts"),
    ]

    operations = [
        migrations.AddField(
            model_name="occupancysnapshot",
            name="overstay_detainees",
            field=models.PositiveIntegerField(db_default=0, default=0, verbose_name="tahanan lewat batas"),
        ),
        migrations.AddField(
            model_name="occupancysnapshot",
            name="overstay_sentenced",
            field=models.PositiveIntegerField(db_default=0, default=0, verbose_name="narapidana lewat ekspirasi"),
        ),
    ]
