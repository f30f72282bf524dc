"""Reading central's feedback at a UPT node, for the pages operators work from: the stored answer of
``GET /api/v1/upts/<code>/feedback/`` (``upt.node.sync``) turned into rows shaped like the hosted pages'
(``central.selectors.inbox.Correction``, ``DailyCheck``, conflicts with ``own_record``), so the correction
list, the person's file and a package's page render with the same templates at central and at a node.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from django.utils.dateparse import parse_date, parse_datetime

from upt.node.records import CentralFeedback


@dataclass
class FeedbackState:
    """Where the shown feedback comes from: when it was fetched, and whether the last attempt failed."""

    fetched_at: dt.datetime | None
    attempted_at: dt.datetime | None
    error: str
    failed_last: bool

    @property
    def never(self) -> bool:
        return self.fetched_at is None


@dataclass
class NodeFeedback:
    state: FeedbackState
    issues: list[Any] = field(default_factory=list)
    issues_truncated: bool = False
    daily_checks: list[Any] = field(default_factory=list)
    conflicts: list[Any] = field(default_factory=list)
    submissions: list[dict[str, Any]] = field(default_factory=list)
    results: list[dict[str, Any]] = field(default_factory=list)


def _when(value: str | None) -> dt.datetime | None:
    return parse_datetime(value) if value else None


def _day(value: str | None) -> dt.date | None:
    return parse_date(value) if value else None


def _issue(row: dict[str, Any]) -> SimpleNamespace:
    issue = SimpleNamespace(
        severity=row["severity"],
        record_type=row["record_type"],
        get_record_type_display=row.get("record_type_label", row["record_type"]),
        record_key=row["record_key"],
        rule_id=row["rule"],
        rule=SimpleNamespace(message=row["message"]),
        detail=row.get("detail", ""),
        detail_code=bool(row.get("detail")),
    )
    submission = SimpleNamespace(package_id=row["package_id"], received_at=_when(row.get("received_at")))
    return SimpleNamespace(
        issue=issue, submission=submission, person_reg_number=row.get("person_reg_number", ""), resent=row["resent"]
    )


def _check(row: dict[str, Any]) -> SimpleNamespace:
    recon = SimpleNamespace(
        date=_day(row["date"]),
        state=row["state"],
        get_state_display=row.get("state_label", row["state"]),
        previous_population=row.get("previous_population"),
        expected=row.get("expected"),
        difference=row.get("difference"),
    )
    flagged = [
        SimpleNamespace(get_metric_display=a.get("metric_label", a["metric"]), value=a["value"], median=a.get("median"))
        for a in row.get("flagged", [])
    ]
    return SimpleNamespace(
        recon=recon,
        inflow=row.get("inflow", 0),
        outflow=row.get("outflow", 0),
        population=row.get("population"),
        flagged=flagged,
        short_history=row.get("short_history", False),
        explanation=row.get("explanation", ""),
    )


def _conflict(row: dict[str, Any]) -> SimpleNamespace:
    own = None
    if row.get("reg_number"):
        own = SimpleNamespace(reg_number=row["reg_number"], full_name=row.get("full_name") or "")
    return SimpleNamespace(
        id=row["id"],
        detected_at=_when(row.get("detected_at")),
        kind=row["kind"],
        get_kind_display=row.get("kind_label", row["kind"]),
        detail=row.get("detail", ""),
        own_record=own,
    )


def _stored(upt_code: str) -> CentralFeedback:
    return CentralFeedback.objects.filter(upt_code=upt_code).first() or CentralFeedback(upt_code=upt_code)


def _state(row: CentralFeedback) -> FeedbackState:
    return FeedbackState(
        fetched_at=row.fetched_at, attempted_at=row.attempted_at, error=row.error, failed_last=row.failed_last
    )


def node_feedback(upt_code: str, *, severity: str | None = None, record_type: str | None = None) -> NodeFeedback:
    """The UPT's stored feedback, its issues filtered like the correction list's filters."""
    row = _stored(upt_code)
    data = row.data or {}
    issues = [
        _issue(i)
        for i in data.get("issues", [])
        if (not severity or i["severity"] == severity) and (not record_type or i["record_type"] == record_type)
    ]
    return NodeFeedback(
        state=_state(row),
        issues=issues,
        issues_truncated=bool(data.get("issues_truncated")),
        daily_checks=[_check(c) for c in data.get("daily_checks", [])],
        conflicts=[_conflict(c) for c in data.get("conflicts", [])],
        submissions=list(data.get("submissions", [])),
        results=list(data.get("results", [])),
    )


def node_person_conflicts(upt_code: str, reg_number: str) -> tuple[list[Any], FeedbackState]:
    """The open conflicts central reported on one of the UPT's people (the person's file at a node)."""
    row = _stored(upt_code)
    conflicts = [_conflict(c) for c in (row.data or {}).get("conflicts", []) if c.get("reg_number") == reg_number]
    return conflicts, _state(row)


def node_package_feedback(upt_code: str, package_id: str) -> tuple[Any, list[Any], FeedbackState]:
    """What central said about one package: its submission row and its issues (None before it is listed)."""
    row = _stored(upt_code)
    data = row.data or {}
    found = next((s for s in data.get("submissions", []) if s.get("id") == str(package_id)), None)
    submission = None
    if found is not None:
        submission = SimpleNamespace(
            **{
                **found,
                "received_at": _when(found.get("received_at")),
                "consolidated_at": _when(found.get("consolidated_at")),
            }
        )
    issues = [_issue(i) for i in data.get("issues", []) if i.get("package_id") == str(package_id)]
    return submission, issues, _state(row)
