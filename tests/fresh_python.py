"""A script run by a fresh Python interpreter, for what lasts a process once done: imports, a
frozen collector, a fork server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_fresh(script: str, cwd: Path = ROOT, timeout: float = 180) -> list[str]:
    """Run `script` with `python -c` (this repository importable, output not forced unbuffered:
    a fork would write what was buffered twice) and return what it printed, split on white
    space; the script must end with exit code 0."""
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    done = subprocess.run([sys.executable, "-c", script], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env={**environment, "PYTHONPATH": str(ROOT)})  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout.split()
