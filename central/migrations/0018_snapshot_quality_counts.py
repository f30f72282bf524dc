"""The daily snapshot counts, among the occupants, those with a NIK, those whose NIK passes P_NIK_IMPLAUSIBLE,
and narapidana without a court extract number: the register parts of the monthly data-quality scorecard.
Days written before this migration, and snapshots no run wrote (synthetic history), hold null: no figure."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("central", "0017_password_change_due"),
    ]

    operations = [
        migrations.AddField(
            model_name="occupancysnapshot",
            name="with_nik",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="ber-NIK"),
        ),
        migrations.AddField(
            model_name="occupancysnapshot",
            name="nik_plausible",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="NIK wajar"),
        ),
        migrations.AddField(
            model_name="occupancysnapshot",
            name="sentenced_without_extract",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="narapidana tanpa petikan"),
        ),
    ]
