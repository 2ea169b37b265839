"""The nightly flow end to end on a generated national sample, under Prefect's test harness."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.sample.verify import compare_with_truth, read_truth
from pipeline.settings import DEMO_PSEUDONYM_KEY
from pipeline.warehouse.store import open_published
from tests.flows.conftest import warehouse_fingerprint


def test_loaded_incidents_equal_the_ground_truth(nightly_run: dict[str, Any]) -> None:
    settings = nightly_run["settings"]
    with open_published(settings.warehouse_path) as wh:
        result = compare_with_truth(wh, nightly_run["sample"], DEMO_PSEUDONYM_KEY.encode())
    assert result.incidents_expected > 1000
    assert result.agrees, {k: v[:5] for k, v in vars(result).items() if isinstance(v, list) and v}


def test_every_delivery_conserves_rows(nightly_run: dict[str, Any]) -> None:
    with open_published(nightly_run["settings"].warehouse_path) as wh:
        ledger = wh.query("SELECT * FROM ops.delivery")
        rejected_rows = wh.query("SELECT delivery_id, count(DISTINCT rij) AS n FROM ops.reject "
                                 "WHERE rij IS NOT NULL GROUP BY ALL")  # fmt: skip
    assert len(ledger) == len(read_truth(nightly_run["sample"] / "truth", "deliveries"))
    assert (ledger["rows_in"] == ledger["rows_loaded"] + ledger["rows_rejected"]).all()
    merged = ledger.merge(rejected_rows, on="delivery_id", how="left").fillna({"n": 0})
    assert (merged["rows_rejected"] == merged["n"]).all()


def test_running_again_changes_nothing(nightly_run: dict[str, Any]) -> None:
    second = nightly_run["second"]
    assert second.files_new == 0
    assert second.files_skipped == nightly_run["first"].files_seen
    after = warehouse_fingerprint(nightly_run["settings"].warehouse_path)
    assert after == nightly_run["first_state"]


def test_a_night_with_nothing_new_builds_nothing(nightly_run: dict[str, Any]) -> None:
    first, second = nightly_run["first"], nightly_run["second"]
    assert first.rebuilt and not second.rebuilt
    assert (second.files_new, second.deliveries) == (0, [])  # no file parsed
    assert second.run_id == first.run_id  # no new run in the warehouse
    before, after = nightly_run["built_state"], nightly_run["built_state_after"]
    assert any(path.endswith("rapport/index.html") for path in before)
    assert any(path.endswith("datadocs/index.html") for path in before)
    assert after == before  # warehouse, report and Data Docs keep their modification times
    assert second.per_beroepsgroep == first.per_beroepsgroep


def test_a_rebuild_with_nothing_new_changes_no_figure(nightly_run: dict[str, Any]) -> None:
    first, third = nightly_run["first"], nightly_run["third"]
    assert third.rebuilt and third.files_new == 0  # the fingerprint changed: built again
    assert third.run_id > first.run_id
    assert nightly_run["third_state"] == nightly_run["first_state"]  # ledger, incidents, marts


def test_the_correction_supersedes_the_original(nightly_run: dict[str, Any]) -> None:
    with open_published(nightly_run["settings"].warehouse_path) as wh:
        ledger = wh.query(
            "SELECT delivery_id, bronbestand, status, superseded_by FROM ops.delivery"
        )
        kept = wh.query("SELECT DISTINCT delivery_id FROM core.incident")
    original = ledger[ledger["status"] == "superseded"]
    assert len(original) == 1
    correction = ledger[ledger["delivery_id"] == original["superseded_by"].iloc[0]]
    assert correction["bronbestand"].iloc[0].endswith("_correctie.xlsx")
    assert correction["status"].iloc[0] == "loaded"
    assert original["delivery_id"].iloc[0] not in set(kept["delivery_id"])


def test_nil_return_counts_as_delivered_and_the_missing_quarter_does_not(
    nightly_run: dict[str, Any],
) -> None:
    truth = read_truth(nightly_run["sample"] / "truth", "deliveries")
    nil = truth[truth["geen_incidenten"] == "ja"]
    with open_published(nightly_run["settings"].warehouse_path) as wh:
        levering = wh.query("SELECT organisatiecode, periode, status FROM mart.levering")
    statuses = levering.set_index(["organisatiecode", "periode"])["status"]
    for org, periode in zip(nil["organisatiecode"], nil["periode"], strict=True):
        assert statuses[(org, periode)] == "nullevering"
    missing = levering[levering["status"] == "ontbreekt"]
    below_floor = json.loads((nightly_run["sample"] / "sample.json").read_text())["cases"][
        "below_floor"]  # fmt: skip
    expected = [["GM1969", "2025Q3"], *([code, "2024Q4"] for code in below_floor["niet_geleverd"])]
    assert sorted(missing[["organisatiecode", "periode"]].values.tolist()) == sorted(expected)
    assert len(expected) >= 3


def test_old_gemeentecode_maps_to_its_successor(nightly_run: dict[str, Any]) -> None:
    with open_published(nightly_run["settings"].warehouse_path) as wh:
        old = wh.query("SELECT DISTINCT organisatiecode, organisatiecode_bron FROM ops.delivery "
                       "WHERE organisatiecode_bron = 'GM0501'")  # fmt: skip
    assert old.values.tolist() == [["GM1992", "GM0501"]]
    with open_published(nightly_run["settings"].warehouse_path) as wh:
        rows = wh.query("SELECT organisatiecode, count(*) AS n FROM core.incident "
                        "WHERE organisatiecode_bron = 'GM0501' GROUP BY ALL")  # fmt: skip
    assert rows["organisatiecode"].tolist() == ["GM1992"]  # re-coded to today's gemeente
    assert int(rows["n"].iloc[0]) >= 3  # incident rows, not a nil return


def test_no_raw_employee_id_or_free_text_in_the_warehouse(nightly_run: dict[str, Any]) -> None:
    raw_ids = set(read_truth(nightly_run["sample"] / "truth", "incidents")["medewerker_id"]) - {""}
    with open_published(nightly_run["settings"].warehouse_path) as wh:
        columns = wh.query("SELECT table_schema, table_name, column_name FROM information_schema.columns "
                           "WHERE data_type = 'VARCHAR' AND table_schema IN ('core', 'ops', 'mart')")  # fmt: skip
        assert (
            not columns["column_name"].str.contains("omschrijving|toelichting|medewerker_id").any()
        )
        found: set[str] = set()
        for (schema, table), cols in columns.groupby(["table_schema", "table_name"]):
            values = wh.query(f"SELECT {', '.join(cols['column_name'])} FROM {schema}.{table}")
            found |= set(pd.unique(values.astype(str).to_numpy().ravel()))
    assert raw_ids, "the sample has employee ids"
    assert not raw_ids & found


def test_verify_command_agrees_and_catches_a_tampered_warehouse(
    nightly_run: dict[str, Any], tmp_path: Path
) -> None:
    import shutil

    import duckdb
    from typer.testing import CliRunner

    from flows.cli import app

    settings, sample = nightly_run["settings"], nightly_run["sample"]
    runner = CliRunner()
    good = runner.invoke(
        app, ["verify", "--sample", str(sample), "--warehouse", str(settings.warehouse_path)]
    )
    assert good.exit_code == 0, good.output
    assert "klopt met de grondwaarheid" in good.output

    tampered = tmp_path / "tampered.duckdb"
    shutil.copy(settings.warehouse_path, tampered)
    with duckdb.connect(str(tampered)) as con:
        con.execute("UPDATE core.incident SET kanaal = 'online' WHERE rowid = (SELECT min(rowid) FROM core.incident "
                    "WHERE kanaal IS DISTINCT FROM 'online')")  # fmt: skip
    bad = runner.invoke(app, ["verify", "--sample", str(sample), "--warehouse", str(tampered)])
    assert bad.exit_code == 1
    assert "afwijkende veldwaarden: 1" in bad.output


def test_batch_checks_are_stored_per_delivery_with_history_from_the_same_run(
    nightly_run: dict[str, Any],
) -> None:
    with open_published(nightly_run["settings"].warehouse_path) as wh:
        dq = wh.query("SELECT d.periode, r.code, r.success FROM ops.dq_result r "
                      "JOIN ops.delivery d USING (delivery_id)")  # fmt: skip
        loaded = wh.query("SELECT count(*) AS n FROM ops.delivery WHERE status <> 'rejected'")
    assert set(dq["code"]) == {"B01", "B02", "B03", "B04"}
    assert dq[dq["code"] == "B03"].shape[0] == loaded["n"].iloc[0]
    volume = dq[(dq["code"] == "B03") & dq["success"].notna()]
    # two earlier deliveries are needed: never in Q1, always possible from Q3 (and for a Q2 correction)
    assert "2025Q1" not in set(volume["periode"])
    assert {"2025Q3", "2025Q4"} <= set(volume["periode"])


def test_the_batch_checks_judged_once_a_night_are_each_deliverys_own(
    nightly_run: dict[str, Any],
) -> None:
    """The workers measure the batch checks and the night judges every delivery in one GX
    validation: each delivery gets a result for every check, and B01, B02 and B04 (which look
    at the delivery's own rows only) are what a self-check of the same file finds; B03 also
    looks at the organisation's earlier deliveries, which a self-check here does not have."""
    import datetime as dt

    from pipeline.ingest.batch_catalogue import BATCH_CHECKS
    from pipeline.night.check import check_file

    settings = nightly_run["settings"]
    with open_published(settings.warehouse_path) as wh:
        ledger = wh.query("SELECT delivery_id, organisatiecode_bron, bronbestand, status, rows_in "
                          "FROM ops.delivery ORDER BY delivery_id")  # fmt: skip
        dq = wh.query("SELECT delivery_id, code, kolom, success, observed, threshold, bericht "
                      "FROM ops.dq_result")  # fmt: skip
    per_delivery = dq.groupby("delivery_id").size()
    checked = ledger[ledger["status"] != "rejected"]
    assert len(checked) > 100
    assert set(per_delivery.index) == set(checked["delivery_id"])
    assert (per_delivery == len(BATCH_CHECKS)).all()

    def results(frame: pd.DataFrame) -> set[tuple[Any, ...]]:
        own = frame[frame["code"] != "B03"].astype(object)
        return {tuple(None if pd.isna(v) else v for v in row)
                for row in own[["code", "kolom", "success", "observed", "threshold",
                                "bericht"]].itertuples(index=False)}  # fmt: skip

    big = checked[checked["rows_in"] >= 10].head(8)  # the share checks run from ten rows on
    assert len(big) >= 4
    today = dt.date.fromisoformat(nightly_run["first"].started_at[:10])
    inbox = nightly_run["sample"] / "inbox"
    for delivery in big.itertuples():
        path = inbox / delivery.organisatiecode_bron / delivery.bronbestand
        alone = check_file(path, delivery.organisatiecode_bron, settings, today)
        assert results(dq[dq["delivery_id"] == delivery.delivery_id]) == results(alone.dq), path
