"""The embedded default: the same run on SQLite (a subprocess running ``manage.py consolidate`` against a
temporary database file) gives the same register, issues and conflicts as on PostgreSQL — unsplit, and split
per Kanwil."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.consolidation.helpers import comparable_state, consolidate, scenario

ROOT = Path(__file__).resolve().parents[2]

SETUP = """
from central.models import Kanwil
from central.roles import Role
from central.services.roles import role_assign
from tests.factories import UptFactory, UserFactory
x, y = Kanwil.objects.get(code="33"), Kanwil.objects.get(code="31")
UptFactory(code="LP3301", name="Lapas A", kanwil=x, capacity=500)
UptFactory(code="LP3302", name="Lapas B", kanwil=x, capacity=428)
UptFactory(code="LP3101", name="Lapas C", kanwil=y, capacity=1136)
role_assign(user=UserFactory(username="pusat"), role=Role.CENTRAL)
"""

PHASE = """
from central.models import Upt
from tests.consolidation.helpers import scenario
scenario({phase}, *[Upt.objects.get(code=c) for c in ("LP3301", "LP3302", "LP3101")])
"""

DUMP = """
import json
from tests.consolidation.helpers import comparable_state
print("STATE=" + json.dumps(comparable_state()))
"""


def _manage(env, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.mark.django_db
def test_sqlite_gives_the_same_result_as_postgresql(world, tmp_path):
    scenario(1, world.upt_a, world.upt_b, world.upt_c)
    assert consolidate(world.central).state == "succeeded"
    scenario(2, world.upt_a, world.upt_b, world.upt_c)
    assert consolidate(world.central).state == "succeeded"
    expected = comparable_state()
    assert expected["conflicts"] and expected["issues"]  # the scenario does exercise them

    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'sdp.sqlite3'}",
        DEBUG="1",
        SDP_VAR_DIR=str(tmp_path),
        PYTHONPATH=str(ROOT),
    )
    _manage(env, "migrate", "--noinput", "-v0")
    _manage(env, "shell", "-c", SETUP)
    # The second run is split per Kanwil: on SQLite its parts are done in turn by the one process.
    for phase, split in ((1, "none"), (2, "kanwil")):
        _manage(env, "shell", "-c", PHASE.format(phase=phase))
        out = _manage(env, "consolidate", "--user", "pusat", "--split", split)
        assert "berhasil" in out
    parts = "from central.models import ConsolidationPart as P; print('PARTS', P.objects.exclude(done_at=None).count())"
    assert "PARTS 2" in _manage(env, "shell", "-c", parts)  # phase 2: Jawa Tengah and DKI Jakarta
    dump = _manage(env, "shell", "-c", DUMP)
    actual = json.loads(dump.split("STATE=", 1)[1])
    for key in expected:
        assert actual[key] == expected[key], key
