"""``python manage.py seed_demo``: the demo's regions, units, one user per role and unit, their registers, the
first packages and — into a demo no consolidation has touched yet — 30 days of report history. Idempotent."""

import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from central.models import Kanwil, Upt
from central.role_groups import roles_sync
from central.roles import Role
from central.services.roles import role_assign
from devtools.demo_data import DEMO_UPTS, DEMO_USERS
from devtools.demo_packages import demo_packages_send
from devtools.demo_register import demo_registers_seed
from devtools.demo_reports import DEFAULT_DAYS, demo_history_blocked, demo_report_history


class Command(BaseCommand):
    help = "Create the demo's UPTs and users (one per role and unit), printing their logins. Safe to rerun."

    def add_arguments(self, parser):
        parser.add_argument("--password", help="Password for every demo user (default: a new random one).")
        parser.add_argument(
            "--report-history",
            type=int,
            default=None,
            metavar="DAYS",
            help=f"Days of synthetic report history, ending yesterday, for the demo UPTs that sent their register "
            f"(default {DEFAULT_DAYS}; 0 for none). Written once, before the first consolidation only.",
        )

    @transaction.atomic
    def handle(self, *args, password=None, report_history=None, **options):
        password = password or secrets.token_urlsafe(9)
        roles_sync()
        kanwils = {k.code: k for k in Kanwil.objects.all()}
        for code, name, upt_type, upt_class, kanwil_code, city, capacity in DEMO_UPTS:
            Upt.objects.update_or_create(
                code=code,
                defaults={
                    "name": name,
                    "upt_type": upt_type,
                    "upt_class": upt_class,
                    "kanwil": kanwils[kanwil_code],
                    "city": city,
                    "capacity": capacity,
                    "is_active": True,
                },
            )

        User = get_user_model()
        rows = []
        admin, _created = User.objects.get_or_create(username="admin", defaults={"first_name": "Admin"})
        admin.is_superuser = admin.is_staff = True
        admin.set_password(password)
        admin.save()
        rows.append(("admin", "Admin", "—"))

        for username, first, last, role, unit_code in DEMO_USERS:
            user, _created = User.objects.get_or_create(
                username=username, defaults={"first_name": first, "last_name": last}
            )
            user.set_password(password)
            user.save()
            role = Role(role)
            if role is Role.OPERATOR:
                unit = Upt.objects.get(code=unit_code)
                role_assign(user=user, role=role, upt=unit)
            elif role is Role.KANWIL:
                unit = kanwils[unit_code]
                role_assign(user=user, role=role, kanwil=unit)
            else:
                unit = None
                role_assign(user=user, role=role)
            rows.append((username, str(role.label), str(unit) if unit else "Ditjenpas"))

        # Each demo operator's UPT gets a working register, entered through the register services.
        operators = [
            (Upt.objects.select_related("kanwil").get(code=unit_code), User.objects.get(username=username))
            for username, _first, _last, role, unit_code in DEMO_USERS
            if role == Role.OPERATOR
        ]
        opened = demo_registers_seed(operators)
        # The first demo operator sends their own first package; the other UPTs already have.
        sent = demo_packages_send(operators, leave_unsent=operators[0][0].code if operators else None)

        days = DEFAULT_DAYS if report_history is None else report_history
        blocked = demo_history_blocked() if report_history else ""
        history = demo_report_history(list(Upt.objects.filter(code__in=[u[0] for u in DEMO_UPTS])), days=days)

        self.stdout.write(self.style.SUCCESS(f"Demo siap: {Kanwil.objects.count()} Kanwil, {Upt.objects.count()} UPT."))
        if history:
            self.stdout.write(
                f"  riwayat laporan sintetis: {history.days} hari sampai kemarin, {history.upts} UPT, "
                f"{history.submissions} kiriman"
            )
        elif blocked:
            self.stdout.write(f"  riwayat laporan sintetis tidak ditulis: {blocked}")
        if any(opened.values()):
            self.stdout.write(f"  register WBP demo: {', '.join(f'{code} {n}' for code, n in opened.items())}")
        if sent:
            self.stdout.write(f"  kiriman pertama ke pusat: {', '.join(sent)}")
        width = max(len(r[0]) for r in rows)
        for username, role_label, unit in rows:
            self.stdout.write(f"  {username.ljust(width)}  {role_label:<20} {unit}")
        self.stdout.write(f"  kata sandi semua akun demo / password for every demo user: {password}")
