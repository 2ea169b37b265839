"""The employer's side of a nightly run: feedback files, informatiepositie and quality score."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import load_workbook
from typer.testing import CliRunner

from flows.cli import app
from pipeline.sample.verify import read_truth
from pipeline.warehouse.store import open_published

runner = CliRunner()


def feedback_files(root: Path) -> dict[int, Path]:
    """Delivery id → its feedback workbook."""
    return {int(p.name.split("_")[0].removeprefix("levering-")): p
            for p in root.rglob("levering-*.xlsx")}  # fmt: skip


def sheet_rows(path: Path, sheet: str) -> list[dict[str, Any]]:
    """A sheet's rows as dicts by header."""
    rows = list(load_workbook(path, read_only=True)[sheet].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_every_delivery_gets_feedback_whose_edits_match_the_warehouse(
    nightly_run: dict[str, Any],
) -> None:
    settings = nightly_run["settings"]
    with open_published(settings.warehouse_path) as wh:
        ledger = wh.query(
            "SELECT delivery_id, organisatiecode, organisatiecode_bron FROM ops.delivery"
        )
        edits = wh.query("SELECT delivery_id, code, severity, rij, veld FROM ops.edit")
    files = feedback_files(settings.feedback_directory)
    assert set(files) == set(ledger["delivery_id"])
    with_edits = edits.groupby("delivery_id")
    assert with_edits.ngroups >= 30
    for delivery_id, expected in with_edits:
        path = files[int(delivery_id)]
        stored = Counter(
            (r.code, "fout" if r.severity == "error" else "waarschuwing",
             None if pd.isna(r.rij) else int(r.rij), r.veld if isinstance(r.veld, str) else None)
            for r in expected.itertuples()
        )  # fmt: skip
        in_file = Counter(
            (r["code"], r["ernst"], r["rij"], r["veld"]) for r in sheet_rows(path, "Meldingen")
        )
        assert in_file == stored, path.name
        lines = [line for line in path.with_suffix(".csv").read_text("utf-8-sig").splitlines()
                 if not line.startswith("#")]  # fmt: skip
        in_csv = list(csv.DictReader(io.StringIO("\n".join(lines)), delimiter=";"))
        assert Counter(r["code"] for r in in_csv) == Counter(c for c, *_ in stored.elements())


def test_feedback_explains_each_edit_in_dutch_with_what_was_expected(
    nightly_run: dict[str, Any],
) -> None:
    settings = nightly_run["settings"]
    rows = [row for path in settings.feedback_directory.rglob("levering-*.xlsx")
            for row in sheet_rows(path, "Meldingen")]  # fmt: skip
    assert rows
    assert all(
        r["verwacht"] and r["oplossing"] and r["melding"].startswith(r["code"]) for r in rows
    )
    w06 = [r for r in rows if r["code"] == "W06" and r["veld"] == "kanaal"]  # kept, not rejected
    assert w06 and all("fysiek, telefonisch" in r["verwacht"] for r in w06)
    w04 = [r for r in rows if r["code"] == "W04"]
    assert w04 and all("tot en met" in r["verwacht"] for r in w04)


def test_a_rerun_writes_no_feedback_again(nightly_run: dict[str, Any]) -> None:
    root = nightly_run["settings"].feedback_directory
    now = {p: p.stat().st_mtime_ns for p in root.rglob("*")}
    assert now == nightly_run["feedback_state"]


def test_status_missing_names_exactly_the_quarter_the_sample_left_out(
    nightly_run: dict[str, Any],
) -> None:
    settings = nightly_run["settings"]
    manifest = json.loads((nightly_run["sample"] / "sample.json").read_text())
    left_out = manifest["cases"]["missing_quarter"]

    result = runner.invoke(
        app, ["status", "--warehouse", str(settings.warehouse_path), "--missing", "--json"]
    )

    assert result.exit_code == 0, result.output
    missing = json.loads(result.output)["ontbreekt"]
    below_floor = manifest["cases"]["below_floor"]  # the series' region below the floor
    expected = [(left_out["organisatiecode"], left_out["periode"], "ontbreekt"),
                *((code, below_floor["periode"], "ontbreekt") for code in below_floor["niet_geleverd"])]  # fmt: skip
    assert sorted((m["organisatiecode"], m["periode"], m["status"]) for m in missing) == sorted(
        expected
    )
    other = runner.invoke(app, ["status", "--warehouse", str(settings.warehouse_path), "--missing",
                                "--period", "2025q1", "--json"])  # fmt: skip
    assert json.loads(other.output)["ontbreekt"] == []
    nil = {(c["organisatiecode"], c["periode"]) for c in manifest["cases"]["nil_returns"]}
    assert nil and not nil & {(m["organisatiecode"], m["periode"]) for m in missing}


def test_status_shows_the_informatiepositie_in_dutch(nightly_run: dict[str, Any]) -> None:
    warehouse = nightly_run["settings"].warehouse_path
    result = runner.invoke(app, ["status", "--warehouse", str(warehouse)])
    assert result.exit_code == 0, result.output
    assert "Informatiepositie per beroepsgroep en kwartaal" in result.output
    assert "Laagste kwaliteitsscores" in result.output
    assert "GM1969" in result.output
    bad = runner.invoke(app, ["status", "--warehouse", str(warehouse), "--period", "2025-1"])
    assert bad.exit_code == 2 and "Ongeldige periode" in bad.output


def test_coverage_counts_nil_returns_and_shares_of_fte(nightly_run: dict[str, Any]) -> None:
    truth = read_truth(nightly_run["sample"] / "truth", "deliveries")
    delivered = truth[truth["status"] != "rejected"].drop_duplicates(["organisatiecode", "periode"])
    with open_published(nightly_run["settings"].warehouse_path) as wh:
        dekking = wh.query("SELECT * FROM mart.dekking")
        orgs = wh.query("SELECT organisatiecode, beroepsgroep FROM ref.organisatie")
    delivered = delivered.merge(orgs, on="organisatiecode")
    expected = delivered.groupby(["beroepsgroep", "periode"]).size()
    expected_orgs = orgs.groupby("beroepsgroep").size()
    for row in dekking.itertuples():
        assert row.organisaties_verwacht == expected_orgs[row.beroepsgroep]
        assert (
            row.organisaties_geleverd - row.organisaties_gedekt
            == expected[(row.beroepsgroep, row.periode)]
        )
        assert row.organisaties_geleverd + row.organisaties_ontbreekt == row.organisaties_verwacht
        assert row.fte_gedekt <= row.fte_verwacht
    boa_q3 = dekking[(dekking["beroepsgroep"] == "boa") & (dekking["periode"] == "2025Q3")].iloc[0]
    assert boa_q3.organisaties_ontbreekt == 1 and boa_q3.fte_pct < 100
    assert dekking["organisaties_nullevering"].sum() == (truth["geen_incidenten"] == "ja").sum()


def test_every_delivery_has_a_quality_score(nightly_run: dict[str, Any]) -> None:
    with open_published(nightly_run["settings"].warehouse_path) as wh:
        scores = wh.query("SELECT * FROM mart.kwaliteit_levering")
        ledger = wh.query("SELECT delivery_id FROM ops.delivery")
        per_org = wh.query("SELECT * FROM mart.kwaliteit_organisatie_jaar")
    assert set(scores["delivery_id"]) == set(ledger["delivery_id"])
    assert scores["kwaliteitsscore"].between(0, 100).all()
    rejected = scores[scores["status"] == "rejected"]
    assert len(rejected) == 1 and (rejected["kwaliteitsscore"] == 0).all()
    with_rejects = scores[scores["rijen_afgekeurd"] > 0]
    share = 1 - with_rejects["rijen_afgekeurd"] / with_rejects["rijen_ontvangen"]
    assert (abs(with_rejects["aandeel_foutloos"] - share) < 0.001).all()
    assert (with_rejects["kwaliteitsscore"] < 100).all()
    assert per_org["gemiddelde_score"].between(0, 100).all() and len(per_org) > 300


def test_data_docs_site_is_built_with_a_capped_history(nightly_run: dict[str, Any]) -> None:
    settings = nightly_run["settings"]
    index = settings.reports_directory / "datadocs" / "index.html"
    stored = list((settings.reports_directory / "gx" / "validations").glob("*.json"))
    assert nightly_run["first"].datadocs == str(index) and index.is_file()
    assert 0 < len(stored) <= settings.datadocs_keep  # the cap itself: tests/pipeline/test_datadocs
    pages = [p for p in (index.parent / "validations").rglob("*.html")]
    assert len(pages) == len(stored)
    # one validation a night, not one per delivery or per chunk: it names the deliveries it
    # judged (the later runs of the fixture had nothing new to judge)
    several = [
        json.loads(p.read_text(encoding="utf-8")) for p in stored if "-leveringen_" in p.name
    ]
    assert len(several) == len(stored) == 1, [p.name for p in stored]
    assert int(several[0]["meta"]["batch_parameters"]["leveringen"]) > 100


def test_covered_and_late_deliveries_show_in_the_informatiepositie(
    nightly_run: dict[str, Any],
) -> None:
    cases = json.loads((nightly_run["sample"] / "sample.json").read_text())["cases"]
    (relation,) = cases["levert_voor"]
    (late,) = cases["late"]
    with open_published(nightly_run["settings"].warehouse_path) as wh:
        levering = wh.query("SELECT * FROM mart.levering").set_index(["organisatiecode", "periode"])
        quality = wh.query(
            "SELECT * FROM mart.kwaliteit_levering WHERE bronbestand = ?", [late["bronbestand"]]
        )
    covered = levering.loc[relation["organisatiecode"]]
    assert (covered["status"] == "gedekt").all() and (
        covered["gedekt_door"] == relation["leverancier"]
    ).all()
    assert covered["geleverd"].all()
    row = levering.loc[(late["organisatiecode"], late["periode"])]
    assert row["te_laat"] and row["dagen_te_laat"] == 20 and row["status"] == "geleverd"
    assert levering["te_laat"].sum() == 1
    assert quality["dagen_te_laat"].tolist() == [20] and quality["tijdigheid"].iloc[0] < 1


def test_data_docs_and_a_feedback_page_open_in_chromium_without_errors(
    nightly_run: dict[str, Any], tmp_path: Path
) -> None:
    import shutil
    import subprocess
    import sys

    import pytest

    if shutil.which("chromium") is None and not Path("/usr/bin/chromium").exists():
        pytest.skip("Chromium is not installed (Debian package chromium)")
    settings = nightly_run["settings"]
    feedback = next(settings.feedback_directory.glob("POL/*.html"))
    pages = [settings.reports_directory / "datadocs" / "index.html", feedback]
    script = Path(__file__).resolve().parents[2] / "scripts" / "browser_check.py"
    done = subprocess.run([sys.executable, str(script), *map(str, pages), "--screenshots", str(tmp_path),
                           "--json"], capture_output=True, text=True, timeout=120)  # fmt: skip
    result = json.loads(done.stdout)
    assert done.returncode == 0 and result["ok"], result
    assert len(list(tmp_path.glob("*.png"))) == 2
