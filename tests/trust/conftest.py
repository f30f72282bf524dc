"""Fixtures the trust tests borrow from other suites."""

from tests.reports.conftest import report_data  # noqa: F401 — the fixed report history, for the export tests
