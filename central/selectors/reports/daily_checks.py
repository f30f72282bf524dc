"""Daily checks in a scope: each UPT's reconciliation row with its anomaly scores, for a day or a run.

Pages, exports and the report API all read these rows, so they show the same figures. Two queries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext

from central.models import (
    AnomalyMetric,
    ConsolidationRun,
    DailyAnomaly,
    DailyReconciliation,
    ReconciliationState,
    Upt,
)
from central.scoping import Action
from central.selectors.reports.common import NO_FILTER, ReportFilter, scoped_upt_ids
from central.typing import AnyUser

JUDGED_STATES = frozenset({ReconciliationState.BALANCED, ReconciliationState.BREAK})


@dataclass
class DailyCheck:
    """One UPT on one snapshot day."""

    recon: DailyReconciliation
    anomalies: dict[str, DailyAnomaly] = field(default_factory=dict)  # by AnomalyMetric

    @property
    def upt(self) -> Upt:
        return self.recon.upt

    @property
    def is_break(self) -> bool:
        return self.recon.state == ReconciliationState.BREAK

    @property
    def population(self) -> int | None:
        """Today's population; None while the UPT has sent nothing (its 0 is not a count)."""
        if self.recon.state == ReconciliationState.NO_DATA:
            return None
        return self.recon.population

    @property
    def inflow(self) -> int:
        r = self.recon
        return r.admissions + r.transfers_in + r.recaptures

    @property
    def outflow(self) -> int:
        r = self.recon
        return r.releases + r.transfers_out + r.deaths + r.escapes

    def flow_items(self) -> list[tuple[str, int]]:
        """(label, count) of each kind of movement received for the day, those that occurred only."""
        names = (
            "admissions", "transfers_in", "recaptures", "releases", "transfers_out", "deaths", "escapes",
            "temporary_exits", "returns",
        )  # fmt: skip
        fields = {f.name: f for f in DailyReconciliation._meta.fields}
        return [
            (str(fields[name].verbose_name), getattr(self.recon, name)) for name in names if getattr(self.recon, name)
        ]

    @property
    def flagged(self) -> list[DailyAnomaly]:
        return [a for a in self.anomalies.values() if a.flagged]

    @property
    def short_history(self) -> bool:
        """Judged today, but with fewer days of history than the settings ask for: not scored."""
        population = self.anomalies.get(AnomalyMetric.POPULATION)
        return self.recon.state in JUDGED_STATES and (population is None or population.score is None)

    @property
    def anomaly_state(self) -> str:
        if self.recon.state not in JUDGED_STATES:
            return "not_checked"
        if self.flagged:
            return "flagged"
        return "short_history" if self.short_history else "normal"

    @property
    def explanation(self) -> str:
        """What a row means for the reader: the count that is missing, or why it is not judged."""
        recon = self.recon
        if recon.state == ReconciliationState.NO_DATA:
            return gettext("UPT belum pernah mengirim data; angka 0 bukan jumlah penghuni.")
        if recon.state == ReconciliationState.FIRST:
            return gettext("Paket pertama UPT atau belum ada snapshot sebelumnya: belum ada pembanding.")
        difference = recon.difference or 0
        if difference > 0:
            return gettext(
                "%(n)s penghuni lebih banyak daripada yang dijelaskan mutasi: penerimaan, pindahan masuk atau "
                "tertangkap kembali yang belum dikirim?"
            ) % {"n": difference}
        if difference < 0:
            return gettext(
                "%(n)s penghuni lebih sedikit daripada yang dijelaskan mutasi: pembebasan, pindah keluar, kematian "
                "atau pelarian yang belum dikirim?"
            ) % {"n": -difference}
        return ""


@dataclass
class DailyCheckTotals:
    upts: int = 0
    balanced: int = 0
    breaks: int = 0
    first: int = 0
    no_data: int = 0
    flagged_upts: int = 0
    short_history: int = 0


def daily_checks(
    *,
    user: AnyUser,
    day: dt.date | None = None,
    run: ConsolidationRun | None = None,
    report_filter: ReportFilter = NO_FILTER,
) -> list[DailyCheck]:
    """The checks of one snapshot day, or those a run wrote (a later run the same day replaces them)."""
    assert (day is None) != (run is None), "a day or a run"
    upt_ids = scoped_upt_ids(user=user, report_filter=report_filter)
    by_run_or_day: dict[str, object] = {"run": run} if run is not None else {"date": day}
    recons = list(
        DailyReconciliation.objects.restrict(user, Action.VIEW)
        .filter(upt_id__in=upt_ids, **by_run_or_day)
        .select_related("upt", "upt__kanwil")
        .order_by("upt__kanwil__name", "upt__name")
    )
    checks = {(r.upt_id, r.date): DailyCheck(r) for r in recons}
    if checks:
        anomalies = DailyAnomaly.objects.restrict(user, Action.VIEW).filter(upt_id__in=upt_ids, **by_run_or_day)
        for anomaly in anomalies:
            check = checks.get((anomaly.upt_id, anomaly.date))
            if check is not None:
                check.anomalies[anomaly.metric] = anomaly
    return list(checks.values())


def upt_daily_checks(*, user: AnyUser, upt: Upt, start: dt.date, end: dt.date) -> list[DailyCheck]:
    """One UPT's checks over a range of days, newest first. Two queries."""
    recons = list(
        DailyReconciliation.objects.restrict(user, Action.VIEW)
        .filter(upt=upt, date__gte=start, date__lte=end)
        .select_related("upt", "upt__kanwil")
        .order_by("-date")
    )
    checks = {r.date: DailyCheck(r) for r in recons}
    if checks:
        for anomaly in DailyAnomaly.objects.restrict(user, Action.VIEW).filter(upt=upt, date__gte=start, date__lte=end):
            check = checks.get(anomaly.date)
            if check is not None:
                check.anomalies[anomaly.metric] = anomaly
    return list(checks.values())


RECENT_CHECK_DAYS = 14


def upt_recent_findings(*, user: AnyUser, upt: Upt, today: dt.date, days: int = RECENT_CHECK_DAYS) -> list[DailyCheck]:
    """What the UPT's correction list shows, at central and (through the feedback API) at its node: the
    latest day's check, and every break or flagged figure of the last ``days`` days."""
    checks = upt_daily_checks(user=user, upt=upt, start=today - dt.timedelta(days=days - 1), end=today)
    return [c for c in checks if c.is_break or c.flagged or c is checks[0]]


def daily_check_totals(checks: list[DailyCheck]) -> DailyCheckTotals:
    totals = DailyCheckTotals(upts=len(checks))
    for check in checks:
        state = check.recon.state
        totals.balanced += state == ReconciliationState.BALANCED
        totals.breaks += state == ReconciliationState.BREAK
        totals.first += state == ReconciliationState.FIRST
        totals.no_data += state == ReconciliationState.NO_DATA
        totals.flagged_upts += bool(check.flagged)
        totals.short_history += check.short_history
    return totals


def findings(checks: list[DailyCheck]) -> list[DailyCheck]:
    """The UPTs to review: a break, or a flagged figure."""
    return [c for c in checks if c.is_break or c.flagged]
