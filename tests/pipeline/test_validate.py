"""Row validation: the numbered E and W edits on small hand-made harmonised deliveries."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import numpy as np
import pandas as pd
import pytest

from connectors.base import RawTable, frame_from_rows
from pipeline.ingest.harmonise import EDIT_COLUMNS, DeliveryContext, Harmonised, apply_profile
from pipeline.ingest.reference import load_reference
from pipeline.ingest.validate import Validated, validate_delivery
from schemas.incident import Periode
from schemas.profile import MappingProfile
from schemas.rows import ROW_COLUMN
from tests.conftest import REFERENCE_DIR, TEST_KEY

PERIODE = Periode.parse("2025Q1")
TODAY = dt.date(2025, 6, 1)


def _row(rij: int, **changes: Any) -> dict[str, Any]:
    """One harmonised row that passes every edit, with some fields changed."""
    row: dict[str, Any] = {
        "organisatiecode": "GM0363",
        "organisatiecode_bron": "GM0363",
        "beroepsgroep": "boa",
        "bron_incidentnummer": f"INC-{rij}",
        "incidentdatum": dt.date(2025, 2, 3),
        "incidenttijd": dt.time(14, 35),
        "registratiedatum": dt.date(2025, 2, 4),
        "gemeentecode_locatie": "GM0363",
        "gemeentecode_locatie_bron": "GM0363",
        "gedragstypen": ["verbaal", "bedreiging"],
        "zwaarste_gedragstype": "bedreiging",
        "kanaal": "fysiek",
        "context": "handhaving",
        "wapen": "nee",
        "aantal_daders": 1,
        "letsel": "geen",
        "verzuim_dagen": 0,
        "materiele_schade": "nee",
        "aangifte": "ja",
        "vpt_markering": "ja",
        "nazorg_aangeboden": "ja",
        "medewerker_pseudoniem": None,
        ROW_COLUMN: rij,
    }
    row.update(changes)
    return row


def _validate(*rows: dict[str, Any], edits: list[dict[str, Any]] | None = None) -> Validated:
    frame = pd.DataFrame(list(rows))
    frame["aantal_daders"] = frame["aantal_daders"].astype("Int64")
    frame["verzuim_dagen"] = frame["verzuim_dagen"].astype("Int64")
    harmonised = Harmonised(frame, pd.DataFrame(edits or [], columns=EDIT_COLUMNS))
    return validate_delivery(harmonised, PERIODE, TODAY)


def _codes(validated: Validated, rij: int) -> list[str]:
    return sorted(validated.edits.loc[validated.edits["rij"] == rij, "code"])


def _loaded(validated: Validated) -> list[int]:
    return list(validated.incidents["rij"])


def test_a_clean_delivery_loads_every_row_without_edits() -> None:
    validated = _validate(_row(2), _row(3))

    assert _loaded(validated) == [2, 3]
    assert validated.edits.empty
    assert (validated.rows_in, validated.rows_rejected) == (2, 0)


# --- E04, E06 -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "datum", [TODAY + dt.timedelta(days=1), dt.date(2031, 1, 3), dt.date(2009, 12, 31)]
)
def test_e04_rejects_an_incidentdatum_out_of_range(datum: dt.date) -> None:
    validated = _validate(_row(2, incidentdatum=datum, registratiedatum=None), _row(3))

    assert _codes(validated, 2) == ["E04"]
    assert validated.edits.loc[0, "severity"] == "error"
    assert _loaded(validated) == [3]


@pytest.mark.parametrize("datum", [TODAY, dt.date(2010, 1, 1)])
def test_e04_accepts_the_edges_of_the_range(datum: dt.date) -> None:
    validated = _validate(_row(2, incidentdatum=datum, registratiedatum=None))

    assert "E04" not in _codes(validated, 2)
    assert _loaded(validated) == [2]


def test_w06_keeps_an_incident_whose_registratiedatum_is_in_the_future_without_that_date() -> None:
    validated = _validate(_row(2, registratiedatum=TODAY + dt.timedelta(days=30)))

    assert _codes(validated, 2) == ["W06"]
    assert validated.edits.loc[0, "veld"] == "registratiedatum"
    assert _loaded(validated) == [2]
    assert validated.incidents.loc[0, "registratiedatum"] is None


def test_a_harmonise_warning_keeps_its_row_and_a_rejected_row_gets_no_warning() -> None:
    edits = [
        {"rij": 2, "veld": "kanaal", "code": "W06", "waarde": "postduif"},
        {"rij": 3, "veld": "kanaal", "code": "W06", "waarde": "postduif"},
        {"rij": 3, "veld": "incidentdatum", "code": "E03", "waarde": "gisteren"},
    ]
    validated = _validate(_row(2), _row(3), edits=edits)

    assert _loaded(validated) == [2]
    assert _codes(validated, 2) == ["W06"]
    assert _codes(validated, 3) == ["E03"]


def test_w07_is_a_delivery_warning_when_the_period_came_from_the_dates() -> None:
    harmonised = Harmonised(pd.DataFrame([_row(2)]), pd.DataFrame(columns=EDIT_COLUMNS))
    validated = validate_delivery(harmonised, PERIODE, TODAY, period_from_data=True)

    w07 = validated.edits[validated.edits["code"] == "W07"]
    assert len(w07) == 1 and pd.isna(w07["rij"].iloc[0]) and w07["waarde"].iloc[0] == "2025Q1"
    assert _loaded(validated) == [2]


def test_e06_keeps_the_first_occurrence_of_an_incident_number() -> None:
    validated = _validate(
        _row(2, bron_incidentnummer="A"),
        _row(3, bron_incidentnummer="B"),
        _row(4, bron_incidentnummer="A"),
        _row(5, bron_incidentnummer="A"),
    )

    assert _loaded(validated) == [2, 3]
    assert _codes(validated, 4) == ["E06"] and _codes(validated, 5) == ["E06"]
    assert _codes(validated, 2) == []


def test_e06_compares_incident_numbers_exactly() -> None:
    validated = _validate(_row(2, bron_incidentnummer="A-1"), _row(3, bron_incidentnummer="A-10"))

    assert _loaded(validated) == [2, 3]


# --- W01–W05: each fires on its case, not on a neighbouring normal case ---------------------

WARNING_CASES = [
    ("W01", {"vpt_markering": "ja", "aangifte": "nee"}, {"vpt_markering": "ja", "aangifte": "ja"}),
    (
        "W01",
        {"vpt_markering": "ja", "aangifte": "nee"},
        {"vpt_markering": "ja", "aangifte": "onbekend"},
    ),
    (
        "W01",
        {"vpt_markering": "ja", "aangifte": "nee"},
        {"vpt_markering": "nee", "aangifte": "nee"},
    ),
    (
        "W02",
        {"letsel": "medisch", "gedragstypen": ["verbaal"], "zwaarste_gedragstype": "verbaal"},
        {"letsel": "licht", "gedragstypen": ["verbaal"], "zwaarste_gedragstype": "verbaal"},
    ),
    (
        "W02",
        {"letsel": "ernstig", "gedragstypen": ["verbaal"], "zwaarste_gedragstype": "verbaal"},
        {
            "letsel": "ernstig",
            "gedragstypen": ["verbaal", "fysiek_geweld"],
            "zwaarste_gedragstype": "fysiek_geweld",
        },
    ),
    ("W03", {"verzuim_dagen": 366}, {"verzuim_dagen": 365}),
    (
        "W04",
        {"incidentdatum": dt.date(2024, 12, 31), "registratiedatum": None},
        {"incidentdatum": dt.date(2025, 1, 1), "registratiedatum": None},
    ),
    (
        "W04",
        {"incidentdatum": dt.date(2025, 4, 1), "registratiedatum": None},
        {"incidentdatum": dt.date(2025, 3, 31), "registratiedatum": None},
    ),
    (
        "W05",
        {"incidentdatum": dt.date(2025, 2, 3), "registratiedatum": dt.date(2025, 2, 2)},
        {"incidentdatum": dt.date(2025, 2, 3), "registratiedatum": dt.date(2025, 2, 3)},
    ),
    (
        "W05",
        {"incidentdatum": dt.date(2025, 2, 3), "registratiedatum": dt.date(2025, 2, 2)},
        {"incidentdatum": dt.date(2025, 2, 3), "registratiedatum": None},
    ),
]


@pytest.mark.parametrize(("code", "case", "normal"), WARNING_CASES)
def test_warning_fires_on_its_case_and_not_on_the_normal_neighbour(
    code: str, case: dict[str, Any], normal: dict[str, Any]
) -> None:
    validated = _validate(_row(2, **case), _row(3, **normal))

    assert _codes(validated, 2) == [code]
    assert _codes(validated, 3) == []
    assert set(validated.edits["severity"]) == {"warning"}


def test_warnings_keep_the_row() -> None:
    validated = _validate(_row(2, verzuim_dagen=400, vpt_markering="ja", aangifte="nee"))

    assert _loaded(validated) == [2]
    assert _codes(validated, 2) == ["W01", "W03"]
    assert validated.rows_rejected == 0


def test_rejected_rows_get_no_warnings() -> None:
    validated = _validate(_row(2, incidentdatum=dt.date(2031, 1, 3), verzuim_dagen=400))

    assert _codes(validated, 2) == ["E04"]


# --- counting: every row is loaded or rejected, once ----------------------------------------


def test_rows_in_is_loaded_plus_rejected_for_a_mixed_delivery() -> None:
    validated = _validate(
        _row(2),
        _row(3, incidentdatum=None),
        _row(4, incidentdatum=dt.date(2031, 1, 1)),
        _row(5, bron_incidentnummer="INC-2"),
        _row(6, verzuim_dagen=500),
        _row(7, kanaal=None),
        edits=[
            {"rij": 3, "veld": "incidentdatum", "code": "E03", "waarde": "31-02-2025"},
            {"rij": 7, "veld": "kanaal", "code": "E02", "waarde": "postduif"},
        ],
    )

    assert _loaded(validated) == [2, 6]
    assert validated.rows_rejected == 4
    assert validated.rows_in == 6 == len(validated.incidents) + validated.rows_rejected


def test_a_row_with_two_errors_counts_once() -> None:
    validated = _validate(
        _row(2, incidentdatum=dt.date(2031, 1, 1), kanaal=None),
        _row(3),
        edits=[{"rij": 2, "veld": "kanaal", "code": "E02", "waarde": "postduif"}],
    )

    assert _codes(validated, 2) == ["E02", "E04"]
    assert validated.rows_rejected == 1
    assert validated.rows_in == len(validated.incidents) + validated.rows_rejected


def test_harmonise_edits_reject_their_rows_and_get_a_severity() -> None:
    validated = _validate(
        _row(2, aantal_daders=None),
        edits=[{"rij": 2, "veld": "aantal_daders", "code": "E05", "waarde": "twee"}],
    )

    assert _loaded(validated) == []
    assert validated.edits[["rij", "code", "severity"]].to_dict("records") == [
        {"rij": 2, "code": "E05", "severity": "error"}
    ]


def test_the_model_guard_rejects_a_row_the_edits_missed() -> None:
    validated = _validate(_row(2, gedragstypen=None, zwaarste_gedragstype=None), _row(3))

    assert _loaded(validated) == [3]
    assert validated.rows_rejected == 1
    assert set(validated.edits.loc[validated.edits["rij"] == 2, "severity"]) == {"error"}


@pytest.mark.parametrize("mark", [float("nan"), pd.NA, pd.NaT])
def test_pandas_marks_of_a_missing_value_are_missing_to_the_model_guard(mark: object) -> None:
    """The guard takes a column of objects as it is (`model_errors`): a NaN, NA or NaT there is
    still a missing value, as None is: the same rows loaded and the same edits."""
    optional = {"incidenttijd": mark, "registratiedatum": mark, "wapen": mark}
    required = {"bron_incidentnummer": mark}  # a missing number: rejected, as None is
    marked = _validate(_row(2, **optional), _row(3), _row(4, **required))
    plain = _validate(_row(2, **dict.fromkeys(optional)), _row(3),
                      _row(4, **dict.fromkeys(required)))  # fmt: skip

    assert _loaded(marked) == _loaded(plain) == [2, 3]
    assert (
        marked.edits[["rij", "code"]].values.tolist()
        == plain.edits[["rij", "code"]].values.tolist()
    )
    assert marked.edits["rij"].tolist() == [4]


def test_no_field_of_the_model_takes_a_pandas_mark_of_a_missing_value_as_a_value() -> None:
    """What lets the guard skip looking for those marks first (`model_errors`): each one is
    rejected or raises, in every field, so it can never pass unseen."""
    from pydantic import TypeAdapter, ValidationError

    from schemas.incident import Incident

    taken = []
    for name, info in Incident.model_fields.items():
        adapter = TypeAdapter(list[Annotated[(info.annotation, *info.metadata)]]
                              if info.metadata else list[info.annotation])  # type: ignore[name-defined]  # fmt: skip
        for mark in (float("nan"), pd.NA, pd.NaT, np.float64("nan"), np.datetime64("NaT")):
            try:
                adapter.validate_python([mark])
            except (ValidationError, TypeError):
                continue
            taken.append((name, repr(mark)))
    assert taken == []


def test_edits_are_sorted_by_row_and_code() -> None:
    validated = _validate(
        _row(3, verzuim_dagen=400, vpt_markering="ja", aangifte="nee"),
        _row(2, incidentdatum=dt.date(2031, 1, 1)),
    )

    assert validated.edits[["rij", "code"]].values.tolist() == [[2, "E04"], [3, "W01"], [3, "W03"]]


def test_a_profile_with_only_the_required_fields_validates() -> None:
    profile = MappingProfile.model_validate(
        {
            "id": "alleen_verplicht",
            "version": 1,
            "title": "Alleen verplichte velden",
            "file_pattern": r"^x\.csv$",
            "reader": {"kind": "csv"},
            "fields": {
                "beroepsgroep": {"constant": "boa"},
                "bron_incidentnummer": {"column": "nr"},
                "incidentdatum": {"column": "datum"},
                "gedragstypen": {"column": "gedrag"},
            },
        }
    )
    raw = RawTable(
        frame_from_rows(["nr", "datum", "gedrag"], [["A", "2025-02-03", "verbaal"]], [2]), "x.csv"
    )
    ctx = DeliveryContext("GM0363", "GM0363", TEST_KEY)
    harmonised = apply_profile(raw, profile, ctx, load_reference(REFERENCE_DIR))

    validated = validate_delivery(harmonised, PERIODE, TODAY)

    assert _loaded(validated) == [2]
