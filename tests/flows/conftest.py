"""Shared by the flow tests: one nightly run over a small generated national sample."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import pytest

from pipeline.settings import Settings
from pipeline.warehouse.store import open_published

SAMPLE_SCALE = 0.05
SERIES = ("2024Q4", "2025Q4")  # a quarter before the main year: a series break, a region below
# the coverage floor, year-on-year change for 2025Q4


@pytest.fixture(scope="session")
def nightly_run(tmp_path_factory: pytest.TempPathFactory, prefect_harness: None) -> dict[str, Any]:
    """Generate a small national sample, run the flow twice, keep what each run left behind."""
    from flows.nightly import run_nightly
    from pipeline.sample import generate_sample

    root = tmp_path_factory.mktemp("nightly")
    sample = root / "sample"
    generate_sample(sample, year=2025, seed=7, scale=SAMPLE_SCALE, first=SERIES[0], last=SERIES[1])
    settings = Settings(inbox_dir=sample / "inbox", warehouse_path=root / "wh" / "monitor.duckdb",
                        sample_mode=True)  # fmt: skip
    first = run_nightly(settings)
    first_state = warehouse_fingerprint(settings.warehouse_path)
    feedback_state = {p: p.stat().st_mtime_ns for p in settings.feedback_directory.rglob("*")}
    built_state = modification_times(settings)
    second = run_nightly(settings)
    built_state_after = modification_times(settings)
    os.environ["MONITOR_DATADOCS_KEEP"] = "199"  # a setting in the fingerprint: build again
    try:
        third = run_nightly(settings)
    finally:
        del os.environ["MONITOR_DATADOCS_KEEP"]
    return {"sample": sample, "settings": settings, "first": first, "second": second,
            "third": third, "first_state": first_state, "feedback_state": feedback_state,
            "built_state": built_state, "built_state_after": built_state_after,
            "third_state": warehouse_fingerprint(settings.warehouse_path)}  # fmt: skip


def modification_times(settings: Settings) -> dict[str, int]:
    """Modification time of the published warehouse and of every report and Data Docs file."""
    files = [settings.warehouse_path, *settings.reports_directory.rglob("*")]
    return {str(p): p.stat().st_mtime_ns for p in files if p.is_file()}


def warehouse_fingerprint(path: Path) -> dict[str, str]:
    """A hash of every core, ops (but run) and mart table's sorted contents."""
    tables = ["core.incident", "ops.delivery", "ops.edit", "ops.dq_result", "ops.delivery_fte",
              "ops.delivery_kwaliteit", "mart.indicatoren", "mart.dekking", "mart.levering",
              "mart.kwaliteit_organisatie"]  # fmt: skip
    prints = {}
    with open_published(path) as wh:
        for table in tables:
            frame = wh.query(f"SELECT * EXCLUDE ({exclusions(table)}) FROM {table}" if exclusions(table)
                             else f"SELECT * FROM {table}")  # fmt: skip
            text = frame.astype(str).sort_values(list(frame.columns)).to_csv(index=False)
            prints[table] = hashlib.sha256(text.encode()).hexdigest()
    return prints


def exclusions(table: str) -> str:
    """Columns that may differ between runs (timestamps of the run itself)."""
    return "loaded_at, run_id" if table == "ops.delivery" else ""


def two_warehouses(
    sample: Path, tmp_path: Path, organisations: int, names: tuple[str, str]
) -> tuple[Settings, Settings]:
    """The first organisations of a sample in one inbox, and the settings of two warehouses
    (named `names`) to load it into: the same night run two ways, to compare."""
    from tests.flows.test_concurrent_reader import copy_inbox

    chosen = sorted(p.name for p in (sample / "inbox").iterdir())[:organisations]
    copy_inbox(sample, tmp_path / "sample", chosen)
    inbox = tmp_path / "sample" / "inbox"
    first, second = (Settings(inbox_dir=inbox, warehouse_path=tmp_path / n / "monitor.duckdb",
                              sample_mode=True) for n in names)  # fmt: skip
    return first, second
