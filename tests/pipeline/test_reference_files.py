"""Reference files are validated before use (issue 9 point 7): file, line and problem named."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from pipeline.ingest.inputs import load_all_fte
from pipeline.ingest.reference import Reference, load_fte, load_levert_voor, load_reference
from schemas.errors import ReferenceDataError
from tests.conftest import REFERENCE_DIR

HEADER = "organisatiecode,beroepsgroep,fte\n"


@pytest.fixture(scope="module")
def ref() -> Reference:
    return load_reference(REFERENCE_DIR)


def fte_file(tmp_path: Path, body: str) -> Path:
    (tmp_path / "fte_2025.csv").write_text(HEADER + body, encoding="utf-8")
    return tmp_path


def test_an_unquoted_decimal_comma_is_refused_instead_of_shifting_columns(
    tmp_path: Path, ref: Reference
) -> None:
    """One `12,5` in the comma-separated file used to shift every column (boa coverage 100%)."""
    fte_file(tmp_path, "GM0363,boa,412.5\nGM0014,boa,12,5\n")

    with pytest.raises(ReferenceDataError) as raised:
        load_fte(tmp_path, 2025, ref)

    assert "fte_2025.csv, regel 3: 4 velden, verwacht 3 (een decimale komma?" in str(raised.value)


def test_a_quoted_decimal_comma_is_read_as_a_decimal(tmp_path: Path, ref: Reference) -> None:
    fte_file(tmp_path, 'GM0014,boa,"12,5"\nVR01,brandweer,1200\n')

    frame = load_fte(tmp_path, 2025, ref)

    assert frame["fte"].tolist() == [12.5, 1200.0]


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("GM0363,boa,-3\n", "regel 2: kolom 'fte': fte '-3' is negatief"),
        ("GM0363,boa,veel\n", "regel 2: kolom 'fte': fte 'veel' is geen getal"),
        ("GM0363,boa,nan\n", "regel 2: kolom 'fte': fte 'nan' is negatief of geen eindig"),
        ("GM0363,boa,1\nGM0363,boa,2\n", "regel 3: GM0363, boa staat er dubbel in"),
        ("GM0363,boa,1\nGM9999,boa,2\n", "regel 3: organisatie 'GM9999' onbekend"),
        ("GM0363,agent,1\n", "regel 2: kolom 'beroepsgroep': 'agent' is geen beroepsgroep"),
        ("Amsterdam,boa,1\n", "regel 2: kolom 'organisatiecode': 'AMSTERDAM' is geen"),
    ],
)
def test_a_broken_fte_file_names_file_line_and_problem(
    tmp_path: Path, ref: Reference, body: str, problem: str
) -> None:
    fte_file(tmp_path, body)

    with pytest.raises(ReferenceDataError) as raised:
        load_all_fte(tmp_path, ref)

    assert f"fte_2025.csv, {problem}" in str(raised.value)


def test_an_fte_file_that_is_not_utf8_text_names_the_file(tmp_path: Path, ref: Reference) -> None:
    (tmp_path / "fte_2025.csv").write_bytes(b"\xff\xfe\x00binary\x00\x81\n")

    with pytest.raises(ReferenceDataError, match=r"fte_2025.csv: niet te lezen als UTF-8 CSV"):
        load_fte(tmp_path, 2025, ref)


def copy_reference(tmp_path: Path) -> Path:
    for name in ("gemeenten.csv", "veiligheidsregios.csv", "herindelingen.csv"):
        shutil.copy(REFERENCE_DIR / name, tmp_path / name)
    return tmp_path


def replace_line(path: Path, number: int, change: tuple[str, str]) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[number - 1] = lines[number - 1].replace(*change)
    path.write_text("".join(lines), encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "line", "change", "problem"),
    [
        ("gemeenten.csv", 5, (",VR", ",XX"), "kolom 'veiligheidsregiocode': 'XX"),
        ("gemeenten.csv", 7, ("GM", "gm"), "kolom 'gemeentecode': 'gm"),
        ("veiligheidsregios.csv", 3, ("VR02", "VR01"), "VR01 staat er dubbel in"),
        ("herindelingen.csv", 4, (",GM", ",GMX"), "is geen gemeentecode"),
        ("herindelingen.csv", 2, (",geheel,", ",half,"), "kolom 'deel': 'half' is geen deel"),
        ("herindelingen.csv", 2, ("2018-01-01", "1-1-2018"), "'1-1-2018' is geen datum"),
    ],
)
def test_a_broken_reference_file_names_file_line_and_problem(
    tmp_path: Path, name: str, line: int, change: tuple[str, str], problem: str
) -> None:
    directory = copy_reference(tmp_path)
    replace_line(directory / name, line, change)

    with pytest.raises(ReferenceDataError) as raised:
        load_reference(directory)

    assert f"{name}, regel {line}: " in str(raised.value)
    assert problem in str(raised.value)


def test_a_herindeling_into_an_unknown_gemeente_is_refused(tmp_path: Path) -> None:
    directory = copy_reference(tmp_path)
    replace_line(directory / "herindelingen.csv", 2, (",GM0080,", ",GM9998,"))

    with pytest.raises(ReferenceDataError, match=r"regel 2: nieuwe gemeente 'GM9998' onbekend"):
        load_reference(directory)


@pytest.mark.parametrize(
    ("rows", "problem"),
    [
        (
            "POL,GM0363,2025Q1,\nPOL,GM0363,2025Q1,\n",
            "regel 3: POL, GM0363, 2025Q1 staat er dubbel",
        ),
        ("POL,GM9999,2025Q1,\n", "regel 2: organisatie 'GM9999' onbekend"),
        ("POL,GM0363,2025-1,\n", "regel 2: kolom 'vanaf': '2025-1' is geen periode"),
    ],
)
def test_a_broken_levert_voor_file_names_file_line_and_problem(
    tmp_path: Path, ref: Reference, rows: str, problem: str
) -> None:
    (tmp_path / "levert_voor.csv").write_text(
        "leverancier,organisatiecode,vanaf,tot\n" + rows, encoding="utf-8"
    )

    with pytest.raises(ReferenceDataError) as raised:
        load_levert_voor(tmp_path, ref)

    assert f"levert_voor.csv, {problem}" in str(raised.value)


def test_a_reference_frame_derives_and_concatenates_without_copying_its_line_numbers(
    tmp_path: Path, ref: Reference
) -> None:
    codes = sorted(ref.gemeenten["gemeentecode"])[:150]
    fte = load_fte(fte_file(tmp_path, "".join(f"{c},boa,1.5\n" for c in codes)), 2025, ref)
    lines = fte.attrs["lines"]
    assert list(lines) == list(range(2, 152))  # line 1 is the header
    for derived in (fte.groupby("organisatiecode").head(1), pd.concat([fte, fte]), fte.copy()):
        assert derived.attrs["lines"] is lines  # shared, not deep-copied per derived frame
