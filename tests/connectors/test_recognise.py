"""Profiles recognise their files by name, and otherwise by their column headers."""

from __future__ import annotations

import traceback
from pathlib import Path

import pytest

from connectors import discover_inbox
from connectors.recognise import period_in_text
from connectors.workbook_bounds import BoundedWorkbook
from pipeline.ingest.process import ProcessingInputs, process_file
from tests.conftest import PROFILE_FIXTURES, load_spec, write_source


def _deliver(tmp_path: Path, profile_id: str, folder: str, file_name: str) -> Path:
    spec = load_spec(PROFILE_FIXTURES / profile_id / "source.yaml")
    spec.update(folder=folder, file_name=file_name)
    return write_source(spec, tmp_path)


def test_a_renamed_file_is_recognised_by_its_headers(
    tmp_path: Path, processing_inputs: ProcessingInputs
) -> None:
    _deliver(tmp_path, "gir_gemeente", "GM0363", "Export agressie Amsterdam 2025 K2.xlsx")
    (file,) = discover_inbox(tmp_path)

    result = process_file(file, processing_inputs)

    assert result.failure is None, result.failure
    assert result.profile is not None and result.profile.id == "gir_gemeente"
    assert result.meta is not None and result.meta.periode.code == "2025Q2"
    assert (result.rows_in, result.rows_loaded) == (5, 4)  # an invalid optional value: W06


def test_recognised_by_headers_without_a_period_in_the_name_takes_it_from_the_dates_w07(
    tmp_path: Path, processing_inputs: ProcessingInputs
) -> None:
    _deliver(tmp_path, "vendor_csv", "GM0344", "export.csv")
    (file,) = discover_inbox(tmp_path)

    result = process_file(file, processing_inputs)

    assert result.profile is not None and result.profile.id == "vendor_csv"
    assert result.failure is None and result.meta is not None
    assert result.meta.periode.code == "2025Q3" and result.meta.periode_uit_data
    w07 = result.edits[result.edits["code"] == "W07"]
    assert len(w07) == 1 and "2025Q3" in w07["bericht"].iloc[0]


def test_a_file_no_profile_knows_is_s02(
    tmp_path: Path, processing_inputs: ProcessingInputs
) -> None:
    folder = tmp_path / "GM0014"
    folder.mkdir()
    (folder / "lijst 2025Q1.csv").write_text(
        "naam;datum;wat\r\nA;1-1-2025;boos\r\n", encoding="utf-8"
    )
    (file,) = discover_inbox(tmp_path)

    result = process_file(file, processing_inputs)

    assert result.failure is not None and result.failure.code == "S02"
    assert result.rows_in == 0


# --- issue 12 point 6: periods in every Dutch spelling --------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("GM0363_2025Q1", (2025, 1)),
        ("Q1-2025 meldingen", (2025, 1)),
        ("meldingen_2025-Q3", (2025, 3)),
        ("export 2025 kw1", (2025, 1)),
        ("K2 2025", (2025, 2)),
        ("1e kwartaal 2025", (2025, 1)),
        ("3de kwartaal 2024", (2024, 3)),
        ("kwartaal 1 2025", (2025, 1)),
        ("incidenten jan-mrt 2025", (2025, 1)),
        ("incidenten okt-dec_2024", (2024, 4)),
        ("export_202501-202503", (2025, 1)),
        ("GIR_GM0599_2024-K2_v2", (2024, 2)),
    ],
)
def test_a_period_is_read_in_every_dutch_spelling(name: str, expected: tuple[int, int]) -> None:
    assert period_in_text(name) == expected


@pytest.mark.parametrize(
    "name", ["meldingen_GM0344", "export_202501-202502", "feb-apr 2025", "2025Q5", "Q0-2025"]
)
def test_no_period_is_made_up(name: str) -> None:
    assert period_in_text(name) is None


def _counting_bounds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the workbooks the bounds read from now on (the real bounds)."""
    import connectors.spreadsheet as spreadsheet

    real, read = spreadsheet.bounded_workbook, []

    def bounded(path: Path, data: bytes) -> BoundedWorkbook:
        read.append(path.name)
        return real(path, data)

    monkeypatch.setattr(spreadsheet, "bounded_workbook", bounded)
    return read


def test_a_workbook_recognised_by_its_headers_is_opened_once(
    tmp_path: Path, processing_inputs: ProcessingInputs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read with each of the three xlsx profiles to find its headers, it was opened and bounded
    three times (~0.25 s each for 100,000 rows); the outcome is the same."""
    name = "Export agressie Amsterdam 2025 K2.xlsx"
    _deliver(tmp_path, "gir_gemeente", "GM0363", name)
    (file,) = discover_inbox(tmp_path)
    bounded = _counting_bounds(monkeypatch)

    result = process_file(file, processing_inputs)

    assert bounded == [name]
    assert result.failure is None and result.profile is not None
    assert result.profile.id == "gir_gemeente" and (result.rows_in, result.rows_loaded) == (5, 4)
    process_file(file, processing_inputs)  # nothing kept once recognised: opened anew
    assert bounded == [name, name]


def test_a_workbook_refused_once_is_refused_the_same_way(
    tmp_path: Path, processing_inputs: ProcessingInputs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A workbook the bounds refuse, under a name no profile matches: every profile, and the
    automatic mapping after them, gets the one refusal (S01, as before: it was refused four
    times)."""
    from tests.hostile.generators import SHEET_END, SHEET_START, _workbook

    folder = tmp_path / "GM0014"
    folder.mkdir()
    far = b'<row r="1"><c r="A1"><v>1</v></c><c r="XFD1048576"><v>1</v></c></row>'
    _workbook(folder / "export.xlsx", lambda archive: archive.writestr(
        "xl/worksheets/sheet1.xml", SHEET_START + far + SHEET_END))  # fmt: skip
    (file,) = discover_inbox(tmp_path)
    bounded = _counting_bounds(monkeypatch)

    result = process_file(file, processing_inputs)

    assert bounded == ["export.xlsx"]
    assert result.failure is not None and result.failure.code == "S01"
    assert "te veel" in result.failure.message, result.failure.message
    frames = traceback.extract_tb(result.failure.__traceback__)
    assert any(frame.filename.endswith("workbook_bounds.py") for frame in frames)  # where


def test_sheets_opened_once_read_as_sheets_opened_each_time(tmp_path: Path) -> None:
    """Inside `opened_once` the same sheets serve a profile's read and the automatic mapping's,
    both as without it; what the block opened is let go when it ends, by an error too."""
    from connectors import read_delivery
    from connectors.profiles import load_profiles
    from connectors.recognise import read_unprofiled
    from connectors.spreadsheet import _opened, opened_once
    from schemas.profile import ReaderKind

    path = _deliver(tmp_path, "gir_gemeente", "GM0363", "Export 2025 K2.xlsx")
    gir = next(p for p in load_profiles() if p.id == "gir_gemeente")
    alone = read_delivery(path, gir, 2**30), read_unprofiled(path, ReaderKind.XLSX)[0]

    with pytest.raises(RuntimeError), opened_once():
        together = read_delivery(path, gir, 2**30), read_unprofiled(path, ReaderKind.XLSX)[0]
        assert _opened.get() is not None and len(_opened.get() or {}) == 1
        raise RuntimeError("the block ends by an error")

    for one, other in zip(alone, together, strict=True):
        assert one.sheet == other.sheet and one.cells.equals(other.cells)
    assert _opened.get() is None
