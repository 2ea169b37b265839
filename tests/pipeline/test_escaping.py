"""Markup in file names and cell values never runs as script in a page we make (issue 9 point 4).

The pages are opened in a real headless Chromium (Debian's /usr/bin/chromium, driven by
Playwright); every payload calls alert(), so a script that runs shows up as a dialog.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from connectors import discover_inbox
from pipeline.employers.datadocs import build_data_docs, store_reports
from pipeline.employers.feedback import DeliveryOutcome, build_feedback
from pipeline.employers.feedback_writer import write_feedback
from pipeline.employers.quality import delivery_quality
from pipeline.ingest.batch import DeliveryLabel, validate_batch
from pipeline.ingest.process import ProcessingInputs, process_file
from tests.conftest import PROFILE_FIXTURES, load_spec, write_source

CHROMIUM = Path("/usr/bin/chromium")
MARKUP_NAME = "<img src=x onerror=alert('naam')> 2025Q3.csv"
MARKUP_CELL = "<script>alert('cel')</script><img src=x onerror=alert('cel2')>"
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium ontbreekt")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield chromium
        chromium.close()


def scripts_run(browser: Any, *pages: Path) -> list[str]:
    """The alert() messages the pages show while they load and render (their own scripts too)."""
    fired: list[str] = []
    for path in pages:
        page = browser.new_page()
        page.on("dialog", lambda dialog: (fired.append(dialog.message), dialog.dismiss()))
        page.goto(path.resolve().as_uri(), wait_until="load")
        page.wait_for_timeout(700)  # Data Docs fills its tables from script after the load event
        page.close()
    return fired


def test_the_check_sees_a_script_that_runs(browser: Any, tmp_path: Path) -> None:
    page = tmp_path / "kaal.html"
    page.write_text(f"<!doctype html><p>{MARKUP_CELL}</p>", encoding="utf-8")

    assert sorted(scripts_run(browser, page)) == ["cel", "cel2"]


@pytest.mark.parametrize("stored_before_the_fix", [False, True])
def test_data_docs_do_not_run_markup_in_file_names_or_values(
    browser: Any, tmp_path: Path, stored_before_the_fix: bool
) -> None:
    """A file name with <img onerror> used to run as JavaScript in the GX Data Docs."""
    rows = 14
    frame = pd.DataFrame({
        "bron_incidentnummer": [f"INC-{i}" for i in range(rows)],
        "incidentdatum": [dt.date(2025, 7, 1)] * rows,
        "kanaal": [MARKUP_CELL] * rows,
        "context": ["onbekend"] * rows,
        "letsel": [MARKUP_CELL] * rows,
        "aangifte": ["ja"] * rows,
    })  # fmt: skip
    label = DeliveryLabel("GM0344", "2025Q3", MARKUP_NAME)
    report = validate_batch(frame, [40, 50], label).report
    assert report is not None
    if stored_before_the_fix:  # a report in the store still carries the raw file name
        report["meta"]["run_id"]["run_name"] = f"GM0344 2025Q3 {MARKUP_NAME}"
        report["meta"]["batch_parameters"]["bestand"] = MARKUP_NAME
    store_reports(tmp_path, [report], keep=10)

    index = build_data_docs(tmp_path)

    pages = [index, *(index.parent / "validations").rglob("*.html")]
    assert len(pages) == 2, "the index and one validation page"
    assert scripts_run(browser, *pages) == []
    assert "GM0344 2025Q3" in pages[1].read_text(encoding="utf-8")  # the delivery is still named


def test_feedback_page_does_not_run_markup_in_file_names_or_values(
    browser: Any, tmp_path: Path, processing_inputs: ProcessingInputs
) -> None:
    spec = load_spec(PROFILE_FIXTURES / "vendor_csv" / "source.yaml")
    spec["file_name"] = MARKUP_NAME
    spec["text"] = (
        spec["text"]
        .replace(";F;HH;", f";{MARKUP_CELL};HH;", 1)
        .replace("Café-eigenaar", MARKUP_CELL)
    )
    write_source(spec, tmp_path / "inbox")
    (file,) = discover_inbox(tmp_path / "inbox")
    processed = process_file(file, processing_inputs)
    assert processed.failure is None, processed.failure
    now = dt.datetime.now(dt.UTC)
    outcome = DeliveryOutcome(1, "loaded", now, delivery_quality(processed, now, 30))
    feedback = build_feedback(processed, outcome, processing_inputs.reference.organisation_names)

    xlsx = write_feedback(tmp_path / "feedback", feedback)

    html = xlsx.with_suffix(".html")
    assert scripts_run(browser, html) == []
    assert "2025Q3" in html.read_text(encoding="utf-8")
