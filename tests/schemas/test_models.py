"""The common model, the mapping-profile model, the edit catalogue and the exported standard."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from connectors.profiles import PROFILE_DIR, load_profile
from schemas.codelists import load_codelists
from schemas.edits import EDITS, Scope, Severity
from schemas.errors import ProfileError
from schemas.export import export_standard
from schemas.incident import Incident, Periode
from schemas.profile import MappingProfile

# --- Incident -------------------------------------------------------------------------------


def _incident(**changes: Any) -> dict[str, Any]:
    """A complete, valid incident record, with some fields changed."""
    record: dict[str, Any] = {
        "organisatiecode": "GM0363",
        "beroepsgroep": "boa",
        "bron_incidentnummer": "INC-1",
        "incidentdatum": dt.date(2025, 2, 3),
        "incidenttijd": dt.time(14, 35),
        "registratiedatum": dt.date(2025, 2, 4),
        "gemeentecode_locatie": "GM0363",
        "gedragstypen": ["verbaal", "fysiek_geweld"],
        "zwaarste_gedragstype": "fysiek_geweld",
        "kanaal": "fysiek",
        "context": "handhaving",
        "wapen": "nee",
        "aantal_daders": 1,
        "letsel": "licht",
        "verzuim_dagen": 0,
        "materiele_schade": "onbekend",
        "aangifte": "ja",
        "vpt_markering": "ja",
        "nazorg_aangeboden": "ja",
        "medewerker_pseudoniem": "a" * 64,
    }
    record.update(changes)
    return record


def test_incident_accepts_a_valid_record() -> None:
    incident = Incident.model_validate(_incident())

    assert incident.zwaarste_gedragstype == "fysiek_geweld"
    assert incident.gedragstypen == ["verbaal", "fysiek_geweld"]


def test_incident_accepts_only_the_required_fields() -> None:
    required = {
        k: v
        for k, v in _incident().items()
        if k
        in (
            "organisatiecode",
            "beroepsgroep",
            "bron_incidentnummer",
            "incidentdatum",
            "gedragstypen",
            "zwaarste_gedragstype",
        )
    }
    assert Incident.model_validate(required).kanaal is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("kanaal", "postduif"),
        ("beroepsgroep", "douane"),
        ("letsel", "dodelijk"),
        ("aangifte", "misschien"),
        ("gedragstypen", ["verbaal", "schelden"]),
    ],
)
def test_incident_rejects_a_code_not_in_its_code_list(field: str, value: object) -> None:
    with pytest.raises(ValidationError, match=field):
        Incident.model_validate(_incident(**{field: value}))


def test_incident_rejects_empty_gedragstypen() -> None:
    with pytest.raises(ValidationError, match="gedragstypen"):
        Incident.model_validate(_incident(gedragstypen=[], zwaarste_gedragstype="verbaal"))


def test_incident_rejects_a_zwaarste_gedragstype_that_is_not_the_most_serious() -> None:
    with pytest.raises(ValidationError, match="zwaarste_gedragstype"):
        Incident.model_validate(_incident(zwaarste_gedragstype="verbaal"))


def test_incident_rejects_a_zwaarste_gedragstype_outside_gedragstypen() -> None:
    with pytest.raises(ValidationError, match="zwaarste_gedragstype"):
        Incident.model_validate(_incident(gedragstypen=["verbaal"], zwaarste_gedragstype="doxing"))


def test_incident_rejects_an_incidentdatum_before_2010() -> None:
    Incident.model_validate(_incident(incidentdatum=dt.date(2010, 1, 1)))
    with pytest.raises(ValidationError, match="2010"):
        Incident.model_validate(_incident(incidentdatum=dt.date(2009, 12, 31)))


@pytest.mark.parametrize("code", ["GM363", "GM03630", "VR1", "VR001", "pol", "XX01", "", "GM 0363"])
def test_incident_rejects_a_bad_organisatiecode(code: str) -> None:
    with pytest.raises(ValidationError, match="organisatiecode"):
        Incident.model_validate(_incident(organisatiecode=code))


@pytest.mark.parametrize("code", ["GM0363", "VR13", "POL"])
def test_incident_accepts_every_kind_of_organisatiecode(code: str) -> None:
    assert Incident.model_validate(_incident(organisatiecode=code)).organisatiecode == code


def test_incident_rejects_an_unknown_field() -> None:
    with pytest.raises(ValidationError, match="naam_dader"):
        Incident.model_validate(_incident(naam_dader="Jansen"))


# --- Periode --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2025Q1", dt.date(2025, 1, 1), dt.date(2025, 3, 31)),
        ("2025Q2", dt.date(2025, 4, 1), dt.date(2025, 6, 30)),
        ("2025Q3", dt.date(2025, 7, 1), dt.date(2025, 9, 30)),
        ("2025Q4", dt.date(2025, 10, 1), dt.date(2025, 12, 31)),
        ("2024q1", dt.date(2024, 1, 1), dt.date(2024, 3, 31)),
        (" 2010Q4 ", dt.date(2010, 10, 1), dt.date(2010, 12, 31)),
    ],
)
def test_periode_parses_every_quarter(text: str, start: dt.date, end: dt.date) -> None:
    periode = Periode.parse(text)

    assert (periode.start, periode.end) == (start, end)
    assert periode.code == text.strip().upper()


@pytest.mark.parametrize(
    "text", ["", "2025", "2025Q0", "2025Q5", "2025-Q1", "25Q1", "Q1 2025", "2025K1", "2009Q4"]
)
def test_periode_rejects_bad_input(text: str) -> None:
    with pytest.raises(ValueError):
        Periode.parse(text)


# --- MappingProfile -------------------------------------------------------------------------


def _profile(**changes: Any) -> dict[str, Any]:
    """A minimal valid profile as plain data, with some top-level keys changed."""
    data: dict[str, Any] = {
        "id": "test_bron",
        "version": 1,
        "title": "Testbron",
        "file_pattern": r"^test_(?P<org>GM\d{4})\.csv$",
        "reader": {"kind": "csv"},
        "fields": {
            "beroepsgroep": {"constant": "boa"},
            "bron_incidentnummer": {"column": "Nr"},
            "incidentdatum": {"column": "Datum", "formats": ["%d-%m-%Y"]},
            "gedragstypen": {"column": "Gedrag", "split": ",", "codes": {"VB": "verbaal"}},
        },
    }
    data.update(changes)
    return data


def _with_field(name: str, mapping: dict[str, Any]) -> dict[str, Any]:
    data = _profile()
    data["fields"] = {**data["fields"], name: mapping}
    return data


def test_minimal_profile_is_valid() -> None:
    profile = MappingProfile.model_validate(_profile())

    assert profile.source_columns() == ("Nr", "Datum", "Gedrag")


def test_profile_rejects_an_unknown_top_level_key() -> None:
    with pytest.raises(ValidationError, match="kolommen"):
        MappingProfile.model_validate(_profile(kolommen=["Nr"]))


def test_profile_rejects_an_unknown_key_in_a_field_map() -> None:
    with pytest.raises(ValidationError, match="colum"):
        MappingProfile.model_validate(_with_field("kanaal", {"colum": "Kanaal"}))


def test_profile_rejects_an_unknown_field_name() -> None:
    with pytest.raises(ValidationError, match="naam_dader"):
        MappingProfile.model_validate(_with_field("naam_dader", {"column": "Dader"}))


@pytest.mark.parametrize(
    ("name", "mapping"),
    [
        ("kanaal", {"column": "Kanaal", "codes": {"P": "postduif"}}),
        ("gedragstypen", {"column": "Gedrag", "codes": {"SCH": "schelden"}}),
        ("beroepsgroep", {"constant": "douane"}),
        ("gedragstypen", {"ticks": {"schelden": "Schelden"}}),
    ],
)
def test_profile_rejects_a_code_not_in_the_code_list(name: str, mapping: dict[str, Any]) -> None:
    with pytest.raises(ValidationError, match="not in the code list"):
        MappingProfile.model_validate(_with_field(name, mapping))


def test_profile_allows_a_code_mapped_to_null() -> None:
    mapping = {"column": "Wapen", "codes": {"Niet van toepassing": None, "J": "ja"}}
    profile = MappingProfile.model_validate(_with_field("wapen", mapping))

    assert profile.fields["wapen"].codes["Niet van toepassing"] is None


@pytest.mark.parametrize("missing", ["bron_incidentnummer", "incidentdatum", "gedragstypen"])
def test_profile_rejects_a_missing_required_field(missing: str) -> None:
    data = _profile()
    data["fields"] = {k: v for k, v in data["fields"].items() if k != missing}
    with pytest.raises(ValidationError, match=missing):
        MappingProfile.model_validate(data)


def test_profile_rejects_ticks_on_a_field_other_than_gedragstypen() -> None:
    mapping = {"ticks": {"fysiek": "Fysiek", "online": "Online"}}
    with pytest.raises(ValidationError, match="ticks are only for gedragstypen"):
        MappingProfile.model_validate(_with_field("kanaal", mapping))


def test_profile_rejects_a_field_with_two_sources() -> None:
    with pytest.raises(ValidationError, match="exactly one"):
        MappingProfile.model_validate(_with_field("kanaal", {"column": "K", "constant": "fysiek"}))


INVALID_REGEX_BUG = (
    "BUG: schemas/profile.py compiles regexes in validators with re.compile, whose re.error is "
    "not a ValueError, so pydantic does not turn it into a ValidationError and "
    "load_profile (which catches ValidationError) lets a raw re.error escape"
)


@pytest.mark.parametrize(
    "data",
    [
        _profile(file_pattern="^test_(GM\\d{4}.csv$"),
        _with_field("gedragstypen", {"column": "Gedrag", "split": "[,;"}),
    ],
    ids=["file_pattern", "split"],
)
def test_profile_rejects_an_invalid_regex(data: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        MappingProfile.model_validate(data)


def test_load_profile_reports_an_invalid_regex_as_profile_error(tmp_path: Path) -> None:
    path = tmp_path / "test_bron.yaml"
    path.write_text(yaml.safe_dump(_profile(file_pattern="^test_(")), encoding="utf-8")

    with pytest.raises(ProfileError, match=r"test_bron\.yaml"):
        load_profile(path)


def test_profile_rejects_an_unknown_encoding() -> None:
    with pytest.raises(ValidationError):
        MappingProfile.model_validate(_profile(reader={"kind": "csv", "encoding": "klingon"}))


def test_profile_rejects_a_date_format_without_percent() -> None:
    mapping = {"column": "Datum", "formats": ["dd-mm-yyyy"]}
    with pytest.raises(ValidationError, match="strptime"):
        MappingProfile.model_validate(_with_field("incidentdatum", mapping))


def test_load_profile_wraps_validation_errors_in_profile_error(tmp_path: Path) -> None:
    path = tmp_path / "test_bron.yaml"
    path.write_text(yaml.safe_dump(_with_field("naam_dader", {"column": "X"})), encoding="utf-8")

    with pytest.raises(ProfileError, match=r"test_bron\.yaml"):
        load_profile(path)


def test_load_profile_rejects_an_id_that_differs_from_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "andere_naam.yaml"
    path.write_text(yaml.safe_dump(_profile()), encoding="utf-8")

    with pytest.raises(ProfileError, match="differs from the file name"):
        load_profile(path)


SHIPPED_PROFILES = sorted(PROFILE_DIR.glob("*.yaml"))


def test_profiles_are_shipped() -> None:
    assert len(SHIPPED_PROFILES) >= 5


@pytest.mark.parametrize("path", SHIPPED_PROFILES, ids=lambda p: p.stem)
def test_every_shipped_profile_loads(path: Path) -> None:
    profile = load_profile(path)

    assert profile.id == path.stem
    assert {"bron_incidentnummer", "incidentdatum", "gedragstypen", "beroepsgroep"} <= set(
        profile.fields
    )


# --- Edit catalogue -------------------------------------------------------------------------

EXPECTED_EDIT_CODES = (
    [f"S0{i}" for i in range(1, 6)]
    + [f"E0{i}" for i in range(1, 7)]
    + [f"W0{i}" for i in range(1, 10)]
)
ENGLISH_WORDS = {"the", "missing", "invalid", "value", "file", "date", "not", "unknown", "number"}


def test_edit_catalogue_holds_s01_to_s05_e01_to_e06_and_w01_to_w09() -> None:
    assert sorted(EDITS) == sorted(EXPECTED_EDIT_CODES)
    assert all(code == edit.code for code, edit in EDITS.items())


@pytest.mark.parametrize("code", EXPECTED_EDIT_CODES)
def test_edit_severity_and_scope_follow_the_code_letter(code: str) -> None:
    edit = EDITS[code]
    expected = {
        "S": (Severity.ERROR, Scope.DELIVERY),
        "E": (Severity.ERROR, Scope.ROW),
        "W": (Severity.WARNING, Scope.ROW),
    }
    if code in ("W07", "W09"):  # period from the dates; possibly misdirected: the whole delivery
        expected["W"] = (Severity.WARNING, Scope.DELIVERY)
    assert (edit.severity, edit.scope) == expected[code[0]]


@pytest.mark.parametrize("code", EXPECTED_EDIT_CODES)
def test_edit_has_a_dutch_title_and_fix(code: str) -> None:
    edit = EDITS[code]
    words = {w.strip(".,:;()'").lower() for w in f"{edit.title_nl} {edit.fix_nl}".split()}

    assert edit.title_nl and edit.title_nl[0].isupper()
    assert edit.fix_nl.endswith(".")
    assert not words & ENGLISH_WORDS, words & ENGLISH_WORDS


def test_edit_titles_are_unique() -> None:
    titles = [e.title_nl for e in EDITS.values()]
    assert len(set(titles)) == len(titles)


# --- Exported standard ----------------------------------------------------------------------


def test_exported_standard_is_json_serialisable() -> None:
    text = json.dumps(export_standard())

    assert json.loads(text)["schema_version"] == 1


def test_exported_standard_contains_every_code_list_with_all_codes() -> None:
    exported = json.loads(json.dumps(export_standard()))["codelijsten"]
    codelists = load_codelists()

    assert exported["versie"] == codelists.version
    assert set(exported["lijsten"]) == set(codelists.lists)
    for name in codelists.lists:
        assert [c["code"] for c in exported["lijsten"][name]] == list(codelists.codes(name))
        assert all(c["label"] and c["description"] for c in exported["lijsten"][name])


def test_exported_standard_contains_the_models_and_every_edit() -> None:
    exported = export_standard()

    assert {"Incident", "Delivery", "Organisation", "MappingProfile"} <= set(exported["models"])
    assert "gedragstypen" in exported["models"]["Incident"]["properties"]
    assert {e["code"] for e in exported["controles"]["lijst"]} == set(EDITS)
