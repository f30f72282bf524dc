"""The demo register: realistic, entered through the services, filling every work list, and idempotent."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count

from central.models import Upt
from central.reference import NARCOTICS_CATEGORIES, MovementKind
from devtools.demo_data import DEMO_USERS
from upt.models import Movement, Person, Remission
from upt.selectors.worklists import upt_home
from upt.services.derived import person_expiry, register_after, status_after

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def operators():
    return [(username, code) for username, _f, _l, role, code in DEMO_USERS if role == "operator"]


def test_demo_register(operators, django_user_model):
    """One seeding (it takes a while) checked three ways: work lists, consistency, idempotency."""
    out = StringIO()
    call_command("seed_demo", "--password", "demo-sdp-2026", stdout=out)
    assert "register WBP demo" in out.getvalue()
    _check_work_lists(operators, django_user_model)
    _check_consistent_with_history(operators)
    _check_idempotent()


def _check_work_lists(operators, django_user_model):
    for username, code in operators:
        upt = Upt.objects.get(code=code)
        people = Person.objects.filter(upt=upt)
        assert 40 <= people.count() <= 80, code
        narcotics = people.filter(crime_category__in=NARCOTICS_CATEGORIES).count()
        assert 0.35 <= narcotics / people.count() <= 0.65, code
        registers = set(people.values_list("register", flat=True))
        assert {"A.I", "A.II", "A.III", "B.I", "SH", "PM"} <= registers, code
        home = upt_home(user=django_user_model.objects.get(username=username), upt=upt)
        assert home.detention_counts[3] >= 2 and home.detention_counts[10] >= home.detention_counts[3] + 3, code
        assert home.release_counts[1] >= 1 and home.release_counts[3] >= 4, code
        assert home.missing_verdict_count >= 3, code
        assert home.detention_overdue == 0 and home.releases_overdue == 0, code
        assert Remission.objects.filter(upt=upt).exists(), code
    kinds = set(Movement.objects.values_list("kind", flat=True))
    assert set(MovementKind.values) <= kinds
    transfer = Movement.objects.filter(kind="TRANSFER_OUT").select_related("person").first()
    arrived = Person.objects.get(upt=transfer.other_upt, nik=transfer.person.nik, status="IN")
    assert arrived.movements.get(kind="TRANSFER_IN").other_upt == transfer.upt
    assert arrived.remission_days == transfer.person.remission_days


def _check_consistent_with_history(operators):
    people = Person.objects.prefetch_related("movements", "remissions").filter(upt__code__in=[c for _u, c in operators])
    for person in people:
        movements = sorted(person.movements.all(), key=lambda m: (m.date, m.recorded_at, m.pk))
        assert person.status == status_after(movements), person
        assert person.register == register_after(movements), person
        assert person.remission_days == sum(r.days for r in person.remissions.all()), person
        assert person.expiry_date == person_expiry(person), person
        assert person.history.exists() and person.history.earliest("history_date").history_user is not None


def _check_idempotent():
    counts = (Person.objects.count(), Movement.objects.count(), Remission.objects.count())
    by_upt = dict(Person.objects.values_list("upt__code").annotate(n=Count("pk")))
    out = StringIO()
    call_command("seed_demo", "--password", "demo-sdp-2026", stdout=out)
    assert (Person.objects.count(), Movement.objects.count(), Remission.objects.count()) == counts
    assert dict(Person.objects.values_list("upt__code").annotate(n=Count("pk"))) == by_upt
    assert "register WBP demo" not in out.getvalue()
