"""The sample takes the national field names from the catalogue (`schemas.fields.FieldName`):
only `formats.py`, the source spellings, writes them; the truth files and the comparison with
the warehouse keep their columns."""

from __future__ import annotations

import ast
import hashlib
import hmac
import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pipeline.sample.truth import (
    DELIVERY_COLUMNS,
    FTE_COLUMNS,
    INCIDENT_COLUMNS,
    LEVERT_VOOR_COLUMNS,
    REJECT_COLUMNS,
    WARNING_COLUMNS,
    write_csv,
)
from pipeline.sample.verify import TruthComparison, compare_incidents
from pipeline.warehouse.store import Warehouse
from schemas.fields import FieldName

SAMPLE = Path(__file__).resolve().parents[2] / "pipeline" / "sample"
SOURCE_SPELLINGS = "formats.py"
NAMES = frozenset(str(name) for name in FieldName)
TRUTH_INCIDENT_HEADER = [
    "organisatiecode", "organisatiecode_bron", "periode", "bronbestand", "bron_incidentnummer",
    "beroepsgroep", "incidentdatum", "incidenttijd", "registratiedatum", "gemeentecode_locatie",
    "gedragstypen", "zwaarste_gedragstype", "kanaal", "context", "wapen", "aantal_daders",
    "letsel", "verzuim_dagen", "materiele_schade", "aangifte", "vpt_markering",
    "nazorg_aangeboden", "medewerker_id",
]  # fmt: skip


def field_names_in(source: str) -> list[str]:
    """Return every national field name the source writes: as a string, a name, an attribute,
    an argument or keyword, a definition, or (for names with an underscore) anywhere in the
    text, comments and docstrings included."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.append(node.value)
        elif isinstance(node, ast.Name):
            found.append(node.id)
        elif isinstance(node, ast.Attribute):
            found.append(node.attr)
        elif isinstance(node, ast.arg | ast.keyword) and node.arg:
            found.append(node.arg)
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            found.append(node.name)
    found += re.findall(r"\b[a-z]+_[a-z_]+\b", source)
    return sorted({name for name in found if name in NAMES})


def test_the_scan_finds_field_names_in_each_form() -> None:
    source = '''
"""Mentions materiele_schade in a docstring."""
x = {"kanaal": incident.letsel}
def f(wapen, **kw): return g(aangifte=1)
'''
    assert field_names_in(source) == ["aangifte", "kanaal", "letsel", "materiele_schade", "wapen"]
    assert field_names_in('label = "Materiële schade"  # the aangifte_termijn is no field') == []


@pytest.mark.parametrize(
    "module", sorted(p.name for p in SAMPLE.glob("*.py") if p.name != SOURCE_SPELLINGS)
)
def test_no_sample_module_but_the_source_spellings_names_a_national_field(module: str) -> None:
    assert field_names_in((SAMPLE / module).read_text(encoding="utf-8")) == []


def test_truth_files_keep_their_columns() -> None:
    assert list(INCIDENT_COLUMNS) == TRUTH_INCIDENT_HEADER
    assert list(REJECT_COLUMNS) == [
        "organisatiecode", "periode", "bronbestand", "rij", "bron_incidentnummer", "code", "veld",
    ]  # fmt: skip
    assert list(WARNING_COLUMNS) == [
        "organisatiecode", "periode", "bronbestand", "rij", "bron_incidentnummer", "code",
    ]  # fmt: skip
    assert list(DELIVERY_COLUMNS) == [
        "organisatiecode_bron", "organisatiecode", "periode", "bronbestand", "profiel", "status",
        "geen_incidenten", "rows_in", "rows_loaded", "rows_rejected", "received_at",
    ]  # fmt: skip
    assert list(FTE_COLUMNS) == ["organisatiecode", "beroepsgroep", "fte"]
    assert list(LEVERT_VOOR_COLUMNS) == [
        "leverancier", "organisatiecode", "vanaf", "tot", "toelichting",
    ]  # fmt: skip


KEY = b"k" * 32
TRUTH_ROW = {
    "organisatiecode": "GM0363", "organisatiecode_bron": "GM0363", "periode": "2025Q1",
    "bronbestand": "GM0363_2025Q1.xlsx", "bron_incidentnummer": "GM0363-2025-00001",
    "beroepsgroep": "boa", "incidentdatum": "2025-02-03", "incidenttijd": "14:05:00",
    "registratiedatum": "", "gemeentecode_locatie": "GM0363",
    "gedragstypen": "verbaal|bedreiging", "zwaarste_gedragstype": "bedreiging",
    "kanaal": "fysiek", "context": "handhaving", "wapen": "nee", "aantal_daders": "2",
    "letsel": "geen", "verzuim_dagen": "0", "materiele_schade": "ja", "aangifte": "nee",
    "vpt_markering": "", "nazorg_aangeboden": "ja", "medewerker_id": "GM0363-00007",
}  # fmt: skip


def loaded_incidents(incidents: pd.DataFrame, tmp_path: Path) -> Warehouse:
    """A real DuckDB warehouse whose `core.incident` holds these rows (and nothing else)."""
    con = duckdb.connect(str(tmp_path / "monitor.duckdb"))
    con.execute("CREATE SCHEMA core")
    con.register("loaded", incidents)
    con.execute("CREATE TABLE core.incident AS SELECT * FROM loaded")
    return Warehouse(con, tmp_path / "monitor.duckdb")


def loaded_row(**changes: object) -> dict[str, object]:
    """The truth row as the warehouse holds it: the employee id as its pseudonym."""
    row: dict[str, object] = {k: v for k, v in TRUTH_ROW.items() if k != "medewerker_id"}
    row |= {"registratiedatum": None, "gedragstypen": ["verbaal", "bedreiging"]}
    message = b"GM0363:GM0363-00007"
    row["medewerker_pseudoniem"] = hmac.new(KEY, message, hashlib.sha256).hexdigest()
    return row | changes


def compare(tmp_path: Path, loaded: dict[str, object]) -> TruthComparison:
    write_csv(tmp_path / "incidents.csv", INCIDENT_COLUMNS, [tuple(TRUTH_ROW.values())])
    result = TruthComparison()
    compare_incidents(loaded_incidents(pd.DataFrame([loaded]), tmp_path), tmp_path, KEY, result)
    return result


def test_verify_agrees_with_a_faithful_load(tmp_path: Path) -> None:
    result = compare(tmp_path, loaded_row())
    assert (result.incidents_expected, result.incidents_loaded) == (1, 1)
    assert result.agrees, result


def test_verify_names_the_field_that_differs(tmp_path: Path) -> None:
    result = compare(tmp_path, loaded_row(materiele_schade="nee", medewerker_pseudoniem="x"))
    assert result.field_differences == [
        "GM0363 GM0363-2025-00001 materiele_schade: verwacht 'ja', geladen 'nee'",
        f"GM0363 GM0363-2025-00001 medewerker_pseudoniem: verwacht "
        f"'{loaded_row()['medewerker_pseudoniem']}', geladen 'x'",
    ]


def test_verify_misses_an_incident_the_warehouse_lacks(tmp_path: Path) -> None:
    result = compare(tmp_path, loaded_row(bron_incidentnummer="GM0363-2025-00002"))
    assert result.missing_incidents == ["GM0363 GM0363-2025-00001"]
    assert result.unexpected_incidents == ["GM0363 GM0363-2025-00002"]
