"""factory_boy factories shared by the tests (DESIGN §6: factories instead of JSON fixtures)."""

import itertools

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from central.models import Kanwil, Upt, UptType


class KanwilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Kanwil
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"9{n:03d}")
    province = factory.Sequence(lambda n: f"Provinsi Uji {n}")
    name = factory.LazyAttribute(lambda o: f"Kanwil Ditjenpas {o.province}")


class UptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Upt
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"LPT{n:03d}")
    name = factory.Sequence(lambda n: f"Lapas Kelas IIA Uji {n}")
    upt_type = UptType.LAPAS
    upt_class = "IIA"
    kanwil = factory.LazyFunction(lambda: Kanwil.objects.get(code="33"))
    city = "Cilacap"
    capacity = 300


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="id_ID")
    last_name = factory.Faker("last_name", locale="id_ID")
    password = factory.PostGenerationMethodCall("set_password", "sandi-uji-123")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class PersonFactory(factory.django.DjangoModelFactory):
    """A detainee (A.III) admitted recently. Pass register/sentence fields for a sentenced person.

    Factories write rows directly; tests of behaviour go through ``upt.services`` instead.
    """

    class Meta:
        model = "upt.Person"

    upt = factory.SubFactory(UptFactory)
    reg_number = factory.Sequence(lambda n: f"AIII/{n:05d}/2026")
    nik = factory.Sequence(lambda n: f"3301{(n % 28) + 1:02d}{(n % 12) + 1:02d}90{n:06d}"[:16])
    full_name = factory.Faker("name", locale="id_ID")
    sex = "L"
    birth_place = factory.Faker("city", locale="id_ID")
    birth_date = factory.Faker("date_between", start_date="-60y", end_date="-19y")
    religion = "ISLAM"
    register = "A.III"
    crime_category = "PIDANA_UMUM"
    detention_start = factory.Faker("date_between", start_date="-40d", end_date="-20d")
    register_since = factory.LazyAttribute(lambda o: o.detention_start)
    admission_date = factory.LazyAttribute(lambda o: o.detention_start)
    status = "IN"


class MovementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "upt.Movement"

    person = factory.SubFactory(PersonFactory)
    upt = factory.LazyAttribute(lambda o: o.person.upt)
    kind = "ADMISSION"
    date = factory.LazyAttribute(lambda o: o.person.admission_date)
    document_number = factory.Sequence(lambda n: f"SP/{n:04d}/2026")
    recorded_by = factory.SubFactory(UserFactory)


class RemissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "upt.Remission"

    person = factory.SubFactory(PersonFactory, register="B.I", sentence_years=3)
    upt = factory.LazyAttribute(lambda o: o.person.upt)
    kind = "RU"
    days = 30
    decree_number = factory.Sequence(lambda n: f"PAS-{n}.PK.01.01.02")
    decree_date = factory.Faker("date_between", start_date="-300d", end_date="-1d")
    recorded_by = factory.SubFactory(UserFactory)


class SubmissionFactory(factory.django.DjangoModelFactory):
    """A received package with no rows; add staged rows with the factories below.

    Behaviour tests receive packages through ``central.services`` instead.
    """

    class Meta:
        model = "central.Submission"

    package_id = factory.Faker("uuid4", cast_to=None)
    upt = factory.SubFactory(UptFactory)
    kind = "full"
    format_version = 1
    channel = "web"
    generated_at = factory.LazyFunction(timezone.now)
    received_at = factory.LazyAttribute(lambda o: o.generated_at)
    report_date = factory.LazyAttribute(lambda o: timezone.localdate(o.received_at))
    sent_by = factory.SubFactory(UserFactory)
    content_hash = factory.Faker("sha256")
    state_checksum = factory.Faker("sha256")
    on_time_occupancy = True
    on_time_other = True


class StagedPersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "central.StagedPerson"

    submission = factory.SubFactory(SubmissionFactory)
    row_no = factory.Sequence(lambda n: n)
    content_hash = factory.Faker("sha256")
    reg_number = factory.Sequence(lambda n: f"BI/{n:05d}/2025")
    nik = factory.Sequence(lambda n: f"3301{(n % 28) + 1:02d}{(n % 12) + 1:02d}85{n:06d}"[:16])
    full_name = factory.Faker("name", locale="id_ID")
    sex = "L"
    birth_place = "Cilacap"
    birth_date = factory.Faker("date_between", start_date="-60y", end_date="-19y")
    register = "B.I"
    crime_category = "NARKOTIKA_PENGGUNA"
    sentence_years = 4
    detention_start = factory.Faker("date_between", start_date="-2y", end_date="-1y")
    register_since = factory.LazyAttribute(lambda o: o.detention_start)
    admission_date = factory.LazyAttribute(lambda o: o.detention_start)
    status = "IN"


class StagedMovementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "central.StagedMovement"

    submission = factory.SubFactory(SubmissionFactory)
    row_no = factory.Sequence(lambda n: n)
    content_hash = factory.Faker("sha256")
    uid = factory.Faker("uuid4", cast_to=None)
    person_reg_number = factory.Sequence(lambda n: f"BI/{n:05d}/2025")
    kind = "ADMISSION"
    date = factory.Faker("date_between", start_date="-1y", end_date="-1d")


class StagedRemissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "central.StagedRemission"

    submission = factory.SubFactory(SubmissionFactory)
    row_no = factory.Sequence(lambda n: n)
    content_hash = factory.Faker("sha256")
    uid = factory.Faker("uuid4", cast_to=None)
    person_reg_number = factory.Sequence(lambda n: f"BI/{n:05d}/2025")
    kind = "RU"
    days = 30
    decree_number = factory.Sequence(lambda n: f"PAS-{n}.PK.01.05.06")
    decree_date = factory.Faker("date_between", start_date="-1y", end_date="-1d")


class ConsolidationRunFactory(factory.django.DjangoModelFactory):
    """A finished run (so it never blocks the one-active-run constraint)."""

    class Meta:
        model = "central.ConsolidationRun"

    trigger = "schedule"
    state = "succeeded"
    progress = 100


class OccupancySnapshotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "central.OccupancySnapshot"

    date = factory.LazyFunction(timezone.localdate)
    upt = factory.SubFactory(UptFactory)
    capacity = factory.LazyAttribute(lambda o: o.upt.capacity)
    detainees = 100
    sentenced = 300
    male = 380
    female = 20


_devices = itertools.count(1)


def api_token(user, name: str = "") -> str:
    """A new API token's secret for ``user`` (each call a device of its own unless ``name`` is given)."""
    from central.services.tokens import token_issue

    return token_issue(user=user, name=name or f"Perangkat uji {next(_devices)}")[1]
