"""Numbered schema migrations of the warehouse, recorded in `ops.schema_migratie`.

Each migration is one file `sql/migrations/NNNN_naam.sql`; they run in number order, each
once. Every upgrade of a warehouse runs in one transaction: a migration that fails leaves the
warehouse as it was before the run. A warehouse made before numbered migrations (no
`ops.schema_migratie`, but a ledger) is recognised and upgraded in place: migrations 1-3 are
idempotent for it. After the migrations, `add_missing_columns` adds the columns the national
field catalogue has and `core.incident` lacks.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from schemas.errors import WarehouseError

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("sql") / "migrations"
MIGRATION_TABLE = """
CREATE SCHEMA IF NOT EXISTS ops;
CREATE TABLE IF NOT EXISTS ops.schema_migratie (
    versie       INTEGER PRIMARY KEY,
    naam         VARCHAR NOT NULL,
    toegepast_op TIMESTAMPTZ NOT NULL
);
"""
_FILE_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
_DUCKDB_TYPE = re.compile(r"^[A-Z][A-Z0-9_ ]*(\(\d+(, ?\d+)?\))?(\[\])?$")


class MigrationError(WarehouseError):
    """A schema migration failed or does not fit this warehouse; nothing of the upgrade stays."""


@dataclass(frozen=True)
class Migration:
    """One numbered schema change: its version, its name and its SQL."""

    versie: int
    naam: str
    sql: str


def load_migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """The migrations in `directory`, by number; numbered 1, 2, 3, … without gaps."""
    migrations = []
    for path in sorted(directory.glob("*.sql")):
        match = _FILE_NAME.match(path.name)
        if match is None:
            raise MigrationError(f"{path}: a migration is named NNNN_naam.sql")
        migrations.append(Migration(int(match[1]), match[2], path.read_text(encoding="utf-8")))
    numbers = [m.versie for m in migrations]
    if numbers != list(range(1, len(numbers) + 1)):
        raise MigrationError(f"{directory}: migrations must be numbered 1, 2, 3, …; got {numbers}")
    return migrations


def applied_versions(con: duckdb.DuckDBPyConnection) -> list[int]:
    """The versions recorded in `ops.schema_migratie`, ascending (none if it does not exist)."""
    if not _table_exists(con, "ops", "schema_migratie"):
        return []
    rows = con.execute("SELECT versie FROM ops.schema_migratie ORDER BY versie").fetchall()
    return [int(r[0]) for r in rows]


def migrate(
    con: duckdb.DuckDBPyConnection, migrations: Sequence[Migration] | None = None
) -> list[int]:
    """Apply the migrations this warehouse lacks, in one transaction; returns their versions."""
    migrations = load_migrations() if migrations is None else migrations
    applied = applied_versions(con)
    unknown = sorted(set(applied) - {m.versie for m in migrations})
    if unknown:
        raise MigrationError(f"the warehouse has migrations {unknown} that this code does not "
                             "know: it was made by newer code")  # fmt: skip
    pending = [m for m in migrations if m.versie not in applied]
    if not pending:
        return []
    unversioned = not applied and _table_exists(con, "ops", "delivery")
    with _all_or_nothing(con, "upgrade failed, the warehouse is unchanged"):
        con.execute(MIGRATION_TABLE)
        set_aside = _set_aside_old_ledger(con) if unversioned else False
        for migration in pending:
            _apply(con, migration)
        if set_aside:
            _restore_old_ledger(con)
    if unversioned:
        log.info("warehouse van voor de genummerde migraties herkend en bijgewerkt")
    return [m.versie for m in pending]


def _apply(con: duckdb.DuckDBPyConnection, migration: Migration) -> None:
    """Run one migration and record it (inside the caller's transaction)."""
    try:
        con.execute(migration.sql)
    except duckdb.Error as exc:
        raise MigrationError(f"migration {migration.versie:04d}_{migration.naam} failed, the "
                             f"warehouse is unchanged: {exc}") from exc  # fmt: skip
    con.execute(
        "INSERT INTO ops.schema_migratie VALUES (?, ?, now())", [migration.versie, migration.naam]
    )
    log.info("migratie %04d_%s toegepast", migration.versie, migration.naam)


def _set_aside_old_ledger(con: duckdb.DuckDBPyConnection) -> bool:
    """A ledger from before identity per organisation (sha256 UNIQUE on its own) is renamed, so
    migration 1 creates it with UNIQUE (organisatiecode_bron, sha256); True if it was."""
    old = con.execute(
        "SELECT count(*) FROM duckdb_constraints() WHERE schema_name = 'ops' AND table_name = "
        "'delivery' AND constraint_type = 'UNIQUE' AND constraint_column_names = ['sha256']"
    ).fetchone()
    if not old or not old[0]:
        return False
    con.execute("ALTER TABLE ops.delivery RENAME TO delivery_v1")
    return True


def _restore_old_ledger(con: duckdb.DuckDBPyConnection) -> None:
    """Copy the set-aside ledger into the new one, rows and ids unchanged."""
    con.execute("INSERT INTO ops.delivery BY NAME SELECT * FROM ops.delivery_v1")
    con.execute("DROP TABLE ops.delivery_v1")
    log.info("grootboek omgezet: identiteit is nu sha256 per organisatie")


def add_missing_columns(
    con: duckdb.DuckDBPyConnection, table: str, columns: Sequence[tuple[str, str]]
) -> list[str]:
    """Add each (name, DuckDB type) that `table` lacks, in one transaction; returns the names added.

    Columns the table has are left as they are (their type is not compared).
    """
    schema, name = table.split(".")
    for column, duckdb_type in columns:
        if not _IDENTIFIER.match(column) or not _DUCKDB_TYPE.match(duckdb_type):
            raise MigrationError(f"{table}: cannot add column {column!r} of type {duckdb_type!r}")
    present = set(con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() "
        "AND schema_name = ? AND table_name = ?", [schema, name]).df()["column_name"])  # fmt: skip
    if not present:
        raise MigrationError(f"{table} does not exist")
    missing = [(c, t) for c, t in columns if c not in present]
    if not missing:
        return []
    with _all_or_nothing(con, f"{table}: adding {missing} failed"):
        for column, duckdb_type in missing:
            con.execute(f"ALTER TABLE {table} ADD COLUMN {column} {duckdb_type}")
    log.info("kolommen toegevoegd aan %s: %s", table, ", ".join(c for c, _ in missing))
    return [c for c, _ in missing]


def _table_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    row = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
        "AND schema_name = ? AND table_name = ?", [schema, table]).fetchone()  # fmt: skip
    return bool(row and row[0])


@contextmanager
def _all_or_nothing(con: duckdb.DuckDBPyConnection, failure: str) -> Iterator[None]:
    """One transaction: committed when the block ends, rolled back on any error (a DuckDB error
    becomes a MigrationError that starts with `failure`)."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
        con.execute("COMMIT")
    except BaseException as exc:
        con.execute("ROLLBACK")
        if isinstance(exc, duckdb.Error):
            raise MigrationError(f"{failure}: {exc}") from exc
        raise
