"""`monitor check` against the published warehouse: volume with history, and `vervangt`."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from flows.cli import app
from pipeline.night.check import check_feedback, check_file, read_warehouse, replaced_delivery
from pipeline.warehouse.store import open_published


def _busiest_gemeente(settings: Any) -> tuple[str, str, int, int]:
    """(organisatiecode, periode, delivery_id, rows_loaded) of a gemeente with most history."""
    with open_published(settings.warehouse_path) as warehouse:
        frame = warehouse.query(
            "SELECT organisatiecode, periode, delivery_id, rows_loaded, "
            "count(*) OVER (PARTITION BY organisatiecode) AS n FROM ops.delivery "
            "WHERE status = 'loaded' AND organisatiecode LIKE 'GM%' AND rows_loaded > 2 "
            "ORDER BY n DESC, organisatiecode, periode LIMIT 1"
        )
    row = frame.iloc[0]
    return row.organisatiecode, row.periode, int(row.delivery_id), int(row.rows_loaded)


def _small_file(tmp_path: Path, org: str, periode: str) -> Path:
    jaar, kwartaal = periode.split("Q")
    day = dt.date(int(jaar), 3 * int(kwartaal) - 1, 10)
    path = tmp_path / f"meldingen_{org}_{periode}.csv"
    path.write_text(
        "Incidentnummer;Datum;Soort agressie\n"
        f"C-1;{day:%d-%m-%Y};verbaal\nC-2;{day:%d-%m-%Y};Fysiek geweld\n",
        encoding="utf-8",
    )
    return path


def test_check_knows_the_history_and_what_it_would_replace(
    nightly_run: dict[str, Any], tmp_path: Path
) -> None:
    settings = nightly_run["settings"]
    org, periode, delivery_id, rows_loaded = _busiest_gemeente(settings)
    path = _small_file(tmp_path, org, periode)
    view = read_warehouse(settings.warehouse_path)

    processed = check_file(path, org, settings, dt.date(2026, 6, 1), warehouse=view)
    vervangt = replaced_delivery(processed, view)

    assert processed.failure is None and processed.rows_loaded == 2
    assert vervangt is not None
    assert vervangt.as_json() == {"delivery_id": delivery_id, "periode": periode,
                                  "rows_loaded": rows_loaded}  # fmt: skip
    b03 = processed.dq[processed.dq["code"] == "B03"].iloc[0]
    assert b03["success"] is not None and "eerdere leveringen" not in str(b03["observed"])
    feedback = check_feedback(processed, settings, dt.datetime(2026, 6, 1, tzinfo=dt.UTC),
                              vervangt=vervangt)  # fmt: skip
    note = dict(feedback.summary)["Let op"]
    assert f"vervangt levering {delivery_id}" in note
    assert f"{rows_loaded} incidenten" in note and f"{periode} 2 incidenten" in note


def test_check_json_gains_vervangt(
    nightly_run: dict[str, Any], tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    settings = nightly_run["settings"]
    org, periode, delivery_id, rows_loaded = _busiest_gemeente(settings)
    monkeypatch.setenv("MONITOR_WAREHOUSE_PATH", str(settings.warehouse_path))
    path = _small_file(tmp_path, org, periode)

    result = CliRunner().invoke(app, ["check", str(path), "--org", org, "--json"])

    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["vervangt"] == {"delivery_id": delivery_id, "periode": periode,
                                  "rows_loaded": rows_loaded}  # fmt: skip
    assert str(rows_loaded) in report["meldingen"][0]
