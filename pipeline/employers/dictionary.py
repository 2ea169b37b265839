"""The analysts' data dictionary (`docs/data_dictionary.md`), generated, never written by hand.

Two sources: the national standard (`schemas.export.export_standard`: the field catalogue, the
code lists, the edit catalogue; the batch checks of `pipeline/ingest/batch_checks.yaml`) and the
warehouse itself: every schema, table, view and column with its type and its Dutch comment
(`pipeline/warehouse/sql/comments.sql`, `ref_comments.sql`, one file per view in `marts/`), read
from DuckDB's catalogue.
The output is deterministic (sorted, no timestamps), so a test can hold the committed file to it.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import SecretStr

from pipeline.ingest.batch_catalogue import CATALOGUE as BATCH_CATALOGUE
from pipeline.ingest.inputs import prepare_inputs, write_reference_tables
from pipeline.settings import Settings
from pipeline.warehouse.store import Warehouse, build_next_version
from schemas.codelists import FIELD_CODELIST
from schemas.edits import EDIT_CATALOGUE_VERSION, EDITS
from schemas.export import export_standard
from schemas.fields import FieldKind, FieldName, Origin
from schemas.vocabulary import ja_nee

REPO_ROOT = Path(__file__).resolve().parents[2]
REFERENCE_DIR = REPO_ROOT / "data" / "reference"
DICTIONARY_PATH = REPO_ROOT / "docs" / "data_dictionary.md"
SCHEMAS: dict[str, str] = {
    "ref": "Referentiegegevens: organisaties, gemeenten, veiligheidsregio's, herindelingen, "
    "codelijsten, controles, fte en de kwartaalkalender. Elke nacht vernieuwd uit `data/reference`.",
    "ops": "De bedrijfsvoering van de pipeline: het grootboek van leveringen, de uitkomsten van de "
    "controles, de kwaliteitsscores en de runs.",
    "core": "De incidenten in het landelijke model, met herkomst (levering, bestand, tabblad, rij).",
    "mart": "De indicatoren van het landelijke beeld en de informatiepositie, als views over core, "
    "ops en ref.",
}
NO_COMMENT = "*(geen omschrijving)*"
ZWAARSTE = FieldName.ZWAARSTE_GEDRAGSTYPE.value
ORIGIN_NL = {
    Origin.PROFILE: "aangeleverd",
    Origin.DELIVERY: "uit de aanlevering (map, bestandsnaam of blad)",
    Origin.DERIVED: "berekend",
    Origin.PSEUDONYMISED: "berekend (pseudoniem)",
    Origin.SOURCE_ONLY: "alleen in de bron, niet opgeslagen",
}


def build_dictionary(warehouse: Warehouse) -> str:
    """The whole data dictionary as Markdown: the national standard, then the warehouse."""
    standard = export_standard()
    columns = warehouse_columns(warehouse)
    incident_notes = columns[
        (columns["schema_name"] == "core") & (columns["table_name"] == "incident")
    ]
    notes = dict(zip(incident_notes["column_name"], incident_notes["comment"], strict=True))
    parts = [
        _header(),
        _incident_section(standard, notes),
        _codelist_section(standard["codelijsten"]),
        _edit_section(),
        _batch_section(),
        _warehouse_section(warehouse_objects(warehouse), columns),
    ]
    return "\n".join(parts).rstrip("\n") + "\n"


def generate_dictionary() -> str:
    """Build a fresh, empty warehouse with the real reference data and describe it."""
    with (
        tempfile.TemporaryDirectory(prefix="monitor-docs-") as tmp,
        empty_warehouse(Path(tmp)) as wh,
    ):
        return build_dictionary(wh)


def write_dictionary(path: Path = DICTIONARY_PATH) -> Path:
    """Generate the data dictionary and write it to `path` (docs/data_dictionary.md); returns it."""
    text = generate_dictionary()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@contextmanager
def empty_warehouse(directory: Path) -> Iterator[Warehouse]:
    """A new warehouse in `directory`: schema, the reference tables of data/reference, the marts.

    No deliveries. The paths are fixed here, not taken from MONITOR_ variables, so the
    dictionary does not depend on the machine that generates it; the key only satisfies
    `prepare_inputs` (nothing is pseudonymised).
    """
    settings = Settings(
        inbox_dir=directory / "inbox",
        reference_dir=REFERENCE_DIR,
        fte_dir=REFERENCE_DIR,
        warehouse_path=directory / "monitor.duckdb",
        pseudonym_key=SecretStr("alleen-voor-het-datawoordenboek-geen-geheim"),
    )
    with build_next_version(settings.warehouse_path) as warehouse:
        inputs = prepare_inputs(settings, dt.date.today(), history={})
        write_reference_tables(warehouse, inputs)
        warehouse.refresh_marts()
        yield warehouse


def warehouse_objects(warehouse: Warehouse) -> pd.DataFrame:
    """Every table and view of the documented schemas: schema_name, name, kind, comment."""
    schemas = _sql_list(SCHEMAS)
    return warehouse.query(
        "SELECT schema_name, table_name AS name, 'tabel' AS kind, comment FROM duckdb_tables() "
        f"WHERE database_name = current_database() AND schema_name IN ({schemas}) "
        "AND NOT temporary UNION ALL "
        "SELECT schema_name, view_name, 'view', comment FROM duckdb_views() "
        f"WHERE database_name = current_database() AND schema_name IN ({schemas}) "
        "AND NOT internal AND NOT temporary ORDER BY schema_name, name"
    )


def warehouse_columns(warehouse: Warehouse) -> pd.DataFrame:
    """Every column of those tables and views, in table order, with type and comment."""
    return warehouse.query(
        "SELECT schema_name, table_name, column_name, data_type, comment FROM duckdb_columns() "
        f"WHERE database_name = current_database() AND schema_name IN ({_sql_list(SCHEMAS)}) "
        "AND NOT internal ORDER BY schema_name, table_name, column_index"
    )


def _sql_list(names: Iterable[str]) -> str:
    """Fixed identifiers (never user input) as an SQL list of string literals."""
    return ", ".join(f"'{name}'" for name in names)


def _header() -> str:
    return (
        "# Datawoordenboek — Landelijke monitor agressie en geweld tegen hulpverleners\n\n"
        "Gegenereerd door `monitor docs` (`pipeline/employers/dictionary.py`) uit de landelijke standaard "
        "(`schemas/`, `pipeline/ingest/batch_checks.yaml`) en de commentaren in het warehouse "
        "(`pipeline/warehouse/sql/`). Niet met de hand bewerken: pas de bron aan en draai `monitor docs`. "
        "Voorbeeldvragen in SQL staan in `docs/queries.sql`.\n\n"
        "1. Landelijke standaard: het incident, de codelijsten, de controles, de batchcontroles\n"
        "2. Warehouse: elke tabel, view en kolom van de schema's "
        + ", ".join(f"`{s}`" for s in sorted(SCHEMAS))
        + "\n"
    )


def _incident_section(standard: dict[str, Any], notes: dict[str, Any]) -> str:
    """The national fields of the field catalogue: label, type, required, where the value comes
    from, rules, the edits that name it, and the column comment (else the field's description)."""
    rows = [[f"`{f['name']}`", _text(f["label"]), _type_name(f), ja_nee(f["required"]),
             ORIGIN_NL[f["origin"]], _rules(f), ", ".join(f"`{e}`" for e in f["edits"]) or "—",
             _text(notes.get(f["name"]) or f["description"])]
            for f in standard["velden"]]  # fmt: skip
    header = [
        "veld",
        "label",
        "type",
        "verplicht",
        "herkomst",
        "regels",
        "controles",
        "toelichting",
    ]
    return (
        f"## 1. Landelijke standaard (schemaversie {standard['schema_version']})\n\n"
        "### 1.1 Incident\n\n"
        "Eén incident van agressie of geweld tegen een hulpverlener. De velden zijn de termen van "
        "de landelijke standaard, uit de veldencatalogus (`schemas/fields.py`); ontbrekende "
        "waarden blijven leeg (een ja/nee-veld wordt nooit geraden). Het volledige JSON Schema "
        "geeft `monitor schema`.\n\n" + _table(header, rows)
    )


def _type_name(field: dict[str, Any]) -> str:
    """A readable type: text, date, time, integer, gemeentecode, code (list), list of code (list)."""
    if field["kind"] == FieldKind.MULTI_CODE:
        return f"lijst van code ({field['codelist']})"
    if field["kind"] == FieldKind.CODE:
        return f"code ({field['codelist']})"
    return str(field["kind"])


def _rules(field: dict[str, Any]) -> str:
    """A field's bounds, in words."""
    rules = []
    if "pattern" in field:
        rules.append(f"patroon `{field['pattern']}`")
    if "minimum" in field:
        rules.append(f"≥ {field['minimum']}")
    if "min_length" in field or "max_length" in field:
        rules.append(f"lengte {field.get('min_length', 0)}–{field.get('max_length', '…')}")
    if "earliest" in field:
        rules.append(f"niet vóór {field['earliest']}")
    if field["kind"] == FieldKind.MULTI_CODE:
        rules.append("minstens 1 code, geen code dubbel")
    return "; ".join(rules)


def _codelist_section(codelists: dict[str, Any]) -> str:
    """Every code list with code, label, description (and the severity rank of gedragstype)."""
    parts = [f"### 1.2 Codelijsten (versie {codelists['versie']})\n"]
    for name, codes in codelists["lijsten"].items():
        ranked = any("rank" in c for c in codes)
        fields = [k for k, v in FIELD_CODELIST.items() if v == name]
        used = ", ".join(f"`{f}`" for f in fields) if fields else "—"
        header = ["code", "label", "omschrijving"] + (["zwaarte"] if ranked else [])
        rows = [[f"`{c['code']}`", _text(c["label"]), _text(c["description"])]
                + ([str(c.get("rank", ""))] if ranked else []) for c in codes]  # fmt: skip
        note = f" Hogere zwaarte is ernstiger; die bepaalt `{ZWAARSTE}`." if ranked else ""
        parts.append(f"#### {name}\n\nGebruikt in: {used}.{note}\n\n" + _table(header, rows))
    return "\n".join(parts)


def _edit_section() -> str:
    """The registry of numbered edits: code, severity, scope, title, expected, fix."""
    rows = [[f"`{e.code}`", e.severity.nl, e.scope.nl, _text(e.title_nl), _text(e.expected_nl),
             _text(e.fix_nl)] for e in EDITS.values()]  # fmt: skip
    return (
        f"### 1.3 Controles (catalogusversie {EDIT_CATALOGUE_VERSION})\n\n"
        "S: structuur van de hele levering, E: fout in een veld (rij afgekeurd), W: waarschuwing "
        "(rij geladen, gemeld aan de werkgever). Uitkomsten in `ops.edit` (`ops.reject`, "
        "`ops.warning`); de catalogus staat ook in `ref.edit`.\n\n"
        + _table(["code", "ernst", "niveau", "titel", "verwacht", "oplossing"], rows)
    )


def _batch_section() -> str:
    """The batch checks (Great Expectations, B codes) with their thresholds."""
    catalogue = BATCH_CATALOGUE
    rows = [[f"`{c.code}`", f"`{c.column}`" if c.column else "(hele levering)", f"`{c.expectation}`",
             f"{c.threshold:g}", _text(c.title_nl), _text(c.description_nl)]
            for c in catalogue.checks]  # fmt: skip
    return (
        f"### 1.4 Batchcontroles (versie {catalogue.version})\n\n"
        "Great Expectations-controles per levering op de geharmoniseerde incidenten "
        "(`pipeline/ingest/batch_checks.yaml`). Ze keuren nooit af: de uitkomsten staan in "
        "`ops.dq_result` en gaan terug naar de werkgever. Controles op aandelen en spreiding "
        f"vragen minstens {catalogue.min_rows_for_share_checks} incidenten; de volumecontrole "
        f"vraagt minstens {catalogue.min_history_deliveries} eerdere leveringen met incidenten.\n\n"
        + _table(["code", "veld", "verwachting", "drempel", "titel", "omschrijving"], rows)
    )


def _warehouse_section(objects: pd.DataFrame, columns: pd.DataFrame) -> str:
    """Per schema: an overview of its tables and views, then each one with its columns."""
    parts = [
        "## 2. Warehouse\n\n"
        "Analisten openen het gepubliceerde bestand `data/warehouse/monitor.duckdb` alleen-lezen "
        "(`duckdb.connect('data/warehouse/monitor.duckdb', read_only=True)`). De omschrijvingen "
        "hieronder staan ook in het warehouse zelf: `duckdb_tables()`, `duckdb_views()` en "
        "`duckdb_columns()`, kolom `comment`. Houdt u in één Python-sessie een verbinding open, "
        "sluit die dan voordat u na een nachtelijke run opnieuw verbindt: DuckDB deelt één "
        "database per pad in een proces, en een nieuwe verbinding naast een open oude toont nog "
        "de vervangen versie.\n"
    ]
    for schema in sorted(SCHEMAS):
        mine = objects[objects["schema_name"] == schema]
        overview = [[f"`{schema}.{o.name}`", str(o.kind), _text(o.comment)]
                    for o in mine.itertuples(index=False)]  # fmt: skip
        parts.append(f"### Schema `{schema}`\n\n{SCHEMAS[schema]}\n\n"
                     + _table(["naam", "soort", "omschrijving"], overview))  # fmt: skip
        for o in mine.itertuples(index=False):
            own = columns[(columns["schema_name"] == schema) & (columns["table_name"] == o.name)]
            rows = [[f"`{c.column_name}`", f"`{c.data_type}`", _text(c.comment)]
                    for c in own.itertuples(index=False)]  # fmt: skip
            parts.append(f"#### `{schema}.{o.name}` ({o.kind})\n\n{_text(o.comment)}\n\n"
                         + _table(["kolom", "type", "omschrijving"], rows))  # fmt: skip
    return "\n".join(parts)


def _text(value: object) -> str:
    """A comment or description as one Markdown table cell; a missing one is marked."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or not str(value).strip():
        return NO_COMMENT
    return " ".join(str(value).split())


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A Markdown table (followed by a blank line); a pipe in a cell is escaped, even in code."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"
