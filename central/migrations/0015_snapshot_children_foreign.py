"""The daily snapshot counts children (under 18 on its day) and foreign nationals among the occupants, for
SDP Publik. Days written before this migration read 0 in both."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("central", "0014_movement_received_on"),
    ]

    operations = [
        migrations.AddField(
            model_name="occupancysnapshot",
            name="children",
            field=models.PositiveIntegerField(db_default=0, default=0, verbose_name="anak"),
        ),
        migrations.AddField(
            model_name="occupancysnapshot",
            name="foreign_nationals",
            field=models.PositiveIntegerField(db_default=0, default=0, verbose_name="warga negara asing"),
        ),
    ]
