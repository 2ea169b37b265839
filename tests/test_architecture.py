"""The structure holds: the import contracts of pyproject.toml ([tool.importlinter]) are kept —
imports go one way (flows → portal → pipeline → connectors → schemas), no module cycle, and the
publication and report never import the ingest stack, the night never imports the sample — and no module is over 400 lines."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("pipeline", "schemas", "connectors", "flows", "portal")
MAX_LINES = 400


def test_import_contracts_are_kept() -> None:
    command = [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "5 kept, 0 broken" in done.stdout


def test_no_module_is_over_400_lines() -> None:
    too_long = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            lines = len(path.read_text(encoding="utf-8").splitlines())
            if lines > MAX_LINES:
                too_long[path.relative_to(ROOT).as_posix()] = lines
    assert too_long == {}
