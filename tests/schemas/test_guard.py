"""The column guard gives the pydantic model's row-by-row verdict (schemas/guard.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any, get_args

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from schemas.guard import column_errors
from schemas.incident import Incident

FIELDS = list(Incident.model_fields)
ROW_BY_ROW = TypeAdapter(list[Incident])
GEDRAG = list(get_args(Incident.model_fields["zwaarste_gedragstype"].annotation))
JUNK = st.one_of(
    st.none(),
    st.text(max_size=4),
    st.integers(-2, 3),
    st.booleans(),
    st.floats(allow_nan=True, allow_infinity=False),
    st.dates(dt.date(2005, 1, 1), dt.date(2030, 1, 1)),
    st.datetimes(dt.datetime(2005, 1, 1), dt.datetime(2030, 1, 1)),
    st.times(),
    st.lists(st.sampled_from([*GEDRAG[:3], "x"]), max_size=3),
)


def _codes(field: str) -> st.SearchStrategy[Any]:
    annotation = Incident.model_fields[field].annotation
    if type(None) in get_args(annotation):  # optional: the code list inside
        annotation = get_args(annotation)[0]
    return st.sampled_from(get_args(annotation))


GOOD: dict[str, st.SearchStrategy[Any]] = {
    "organisatiecode": st.sampled_from(["GM0344", "VR01", "POL", "GM34"]),
    "bron_incidentnummer": st.one_of(st.text(min_size=1, max_size=3), st.just("n" * 101)),
    "incidentdatum": st.one_of(
        st.sampled_from([dt.date(2009, 12, 31), dt.date(2010, 1, 1)]),
        st.dates(dt.date(2009, 12, 25), dt.date(2026, 1, 1)),
    ),
    "incidenttijd": st.times(),
    "registratiedatum": st.dates(dt.date(2009, 12, 25), dt.date(2026, 1, 1)),
    "gemeentecode_locatie": st.sampled_from(["GM0344", "GM034"]),
    "gedragstypen": st.lists(st.sampled_from(GEDRAG[:4]), max_size=3),
    "zwaarste_gedragstype": st.sampled_from(GEDRAG[:4]),
    "aantal_daders": st.integers(-1, 4),
    "verzuim_dagen": st.integers(-1, 4),
    "medewerker_pseudoniem": st.sampled_from(["a" * 64, "g" * 64]),
}


def _value(field: str) -> st.SearchStrategy[Any]:
    good = GOOD[field] if field in GOOD else _codes(field)
    return st.one_of(good, good, good, good, good, good, JUNK)  # mostly valid values


ROWS = st.lists(st.fixed_dictionaries({f: _value(f) for f in FIELDS}), min_size=1, max_size=25)


def _row_by_row(rows: list[dict[str, Any]]) -> list[tuple[int, str, str]]:
    try:
        ROW_BY_ROW.validate_python(rows)
    except ValidationError as exc:
        return [(e["loc"][0], str(e["loc"][1]) if len(e["loc"]) > 1 else "", repr(e["input"]))
                for e in exc.errors()]  # fmt: skip
    return []


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ROWS)
def test_columns_give_the_row_by_row_verdict(rows: list[dict[str, Any]]) -> None:
    columns = {f: [row[f] for row in rows] for f in FIELDS}
    found = [(e.row, e.field, repr(e.input)) for e in column_errors(columns)]
    assert found == _row_by_row(rows)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ROWS, st.integers(3, 5))
def test_rows_sharing_their_values_give_the_row_by_row_verdict(
    rows: list[dict[str, Any]], times: int
) -> None:
    """Harmonising gives rows with the same source text the same list object: such lists are
    validated once per object, their errors still located at every row that holds them."""
    shared = [dict(row) for row in rows] * times  # the same value objects, row after row
    columns = {f: [row[f] for row in shared] for f in FIELDS}
    found = [(e.row, e.field, repr(e.input)) for e in column_errors(columns)]
    assert found == _row_by_row(shared)


def test_one_bad_shared_list_is_an_error_at_every_row_holding_it() -> None:
    good = {f: None for f in FIELDS} | {
        "organisatiecode": "GM0344", "bron_incidentnummer": "1", "beroepsgroep": "boa",
        "incidentdatum": dt.date(2025, 2, 1), "gedragstypen": ["verbaal"],
        "zwaarste_gedragstype": "verbaal",
    }  # fmt: skip
    bad_list = ["verbaal", "schelden"]
    rows = [good | {"gedragstypen": bad_list} if i % 4 == 1 else good for i in range(12)]
    errors = column_errors({f: [row[f] for row in rows] for f in FIELDS})
    assert [(e.row, e.field, e.input) for e in errors] == [
        (1, "gedragstypen", "schelden"), (5, "gedragstypen", "schelden"),
        (9, "gedragstypen", "schelden")]  # fmt: skip


def test_a_rule_across_fields_names_the_whole_row() -> None:
    good = {f: None for f in FIELDS} | {
        "organisatiecode": "GM0344", "bron_incidentnummer": "1", "beroepsgroep": "boa",
        "incidentdatum": dt.date(2025, 2, 1), "gedragstypen": ["verbaal", "bedreiging"],
        "zwaarste_gedragstype": "bedreiging",
    }  # fmt: skip
    not_most_serious = good | {"zwaarste_gedragstype": "verbaal"}
    twice = good | {"gedragstypen": ["bedreiging", "bedreiging"]}
    too_early = good | {"incidentdatum": dt.date(2009, 12, 31)}
    bad_field = twice | {"aantal_daders": 0}  # a field error: the rule is not judged
    rows = [good, not_most_serious, twice, too_early, bad_field]
    errors = column_errors({f: [row[f] for row in rows] for f in FIELDS})
    assert [(e.row, e.field) for e in errors] == [(1, ""), (2, ""), (3, ""), (4, "aantal_daders")]
    assert errors[0].input == not_most_serious
    assert errors[3].input == 0
