"""The committed contract, ``docs/openapi.json``, is the schema the server generates: a change to the API that
changes its schema fails here until the file is regenerated on purpose (docs/API.md, "Changing the API"),
and the version it carries has its entry in the changelog."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "docs" / "openapi.json"
API_DOC = ROOT / "docs" / "API.md"
UPDATE = (
    "python manage.py spectacular --lang id --format openapi-json --validate --fail-on-warn --file docs/openapi.json"
)


def _differences(committed, generated, path: str = "") -> list[str]:
    if isinstance(committed, dict) and isinstance(generated, dict):
        return [
            difference
            for key in sorted(set(committed) | set(generated))
            for difference in _differences(committed.get(key), generated.get(key), f"{path}/{key}")
        ]
    return [] if committed == generated else [path or "/"]


def test_the_committed_schema_is_the_generated_one(tmp_path):
    generated_file = tmp_path / "openapi.json"
    # The command the update uses, warnings being errors: an operation drf-spectacular cannot describe fails.
    call_command(
        "spectacular", lang="id", format="openapi-json", validate=True, fail_on_warn=True, file=str(generated_file)
    )
    generated = json.loads(generated_file.read_text())
    committed = json.loads(COMMITTED.read_text())
    changed = _differences(committed, generated)
    assert not changed, (
        f"The API's schema changed at {changed[:10]}. If the change is meant, decide whether it breaks /api/v1/ "
        f"(docs/API.md), bump info.version in SPECTACULAR_SETTINGS, add the changelog entry, and run: {UPDATE}"
    )


def test_the_schema_version_has_a_changelog_entry():
    version = json.loads(COMMITTED.read_text())["info"]["version"]
    major = version.split(".")[0]
    assert f"### {version}" in API_DOC.read_text(), f"docs/API.md has no changelog entry for {version}"
    paths = json.loads(COMMITTED.read_text())["paths"]
    assert paths and all(path.startswith(f"/api/v{major}/") for path in paths)
