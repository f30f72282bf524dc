"""mypy with django-stubs passes over the product apps (pyproject.toml, [tool.mypy]; DESIGN §6 "Typed code")."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_mypy_passes():
    # The cache outlives the run (a warm run takes a few seconds, a cold one under a minute), outside the tree.
    cache = Path(tempfile.gettempdir()) / "sdp-mypy-cache"
    env = {**os.environ, "SECRET_KEY": os.environ.get("SECRET_KEY") or "mypy"}
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(cache)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
