"""The admin of a UPT node: only what a node serves, chosen here and nowhere else.

A node holds no inbox, consolidation, conflicts or daily checks (those tables stay empty there), and its
reference data (Kanwil, UPT, detention limits, rules) is central's, copied by ``reference_sync``: an edit at
the node would be overwritten or diverge. So the node's admin offers its own users and their sign-in
lockouts, its periodic tasks (the daily send time), the UPT's register as operators use it at central, the
audit trail of what happened at the node, and the Kanwil and UPT lists read-only.

The node's URL configuration mounts ``node_admin_site()``; central's ``admin.site`` is never touched. Each
page reuses central's own ``ModelAdmin`` class (same roles, scoping and audit), bound to this site.
"""

from __future__ import annotations

from functools import cache

from django.apps import apps
from django.contrib import admin

from central.admin_base import ReadOnlyAdminMixin

#: What a node's admin serves (app_label.model). Every other model central's admin lists answers 404 here.
NODE_ADMIN_MODELS = (
    # The node's own people: accounts and roles (the role service), API tokens, sign-in lockouts.
    "auth.user",
    "central.apitoken",
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
    # The node's periodic tasks (the daily send time) and their schedules.
    "django_celery_beat.periodictask",
    "django_celery_beat.crontabschedule",
    "django_celery_beat.intervalschedule",
    "django_celery_beat.solarschedule",
    "django_celery_beat.clockedschedule",
    # The UPT's register, as its operators have it in central's admin.
    "upt.person",
    "upt.movement",
    "upt.remission",
    # What happened at this node.
    "central.auditevent",
)

#: Central's reference data, shown but never edited at a node (central is its source: reference_sync).
NODE_READ_ONLY_MODELS = ("central.kanwil", "central.upt")


class NodeAdminSite(admin.AdminSite):
    """Central's admin, narrowed to a node's models; named "admin" so every ``admin:`` URL name still works."""


def _read_only(admin_class: type[admin.ModelAdmin]) -> type[admin.ModelAdmin]:
    # No action either: central's (a full snapshot, a node credential) mean nothing at a node.
    return type(f"Node{admin_class.__name__}", (ReadOnlyAdminMixin, admin_class), {"actions": None})


@cache
def node_admin_site() -> NodeAdminSite:
    """Built once, from central's registrations after autodiscovery (so each page is central's own class)."""
    site = NodeAdminSite(name="admin")
    for attribute in ("site_header", "site_title", "index_title", "site_url", "empty_value_display"):
        setattr(site, attribute, getattr(admin.site, attribute))
    for label in (*NODE_ADMIN_MODELS, *NODE_READ_ONLY_MODELS):
        model = apps.get_model(label)
        admin_class = type(admin.site.get_model_admin(model))
        site.register(model, _read_only(admin_class) if label in NODE_READ_ONLY_MODELS else admin_class)
    return site
