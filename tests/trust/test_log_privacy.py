"""Logs and error reports carry ids, never a person's name or NIK: a real database error that names a key's
values is logged through the configured handler, and a 500's error report is built with SDP's filter."""

from __future__ import annotations

import io
import logging
import logging.config
import sys
import uuid

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction
from django.test import RequestFactory
from django.views.debug import get_exception_reporter_class

from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _duplicate_error(world) -> tuple[IntegrityError, object]:
    # Made at run time: the logged traceback quotes this file's source lines, which must not count.
    reg_number = f"AIII/{uuid.uuid4().hex[:8]}/2026"
    person = PersonFactory(upt=world.upt_a, reg_number=reg_number)
    try:
        with transaction.atomic():
            PersonFactory(upt=world.upt_a, reg_number=reg_number)
    except IntegrityError as exc:
        return exc, person
    raise AssertionError("the duplicate registration number was accepted")


def test_a_database_error_is_logged_without_the_key_values(world):
    exc, person = _duplicate_error(world)
    assert person.reg_number in str(exc)  # PostgreSQL does name the values …
    stream = io.StringIO()
    config = {**settings.LOGGING, "root": {"handlers": ["console"], "level": "INFO"}}
    config["handlers"] = {"console": {**settings.LOGGING["handlers"]["console"], "stream": stream}}
    logging.config.dictConfig(config)
    try:
        log = logging.getLogger("central.services.consolidation.runs")
        try:
            raise exc
        except IntegrityError as raised:
            log.exception("Consolidation run %s failed.", 7)
            log.warning("Consolidation run %s hit a transient error: %s", 7, raised)
    finally:
        logging.config.dictConfig(settings.LOGGING)
    written = stream.getvalue()
    assert "Consolidation run 7 failed." in written and "IntegrityError" in written
    assert "Key (" in written  # … which constraint failed is still there to debug with …
    assert person.reg_number not in written  # … but not whose


def test_the_error_report_leaves_out_posted_fields_and_local_values(world, settings):
    settings.DEBUG = False
    # Values made at run time: the report also quotes this file's source lines, which must not count.
    person = PersonFactory(upt=world.upt_a)
    request = RequestFactory().post(
        f"/upt/LP3301/wbp/?q={person.nik}",
        {"q": person.nik, "full_name": person.full_name},
        HTTP_REFERER=f"/upt/LP3301/wbp/?q={person.nik}",
    )
    request.user = world.operator_a
    try:
        full_name = person.full_name  # noqa: F841 — a local the report must not show
        raise ValueError("gagal")
    except ValueError:
        report = get_exception_reporter_class(request)(request, *sys.exc_info())
        text = report.get_traceback_text() + report.get_traceback_html()
    assert "ValueError" in text and "full_name" in text
    assert person.nik not in text and person.full_name not in text


def test_a_failed_runs_reason_keeps_the_constraint_but_not_the_values(world):
    from central.services.consolidation.runs import _describe

    exc, person = _duplicate_error(world)
    reason = _describe(exc)
    assert reason.startswith("IntegrityError: ") and "person_reg_number_unique_in_upt" in reason
    assert person.reg_number not in reason


@pytest.mark.parametrize("log_format", ["json", "plain"])
def test_the_json_and_plain_lines_leave_out_the_key_values(world, log_format):
    """python-json-logger formats the traceback again from ``exc_info`` rather than using the text the filter
    cleaned: the project's formatter redacts what it writes. ``extra`` objects are named by type only (a
    person's ``str()`` is their name)."""
    from tests.logcapture import captured_logs

    exc, person = _duplicate_error(world)
    with captured_logs(log_format=log_format) as logs:
        log = logging.getLogger("central.services.consolidation.runs")
        try:
            raise exc
        except IntegrityError as raised:
            log.exception("Consolidation run %s failed.", 7)
            log.warning("Consolidation run %s hit a transient error: %s", 7, raised, extra={"person": person})
    written = logs.text()
    assert "Consolidation run 7 failed." in written and "IntegrityError" in written
    assert "Key (" in written
    assert person.reg_number not in written and person.full_name not in written
    if log_format == "json":
        failed, transient = logs.lines()
        assert failed["level"] == "ERROR" and "Traceback" in failed["exc_info"]
        assert transient["person"] == "<Person>"
