"""factory_boy factories shared by the tests (DESIGN §6: factories instead of JSON fixtures)."""

import factory
from django.contrib.auth import get_user_model

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
