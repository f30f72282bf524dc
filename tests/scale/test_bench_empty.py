"""``manage.py bench`` without the national dataset (kept apart from the modules that seed one)."""

import pytest
from django.core.management import CommandError, call_command


@pytest.mark.django_db
def test_bench_needs_the_national_dataset(tmp_path):
    with pytest.raises(CommandError, match="seed_national"):
        call_command("bench", "--only", "pages", "--out", str(tmp_path))
