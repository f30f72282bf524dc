"""JSON log lines: every line of a request carries its id (answered in ``X-Request-ID``), every line of a
consolidation its run id, and lines outside both carry neither. The lines are the project's own configuration
(``settings.LOGGING``'s builder) writing to memory; each line must parse as JSON."""

from __future__ import annotations

import logging
import re

import pytest
from django.test import Client

from central import package as pkg
from central.services.consolidation import consolidation_execute, consolidation_request
from devtools.package_synthetic import synthetic_package
from operations.logs import request_id_from
from tests.consolidation.helpers import scenario
from tests.factories import api_token
from tests.logcapture import captured_logs

pytestmark = pytest.mark.django_db
HEX32 = re.compile(r"[0-9a-f]{32}")


@pytest.mark.parametrize(
    ("header", "kept"),
    [
        ("upt-LP3301.kirim_0001", True),
        ("a" * 64, True),
        ("a" * 65, False),
        ("dua kata", False),
        ("x\r\nSet-Cookie: a=b", False),
        ("id\u00e9", False),
        ("", False),
    ],
)
def test_a_callers_request_id_is_kept_only_if_short_and_safe(header, kept):
    chosen = request_id_from(header)
    assert (chosen == header) is kept
    if not kept:
        assert HEX32.fullmatch(chosen)


def test_every_line_of_a_request_carries_its_id(world):
    """A package sent over the API: the receiving service's line has the caller's id, which the answer repeats;
    a page that is not there: Django's "Not Found" line (written after the middleware returned) has the id
    made for it; a line between requests has none."""
    token = api_token(world.operator_a)
    client = Client(HTTP_AUTHORIZATION=f"Token {token}")
    document = synthetic_package(upt_code=world.upt_a.code, persons=2, seed=11)
    with captured_logs() as logs:
        sent = client.post(
            "/api/v1/submissions/",
            data=pkg.dumps(document),
            content_type="application/json",
            HTTP_X_REQUEST_ID="upt-LP3301-0001",
        )
        missing = client.get("/tidak-ada/?q=3301021705900001")
        logging.getLogger("sdp.test").info("between requests")
    assert sent.status_code == 201, sent.content
    assert sent["X-Request-ID"] == "upt-LP3301-0001"
    assert missing.status_code == 404 and HEX32.fullmatch(missing["X-Request-ID"])

    lines = logs.lines()
    received = [line for line in lines if line["message"].startswith("Received full package")]
    assert len(received) == 1 and received[0]["request_id"] == "upt-LP3301-0001"
    assert received[0]["logger"] == "central.services.inbox" and received[0]["level"] == "INFO"
    not_found = [line for line in lines if line["logger"] == "django.request"]
    assert [line["request_id"] for line in not_found] == [missing["X-Request-ID"]]
    assert not_found[0]["request"] == "<WSGIRequest>"  # not its repr, which has the query string
    assert "3301021705900001" not in logs.text()
    between = [line for line in lines if line["message"] == "between requests"]
    assert between == [{**between[0], "request_id": None, "run_id": None}]
    assert all({"timestamp", "level", "logger", "message", "request_id", "run_id"} <= set(line) for line in lines)


def test_every_line_of_a_consolidation_carries_its_run_id(world):
    """A run split per Kanwil, executed here: each part's line (written by the parts' code, which is not
    given the id) and the run's own lines all carry it; a line after the run carries none."""
    scenario(2, world.upt_a, world.upt_b, world.upt_c)
    run = consolidation_request(user=world.central, trigger="command", enqueue=False, split="kanwil").run
    with captured_logs() as logs:
        ended = consolidation_execute(run_id=run.pk)
        logging.getLogger("central.services.consolidation.runs").info("after the run")
    assert ended.state == "succeeded", ended.error
    lines = logs.lines()
    during = lines[:-1]
    assert len([line for line in during if line["message"].startswith("Part ")]) == 2  # Jawa Tengah, DKI Jakarta
    assert during and all(line["run_id"] == run.pk for line in during), during
    assert lines[-1]["message"] == "after the run" and lines[-1]["run_id"] is None


def test_plain_format_names_the_request_and_the_run(world):
    with captured_logs(log_format="plain") as logs:
        response = Client().get("/tidak-ada/", HTTP_X_REQUEST_ID="r-1")
    assert response.status_code == 404
    assert re.search(r" WARNING django\.request \[request=r-1\]: Not Found: /tidak-ada/$", logs.text(), re.M)
