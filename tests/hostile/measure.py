"""Run `monitor check` on one file in a child process and measure its time and peak RSS.

The child prints one JSON line on stderr's last line: exit code and peak RSS in MB: `VmHWM` of
its own address space (/proc/self/status). Not `getrusage(RUSAGE_SELF).ru_maxrss`: Linux carries
the parent's high-water mark into the child through fork and exec, so a test process that has
grown to 1 GB would make every child "use" 1 GB.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CHILD = """
import json, sys
from flows.cli import app
sys.argv = ["monitor", "check", sys.argv[1], "--org", sys.argv[2], "--json"]
try:
    app()
    code = 0
except SystemExit as exc:
    code = exc.code if isinstance(exc.code, int) else 1
status = open("/proc/self/status", encoding="ascii").read()
peak = int(next(l for l in status.splitlines() if l.startswith("VmHWM:")).split()[1]) / 1024
print(json.dumps({"exit": code, "peak_mb": peak}), file=sys.stderr)
"""


@dataclass(frozen=True)
class Measured:
    """What `monitor check` did with a file: exit code, report, seconds and peak RSS (MB)."""

    exit: int
    report: dict[str, Any]
    seconds: float
    peak_mb: float


def measure_check(path: Path, org: str = "GM0014", env: dict[str, str] | None = None,
                  timeout: float = 180) -> Measured:  # fmt: skip
    """`monitor check FILE --org ORG --json` in a fresh Python process, measured."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", CHILD, str(path), org], cwd=ROOT,
                          env=environment, capture_output=True, text=True, timeout=timeout,
                          check=False)  # fmt: skip
    seconds = time.monotonic() - started
    lines = done.stderr.strip().splitlines()
    assert lines, f"no output from the child (exit {done.returncode})"
    try:
        outcome = json.loads(lines[-1])
    except json.JSONDecodeError as exc:
        raise AssertionError(f"the child crashed: {done.stderr[-2000:]}") from exc
    report = json.loads(done.stdout) if done.stdout.strip() else {}
    return Measured(outcome["exit"], report, seconds, outcome["peak_mb"])
