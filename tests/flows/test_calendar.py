"""The informatiepositie by the calendar (DESIGN §12): expected periods from the start period
to today, whatever was delivered; `monitor status --period P --missing` names who owes P."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from pipeline.ingest.inputs import write_reference_tables
from pipeline.ingest.process import ProcessingInputs
from pipeline.settings import Settings
from pipeline.warehouse.store import build_next_version, open_published
from schemas.incident import Periode
from tests.pipeline.test_marts import load

runner = CliRunner()
DELIVERED_2025Q1 = ["GM0344", "GM0363", "VR01"]  # only a few organisations delivered 2025Q1


def running_quarter(today: dt.date) -> Periode:
    return Periode(jaar=today.year, kwartaal=(today.month - 1) // 3 + 1)


def build(path: Path, inputs: ProcessingInputs, start: str | None, deadline_days: int = 30) -> Path:
    with build_next_version(path) as wh:
        write_reference_tables(wh, replace(inputs, deadline_days=deadline_days), 0.6, start)
        for org in DELIVERED_2025Q1:
            load(wh, org, "2025Q1", "nationaal_sjabloon", 1, 1)
        wh.refresh_marts()
    return path


def status(warehouse: Path, *args: str) -> dict[str, list[dict[str, object]]]:
    result = runner.invoke(app, ["status", "--warehouse", str(warehouse), "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_a_quarter_nobody_delivered_is_owed_by_every_organisation(
    tmp_path: Path, processing_inputs: ProcessingInputs
) -> None:
    warehouse = build(tmp_path / "monitor.duckdb", processing_inputs, "2025Q1")
    everyone = set(processing_inputs.reference.organisations()["organisatiecode"])
    assert len(everyone) == 368

    owing = status(warehouse, "--period", "2025Q3", "--missing")["ontbreekt"]

    assert {row["organisatiecode"] for row in owing} == everyone
    assert {(row["periode"], row["status"]) for row in owing} == {("2025Q3", "ontbreekt")}
    first = status(warehouse, "--period", "2025Q1", "--missing")["ontbreekt"]
    assert {row["organisatiecode"] for row in first} == everyone - set(DELIVERED_2025Q1)


def test_the_calendar_runs_from_the_start_period_to_the_running_quarter(
    tmp_path: Path, processing_inputs: ProcessingInputs
) -> None:
    today = dt.date.today()
    running = running_quarter(today)
    warehouse = build(tmp_path / "monitor.duckdb", processing_inputs, "2024Q3")
    with open_published(warehouse) as wh:
        statuses = wh.query("SELECT periode, status, count(*) AS n FROM mart.levering "
                            "GROUP BY ALL ORDER BY periode")  # fmt: skip
    periods = sorted(set(statuses["periode"]))
    assert periods[0] == "2024Q3" and periods[-1] == running.code
    by_period = statuses.groupby("periode")["status"].apply(set).to_dict()
    assert by_period["2024Q4"] == {"ontbreekt"}
    assert by_period[running.code] == {"nog_niet_verwacht"}
    assert by_period["2025Q1"] == {"geleverd", "ontbreekt"}


def test_a_quarter_is_not_yet_received_until_its_deadline(
    tmp_path: Path, processing_inputs: ProcessingInputs
) -> None:
    today = dt.date.today()
    running = running_quarter(today)
    previous = Periode(jaar=running.jaar - (running.kwartaal == 1),
                       kwartaal=(running.kwartaal - 2) % 4 + 1)  # fmt: skip
    # a deadline of 100 days after the quarter: the previous quarter's deadline has not passed
    warehouse = build(tmp_path / "monitor.duckdb", processing_inputs, "2025Q1", deadline_days=100)

    owing = status(warehouse, "--period", previous.code, "--missing")["ontbreekt"]
    assert len(owing) == 368
    assert {row["status"] for row in owing} == {"nog_niet_ontvangen"}
    running_rows = status(warehouse, "--period", running.code, "--missing")["ontbreekt"]
    assert running_rows == []
    text = runner.invoke(app, ["status", "--warehouse", str(warehouse), "--missing",
                               "--period", running.code])  # fmt: skip
    assert "Het kwartaal loopt nog: 368 organisaties" in text.output
    later = runner.invoke(app, ["status", "--warehouse", str(warehouse), "--missing",
                                "--period", f"{running.jaar + 1}Q4"])  # fmt: skip
    assert "wordt (nog) niemand verwacht" in later.output


def test_without_a_start_period_the_delivered_periods_are_expected(
    tmp_path: Path, processing_inputs: ProcessingInputs
) -> None:
    warehouse = build(tmp_path / "monitor.duckdb", processing_inputs, None)
    with open_published(warehouse) as wh:
        periods = wh.query("SELECT DISTINCT periode FROM mart.levering")["periode"].tolist()
    assert periods == ["2025Q1"]


@pytest.mark.parametrize("text", ["2025-1", "Q1 2025", "2025Q5"])
def test_a_bad_start_period_is_refused_in_dutch(text: str) -> None:
    with pytest.raises(ValueError, match=r"MONITOR_START_PERIODE .* geen kwartaal"):
        Settings(start_periode=text)
    assert Settings(start_periode="2025q1").start_periode == "2025Q1"


def test_a_figure_is_provisional_until_its_deadline_and_every_delivery(
    tmp_path: Path, processing_inputs: ProcessingInputs
) -> None:
    running = running_quarter(dt.date.today())
    warehouse = build(tmp_path / "monitor.duckdb", processing_inputs, "2025Q1")
    with open_published(warehouse) as wh:
        rows = wh.query("SELECT niveau, gebiedcode, periodetype, periode, cijferstatus "
                        "FROM mart.indicatoren WHERE beroepsgroep = 'boa'")  # fmt: skip
        counts = wh.query("SELECT DISTINCT gebiedcode, periode, cijferstatus "
                          "FROM mart.incidenten_zwaarste WHERE niveau = 'gemeente'")  # fmt: skip
    status = rows.set_index(["niveau", "gebiedcode", "periodetype", "periode"])["cijferstatus"]
    # Utrecht delivered 2025Q1 and its deadline has passed: final; the country still misses many
    assert status[("gemeente", "GM0344", "kwartaal", "2025Q1")] == "definitief"
    assert status[("nationaal", "NL", "kwartaal", "2025Q1")] == "voorlopig"
    assert status[("gemeente", "GM0014", "kwartaal", "2025Q1")] == "voorlopig"
    assert status[("gemeente", "GM0344", "jaar", "2025")] == "voorlopig"  # Q2-Q4 never came
    assert status[("gemeente", "GM0344", "kwartaal", running.code)] == "voorlopig"
    assert set(rows["cijferstatus"]) == {"voorlopig", "definitief"}
    assert counts.set_index(["gebiedcode", "periode"]).loc[
        ("GM0344", "2025Q1"), "cijferstatus"
    ] == ("definitief")
