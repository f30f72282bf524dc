"""Whole-URL fuzzing: every URL pattern of SDP, the admin's and the API's included, answers hostile input
with something other than a server error.

The URL configuration is walked (``get_resolver().url_patterns``, recursively); for each pattern hypothesis
builds requests whose path arguments, query parameters and (for POST) form bodies are hostile — a NUL,
huge and negative integers, years 1 and 9999, overlong strings, invalid UTF-8 (``%FF``, a lone surrogate),
direction and zero-width marks, empty values, newlines — or valid (the matrix's objects of UPT A), sent as
every role of the permission matrix, anonymous included. Any 5xx, or an exception escaping a view, fails.

Bounded and reproducible: ``SDP_URL_FUZZ_EXAMPLES`` examples per pattern (default 6), ``derandomize`` so CI
runs the same examples every time, ``deadline=None``. The totals go to ``test-artifacts/url-fuzz-summary.json``.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from django import forms
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.trust.matrix import ROLES, ROUTES
from tests.trust.test_permission_matrix import objects  # noqa: F401 — the matrix's objects of UPT A

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("SDP_URL_FUZZ_EXAMPLES", "6"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same examples on every run: a CI failure reproduces locally
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
RUN: Counter = Counter()

# Hostile values as they travel in a URL or a form body (already percent-encoded where needed).
HOSTILE = [
    "%00",
    "a%00b",
    "9" * 40,
    "-1",
    "0",
    "2147483648",
    "9223372036854775808",
    "0001-01-01",
    "9999-12-31",
    "01-01-0001",
    "31/12/9999",
    "A" * 3000,
    "%FF",
    "%C3%28",
    "%ED%A0%80",  # a lone surrogate, UTF-8 encoded
    "%E2%80%AE" + "abc",  # RIGHT-TO-LEFT OVERRIDE
    "%E2%80%8B",  # ZERO WIDTH SPACE
    "",
    "%0A",
    "x%0A",
    "%20",
    "..%2F..%2F",
    "%27%22%3C%3E",
    "1e999",
    "NaN",
    "%F0%9F%98%80",
    "00000000-0000-0000-0000-000000000000",
]
VALUE = st.sampled_from(HOSTILE)
# Query parameters the views read (reports, lists, exports, admin, API), and a few nobody reads.
QUERY_NAMES = [
    "tanggal",
    "dari",
    "sampai",
    "periode",
    "jenis",
    "urut",
    "tingkat",
    "tabel",
    "format",
    "hal",
    "halaman",
    "page",
    "page_size",
    "status",
    "state",
    "kind",
    "upt",
    "kanwil",
    "upt_type",
    "date",
    "start",
    "end",
    "cari",
    "q",
    "register",
    "kategori",
    "lengkap",
    "gz",
    "next",
    "o",
    "p",
    "e",
    "all",
    "_changelist_filters",
    "_popup",
    "_to_field",
    "language",
    "x",
]
PLACEHOLDER = "zzslotzz"
CONVERTER_VALID = {"int": "1", "uuid": "00000000-0000-4000-8000-000000000001"}
ROUTE_ARG = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
REGEX_ARG = re.compile(r"\(\?P<(?P<name>\w+)>(?:[^()]|\([^()]*\))*\)")


@dataclass(frozen=True)
class Pattern:
    label: str  # namespaced URL name, or the route text when unnamed
    template: str  # the path with one "{name}" per argument
    arguments: tuple[str, ...]
    converters: tuple[str, ...]


def _segment(pattern) -> tuple[str, list[tuple[str, str]]]:
    """One level of a URL pattern as a template with ``{name}`` slots, and its (name, converter) pairs."""
    if isinstance(pattern, RoutePattern):
        text, found = str(pattern._route), []

        def slot(match):
            found.append((match["name"], match["converter"] or "str"))
            return "{" + match["name"] + "}"

        return ROUTE_ARG.sub(slot, text), found
    assert isinstance(pattern, RegexPattern)
    text, found = pattern._regex, []

    def slot(match):
        found.append((match["name"], "regex"))
        return "{" + match["name"] + "}"

    text = REGEX_ARG.sub(slot, text)
    text = text.removeprefix("^").removesuffix("$").removesuffix(r"\Z").replace("\\", "")
    return text, found


def url_patterns() -> list[Pattern]:
    found: dict[str, Pattern] = {}

    def walk(patterns, prefix: str, arguments: list, namespace: str | None):
        for item in patterns:
            text, args = _segment(item.pattern)
            if isinstance(item, URLResolver):
                inner = f"{namespace}:{item.namespace}" if namespace and item.namespace else item.namespace or namespace
                walk(item.url_patterns, prefix + text, arguments + args, inner)
            elif isinstance(item, URLPattern):
                label = f"{namespace}:{item.name}" if namespace and item.name else item.name or prefix + text
                every = arguments + args
                found.setdefault(
                    label,
                    Pattern(
                        label=label,
                        template="/" + prefix + text,
                        arguments=tuple(n for n, _c in every),
                        converters=tuple(c for _n, c in every),
                    ),
                )

    walk(get_resolver().url_patterns, "", [], None)
    return sorted(found.values(), key=lambda p: p.label)


PATTERNS = url_patterns()


def _form_field_names() -> list[str]:
    """Every field name of SDP's forms and models: what a POSTed form body may carry."""
    names: set[str] = set()
    stack = [forms.Form, forms.ModelForm]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] in {"central", "upt", "kanwil", "sdp_project"}:
            names.update(getattr(cls, "base_fields", {}))
    for model in apps.get_models():
        if model._meta.app_label in {"central", "upt", "kanwil", "sdp_project", "auth"}:
            names.update(f.name for f in model._meta.get_fields() if f.concrete)
    names.update({"username", "password", "q", "action", "_selected_action", "post", "_save", "csrfmiddlewaretoken"})
    return sorted(names)


FORM_NAMES = _form_field_names()


def _valid_arguments(pattern: Pattern, world_objects) -> dict[str, str]:
    """Values that route to a real object of UPT A where the permission matrix knows them; else a guess."""
    slots = zip(pattern.arguments, pattern.converters, strict=True)
    values = {name: CONVERTER_VALID.get(conv, "1") for name, conv in slots}
    route = ROUTES.get(pattern.label)
    if route is not None:
        args = route.args(world_objects)
        if args:
            values.update({name: str(value) for name, value in zip(pattern.arguments, args, strict=False)})
        else:
            values.update({name: str(value) for name, value in route.kwargs(world_objects).items()})
    if "app_label" in values:
        values["app_label"] = "central"
    return {name: quote(value, safe="/") for name, value in values.items()}


@st.composite
def requests(draw, pattern: Pattern, valid: dict[str, str]):
    role = draw(st.sampled_from(ROLES))
    path_values = {}
    for name in pattern.arguments:
        path_values[name] = draw(st.one_of(st.just(valid[name]), VALUE))
    path = pattern.template.format(**path_values) if pattern.arguments else pattern.template
    query = draw(st.lists(st.tuples(st.sampled_from(QUERY_NAMES), VALUE), max_size=4))
    method = draw(st.sampled_from(["GET", "GET", "POST", "HEAD"]))
    body = draw(st.lists(st.tuples(st.sampled_from(FORM_NAMES), VALUE), max_size=6)) if method == "POST" else []
    return role, method, path, "&".join(f"{k}={v}" for k, v in query), body


def _clients(world_objects) -> dict[str, Client]:
    clients = {"anonymous": Client()}
    for role in ROLES[1:]:
        clients[role] = Client()
        clients[role].force_login(getattr(world_objects, role))
    return clients


def _send(client: Client, method: str, path: str, query: str, body: list[tuple[str, str]]):
    url = f"{path}?{query}" if query else path
    if method != "POST":
        return client.generic(method, url)
    if path.startswith("/api/"):
        document = {unquote(k): unquote(v, errors="replace") for k, v in body}
        return client.generic("POST", url, data=json.dumps(document), content_type="application/json")
    encoded = "&".join(f"{k}={v}" for k, v in body)
    return client.generic("POST", url, data=encoded, content_type="application/x-www-form-urlencoded")


@pytest.fixture(scope="module", autouse=True)
def _summary():
    yield
    if not RUN:
        return
    ARTIFACTS.mkdir(exist_ok=True)
    summary = {"patterns": len(PATTERNS), "examples_per_pattern": EXAMPLES, **dict(sorted(RUN.items()))}
    (ARTIFACTS / "url-fuzz-summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(f"\nurl fuzzing: {json.dumps(summary)}")


def test_the_walk_finds_every_kind_of_url():
    labels = {p.label for p in PATTERNS}
    assert {"upt:person_by_reg", "laporan:upt", "api:submission-list", "admin:index"} <= labels, labels
    assert any(label.startswith("admin:central_") for label in labels)
    assert len(PATTERNS) > 100


@pytest.mark.parametrize("pattern", PATTERNS, ids=[p.label for p in PATTERNS])
def test_no_url_answers_5xx_to_hostile_input(pattern, objects):  # noqa: F811 — the imported fixture
    clients = _clients(objects)
    valid = _valid_arguments(pattern, objects)

    @FUZZ
    @given(request=requests(pattern, valid))
    def check(request):
        role, method, path, query, body = request
        response = _send(clients[role], method, path, query, body)
        RUN["requests"] += 1
        RUN[f"{response.status_code // 100}xx"] += 1
        assert response.status_code < 500, f"{method} {path}?{query} body={body} as {role}: {response.status_code}"

    check()
