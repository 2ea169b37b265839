"""Shared fixtures: reference data, processing inputs, and building delivery files from YAML."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from hypothesis import settings as hypothesis_settings

# No per-example deadline: a busy 2-core machine (CI, a parallel test run) makes timings noisy,
# and a property is about values, not speed (the bench/ scripts measure speed).
hypothesis_settings.register_profile("monitor", deadline=None)
hypothesis_settings.load_profile("monitor")

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")

ROOT = Path(__file__).resolve().parents[1]
REFERENCE_DIR = ROOT / "data" / "reference"
PROFILE_FIXTURES = Path(__file__).parent / "fixtures" / "profiles"
TEST_KEY = b"test-sleutel-van-minstens-32-bytes-lang"


def write_source(spec: dict[str, Any], inbox: Path) -> Path:
    """Build a delivery file from a fixture spec (sheets → xlsx, text → csv/jsonl)."""
    folder = inbox / spec["folder"]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / spec["file_name"]
    if "sheets" in spec:
        write_xlsx(path, spec["sheets"])
    else:
        path.write_bytes(spec["text"].encode(spec.get("encoding", "utf-8")))
    return path


def write_xlsx(path: Path, sheets: dict[str, list[list[Any]]]) -> None:
    """An xlsx with real date cells for datetimes, as an employer's Excel would hold them."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(list(row) if row else [])
        for cells in sheet.iter_rows():
            for cell in cells:
                if isinstance(cell.value, dt.datetime | dt.date):
                    cell.number_format = "dd-mm-yyyy"
    workbook.save(path)


def comparable(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """National fields as text, the way the expected CSV files write them."""

    def text(value: Any) -> str:
        if value is None or (not isinstance(value, list) and pd.isna(value)):
            return ""
        if isinstance(value, list):
            return "|".join(value)
        if isinstance(value, dt.time):
            return value.strftime("%H:%M:%S")
        return str(value)

    return frame[columns].apply(lambda col: col.map(text)).reset_index(drop=True)


@pytest.fixture(scope="session")
def processing_inputs():  # type: ignore[no-untyped-def]
    """Processing inputs for tests: real reference data and profiles, a test key."""
    from connectors.profiles import load_profiles
    from pipeline.ingest.inputs import load_all_fte
    from pipeline.ingest.process import ProcessingInputs
    from pipeline.ingest.reference import load_reference

    return ProcessingInputs(
        reference=load_reference(REFERENCE_DIR),
        profiles=load_profiles(),
        fte=load_all_fte(REFERENCE_DIR),
        pseudonym_key=TEST_KEY,
        max_file_bytes=50 * 2**20,
        today=dt.date(2026, 11, 29),
    )


def load_spec(path: Path) -> dict[str, Any]:
    """Read a fixture spec."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def prefect_harness():  # type: ignore[no-untyped-def]
    """One temporary Prefect server (SQLite) for every flow test of the session."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
