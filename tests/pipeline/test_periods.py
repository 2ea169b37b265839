"""Periods that have not begun are refused; the running quarter is voorlopig (issue 9 point 8)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from connectors import discover_inbox
from pipeline.ingest.process import ProcessedDelivery, ProcessingInputs, process_file
from pipeline.night.steps import load_processed
from pipeline.warehouse.store import build_next_version, open_published
from tests.conftest import PROFILE_FIXTURES, load_spec, write_source


def delivery(tmp_path: Path, inputs: ProcessingInputs, periode: str) -> ProcessedDelivery:
    """The vendor CSV fixture, delivered for `periode` (today is 29-11-2026 in the inputs)."""
    spec = load_spec(PROFILE_FIXTURES / "vendor_csv" / "source.yaml")
    spec["file_name"] = f"incidenten_GM0344_{periode}.csv"
    write_source(spec, tmp_path / "inbox")
    (file,) = discover_inbox(tmp_path / "inbox")
    return process_file(file, inputs)


@pytest.mark.parametrize("periode", ["2027Q1", "2099Q4"])
def test_a_period_that_has_not_begun_is_refused_with_s05(
    tmp_path: Path, processing_inputs: ProcessingInputs, periode: str
) -> None:
    assert processing_inputs.today == dt.date(2026, 11, 29)

    processed = delivery(tmp_path, processing_inputs, periode)

    assert processed.failure is not None and processed.failure.code == "S05"
    assert f"periode {periode} is nog niet begonnen (vandaag is 29-11-2026)" in str(
        processed.edits["bericht"].iloc[0]
    )
    assert processed.rows_loaded == 0


@pytest.mark.parametrize(("periode", "voorlopig"), [("2026Q4", True), ("2026Q3", False)])
def test_the_running_quarter_is_accepted_and_marked_voorlopig(
    tmp_path: Path, processing_inputs: ProcessingInputs, periode: str, voorlopig: bool
) -> None:
    processed = delivery(tmp_path, processing_inputs, periode)

    assert processed.failure is None and processed.meta is not None
    assert processed.meta.voorlopig is voorlopig
    assert processed.rows_loaded == 5  # the vendor fixture: one row cannot be counted


def test_voorlopig_is_kept_in_the_ledger(
    tmp_path: Path, processing_inputs: ProcessingInputs
) -> None:
    processed = delivery(tmp_path, processing_inputs, "2026Q4")
    published = tmp_path / "wh" / "monitor.duckdb"

    with build_next_version(published) as wh:
        run_id = wh.start_run(dt.datetime.now(dt.UTC))
        result = load_processed(wh, processed, run_id)
        wh.finish_run(run_id, "completed", 1, 1, 0)

    assert result.status == "loaded"
    with open_published(published) as wh:
        ledger = wh.query("SELECT periode, voorlopig FROM ops.delivery")
    assert ledger.to_dict("records") == [{"periode": "2026Q4", "voorlopig": True}]
