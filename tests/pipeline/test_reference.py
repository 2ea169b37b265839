"""Reference data: the official lists of organisations, herindelingen and FTE files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from pipeline.ingest.reference import Reference, load_fte, load_reference
from schemas.errors import ReferenceDataError
from tests.conftest import REFERENCE_DIR


@pytest.fixture(scope="module")
def ref() -> Reference:
    return load_reference(REFERENCE_DIR)


def test_reference_has_342_gemeenten_and_25_regions(ref: Reference) -> None:
    assert len(ref.gemeenten) == 342
    assert ref.gemeenten["gemeentecode"].is_unique
    assert ref.gemeenten["gemeentecode"].str.fullmatch(r"GM\d{4}").all()
    assert len(ref.veiligheidsregios) == 25
    assert set(ref.veiligheidsregios["veiligheidsregiocode"]) == {
        f"VR{i:02d}" for i in range(1, 26)
    }


def test_every_gemeente_lies_in_a_known_region(ref: Reference) -> None:
    regions = set(ref.veiligheidsregios["veiligheidsregiocode"])
    assert set(ref.gemeenten["veiligheidsregiocode"]) == regions


def test_organisations_are_342_gemeenten_25_regions_and_politie(ref: Reference) -> None:
    orgs = ref.organisations()

    assert len(orgs) == 368
    assert orgs["organisatiecode"].is_unique
    assert orgs["soort"].value_counts().to_dict() == {
        "gemeente": 342,
        "veiligheidsregio": 25,
        "politie": 1,
    }


@pytest.mark.parametrize(
    ("soort", "beroepsgroep"),
    [("gemeente", "boa"), ("veiligheidsregio", "brandweer"), ("politie", "politie")],
)
def test_organisations_have_the_beroepsgroep_of_their_kind(
    ref: Reference, soort: str, beroepsgroep: str
) -> None:
    orgs = ref.organisations()
    assert set(orgs.loc[orgs["soort"] == soort, "beroepsgroep"]) == {beroepsgroep}


def test_organisations_name_politie_and_regions(ref: Reference) -> None:
    orgs = ref.organisations().set_index("organisatiecode")

    assert orgs.loc["POL", "naam"] == "Nationale Politie"
    assert orgs.loc["GM0363", "naam"] == "Amsterdam"
    assert orgs.loc["GM0363", "veiligheidsregiocode"] == "VR13"
    assert orgs.loc["VR13", "soort"] == "veiligheidsregio"


@pytest.mark.parametrize(
    ("old", "today"),
    [
        ("GM0501", "GM1992"),  # Brielle → Voorne aan Zee (2023)
        ("GM0457", "GM0363"),  # Weesp → Amsterdam (2022)
        ("GM0007", "GM1950"),  # Bellingwedde → Westerwolde (2018)
        ("GM0081", "GM0080"),  # Leeuwarderadeel → Leeuwarden (2018)
        ("GM0009", "GM0014"),  # Ten Boer → Groningen (2019)
    ],
)
def test_current_code_follows_herindelingen(ref: Reference, old: str, today: str) -> None:
    assert ref.current_code(old) == today
    assert ref.is_known_organisation(old)


@pytest.mark.parametrize("code", ["GM0363", "VR13", "POL"])
def test_current_code_of_an_existing_code_is_itself(ref: Reference, code: str) -> None:
    assert ref.current_code(code) == code
    assert ref.is_known_organisation(code)


@pytest.mark.parametrize("code", ["GM9999", "VR26", "XX"])
def test_unknown_codes_are_not_organisations(ref: Reference, code: str) -> None:
    assert not ref.is_known_organisation(code)


def test_every_successor_exists_today(ref: Reference) -> None:
    today = set(ref.gemeenten["gemeentecode"])
    assert set(ref.successor.values()) <= today
    assert not set(ref.successor) & today


def test_split_gemeente_maps_to_its_rechtsopvolger(ref: Reference) -> None:
    assert "GM0788" in ref.split_codes  # Haaren, split over four gemeenten in 2021
    assert ref.current_code("GM0788") == "GM0824"  # Oisterwijk, the rechtsopvolger
    assert ref.is_known_organisation("GM0788")


@pytest.mark.parametrize(("old", "opvolger"), [("GM0140", "GM1900"), ("GM0053", "GM1966")])
def test_other_splits_map_to_the_opvolger_named_in_tabel_33(
    ref: Reference, old: str, opvolger: str
) -> None:
    assert old in ref.split_codes
    assert ref.current_code(old) == opvolger


def test_whole_mergers_are_not_split_codes(ref: Reference) -> None:
    assert not {"GM0501", "GM0457", "GM0007"} & ref.split_codes


def _reference_dir_with(tmp_path: Path, herindelingen: list[dict[str, str]]) -> Path:
    """A copy of the real reference data with a hand-made herindelingen table."""
    for name in ("gemeenten.csv", "veiligheidsregios.csv"):
        shutil.copy(REFERENCE_DIR / name, tmp_path / name)
    columns = pd.read_csv(REFERENCE_DIR / "herindelingen.csv", nrows=0).columns
    frame = pd.DataFrame(herindelingen).reindex(columns=columns, fill_value="")
    frame.to_csv(tmp_path / "herindelingen.csv", index=False)
    return tmp_path


def _herindeling(old: str, new: str, deel: str = "geheel", toelichting: str = "") -> dict[str, str]:
    return {
        "oude_gemeentecode": old,
        "oude_gemeentenaam": f"Oud {old}",
        "nieuwe_gemeentecode": new,
        "deel": deel,
        "toelichting": toelichting,
    }


def test_chains_of_herindelingen_resolve_to_todays_code(tmp_path: Path) -> None:
    directory = _reference_dir_with(
        tmp_path,
        [
            _herindeling("GM9001", "GM9002"),
            _herindeling("GM9002", "GM9003"),
            _herindeling("GM9003", "GM0363"),
        ],
    )
    ref = load_reference(directory)

    assert ref.current_code("GM9001") == "GM0363"
    assert ref.current_code("GM9002") == "GM0363"
    assert ref.is_known_organisation("GM9001")


def test_chain_through_a_split_follows_the_opvolger(tmp_path: Path) -> None:
    directory = _reference_dir_with(
        tmp_path,
        [
            _herindeling("GM9001", "GM9002", "gedeeltelijk", "deel naar GM9002 (opvolger)"),
            _herindeling("GM9001", "GM0014", "gedeeltelijk", "kleine kern"),
            _herindeling("GM9002", "GM0363"),
        ],
    )
    ref = load_reference(directory)

    assert ref.current_code("GM9001") == "GM0363"
    assert ref.split_codes == frozenset({"GM9001"})


def test_reference_rejects_duplicate_gemeentecodes(tmp_path: Path) -> None:
    directory = _reference_dir_with(tmp_path, [])
    gemeenten = pd.read_csv(directory / "gemeenten.csv", dtype=str, keep_default_na=False)
    pd.concat([gemeenten, gemeenten.head(1)]).to_csv(directory / "gemeenten.csv", index=False)

    with pytest.raises(
        ReferenceDataError, match=r"gemeenten.csv, regel 344: GM0014 staat er dubbel in"
    ):
        load_reference(directory)


def test_reference_missing_a_file_raises(tmp_path: Path) -> None:
    shutil.copy(REFERENCE_DIR / "gemeenten.csv", tmp_path / "gemeenten.csv")

    with pytest.raises(ReferenceDataError, match=r"veiligheidsregios\.csv: niet te lezen"):
        load_reference(tmp_path)


def test_gemeente_by_name_knows_todays_names(ref: Reference) -> None:
    names = ref.gemeente_by_name()

    assert names["amsterdam"] == "GM0363"
    assert names["voorne aan zee"] == "GM1992"
    assert names["oisterwijk"] == "GM0824"
    assert len(names) >= 342


@pytest.mark.parametrize(
    ("name", "code"),
    [("weesp", "GM0457"), ("brielle", "GM0501"), ("haaren", "GM0788"), ("ten boer", "GM0009")],
)
def test_gemeente_by_name_knows_former_names(ref: Reference, name: str, code: str) -> None:
    assert ref.gemeente_by_name()[name] == code


def test_gemeente_by_name_keys_are_lower_case(ref: Reference) -> None:
    assert all(name == name.lower() for name in ref.gemeente_by_name())


def test_load_fte_for_a_missing_year_is_empty(tmp_path: Path) -> None:
    frame = load_fte(tmp_path, 2031)

    assert frame.empty
    assert list(frame.columns) == ["organisatiecode", "beroepsgroep", "jaar", "fte"]


def test_load_fte_reads_a_year(tmp_path: Path) -> None:
    (tmp_path / "fte_2025.csv").write_text(
        "organisatiecode,beroepsgroep,fte\nGM0363,boa,412.5\nVR13,brandweer,900\n",
        encoding="utf-8",
    )
    frame = load_fte(tmp_path, 2025)

    assert frame.to_dict("records") == [
        {"organisatiecode": "GM0363", "beroepsgroep": "boa", "jaar": 2025, "fte": 412.5},
        {"organisatiecode": "VR13", "beroepsgroep": "brandweer", "jaar": 2025, "fte": 900.0},
    ]


def test_load_fte_without_an_fte_column_raises(tmp_path: Path) -> None:
    (tmp_path / "fte_2025.csv").write_text(
        "organisatiecode,beroepsgroep,formatie\nGM0363,boa,412.5\n", encoding="utf-8"
    )

    with pytest.raises(ReferenceDataError, match=r"regel 1: kolommen ontbreken: fte"):
        load_fte(tmp_path, 2025)
