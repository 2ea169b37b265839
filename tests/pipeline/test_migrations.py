"""Numbered migrations: a warehouse made by the code before them is upgraded in place and loses
nothing; a failing migration leaves the warehouse as it was; missing incident columns are added.

`tests/fixtures/warehouse_head/` is a frozen copy of `schema.sql` and `comments.sql` as they were
at the last commit before numbered migrations: the fixture of "a warehouse made by HEAD", which
ran schema.sql, then comments.sql, on every open.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pipeline.warehouse.migrate import (
    Migration,
    MigrationError,
    add_missing_columns,
    applied_versions,
    load_migrations,
    migrate,
)
from pipeline.warehouse.store import build_next_version

HEAD_SQL = Path(__file__).parents[1] / "fixtures" / "warehouse_head"
HEAD_ROWS = {
    "ops.run": "INSERT INTO ops.run VALUES (nextval('ops.run_seq'), '2025-10-01 02:00+00', "
    "'2025-10-01 02:05+00', 'completed', 3, 2, 1)",
    "ops.delivery": "INSERT INTO ops.delivery VALUES (nextval('ops.delivery_seq'), 'GM0344', "
    "'GM0344', '2025Q3', 'vendor_csv', 1, 'a.csv', 'aa', 10, '2025-10-01 01:00+00', "
    "'2025-10-01 02:01+00', 1, 'loaded', NULL, false, 2, 1, 1, 0, 1, false), "
    "(nextval('ops.delivery_seq'), NULL, 'XX', NULL, NULL, NULL, 'b.csv', 'bb', 5, "
    "'2025-10-01 01:00+00', '2025-10-01 02:02+00', 1, 'rejected', NULL, false, 0, 0, 0, 0, "
    "NULL, true)",
    "ops.edit": "INSERT INTO ops.edit VALUES (1, 'a.csv', NULL, 3, 'letsel', 'E05', 'error', "
    "'x', 'onbekende code')",
    "ops.dq_result": "INSERT INTO ops.dq_result VALUES (1, 'B01', 'rijen', 'expect', true, "
    "'2', '1', 'genoeg rijen')",
    "ops.delivery_fte": "INSERT INTO ops.delivery_fte VALUES (1, 'boa', 12.5, 'aanlevering')",
    "ops.delivery_kwaliteit": "INSERT INTO ops.delivery_kwaliteit VALUES (1, 0.5, 0.75, 1, 0, 69)",
    "ops.api_cursor": "INSERT INTO ops.api_cursor VALUES ('politie', '2025-10-01', "
    "'2025-10-01 02:03+00')",
    "ref.instelling": "INSERT INTO ref.instelling VALUES ('dekkingsdrempel', 0.7)",
    "core.incident": "INSERT INTO core.incident VALUES (1, '2025Q3', 'GM0344', 'GM0344', 'boa', "
    "'I-1', '2025-08-01', '13:45', '2025-08-02', 'GM0344', 'GM0344', ['verbaal', 'fysiek'], "
    "'fysiek', 'fysiek', 'handhaving', 'nee', 1, 'licht', 2, 'nee', 'ja', 'ja', 'ja', 'p1', "
    "'a.csv', NULL, 2)",
}


def make_head_warehouse(path: Path) -> dict[str, pd.DataFrame]:
    """A warehouse exactly as the code before migrations made it, with rows in every ops and
    core table; returns those rows per table."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    con.execute((HEAD_SQL / "schema.sql").read_text(encoding="utf-8"))
    con.execute((HEAD_SQL / "comments.sql").read_text(encoding="utf-8"))
    for insert in HEAD_ROWS.values():
        con.execute(insert)
    rows = {table: con.execute(f"SELECT * FROM {table}").df() for table in HEAD_ROWS}
    con.close()
    return rows


def catalogue(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[object, ...]]]:
    """Everything that makes up the schema of ref, ops and core (not the data, not the marts)."""
    where = "WHERE database_name = current_database() AND schema_name IN ('ref', 'ops', 'core')"
    queries = {
        "columns": "SELECT schema_name, table_name, column_index, column_name, data_type, "
        f"column_default, is_nullable, comment FROM duckdb_columns() {where} ORDER BY ALL",
        "constraints": "SELECT schema_name, table_name, constraint_type, constraint_text "
        f"FROM duckdb_constraints() {where} ORDER BY ALL",
        "tables": f"SELECT schema_name, table_name, comment FROM duckdb_tables() {where} "
        "ORDER BY ALL",
        "views": f"SELECT schema_name, view_name, sql, comment FROM duckdb_views() {where} "
        "AND NOT internal ORDER BY ALL",
        "sequences": f"SELECT schema_name, sequence_name FROM duckdb_sequences() {where} "
        "ORDER BY ALL",
        "schemas": "SELECT schema_name FROM duckdb_schemas() WHERE database_name = "
        "current_database() AND NOT internal ORDER BY ALL",
    }
    return {name: con.execute(sql).fetchall() for name, sql in queries.items()}


def test_a_warehouse_made_by_head_is_upgraded_in_place_and_loses_nothing(tmp_path: Path) -> None:
    published = tmp_path / "oud" / "monitor.duckdb"
    before = make_head_warehouse(published)
    assert len(before["ops.delivery"]) == 2 and len(before["core.incident"]) == 1
    with build_next_version(published) as wh:
        upgraded = catalogue(wh.con)
        assert applied_versions(wh.con) == [1, 2, 3]
        names = wh.query("SELECT versie, naam FROM ops.schema_migratie ORDER BY versie")
        assert names["naam"].tolist() == ["initial", "instelling_codelijst_versie", "voorlopig"]
        for table, rows in before.items():
            pd.testing.assert_frame_equal(wh.query(f"SELECT * FROM {table}"), rows, obj=table)
        next_id = wh.query("SELECT nextval('ops.delivery_seq') AS id")["id"].iloc[0]
        assert next_id == 3  # the ledger's sequence goes on where it was
    with build_next_version(tmp_path / "nieuw" / "monitor.duckdb") as fresh:
        assert upgraded == catalogue(fresh.con)
    with duckdb.connect(str(published), read_only=True) as con:  # the upgrade was published
        assert applied_versions(con) == [1, 2, 3]


def test_a_fresh_warehouse_records_every_migration_once(tmp_path: Path) -> None:
    published = tmp_path / "monitor.duckdb"
    with build_next_version(published) as wh:
        first = wh.query("SELECT * FROM ops.schema_migratie ORDER BY versie")
    assert first["versie"].tolist() == [m.versie for m in load_migrations()] == [1, 2, 3]
    with build_next_version(published) as wh:
        assert migrate(wh.con) == []
        pd.testing.assert_frame_equal(
            wh.query("SELECT * FROM ops.schema_migratie ORDER BY versie"), first
        )


FAILING = Migration(4, "faalt", "CREATE TABLE ops.nieuw (x INTEGER); "
                    "ALTER TABLE core.incident ADD COLUMN proef VARCHAR; "
                    "SELECT * FROM ops.bestaat_niet;")  # fmt: skip


def _objects(con: duckdb.DuckDBPyConnection) -> list[tuple[object, ...]]:
    return con.execute(
        "SELECT schema_name, table_name, column_name FROM duckdb_columns() "
        "WHERE database_name = current_database() ORDER BY ALL"
    ).fetchall()


def test_a_failing_migration_leaves_the_warehouse_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "monitor.duckdb"
    with build_next_version(path):
        pass
    con = duckdb.connect(str(path))
    before = _objects(con)
    with pytest.raises(MigrationError, match="0004_faalt"):
        migrate(con, [*load_migrations(), FAILING])
    assert _objects(con) == before
    assert applied_versions(con) == [1, 2, 3]
    con.close()


def test_a_failing_upgrade_of_a_head_warehouse_leaves_it_unversioned(tmp_path: Path) -> None:
    path = tmp_path / "monitor.duckdb"
    rows = make_head_warehouse(path)
    con = duckdb.connect(str(path))
    before = _objects(con)
    with pytest.raises(MigrationError, match="unchanged"):
        migrate(con, [*load_migrations(), FAILING])
    assert _objects(con) == before  # not even ops.schema_migratie
    pd.testing.assert_frame_equal(con.execute("SELECT * FROM core.incident").df(),
                                  rows["core.incident"])  # fmt: skip
    con.close()


def test_a_warehouse_from_newer_code_is_refused(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "monitor.duckdb"))
    migrate(con, [*load_migrations(), Migration(4, "later", "SELECT 1")])
    with pytest.raises(MigrationError, match=r"\[4\].*newer code"):
        migrate(con)
    con.close()


def test_migrations_are_numbered_without_gaps(tmp_path: Path) -> None:
    (tmp_path / "0001_a.sql").write_text("SELECT 1", encoding="utf-8")
    (tmp_path / "0003_c.sql").write_text("SELECT 1", encoding="utf-8")
    with pytest.raises(MigrationError, match=r"\[1, 3\]"):
        load_migrations(tmp_path)
    (tmp_path / "0003_c.sql").rename(tmp_path / "3_c.sql")
    with pytest.raises(MigrationError, match="NNNN_naam"):
        load_migrations(tmp_path)


NEW_FIELDS = [("letsel", "VARCHAR"), ("nieuw_veld", "VARCHAR"), ("nieuwe_lijst", "VARCHAR[]"),
              ("nieuw_getal", "INTEGER")]  # fmt: skip


def test_the_columns_core_incident_lacks_are_added(tmp_path: Path) -> None:
    published = tmp_path / "monitor.duckdb"
    make_head_warehouse(published)
    with build_next_version(published) as wh:
        add_missing_columns(wh.con, "core.incident", NEW_FIELDS)
        columns = wh.query(
            "SELECT column_name, data_type FROM duckdb_columns() WHERE schema_name = 'core' "
            "AND table_name = 'incident' ORDER BY column_index"
        )
        assert columns.tail(3).values.tolist() == [["nieuw_veld", "VARCHAR"],
            ["nieuwe_lijst", "VARCHAR[]"], ["nieuw_getal", "INTEGER"]]  # fmt: skip
        assert columns["column_name"].tolist().count("letsel") == 1
        row = wh.query("SELECT bron_incidentnummer, letsel, nieuw_veld, nieuw_getal "
                       "FROM core.incident")  # fmt: skip
        assert row[["bron_incidentnummer", "letsel"]].values.tolist() == [["I-1", "licht"]]
        assert row[["nieuw_veld", "nieuw_getal"]].isna().all().all()
        assert add_missing_columns(wh.con, "core.incident", NEW_FIELDS) == []  # once is enough


def test_add_missing_columns_returns_what_it_added(tmp_path: Path) -> None:
    with build_next_version(tmp_path / "monitor.duckdb") as wh:
        assert add_missing_columns(wh.con, "core.incident", NEW_FIELDS) == [
            "nieuw_veld", "nieuwe_lijst", "nieuw_getal"]  # fmt: skip


@pytest.mark.parametrize("column", [("drop table x; --", "VARCHAR"), ("veld", "VARCHAR; DROP"),
                                    ("Hoofdletter", "VARCHAR")])  # fmt: skip
def test_add_missing_columns_refuses_what_is_no_name_or_type(
    tmp_path: Path, column: tuple[str, str]
) -> None:
    with (
        build_next_version(tmp_path / "monitor.duckdb") as wh,
        pytest.raises(MigrationError, match="cannot add column"),
    ):
        add_missing_columns(wh.con, "core.incident", [column])


def test_add_missing_columns_is_all_or_nothing(tmp_path: Path) -> None:
    with build_next_version(tmp_path / "monitor.duckdb") as wh:
        with pytest.raises(MigrationError, match="failed"):
            add_missing_columns(wh.con, "core.incident",
                                [("goed_veld", "VARCHAR"), ("fout_veld", "GEEN_TYPE")])  # fmt: skip
        names = wh.query("SELECT column_name FROM duckdb_columns() WHERE schema_name = 'core' "
                         "AND table_name = 'incident'")["column_name"].tolist()  # fmt: skip
        assert "goed_veld" not in names
