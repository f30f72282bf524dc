"""A Python client generated from the served schema by openapi-python-client, as an integrator would make one,
used against the live test server by every role: it lists, retrieves, creates where the role may and is
refused where it may not, and every answer must parse into the model the schema names for its status code,
losslessly (the model written back is the JSON received). An undocumented status code raises.

The generator runs offline from the schema file; its post hooks use the project's pinned ruff. Its output is
kept in ``test-artifacts/openapi-client.txt``. The one setting it needs (docs/API.md): ``application/gzip``
bodies are bytes (``content_type_overrides``), which openapi-python-client otherwise skips with a warning.
"""

from __future__ import annotations

import gzip
import importlib
import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from drf_spectacular.generators import SchemaGenerator

from central import package as pkg
from central.models import ApiToken, ConsolidationRun, Submission
from devtools.package_synthetic import synthetic_package
from tests.api.conftest import seed_api_world
from tests.conftest import PASSWORD
from tests.factories import ConsolidationRunFactory
from tests.inbox.conftest import edited

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PACKAGE = "sdp_client"
GENERATOR_CONFIG = {
    # openapi-python-client knows JSON, forms and application/octet-stream bodies; a gzip package is bytes.
    "content_type_overrides": {"application/gzip": "application/octet-stream"},
}


def generate_client(directory: Path) -> tuple[object, str]:
    """Generate the client package into ``directory`` and import it; returns it and the generator's output."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    (directory / "openapi.json").write_text(json.dumps(schema))
    bin_dir = Path(sys.executable).parent
    ruff = bin_dir / "ruff"
    config = {
        **GENERATOR_CONFIG,
        "post_hooks": [f"{ruff} check . --fix-only --extend-select=I", f"{ruff} format ."],
    }
    (directory / "generator.json").write_text(json.dumps(config))
    result = subprocess.run(
        [
            str(bin_dir / "openapi-python-client"),
            "generate",
            "--path",
            "openapi.json",
            "--config",
            "generator.json",
            "--meta",
            "none",
            "--output-path",
            PACKAGE,
        ],
        cwd=directory,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    output = result.stdout + result.stderr
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "openapi-client.txt").write_text(output)
    assert result.returncode == 0, output
    sys.path.insert(0, str(directory))
    try:
        return importlib.import_module(PACKAGE), output
    finally:
        sys.path.remove(str(directory))


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    client, output = generate_client(tmp_path_factory.mktemp("client"))
    yield client, output
    for name in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
        del sys.modules[name]


def test_the_generator_has_nothing_to_warn_about(generated):
    _client, output = generated
    assert output.strip() == "Generating sdp_client", output


class Api:
    """The generated modules, called for one role; each call checks the status and the parsed model."""

    def __init__(self, sdp, base_url: str, token: str | None):
        self.sdp = sdp
        self.models = importlib.import_module(f"{PACKAGE}.models")
        if token is None:
            self.client = sdp.Client(base_url=base_url, raise_on_unexpected_status=True)
        else:
            self.client = sdp.AuthenticatedClient(
                base_url=base_url, token=token, prefix="Token", raise_on_unexpected_status=True
            )

    def call(self, operation: str, status: int, model: str, *args, **kwargs):
        tag = operation.split("_")[0]
        module = importlib.import_module(f"{PACKAGE}.api.{tag}.{operation}")
        response = module.sync_detailed(*args, client=self.client, **kwargs)
        assert response.status_code == status, (operation, response.status_code, response.content[:500])
        parsed = response.parsed
        assert type(parsed).__name__ == model, (operation, type(parsed).__name__)
        # Nothing the server said is lost or left over: the model written back is the JSON received.
        assert _differences(parsed.to_dict(), json.loads(response.content)) == [], operation
        return response


def _differences(written, received, path: str = "") -> list[str]:
    if isinstance(written, dict) and isinstance(received, dict):
        return [
            difference
            for key in sorted(set(written) | set(received))
            for difference in _differences(
                written.get(key, "<missing>"), received.get(key, "<missing>"), f"{path}.{key}"
            )
        ]
    if isinstance(written, list) and isinstance(received, list) and len(written) == len(received):
        return [
            d
            for i, (w, r) in enumerate(zip(written, received, strict=True))
            for d in _differences(w, r, f"{path}[{i}]")
        ]
    return [] if written == received else [f"{path}: {written!r} != {received!r}"]


def a_package(upt_code: str, seed: int, **counts) -> dict:
    return synthetic_package(upt_code=upt_code, persons=counts.get("persons", 2), seed=seed)


@pytest.fixture
def live(live_server, world, generated):
    sdp, _output = generated
    api_world = seed_api_world(world)

    def api_for(role: str | None) -> Api:
        return Api(sdp, live_server.url, api_world.tokens[role] if role else None)

    return api_world, api_for


def _read_everything(api: Api, live_world, *, sees: set[str], reports: bool, runs: bool) -> None:
    """List and retrieve every kind of object; ``sees``: the UPTs whose submissions the role may see."""
    listed = api.call("submissions_list", 200, "PaginatedSubmissionList").parsed
    assert {s.upt_code for s in listed.results} == sees
    for submission in (live_world.submission_a, live_world.submission_c):
        if submission.upt.code in sees:
            detail = api.call("submissions_retrieve", 200, "SubmissionDetail", submission.package_id).parsed
            assert detail.id == submission.package_id and detail.results.run == live_world.run.pk
        else:
            api.call("submissions_retrieve", 404, "Error", submission.package_id)
    api.call("submissions_retrieve", 404, "Error", uuid.uuid4())
    api.call("submissions_list", 400, "ValidationError", page=0)
    if runs:
        runs_page = api.call("consolidations_list", 200, "PaginatedConsolidationRunList").parsed
        assert [r.id for r in runs_page.results] == [live_world.run.pk]
        run = api.call("consolidations_retrieve", 200, "ConsolidationRun", live_world.run.pk).parsed
        assert {r.upt for r in run.upt_results} == sees
        api.call("consolidations_retrieve", 404, "Error", live_world.run.pk + 1000)
        api.call("consolidations_list", 404, "Error", page=2)
    else:
        api.call("consolidations_list", 403, "Error")
        api.call("consolidations_retrieve", 403, "Error", live_world.run.pk)
    if reports:
        occupancy = api.call("reports_occupancy", 200, "OccupancyReport").parsed
        assert {row.upt_code for row in occupancy.results} >= sees
        api.call("reports_compliance", 200, "ComplianceReport")
        api.call("reports_compliance", 400, "ValidationError", page_size=0)
    else:
        api.call("reports_occupancy", 403, "Error")
        api.call("reports_compliance", 403, "Error")


def _refused_writes(api: Api, live_world) -> None:
    """A package of UPT A and a consolidation, both refused."""
    models = api.models
    document = a_package("LP3301", seed=21)
    before = Submission.objects.count()
    api.call("submissions_create", 403, "Error", body=models.PackageRequest.from_dict(document))
    assert Submission.objects.count() == before
    api.call("consolidations_create", 403, "Error")


def test_the_operator_of_upt_a(live):
    live_world, api_for = live
    api = api_for("operator_a")
    models = api.models
    _read_everything(api, live_world, sees={"LP3301"}, reports=True, runs=True)
    api.call("reports_occupancy", 404, "Error", kanwil="31")

    # A new package as JSON: 201 with its address; the same again: 200, stored once.
    document = a_package("LP3301", seed=11)
    created = api.call("submissions_create", 201, "SubmissionDetail", body=models.PackageRequest.from_dict(document))
    assert created.headers["Location"].endswith(f"/api/v1/submissions/{document['package_id']}/")
    assert created.parsed.next_package.kind.value == "delta"
    api.call("submissions_create", 200, "SubmissionDetail", body=models.PackageRequest.from_dict(document))
    # The same id with other content: 409. A broken checksum: 400, every error listed.
    changed = edited(document, lambda d: d["persons"][0].update(full_name="Nama Lain"), state=True)
    api.call("submissions_create", 409, "Error", body=models.PackageRequest.from_dict(changed))
    broken = {**a_package("LP3301", seed=12), "records_checksum": "0" * 64}
    rejected = api.call("submissions_create", 400, "PackageRejected", body=models.PackageRequest.from_dict(broken))
    assert [e.code for e in rejected.parsed.errors] == ["checksum_mismatch"]
    # A gzip package, sent as bytes under application/gzip.
    from sdp_client.types import File

    compressed = gzip.compress(pkg.dumps(a_package("LP3301", seed=13)))
    api.call("submissions_create", 201, "SubmissionDetail", body=File(payload=compressed))
    assert Submission.objects.filter(upt__code="LP3301").count() == 3

    # Another unit's package: 403; consolidation: 403.
    other = models.PackageRequest.from_dict(a_package("LP3101", seed=14))
    api.call("submissions_create", 403, "Error", body=other)
    api.call("consolidations_create", 403, "Error")


def test_the_monitor_of_region_x(live):
    live_world, api_for = live
    api = api_for("monitor_x")
    _read_everything(api, live_world, sees={"LP3301"}, reports=True, runs=True)
    api.call("reports_occupancy", 404, "Error", kanwil="31")
    _refused_writes(api, live_world)


@pytest.mark.parametrize("role", ["central", "admin"])
def test_central_and_the_admin(live, role):
    live_world, api_for = live
    api = api_for(role)
    _read_everything(api, live_world, sees={"LP3301", "LP3101"}, reports=True, runs=True)
    document = a_package("LP3301", seed=21)
    api.call("submissions_create", 403, "Error", body=api.models.PackageRequest.from_dict(document))

    started = api.call("consolidations_create", 202, "ConsolidationRun")
    assert started.headers["Location"].endswith(f"/api/v1/consolidations/{started.parsed.id}/")
    assert ConsolidationRun.objects.filter(pk=started.parsed.id).exists()
    # While a run is queued or running, asking again answers with that run (the tests' tasks run at once,
    # so the waiting run is made here).
    waiting = ConsolidationRunFactory(state="queued", progress=0)
    again = api.call("consolidations_create", 200, "ConsolidationRun")
    assert again.parsed.id == waiting.pk and again.parsed.active


def test_a_user_without_a_role(live):
    live_world, api_for = live
    api = api_for("no_role")
    _read_everything(api, live_world, sees=set(), reports=False, runs=False)
    _refused_writes(api, live_world)


def test_anonymous_gets_401_everywhere_but_the_token(live):
    live_world, api_for = live
    api = api_for(None)
    for operation, args in (
        ("submissions_list", ()),
        ("submissions_retrieve", (live_world.submission_a.package_id,)),
        ("consolidations_list", ()),
        ("consolidations_retrieve", (live_world.run.pk,)),
        ("consolidations_create", ()),
        ("reports_occupancy", ()),
        ("reports_compliance", ()),
    ):
        response = api.call(operation, 401, "Error", *args)
        assert response.headers["WWW-Authenticate"] == "Token"
    body = api.models.PackageRequest.from_dict(a_package("LP3301", seed=31))
    api.call("submissions_create", 401, "Error", body=body)


def test_the_token_endpoint(live, settings):
    live_world, api_for = live
    api = api_for(None)
    credentials = api.models.CredentialsRequest
    token = api.call("auth_token_create", 200, "AuthToken", body=credentials(username="op_a", password=PASSWORD))
    assert ApiToken.objects.filter(user=live_world.world.operator_a, token_key=token.parsed.token[:15]).exists()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        wrong = api.call("auth_token_create", 400, "ValidationError", body=credentials(username="op_a", password="x"))
    assert wrong.parsed.errors[0].code == "authorization"
    locked = api.call("auth_token_create", 429, "Error", body=credentials(username="op_a", password="x"))
    assert int(locked.headers["Retry-After"]) > 0
