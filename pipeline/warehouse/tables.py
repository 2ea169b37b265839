"""The column lists of the warehouse tables that the pipeline appends to (DDL: sql/migrations/).

A test (tests/pipeline/test_warehouse.py) checks them against the tables DuckDB builds.
"""

from __future__ import annotations

INCIDENT_COLUMNS = (
    "delivery_id", "periode", "organisatiecode", "organisatiecode_bron", "beroepsgroep",
    "bron_incidentnummer", "incidentdatum", "incidenttijd", "registratiedatum",
    "gemeentecode_locatie", "gemeentecode_locatie_bron", "gedragstypen", "zwaarste_gedragstype",
    "kanaal", "context", "wapen", "aantal_daders", "letsel", "verzuim_dagen", "materiele_schade",
    "aangifte", "vpt_markering", "nazorg_aangeboden", "medewerker_pseudoniem", "bronbestand",
    "tabblad", "rij",
)  # fmt: skip
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


_DELIVERY_TABLES = (
    ("ops.edit", "edits", EDIT_TABLE_COLUMNS),
    ("ops.dq_result", "dq", DQ_COLUMNS),
    ("ops.delivery_fte", "fte", ("delivery_id", "beroepsgroep", "fte", "bron")),
    ("ops.delivery_kwaliteit", "quality", QUALITY_COLUMNS),
)
