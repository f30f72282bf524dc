"""Row-issue and conflict details: from an Indonesian sentence to a code plus JSON arguments.

The old sentences are parsed here one last time (the patterns are those the validation SQL and the conflict
search wrote); a sentence no pattern knows (the four fixed date-order sentences, which named no dates) is kept whole
under the code ``text`` and shown as it was. Going back writes the
Indonesian sentence again.
"""

import re
from datetime import date

from django.db import migrations, models

_DATE = r"(\d{2})-(\d{2})-(\d{4})"
_VALUE = r'"(.*)"'

# (pattern, code, argument names in group order); a name ending in "date", or "a"/"b", takes a dd-mm-yyyy date.
PATTERNS = [
    (r"nomor registrasi kosong", "reg_number_empty", ()),
    (r"nama lengkap kosong", "full_name_empty", ()),
    (r"jenis kelamin " + _VALUE, "sex", ("value",)),
    (r"kategori kejahatan " + _VALUE, "crime_category", ("value",)),
    (r"status " + _VALUE, "status", ("value",)),
    (r"agama " + _VALUE, "religion", ("value",)),
    (r"pendidikan " + _VALUE, "education", ("value",)),
    (r"register tujuan " + _VALUE, "register_to", ("value",)),
    (r"register " + _VALUE, "register_code", ("value",)),
    (r"NIK " + _VALUE, "nik_text", ("nik",)),
    (r"NIK (\S+)", "nik", ("nik",)),
    (r"tanggal lahir " + _DATE, "birth_date", ("date",)),
    (r"mulai ditahan " + _DATE, "detention_start", ("date",)),
    (r"tanggal masuk " + _DATE, "admission_date", ("date",)),
    (r"register sejak " + _DATE, "register_since", ("date",)),
    (r"tanggal putusan " + _DATE, "verdict_date", ("date",)),
    (
        r"register (\S+), pidana (\d+) tahun (\d+) bulan (\d+) hari: seharusnya (\S+)",
        "register_term",
        ("register", "years", "months", "days", "expected"),
    ),
    (
        r"register (\S+), pidana (\d+) tahun (\d+) bulan (\d+) hari: lama pidana kosong",
        "register_no_term",
        ("register", "years", "months", "days"),
    ),
    (r"register (\S+)", "register", ("register",)),
    (r"batas penahanan " + _DATE, "detention_limit", ("date",)),
    (r"tanggal ekspirasi " + _DATE, "expiry", ("date",)),
    (r"nomor registrasi (.+), tanggal " + _DATE, "reg_number_date", ("reg", "date")),
    (r"nomor registrasi (.+)", "reg_number", ("reg",)),
    (r"jenis " + _VALUE, "kind", ("value",)),
    (r"kode UPT kosong", "upt_empty", ()),
    (r'kode UPT "(.*)" tidak terdaftar', "upt_unknown", ("upt",)),
    (r"UPT sendiri \((.*)\)", "upt_own", ("upt",)),
    (r"tanggal SK " + _DATE, "decree_date", ("date",)),
    (r"tanggal " + _DATE, "date", ("date",)),
    (r"alasan bebas " + _VALUE, "release_reason", ("value",)),
    (r"alasan keluar " + _VALUE, "exit_reason", ("value",)),
    (r"(\d+) hari", "days", ("days",)),
    (r"juga ditahan di UPT lain sejak " + _DATE, "held_elsewhere", ("date",)),
    (r"pindah keluar " + _DATE + ", belum ada pindahan masuk", "transfer_unmatched", ("date",)),
    (r"sebelumnya berstatus (.*)", "previous_status", ("status",)),
    (r"tercatat meninggal dunia di UPT lain", "died_elsewhere", ()),
]
_COMPILED = [(re.compile(p[0] + r"\Z"), p[1], p[2], p[3] if len(p) > 3 else {}) for p in PATTERNS]
_INTS = {"years", "months", "days"}


def parse(text: str) -> tuple[str, dict]:
    """(code, arguments) of an old detail sentence."""
    if not text:
        return "", {}
    for pattern, code, names, fixed in _COMPILED:
        match = pattern.match(text)
        if match is None:
            continue
        groups = list(match.groups())
        args = dict(fixed)
        for name in names:
            if name in ("date", "a", "b"):
                day, month, year = (int(groups.pop(0)) for _ in range(3))
                try:
                    args[name] = date(year, month, day).isoformat()
                except ValueError:
                    return "text", {"text": text}
            else:
                value = groups.pop(0)
                args[name] = int(value) if name in _INTS else value
        return code, args
    return "text", {"text": text}


def forwards(apps, schema_editor):
    for name in ("RowIssue", "Conflict"):
        model = apps.get_model("central", name)
        batch = []
        for row in model.objects.exclude(old_detail="").only("pk", "old_detail").iterator(chunk_size=2000):
            row.detail_code, row.detail_args = parse(row.old_detail)
            batch.append(row)
            if len(batch) >= 2000:
                model.objects.bulk_update(batch, ["detail_code", "detail_args"])
                batch = []
        model.objects.bulk_update(batch, ["detail_code", "detail_args"])


def backwards(apps, schema_editor):
    from django.utils import translation

    from central.issue_details import render_detail

    with translation.override("id"):
        for name in ("RowIssue", "Conflict"):
            model = apps.get_model("central", name)
            batch = []
            for row in model.objects.exclude(detail_code="").iterator(chunk_size=2000):
                row.old_detail = render_detail(row.detail_code, row.detail_args)[:255]
                batch.append(row)
            model.objects.bulk_update(batch, ["old_detail"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("central", "0012_api_tokens")]

    operations = [
        migrations.RenameField("rowissue", "detail", "old_detail"),
        migrations.RenameField("conflict", "detail", "old_detail"),
        migrations.AddField(
            model_name="rowissue",
            name="detail_code",
            field=models.CharField(blank=True, max_length=40, verbose_name="kode rincian"),
        ),
        migrations.AddField(
            model_name="rowissue",
            name="detail_args",
            field=models.JSONField(blank=True, default=dict, verbose_name="argumen rincian"),
        ),
        migrations.AddField(
            model_name="conflict",
            name="detail_code",
            field=models.CharField(blank=True, max_length=40, verbose_name="kode rincian"),
        ),
        migrations.AddField(
            model_name="conflict",
            name="detail_args",
            field=models.JSONField(blank=True, default=dict, verbose_name="argumen rincian"),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField("rowissue", "old_detail"),
        migrations.RemoveField("conflict", "old_detail"),
    ]
