"""The project's own logging configuration (``operations.logs.logging_config``), its console handler writing
into memory instead of stderr, so a test reads the very lines a deployment would write."""

from __future__ import annotations

import io
import json
import logging
import logging.config
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings

from operations.logs import logging_config


class Captured:
    def __init__(self, stream: io.StringIO):
        self.stream = stream

    def text(self) -> str:
        return self.stream.getvalue()

    def lines(self) -> list[dict]:
        """Every line parsed as JSON: a line that is not JSON fails the test here."""
        return [json.loads(line) for line in self.text().splitlines() if line.strip()]


@contextmanager
def captured_logs(*, log_format: str = "json", level: str = "INFO", mail_admins: bool = False) -> Iterator[Captured]:
    stream = io.StringIO()
    config = logging_config(log_format=log_format, level=level, mail_admins=mail_admins)
    config["handlers"]["console"]["stream"] = stream
    logging.config.dictConfig(config)
    try:
        yield Captured(stream)
    finally:
        logging.config.dictConfig(settings.LOGGING)
