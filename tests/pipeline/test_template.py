"""The national template generated from the schema: layout, validations, and a filled template
that goes through the real self-check path without edits."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

from connectors.profiles import PROFILE_DIR, load_profile
from pipeline.employers.template import (
    CODELISTS_SHEET,
    INCIDENTS_SHEET,
    LAST_ROW,
    METADATA_SHEET,
    TemplateError,
    incident_columns,
    write_template,
)
from pipeline.night.check import check_file
from pipeline.sample import generate_sample
from pipeline.settings import Settings
from schemas.codelists import FIELD_CODELIST, load_codelists

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "data" / "reference"
YEAR = 2025
TODAY = dt.date(YEAR + 1, 6, 30)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    """An empty template for every beroepsgroep, opened with openpyxl."""
    path = tmp_path_factory.mktemp("template") / "sjabloon.xlsx"
    write_template(path)
    return openpyxl.load_workbook(path)


def validations_by_column(sheet: Any) -> dict[str, Any]:
    """The data validation of each column (by its header), keyed by column name."""
    headers = {cell.column_letter: cell.value for cell in sheet[1]}
    found = {}
    for validation in sheet.data_validations.dataValidation:
        for cell_range in validation.sqref.ranges:
            letter = cell_range.coord.split(":")[0].rstrip("0123456789")
            assert cell_range.min_row == 2 and cell_range.max_row == LAST_ROW
            found[headers[letter]] = validation
    return found


def codelist_ranges(workbook: openpyxl.Workbook) -> dict[str, set[str]]:
    """The codes each `Codelijsten!$B$m:$B$n` range holds, keyed by the range text."""
    sheet = workbook[CODELISTS_SHEET]
    ranges = {}
    for validation in workbook[INCIDENTS_SHEET].data_validations.dataValidation:
        if validation.type == "list":
            cells = validation.formula1.split("!")[1].replace("$", "")
            ranges[validation.formula1] = {c.value for (c,) in sheet[cells]}
    return ranges


def test_every_coded_column_has_a_dropdown_on_the_code_lists(template: openpyxl.Workbook) -> None:
    """Each coded field (FIELD_CODELIST) in the template has a list from Codelijsten."""
    lists = load_codelists()
    by_column = validations_by_column(template[INCIDENTS_SHEET])
    ranges = codelist_ranges(template)
    coded = [name for name in incident_columns() if name in FIELD_CODELIST]
    assert set(coded) == set(FIELD_CODELIST) - {"zwaarste_gedragstype"}
    for name in coded:
        validation = by_column[name]
        assert validation.type == "list" and validation.formula1.startswith(f"{CODELISTS_SHEET}!")
        assert ranges[validation.formula1] == set(lists.for_field(name)), name
        assert validation.errorStyle == "information"  # labels and synonyms are accepted too


def test_other_columns_are_validated_by_kind(template: openpyxl.Workbook) -> None:
    """Dates, time, whole numbers and the gemeentecode are checked; every column has a prompt."""
    by_column = validations_by_column(template[INCIDENTS_SHEET])
    assert set(by_column) == set(incident_columns())
    assert all(v.prompt and v.showInputMessage for v in by_column.values())
    for name in ("incidentdatum", "registratiedatum"):
        assert by_column[name].type == "date" and by_column[name].formula1 == "DATE(2010,1,1)"
    assert by_column["incidenttijd"].type == "time"
    assert (by_column["aantal_daders"].type, by_column["aantal_daders"].formula1) == ("whole", "1")
    assert (by_column["verzuim_dagen"].type, by_column["verzuim_dagen"].formula1) == ("whole", "0")
    assert by_column["gemeentecode_locatie"].type == "custom"


def test_the_templates_profile_reads_every_column_under_its_field_name() -> None:
    """The profile `nationaal_sjabloon` maps each template column to the field it is named
    after, in the template's order: what the template writes, the reader reads back."""
    profile = load_profile(PROFILE_DIR / "nationaal_sjabloon.yaml")
    assert tuple(profile.fields) == incident_columns()
    assert all(mapping.column == name for name, mapping in profile.fields.items())
    assert incident_columns()[:3] == ("bron_incidentnummer", "beroepsgroep", "incidentdatum")
    assert "medewerker_id" in incident_columns()  # a source-only field has a column
    assert "zwaarste_gedragstype" not in incident_columns()  # a derived field has none


def test_header_is_frozen_and_named_as_the_profile_reads(template: openpyxl.Workbook) -> None:
    """Incidenten has the profile's columns in row 1, frozen, and date columns as dd-mm-yyyy."""
    sheet = template[INCIDENTS_SHEET]
    assert template.sheetnames == ["Toelichting", METADATA_SHEET, INCIDENTS_SHEET, CODELISTS_SHEET]
    assert tuple(cell.value for cell in sheet[1]) == incident_columns()
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["C"].number_format == "dd-mm-yyyy"


def test_code_lists_hold_every_code_with_its_label(template: openpyxl.Workbook) -> None:
    """Codelijsten: lijst, code, label, omschrijving for every code of every list."""
    rows = list(template[CODELISTS_SHEET].iter_rows(values_only=True))
    assert rows[0] == ("lijst", "code", "label", "omschrijving")
    expected = {(name, c.code, c.label, c.description)
                for name, codes in load_codelists().lists.items() for c in codes}  # fmt: skip
    assert set(rows[1:]) == expected and len(rows) - 1 == len(expected)


def test_aanlevering_has_the_keys_the_reader_understands(template: openpyxl.Workbook) -> None:
    """Aanlevering: veld/waarde/toelichting, fte per beroepsgroep, ja/nee for the nil return."""
    sheet = template[METADATA_SHEET]
    keys = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert keys == ["veld", "organisatiecode", "periode", "fte_boa", "fte_brandweer",
                    "fte_politie", "geen_incidenten"]  # fmt: skip
    kinds = {v.type: str(v.sqref) for v in sheet.data_validations.dataValidation}
    assert kinds["list"] == "B7" and kinds["decimal"] == "B4:B6"


def test_one_beroepsgroep_gets_one_fte_row_and_bad_arguments_fail(tmp_path: Path) -> None:
    """With a beroepsgroep only its fte row is there; an unknown one is refused."""
    path = tmp_path / "t.xlsx"
    write_template(path, beroepsgroep="brandweer", organisatiecode="VR13", periode="2025Q2")
    rows = list(openpyxl.load_workbook(path)[METADATA_SHEET].iter_rows(values_only=True))
    assert [r[:2] for r in rows[1:4]] == [("organisatiecode", "VR13"), ("periode", "2025Q2"),
                                          ("fte_brandweer", None)]  # fmt: skip
    with pytest.raises(TemplateError):
        write_template(path, beroepsgroep="piloot")
    with pytest.raises(TemplateError):
        write_template(path, periode="2025-1")


@pytest.mark.parametrize(("org", "fte_row"), [("GM0363", "fte_boa"), ("VR13", "fte_brandweer"),
                                              ("POL", "fte_politie")])  # fmt: skip
def test_an_organisation_is_asked_only_its_own_fte(tmp_path: Path, org: str, fte_row: str) -> None:
    path = tmp_path / "t.xlsx"
    write_template(path, organisatiecode=org)
    keys = [r[0] for r in openpyxl.load_workbook(path)[METADATA_SHEET].iter_rows(values_only=True)]
    assert [k for k in keys if str(k).startswith("fte_")] == [fte_row]


def test_the_template_is_written_reproducibly(tmp_path: Path) -> None:
    """Two writes give the same bytes."""
    write_template(tmp_path / "a.xlsx", beroepsgroep="boa")
    write_template(tmp_path / "b.xlsx", beroepsgroep="boa")
    digests = {
        hashlib.sha256((tmp_path / n).read_bytes()).hexdigest() for n in ("a.xlsx", "b.xlsx")
    }
    assert len(digests) == 1


# The acceptance test: a filled template goes through `monitor check` without edits.


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small generated sample (its incidents fill the template)."""
    out = tmp_path_factory.mktemp("sample")
    generate_sample(out, YEAR, seed=11, scale=0.05, reference_dir=REFERENCE)
    return out


def read_csv(path: Path) -> list[dict[str, str]]:
    """A UTF-8 CSV with a header row."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def clean_delivery(sample: Path) -> tuple[str, str, list[dict[str, str]]]:
    """The boa organisation and quarter with the most incidents and no warning or reject."""
    warned = {r["bronbestand"] for name in ("warnings", "rejects")
              for r in read_csv(sample / "truth" / f"{name}.csv")}  # fmt: skip
    groups: dict[tuple[str, str], list[dict[str, str]]] = {}
    for incident in read_csv(sample / "truth" / "incidents.csv"):
        same_code = incident["organisatiecode"] == incident["organisatiecode_bron"]
        if (
            incident["beroepsgroep"] == "boa"
            and same_code
            and incident["bronbestand"] not in warned
        ):
            key = (incident["organisatiecode"], incident["periode"])
            groups.setdefault(key, []).append(incident)
    (org, periode), rows = max(groups.items(), key=lambda item: (len(item[1]), item[0]))
    return org, periode, rows


def template_row(incident: dict[str, str], number: int) -> list[Any]:
    """Spell a truth incident as an employer fills the template (dates both ways)."""
    day = dt.date.fromisoformat(incident["incidentdatum"])
    registered = incident["registratiedatum"]
    values = {
        **incident,
        "incidentdatum": day if number % 2 else day.strftime("%d-%m-%Y"),
        "registratiedatum": registered and dt.date.fromisoformat(registered).strftime("%d-%m-%Y"),
        "incidenttijd": incident["incidenttijd"][:5],
        "gedragstypen": ", ".join(incident["gedragstypen"].split("|")),
        "aantal_daders": int(incident["aantal_daders"]) if incident["aantal_daders"] else None,
        "verzuim_dagen": int(incident["verzuim_dagen"]) if incident["verzuim_dagen"] else None,
        "medewerker_id": incident["medewerker_id"] or None,
    }
    return [values[name] or (0 if values[name] == 0 else None) for name in incident_columns()]


def fill(path: Path, meta: dict[str, Any], rows: list[list[Any]]) -> None:
    """Fill a written template as an employer does, with openpyxl."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook[METADATA_SHEET]
    for key, cell in ((r[0].value, r[1]) for r in sheet.iter_rows(min_row=2)):
        cell.value = meta.get(key, cell.value)
    for row in rows:
        workbook[INCIDENTS_SHEET].append(row)
    workbook.save(path)


def settings(sample: Path) -> Settings:
    """Reference data from the project, FTE from the sample."""
    return Settings(reference_dir=REFERENCE, fte_dir=sample / "reference")


def test_a_filled_template_passes_the_check_without_edits(sample: Path, tmp_path: Path) -> None:
    """Incidents of a generated sample, typed into the template, load without any edit."""
    org, periode, incidents = clean_delivery(sample)
    assert len(incidents) >= 3
    path = tmp_path / f"{org}_{periode}.xlsx"
    write_template(path, beroepsgroep="boa")
    meta = {"organisatiecode": org, "periode": periode, "fte_boa": 12.5, "geen_incidenten": "nee"}
    fill(path, meta, [template_row(incident, n) for n, incident in enumerate(incidents)])

    processed = check_file(path, org, settings(sample), TODAY)

    assert processed.profile is not None and processed.profile.id == "nationaal_sjabloon"
    assert processed.edits.empty, processed.edits.to_dict("records")
    assert processed.rows_loaded == processed.rows_in == len(incidents)
    loaded = processed.incidents.set_index("bron_incidentnummer")
    for incident in incidents:
        row = loaded.loc[incident["bron_incidentnummer"]]
        assert as_truth(row) == {name: incident[name] for name in COMPARED}


COMPARED = ("incidentdatum", "incidenttijd", "registratiedatum", "gedragstypen", "kanaal",
            "aantal_daders", "verzuim_dagen", "nazorg_aangeboden", "gemeentecode_locatie")  # fmt: skip


def as_truth(row: Any) -> dict[str, str]:
    """A loaded incident's fields spelled as truth/incidents.csv spells them."""

    def text(value: Any) -> str:
        if isinstance(value, list | tuple):
            return "|".join(value)
        return "" if value is None or value is pd.NA or value != value else str(value)

    return {name: text(row[name]) for name in COMPARED}


def test_a_nil_return_template_passes_the_check(sample: Path, tmp_path: Path) -> None:
    """geen_incidenten ja and no rows: no edits, a nil return."""
    path = tmp_path / f"GM0014_{YEAR}Q2.xlsx"
    write_template(path, beroepsgroep="boa")
    meta = {"organisatiecode": "GM0014", "periode": f"{YEAR}Q2", "fte_boa": 3,
            "geen_incidenten": "ja"}  # fmt: skip
    fill(path, meta, [])

    processed = check_file(path, "GM0014", settings(sample), TODAY)

    assert processed.edits.empty, processed.edits.to_dict("records")
    assert processed.rows_in == 0
    assert processed.meta is not None and processed.meta.geen_incidenten is True
