"""The daily consolidation's schedule lives in the database: seeded once from ``CONSOLIDATION_TIME``, edited by
the admin, kept across beat restarts and later migrates, and never set before the submission deadline."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import subprocess
import sys
import time
from datetime import time as clock
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from operations.schedule import DAILY_TASK, DAILY_TASK_NAME, PURGE_TASK, crontab_earliest_before_deadline
from tests.dburl import database_url

ROOT = Path(__file__).resolve().parent.parent
BEAT_TIMEOUT = 120


def daily() -> PeriodicTask:
    return PeriodicTask.objects.select_related("crontab").get(task=DAILY_TASK)


def set_time(*, hour: int, minute: int) -> None:
    crontab = daily().crontab
    crontab.hour, crontab.minute = str(hour), str(minute)
    crontab.save()


def time_of(task: PeriodicTask) -> tuple[str, str]:
    return task.crontab.hour, task.crontab.minute


# --- The seed ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_migrate_seeds_the_daily_task_at_consolidation_time():
    task = daily()
    assert task.name == DAILY_TASK_NAME
    assert task.enabled
    assert time_of(task) == (str(settings.CONSOLIDATION_TIME.hour), str(settings.CONSOLIDATION_TIME.minute))
    assert (task.crontab.day_of_month, task.crontab.month_of_year, task.crontab.day_of_week) == ("*", "*", "*")
    assert str(task.crontab.timezone) == "Asia/Jakarta"
    assert task.description.startswith("Konsolidasi harian pusat — ubah jam di sini")
    # Nothing else is scheduled but the nightly staging purge: celery's backend_cleanup is switched off (no
    # result backend to clean).
    assert sorted(PeriodicTask.objects.values_list("task", flat=True)) == sorted([DAILY_TASK, PURGE_TASK])


@pytest.mark.django_db
def test_a_new_database_is_seeded_from_the_configured_time(settings):
    PeriodicTask.objects.all().delete()
    settings.CONSOLIDATION_TIME = clock(16, 45)
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert time_of(daily()) == ("16", "45")


@pytest.mark.django_db(transaction=True)
def test_a_later_migrate_never_overwrites_the_schedule(settings):
    set_time(hour=18, minute=20)
    settings.CONSOLIDATION_TIME = clock(15, 30)  # a changed setting does not move an existing task either
    call_command("migrate", verbosity=0)
    assert time_of(daily()) == ("18", "20")

    # Renamed in the admin: still the daily task, not a reason for a second one.
    PeriodicTask.objects.filter(task=DAILY_TASK).update(name="konsolidasi sore")
    call_command("migrate", verbosity=0)
    assert PeriodicTask.objects.filter(task=DAILY_TASK).count() == 1
    assert daily().name == "konsolidasi sore"

    # Deleted: it comes back at the next migrate (switching it off is the Enabled box).
    PeriodicTask.objects.all().delete()
    call_command("migrate", verbosity=0)
    assert time_of(daily()) == ("15", "30")


# --- Beat restarts ------------------------------------------------------------------------------------------


def _database_url() -> str:
    return database_url(connection.settings_dict)


def _log_messages(log: Path) -> str:
    """The log's messages, whether its lines are JSON objects (the default) or plain text."""
    messages = []
    for line in log.read_text().splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            record = None
        messages.append(record["message"] if isinstance(record, dict) and "message" in record else line)
    return "\n".join(messages)


def _start_beat_and_read_its_schedule(log: Path) -> str:
    """Run ``celery beat`` on the test database until it has loaded the schedule; return what it loaded."""
    redis_url = os.environ.get("SDP_TEST_REDIS_URL")
    if not redis_url:
        pytest.fail("SDP_TEST_REDIS_URL is not set: this test runs a real beat (scripts/test sets it).")
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "CONSOLIDATION_TIME")}
    env.update(DATABASE_URL=_database_url(), REDIS_URL=redis_url, LOG_LEVEL="DEBUG", PYTHONUNBUFFERED="1")
    command = [sys.executable, "-m", "celery", "-A", "sdp_project", "beat", "--loglevel=DEBUG", "--max-interval=1"]
    with log.open("w") as out:
        beat = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        # "Current schedule:" is logged once setup_schedule (where DatabaseScheduler writes CELERY_BEAT_SCHEDULE
        # into the database) has run and the tasks were read back; a later "Waking up" closes that record.
        loaded = re.compile(r"Current schedule:(.*?)beat: Waking up", re.S)
        deadline = time.monotonic() + BEAT_TIMEOUT
        while not (found := loaded.search(_log_messages(log))):
            if beat.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"beat did not load its schedule:\n{log.read_text()[-6000:]}")
            time.sleep(0.1)
        return found.group(1)
    finally:
        beat.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            beat.wait(30)
        if beat.poll() is None:
            beat.kill()
            beat.wait(30)


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_the_admins_time_survives_two_restarts_of_beat(tmp_path):
    # DatabaseScheduler loads only crontabs due within two hours of now; 90 minutes ahead is loaded and never
    # fires while the test runs. The admin's form would refuse it before the deadline; the ORM does not ask.
    soon = timezone.localtime() + dt.timedelta(minutes=90)
    hour, minute = soon.hour, soon.minute
    set_time(hour=hour, minute=minute)

    for start in (1, 2):
        loaded = _start_beat_and_read_its_schedule(tmp_path / f"beat{start}.log")
        assert time_of(daily()) == (str(hour), str(minute)), f"beat start {start} rewrote the schedule"
        entries = re.findall(r"<ModelEntry: [^<]*<[^>]*>\s*>", " ".join(loaded.split()))
        # Other periodic tasks (the nightly staging purge) are loaded too when due within those two hours.
        daily_entries = [entry for entry in entries if f" {DAILY_TASK}(" in entry]
        expected = f"<crontab: {minute} {hour} * * * (m/h/d/dM/MY), Asia/Jakarta>"
        assert daily_entries == [f"<ModelEntry: {DAILY_TASK_NAME} {DAILY_TASK}(*[], **{{}}) {expected} >"], (
            f"beat start {start} loaded:\n{loaded}"
        )


@pytest.mark.django_db(transaction=True)
def test_a_change_made_in_the_admin_survives_the_schedulers_set_up(client_for, world):
    """DatabaseScheduler's own start-up (setup_schedule, install_default_entries) run in this process, twice."""
    from django_celery_beat.schedulers import DatabaseScheduler

    from sdp_project.celery import app

    crontab = daily().crontab
    response = _post_admin_form(client_for(world.admin), "crontabschedule", crontab.pk, hour="16", minute="30")
    assert response.status_code == 302, _errors(response)

    for _ in range(2):
        scheduler = DatabaseScheduler(app=app, lazy=False)
        task = daily()
        assert time_of(task) == ("16", "30")
        entry = scheduler.Entry(task, app=app)
        assert (entry.schedule.hour, entry.schedule.minute) == ({16}, {30})
    assert not PeriodicTask.objects.exclude(task__in=[DAILY_TASK, PURGE_TASK]).exists()


# --- The admin ----------------------------------------------------------------------------------------------


def _form_data(response) -> dict:
    """What the change form would post back unchanged: its fields and any inline formsets."""
    forms = [response.context["adminform"].form]
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    for form in forms:
        for field in form:
            value = field.value()
            if value is not None:
                data[field.html_name] = value
    return data


def _post_admin_form(client, model: str, pk: int, **changes):
    url = reverse(f"admin:django_celery_beat_{model}_change", args=[pk])
    page = client.get(url)
    assert page.status_code == 200
    return client.post(url, {**_form_data(page), **changes})


def _errors(response) -> str:
    form = response.context["adminform"].form if response.context else None
    return str(form.errors) if form is not None else ""


@pytest.mark.django_db
def test_the_daily_tasks_page_says_what_it_is(client_for, world):
    client = client_for(world.admin)
    listing = client.get(reverse("admin:django_celery_beat_periodictask_changelist")).content.decode()
    assert "Konsolidasi harian pusat — ubah jam di sini" in listing
    page = client.get(reverse("admin:django_celery_beat_periodictask_change", args=[daily().pk])).content.decode()
    assert "Jadwal konsolidasi harian pusat" in page
    assert "batas kiriman data pukul 14.00 WIB" in page


@pytest.mark.django_db
def test_the_admin_may_not_schedule_the_run_before_the_deadline(client_for, world):
    client = client_for(world.admin)
    crontab = daily().crontab

    refused = _post_admin_form(client, "crontabschedule", crontab.pk, hour="13", minute="30")
    assert refused.status_code == 200
    assert "tidak boleh berjalan sebelum batas kiriman data pukul 14.00 WIB" in _errors(refused)
    assert "pukul 13.30 WIB" in _errors(refused)
    # 05:00 UTC is 12:00 WIB: the crontab's own time zone counts.
    refused = _post_admin_form(client, "crontabschedule", crontab.pk, hour="5", minute="0", timezone="UTC")
    assert "pukul 12.00 WIB" in _errors(refused)
    # A second run in the morning is as early as a single one.
    refused = _post_admin_form(client, "crontabschedule", crontab.pk, hour="9,16", minute="0")
    assert "pukul 09.00 WIB" in _errors(refused)
    assert time_of(daily()) == (str(settings.CONSOLIDATION_TIME.hour), str(settings.CONSOLIDATION_TIME.minute))

    accepted = _post_admin_form(client, "crontabschedule", crontab.pk, hour="14", minute="0")
    assert accepted.status_code == 302, _errors(accepted)
    assert time_of(daily()) == ("14", "0")


@pytest.mark.django_db
def test_the_daily_task_may_not_be_moved_to_an_early_or_non_crontab_schedule(client_for, world):
    client = client_for(world.admin)
    task = daily()
    morning = CrontabSchedule.objects.create(minute="0", hour="10", timezone="Asia/Jakarta")
    evening = CrontabSchedule.objects.create(minute="0", hour="19", timezone="Asia/Jakarta")
    every_hour = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.HOURS)

    refused = _post_admin_form(client, "periodictask", task.pk, crontab=morning.pk)
    assert refused.status_code == 200
    assert "pukul 10.00 WIB" in _errors(refused)
    refused = _post_admin_form(client, "periodictask", task.pk, crontab="", interval=every_hour.pk)
    assert "dijadwalkan dengan crontab" in _errors(refused)
    assert daily().crontab_id == task.crontab_id

    accepted = _post_admin_form(client, "periodictask", task.pk, crontab=evening.pk)
    assert accepted.status_code == 302, _errors(accepted)
    assert daily().crontab_id == evening.pk

    # Another periodic task keeps django-celery-beat's rules alone: the deadline is the consolidation's.
    other = PeriodicTask.objects.create(name="lain", task="celery.backend_cleanup", crontab=evening)
    accepted = _post_admin_form(client, "periodictask", other.pk, crontab=morning.pk)
    assert accepted.status_code == 302, _errors(accepted)


def test_earliest_run_before_the_deadline():
    assert crontab_earliest_before_deadline(minute="0", hour="15", timezone="Asia/Jakarta") is None
    assert crontab_earliest_before_deadline(minute="0", hour="14", timezone="Asia/Jakarta") is None
    assert crontab_earliest_before_deadline(minute="59", hour="13", timezone="Asia/Jakarta") == clock(13, 59)
    assert crontab_earliest_before_deadline(minute="*/30", hour="*", timezone="Asia/Jakarta") == clock(0, 0)
    # 20:00 UTC is 03:00 WIB the next day: before that day's deadline.
    assert crontab_earliest_before_deadline(minute="0", hour="20", timezone="UTC") == clock(3, 0)
    assert crontab_earliest_before_deadline(minute="0", hour="8", timezone="UTC") is None


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["operator_a", "monitor_x", "central"])
def test_only_the_admin_edits_periodic_tasks(client_for, world, who):
    """DESIGN §4: central executes consolidations on checked paths; configuring beat is the admin's."""
    user = getattr(world, who)
    user.is_staff = True
    user.save()
    # Even a model permission given by hand opens nothing: a periodic task can run any task with any arguments.
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="django_celery_beat", codename__contains="periodictask")
    )
    client = client_for(user)
    assert client.get(reverse("admin:django_celery_beat_periodictask_changelist")).status_code == 403
    url = reverse("admin:django_celery_beat_periodictask_change", args=[daily().pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"name": "x"}).status_code == 403
    assert daily().name == DAILY_TASK_NAME
    assert client_for(world.admin).get(reverse("admin:django_celery_beat_periodictask_changelist")).status_code == 200
