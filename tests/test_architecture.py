"""The structure holds: the import contracts of pyproject.toml ([tool.importlinter]) are kept —
imports go one way (flows → portal → pipeline → connectors → schemas), no module cycle, and the
publication and report never import the ingest stack — and no module grows past 400 lines."""

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
    assert "3 kept, 0 broken" in done.stdout


def test_modules_that_are_too_long() -> None:
    """Known exceptions (issue 10, open) may only shrink; any other module stays under 400."""
    allowed = {"pipeline/harmonise.py": 477, "pipeline/warehouse.py": 441,
               "pipeline/template.py": 409}  # fmt: skip
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            name = path.relative_to(ROOT).as_posix()
            lines = len(path.read_text(encoding="utf-8").splitlines())
            assert lines <= allowed.get(name, MAX_LINES), (name, lines)
