"""The flow warms the report up while the workers process the night."""

from __future__ import annotations

import subprocess
import sys

import pytest

_WARM = """
import sys

import pytest
from pipeline.night.steps import REPORT_MODULES, warm_report
before = [m for m in REPORT_MODULES if m in sys.modules]
warm_report()
after = [m for m in REPORT_MODULES if m in sys.modules]
print(before, after == list(REPORT_MODULES))
"""


def test_warming_the_report_loads_what_the_report_imports() -> None:
    done = subprocess.run([sys.executable, "-c", _WARM], capture_output=True, text=True,
                          timeout=120, check=True)  # fmt: skip
    assert done.stdout.split() == ["[]", "True"], done.stdout + done.stderr


def test_warming_the_report_never_fails_the_night(monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.night import steps

    monkeypatch.setattr(steps, "REPORT_MODULES", ("pipeline.publication.bestaat_niet",))
    steps.warm_report()  # the report itself says what is wrong, later
