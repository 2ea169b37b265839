"""The field catalogue: one entry per national field, and everything generated from it.

The last tests add a dummy field to a copy of the catalogue and see it appear in the DDL of
core.incident, in the Incident model and in the template: adding a field is one entry.
"""

from __future__ import annotations

import datetime as dt
import json
from io import BytesIO
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from pydantic import ValidationError

from pipeline.employers.template import Aanlevering, build_template, template_columns
from pipeline.warehouse.store import build_next_version
from pipeline.warehouse.tables import INCIDENT_COLUMNS
from schemas.codelists import FIELD_CODELIST, load_codelists
from schemas.edit_codes import EditCode
from schemas.edits import EDITS
from schemas.export import export_standard
from schemas.fields import CATALOGUE, FieldKind, FieldName, FieldSpec, Origin, field_spec
from schemas.incident import Incident, incident_model
from schemas.profile import MAPPABLE_FIELDS, REQUIRED_FIELDS

DUMMY = FieldSpec("aantal_omstanders", FieldKind.INTEGER, "Aantal omstanders",
                  "Aantal omstanders bij het incident, een heel getal van 0 of meer.",
                  meaning="Aantal omstanders bij het incident (0 of meer).",
                  minimum=0, edits=(EditCode.W06,))  # fmt: skip
WITH_DUMMY = (*CATALOGUE, DUMMY)


def test_every_national_field_is_in_the_catalogue_once() -> None:
    names = [spec.name for spec in CATALOGUE]
    assert sorted(names) == sorted(FieldName) and len(names) == len(set(names))
    assert all(type(name) is str for name in names)  # plain text, not the enum member


def test_the_catalogue_names_only_known_code_lists_and_edits() -> None:
    lists = load_codelists().lists
    for spec in CATALOGUE:
        assert spec.codelist is None or spec.codelist in lists, spec.name
        assert set(spec.edits) <= set(EDITS), spec.name
        assert spec.label and spec.description, spec.name


def test_facts_read_from_the_catalogue() -> None:
    """A few facts spelled out, so a wrong catalogue entry is caught here."""
    assert FIELD_CODELIST["materiele_schade"] == "janee"
    assert FIELD_CODELIST["gedragstypen"] == FIELD_CODELIST["zwaarste_gedragstype"] == "gedragstype"
    assert REQUIRED_FIELDS == ("bron_incidentnummer", "incidentdatum", "gedragstypen",
                               "beroepsgroep")  # fmt: skip
    assert "medewerker_id" in MAPPABLE_FIELDS and "medewerker_id" not in Incident.model_fields
    assert "zwaarste_gedragstype" not in MAPPABLE_FIELDS
    assert "organisatiecode" not in MAPPABLE_FIELDS
    assert field_spec("gedragstypen").duckdb_type == "VARCHAR[] NOT NULL"
    assert field_spec("verzuim_dagen").duckdb_type == "INTEGER"
    assert field_spec("medewerker_pseudoniem").origin is Origin.PSEUDONYMISED
    assert "W01" in field_spec("vpt_markering").edits


def test_a_code_list_goes_with_a_coded_field_only() -> None:
    with pytest.raises(ValueError, match="code list"):
        FieldSpec("x", FieldKind.TEXT, "X", "x", codelist="janee")
    with pytest.raises(ValueError, match="code list"):
        FieldSpec("y", FieldKind.CODE, "Y", "y")


def test_the_model_has_the_stored_fields_in_catalogue_order() -> None:
    stored = [spec.name for spec in CATALOGUE if spec.stored]
    assert list(Incident.model_fields) == stored
    required = {n for n, f in Incident.model_fields.items() if f.is_required()}
    assert required == {"organisatiecode", "bron_incidentnummer", "beroepsgroep", "incidentdatum",
                        "gedragstypen", "zwaarste_gedragstype"}  # fmt: skip


def test_the_exported_standard_carries_the_catalogue() -> None:
    exported = json.loads(json.dumps(export_standard()))
    fields = {f["name"]: f for f in exported["velden"]}
    assert list(fields) == [spec.name for spec in CATALOGUE]
    assert fields["aantal_daders"]["minimum"] == 1 and fields["aantal_daders"]["kind"] == "integer"
    assert fields["incidentdatum"]["earliest"] == "2010-01-01"
    schema = exported["models"]["Incident"]["properties"]
    assert schema["letsel"]["description"] == field_spec("letsel").description


# --- A dummy field in a copy of the catalogue ----------------------------------------------


def _record(**changes: Any) -> dict[str, Any]:
    """A valid incident with only its required fields."""
    return {"organisatiecode": "VR13", "beroepsgroep": "brandweer",
            "bron_incidentnummer": "B-1", "incidentdatum": dt.date(2025, 3, 1),
            "gedragstypen": ["verbaal"], "zwaarste_gedragstype": "verbaal", **changes}  # fmt: skip


COLUMNS_SQL = (
    "SELECT column_name, data_type, is_nullable, comment FROM duckdb_columns() "
    "WHERE schema_name = 'core' AND table_name = 'incident'"
)


def _built_columns(tmp_path: Path, catalogue: tuple[FieldSpec, ...]) -> dict[str, tuple]:
    """column → (type, nullable, comment) of core.incident in a new warehouse of a catalogue."""
    with build_next_version(tmp_path / "monitor.duckdb") as wh:
        wh.ensure_schema(catalogue)
        rows = wh.query(COLUMNS_SQL).values.tolist()
    return {name: (kind, nullable, comment) for name, kind, nullable, comment in rows}


def test_a_new_field_appears_in_the_ddl(tmp_path: Path) -> None:
    assert "aantal_omstanders" not in _built_columns(tmp_path / "now", CATALOGUE)
    built = _built_columns(tmp_path / "with", WITH_DUMMY)
    assert built["aantal_omstanders"] == (
        "INTEGER", True, "Aantal omstanders bij het incident (0 of meer).")  # fmt: skip
    assert len(built) == len(INCIDENT_COLUMNS) + 1


def test_a_new_field_appears_in_the_model() -> None:
    model = incident_model(WITH_DUMMY)
    assert model(**_record(aantal_omstanders=3)).aantal_omstanders == 3  # type: ignore[attr-defined]
    assert model(**_record()).aantal_omstanders is None  # type: ignore[attr-defined]
    with pytest.raises(ValidationError, match="greater than or equal to 0"):
        model(**_record(aantal_omstanders=-1))
    with pytest.raises(ValidationError, match="zwaarste_gedragstype"):  # the derived rule holds
        model(**_record(gedragstypen=["verbaal", "bedreiging"]))
    with pytest.raises(ValidationError, match="Extra inputs"):  # the real model does not know it
        Incident(**_record(aantal_omstanders=3))


def test_a_new_field_appears_in_the_template() -> None:
    assert "aantal_omstanders" not in [c.name for c in template_columns()]
    buffer = BytesIO()
    build_template(Aanlevering(), catalogue=WITH_DUMMY).save(buffer)
    workbook = openpyxl.load_workbook(buffer)
    header = [cell.value for cell in workbook["Incidenten"][1]]
    assert header[-1] == "aantal_omstanders" and len(header) == len(template_columns()) + 1
    letter = openpyxl.utils.get_column_letter(len(header))
    rules = {
        str(v.sqref).split(":")[0]: v
        for v in workbook["Incidenten"].data_validations.dataValidation
    }
    rule = rules[f"{letter}2"]
    assert (rule.type, rule.operator, rule.formula1) == ("whole", "greaterThanOrEqual", "0")
    assert rule.prompt == DUMMY.description
    explanation = [row for row in workbook["Toelichting"].iter_rows(values_only=True)]
    assert ("aantal_omstanders", "nee", DUMMY.description) in explanation


def test_a_new_field_becomes_a_column_of_an_existing_warehouse(tmp_path: Path) -> None:
    published = tmp_path / "monitor.duckdb"
    with build_next_version(published) as wh:  # a warehouse of today's catalogue, published
        wh.con.execute(
            "INSERT INTO core.incident (delivery_id, periode, organisatiecode_bron, bronbestand, "
            "rij, organisatiecode, bron_incidentnummer, beroepsgroep, incidentdatum, "
            "gedragstypen, zwaarste_gedragstype) VALUES (1, '2025Q1', 'VR13', 'a.xlsx', 2, "
            "'VR13', 'B-1', 'brandweer', DATE '2025-03-01', ['verbaal'], 'verbaal')"
        )
    with build_next_version(published) as wh:  # the next run, with one field more
        wh.ensure_schema(WITH_DUMMY)
        built = wh.query("SELECT column_name, data_type FROM duckdb_columns() "
                         "WHERE schema_name = 'core' AND table_name = 'incident'")  # fmt: skip
        rows = wh.query("SELECT bron_incidentnummer, aantal_omstanders FROM core.incident")
    assert dict(built.values.tolist())["aantal_omstanders"] == "INTEGER"
    assert rows["bron_incidentnummer"].tolist() == ["B-1"]
    assert rows["aantal_omstanders"].isna().all()
