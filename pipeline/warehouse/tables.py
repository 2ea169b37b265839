"""The column lists of the warehouse tables that the pipeline appends to (DDL: sql/migrations/).

core.incident is the provenance columns plus the stored fields of the national field catalogue
(`schemas.fields.CATALOGUE`): `incident_column_definitions` gives them with their types, and
`Warehouse.ensure_schema` adds the ones a warehouse lacks and comments every field's column with
its meaning (`incident_comments`), so a field added to the catalogue is a documented column on
the next run. A test (tests/pipeline/test_warehouse.py) checks the lists against the tables
DuckDB builds.
"""

from __future__ import annotations

from schemas.fields import CATALOGUE, FieldName, FieldSpec, stored_fields

# Where an incident row came from, with its DuckDB type; `organisatiecode_bron` and
# `gemeentecode_locatie_bron` keep the codes as delivered when ingest recodes them.
PROVENANCE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("delivery_id", "INTEGER NOT NULL"),
    ("periode", "VARCHAR NOT NULL"),
    (f"{FieldName.ORGANISATIECODE}_bron", "VARCHAR NOT NULL"),
    (f"{FieldName.GEMEENTECODE_LOCATIE}_bron", "VARCHAR"),
    ("bronbestand", "VARCHAR NOT NULL"),
    ("tabblad", "VARCHAR"),
    ("rij", "INTEGER NOT NULL"),
)


def incident_column_definitions(
    catalogue: tuple[FieldSpec, ...] = CATALOGUE,
) -> tuple[tuple[str, str], ...]:
    """(column, DuckDB type) of every column of core.incident: provenance, then the fields."""
    fields = tuple((spec.name, spec.duckdb_type) for spec in stored_fields(catalogue))
    return PROVENANCE_COLUMNS + fields


def incident_comments(catalogue: tuple[FieldSpec, ...] = CATALOGUE) -> str:
    """COMMENT ON every field's column of core.incident: what its value means, from the catalogue."""
    return "\n".join(
        f"COMMENT ON COLUMN core.incident.{spec.name} IS {sql_text(spec.meaning or spec.description)};"
        for spec in stored_fields(catalogue)
    )


def sql_text(text: str) -> str:
    """A SQL string literal (for statements that take no parameters: COMMENT, ATTACH)."""
    return "'" + text.replace("'", "''") + "'"


INCIDENT_COLUMNS = tuple(name for name, _ in incident_column_definitions())
EDIT_TABLE_COLUMNS = ("delivery_id", "bronbestand", "tabblad", "rij", "veld", "code", "severity",
                      "waarde", "bericht")  # fmt: skip
QUALITY_COLUMNS = ("delivery_id", "aandeel_foutloos", "aandeel_bekend", "tijdigheid",
                   "dagen_te_laat", "kwaliteitsscore")  # fmt: skip
DQ_COLUMNS = ("delivery_id", "code", "kolom", "expectation", "success", "observed", "threshold",
              "bericht")  # fmt: skip
LEDGER_COLUMNS = (
    "delivery_id, organisatiecode, organisatiecode_bron, periode, profile_id, profile_version, "
    "bronbestand, sha256, size_bytes, received_at, loaded_at, run_id, status, superseded_by, "
    "geen_incidenten, rows_in, rows_loaded, rows_rejected, rows_warned, codelijst_versie, "
    "voorlopig"
)


DELIVERY_TABLES = (
    ("ops.edit", "edits", EDIT_TABLE_COLUMNS),
    ("ops.dq_result", "dq", DQ_COLUMNS),
    ("ops.delivery_fte", "fte", ("delivery_id", "beroepsgroep", "fte", "bron")),
    ("ops.delivery_kwaliteit", "quality", QUALITY_COLUMNS),
)
