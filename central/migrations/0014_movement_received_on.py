"""The day central first received a movement: a transfer out waits for its transfer in from the later of
its date and this day. Existing movements take the day of the run that last wrote them (the day they were
first received is not recorded; the later day only lengthens the wait, and a transfer out that the old
90-day window never checked is checked now)."""

import django.db.models.functions.comparison
from django.db import migrations, models

FILL = """
UPDATE central_nationalmovement m
SET received_on = COALESCE(r.snapshot_date, CAST(r.created_at AT TIME ZONE 'Asia/Jakarta' AS date), m.date)
FROM central_consolidationrun r WHERE r.id = m.last_run_id
"""


class Migration(migrations.Migration):
    dependencies = [
        ("central", "0013_issue_detail_code_args"),
    ]

    operations = [
        migrations.AddField(
            model_name="nationalmovement",
            name="received_on",
            field=models.DateField(null=True, verbose_name="diterima pusat"),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="nationalmovement",
            name="received_on",
            field=models.DateField(verbose_name="diterima pusat"),
        ),
        migrations.AddIndex(
            model_name="nationalmovement",
            index=models.Index(
                django.db.models.functions.comparison.Greatest("date", "received_on"),
                condition=models.Q(("kind", "TRANSFER_OUT")),
                name="national_transfer_out_wait",
            ),
        ),
    ]
