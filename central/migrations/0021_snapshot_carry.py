"""The daily snapshot carried forward: the base day it is carried from, the log of register changes since
(filled by a statement trigger on the national register, whoever writes it) and indexes on the dates whose
passing alone changes a figure (children, the overstay sentinel). See services/consolidation/snapshot.py."""

import django.db.models.deletion
from django.db import migrations, models

# The columns the snapshot's figures read of a register row (RegisterChange's).
_COLUMNS = (
    "upt_id, status, register, sex, crime_category, birth_date, nationality, nik, verdict_number, "
    "detention_limit_date, expiry_date"
)


def _cols(alias: str) -> str:
    return ", ".join(f"{alias}.{c.strip()}" for c in _COLUMNS.split(","))


TRIGGER = f"""
CREATE FUNCTION central_register_change_log() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Nothing to carry forward yet (a first load): the next snapshot counts everything anyway.
    IF NOT EXISTS (SELECT 1 FROM central_snapshotbase) THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        INSERT INTO central_registerchange (sign, {_COLUMNS}) SELECT 1, {_cols("n")} FROM new_rows n;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO central_registerchange (sign, {_COLUMNS}) SELECT -1, {_cols("o")} FROM old_rows o;
    ELSE
        INSERT INTO central_registerchange (sign, {_COLUMNS})
        VALUES (-1, {_cols("OLD")}), (1, {_cols("NEW")});
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER central_register_change_ins AFTER INSERT ON central_nationalperson
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION central_register_change_log();
-- Per row, and only for rows whose counted columns changed: a run that rewrites every row's other columns
-- (a new identity link, a run stamp, a cell) logs nothing and keeps no copy of the rows it updated.
CREATE TRIGGER central_register_change_upd AFTER UPDATE ON central_nationalperson FOR EACH ROW
    WHEN (({_cols("OLD")}) IS DISTINCT FROM ({_cols("NEW")}))
    EXECUTE FUNCTION central_register_change_log();
CREATE TRIGGER central_register_change_del AFTER DELETE ON central_nationalperson
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION central_register_change_log();
"""

DROP_TRIGGER = """
DROP TRIGGER central_register_change_ins ON central_nationalperson;
DROP TRIGGER central_register_change_upd ON central_nationalperson;
DROP TRIGGER central_register_change_del ON central_nationalperson;
DROP FUNCTION central_register_change_log();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("central", "0020_upt_hosting"),
    ]

    operations = [
        migrations.CreateModel(
            name="SnapshotBase",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("date", models.DateField()),
                ("definition", models.CharField(max_length=64)),
                ("rows", models.PositiveIntegerField()),
                (
                    "run",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="central.consolidationrun",
                    ),
                ),
            ],
            options={"default_permissions": ()},
        ),
        migrations.CreateModel(
            name="RegisterChange",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("sign", models.SmallIntegerField()),
                ("upt_id", models.BigIntegerField()),
                ("status", models.CharField(max_length=12)),
                ("register", models.CharField(max_length=8)),
                ("sex", models.CharField(max_length=1)),
                ("crime_category", models.CharField(max_length=24)),
                ("birth_date", models.DateField(null=True)),
                ("nationality", models.CharField(max_length=60)),
                ("nik", models.CharField(max_length=32)),
                ("verdict_number", models.CharField(max_length=80)),
                ("detention_limit_date", models.DateField(null=True)),
                ("expiry_date", models.DateField(null=True)),
            ],
            options={"default_permissions": ()},
        ),
        migrations.AddIndex(
            model_name="nationalperson",
            index=models.Index(fields=["birth_date"], name="national_person_birth"),
        ),
        migrations.AddIndex(
            model_name="nationalperson",
            index=models.Index(fields=["detention_limit_date"], name="national_person_limit"),
        ),
        migrations.AddIndex(
            model_name="nationalperson",
            index=models.Index(fields=["expiry_date"], name="national_person_expiry"),
        ),
        migrations.RunSQL(TRIGGER, DROP_TRIGGER),
    ]
