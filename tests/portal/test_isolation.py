"""The isolated check: a child over its time or memory limit is stopped and reported as S01."""

from __future__ import annotations

import time
from pathlib import Path

from pipeline.settings import Settings
from portal import isolation
from tests.conftest import REFERENCE_DIR
from tests.portal.conftest import delivery_xlsx


def test_a_check_over_its_time_limit_is_killed_and_reported(tmp_path: Path) -> None:
    file = delivery_xlsx(tmp_path / "GM0363_2025Q2.xlsx")
    settings = Settings(reference_dir=REFERENCE_DIR, portal_check_seconds=0.3)
    started = time.monotonic()

    result = isolation.run_check(file, "GM0363", settings, None, "mijn <bestand>.xlsx")

    assert time.monotonic() - started < 10  # importing the pipeline alone takes longer than 0.3 s
    assert result["report"]["readable"] is False
    assert result["report"]["file"] == "mijn <bestand>.xlsx"
    [edit] = result["report"]["edits"]
    assert edit["code"] == "S01" and "langer dan 0 seconden" in edit["message"]


def test_a_check_over_its_memory_limit_is_reported(tmp_path: Path) -> None:
    file = delivery_xlsx(tmp_path / "GM0363_2025Q2.xlsx")
    settings = Settings(reference_dir=REFERENCE_DIR, portal_check_memory_mb=64)

    result = isolation.run_check(file, "GM0363", settings, None, "a.xlsx")

    assert result["report"]["readable"] is False
    assert "meer dan 64 MB geheugen" in result["report"]["edits"][0]["message"]
