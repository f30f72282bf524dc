"""Before the first consolidation every report page says what will appear and when (the daily run's time
read from its periodic task, the one source of truth), and a trend chart with fewer than two days says so
instead of drawing empty axes."""

import datetime as dt

import pytest
from django.conf import settings
from django_celery_beat.models import PeriodicTask

from central.selectors.schedule import DAILY_TASK, daily_consolidation_time
from operations.schedule import DAILY_TASK as SEEDED_TASK
from operations.schedule import daily_schedule_seed
from tests.factories import ConsolidationRunFactory, OccupancySnapshotFactory

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 10)
NOTICE = 'id="belum-konsolidasi"'


@pytest.fixture(autouse=True)
def _schedule(db):
    daily_schedule_seed(at=settings.CONSOLIDATION_TIME)  # as migrate does (a transactional test flushes it)


def pages(world):
    return [
        (world.central, "/laporan/nasional/"),
        (world.central, "/laporan/nasional/hunian/"),
        (world.central, "/laporan/nasional/kepatuhan/"),
        (world.central, "/laporan/nasional/konsolidasi/"),
        (world.monitor_x, "/kanwil/"),
        (world.monitor_x, "/laporan/wilayah/33/hunian/"),
        (world.operator_a, f"/laporan/upt/{world.upt_a.code}/"),
    ]


def test_the_schedule_is_read_from_the_task_beat_runs():
    assert DAILY_TASK == SEEDED_TASK
    assert daily_consolidation_time() == settings.CONSOLIDATION_TIME == dt.time(15, 0)


def test_every_report_says_what_appears_after_the_first_run_and_when(client_for, world):
    for user, url in pages(world):
        html = client_for(user).get(url).content.decode()
        assert NOTICE in html, url
        assert "setelah konsolidasi pertama: otomatis setiap hari pukul 15.00 WIB" in html, url


def test_the_notice_follows_an_edited_or_disabled_schedule(client_for, world):
    task = PeriodicTask.objects.get(task=DAILY_TASK)
    task.crontab.hour, task.crontab.minute = "16", "30"
    task.crontab.save()
    html = client_for(world.central).get("/laporan/nasional/").content.decode()
    assert "setiap hari pukul 16.30 WIB" in html
    task.enabled = False
    task.save()
    html = client_for(world.central).get("/laporan/nasional/").content.decode()
    assert NOTICE in html and "jadwal harian sedang tidak aktif" in html and "16.30" not in html


def test_no_notice_once_a_run_has_succeeded(client_for, world):
    ConsolidationRunFactory(snapshot_date=DAY)
    for user, url in pages(world):
        assert NOTICE not in client_for(user).get(url).content.decode(), url


def test_english_notice(client_for, world):
    client = client_for(world.central)
    client.cookies.load({"django_language": "en"})
    html = client.get("/laporan/nasional/").content.decode()
    assert "after the first consolidation: automatically every day at 15.00 WIB" in html


def test_a_chart_of_one_day_says_so_and_two_days_draw(client_for, world):
    client = client_for(world.monitor_x)
    url = "/laporan/wilayah/33/hunian/?tanggal=2026-03-10"
    OccupancySnapshotFactory(upt=world.upt_a, date=DAY, detainees=10, sentenced=20, male=30, female=0)
    html = client.get(url).content.decode()
    assert 'id="grafik-hunian"' not in html
    assert "Baru ada snapshot hunian untuk satu hari (10-03-2026); grafik tren digambar setelah ada" in html
    OccupancySnapshotFactory(upt=world.upt_a, date=DAY - dt.timedelta(days=1), detainees=10, sentenced=19)
    html = client.get(url).content.decode()
    assert 'data-points="2"' in html and "Baru ada snapshot" not in html
