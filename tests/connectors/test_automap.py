"""A file no profile knows is mapped by Dutch synonyms; `monitor profile suggest` drafts its profile."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from connectors import discover_inbox
from connectors.automap import MIN_CONFIDENCE, header_score, load_synonyms, suggest_profile
from connectors.base import RawTable, frame_from_rows
from connectors.profiles import load_profile
from connectors.recognise import read_unprofiled
from pipeline.ingest.process import ProcessedDelivery, ProcessingInputs, process_file
from schemas.profile import ReaderKind, ReaderOptions
from tests.conftest import write_xlsx

# A new registration system: its own Dutch headers, semicolons, cp1252 (é), a code nobody knows.
NEW_CSV = (
    "Registratienr;Datum incident;Tijd;Gemeente;Soort agressie;Letsel;Aangifte;Wapen;"
    "Medewerker;Opmerking\r\n"
    "R-1;3-2-2025;14:35;Amsterdam;Schelden;Geen letsel;Ja;N;p1;café\r\n"
    "R-2;4-2-2025;;Weesp;Bedreiging, mishandeling;Ziekenhuis;nee;J;p2;\r\n"
    "R-3;5-2-2025;;Amsterdam;Spugen;Onbekend;nvt;;p3;\r\n"
    "R-4;6-2-2025;;Amsterdam;Toeteren;Geen;Nee;N;p4;\r\n"
)
TICK_HEADER = ["Volgnummer", "Datum voorval", "Plaats", "Verbale agressie", "Bedreiging",
               "Fysiek geweld", "Vernieling", "Letsel", "Personeelsnummer", "Toelichting"]  # fmt: skip
TICK_ROWS = [
    ["V-1", dt.datetime(2025, 4, 2), "Amsterdam", "X", "x", None, None, "Geen letsel", "11", "a"],
    ["V-2", dt.datetime(2025, 5, 3), "Weesp", None, None, "x", None, "Licht letsel", "12", None],
    ["V-3", dt.datetime(2025, 6, 4), "Amsterdam", None, None, None, "X", "Geen letsel", "13", None],
]


def _deliver_csv(inbox: Path, text: str, name: str = "agressie 2025Q1.csv") -> Path:
    folder = inbox / "GM0363"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(text.encode("cp1252"))
    return path


def _deliver_xlsx(inbox: Path) -> Path:
    folder = inbox / "GM0363"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "Meldingen handhaving 2025 K2.xlsx"
    sheet = [["Overzicht meldingen agressie"], [], TICK_HEADER, *TICK_ROWS]
    write_xlsx(path, {"Blad1": sheet})
    return path


def _process(inbox: Path, inputs: ProcessingInputs) -> ProcessedDelivery:
    (file,) = discover_inbox(inbox)
    return process_file(file, inputs)


def test_synonyms_name_only_known_fields_and_codes() -> None:
    synonyms = load_synonyms()

    assert "incidentdatum" in synonyms.fields
    assert synonyms.codes["letsel"]["ziekenhuis"] == "ernstig"
    assert header_score("Datum voorval", synonyms.fields["incidentdatum"]) == 1.0
    assert header_score("Registratie-nr.", synonyms.fields["bron_incidentnummer"]) >= 0.85


def test_a_csv_with_new_dutch_headers_loads_by_automatic_mapping(
    tmp_path: Path, processing_inputs: ProcessingInputs
) -> None:
    _deliver_csv(tmp_path, NEW_CSV)

    result = _process(tmp_path, processing_inputs)

    assert result.failure is None, result.failure
    assert result.profile is not None and result.profile.id == "automatisch"
    assert result.profile.reader.encoding == "cp1252" and result.profile.reader.delimiter == ";"
    assert result.meta is not None and result.meta.periode.code == "2025Q1"
    assert (result.rows_in, result.rows_loaded) == (4, 3)
    rows = result.incidents.set_index("bron_incidentnummer")
    assert rows.loc["R-2", "gedragstypen"] == ["bedreiging", "fysiek_geweld"]
    assert rows.loc["R-2", "letsel"] == "ernstig"
    assert rows.loc["R-1", "wapen"] == "nee" and rows.loc["R-2", "wapen"] == "ja"
    assert rows.loc["R-3", "aangifte"] is None  # nvt: deliberately empty, not ja
    assert set(result.incidents["beroepsgroep"]) == {"boa"}  # from the GM folder


def test_an_unknown_code_value_is_e02_and_never_invented(
    tmp_path: Path, processing_inputs: ProcessingInputs
) -> None:
    _deliver_csv(tmp_path, NEW_CSV)

    result = _process(tmp_path, processing_inputs)

    assert result.profile is not None
    assert "toeteren" not in result.profile.fields["gedragstypen"].codes
    e02 = result.edits[result.edits["code"] == "E02"]
    assert list(zip(e02["veld"], e02["waarde"], strict=True)) == [("gedragstypen", "Toeteren")]


def test_tick_box_columns_named_after_behaviour_types_become_gedragstypen(
    tmp_path: Path, processing_inputs: ProcessingInputs
) -> None:
    _deliver_xlsx(tmp_path)

    result = _process(tmp_path, processing_inputs)

    assert result.failure is None, result.failure
    assert result.profile is not None
    mapping = result.profile.fields["gedragstypen"]
    assert mapping.ticks == {"verbaal": "Verbale agressie", "bedreiging": "Bedreiging",
                             "fysiek_geweld": "Fysiek geweld", "vernieling": "Vernieling"}  # fmt: skip
    assert set(mapping.tick_values) == {"x"}
    assert result.meta is not None and result.meta.periode.code == "2025Q2"
    assert result.rows_loaded == 3
    lists = result.incidents.set_index("bron_incidentnummer")["gedragstypen"]
    assert lists.to_dict() == {"V-1": ["verbaal", "bedreiging"], "V-2": ["fysiek_geweld"],
                               "V-3": ["vernieling"]}  # fmt: skip


def test_a_missing_required_field_is_s03_naming_it_and_the_unplaced_columns(
    tmp_path: Path, processing_inputs: ProcessingInputs
) -> None:
    text = "Registratienr;Datum incident;Letsel;Bijzonderheden\r\nR-1;3-2-2025;Geen;iets\r\n"
    _deliver_csv(tmp_path, text)

    result = _process(tmp_path, processing_inputs)

    assert result.failure is not None and result.failure.code == "S03"
    assert "gedragstypen" in result.failure.message
    assert "Bijzonderheden" in result.failure.message
    assert result.rows_loaded == 0


def test_required_fields_are_placed_only_above_the_threshold(tmp_path: Path) -> None:
    path = _deliver_csv(tmp_path, NEW_CSV)
    raw, reader = read_unprofiled(path, ReaderKind.CSV)

    suggestion = suggest_profile(raw, path.name, reader, "GM0363")

    assert suggestion.missing_required() == []
    assert all(suggestion.confidence[f] >= MIN_CONFIDENCE for f in ("bron_incidentnummer",
               "incidentdatum", "gedragstypen", "beroepsgroep"))  # fmt: skip
    assert suggestion.unplaced_columns == ("Opmerking",)
    assert suggestion.fields["beroepsgroep"].constant == "boa"


def _same_incidents(first: ProcessedDelivery, second: ProcessedDelivery) -> None:
    pd.testing.assert_frame_equal(first.incidents, second.incidents)
    pd.testing.assert_frame_equal(first.edits, second.edits)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_suggested_profile_saved_unchanged_loads_the_same_rows(
    kind: str, tmp_path: Path, processing_inputs: ProcessingInputs
) -> None:
    inbox = tmp_path / "inbox"
    path = _deliver_csv(inbox, NEW_CSV) if kind == "csv" else _deliver_xlsx(inbox)
    automatic = _process(inbox, processing_inputs)
    target = tmp_path / "profiles" / "nieuw_systeem.yaml"

    outcome = CliRunner().invoke(
        _cli(), ["profile", "suggest", str(path), "--org", "GM0363", "--out", str(target)]
    )

    assert outcome.exit_code == 0, outcome.output
    text = target.read_text(encoding="utf-8")
    assert "# bron_incidentnummer: zekerheid" in text
    profile = load_profile(target)
    assert profile.id == "nieuw_systeem"
    inputs = dataclasses.replace(processing_inputs,
                                 profiles=(*processing_inputs.profiles, profile))  # fmt: skip
    saved = _process(inbox, inputs)
    assert saved.failure is None and saved.profile is not None
    assert saved.profile.id == "nieuw_systeem"
    assert automatic.rows_loaded == saved.rows_loaded > 0
    _same_incidents(automatic, saved)


def test_suggest_prints_the_draft_and_warns_about_missing_required_fields(tmp_path: Path) -> None:
    path = _deliver_csv(tmp_path, "Nummer;Wat\r\n1;boos\r\n", name="lijst.csv")

    outcome = CliRunner().invoke(_cli(), ["profile", "suggest", str(path)])

    assert outcome.exit_code == 0, outcome.output
    assert "id: lijst" in outcome.stdout
    assert "ONTBREEKT (verplicht): incidentdatum" in outcome.stdout


def _cli():  # type: ignore[no-untyped-def]
    from flows.cli import app

    return app


def test_tick_boxes_under_registration_system_category_names_are_placed() -> None:
    header = ["Meldingsnummer", "Datum voorval", "Verbale agressie", "Lichamelijk geweld",
              "Online/doxing", "Seksueel"]  # fmt: skip
    rows = [
        ["M-1", "03-02-2025", "x", None, None, None],
        ["M-2", "04-02-2025", None, "x", "x", None],
    ]
    raw = RawTable(frame_from_rows(header, rows, [2, 3]), "export.xlsx")

    suggestion = suggest_profile(raw, "export.xlsx", ReaderOptions(kind=ReaderKind.XLSX), "GM0363")

    assert dict(suggestion.fields["gedragstypen"].ticks) == {
        "verbaal": "Verbale agressie", "fysiek_geweld": "Lichamelijk geweld",
        "doxing": "Online/doxing", "seksuele_intimidatie": "Seksueel"}  # fmt: skip


def test_a_column_is_placed_only_where_its_values_fit_the_field() -> None:
    header = ["Meldingnr", "Datum incident", "Status melding", "Soort agressie", "Aantal daders"]
    rows = [["L-1", "03-04-2025", "Afgehandeld", "verbaal", "twee of drie"],
            ["L-2", "04-05-2025", "In behandeling", "Bedreiging", "onbekend"]]  # fmt: skip
    raw = RawTable(frame_from_rows(header, rows, [2, 3]), "export.csv")

    suggestion = suggest_profile(raw, "export.csv", ReaderOptions(kind=ReaderKind.CSV), "GM0344")

    assert "registratiedatum" not in suggestion.fields
    assert "aantal_daders" not in suggestion.fields
    assert set(suggestion.unplaced_columns) == {"Status melding", "Aantal daders"}
    assert "registratiedatum" in suggestion.ignore_reasons["Status melding"]
    assert "datums" in suggestion.ignore_reasons["Status melding"]
    text = suggestion.to_yaml("gm0344_export")
    assert "#   Status melding: lijkt op registratiedatum" in text


def test_a_header_row_is_found_by_fuzzy_synonyms(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("Overzicht agressie;;\nGemeente X;;\nIncident-nr.;Datum v. incident;Soort v. agressie\n"
                    "A-1;03-04-2025;verbaal\n", encoding="utf-8")  # fmt: skip
    raw, _ = read_unprofiled(path, ReaderKind.CSV)

    assert list(raw.cells.columns)[:3] == ["Incident-nr.", "Datum v. incident", "Soort v. agressie"]


def test_profile_suggest_names_the_profile_after_the_organisation_and_system(
    tmp_path: Path,
) -> None:
    from connectors.automap import profile_id_for

    assert (
        profile_id_for("Export Topdesk 1e kwartaal 2025.xlsx", "GM0344") == "gm0344_export_topdesk"
    )
    assert profile_id_for("meldingen_GM0363_2025Q1.csv") == "gm0363_meldingen"
