"""django-celery-beat's admin pages, kept to the admin, with the daily consolidation's time checked.

Periodic tasks and their schedules are the admin's alone (DESIGN §4 gives central the right to *execute* a
consolidation, on paths that check it; not to configure the system). A periodic task can start any
registered task with any arguments, and the page's "Run selected tasks" action runs it at once, so whoever
edits them can run a consolidation — or anything else — past those checks. The central group holds no
permission on these models (``central/role_groups.py``); the pages below also refuse anyone but a superuser,
whatever model permissions someone is given by hand.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_lazy
from django_celery_beat import admin as beat_admin
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)

from central.admin_base import AdminOnlyMixin
from central.formats import show_time
from operations.schedule import DAILY_TASK, crontab_earliest_before_deadline


def _refuse_before_deadline(*, minute: str, hour: str, timezone) -> None:
    """Raise the admin's error when the daily consolidation would run before the submission deadline."""
    try:
        earliest = crontab_earliest_before_deadline(minute=minute, hour=hour, timezone=timezone)
    except ValueError:
        return  # an invalid crontab: the field validators report it
    if earliest is not None:
        raise ValidationError(
            gettext(
                "Konsolidasi harian tidak boleh berjalan sebelum batas kiriman data pukul %(deadline)s WIB: "
                "jadwal ini berjalan pukul %(time)s WIB. Pilih jam %(deadline)s atau sesudahnya."
            )
            % {
                "deadline": show_time(settings.SUBMISSION_DEADLINE_OTHER),
                "time": show_time(earliest),
            },
            code="before_deadline",
        )


def _daily_hint() -> str:
    return gettext(
        "Jadwal konsolidasi harian pusat (jam dan menit, zona waktu Asia/Jakarta = WIB). Tidak boleh sebelum "
        "batas kiriman data pukul %(deadline)s WIB. Perubahan berlaku tanpa memulai ulang beat."
    ) % {"deadline": show_time(settings.SUBMISSION_DEADLINE_OTHER)}


class PeriodicTaskForm(beat_admin.PeriodicTaskForm):
    """The daily consolidation runs on a crontab that never fires before the submission deadline."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.task == DAILY_TASK and "crontab" in self.fields:
            self.fields["crontab"].help_text = _daily_hint()

    def clean(self):
        data = super().clean()
        if data.get("task") != DAILY_TASK:
            return data
        crontab = data.get("crontab")
        if crontab is None:
            if any(data.get(kind) for kind in ("interval", "solar", "clocked")):
                raise ValidationError(
                    gettext("Konsolidasi harian dijadwalkan dengan crontab (jam dan menit WIB), bukan jadwal lain."),
                    code="not_crontab",
                )
            return data  # no schedule at all: the model's own check says so
        try:
            _refuse_before_deadline(minute=crontab.minute, hour=crontab.hour, timezone=crontab.timezone)
        except ValidationError as error:
            self.add_error("crontab", error)
        return data


class CrontabScheduleForm(forms.ModelForm):
    """Editing the crontab the daily consolidation uses is held to the same deadline."""

    class Meta:
        model = CrontabSchedule
        fields = ("minute", "hour", "day_of_month", "month_of_year", "day_of_week", "timezone")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self._drives_daily_run() and "hour" in self.fields:
            self.fields["hour"].help_text = _daily_hint()

    def _drives_daily_run(self) -> bool:
        return bool(self.instance.pk) and self.instance.periodictask_set.filter(task=DAILY_TASK).exists()

    def clean(self):
        data = super().clean()
        fields = ("minute", "hour", "timezone")
        if self._drives_daily_run() and all(data.get(name) for name in fields):
            try:
                _refuse_before_deadline(minute=data["minute"], hour=data["hour"], timezone=data["timezone"])
            except ValidationError as error:
                self.add_error("hour", error)
        return data


def crontab_in_words(crontab: CrontabSchedule) -> str:
    """A crontab in Indonesian: "setiap hari pukul 15.00 (Asia/Jakarta)" for a daily one, the fields otherwise."""
    zone = str(crontab.timezone)
    daily = crontab.day_of_month == crontab.month_of_year == crontab.day_of_week == "*"
    if daily and crontab.minute.isdigit() and crontab.hour.isdigit():
        return gettext("setiap hari pukul %(time)s (%(zone)s)") % {
            "time": show_time(dt.time(int(crontab.hour), int(crontab.minute))),
            "zone": zone,
        }
    return gettext("menit %(minute)s, jam %(hour)s, tanggal %(day)s, bulan %(month)s, hari %(weekday)s (%(zone)s)") % {
        "minute": crontab.minute,
        "hour": crontab.hour,
        "day": crontab.day_of_month,
        "month": crontab.month_of_year,
        "weekday": crontab.day_of_week,
        "zone": zone,
    }


class _TaskFilter(admin.AllValuesFieldListFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = gettext("nama tugas")


class _PeriodicTaskInline(beat_admin.PeriodicTaskInline):
    """The tasks using a schedule, under it; the library's task column has an untranslatable name."""

    fields = ("name", "task_name", "args", "kwargs")
    readonly_fields = fields

    @admin.display(description=gettext_lazy("nama tugas"))
    def task_name(self, obj):
        return obj.task


admin.site.unregister(PeriodicTask)


@admin.register(PeriodicTask)
class SdpPeriodicTaskAdmin(AdminOnlyMixin, beat_admin.PeriodicTaskAdmin):
    form = PeriodicTaskForm
    # The description says what a row is for ("Konsolidasi harian pusat — ubah jam di sini").
    list_display = ("name", "description", "enabled", "schedule_text", "last_run_at", "one_off")
    # The library's task field has an untranslatable verbose name ("Task Name"): the filter gets its own.
    list_filter = ["enabled", "one_off", ("task", _TaskFilter), "start_time", "last_run_at"]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The library's version hands its page cron_descriptor's English for each crontab ("At 03:00 PM").
        words = {crontab.id: crontab_in_words(crontab) for crontab in CrontabSchedule.objects.all()}
        extra_context = {**(extra_context or {}), "readable_crontabs": words}
        return admin.ModelAdmin.changeform_view(self, request, object_id, form_url, extra_context)

    @admin.display(description=gettext_lazy("jadwal"))
    def schedule_text(self, obj):
        # The library's column is the schedule's own text ("0 15 * * * (m/h/dM/MY/d) Asia/Jakarta").
        if obj.crontab_id:
            return crontab_in_words(obj.crontab)
        return str(obj.scheduler) if obj.scheduler else "—"

    @admin.display(description=gettext_lazy("Jadwal crontab dalam kata-kata"))
    def crontab_translation(self, obj):
        # The library's description comes from cron_descriptor, which has no Indonesian.
        return crontab_in_words(obj.crontab) if obj.crontab_id else "—"


admin.site.unregister(CrontabSchedule)


@admin.register(CrontabSchedule)
class SdpCrontabScheduleAdmin(AdminOnlyMixin, beat_admin.CrontabScheduleAdmin):
    form = CrontabScheduleForm
    inlines = [_PeriodicTaskInline]
    # The library's "human_readable" is cron_descriptor's English ("At 03:00 PM"): the same in Indonesian.
    list_display = ("__str__", "in_words")
    fields = ("in_words", "minute", "hour", "day_of_month", "month_of_year", "day_of_week", "timezone")
    readonly_fields = ("in_words",)

    @admin.display(description=gettext_lazy("dalam kata-kata"))
    def in_words(self, obj):
        return crontab_in_words(obj) if obj.pk else "—"


for _model, _admin_class in (
    (IntervalSchedule, beat_admin.IntervalScheduleAdmin),
    (SolarSchedule, beat_admin.SolarScheduleAdmin),
    (ClockedSchedule, beat_admin.ClockedScheduleAdmin),
):
    admin.site.unregister(_model)
    admin.site.register(
        _model,
        type(f"Sdp{_admin_class.__name__}", (AdminOnlyMixin, _admin_class), {"inlines": [_PeriodicTaskInline]}),
    )
