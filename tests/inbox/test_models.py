"""How a submission names itself in the admin, lists and messages."""

import datetime as dt

from central.models import Submission, Upt
from central.models.inbox import PackageKind


def test_a_submission_is_named_by_its_receipt_time_in_wib():
    # 20:30 UTC on the 27th is 03:30 WIB on the 28th: staff know it as the 28th's package.
    received = dt.datetime(2026, 11, 27, 20, 30, tzinfo=dt.UTC)
    submission = Submission(upt=Upt(code="LP3301"), kind=PackageKind.FULL, received_at=received)
    assert str(submission) == f"LP3301 28-11-2026 03.30 ({PackageKind.FULL.label})"
