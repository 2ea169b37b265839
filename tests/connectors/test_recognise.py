"""Profiles recognise their files by name, and otherwise by their column headers."""

from __future__ import annotations

from pathlib import Path

from connectors import discover_inbox
from pipeline.process import ProcessingInputs, process_file
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
    assert (result.rows_in, result.rows_loaded) == (5, 3)


def test_recognised_by_headers_but_no_period_in_the_name_is_s05(
    tmp_path: Path, processing_inputs: ProcessingInputs
) -> None:
    _deliver(tmp_path, "vendor_csv", "GM0344", "export.csv")
    (file,) = discover_inbox(tmp_path)

    result = process_file(file, processing_inputs)

    assert result.profile is not None and result.profile.id == "vendor_csv"
    assert result.failure is not None and result.failure.code == "S05"


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
