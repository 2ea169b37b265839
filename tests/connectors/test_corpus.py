"""The messy-file corpus: every `tests/corpus/*.yaml` is one delivery with its expected outcome.

A spec is a `write_source` spec (see `tests/conftest.py`) plus `expected` (rows_in, rows_loaded,
rows_rejected, edit_codes, failure, profile) and optionally `hidden` (sheet names to hide after
the workbook is written) and `xfail` (a known bug: the case must fail until it is fixed).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from connectors import discover_inbox
from pipeline.ingest.process import process_file
from tests.conftest import load_spec, write_source

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
CASES = sorted(CORPUS.glob("*.yaml"))


def hide_sheets(path: Path, names: list[str]) -> None:
    """Mark sheets hidden, as an employer's Excel would after 'Verbergen'."""
    from openpyxl import load_workbook

    workbook = load_workbook(path)
    for name in names:
        workbook[name].sheet_state = "hidden"
    workbook.save(path)


def case_param(path: Path) -> Any:
    spec = load_spec(path)
    marks = [pytest.mark.xfail(reason=spec["xfail"], strict=True)] if spec.get("xfail") else []
    return pytest.param(path, id=path.stem, marks=marks)


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 15


@pytest.mark.parametrize("case", [case_param(p) for p in CASES])
def test_corpus_case(case: Path, tmp_path: Path, processing_inputs) -> None:  # type: ignore[no-untyped-def]
    spec = load_spec(case)
    expected = spec["expected"]
    path = write_source(spec, tmp_path)
    if spec.get("hidden"):
        hide_sheets(path, spec["hidden"])
    (inbox_file,) = discover_inbox(tmp_path)

    result = process_file(inbox_file, processing_inputs)

    outcome = {
        "failure": result.failure.code if result.failure else None,
        "profile": result.profile.id if result.profile else None,
        "rows_in": result.rows_in,
        "rows_loaded": result.rows_loaded,
        "rows_rejected": result.rows_rejected,
        "edit_codes": sorted(set(result.edits["code"])) if len(result.edits) else [],
    }
    want = {k: expected.get(k) for k in outcome} | {"edit_codes": sorted(expected["edit_codes"])}
    assert outcome == want, result.failure
    assert result.rows_in == result.rows_loaded + result.rows_rejected
    if "periode" in expected:
        assert result.meta is not None and result.meta.periode.code == expected["periode"]
    if expected.get("failure") == "S05":
        assert "None" not in result.edits["bericht"].iloc[0], result.edits["bericht"].iloc[0]
    if "geen_incidenten" in expected:
        assert result.meta is not None
        assert result.meta.geen_incidenten is expected["geen_incidenten"]
    assert_loaded_values(result.incidents, expected.get("loaded", {}))
    assert "loaded" in expected or result.rows_loaded == 0 or case.stem in WITHOUT_VALUES


# Cases whose point is the outcome of the file as a whole, not a value (their values are
# asserted by other cases reading the same layout).
WITHOUT_VALUES: set[str] = set()


def assert_loaded_values(incidents: Any, loaded: dict[str, dict[str, Any]]) -> None:
    """The loaded incidents named by their bron_incidentnummer carry these national values
    (written in the spec from the file's text, not from the pipeline's output)."""
    by_number = {str(row["bron_incidentnummer"]): row for row in incidents.to_dict("records")}
    for number, fields in loaded.items():
        assert number in by_number, f"{number} is not loaded"
        for field, want in fields.items():
            got = by_number[number][field]
            got = sorted(got) if isinstance(got, list | tuple) or hasattr(got, "tolist") else got
            if hasattr(got, "isoformat"):
                got = got.isoformat()
            want = sorted(want) if isinstance(want, list) else want
            assert (None if got is None or got != got else got) == want, (number, field, got, want)
