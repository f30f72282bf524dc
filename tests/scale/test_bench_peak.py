"""``manage.py bench_peak`` on a small country's region: a real gunicorn receives every unit's package over
HTTP while readers browse, and the command reports what it measured."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from central.models import Submission, Upt

pytestmark = pytest.mark.django_db(transaction=True)  # the server is another process: data must be committed


def test_every_package_is_stored_over_http_and_every_endpoint_is_reported(small_country, tmp_path, capsys):
    call_command(
        "bench_peak", "--kanwil", "75", "--senders", "4", "--readers", "4", "--think", "0.2", "--out", str(tmp_path)
    )
    header, *rounds = json.loads(next(tmp_path.glob("peak-*.json")).read_text())
    units = Upt.objects.filter(kanwil__code="75").count()
    assert "kode " in header["header"]
    assert [r["packages"] for r in rounds] == [units, units]
    assert rounds[0]["full_packages"] == 0 and rounds[1]["full_packages"] == (units + 9) // 10
    for result in rounds:
        endpoints = result["endpoints"]
        posted = sum(row["n"] for name, row in endpoints.items() if name.startswith("POST"))
        assert posted == units
        assert all(row["errors"] == 0 for row in endpoints.values()), endpoints
        assert any(name.startswith("GET /laporan/") for name in endpoints)
        assert 0 < result["last_package_stored_after"] <= result["seconds"]
        assert result["peak_rss_mib"] > 0
    # Stored for real: the initial full load, then two packages per unit.
    assert Submission.objects.filter(upt__kanwil__code="75").count() == 3 * units
    assert "paket terakhir tersimpan setelah" in capsys.readouterr().out
