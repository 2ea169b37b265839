"""Minimal raw values (issue 9 point 6): what an edit may keep of the value it found."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.ingest.redaction import REMOVED, minimal_value, minimise_edits

IDS = frozenset({"MW-7731", "4401234", "M-1"})


@pytest.mark.parametrize(
    ("veld", "waarde"),
    [
        ("kanaal", "fysik"),  # a typo in a code: helps the employer
        ("gedragstypen", "VB, DX"),
        ("letsel", "9"),
        ("incidentdatum", "31-09-2025"),
        ("incidenttijd", "25:10"),
        ("verzuim_dagen", "-3"),
        ("aantal_daders", "twee"),
        ("gemeentecode_locatie", "9999"),
        ("gemeentecode_locatie", "Nergenshuizen"),
    ],
)
def test_code_date_and_number_values_are_kept(veld: str, waarde: str) -> None:
    assert minimal_value(veld, waarde, IDS) == waarde


@pytest.mark.parametrize(
    ("veld", "waarde"),
    [
        ("nazorg_aangeboden", "MW-7731"),  # an employee id shifted into a code column
        ("verzuim_dagen", "4401234"),  # a numeric id in a number column
        ("verzuim_dagen", "55123"),  # five digits or more: an identifier, not a day count
        ("kanaal", "zie MW-7731"),  # holding an id
        ("kanaal", "P-998877"),  # looks like an identifier, whoever's it is
        ("kanaal", "+31612345678"),
        ("incidentdatum", "M-5 gisteren"),
        ("bron_incidentnummer", "V1"),  # text fields are never kept
        ("medewerker_id", "M-9"),
        ("toelichting", "Jan de Vries sloeg"),  # free text / unknown column
        (None, "iets"),
    ],
)
def test_ids_free_text_and_unknown_fields_become_verwijderd(veld: str | None, waarde: str) -> None:
    assert minimal_value(veld, waarde, IDS) == REMOVED


def test_a_kept_value_is_truncated() -> None:
    kept = minimal_value("kanaal", "x" * 100, IDS)

    assert isinstance(kept, str) and len(kept) == 60 and kept.endswith("…")


def test_missing_stays_missing() -> None:
    assert minimal_value("kanaal", None, IDS) is None
    assert minimal_value("kanaal", float("nan"), IDS) is None


def test_minimise_edits_touches_only_waarde() -> None:
    edits = pd.DataFrame({"rij": [2, 3], "veld": ["kanaal", "nazorg_aangeboden"],
                          "code": ["W06", "W06"], "waarde": ["fysik", "MW-7731"]})  # fmt: skip

    out = minimise_edits(edits, IDS)

    assert out["waarde"].tolist() == ["fysik", REMOVED]
    assert out.drop(columns="waarde").equals(edits.drop(columns="waarde"))
