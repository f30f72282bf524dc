"""Logs and error reports carry ids, never person-level data.

SDP's own log calls pass only ids and codes (package ids, UPT codes, run ids). Two paths can still carry a
person's name or NIK without anyone writing it on purpose:

* a database error's text: PostgreSQL names the values of a violated key (``DETAIL: Key (nik)=(3301…)``),
  and ``log.exception`` prints that text with the traceback. ``RedactKeyValues`` blanks those values in
  every record before it is written.
* Django's error report (the 500 e-mail to ``ADMINS``): it lists the POSTed fields, the traceback's local
  variables (person rows, forms) and request headers such as the query string and the Referer.
  ``PersonDataReporterFilter`` and ``PersonDataExceptionReporter`` leave all of them out outside DEBUG, and
  blank the values a database error quotes in the exception's text. The same report goes by e-mail and,
  cleaned the same way, to Sentry (``operations.error_reports``); JSON log lines: ``operations.logs``.
"""

from __future__ import annotations

import logging
import re

from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

from central.redaction import redact


class RedactKeyValues(logging.Filter):
    """Attached to every handler in ``settings.LOGGING``: database error details lose their values."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is logged as it is rather than lost
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


class PersonDataReporterFilter(SafeExceptionReporterFilter):
    """Error reports keep the traceback's shape (files, lines, variable names) and drop the values."""

    # DSN and URL too: SENTRY_DSN holds Sentry's key, and REDIS_URL or CELERY_BROKER_URL may hold a password.
    hidden_settings = re.compile(
        "API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|QUERY_STRING|REFERER|REQUEST_URI|DSN|URL", flags=re.I
    )

    def get_post_parameters(self, request):
        if request is None or not self.is_active(request):
            return super().get_post_parameters(request)
        return {name: self.cleansed_substitute for name in request.POST}

    def get_traceback_frame_variables(self, request, tb_frame):
        if not self.is_active(request):
            return super().get_traceback_frame_variables(request, tb_frame)
        return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]


class PersonDataExceptionReporter(ExceptionReporter):
    """The report's request URL without its query string, the GET parameters' names without values, and the
    exception's text (and its causes') without the values a database error quotes."""

    def get_traceback_data(self):
        data = super().get_traceback_data()
        if not self.filter.is_active(self.request):
            return data
        if self.request is not None:
            data["request_GET_items"] = [(name, self.filter.cleansed_substitute) for name in self.request.GET]
            if "request_insecure_uri" in data:
                data["request_insecure_uri"] = str(data["request_insecure_uri"]).split("?", 1)[0]
        for key in ("exception_value", "exception_notes"):
            if key in data:
                data[key] = redact(str(data[key]))
        for frame in data.get("frames") or []:
            if frame.get("exc_cause") is not None:
                frame["exc_cause"] = redact(str(frame["exc_cause"]))
        return data
