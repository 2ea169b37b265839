"""The `monitor` CLI: what data engineers and analysts type."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from flows.cli import app
from tests.conftest import PROFILE_FIXTURES, TEST_KEY, load_spec, write_source

runner = CliRunner()


def test_schema_exports_the_standard_as_json(tmp_path: Path) -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0, result.output
    standard = json.loads(result.output)
    assert "Incident" in standard["models"]
    assert "gedragstypen" in standard["models"]["Incident"]["properties"]
    assert {"S01", "E06", "W05"} <= {e["code"] for e in standard["controles"]["lijst"]}

    out = tmp_path / "schema.json"
    assert runner.invoke(app, ["schema", "--out", str(out)]).exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8")) == standard


def test_status_without_a_warehouse_says_so_in_dutch(tmp_path: Path) -> None:
    result = runner.invoke(app, ["status", "--warehouse", str(tmp_path / "geen.duckdb")])
    assert result.exit_code == 2
    assert "Geen warehouse" in result.output


def test_the_deployment_runs_nightly_at_two_in_amsterdam() -> None:
    from flows.nightly import nightly_deployment
    from pipeline.settings import Settings

    deployment = nightly_deployment(Settings(), "0 2 * * *", "Europe/Amsterdam")
    schedule = deployment.schedules[0].schedule
    assert (schedule.cron, schedule.timezone) == ("0 2 * * *", "Europe/Amsterdam")
    assert deployment.name == "nightly"


def test_run_json_status_and_verify_on_a_small_inbox(
    tmp_path: Path, prefect_harness: None, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    inbox = tmp_path / "inbox"
    for folder in sorted(PROFILE_FIXTURES.iterdir()):
        write_source(load_spec(folder / "source.yaml"), inbox)
    warehouse = tmp_path / "wh" / "monitor.duckdb"
    monkeypatch.setenv("MONITOR_PSEUDONYM_KEY", TEST_KEY.decode())

    result = runner.invoke(
        app, ["run", "--inbox", str(inbox), "--warehouse", str(warehouse), "--json"]
    )
    assert result.exit_code == 0, result.output
    # the first JSON object: Prefect's console handler may still hold the stream of an earlier
    # CliRunner in this process, and report its "Logging error" after the summary
    summary, _ = json.JSONDecoder().raw_decode(result.output, result.output.index("{"))
    assert summary["files_new"] == 5
    assert (
        sum(d["rows_loaded"] for d in summary["deliveries"]) == 20
    )  # invalid optional values: W06, kept
    assert all(d["rows_in"] == d["rows_loaded"] + d["rows_rejected"] for d in summary["deliveries"])

    status = runner.invoke(app, ["status", "--warehouse", str(warehouse), "--json"])
    assert status.exit_code == 0, status.output
    ledger = json.loads(status.output)["grootboek"]
    assert [row["status"] for row in ledger] == ["loaded"]
    assert ledger[0]["leveringen"] == 5


def test_check_reports_the_same_outcome_as_the_nightly_run_without_loading(tmp_path: Path) -> None:
    spec = load_spec(PROFILE_FIXTURES / "vendor_csv" / "source.yaml")
    path = write_source(spec, tmp_path)

    result = runner.invoke(app, ["check", str(path), "--org", "GM0344", "--json"])

    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert (report["rows_in"], report["rows_loaded"], report["rows_rejected"]) == (6, 5, 1)
    assert report["profile"] == "vendor_csv"
    assert {(e["code"], e["row"], e["field"]) for e in report["edits"]} == {
        ("E03", 3, "incidentdatum"), ("W06", 4, "aantal_daders"),
        ("W06", 6, "verzuim_dagen"), ("W06", 7, "gemeentecode_locatie"),
    }  # fmt: skip
    assert report["vervangt"] is None  # no published warehouse here
    assert not list(tmp_path.rglob("*.duckdb"))


def test_check_maps_an_old_gemeentecode_and_refuses_an_unreadable_file(tmp_path: Path) -> None:
    spec = load_spec(PROFILE_FIXTURES / "vendor_csv" / "source.yaml")
    spec.update(folder="GM0501", file_name="incidenten_GM0501_2025Q3.csv")
    path = write_source(spec, tmp_path)
    report = json.loads(
        runner.invoke(app, ["check", str(path), "--org", "GM0501", "--json"]).output
    )
    assert (report["organisatiecode"], report["organisatiecode_bron"]) == ("GM1992", "GM0501")

    broken = tmp_path / "GM0014_2025Q1.xlsx"
    broken.write_text("<html>dit is geen Excel</html>", encoding="utf-8")
    result = runner.invoke(app, ["check", str(broken), "--org", "GM0014", "--json"])
    assert result.exit_code == 2
    assert [e["code"] for e in json.loads(result.output)["edits"]] == ["S01"]


def test_template_command_writes_the_national_template_and_refuses_a_bad_period(
    tmp_path: Path,
) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "sub" / "sjabloon.xlsx"
    result = runner.invoke(
        app, ["template", "--out", str(out), "--org", "GM0344", "--period", "2025Q3"]
    )
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    assert book.sheetnames == ["Toelichting", "Aanlevering", "Incidenten", "Codelijsten"]
    values = {row[0]: row[1] for row in book["Aanlevering"].iter_rows(values_only=True)}
    assert (values["organisatiecode"], values["periode"]) == ("GM0344", "2025Q3")
    assert book["Incidenten"].data_validations.dataValidation

    bad = runner.invoke(app, ["template", "--out", str(tmp_path / "x.xlsx"), "--period", "2025-3"])
    assert bad.exit_code == 2 and "heeft niet de vorm 2025Q1" in bad.output
