"""Every URL × every role × every verb, against the one table in ``tests/trust/matrix.py``.

A URL or admin model missing from the table fails ``test_every_url_is_in_the_matrix``: add it there with
the policy DESIGN §4 gives it (the module's docstring explains the outcomes).
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from central.models import (
    AuditAction,
    AuditEvent,
    Conflict,
    ConflictKind,
    NationalMovement,
    PersonIdentity,
    RowIssue,
    RunTrigger,
    RunUptResult,
    Upt,
    UptSyncState,
    ValidationRule,
)
from central.reference import MovementKind
from central.services.tokens import token_issue
from tests.factories import (
    ConsolidationRunFactory,
    MovementFactory,
    PersonFactory,
    RemissionFactory,
    SubmissionFactory,
)
from tests.trust import matrix
from tests.trust.matrix import (
    ADMIN_MODELS,
    ANON_DENIED,
    DENIED,
    FORBIDDEN,
    HIDDEN,
    LOGIN,
    MOVED,
    NOT_ALLOWED,
    OK,
    RELATION,
    ROLES,
    ROUTES,
)

pytestmark = pytest.mark.django_db
# A 1×1 transparent PNG: the matrix person's photo.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6300010000050001 0d0a2db40000000049454e44ae426082".replace(" ", "")
)
ADMIN_SUFFIXES = ("changelist", "add", "change", "delete", "history")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Every request the matrix made: (route or admin model, page, verb, role, how the role stands to the object).
CHECKS: list[tuple[str, str, str, str, str]] = []
OWNERSHIP = {
    "own": "own unit's object",
    "other": "another unit's object",
    "region": "object in own region",
    "national": "object in national scope",
}


@pytest.fixture(scope="module", autouse=True)
def _summary():
    """After the module: how many URL × role × verb × object-ownership checks were made, as JSON in
    ``test-artifacts/permission-matrix.json`` and printed (``-s``)."""
    yield
    if not CHECKS:
        return
    summary = matrix_summary()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "permission-matrix.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(f"\npermission matrix: {json.dumps(summary)}")


LOGIN_PATHS = ("/akun/masuk/", "/admin/login/")


def _url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or namespace
                if pattern.namespace and namespace:
                    inner = f"{namespace}:{pattern.namespace}"
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns)
    return names


def _admin_model_names() -> dict[str, str]:
    """URL name of every admin model page -> the model's label."""
    names = {}
    for model in admin.site._registry:
        for suffix in ADMIN_SUFFIXES:
            names[f"admin:{model._meta.app_label}_{model._meta.model_name}_{suffix}"] = model._meta.label_lower
    return names


def test_every_url_is_in_the_matrix():
    model_pages = _admin_model_names()
    missing_routes = sorted(name for name in _url_names() if name not in ROUTES and name not in model_pages)
    missing_models = sorted(set(model_pages.values()) - set(ADMIN_MODELS))
    assert not missing_routes, f"URLs with no policy in tests/trust/matrix.py ROUTES: {missing_routes}"
    assert not missing_models, f"Admin models with no policy in tests/trust/matrix.py ADMIN_MODELS: {missing_models}"
    stale = sorted(set(ROUTES) - _url_names())
    assert not stale, f"ROUTES names URLs that no longer exist: {stale}"


@pytest.fixture
def objects(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    """One object of each kind, belonging to UPT A (or region X), for the URLs that take one."""
    sync_a, _ = UptSyncState.objects.get_or_create(upt=world.upt_a)
    person_a = PersonFactory(upt=world.upt_a, photo=SimpleUploadedFile("x.png", PNG, content_type="image/png"))
    submission_a = SubmissionFactory(upt=world.upt_a, sent_by=world.operator_a)
    run = ConsolidationRunFactory(trigger=RunTrigger.BUTTON, triggered_by=world.central)
    rule = ValidationRule.objects.filter(record_type="person").first()
    identity = PersonIdentity.objects.create(full_name=person_a.full_name)
    return SimpleNamespace(
        submission_a=submission_a,
        run=run,
        rule=rule,
        issue_a=RowIssue.objects.create(
            run=run,
            submission=submission_a,
            record_type="person",
            staged_row_id=0,
            record_key=person_a.reg_number,
            rule=rule,
            severity=rule.severity,
        ),
        result_a=RunUptResult.objects.create(run=run, upt=world.upt_a),
        conflict_a=Conflict.objects.create(
            kind=ConflictKind.ACTIVE_IN_TWO_UPTS, identity=identity, upt=world.upt_a, detected_run=run
        ),
        person_a=person_a,
        # A transfer out of UPT B addressed to UPT A, as central's register holds it.
        incoming_a=NationalMovement.objects.create(
            upt=world.upt_b,
            uid=uuid.uuid4(),
            person_reg_number="B/9",
            kind=MovementKind.TRANSFER_OUT,
            date=timezone.localdate(),
            other_upt=world.upt_a,
            content_hash="matriks",
            last_run=run,
            received_on=timezone.localdate(),
        ),
        movement_a=MovementFactory(person=person_a, recorded_by=world.operator_a),
        remission_a=RemissionFactory(person=person_a, recorded_by=world.operator_a),
        **vars(world),
        sync_a=sync_a,
        audit_event=AuditEvent.objects.create(action=AuditAction.LOGIN, actor=world.operator_a),
        upt_content_type_id=ContentType.objects.get_for_model(Upt).pk,
        api_token_a=token_issue(user=world.operator_a, name="Matriks")[0],
    )


def _clients(objects) -> dict[str, Client]:
    clients = {"anonymous": Client()}
    for role in ROLES[1:]:
        client = Client()
        client.force_login(getattr(objects, role))
        clients[role] = client
    return clients


def _outcome(response, *, api: bool) -> str:
    status = response.status_code
    if status == 302 and response["Location"].split("?")[0].endswith(LOGIN_PATHS):
        return LOGIN
    if api and status == 401:
        return LOGIN
    if status == 403:
        return FORBIDDEN
    if status == 404:
        return HIDDEN
    if status == 405:
        return NOT_ALLOWED
    if status in (200, 201, 202, 204, 301, 302, 400, 409, 422):
        return OK
    return f"HTTP {status}"


def _matches(expected: str, actual: str, *, role: str, api: bool) -> bool:
    if expected == actual:
        return True
    if expected == DENIED:
        return actual in (FORBIDDEN, HIDDEN)
    if expected == ANON_DENIED:
        return actual in (LOGIN, FORBIDDEN, NOT_ALLOWED)
    if expected == LOGIN and api and role == "anonymous":
        return actual in (LOGIN, FORBIDDEN)
    return False


def _request(client: Client, verb: str, url: str, *, api: bool):
    if api and verb in ("POST", "PUT", "PATCH"):
        return client.generic(verb, url, data="{}", content_type="application/json")
    if verb == "POST":
        return client.post(url, {})
    return client.generic(verb, url)


def matrix_summary() -> dict:
    routes = {name for name, *_ in CHECKS if name in ROUTES}
    models = {name for name, *_ in CHECKS if name in ADMIN_MODELS}
    return {
        "requests": len(CHECKS),
        "urls": len(routes),
        "admin_models": len(models),
        "admin_pages": len({(name, page) for name, page, *_ in CHECKS if name in ADMIN_MODELS}),
        "by_role": dict(sorted(Counter(c[3] for c in CHECKS).items())),
        "by_verb": dict(sorted(Counter(c[2] for c in CHECKS).items())),
        "by_object_ownership": dict(sorted(Counter(c[4] for c in CHECKS).items())),
    }


def _ownership(role: str, with_object: bool) -> str:
    if not with_object:
        return "no object in the URL"
    if role == "anonymous":
        return "anonymous"
    return OWNERSHIP[RELATION[role]]


def _moved(response, moved_to: str | None) -> str:
    """MOVED when the answer is a permanent redirect to exactly the new address with the query kept."""
    expected = f"{moved_to}?{MOVED_QUERY}"
    if moved_to and response.status_code == 301 and response["Location"] == expected:
        return MOVED
    return _outcome(response, api=False)


# Sent along to an old address, to see that the redirect keeps it.
MOVED_QUERY = "tanggal=2026-03-10"


def _check(cases, clients, *, api=False, moved_to: str | None = None) -> list[str]:
    """cases: (name, page, url, verb, {role: expected}, with_object) -> mismatches, each a readable line."""
    problems = []
    for name, page, url, verb, policy, with_object in cases:
        label = f"{name} {page}".strip()
        for role in ROLES:
            if policy[role] == MOVED:
                actual = _moved(_request(clients[role], verb, f"{url}?{MOVED_QUERY}", api=api), moved_to)
            else:
                actual = _outcome(_request(clients[role], verb, url, api=api), api=api)
            CHECKS.append((name, page, verb, role, _ownership(role, with_object)))
            if not _matches(policy[role], actual, role=role, api=api):
                problems.append(f"{label} {verb} as {role}: expected {policy[role]}, got {actual}")
    return problems


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_route(name, objects):
    route = ROUTES[name]
    args = route.args(objects)
    url = reverse(name, args=args) if args else reverse(name, kwargs=route.kwargs(objects))
    with_object = bool(args or route.kwargs(objects))
    cases = [(name, "", url, verb, policy, with_object) for verb, policy in route.access.items()]
    moved_to = route.moved_to(objects) if route.moved_to else None
    problems = _check(cases, _clients(objects), api=route.api, moved_to=moved_to)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", ["healthz", "readyz"])
def test_probes_answer_everyone_alike(name, objects):
    """The probes: 200 and the very same body for every role, anonymous included — nothing in them depends on
    who asks — and a write verb is refused (405) for everyone."""
    ConsolidationRunFactory(finished_at=timezone.now() - timedelta(hours=3))
    url = reverse(name)
    bodies = {}
    for role, client in _clients(objects).items():
        response = client.get(url)
        assert response.status_code == 200, (role, response.content)
        assert response["Content-Type"] == "application/json"
        bodies[role] = response.json()
        assert client.post(url, {}).status_code == 405, role
    # The age ticks between requests: compared apart, as a number.
    ages = {role: (body.get("last_consolidation") or {}).pop("age_seconds", None) for role, body in bodies.items()}
    assert len({json.dumps(body, sort_keys=True) for body in bodies.values()}) == 1, bodies
    if name == "readyz":
        assert all(age is not None and age >= 3 * 3600 for age in ages.values()), ages
    text = json.dumps(bodies["admin"])
    for who in (objects.operator_a, objects.central, objects.admin):
        assert who.username not in text


def _admin_policy(spec: matrix.AdminModel, page: str, verb: str) -> dict[str, str]:
    """What each role gets on one admin page of a model, from the spec and the role's scope."""
    policy = {"anonymous": LOGIN if verb == "GET" else ANON_DENIED}
    for role in ROLES[1:]:
        relation = RELATION[role]
        if spec.national:
            in_scope = True
        elif spec.region:
            in_scope = role in ("monitor_x", "central", "admin")
        else:
            in_scope = relation in ("own", "region", "national")
        sees_model = role in spec.view or role in spec.change
        if page == "changelist":
            outcome = OK if sees_model else FORBIDDEN
            if verb == "POST":  # bulk actions
                outcome = OK if sees_model else FORBIDDEN
        elif page == "add":
            outcome = OK if role in spec.add else FORBIDDEN
        elif page == "change" and verb == "GET":
            outcome = (OK if in_scope else HIDDEN) if sees_model else FORBIDDEN
        elif page == "history":  # Django looks the object up before it checks the permission here
            outcome = (OK if in_scope else HIDDEN) if sees_model else DENIED
        elif page == "change":  # POST
            outcome = OK if role in spec.change and in_scope else DENIED
        else:  # delete, GET or POST
            outcome = OK if role in spec.delete and in_scope else DENIED
        policy[role] = outcome
    return policy


@pytest.mark.parametrize("label", sorted(ADMIN_MODELS))
def test_admin_model(label, objects):
    spec = ADMIN_MODELS[label]
    app_label, model_name = label.split(".")
    prefix = f"admin:{app_label}_{model_name}"
    cases = []
    for page in ("changelist", "add"):
        for verb in ("GET", "POST"):
            cases.append((label, page, reverse(f"{prefix}_{page}"), verb, _admin_policy(spec, page, verb), False))
    if spec.obj is not None:
        pk = spec.obj(objects).pk
        for page, verbs in (("change", ("GET", "POST")), ("history", ("GET",)), ("delete", ("GET", "POST"))):
            url = reverse(f"{prefix}_{page}", args=[pk])
            for verb in verbs:
                cases.append((label, page, url, verb, _admin_policy(spec, page, verb), True))
    problems = _check(cases, _clients(objects))
    assert not problems, "\n".join(problems)


def test_matrix_counts():
    """Runs last: when the whole matrix ran, it made exactly the checks the table asks for — every route's
    verbs and every admin model's pages, each for every role (the summary written after the module)."""
    if {name for name, *_ in CHECKS} != set(ROUTES) | set(ADMIN_MODELS):
        pytest.skip("only part of the matrix ran (-k)")
    expected = sum(len(route.access) for route in ROUTES.values()) * len(ROLES)
    for spec in ADMIN_MODELS.values():
        expected += (4 + (5 if spec.obj is not None else 0)) * len(ROLES)
    summary = matrix_summary()
    assert summary["requests"] == expected
    assert set(summary["by_role"]) == set(ROLES)
    assert summary["by_object_ownership"]["another unit's object"] > 0
