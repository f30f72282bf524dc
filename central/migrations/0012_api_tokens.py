"""API tokens with a lifecycle (central.ApiToken, django-rest-knox's hashed, expiring tokens with a device name).

DRF's old tokens (rest_framework.authtoken) are revoked, not carried over: they were stored in plain text,
never expired and name no device, so every client asks once for a new token with its device name. The rows
are deleted where that table exists; the table itself is left to whoever removes the app's history.
"""

import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("central", "0011_audit_rules_switched"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunSQL(
            "DO $$ BEGIN IF to_regclass('authtoken_token') IS NOT NULL THEN DELETE FROM authtoken_token; END IF; END $$;",
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("login", "Masuk"),
                    ("login_failed", "Gagal masuk"),
                    ("locked_out", "Akun dikunci sementara"),
                    ("logout", "Keluar"),
                    ("role_changed", "Peran atau unit diubah"),
                    ("package_sent", "Paket dikirim ke pusat"),
                    ("full_requested", "Paket lengkap diminta"),
                    ("consolidation_run", "Konsolidasi dijalankan"),
                    ("submission_reopened", "Kiriman dibuka ulang"),
                    ("conflict_closed", "Konflik diselesaikan/diabaikan"),
                    ("rules_switched", "Aturan validasi diaktifkan/dinonaktifkan"),
                    ("person_viewed", "Data WBP dilihat"),
                    ("exported", "Data diekspor"),
                    ("token_issued", "Token API diterbitkan"),
                    ("token_revoked", "Token API dicabut"),
                ],
                db_index=True,
                max_length=24,
                verbose_name="tindakan",
            ),
        ),
        migrations.CreateModel(
            name="ApiToken",
            fields=[
                ("digest", models.CharField(max_length=128, primary_key=True, serialize=False)),
                ("token_key", models.CharField(db_index=True, max_length=25)),
                ("created", models.DateTimeField(auto_now_add=True)),
                ("expiry", models.DateTimeField(blank=True, null=True)),
                ("public_id", models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name="ID")),
                (
                    "name",
                    models.CharField(default="Perangkat tanpa nama", max_length=100, verbose_name="nama perangkat"),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="auth_token_set",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "token API",
                "verbose_name_plural": "token API",
                "ordering": ["-created"],
                "constraints": [models.UniqueConstraint(fields=("user", "name"), name="api_token_one_per_device")],
            },
        ),
    ]
