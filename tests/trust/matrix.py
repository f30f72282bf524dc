"""The permission matrix: one table saying, for every URL of SDP, what each role gets (DESIGN §4).

``test_permission_matrix`` walks the URL configuration and the admin registry and fails for any URL or
admin model this table does not name, so a new page cannot be added without saying who may use it.

Roles are looked at from UPT A (Lapas Karanganyar, region X = Kanwil Jawa Tengah): ``operator_a`` works
there, ``operator_b`` works at another UPT of the same region, ``monitor_x`` monitors the region,
``monitor_y`` another region, ``central`` and ``admin`` see the whole country. Objects in the table belong
to UPT A (or region X), so ``operator_b`` and ``monitor_y`` always look at another unit's object.

Outcomes:
- ``OK``: the request reached the view and was handled (2xx, a redirect that is not to a login page, or a
  400/409/422 answer to the empty body the matrix sends);
- ``HIDDEN``: 404 — another unit's object, its existence not revealed;
- ``FORBIDDEN``: 403 — visible, but not for this role;
- ``DENIED``: 403 or 404 (Django's admin checks permission and existence in an order that differs by view;
  both refuse and neither reveals anything);
- ``LOGIN``: sent to sign in (302 to a login page for pages; 401/403 for the API);
- ``NOT_ALLOWED``: 405 — the verb is not served (every report page refuses writes);
- ``ANON_DENIED``: what an anonymous visitor may get for a write: sent to sign in, 403, or 405;
- ``MOVED``: 301 to the page's new address (the route's ``moved_to``), the query string kept — only for a
  role that may open the new page; the others are refused at the old address as before.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse

ROLES = ("anonymous", "operator_a", "operator_b", "monitor_x", "monitor_y", "central", "admin")
AUTHENTICATED = ROLES[1:]
VERBS = ("GET", "POST", "PUT", "PATCH", "DELETE")
SAFE = ("GET",)
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")

OK, HIDDEN, FORBIDDEN, DENIED, LOGIN, NOT_ALLOWED, ANON_DENIED, MOVED = (
    "OK",
    "HIDDEN",
    "FORBIDDEN",
    "DENIED",
    "LOGIN",
    "NOT_ALLOWED",
    "ANON_DENIED",
    "MOVED",
)

# How each role stands towards UPT A.
RELATION = {
    "operator_a": "own",
    "operator_b": "other",
    "monitor_x": "region",
    "monitor_y": "other",
    "central": "national",
    "admin": "national",
}

Policy = dict[str, str]  # role -> outcome


def _policy(anonymous: str, **outcomes: str) -> Policy:
    policy = {"anonymous": anonymous, **outcomes}
    missing = set(ROLES) - set(policy)
    assert not missing, f"policy lacks {missing}"
    return policy


# --- Policies for pages (GET) ---------------------------------------------------------------------
PUBLIC = _policy(OK, **dict.fromkeys(AUTHENTICATED, OK))
SIGNED_IN = _policy(LOGIN, **dict.fromkeys(AUTHENTICATED, OK))
# A UPT's own work: its operators and the admin; a monitor or central sees it exists (403), others 404.
OPERATE_A = _policy(
    LOGIN,
    operator_a=OK,
    operator_b=HIDDEN,
    monitor_x=FORBIDDEN,
    monitor_y=HIDDEN,
    central=FORBIDDEN,
    admin=OK,
)
# Sending a UPT's package: its operators only — not even the admin.
SUBMIT_A = {**OPERATE_A, "admin": FORBIDDEN}
# Reading a UPT's figures: its operators, its region's monitors, central and the admin.
VIEW_A = _policy(LOGIN, operator_a=OK, operator_b=HIDDEN, monitor_x=OK, monitor_y=HIDDEN, central=OK, admin=OK)
# A region's pages: its monitors, central and the admin; operators have no region pages.
REGION_X = _policy(
    LOGIN, operator_a=FORBIDDEN, operator_b=FORBIDDEN, monitor_x=OK, monitor_y=HIDDEN, central=OK, admin=OK
)
# Pages of the region a monitor is assigned to (no object in the URL): each monitor their own.
MONITORS = _policy(LOGIN, operator_a=FORBIDDEN, operator_b=FORBIDDEN, monitor_x=OK, monitor_y=OK, central=OK, admin=OK)
CENTRAL_ONLY = _policy(
    LOGIN,
    operator_a=FORBIDDEN,
    operator_b=FORBIDDEN,
    monitor_x=FORBIDDEN,
    monitor_y=FORBIDDEN,
    central=OK,
    admin=OK,
)
OPERATORS = _policy(
    LOGIN, operator_a=OK, operator_b=OK, monitor_x=FORBIDDEN, monitor_y=FORBIDDEN, central=FORBIDDEN, admin=OK
)
# An old address of a central page that moved into the report area: central and the admin are sent on.
MOVED_CENTRAL = {**CENTRAL_ONLY, "central": MOVED, "admin": MOVED}
# Lists that every role reads, each scoped to what it may see.
SCOPED_LIST = SIGNED_IN


def _writes(policy: Policy) -> Policy:
    """A write verb of a page whose readers are ``policy``: an anonymous visitor of a signed-in page may be
    sent to sign in, refused or answered 405, depending on which check the view runs first."""
    return {
        role: (ANON_DENIED if role == "anonymous" and outcome == LOGIN else outcome) for role, outcome in policy.items()
    }


def _refused(policy: Policy) -> Policy:
    """A verb the view does not serve: 405 (an anonymous visitor of a signed-in page: refused either way)."""
    return {
        role: (ANON_DENIED if role == "anonymous" and policy["anonymous"] == LOGIN else NOT_ALLOWED) for role in ROLES
    }


def read_only(policy: Policy) -> dict[str, Policy]:
    """GET as the policy says; every write verb is refused (405)."""
    return {"GET": policy, **dict.fromkeys(UNSAFE, _refused(policy))}


def get_and_post(get: Policy, post: Policy | None = None) -> dict[str, Policy]:
    """A page with a form: GET and POST as given (POST defaults to GET's), other verbs 405."""
    refused = _refused(get)
    return {"GET": get, "POST": _writes(post or get), "PUT": refused, "PATCH": refused, "DELETE": refused}


def post_only(policy: Policy) -> dict[str, Policy]:
    """An action: POST as given; GET and other verbs 405."""
    refused = _refused(policy)
    return {"GET": refused, "POST": _writes(policy), "PUT": refused, "PATCH": refused, "DELETE": refused}


def admin_page(get: Policy, post: Policy | None = None) -> dict[str, Policy]:
    """An admin page: GET and POST only — Django's admin renders any other verb as a GET, with the same
    permission and scope checks, so they are no separate way in."""
    return {"GET": get, "POST": _writes(post or get)}


def admin_get_only(get: Policy) -> dict[str, Policy]:
    return {"GET": get, "POST": _refused(get)}


def api(get: Policy | None = None, post: Policy | None = None, *, public: bool = False) -> dict[str, Policy]:
    """A DRF endpoint: 401 for an anonymous caller unless ``public``; verbs it does not serve answer 405."""
    anonymous_refused = NOT_ALLOWED if public else LOGIN
    refuse = {role: (anonymous_refused if role == "anonymous" else NOT_ALLOWED) for role in ROLES}
    result = dict.fromkeys(VERBS, refuse)
    if get is not None:
        result["GET"] = get
    if post is not None:
        result["POST"] = post
    return result


# Signing out: a POST from anyone ends at the login page; nothing else is served.
LOGOUT = {
    "GET": dict.fromkeys(ROLES, NOT_ALLOWED),
    "POST": dict.fromkeys(ROLES, LOGIN),
    **dict.fromkeys(("PUT", "PATCH", "DELETE"), dict.fromkeys(ROLES, NOT_ALLOWED)),
}


@dataclass(frozen=True)
class Route:
    """One URL: how to fill its arguments from the matrix's objects, and what each role gets per verb."""

    access: dict[str, Policy]
    kwargs: Callable[[object], dict] = field(default=lambda objects: {})
    args: Callable[[object], tuple] = field(default=lambda objects: ())
    # The API and the admin answer an anonymous visitor in their own way (401, the admin's login page).
    api: bool = False
    # For a MOVED policy: the new address (without a query string).
    moved_to: Callable[[object], str] | None = None


ROUTES: dict[str, Route] = {
    "home": Route(
        {
            "GET": _policy(LOGIN, **dict.fromkeys(AUTHENTICATED, OK)),
            **{
                verb: {role: (ANON_DENIED if role == "anonymous" else OK) for role in ROLES}
                for verb in ("POST", "PUT", "PATCH", "DELETE")
            },
        }
    ),
    # Probes: anyone, signed in or not, gets the same answer (test_probes_answer_everyone_alike).
    "healthz": Route(read_only(PUBLIC)),
    "readyz": Route(read_only(PUBLIC)),
    # Browsers' icon request: a redirect to the static SVG, for anyone.
    "favicon": Route(read_only(PUBLIC)),
    # The login form (Django's also takes PUT as a POST); a signed-in visitor is sent home on any verb.
    "login": Route(
        {
            **dict.fromkeys(("GET", "POST", "PUT"), PUBLIC),
            **{key: {**PUBLIC, "anonymous": NOT_ALLOWED} for key in ("PATCH", "DELETE")},
        }
    ),
    "logout": Route(LOGOUT),
    # Everyone's own API tokens (Token API): each signed-in person sees and revokes only their own; revoking
    # operator_a's token answers everyone else 404, as a token that does not exist.
    "account:tokens": Route(read_only(SIGNED_IN)),
    "account:token_revoke": Route(
        post_only(_policy(LOGIN, **{role: (OK if role == "operator_a" else HIDDEN) for role in AUTHENTICATED})),
        kwargs=lambda o: {"public_id": o.api_token_a.public_id},
    ),
    "account:sign_out_everywhere": Route(post_only(SIGNED_IN)),
    # Changing one's own password (Django's form, the old password asked): every signed-in person.
    "password_change": Route(get_and_post(SIGNED_IN)),
    # Django's language switch sets the language on POST and only redirects on any other verb.
    "set_language": Route(dict.fromkeys(VERBS, PUBLIC)),
    "javascript-catalog": Route(read_only(PUBLIC)),
    "upt:choose": Route(read_only(OPERATORS)),
    "upt:home": Route(read_only(OPERATE_A), kwargs=lambda o: {"upt_code": o.upt_a.code}),
    # The UPT's register: its operators (and the admin) only.
    # (POST: the search form, whose text goes to the session rather than the URL.)
    "upt:person_list": Route(get_and_post(OPERATE_A), kwargs=lambda o: {"upt_code": o.upt_a.code}),
    "upt:person_create": Route(get_and_post(OPERATE_A), kwargs=lambda o: {"upt_code": o.upt_a.code}),
    "upt:person_by_reg": Route(
        read_only(OPERATE_A), kwargs=lambda o: {"upt_code": o.upt_a.code, "reg_number": o.person_a.reg_number}
    ),
    "upt:person_detail": Route(read_only(OPERATE_A), kwargs=lambda o: {"upt_code": o.upt_a.code, "pk": o.person_a.pk}),
    "upt:person_photo": Route(read_only(OPERATE_A), kwargs=lambda o: {"upt_code": o.upt_a.code, "pk": o.person_a.pk}),
    "upt:person_update": Route(
        get_and_post(OPERATE_A), kwargs=lambda o: {"upt_code": o.upt_a.code, "pk": o.person_a.pk}
    ),
    "upt:movement_create": Route(
        get_and_post(OPERATE_A), kwargs=lambda o: {"upt_code": o.upt_a.code, "pk": o.person_a.pk}
    ),
    "upt:remission_create": Route(
        get_and_post(OPERATE_A), kwargs=lambda o: {"upt_code": o.upt_a.code, "pk": o.person_a.pk}
    ),
    # Transfers to UPT A from another UPT, received by its operators (and the admin) with one confirmation.
    "upt:incoming_list": Route(read_only(OPERATE_A), kwargs=lambda o: {"upt_code": o.upt_a.code}),
    "upt:incoming_accept": Route(
        get_and_post(OPERATE_A), kwargs=lambda o: {"upt_code": o.upt_a.code, "uid": o.incoming_a.uid}
    ),
    # Sending the daily package: the UPT's own operators only.
    "upt:submission_send": Route(get_and_post(SUBMIT_A), kwargs=lambda o: {"upt_code": o.upt_a.code}),
    "upt:package_download": Route(read_only(SUBMIT_A), kwargs=lambda o: {"upt_code": o.upt_a.code}),
    "upt:package_upload": Route(get_and_post(SUBMIT_A), kwargs=lambda o: {"upt_code": o.upt_a.code}),
    # A UPT's submissions and correction list: seen as DESIGN §4 says (own UPT, own region, all).
    "upt:submission_list": Route(read_only(VIEW_A), kwargs=lambda o: {"upt_code": o.upt_a.code}),
    "upt:submission_detail": Route(
        read_only(VIEW_A), kwargs=lambda o: {"upt_code": o.upt_a.code, "package_id": o.submission_a.package_id}
    ),
    "upt:correction_list": Route(read_only(VIEW_A), kwargs=lambda o: {"upt_code": o.upt_a.code}),
    "kanwil:dashboard": Route(read_only(MONITORS)),
    # Reports, read only: the nation for central and the admin, a region for its monitors, a UPT for its
    # operators and its region; the index sends each role to its own report.
    "laporan:index": Route(read_only(SIGNED_IN)),
    # The one national dashboard (with central's consolidation panel) and the one run page.
    "laporan:national": Route(read_only(CENTRAL_ONLY)),
    "laporan:national_compliance": Route(read_only(CENTRAL_ONLY)),
    "laporan:national_activity": Route(read_only(CENTRAL_ONLY)),
    "laporan:national_run": Route(read_only(CENTRAL_ONLY), kwargs=lambda o: {"run_id": o.run.pk}),
    "laporan:national_occupancy": Route(read_only(CENTRAL_ONLY)),
    "laporan:national_scorecard": Route(read_only(CENTRAL_ONLY)),
    "laporan:region": Route(read_only(REGION_X), kwargs=lambda o: {"code": o.kanwil_x.code}),
    "laporan:region_compliance": Route(read_only(REGION_X), kwargs=lambda o: {"code": o.kanwil_x.code}),
    "laporan:region_activity": Route(read_only(REGION_X), kwargs=lambda o: {"code": o.kanwil_x.code}),
    "laporan:region_run": Route(read_only(REGION_X), kwargs=lambda o: {"code": o.kanwil_x.code, "run_id": o.run.pk}),
    "laporan:region_occupancy": Route(read_only(REGION_X), kwargs=lambda o: {"code": o.kanwil_x.code}),
    "laporan:region_scorecard": Route(read_only(REGION_X), kwargs=lambda o: {"code": o.kanwil_x.code}),
    "laporan:upt": Route(read_only(VIEW_A), kwargs=lambda o: {"code": o.upt_a.code}),
    "laporan:upt_run": Route(read_only(VIEW_A), kwargs=lambda o: {"code": o.upt_a.code, "run_id": o.run.pk}),
    # SDP Publik: occupancy figures for anyone, signed in or not (no personal data; docs/REPORTS.md).
    "publik:national": Route(read_only(PUBLIC)),
    "publik:region": Route(read_only(PUBLIC), kwargs=lambda o: {"kanwil_code": o.kanwil_x.code}),
    "publik:unit": Route(
        read_only(PUBLIC), kwargs=lambda o: {"kanwil_code": o.kanwil_x.code, "upt_code": o.upt_a.code}
    ),
    "reports_api:occupancy": Route(api(get=SCOPED_LIST), api=True),
    "reports_api:compliance": Route(api(get=SCOPED_LIST), api=True),
    "reports_api:daily_checks": Route(api(get=SCOPED_LIST), api=True),
    "reports_api:scorecard": Route(api(get=SCOPED_LIST), api=True),
    # Central's operations pages: Ditjenpas and the admin.
    # /pusat/ and /pusat/konsolidasi/<pk>/ moved to /laporan/nasional/…: a permanent redirect for central.
    "central:dashboard": Route(read_only(MOVED_CENTRAL), moved_to=lambda o: reverse("laporan:national")),
    "central:run_list": Route(read_only(CENTRAL_ONLY)),
    "central:run_detail": Route(
        read_only(MOVED_CENTRAL),
        kwargs=lambda o: {"pk": o.run.pk},
        moved_to=lambda o: reverse("laporan:national_run", kwargs={"run_id": o.run.pk}),
    ),
    "central:consolidation_start": Route(post_only(CENTRAL_ONLY)),
    "central:conflict_list": Route(read_only(CENTRAL_ONLY)),
    "central:conflict_detail": Route(get_and_post(CENTRAL_ONLY), kwargs=lambda o: {"pk": o.conflict_a.pk}),
    "central:submission_reopen": Route(post_only(CENTRAL_ONLY), kwargs=lambda o: {"pk": o.submission_a.pk}),
    # The API: token for anyone with a password; submissions listed in scope, sent by operators only.
    "api:token": Route(api(post=PUBLIC, public=True), api=True),
    "api:submission-list": Route(api(get=SCOPED_LIST, post=SIGNED_IN), api=True),
    "api:submission-detail": Route(
        api(get=VIEW_A), kwargs=lambda o: {"package_id": o.submission_a.package_id}, api=True
    ),
    # Runs: read by every role (per-UPT results scoped, national totals for central); started by central.
    "api:consolidation-list": Route(api(get=SCOPED_LIST, post=CENTRAL_ONLY), api=True),
    "api:consolidation-detail": Route(api(get=SCOPED_LIST), kwargs=lambda o: {"pk": o.run.pk}, api=True),
    # What a UPT node reads (tests/api/test_node_endpoints.py adds the node tokens and the role without a unit).
    "api:reference": Route(api(get=SIGNED_IN), api=True),
    "api:upt-feedback": Route(api(get=VIEW_A), kwargs=lambda o: {"code": o.upt_a.code}, api=True),
    "api-schema": Route(read_only(PUBLIC), api=True),
    "api-docs": Route(read_only(PUBLIC), api=True),
    "api-redoc": Route(read_only(PUBLIC), api=True),
    # The admin site's own pages (model pages come from ADMIN_MODELS below). Every role is staff.
    "admin:index": Route(admin_page(SIGNED_IN)),
    "admin:login": Route(admin_page(PUBLIC, PUBLIC)),
    # Signing out of the admin: a POST; an anonymous visitor is just sent to the admin's front door.
    "admin:logout": Route(
        {
            "GET": {**dict.fromkeys(ROLES, NOT_ALLOWED), "anonymous": OK},
            "POST": {**dict.fromkeys(ROLES, LOGIN), "anonymous": OK},
        }
    ),
    "admin:password_change": Route(admin_page(SIGNED_IN)),
    "admin:password_change_done": Route(admin_get_only(SIGNED_IN)),
    "admin:jsi18n": Route(admin_get_only(SIGNED_IN)),
    "admin:app_list": Route(admin_page(SIGNED_IN), kwargs=lambda o: {"app_label": "central"}),
    # Without its query parameters the autocomplete refuses everyone; with them it is scoped like the admin.
    "admin:autocomplete": Route(admin_get_only(_policy(LOGIN, **dict.fromkeys(AUTHENTICATED, FORBIDDEN)))),
    "admin:auth_user_password_change": Route(
        admin_page(
            _policy(
                LOGIN,
                **dict.fromkeys(("operator_a", "operator_b", "monitor_x", "monitor_y", "central"), FORBIDDEN),
                admin=OK,
            )
        ),
        kwargs=lambda o: {"id": o.operator_a.pk},
    ),
    # The admin's "Jalankan konsolidasi" button on the runs list: a POST, for central and the admin.
    "admin:central_consolidationrun_start": Route(
        {
            "GET": {**dict.fromkeys(ROLES, NOT_ALLOWED), "anonymous": LOGIN},
            "POST": {**CENTRAL_ONLY, "anonymous": LOGIN},
        }
    ),
    # One historical version of a register record (django-simple-history): read in scope, never reverted.
    **{
        f"admin:upt_{model}_simple_history": Route(
            {"GET": VIEW_A, "POST": {**dict.fromkeys(ROLES, DENIED), "anonymous": ANON_DENIED}},
            args=lambda o, model=model: (
                getattr(o, f"{model}_a").pk,
                getattr(o, f"{model}_a").history.latest().history_id,
            ),
        )
        for model in ("person", "movement", "remission")
    },
    # "View on site" for a UPT: UPTs have no public page, so nobody finds one.
    "admin:view_on_site": Route(
        admin_page(_policy(LOGIN, **dict.fromkeys(AUTHENTICATED, HIDDEN))),
        kwargs=lambda o: {"content_type_id": o.upt_content_type_id, "object_id": o.upt_a.pk},
    ),
}


@dataclass(frozen=True)
class AdminModel:
    """Who holds which model permission in the admin; rows are scoped to the role's units on top."""

    view: frozenset[str]
    change: frozenset[str] = frozenset({"admin"})
    add: frozenset[str] = frozenset({"admin"})
    delete: frozenset[str] = frozenset({"admin"})
    # How to find the object of UPT A (or region X) the change pages are tried on; None: no change pages.
    obj: Callable[[object], object] | None = None
    # Objects that belong to no unit (national rows) are seen by every viewer alike.
    national: bool = False
    # Objects scoped by region (Kanwil): monitor_x's own, operators see no region.
    region: bool = False


def _daily_check_settings():
    from central.models import DailyCheckSettings  # lazy: the matrix module is read before the app registry

    return DailyCheckSettings.load()


ADMIN_ONLY = AdminModel(view=frozenset({"admin"}))
EVERY_ROLE = frozenset(AUTHENTICATED)
CENTRAL_AND_ADMIN = frozenset({"central", "admin"})

ADMIN_MODELS: dict[str, AdminModel] = {
    # Users, groups, tokens, schedules and login attempts are the admin's alone.
    "auth.user": ADMIN_ONLY,
    "auth.group": ADMIN_ONLY,
    # Every person's API tokens: listed and revoked (deleted) by the admin; none is made or edited there.
    "central.apitoken": AdminModel(
        view=frozenset({"admin"}), change=frozenset(), add=frozenset(), obj=lambda o: o.api_token_a, national=True
    ),
    "django_celery_beat.periodictask": ADMIN_ONLY,
    "django_celery_beat.clockedschedule": ADMIN_ONLY,
    "django_celery_beat.crontabschedule": ADMIN_ONLY,
    "django_celery_beat.solarschedule": ADMIN_ONLY,
    "django_celery_beat.intervalschedule": ADMIN_ONLY,
    # django-axes's records are written by logins only: the admin reads them and deletes one to unlock.
    "axes.accessattempt": AdminModel(view=frozenset({"admin"}), add=frozenset()),
    "axes.accesslog": AdminModel(view=frozenset({"admin"}), add=frozenset()),
    "axes.accessfailurelog": AdminModel(view=frozenset({"admin"}), add=frozenset()),
    # The registry: everyone reads what their scope holds; only the admin changes it.
    "central.kanwil": AdminModel(view=EVERY_ROLE, obj=lambda o: o.kanwil_x, region=True),
    "central.upt": AdminModel(view=EVERY_ROLE, obj=lambda o: o.upt_a),
    # Written by services only: read-only for everyone, the admin included.
    "central.submission": AdminModel(
        view=EVERY_ROLE, change=frozenset(), add=frozenset(), delete=frozenset(), obj=lambda o: o.submission_a
    ),
    "central.uptsyncstate": AdminModel(
        view=EVERY_ROLE, change=frozenset(), add=frozenset(), delete=frozenset(), obj=lambda o: o.sync_a
    ),
    # The register in the admin: operators write their UPT's records (through the services); Kanwil and
    # central read in scope; only the admin deletes.
    "upt.person": AdminModel(
        view=EVERY_ROLE,
        change=frozenset({"operator_a", "operator_b", "admin"}),
        add=frozenset({"operator_a", "operator_b", "admin"}),
        obj=lambda o: o.person_a,
    ),
    "upt.movement": AdminModel(
        view=EVERY_ROLE,
        change=frozenset({"operator_a", "operator_b", "admin"}),
        add=frozenset({"operator_a", "operator_b", "admin"}),
        obj=lambda o: o.movement_a,
    ),
    "upt.remission": AdminModel(
        view=EVERY_ROLE,
        change=frozenset({"operator_a", "operator_b", "admin"}),
        add=frozenset({"operator_a", "operator_b", "admin"}),
        obj=lambda o: o.remission_a,
    ),
    # Consolidation's tables, written by runs only: read-only for everyone; runs and rules are national.
    "central.consolidationrun": AdminModel(
        view=CENTRAL_AND_ADMIN,
        change=frozenset(),
        add=frozenset(),
        delete=frozenset(),
        obj=lambda o: o.run,
        national=True,
    ),
    "central.validationrule": AdminModel(
        view=CENTRAL_AND_ADMIN,
        change=frozenset(),
        add=frozenset(),
        delete=frozenset(),
        obj=lambda o: o.rule,
        national=True,
    ),
    "central.rowissue": AdminModel(
        view=EVERY_ROLE, change=frozenset(), add=frozenset(), delete=frozenset(), obj=lambda o: o.issue_a
    ),
    "central.runuptresult": AdminModel(
        view=frozenset({"monitor_x", "monitor_y", "central", "admin"}),
        change=frozenset(),
        add=frozenset(),
        delete=frozenset(),
        obj=lambda o: o.result_a,
    ),
    "central.conflict": AdminModel(
        view=frozenset({"monitor_x", "monitor_y", "central", "admin"}),
        change=frozenset(),
        add=frozenset(),
        delete=frozenset(),
        obj=lambda o: o.conflict_a,
    ),
    # The daily checks' thresholds (one national row): central and the admin change them; no one adds or
    # deletes the row.
    "central.dailychecksettings": AdminModel(
        view=CENTRAL_AND_ADMIN,
        change=CENTRAL_AND_ADMIN,
        add=frozenset(),
        delete=frozenset(),
        obj=lambda o: _daily_check_settings(),
        national=True,
    ),
    "central.auditevent": AdminModel(
        view=CENTRAL_AND_ADMIN,
        change=frozenset(),
        add=frozenset(),
        delete=frozenset(),
        obj=lambda o: o.audit_event,
        national=True,
    ),
}
