"""The DuckDB warehouse on a real file: atomic publish, one transaction per delivery, supersede."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from connectors import discover_inbox
from pipeline.ingest.process import ProcessedDelivery, ProcessingInputs, process_file
from pipeline.night.steps import load_batch
from pipeline.settings import Settings
from pipeline.warehouse.ledger import REPLACE_PERIOD, UPSERT_INCIDENTS
from pipeline.warehouse.store import (
    DeliveryLoad,
    LedgerEntry,
    Warehouse,
    build_next_version,
    open_published,
)
from pipeline.warehouse.versions import next_version_path
from schemas.errors import WarehouseError
from tests.conftest import PROFILE_FIXTURES, load_spec, write_source

T1 = dt.datetime(2025, 10, 1, 8, 0, tzinfo=dt.UTC)
T2 = dt.datetime(2025, 10, 15, 8, 0, tzinfo=dt.UTC)
T3 = dt.datetime(2025, 11, 1, 8, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def processed(
    tmp_path_factory: pytest.TempPathFactory, processing_inputs: ProcessingInputs
) -> ProcessedDelivery:
    """The vendor_csv fixture delivery, processed for real: 6 rows in, 5 loaded, 1 rejected
    (three invalid optional values only warn: W06)."""
    inbox = tmp_path_factory.mktemp("inbox")
    write_source(load_spec(PROFILE_FIXTURES / "vendor_csv" / "source.yaml"), inbox)
    (inbox_file,) = discover_inbox(inbox)
    result = process_file(inbox_file, processing_inputs)
    assert (result.rows_in, result.rows_loaded, result.rows_rejected) == (6, 5, 1)
    return result


@pytest.fixture
def published(tmp_path: Path) -> Path:
    return tmp_path / "warehouse" / "monitor.duckdb"


@pytest.fixture
def warehouse(published: Path) -> Iterator[Warehouse]:
    with build_next_version(published) as wh:
        yield wh


def _entry(
    sha: str,
    received_at: dt.datetime = T1,
    *,
    organisatiecode: str = "GM0344",
    periode: str = "2025Q3",
    counts: tuple[int, int, int] = (6, 5, 1),
    rejected: bool = False,
) -> LedgerEntry:
    rows_in, rows_loaded, rows_rejected = counts
    return LedgerEntry(
        organisatiecode=organisatiecode,
        organisatiecode_bron=organisatiecode,
        periode=periode,
        profile_id="vendor_csv",
        profile_version=1,
        bronbestand=f"incidenten_{organisatiecode}_{periode}_{sha[:4]}.csv",
        sha256=sha * 64 if len(sha) == 1 else sha,
        size_bytes=1000,
        received_at=received_at,
        geen_incidenten=False,
        rows_in=rows_in,
        rows_loaded=rows_loaded,
        rows_rejected=rows_rejected,
        rows_warned=0,
        rejected=rejected,
    )


def _load(
    wh: Warehouse,
    entry: LedgerEntry,
    processed: ProcessedDelivery,
    incidents: pd.DataFrame | None = None,
) -> tuple[int, str]:
    assert processed.meta is not None
    return wh.load_delivery(
        entry,
        processed.incidents if incidents is None else incidents,
        processed.edits,
        processed.dq,
        processed.meta.fte,
        run_id=1,
    )


def _count(wh: Warehouse, table: str) -> int:
    return int(wh.query(f"SELECT count(*) AS n FROM {table}")["n"].iloc[0])


def _ledger(wh: Warehouse) -> pd.DataFrame:
    return wh.query(
        "SELECT delivery_id, sha256, status, superseded_by FROM ops.delivery ORDER BY delivery_id"
    )


# --- build and publish ----------------------------------------------------------------------


def test_published_file_appears_only_after_the_build_finishes(
    published: Path, processed: ProcessedDelivery
) -> None:
    with build_next_version(published) as wh:
        _load(wh, _entry("a"), processed)
        assert not published.exists()
        assert wh.path == next_version_path(published)

    assert published.exists()
    assert not next_version_path(published).exists()
    with open_published(published) as reader:
        assert _count(reader, "ops.delivery") == 1
        assert _count(reader, "core.incident") == 5


def test_a_failed_build_publishes_nothing(published: Path, processed: ProcessedDelivery) -> None:
    with pytest.raises(RuntimeError, match="boom"), build_next_version(published) as wh:
        _load(wh, _entry("a"), processed)
        raise RuntimeError("boom")

    assert not published.exists()
    assert not next_version_path(published).exists()


def test_a_failed_build_leaves_the_previous_version_intact(
    published: Path, processed: ProcessedDelivery
) -> None:
    with build_next_version(published) as wh:
        _load(wh, _entry("a"), processed)
    before = published.read_bytes()

    with pytest.raises(RuntimeError, match="boom"), build_next_version(published) as wh:
        _load(wh, _entry("b", T2, organisatiecode="GM0363"), processed)
        assert _count(wh, "ops.delivery") == 2
        raise RuntimeError("boom")

    assert published.read_bytes() == before
    assert not next_version_path(published).exists()
    with open_published(published) as reader:
        assert reader.known_hashes() == {"a" * 64}


def test_the_next_version_starts_from_the_published_one(
    published: Path, processed: ProcessedDelivery
) -> None:
    with build_next_version(published) as wh:
        _load(wh, _entry("a"), processed)
    with build_next_version(published) as wh:
        assert wh.known_hashes() == {"a" * 64}
        _load(wh, _entry("b", T2, organisatiecode="GM0363"), processed)

    with open_published(published) as reader:
        assert reader.known_hashes() == {"a" * 64, "b" * 64}


# --- one transaction per delivery -----------------------------------------------------------


def test_load_delivery_stores_ledger_incidents_edits_and_lineage(
    warehouse: Warehouse, processed: ProcessedDelivery
) -> None:
    delivery_id, status = _load(warehouse, _entry("a"), processed)

    assert status == "loaded"
    ledger = warehouse.query("SELECT * FROM ops.delivery")
    assert ledger[["rows_in", "rows_loaded", "rows_rejected"]].values.tolist() == [[6, 5, 1]]
    incidents = warehouse.query("SELECT * FROM core.incident ORDER BY rij")
    assert set(incidents["delivery_id"]) == {delivery_id}
    assert incidents["bron_incidentnummer"].tolist() == ["V1", "V3", "V4", "V5", "V6"]
    assert incidents["rij"].tolist() == [2, 4, 6, 7, 8]
    assert set(incidents["bronbestand"]) == {"incidenten_GM0344_2025Q3.csv"}
    assert _count(warehouse, "ops.edit") == len(processed.edits) == 4
    assert _count(warehouse, "ops.reject") == 1
    assert _count(warehouse, "core.incident_gedragstype") == 8


def test_a_delivery_violating_not_null_is_rolled_back_entirely(
    warehouse: Warehouse, processed: ProcessedDelivery
) -> None:
    first_id, _ = _load(warehouse, _entry("a", T1), processed)
    broken = processed.incidents.assign(bron_incidentnummer=[None, "V3", "V4", "V5", "V6"])

    with pytest.raises(WarehouseError, match=r"loading incidenten_GM0344_2025Q3_b\.csv failed"):
        _load(warehouse, _entry("b", T2), processed, incidents=broken)

    ledger = _ledger(warehouse)
    assert ledger["sha256"].tolist() == ["a" * 64]
    assert ledger["status"].tolist() == ["loaded"]  # the supersede was rolled back too
    assert set(warehouse.query("SELECT delivery_id FROM ops.edit")["delivery_id"]) == {first_id}
    assert set(warehouse.query("SELECT delivery_id FROM core.incident")["delivery_id"]) == {
        first_id
    }
    assert _count(warehouse, "ops.delivery_fte") == _count(
        warehouse, f"ops.delivery_fte WHERE delivery_id = {first_id}"
    )


def test_a_not_null_violation_is_named_in_the_error(
    warehouse: Warehouse, processed: ProcessedDelivery
) -> None:
    broken = processed.incidents.assign(bron_incidentnummer=[None, "V3", "V4", "V5", "V6"])

    with pytest.raises(WarehouseError, match=r"NOT NULL.*bron_incidentnummer"):
        _load(warehouse, _entry("a"), processed, incidents=broken)


def test_the_same_file_twice_is_refused(warehouse: Warehouse, processed: ProcessedDelivery) -> None:
    _load(warehouse, _entry("a"), processed)

    with pytest.raises(WarehouseError):
        _load(warehouse, _entry("a", T2), processed)

    assert _count(warehouse, "ops.delivery") == 1
    assert _count(warehouse, "core.incident") == 5


def test_the_ledger_refuses_rows_that_do_not_add_up(
    warehouse: Warehouse, processed: ProcessedDelivery
) -> None:
    with pytest.raises(WarehouseError, match="CHECK"):
        _load(warehouse, _entry("a", counts=(6, 2, 3)), processed)

    assert _count(warehouse, "ops.delivery") == 0
    assert _count(warehouse, "core.incident") == 0
    assert _count(warehouse, "ops.edit") == 0


def test_the_warehouse_accepts_the_next_delivery_after_a_rollback(
    warehouse: Warehouse, processed: ProcessedDelivery
) -> None:
    with pytest.raises(WarehouseError):
        _load(warehouse, _entry("a", counts=(6, 2, 3)), processed)

    _, status = _load(warehouse, _entry("b"), processed)

    assert status == "loaded"
    assert warehouse.known_hashes() == {"b" * 64}


def test_a_non_duckdb_failure_is_rolled_back_too(
    published: Path, processed: ProcessedDelivery
) -> None:
    with build_next_version(published) as wh:
        not_a_frame = object()  # fails inside the transaction with a TypeError, not a duckdb.Error
        with pytest.raises(TypeError):
            _load(wh, _entry("a"), processed, incidents=not_a_frame)

        _, status = _load(wh, _entry("b"), processed)

        assert status == "loaded"
        assert wh.known_hashes() == {"b" * 64}


# --- supersede ------------------------------------------------------------------------------


def test_a_newer_delivery_supersedes_the_loaded_one(
    warehouse: Warehouse, processed: ProcessedDelivery
) -> None:
    old_id, _ = _load(warehouse, _entry("a", T1), processed)
    new_id, status = _load(warehouse, _entry("b", T2), processed)

    assert status == "loaded"
    ledger = _ledger(warehouse).set_index("delivery_id")
    assert ledger.loc[old_id, "status"] == "superseded"
    assert ledger.loc[old_id, "superseded_by"] == new_id
    assert ledger.loc[new_id, "status"] == "loaded"
    assert set(warehouse.query("SELECT delivery_id FROM core.incident")["delivery_id"]) == {new_id}


def test_an_older_delivery_arriving_late_is_superseded_on_arrival(
    warehouse: Warehouse, processed: ProcessedDelivery
) -> None:
    new_id, _ = _load(warehouse, _entry("b", T2), processed)
    old_id, status = _load(warehouse, _entry("a", T1), processed)

    assert status == "superseded"
    ledger = _ledger(warehouse).set_index("delivery_id")
    assert ledger.loc[old_id, "superseded_by"] == new_id
    assert ledger.loc[new_id, "status"] == "loaded"
    assert set(warehouse.query("SELECT delivery_id FROM core.incident")["delivery_id"]) == {new_id}
    assert _count(warehouse, "core.incident") == 5


@pytest.mark.parametrize("order", [(T1, T2, T3), (T3, T1, T2), (T2, T3, T1), (T3, T2, T1)])
def test_the_latest_received_wins_regardless_of_load_order(
    warehouse: Warehouse, processed: ProcessedDelivery, order: tuple[dt.datetime, ...]
) -> None:
    sha_of = {T1: "a", T2: "b", T3: "c"}
    for received in order:
        _load(warehouse, _entry(sha_of[received], received), processed)

    ledger = warehouse.query("SELECT sha256, status FROM ops.delivery")
    assert ledger.loc[ledger["status"] == "loaded", "sha256"].tolist() == ["c" * 64]
    latest = warehouse.query("SELECT delivery_id FROM ops.delivery WHERE status = 'loaded'")
    incidents = warehouse.query("SELECT DISTINCT delivery_id FROM core.incident")
    assert incidents["delivery_id"].tolist() == latest["delivery_id"].tolist()


def test_other_organisations_and_periods_are_not_superseded(
    warehouse: Warehouse, processed: ProcessedDelivery
) -> None:
    _load(warehouse, _entry("a", T1), processed)
    _load(warehouse, _entry("b", T2, periode="2025Q2"), processed)
    _load(warehouse, _entry("c", T3, organisatiecode="GM0363"), processed)

    assert set(warehouse.query("SELECT status FROM ops.delivery")["status"]) == {"loaded"}
    assert _count(warehouse, "core.incident") == 15  # three deliveries of 5 incidents


def test_a_rejected_delivery_supersedes_nothing(
    warehouse: Warehouse, processed: ProcessedDelivery
) -> None:
    first_id, _ = _load(warehouse, _entry("a", T1), processed)
    _, status = _load(warehouse, _entry("b", T2, counts=(0, 0, 0), rejected=True), processed)

    assert status == "rejected"
    ledger = _ledger(warehouse).set_index("delivery_id")
    assert ledger.loc[first_id, "status"] == "loaded"
    assert set(warehouse.query("SELECT delivery_id FROM core.incident")["delivery_id"]) == {
        first_id
    }


# --- batches: one transaction, one insert per table -----------------------------------------


def _batch_load(entry: LedgerEntry, processed: ProcessedDelivery) -> DeliveryLoad:
    assert processed.meta is not None
    return DeliveryLoad(entry, processed.incidents, processed.edits, processed.dq,
                        processed.meta.fte)  # fmt: skip


@pytest.mark.parametrize(
    ("order", "arrival"),
    [
        ((T1, T2, T3), ["loaded", "loaded", "loaded"]),
        ((T3, T1, T2), ["loaded", "superseded", "superseded"]),
        ((T2, T3, T1), ["loaded", "loaded", "superseded"]),
        ((T1, T3, T2), ["loaded", "loaded", "superseded"]),
    ],
)
def test_a_batch_supersedes_within_itself_as_one_by_one_loading_would(
    warehouse: Warehouse, processed: ProcessedDelivery, order: tuple[dt.datetime, ...],
    arrival: list[str],
) -> None:  # fmt: skip
    sha_of = {T1: "a", T2: "b", T3: "c"}
    loads = [_batch_load(_entry(sha_of[t], t), processed) for t in order]

    outcomes = warehouse.load_deliveries(loads, run_id=1)

    assert [status for _, status in outcomes] == arrival
    ledger = warehouse.query("SELECT sha256, status, superseded_by FROM ops.delivery")
    by_sha = ledger.set_index("sha256")
    id_of = {sha_of[t]: d for t, (d, _) in zip(order, outcomes, strict=True)}
    assert by_sha.loc["c" * 64, "status"] == "loaded"
    assert by_sha.loc["a" * 64, "status"] == by_sha.loc["b" * 64, "status"] == "superseded"
    assert by_sha.loc["a" * 64, "superseded_by"] in {id_of["b"], id_of["c"]}
    assert by_sha.loc["b" * 64, "superseded_by"] == id_of["c"]
    incidents = warehouse.query("SELECT DISTINCT delivery_id FROM core.incident")
    assert incidents["delivery_id"].tolist() == [id_of["c"]]
    assert _count(warehouse, "core.incident") == 5
    assert _count(warehouse, "ops.edit") == 3 * len(processed.edits)


def test_a_batch_supersedes_what_the_warehouse_holds(
    warehouse: Warehouse, processed: ProcessedDelivery
) -> None:
    old_id, _ = _load(warehouse, _entry("a", T1), processed)
    other_id, _ = _load(warehouse, _entry("o", T1, organisatiecode="GM0363"), processed)

    outcomes = warehouse.load_deliveries(
        [_batch_load(_entry("b", T2), processed), _batch_load(_entry("z", T3, periode="2025Q4"),
                                                             processed)], run_id=2)  # fmt: skip

    (new_id, new_status), (q4_id, q4_status) = outcomes
    assert (new_status, q4_status) == ("loaded", "loaded")
    ledger = _ledger(warehouse).set_index("delivery_id")
    assert ledger.loc[old_id, "status"] == "superseded"
    assert ledger.loc[old_id, "superseded_by"] == new_id
    assert ledger.loc[other_id, "status"] == "loaded"
    incidents = set(warehouse.query("SELECT delivery_id FROM core.incident")["delivery_id"])
    assert incidents == {other_id, new_id, q4_id}


def test_a_batch_that_the_warehouse_refuses_loads_nothing(
    warehouse: Warehouse, processed: ProcessedDelivery
) -> None:
    broken = processed.incidents.assign(bron_incidentnummer=[None, "V3", "V4", "V5", "V6"])
    good = _batch_load(_entry("a", T1), processed)
    bad = DeliveryLoad(_entry("b", T2, periode="2025Q2"), broken, processed.edits, processed.dq,
                       pd.DataFrame())  # fmt: skip

    with pytest.raises(WarehouseError, match=r"Q3_a\.csv, incidenten_GM0344_2025Q2_b\.csv failed"):
        warehouse.load_deliveries([good, bad], run_id=1)

    assert _count(warehouse, "ops.delivery") == 0
    assert _count(warehouse, "core.incident") == 0
    assert _count(warehouse, "ops.edit") == 0


def test_one_delivery_the_warehouse_refuses_fails_alone(
    warehouse: Warehouse, processed: ProcessedDelivery
) -> None:
    def copy(sha: str, received: dt.datetime, incidents: pd.DataFrame,
             organisatiecode: str = "GM0344") -> ProcessedDelivery:  # fmt: skip
        file = replace(processed.file, sha256=sha * 64, received_at=received,
                       path=processed.file.path.with_name(f"levering_{sha}.csv"))  # fmt: skip
        meta = replace(processed.meta, organisatiecode=organisatiecode)
        return replace(processed, file=file, meta=meta, incidents=incidents)

    broken = processed.incidents.assign(bron_incidentnummer=[None, "V3", "V4", "V5", "V6"])
    batch = [copy("a", T1, processed.incidents), copy("b", T2, broken, "GM0363"),
             copy("c", T3, processed.incidents)]  # fmt: skip

    loaded = load_batch(warehouse, batch, run_id=1)

    assert [result.status for _, result in loaded] == ["loaded", "rejected", "loaded"]
    refused, result = loaded[1]
    assert result.reason is not None and result.reason.startswith("S01")
    assert "kon niet in het warehouse worden opgeslagen" in result.reason
    assert refused.rows_loaded == 0
    ledger = warehouse.query("SELECT bronbestand, status FROM ops.delivery ORDER BY delivery_id")
    assert ledger.values.tolist() == [["levering_a.csv", "superseded"],
                                      ["levering_b.csv", "rejected"],
                                      ["levering_c.csv", "loaded"]]  # fmt: skip
    assert _count(warehouse, "core.incident") == 5
    codes = warehouse.query(
        "SELECT code FROM ops.edit e JOIN ops.delivery d USING (delivery_id) "
        "WHERE d.bronbestand = 'levering_b.csv'"
    )["code"].tolist()
    assert codes == ["S01"]


# --- history --------------------------------------------------------------------------------


def test_known_hashes_holds_every_delivery_in_the_ledger(
    warehouse: Warehouse, processed: ProcessedDelivery
) -> None:
    assert warehouse.known_hashes() == set()

    _load(warehouse, _entry("a", T1), processed)
    _load(warehouse, _entry("b", T2), processed)
    _load(warehouse, _entry("c", T3, counts=(0, 0, 0), rejected=True), processed)

    assert warehouse.known_hashes() == {"a" * 64, "b" * 64, "c" * 64}


def test_row_count_history_is_per_organisation_oldest_first_without_rejected(
    warehouse: Warehouse, processed: ProcessedDelivery
) -> None:
    _load(warehouse, _entry("c", T3, periode="2025Q3", counts=(6, 2, 4)), processed)
    _load(warehouse, _entry("a", T1, periode="2025Q1", counts=(10, 2, 8)), processed)
    _load(warehouse, _entry("b", T2, periode="2025Q2", counts=(8, 2, 6)), processed)
    _load(warehouse, _entry("d", T2, counts=(0, 0, 0), rejected=True), processed)
    _load(warehouse, _entry("e", T1, organisatiecode="GM0363", counts=(3, 2, 1)), processed)

    assert warehouse.row_count_history() == {"GM0344": [10, 8, 6], "GM0363": [3]}


def test_row_count_history_keeps_superseded_deliveries(
    warehouse: Warehouse, processed: ProcessedDelivery
) -> None:
    _load(warehouse, _entry("a", T1, counts=(10, 2, 8)), processed)
    _load(warehouse, _entry("b", T2, counts=(6, 2, 4)), processed)

    assert warehouse.row_count_history() == {"GM0344": [10, 6]}


# --- readers --------------------------------------------------------------------------------


def test_open_published_without_a_warehouse_raises(published: Path) -> None:
    with pytest.raises(WarehouseError, match="does not exist"), open_published(published):
        pass


def test_open_published_is_read_only(published: Path, processed: ProcessedDelivery) -> None:
    with build_next_version(published) as wh:
        _load(wh, _entry("a"), processed)

    with open_published(published) as reader:
        with pytest.raises(duckdb.Error, match="read-only"):
            reader.con.execute("DELETE FROM ops.delivery")
        assert _count(reader, "ops.delivery") == 1


def test_a_reader_stays_open_while_the_next_version_is_built_and_swapped_in(
    published: Path, processed: ProcessedDelivery
) -> None:
    with build_next_version(published) as wh:
        _load(wh, _entry("a"), processed)

    with open_published(published) as reader:
        with build_next_version(published) as wh:
            _load(wh, _entry("b", T2, organisatiecode="GM0363"), processed)
            assert _count(reader, "ops.delivery") == 1
        assert _count(reader, "ops.delivery") == 1  # its own consistent version

    with open_published(published) as reader:
        assert _count(reader, "ops.delivery") == 2


def test_a_new_reader_sees_the_new_version_while_an_old_reader_is_open(
    published: Path, processed: ProcessedDelivery
) -> None:
    with build_next_version(published) as wh:
        _load(wh, _entry("a"), processed)

    with open_published(published) as old_reader:
        with build_next_version(published) as wh:
            _load(wh, _entry("b", T2, organisatiecode="GM0363"), processed)
        with open_published(published) as new_reader:
            assert _count(new_reader, "ops.delivery") == 2
        assert _count(old_reader, "ops.delivery") == 1


def test_a_second_writer_is_refused_while_a_build_is_running(published: Path) -> None:
    with build_next_version(published) as first:
        assert first.known_hashes() == set()
        with pytest.raises(WarehouseError, match="another run"), build_next_version(published):
            pass
    with build_next_version(published) as wh:  # the lock is released afterwards
        assert wh.known_hashes() == set()


# --- one load path, two dispositions ----------------------------------------------------------


def test_a_pull_and_a_file_in_one_batch_each_keep_their_disposition(
    warehouse: Warehouse, processed: ProcessedDelivery
) -> None:
    """A file replaces its organisation's period; an API pull in the same batch upserts its
    incidents by number and supersedes nothing; two pulls of one incident keep the later one;
    the pull's cursor moves in the same transaction."""
    assert processed.meta is not None
    incidents = processed.incidents
    first_number = str(incidents["bron_incidentnummer"].iloc[0])
    changed = incidents.iloc[[0]].assign(aangifte="ja")

    def load(entry: LedgerEntry, frame: pd.DataFrame, pull: bool, cursor: str | None = None
             ) -> DeliveryLoad:  # fmt: skip
        return DeliveryLoad(entry, frame, processed.edits.iloc[0:0], processed.dq.iloc[0:0],
                            processed.meta.fte, disposition=UPSERT_INCIDENTS if pull else REPLACE_PERIOD,
                            cursor=("bron", cursor) if pull else None)  # fmt: skip

    batch = [
        load(_entry("a", T1), incidents, pull=False),
        load(_entry("b", T2), incidents.iloc[[0]], pull=True, cursor="c1"),
        load(_entry("c", T3), changed, pull=True, cursor="c2"),
    ]
    statuses = [status for _, status in warehouse.load_deliveries(batch, run_id=1)]
    assert statuses == ["loaded", "loaded", "loaded"]  # no pull supersedes the file or another
    stored = warehouse.query("SELECT bron_incidentnummer, aangifte, delivery_id FROM core.incident")
    assert len(stored) == len(incidents)  # the pulled incident once, not three times
    row = stored[stored["bron_incidentnummer"] == first_number]
    assert row["aangifte"].tolist() == ["ja"]  # the later pull's version
    assert warehouse.api_cursor("bron") == "c2"


def test_the_column_lists_match_the_tables(warehouse: Warehouse) -> None:
    """pipeline/warehouse/tables.py names only columns the DDL creates, and every column of core.incident."""
    from pipeline.warehouse.tables import (
        DQ_COLUMNS,
        EDIT_TABLE_COLUMNS,
        INCIDENT_COLUMNS,
        LEDGER_COLUMNS,
        QUALITY_COLUMNS,
    )

    def columns(table: str) -> list[str]:
        schema, name = table.split(".")
        return warehouse.query(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND "
            "table_name = ? ORDER BY ordinal_position", [schema, name])["column_name"].tolist()  # fmt: skip

    assert sorted(INCIDENT_COLUMNS) == sorted(columns("core.incident"))
    assert set(LEDGER_COLUMNS.split(", ")) <= set(columns("ops.delivery"))
    assert set(EDIT_TABLE_COLUMNS) <= set(columns("ops.edit"))
    assert set(DQ_COLUMNS) <= set(columns("ops.dq_result"))
    assert set(QUALITY_COLUMNS) <= set(columns("ops.delivery_kwaliteit"))


COLUMNS_SQL = (
    "SELECT column_name, data_type, is_nullable FROM duckdb_columns() WHERE database_name = "
    "current_database() AND schema_name = 'core' AND table_name = 'incident'"
)


def _typed(frame: pd.DataFrame) -> dict[str, str]:
    """column → `TYPE` or `TYPE NOT NULL`, from a COLUMNS_SQL result."""
    rows = frame.itertuples(index=False, name=None)
    return {c: t + ("" if nullable else " NOT NULL") for c, t, nullable in rows}


def test_core_incident_has_exactly_the_catalogues_columns_and_types(warehouse: Warehouse) -> None:
    """The table the warehouse builds (sql/migrations/ and the catalogue's columns) is the catalogue's:
    every stored field with its DuckDB type and NOT NULL when required, plus provenance."""
    from pipeline.warehouse.tables import incident_column_definitions

    built = _typed(warehouse.query(COLUMNS_SQL))
    assert built == dict(incident_column_definitions())
    assert built["incidentdatum"] == "DATE NOT NULL"  # spelled out: not only derived data
    assert built["gedragstypen"] == "VARCHAR[] NOT NULL"
    assert built["verzuim_dagen"] == "INTEGER"


def test_every_field_column_carries_its_meaning_from_the_catalogue(warehouse: Warehouse) -> None:
    comments = dict(warehouse.query(
        "SELECT column_name, comment FROM duckdb_columns() WHERE schema_name = 'core' "
        "AND table_name = 'incident'").values.tolist())  # fmt: skip
    assert (
        comments["aantal_daders"]
        == "Aantal daders (minstens 1); nooit de identiteit van een dader."
    )
    assert comments["rij"] == "Herkomst: rijnummer in het bestand."  # provenance: comments.sql
    assert all(comments.values()), [c for c, text in comments.items() if not text]


def test_the_nights_report_reads_with_duckdbs_memory_bounded(
    published: Path, processed: ProcessedDelivery
) -> None:
    """Memory, threads (each needs its share to sort) and a spill directory of its own (two
    processes spilling into one corrupt each other's files), removed afterwards."""
    import os

    with build_next_version(published) as wh:
        _load(wh, _entry("a"), processed)

    def setting(reader: Warehouse, name: str) -> str:
        return str(reader.con.execute(f"SELECT current_setting('{name}')").fetchone()[0])

    with open_published(published, 256) as reader:
        assert setting(reader, "memory_limit") == "256.0 MiB"
        assert setting(reader, "threads") == str(min(os.cpu_count() or 1, 4))
        spill = Path(setting(reader, "temp_directory"))
        assert spill.name.startswith("monitor-report-") and spill.is_dir()
    assert not spill.exists()
    with open_published(published) as reader:  # analysts: DuckDB's own defaults
        assert setting(reader, "memory_limit") != "256.0 MiB"


def test_readers_of_other_configurations_open_side_by_side(
    published: Path, processed: ProcessedDelivery
) -> None:
    """An analyst's reader and the report's bounded one in one process: each has a database of
    its own (DuckDB refused a second connection to a file with another configuration)."""
    with build_next_version(published) as wh:
        _load(wh, _entry("a"), processed)

    def memory(reader: Warehouse) -> str:
        return str(reader.con.execute("SELECT current_setting('memory_limit')").fetchone()[0])

    with open_published(published) as analyst, open_published(published, 256) as report:
        assert memory(report) == "256.0 MiB"
        assert memory(analyst) != "256.0 MiB"
        assert _count(analyst, "ops.delivery") == _count(report, "ops.delivery") == 1


def test_a_file_that_is_no_warehouse_is_a_warehouse_error(tmp_path: Path) -> None:
    """Said as a WarehouseError (a `monitor report` prints it), not a DuckDB traceback."""
    published = tmp_path / "warehouse.duckdb"
    published.write_bytes(b"geen DuckDB-bestand" * 1000)

    with pytest.raises(WarehouseError, match="cannot open"), open_published(published):
        pass


def test_a_warehouse_whose_path_has_a_quote_opens(
    published: Path, processed: ProcessedDelivery, tmp_path: Path
) -> None:
    with build_next_version(published) as wh:
        _load(wh, _entry("a"), processed)
    quoted = tmp_path / "d'n map" / "monitor.duckdb"
    quoted.parent.mkdir()
    shutil.copy(published, quoted)

    with open_published(quoted) as reader:
        assert _count(reader, "ops.delivery") == 1


def test_the_reports_memory_cannot_be_set_below_64_mb() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        Settings(report_memory_mb=0)


def test_the_mart_views_are_made_all_or_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, processing_inputs: ProcessingInputs
) -> None:
    """The views and their comments are made in one transaction: a view that fails leaves none
    of the others made in the same refresh, and says which step failed."""
    from pipeline.ingest.inputs import write_reference_tables
    from pipeline.warehouse import store

    views = sorted(store.MARTS_DIR.glob("[0-9][0-9]_*.sql"))
    broken = tmp_path / "99_kapot.sql"
    broken.write_text("CREATE OR REPLACE VIEW mart.kapot AS SELECT * FROM mart.bestaat_niet;")
    made = "SELECT view_name FROM duckdb_views() WHERE schema_name = 'mart'"
    with build_next_version(tmp_path / "monitor.duckdb") as wh:
        write_reference_tables(wh, processing_inputs)
        monkeypatch.setattr(store, "mart_files", lambda: [*views, broken])
        with pytest.raises(WarehouseError, match="making the mart views failed"):
            wh.refresh_marts()
        assert wh.query(made).empty  # not one of the views before the broken one
        monkeypatch.setattr(store, "mart_files", lambda: views)
        wh.refresh_marts()
        assert len(wh.query(made)) == len(views) > 15
