"""The reconciliation's flows carried through a rerun the same day: the log of national movement changes since
the last reconciliation, filled by triggers on the national movements once any reconciliation exists (see
services/consolidation/daily_checks.py)."""

from django.db import migrations, models

TRIGGER = """
CREATE FUNCTION central_flow_change_log() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Nothing reconciled yet (a first load): the next reconciliation counts every movement anyway.
    IF NOT EXISTS (SELECT 1 FROM central_dailyreconciliation) THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        INSERT INTO central_flowchange (sign, upt_id, kind, received_on)
        SELECT 1, n.upt_id, n.kind, n.received_on FROM new_rows n;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO central_flowchange (sign, upt_id, kind, received_on)
        SELECT -1, o.upt_id, o.kind, o.received_on FROM old_rows o;
    ELSE
        INSERT INTO central_flowchange (sign, upt_id, kind, received_on)
        VALUES (-1, OLD.upt_id, OLD.kind, OLD.received_on), (1, NEW.upt_id, NEW.kind, NEW.received_on);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER central_flow_change_ins AFTER INSERT ON central_nationalmovement
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION central_flow_change_log();
-- Per row, and only when what the flows read changed (an edited note or document number logs nothing).
CREATE TRIGGER central_flow_change_upd AFTER UPDATE ON central_nationalmovement FOR EACH ROW
    WHEN ((OLD.upt_id, OLD.kind, OLD.received_on) IS DISTINCT FROM (NEW.upt_id, NEW.kind, NEW.received_on))
    EXECUTE FUNCTION central_flow_change_log();
CREATE TRIGGER central_flow_change_del AFTER DELETE ON central_nationalmovement
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION central_flow_change_log();
"""

DROP_TRIGGER = """
DROP TRIGGER central_flow_change_ins ON central_nationalmovement;
DROP TRIGGER central_flow_change_upd ON central_nationalmovement;
DROP TRIGGER central_flow_change_del ON central_nationalmovement;
DROP FUNCTION central_flow_change_log();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("central", "0022_breakdown_upt_unchecked"),
    ]

    operations = [
        migrations.CreateModel(
            name="FlowChange",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("sign", models.SmallIntegerField()),
                ("upt_id", models.BigIntegerField()),
                ("kind", models.CharField(max_length=20)),
                ("received_on", models.DateField()),
            ],
            options={"default_permissions": ()},
        ),
        migrations.RunSQL(TRIGGER, DROP_TRIGGER),
    ]
