"""``python manage.py register_refresh [--upt CODE …]``: recompute the register's derived fields."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from central.models import Upt
from upt.models import Person
from upt.services.derived import people_derived_refresh


class Command(BaseCommand):
    help = (
        "Recompute status, register, remission days and expiry date of people from their movements, "
        "remissions and the sentence-date module — after a bulk import or a change of the sentence conventions."
    )

    def add_arguments(self, parser):
        parser.add_argument("--upt", action="append", default=[], help="UPT code (repeatable); default: every UPT.")

    def handle(self, *args, upt, **options):
        people = Person.objects.all()
        if upt:
            found = set(Upt.objects.filter(code__in=upt).values_list("code", flat=True))
            missing = sorted(set(upt) - found)
            if missing:
                raise CommandError(f"UPT tidak dikenal: {', '.join(missing)}")
            people = people.filter(upt__code__in=upt)
        with transaction.atomic():
            changed = people_derived_refresh(people=people)
        self.stdout.write(self.style.SUCCESS(f"{changed} data WBP diperbarui dari {people.count()} data."))
