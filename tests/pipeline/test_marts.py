"""The mart views on a real DuckDB file: series breaks, coverage floor flags, Dutch comments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from pipeline.ingest.inputs import write_reference_tables
from pipeline.ingest.process import ProcessingInputs
from pipeline.warehouse.ledger import LedgerEntry
from pipeline.warehouse.store import Warehouse, build_next_version
from pipeline.warehouse.tables import INCIDENT_COLUMNS

RECEIVED = {"2025Q1": dt.datetime(2025, 4, 10, tzinfo=dt.UTC),
            "2025Q2": dt.datetime(2025, 7, 10, tzinfo=dt.UTC),
            "2025Q3": dt.datetime(2025, 10, 10, tzinfo=dt.UTC),
            "2025Q4": dt.datetime(2026, 1, 10, tzinfo=dt.UTC)}  # fmt: skip
# GM0344 (Utrecht) changes system in Q2, profile version in Q3 and code-list version in Q4;
# GM0363 (Amsterdam) delivers the same way every quarter.
DELIVERIES = [
    ("GM0344", "2025Q1", "vendor_csv", 1, 1),
    ("GM0344", "2025Q2", "gir_gemeente", 1, 1),
    ("GM0344", "2025Q3", "gir_gemeente", 2, 1),
    ("GM0344", "2025Q4", "gir_gemeente", 2, 2),
    ("GM0363", "2025Q1", "nationaal_sjabloon", 1, 1),
    ("GM0363", "2025Q2", "nationaal_sjabloon", 1, 1),
    ("GM0363", "2025Q3", "nationaal_sjabloon", 1, 1),
    ("GM0363", "2025Q4", "nationaal_sjabloon", 1, 1),
]


def incidents(org: str, periode: str, n: int = 2) -> pd.DataFrame:
    """`n` minimal incidents of a gemeente's BOA's, located in that gemeente."""
    rows = [{"periode": periode, "organisatiecode": org, "organisatiecode_bron": org,
             "beroepsgroep": "boa", "bron_incidentnummer": f"{org}-{periode}-{i}",
             "incidentdatum": dt.date(int(periode[:4]), 3 * int(periode[-1]) - 1, 1),
             "gemeentecode_locatie": org, "gedragstypen": ["verbaal"],
             "zwaarste_gedragstype": "verbaal", "aangifte": "ja", "medewerker_pseudoniem": "p1",
             "bronbestand": f"{org}_{periode}.csv", "rij": i + 2} for i in range(n)]  # fmt: skip
    return pd.DataFrame(rows).reindex(columns=list(INCIDENT_COLUMNS))


def load(wh: Warehouse, org: str, periode: str, profile: str, version: int, codes: int) -> None:
    """One loaded delivery of two incidents with a declared FTE of 10."""
    entry = LedgerEntry(
        organisatiecode=org, organisatiecode_bron=org, periode=periode, profile_id=profile,
        profile_version=version, bronbestand=f"{org}_{periode}.csv",
        sha256=f"{org}{periode}".ljust(64, "0"), size_bytes=100, received_at=RECEIVED[periode],
        geen_incidenten=False, rows_in=2, rows_loaded=2, rows_rejected=0, rows_warned=0,
        rejected=False, codelijst_versie=codes,
    )  # fmt: skip
    fte = pd.DataFrame({"beroepsgroep": ["boa"], "fte": [10.0], "bron": ["aanlevering"]})
    empty = pd.DataFrame()
    wh.load_delivery(entry, incidents(org, periode), empty, empty, fte, run_id=1)


def build(path: Path, inputs: ProcessingInputs, floor: float) -> Iterator[Warehouse]:
    """A warehouse with the deliveries above; every expected organisation has 10 FTE."""
    orgs = inputs.reference.organisations()
    fte = orgs[["organisatiecode", "beroepsgroep"]].assign(jaar=2025, fte=10.0)
    with build_next_version(path) as wh:
        write_reference_tables(wh, replace(inputs, fte=fte), coverage_floor=floor)
        for delivery in DELIVERIES:
            load(wh, *delivery)
        wh.refresh_marts()
        yield wh


@pytest.fixture
def warehouse(tmp_path: Path, processing_inputs: ProcessingInputs) -> Iterator[Warehouse]:
    yield from build(tmp_path / "monitor.duckdb", processing_inputs, 0.6)


def indicator(wh: Warehouse, niveau: str, gebied: str, periode: str) -> pd.Series:
    frame = wh.query(
        "SELECT * FROM mart.indicatoren WHERE niveau = ? AND gebiedcode = ? "
        "AND beroepsgroep = 'boa' AND periode = ?",
        [niveau, gebied, periode],
    )
    assert len(frame) == 1, frame
    return frame.iloc[0]


def test_series_breaks_name_system_profile_version_and_code_list(warehouse: Warehouse) -> None:
    breaks = warehouse.query("SELECT * FROM mart.reeksbreuk ORDER BY periode")
    assert breaks.to_dict("records") == [
        {"organisatiecode": "GM0344", "naam": "Utrecht", "periode": "2025Q2",
         "soort": "registratiesysteem", "van": "vendor_csv", "naar": "gir_gemeente"},
        {"organisatiecode": "GM0344", "naam": "Utrecht", "periode": "2025Q3",
         "soort": "profielversie", "van": "1", "naar": "2"},
        {"organisatiecode": "GM0344", "naam": "Utrecht", "periode": "2025Q4",
         "soort": "codelijst", "van": "1", "naar": "2"},
    ]  # fmt: skip


def test_the_ledger_stores_the_code_list_version(warehouse: Warehouse) -> None:
    versions = warehouse.query("SELECT DISTINCT codelijst_versie FROM ops.delivery ORDER BY 1")
    assert versions["codelijst_versie"].tolist() == [1, 2]


def test_reeksbreuk_flags_the_areas_and_periods_of_the_break(warehouse: Warehouse) -> None:
    assert not indicator(warehouse, "gemeente", "GM0344", "2025Q1")["reeksbreuk"]
    assert indicator(warehouse, "gemeente", "GM0344", "2025Q2")["reeksbreuk"]
    assert indicator(warehouse, "gemeente", "GM0344", "2025")["reeksbreuk"]
    assert indicator(warehouse, "veiligheidsregio", "VR09", "2025Q2")["reeksbreuk"]
    assert indicator(warehouse, "nationaal", "NL", "2025Q3")["reeksbreuk"]
    assert not indicator(warehouse, "gemeente", "GM0363", "2025Q2")["reeksbreuk"]
    assert not indicator(warehouse, "gemeente", "GM0014", "2025")["reeksbreuk"]


def test_a_figure_below_the_coverage_floor_is_never_complete(warehouse: Warehouse) -> None:
    utrecht = indicator(warehouse, "gemeente", "GM0344", "2025Q1")
    assert (utrecht["incidenten"], utrecht["fte_pct"], utrecht["per_1000_fte"]) == (2, 100.0, 200.0)
    assert utrecht["volledig"] and not utrecht["onder_dekkingsdrempel"]
    national = indicator(warehouse, "nationaal", "NL", "2025Q1")
    assert (national["organisaties_geleverd"], national["organisaties_verwacht"]) == (2, 342)
    assert national["onder_dekkingsdrempel"] and not national["volledig"]
    assert national["dekkingsdrempel"] == 0.6
    silent = indicator(warehouse, "gemeente", "GM0014", "2025Q1")  # expected, never delivered
    assert silent["incidenten"] == 0 and silent["organisaties_pct"] == 0.0
    assert silent["onder_dekkingsdrempel"]


def test_the_floor_comes_from_the_settings(
    tmp_path: Path, processing_inputs: ProcessingInputs
) -> None:
    for wh in build(tmp_path / "monitor.duckdb", processing_inputs, 0.0):
        national = indicator(wh, "nationaal", "NL", "2025Q1")
        assert national["dekkingsdrempel"] == 0.0 and national["volledig"]


def test_every_mart_view_and_column_has_a_dutch_comment(warehouse: Warehouse) -> None:
    views = warehouse.query(
        "SELECT view_name, comment FROM duckdb_views() WHERE schema_name = 'mart'"
    )
    assert {"indicatoren", "incidenten_gedragstype", "incidenten_zwaarste", "reeksbreuk",
            "levering", "dekking"} <= set(views["view_name"])  # fmt: skip
    assert views["comment"].fillna("").str.strip().ne("").all(), views
    columns = warehouse.query(
        "SELECT table_name, column_name, comment FROM duckdb_columns() WHERE schema_name = 'mart'"
    )
    missing = columns[columns["comment"].fillna("").str.strip().eq("")]
    assert missing.empty, missing.to_string()
    assert len(columns) > 100


def test_a_nil_return_through_the_template_is_no_series_break(
    tmp_path: Path, processing_inputs: ProcessingInputs
) -> None:
    with build_next_version(tmp_path / "monitor.duckdb") as wh:
        write_reference_tables(wh, processing_inputs)
        load(wh, "GM0014", "2025Q1", "gir_gemeente", 1, 1)
        nil = LedgerEntry(
            organisatiecode="GM0014", organisatiecode_bron="GM0014", periode="2025Q2",
            profile_id="nationaal_sjabloon", profile_version=1, bronbestand="GM0014_2025Q2.xlsx",
            sha256="nil".ljust(64, "0"), size_bytes=100, received_at=RECEIVED["2025Q2"],
            geen_incidenten=True, rows_in=0, rows_loaded=0, rows_rejected=0, rows_warned=0,
            rejected=False,
        )  # fmt: skip
        empty = pd.DataFrame()
        wh.load_delivery(nil, empty, empty, empty, empty, run_id=1)
        load(wh, "GM0014", "2025Q3", "gir_gemeente", 1, 1)
        wh.refresh_marts()
        assert wh.query("SELECT * FROM mart.reeksbreuk").empty
        load(wh, "GM0014", "2025Q4", "vendor_csv", 1, 1)
        wh.refresh_marts()
        assert wh.query("SELECT periode, soort FROM mart.reeksbreuk").values.tolist() == [
            ["2025Q4", "registratiesysteem"]
        ]
