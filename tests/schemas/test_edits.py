"""The edit registry: every edit is found somewhere, and each row check fails exactly the rows it
should on small frames written by hand."""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
from pathlib import Path

import pandas as pd
import pytest

from schemas.edit_checks import CheckContext, Rows
from schemas.edit_codes import EditCode
from schemas.edits import EDITS, Scope
from schemas.incident import Periode

ROOT = Path(__file__).resolve().parents[2]
SOURCE_DIRS = ("connectors", "pipeline", "portal", "flows")
TODAY = dt.date(2025, 6, 15)
CONTEXT = CheckContext(today=TODAY, periode=Periode(jaar=2025, kwartaal=1))
D = dt.date


def _source(module: str) -> str:
    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin is not None, f"{module} is not a module"
    return Path(spec.origin).read_text(encoding="utf-8")


def _failing(code: str, frame: pd.DataFrame) -> list[int]:
    """The index labels of the rows that fail the (single) row check of `code`."""
    (check,) = EDITS[code].checks
    mask = check.failing(frame, CONTEXT)
    return [int(i) for i in frame.index[mask.to_numpy()]]


def test_the_enum_and_the_registry_hold_the_numbered_edits_of_the_standard() -> None:
    expected = {
        "S01",
        "S02",
        "S03",
        "S04",
        "S05",
        "E01",
        "E02",
        "E03",
        "E04",
        "E05",
        "E06",
        "W01",
        "W02",
        "W03",
        "W04",
        "W05",
        "W06",
        "W07",
        "W08",
        "W09",
    }  # DESIGN §6
    assert {str(c) for c in EditCode} == expected
    assert set(EDITS) == expected
    assert all(key == edit.code for key, edit in EDITS.items())


@pytest.mark.parametrize("code", list(EditCode))
def test_every_edit_has_a_row_check_or_a_named_place_that_raises_it(code: EditCode) -> None:
    edit = EDITS[code]
    assert edit.checks or edit.raised_in, f"{code}: no check and no place that raises it"
    for module in edit.raised_in:
        assert f"EditCode.{code}" in _source(module), f"{module} does not raise {code}"


@pytest.mark.parametrize("code", list(EditCode))
def test_a_delivery_edit_is_never_a_row_check(code: EditCode) -> None:
    edit = EDITS[code]
    if edit.scope is Scope.DELIVERY:
        assert not edit.checks
    for check in edit.checks:
        assert edit.scope is Scope.ROW and check.field in ("incidentdatum", "registratiedatum",
                                                           "bron_incidentnummer", "vpt_markering",
                                                           "letsel", "verzuim_dagen")  # fmt: skip


def test_every_module_that_raises_a_delivery_edit_is_named_in_the_registry() -> None:
    raised = re.compile(r"DeliveryError\(\s*EditCode\.(S\d\d)")
    found = []
    for folder in SOURCE_DIRS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            module = module.removesuffix(".__init__")
            found += [(m, module) for m in raised.findall(path.read_text(encoding="utf-8"))]
    assert len(found) > 20  # the readers, recognition, process and the night raise them
    for code, module in found:
        assert module in EDITS[code].raised_in, f"{module} raises {code} but is not named"


def test_the_catalogue_as_data_leaves_out_how_an_edit_is_found() -> None:
    dumped = EDITS["W06"].model_dump(mode="json")
    assert list(dumped) == ["code", "severity", "scope", "title_nl", "fix_nl", "expected_nl"]
    assert dumped["code"] == "W06" and dumped["severity"] == "warning"


def test_e04_fails_dates_before_2010_and_after_today() -> None:
    frame = pd.DataFrame({"incidentdatum": [D(2009, 12, 31), D(2010, 1, 1), TODAY,
                                            D(2025, 6, 16), None]})  # fmt: skip
    assert _failing("E04", frame) == [0, 3]


def test_e06_fails_every_repeat_of_a_number_but_not_its_first_or_a_missing_one() -> None:
    frame = pd.DataFrame({"bron_incidentnummer": ["A1", "B2", "A1", None, None, "A1"]})
    assert _failing("E06", frame) == [2, 5]


def test_w01_fails_a_vpt_marking_without_aangifte() -> None:
    frame = pd.DataFrame({"vpt_markering": ["ja", "ja", None, "ja", "nee"],
                          "aangifte": ["nee", "ja", "nee", None, "nee"]})  # fmt: skip
    assert _failing("W01", frame) == [0]


def test_w02_fails_serious_injury_with_only_verbal_aggression() -> None:
    frame = pd.DataFrame({
        "letsel": ["medisch", "ernstig", "ernstig", "geen", "medisch"],
        "gedragstypen": [["verbaal"], ["verbaal", "fysiek_geweld"], ["verbaal"], ["verbaal"], None],
    })  # fmt: skip
    assert _failing("W02", frame) == [0, 2]


def test_w03_fails_more_than_365_days_of_absence() -> None:
    frame = pd.DataFrame({"verzuim_dagen": pd.array([366, 365, None, 0], dtype="Int64")})
    assert _failing("W03", frame) == [0]


def test_w04_fails_an_incident_date_outside_the_quarter() -> None:
    frame = pd.DataFrame({"incidentdatum": [D(2024, 12, 31), D(2025, 1, 1), D(2025, 3, 31),
                                            D(2025, 4, 1), None]})  # fmt: skip
    assert _failing("W04", frame) == [0, 3]


def test_w05_fails_a_registration_before_the_incident() -> None:
    frame = pd.DataFrame({"incidentdatum": [D(2025, 2, 2), D(2025, 2, 2), None, D(2025, 2, 2)],
                          "registratiedatum": [D(2025, 2, 1), D(2025, 2, 2), D(2025, 1, 1),
                                               None]})  # fmt: skip
    assert _failing("W05", frame) == [0]


def test_w06_fails_a_registration_date_out_of_range_and_loads_it_as_missing() -> None:
    (check,) = EDITS["W06"].checks
    frame = pd.DataFrame({"registratiedatum": [D(2009, 1, 1), D(2025, 1, 1), D(2026, 1, 1)]})
    assert _failing("W06", frame) == [0, 2]
    assert check.blanks and check.rows is Rows.RECEIVED


def test_a_check_on_a_frame_without_its_columns_fails_no_row() -> None:
    frame = pd.DataFrame({"organisatiecode": ["GM0363", "GM0518"]})
    for code in ("E04", "W01", "W02", "W03", "W04", "W05", "W06"):
        assert _failing(code, frame) == [], code


def test_warnings_on_loaded_rows_and_errors_on_every_received_row() -> None:
    for edit in EDITS.values():
        for check in edit.checks:
            expected = Rows.LOADED if edit.code in ("W01", "W02", "W03", "W04", "W05") else (
                Rows.RECEIVED)  # fmt: skip
            assert check.rows is expected, edit.code


def _failing_in_batch(
    code: str, frame: pd.DataFrame, sizes: list[int], periodes: list[Periode]
) -> list[int]:
    """As `_failing`, for the rows of several deliveries numbered as one batch (`schemas.rows`)."""
    from schemas.rows import ROW_COLUMN, batch_rows

    (check,) = EDITS[code].checks
    numbered = frame.assign(**{ROW_COLUMN: batch_rows(
        pd.Series([row for size in sizes for row in range(1, size + 1)]), sizes)})  # fmt: skip
    context = CheckContext(today=TODAY, periode=periodes[0], periodes=dict(enumerate(periodes)))
    return [int(i) for i in frame.index[check.failing(numbered, context).to_numpy()]]


def test_e06_in_a_batch_fails_repeats_within_a_delivery_not_across_deliveries() -> None:
    frame = pd.DataFrame({"bron_incidentnummer": ["A1", "B2", "A1", "A1", None, "B2", None, "A1"]})
    first, second = Periode(jaar=2025, kwartaal=1), Periode(jaar=2025, kwartaal=2)
    assert _failing_in_batch("E06", frame, [3, 5], [first, second]) == [2, 7]


def test_w04_in_a_batch_judges_each_delivery_by_its_own_quarter() -> None:
    frame = pd.DataFrame({"incidentdatum": [D(2025, 1, 1), D(2025, 4, 1), None,
                                            D(2025, 1, 1), D(2025, 4, 1), D(2025, 6, 30)]})  # fmt: skip
    first, second = Periode(jaar=2025, kwartaal=1), Periode(jaar=2025, kwartaal=2)
    assert _failing_in_batch("W04", frame, [3, 3], [first, second]) == [1, 3]
    assert _failing_in_batch("W04", frame, [3, 3], [first, first]) == [1, 4, 5]
