"""Every mapping profile, tested on its own fixture: a new profile is tested automatically."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from connectors import discover_inbox
from connectors.profiles import PROFILE_DIR, load_profiles
from pipeline.ingest.process import process_file
from tests.conftest import PROFILE_FIXTURES, comparable, load_spec, write_source

PROFILE_IDS = sorted(p.stem for p in PROFILE_DIR.glob("*.yaml"))


def test_every_profile_loads_and_has_a_fixture() -> None:
    assert [p.id for p in load_profiles()] == PROFILE_IDS
    for profile_id in PROFILE_IDS:
        folder = PROFILE_FIXTURES / profile_id
        assert (folder / "source.yaml").is_file(), f"{profile_id} has no fixture"
        assert (folder / "expected.csv").is_file(), f"{profile_id} has no expected output"


@pytest.mark.parametrize("profile_id", PROFILE_IDS)
def test_profile_maps_its_fixture(profile_id: str, tmp_path: Path, processing_inputs) -> None:  # type: ignore[no-untyped-def]
    folder = PROFILE_FIXTURES / profile_id
    write_source(load_spec(folder / "source.yaml"), tmp_path)
    (inbox_file,) = discover_inbox(tmp_path)

    result = process_file(inbox_file, processing_inputs)

    assert result.failure is None, result.failure
    assert result.profile is not None and result.profile.id == profile_id
    expected = pd.read_csv(folder / "expected.csv", dtype=str, keep_default_na=False)
    actual = comparable(result.incidents, list(expected.columns))
    pd.testing.assert_frame_equal(actual, expected)
    edits = result.edits[["rij", "veld", "code"]].astype(str).sort_values(["rij", "code"])
    want = pd.read_csv(folder / "expected_edits.csv", dtype=str).sort_values(["rij", "code"])
    assert edits.reset_index(drop=True).to_dict("records") == want.reset_index(drop=True).to_dict(
        "records"
    )
    assert result.rows_in == result.rows_loaded + result.rows_rejected
    assert "medewerker_id" not in result.incidents.columns


def test_discover_reports_files_outside_organisation_folders(tmp_path: Path, caplog) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "GM0014").mkdir()
    (tmp_path / "GM0014" / "GM0014_2025Q1.xlsx").write_bytes(b"x")
    (tmp_path / "los.csv").write_text("a", encoding="utf-8")
    (tmp_path / "GM0014" / "sub").mkdir()
    (tmp_path / "GM0014" / "sub" / "diep.csv").write_text("a", encoding="utf-8")

    files = discover_inbox(tmp_path)

    assert [f.path.name for f in files] == ["GM0014_2025Q1.xlsx"]
    assert "los.csv" in caplog.text and "diep.csv" in caplog.text
