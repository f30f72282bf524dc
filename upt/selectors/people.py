"""The register's list (search, filters, sort) and one person's file (facts, dates, movements, history)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import F, Field, Min, Model, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from central.formats import show_date
from central.mode import is_node
from central.models import Conflict, DetentionLimit, Upt
from central.reference import (
    HELD_STATUSES,
    MOVEMENT_RULES,
    NARCOTICS_CATEGORIES,
    SENTENCED_REGISTERS,
    TERM_REGISTERS,
    CrimeCategory,
    MovementKind,
    PersonStatus,
    Register,
)
from central.scoping import Action, get_scoped_or_404
from central.selectors.consolidation import upt_conflicts
from central.sentence import DetentionWindow, SentenceDates, sentence_dates
from central.typing import AnyUser, User
from upt.models import Movement, Person, Remission
from upt.node.feedback import node_person_conflicts
from upt.selectors.worklists import (
    _LIST_FIELDS,
    attach_key_dates,
    detention_end_order,
    detention_limits,
    window_of,
    worklist_q,
)
from upt.services.common import today as today_wib
from upt.services.derived import sentence_term, subsidiary_term

STATUS_HELD = "penghuni"
STATUS_ALL = "semua"
NARCOTICS = "NARKOTIKA"
SORTS = {
    "nama": ("full_name", "reg_number"),
    "noreg": ("reg_number",),
    "masuk": ("-admission_date", "full_name"),
}
SORT_LABELS = {
    "nama": gettext_lazy("Nama"),
    "noreg": gettext_lazy("Nomor registrasi"),
    "masuk": gettext_lazy("Terbaru masuk"),
    "ekspirasi": gettext_lazy("Tanggal ekspirasi"),
    "batas": gettext_lazy("Batas penahanan"),
}
HISTORY_LIMIT = 200


@dataclass
class PersonFilters:
    q: str = ""
    register: str = ""
    status: str = STATUS_HELD
    category: str = ""
    worklist: str = ""
    sort: str = "nama"


def person_list(
    *, user: AnyUser, upt: Upt, filters: PersonFilters, limits: list[DetentionLimit] | None = None
) -> QuerySet[Person]:
    """The people of ``upt`` the user may operate on, searched, filtered and sorted.

    Search: a name or alias (any part), a registration number (any part), or a NIK / passport (from its
    start). Filters: register (or "A"/"B" for all detainees / narapidana), status (current occupants by
    default), crime category (or both narcotics categories), and a work list.
    """
    people = Person.objects.restrict(user, Action.OPERATE).filter(upt=upt).only(*_LIST_FIELDS)
    text = " ".join(filters.q.split())
    if text:
        digits = text.replace(" ", "").replace(".", "")
        condition: Q = Q(full_name__icontains=text) | Q(alias__icontains=text) | Q(reg_number__icontains=text)
        if digits.isdigit():
            condition |= Q(nik__startswith=digits)
        condition |= Q(passport_number__istartswith=text)
        people = people.filter(condition)
    if filters.register in Register.values:
        people = people.filter(register=filters.register)
    elif filters.register in ("A", "B"):
        people = people.filter(register__startswith=filters.register)
    if filters.status == STATUS_HELD:
        people = people.filter(status__in=HELD_STATUSES)
    elif filters.status in PersonStatus.values:
        people = people.filter(status=filters.status)
    if filters.category == NARCOTICS:
        people = people.filter(crime_category__in=NARCOTICS_CATEGORIES)
    elif filters.category in CrimeCategory.values:
        people = people.filter(crime_category=filters.category)
    if filters.worklist:
        worklist = worklist_q(filters.worklist, limits if limits is not None else detention_limits(), today_wib())
        if worklist is not None:
            people = people.filter(worklist)
    if filters.sort == "batas":
        order = detention_end_order(limits if limits is not None else detention_limits())
        return people.order_by(order.asc(nulls_last=True), "full_name")
    if filters.sort == "ekspirasi":
        return people.order_by(F("expiry_date").asc(nulls_last=True), "full_name")
    return people.order_by(*SORTS.get(filters.sort, SORTS["nama"]))


def person_page_rows(people: list[Person], limits: list[DetentionLimit]) -> None:
    """What the rows of one page of the list show besides the columns: days left (detention or sentence)
    and the labels of register, category and status."""
    attach_key_dates(people, limits, today_wib())
    labels = _Labels()
    for person in people:
        vars(person).update(  # display-only attributes, not fields
            register_label=labels.of(Person, "register").get(person.register, person.register),
            category_label=labels.of(Person, "crime_category").get(person.crime_category, ""),
            status_label=labels.of(Person, "status").get(person.status, person.status),
        )


def person_by_reg_number(*, user: AnyUser, upt: Upt, reg_number: str) -> Person:
    """The person of ``upt`` with this registration number (another UPT's: 404, as everywhere)."""
    return get_scoped_or_404(
        Person.objects.filter(upt=upt).only("id", "upt_id", "reg_number"),
        user,
        Action.OPERATE,
        reg_number__iexact=reg_number.strip(),
    )


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: datetime
    who: str
    subject: str  # what kind of record
    action: str  # opened, changed, deleted
    summary: str
    changes: list[Change] = field(default_factory=list)


@dataclass
class PersonFile:
    person: Person
    movements: list[Movement]
    remissions: list[Remission]
    history: list[HistoryEntry]
    today: date
    window: DetentionWindow | None
    days_left: int | None
    dates: SentenceDates | None
    allowed_kinds: list[tuple[str, str]]
    can_remit: bool
    is_held: bool
    verdict_missing: bool
    previous_reg_numbers: list[str]
    conflicts: list[Conflict]
    # At a UPT node the conflicts come from central's last feedback: when it was fetched (None: hosted).
    feedback_state: Any = None


def _previous_reg_numbers(person: Person) -> list[str]:
    """Numbers the person had before (an A register's, before a B register gave its own), oldest first."""
    return list(
        person.history.exclude(reg_number=person.reg_number)
        .values("reg_number")
        .annotate(first=Min("history_date"))
        .order_by("first")
        .values_list("reg_number", flat=True)
    )


_ACTIONS = {"+": gettext_lazy("dibuat"), "~": gettext_lazy("diubah"), "-": gettext_lazy("dihapus")}
# Derived columns change with the movements and remissions that are listed in their own right.
_HISTORY_SKIP = {"updated_at", "created_at", "id", "uid", "upt", "photo", "change_seq"}
# Every tracked column, derived ones included (simple-history's diff_against compares only editable
# ones): an operator wants to see that a remission moved the expiry date.
_HISTORY_FIELDS = [f.name for f in Person._meta.concrete_fields if f.name not in _HISTORY_SKIP]


class _Labels:
    """Choice labels translated once per request: ``get_FOO_display`` re-translates every choice on each
    call, which on a page of 50 rows or 200 history entries costs more than its queries."""

    def __init__(self) -> None:
        self._maps: dict[tuple[str, str], dict[Any, str]] = {}

    def of(self, model: type[Model], name: str) -> dict[Any, str]:
        key = (model._meta.label, name)
        if key not in self._maps:
            model_field = model._meta.get_field(name)
            assert isinstance(model_field, Field)
            self._maps[key] = {value: str(label) for value, label in model_field.flatchoices}
        return self._maps[key]

    def display(self, model: type[Model], name: str, value: Any) -> str:
        if value is None or value == "":
            return "—"
        if getattr(model._meta.get_field(name), "choices", None):
            return self.of(model, name).get(value, str(value))
        if isinstance(value, bool):
            return _("Ya") if value else _("Tidak")
        if isinstance(value, date):
            return show_date(value)
        return str(value)


def _who(record: Any) -> str:
    """Who made a history record (``record`` is simple_history's historical row, which has no stubs)."""
    user: User | None = record.history_user
    if user is None:
        return _("sistem")
    return user.get_full_name() or user.username


def _history(person: Person) -> list[HistoryEntry]:
    labels = _Labels()
    _display = labels.display
    entries: list[HistoryEntry] = []
    records = list(person.history.select_related("history_user").order_by("-history_date")[:HISTORY_LIMIT])
    for index, record in enumerate(records):
        older = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if record.history_type == "~" and older is not None:
            for name in _HISTORY_FIELDS:
                before, after = getattr(older, name), getattr(record, name)
                if before != after:
                    changes.append(
                        Change(
                            label=str(getattr(Person._meta.get_field(name), "verbose_name", name)),
                            old=_display(Person, name, before),
                            new=_display(Person, name, after),
                        )
                    )
            if not changes:
                continue
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=_who(record),
                subject=_("Data WBP"),
                action=str(_ACTIONS[record.history_type]),
                summary="",
                changes=changes,
            )
        )
    for model, subject in ((Movement, _("Mutasi")), (Remission, _("Remisi"))):
        records = list(
            model.history.filter(person_id=person.pk)
            .select_related("history_user")
            .order_by("-history_date")[:HISTORY_LIMIT]
        )
        for record in records:
            if model is Movement:
                summary = f"{_display(Movement, 'kind', record.kind)} {_display(Movement, 'date', record.date)}"
            else:
                summary = f"{_display(Remission, 'kind', record.kind)} {record.days} {_('hari')}"
            entries.append(
                HistoryEntry(
                    when=record.history_date,
                    who=_who(record),
                    subject=subject,
                    action=str(_ACTIONS[record.history_type]),
                    summary=summary,
                )
            )
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:HISTORY_LIMIT]


def allowed_movement_kinds(person: Person) -> list[tuple[str, str]]:
    """The movements that may follow the person's current status (never the opening ones)."""
    return [
        (kind.value, str(kind.label))
        for kind in MovementKind
        if not MOVEMENT_RULES[kind].opens_record and person.status in MOVEMENT_RULES[kind].allowed_from
    ]


def person_file(*, user: AnyUser, upt: Upt, pk: int | str) -> PersonFile:
    """Everything the person's page shows, in a fixed number of queries."""
    person = get_scoped_or_404(Person.objects.filter(upt=upt).select_related("upt"), user, Action.OPERATE, pk=pk)
    movements = list(person.movements.select_related("other_upt", "recorded_by").order_by("date", "recorded_at", "pk"))
    remissions = list(person.remissions.select_related("recorded_by").order_by("decree_date", "pk"))
    today = today_wib()
    window = window_of(person, detention_limits())
    dates = None
    if person.register in TERM_REGISTERS and person.detention_start and not sentence_term(person).is_zero:
        dates = sentence_dates(
            detention_start=person.detention_start,
            sentence=sentence_term(person),
            subsidiary=subsidiary_term(person),
            fine_paid=person.fine_paid,
            remission_days=person.remission_days,
        )
    if window is not None:
        days_left = window.days_remaining(today)
    elif dates is not None:
        days_left = (dates.expiry - today).days
    else:
        days_left = None
    return PersonFile(
        person=person,
        movements=movements,
        remissions=remissions,
        history=_history(person),
        today=today,
        window=window,
        days_left=days_left,
        dates=dates,
        allowed_kinds=allowed_movement_kinds(person),
        can_remit=person.register in TERM_REGISTERS and person.status in HELD_STATUSES,
        is_held=person.status in HELD_STATUSES,
        verdict_missing=person.register in SENTENCED_REGISTERS and not person.verdict_number,
        previous_reg_numbers=_previous_reg_numbers(person),
        **_conflicts(user, upt, person.reg_number),
    )


def _conflicts(user: AnyUser, upt: Upt, reg_number: str) -> dict[str, Any]:
    """Central's open conflicts on this person: read from central's tables when hosted, from the feedback
    central last sent over the API at a UPT node (``upt.node.feedback``)."""
    if is_node():
        conflicts, state = node_person_conflicts(upt.code, reg_number)
        return {"conflicts": conflicts, "feedback_state": state}
    return {"conflicts": upt_conflicts(user=user, upt=upt, reg_number=reg_number)}
