"""Harmonisation: pure functions from raw text cells to national fields, plus their properties."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectors.base import RawTable, cell_text, normalise_header
from connectors.profiles import PROFILE_DIR, load_profile
from pipeline.ingest.codes import map_codes, map_multi_codes
from pipeline.ingest.gedrag import most_serious
from pipeline.ingest.harmonise import (
    EDIT_COLUMNS,
    ISO_FORMATS,
    TIME_FORMATS,
    DeliveryContext,
    apply_profile,
    map_gemeente,
    map_ticks,
)
from pipeline.ingest.parsing import parse_dates, parse_integers
from pipeline.ingest.reference import Reference, load_reference
from schemas.codelists import load_codelists
from schemas.profile import REQUIRED_FIELDS, FieldMap, GemeenteTransform, MappingProfile
from schemas.rows import ROW_COLUMN
from tests.conftest import REFERENCE_DIR, TEST_KEY

CODES = load_codelists()
JANEE = CODES.codes("janee")
GEDRAGSTYPE = CODES.codes("gedragstype")
JANEE_MAP = FieldMap(column="Wapen", codes={"J": "ja", "N": "nee", "Niet van toepassing": None})
GEDRAG_MAP = FieldMap(
    column="Gedrag", split=r"\s*[,;]\s*", codes={"VB": "verbaal", "FG": "fysiek_geweld"}
)
TICK_MAP = FieldMap(
    ticks={"verbaal": "Verbaal", "bedreiging": "Bedreiging", "fysiek_geweld": "Fysiek"},
    tick_values=("x",),
)
VENDOR = load_profile(PROFILE_DIR / "vendor_csv.yaml")


@pytest.fixture(scope="module")
def ref() -> Reference:
    return load_reference(REFERENCE_DIR)


def _cells(*values: str | None) -> pd.Series:
    return pd.Series(list(values), dtype=object)


def _listed(series: pd.Series) -> list[object]:
    """Values as a plain list, every kind of missing as None."""
    return [None if not isinstance(v, list) and pd.isna(v) else v for v in series]


# --- map_codes ------------------------------------------------------------------------------


def test_map_codes_uses_the_profile_codes() -> None:
    codes, bad = map_codes(_cells("J", "N", "j", " n "), JANEE_MAP, JANEE)

    assert _listed(codes) == ["ja", "nee", "ja", "nee"]
    assert not bad.any()


def test_map_codes_accepts_national_codes_in_any_case() -> None:
    codes, bad = map_codes(_cells("ja", "NEE", "Onbekend", " onbekend "), JANEE_MAP, JANEE)

    assert _listed(codes) == ["ja", "nee", "onbekend", "onbekend"]
    assert not bad.any()


def test_map_codes_keeps_an_explicit_null_mapping_missing_without_an_error() -> None:
    codes, bad = map_codes(_cells("Niet van toepassing", "niet  van toepassing"), JANEE_MAP, JANEE)

    assert _listed(codes) == [None, None]
    assert not bad.any()


def test_map_codes_flags_an_unknown_value() -> None:
    codes, bad = map_codes(_cells("J", "misschien", None, "X"), JANEE_MAP, JANEE)

    assert _listed(codes) == ["ja", None, None, None]
    assert bad.tolist() == [False, True, False, True]


# --- map_multi_codes ------------------------------------------------------------------------


def test_map_multi_codes_splits_and_maps_each_code() -> None:
    lists, bad = map_multi_codes(
        _cells("VB,FG", "VB ; bedreiging", "doxing"), GEDRAG_MAP, GEDRAGSTYPE
    )

    assert _listed(lists) == [
        ["verbaal", "fysiek_geweld"],
        ["verbaal", "bedreiging"],
        ["doxing"],
    ]
    assert not bad.any()


def test_map_multi_codes_dedupes_and_follows_code_list_order() -> None:
    lists, _ = map_multi_codes(
        _cells("FG,VB,verbaal,FG", "overig,bedreiging"), GEDRAG_MAP, GEDRAGSTYPE
    )

    assert _listed(lists) == [["verbaal", "fysiek_geweld"], ["bedreiging", "overig"]]


def test_map_multi_codes_one_unknown_token_makes_the_row_bad() -> None:
    _, bad = map_multi_codes(_cells("VB,postduif", "VB", "XX"), GEDRAG_MAP, GEDRAGSTYPE)

    assert bad.tolist() == [True, False, True]


def test_map_multi_codes_leaves_empty_cells_missing_and_unflagged() -> None:
    lists, bad = map_multi_codes(_cells(None, "VB"), GEDRAG_MAP, GEDRAGSTYPE)

    assert _listed(lists) == [None, ["verbaal"]]
    assert not bad.any()


def test_map_multi_codes_uses_comma_when_the_profile_gives_no_separator() -> None:
    mapping = FieldMap(column="Gedrag")
    lists, bad = map_multi_codes(_cells("verbaal , doxing"), mapping, GEDRAGSTYPE)

    assert _listed(lists) == [["verbaal", "doxing"]]
    assert not bad.any()


# --- map_ticks ------------------------------------------------------------------------------


def _tick_cells(rows: list[tuple[str | None, str | None, str | None]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["Verbaal", "Bedreiging", "Fysiek"], dtype=object)


def test_map_ticks_reads_x_in_either_case() -> None:
    lists, bad = map_ticks(
        _tick_cells([("x", None, "X"), (None, "X", None)]), TICK_MAP, GEDRAGSTYPE
    )

    assert _listed(lists) == [["verbaal", "fysiek_geweld"], ["bedreiging"]]
    assert not bad.any()


def test_map_ticks_keeps_one_list_a_row_when_every_row_ticks_as_many() -> None:
    lists, _ = map_ticks(
        _tick_cells([("x", None, "x"), (None, None, None), ("x", "x", None), (None, "x", "x")]),
        TICK_MAP, GEDRAGSTYPE,
    )  # fmt: skip

    assert _listed(lists) == [
        ["verbaal", "fysiek_geweld"], None, ["verbaal", "bedreiging"], ["bedreiging", "fysiek_geweld"]
    ]  # fmt: skip


def test_map_ticks_gives_rows_ticked_alike_one_list() -> None:
    """The checks of a list run once per list object (the guard's rule on the most serious
    gedragstype, `most_serious`): rows ticked alike share one list, so 100,000 rows of a few
    patterns are judged a few times, not 100,000."""
    lists, _ = map_ticks(
        _tick_cells([("x", None, "x"), (None, "x", None), ("X", None, "x"), (None, "x", None)]),
        TICK_MAP, GEDRAGSTYPE,
    )  # fmt: skip

    assert _listed(lists) == [["verbaal", "fysiek_geweld"], ["bedreiging"]] * 2
    assert lists[0] is lists[2] and lists[1] is lists[3] and lists[0] is not lists[1]


def test_the_raw_value_of_tick_boxes_names_the_ticked_columns_in_order() -> None:
    from pipeline.ingest.harmonise import _raw_values

    cells = _tick_cells([("x", None, "ja"), (None, None, None), (None, "X", None), ("x", "x", "x")])
    assert _listed(_raw_values(cells, TICK_MAP)) == [
        "Verbaal,Fysiek", None, "Bedreiging", "Verbaal,Bedreiging,Fysiek"
    ]  # fmt: skip  # as written: a non-tick ("ja") is named too, and flagged by map_ticks
    assert _listed(_raw_values(cells.iloc[0:0], TICK_MAP)) == []


def test_map_ticks_flags_a_value_that_is_not_a_tick() -> None:
    lists, bad = map_ticks(
        _tick_cells([("x", "ja", None), ("x", None, None)]), TICK_MAP, GEDRAGSTYPE
    )

    assert bad.tolist() == [True, False]
    assert _listed(lists)[1] == ["verbaal"]


def test_map_ticks_without_any_tick_is_missing() -> None:
    lists, bad = map_ticks(_tick_cells([(None, None, None)]), TICK_MAP, GEDRAGSTYPE)

    assert _listed(lists) == [None]
    assert not bad.any()


def test_map_ticks_honours_the_profiles_tick_values() -> None:
    mapping = FieldMap(ticks={"verbaal": "Verbaal"}, tick_values=("ja", "1"))
    cells = pd.DataFrame({"Verbaal": ["Ja", "1", "x"]}, dtype=object)
    lists, bad = map_ticks(cells, mapping, GEDRAGSTYPE)

    assert _listed(lists) == [["verbaal"], ["verbaal"], None]
    assert bad.tolist() == [False, False, True]


# --- parse_dates ----------------------------------------------------------------------------


def test_parse_dates_reads_iso_dates_and_timestamps() -> None:
    dates, bad = parse_dates(_cells("2025-02-03", "2025-02-03T14:35:00"), ISO_FORMATS)

    assert _listed(dates) == [dt.date(2025, 2, 3), dt.date(2025, 2, 3)]
    assert not bad.any()


def test_parse_dates_reads_the_profile_format() -> None:
    dates, bad = parse_dates(_cells("03-02-2025", "2025-02-04"), (*ISO_FORMATS, "%d-%m-%Y"))

    assert _listed(dates) == [dt.date(2025, 2, 3), dt.date(2025, 2, 4)]
    assert not bad.any()


def test_parse_dates_flags_an_impossible_date() -> None:
    dates, bad = parse_dates(
        _cells("31-02-2025", "2025-13-01", "gisteren"), (*ISO_FORMATS, "%d-%m-%Y")
    )

    assert _listed(dates) == [None, None, None]
    assert bad.all()


def test_parse_dates_does_not_flag_an_empty_cell() -> None:
    dates, bad = parse_dates(_cells(None, "2025-02-03"), ISO_FORMATS)

    assert _listed(dates) == [None, dt.date(2025, 2, 3)]
    assert not bad.any()


def test_parse_dates_without_the_profile_format_flags_dutch_dates() -> None:
    _, bad = parse_dates(_cells("03-02-2025"), ISO_FORMATS)

    assert bad.tolist() == [True]


def test_parse_dates_reads_times() -> None:
    times, bad = parse_dates(_cells("14:35", "14:35:10", "25:00", None), TIME_FORMATS, times=True)

    assert _listed(times) == [dt.time(14, 35), dt.time(14, 35, 10), None, None]
    assert bad.tolist() == [False, False, True, False]


@pytest.mark.parametrize(
    ("text", "day"),
    [("31-12-9999", dt.date(9999, 12, 31)), ("05-01-0225", dt.date(225, 1, 5)),
     ("0001-01-01", dt.date(1, 1, 1))],
)  # fmt: skip
def test_parse_dates_reads_dates_far_outside_pandas_range(text: str, day: dt.date) -> None:
    """A real date beyond pandas' range (years 1677–2262) is read, not lost: the edit that it
    is out of range (E04: before 2010 or in the future) belongs to validation, which names it."""
    dates, bad = parse_dates(_cells(text, "03-02-2025"), (*ISO_FORMATS, "%d-%m-%Y"))

    assert not bad.iloc[0] and dates.iloc[0] == day
    assert dates.iloc[1] == dt.date(2025, 2, 3)


# --- parse_integers -------------------------------------------------------------------------


def test_parse_integers_reads_whole_numbers() -> None:
    numbers, bad = parse_integers(_cells("1", "12", " 3 ", None), 1)

    assert _listed(numbers) == [1, 12, 3, None]
    assert not bad.any()


def test_parse_integers_applies_the_minimum() -> None:
    _, bad_daders = parse_integers(_cells("0", "1"), 1)
    _, bad_verzuim = parse_integers(_cells("0", "-3"), 0)

    assert bad_daders.tolist() == [True, False]
    assert bad_verzuim.tolist() == [False, True]


def test_parse_integers_flags_decimals_and_words() -> None:
    numbers, bad = parse_integers(_cells("1.5", "2,5", "twee", "veel", "nan"), 0)

    assert _listed(numbers) == [None] * 5
    assert bad.all()


@pytest.mark.parametrize("text", ["99999999999999999999", "1e19", "1e300"])
def test_parse_integers_flags_numbers_too_large_for_int64(text: str) -> None:
    numbers, bad = parse_integers(_cells(text, "2"), 0)

    assert bad.tolist() == [True, False]
    assert numbers.iloc[1] == 2


# --- map_gemeente ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("transform", "text"),
    [
        (GemeenteTransform.CODE, "GM0363"),
        (GemeenteTransform.CODE, "gm0363"),
        (GemeenteTransform.NUMMER, "0363"),
        (GemeenteTransform.NUMMER, "363"),
        (GemeenteTransform.NAAM, "Amsterdam"),
        (GemeenteTransform.NAAM, "AMSTERDAM"),
    ],
)
def test_map_gemeente_reads_each_transform(
    ref: Reference, transform: GemeenteTransform, text: str
) -> None:
    current, original, unknown = map_gemeente(_cells(text), transform, ref)

    assert (current.iloc[0], original.iloc[0], unknown.iloc[0]) == ("GM0363", "GM0363", False)


@pytest.mark.parametrize(
    ("transform", "text", "delivered", "today"),
    [
        (GemeenteTransform.CODE, "GM0501", "GM0501", "GM1992"),
        (GemeenteTransform.NUMMER, "457", "GM0457", "GM0363"),
        (GemeenteTransform.NAAM, "Brielle", "GM0501", "GM1992"),
    ],
)
def test_map_gemeente_maps_an_old_code_to_its_successor_and_keeps_the_original(
    ref: Reference, transform: GemeenteTransform, text: str, delivered: str, today: str
) -> None:
    current, original, unknown = map_gemeente(_cells(text), transform, ref)

    assert (current.iloc[0], original.iloc[0], unknown.iloc[0]) == (today, delivered, False)


@pytest.mark.parametrize(
    ("transform", "text"),
    [
        (GemeenteTransform.CODE, "GM9999"),
        (GemeenteTransform.CODE, "0363"),
        (GemeenteTransform.NUMMER, "9999"),
        (GemeenteTransform.NUMMER, "GM0363"),
        (GemeenteTransform.NUMMER, "03630"),
        (GemeenteTransform.NAAM, "Nergensdorp"),
    ],
)
def test_map_gemeente_flags_an_unknown_gemeente(
    ref: Reference, transform: GemeenteTransform, text: str
) -> None:
    current, original, unknown = map_gemeente(_cells(text, None), transform, ref)

    assert unknown.tolist() == [True, False]
    assert _listed(current) == [None, None]
    assert _listed(original) == [None, None]


def test_map_gemeente_keeps_a_split_gemeente_as_delivered_without_guessing_today(
    ref: Reference,
) -> None:
    current, original, unknown = map_gemeente(_cells("GM0788"), GemeenteTransform.CODE, ref)

    assert _listed(current) == [None]
    assert _listed(original) == ["GM0788"]
    assert not unknown.any()


# --- most_serious ---------------------------------------------------------------------------


def test_most_serious_follows_the_severity_rank() -> None:
    lists = pd.Series(
        [
            ["verbaal", "fysiek_geweld"],
            ["seksuele_intimidatie", "bedreiging"],
            ["overig"],
            ["verbaal", "intimidatie", "doxing"],
            None,
        ],
        dtype=object,
    )

    assert _listed(most_serious(lists)) == [
        "fysiek_geweld",
        "seksuele_intimidatie",
        "overig",
        "doxing",
        None,
    ]


@given(st.lists(st.lists(st.sampled_from(GEDRAGSTYPE), min_size=1, unique=True), max_size=8))
def test_most_serious_is_the_highest_ranked_code(lists: list[list[str]]) -> None:
    rank = CODES.severity_rank()
    result = most_serious(pd.Series(lists, dtype=object))

    assert _listed(result) == [max(codes, key=rank.__getitem__) for codes in lists]


@given(st.lists(st.lists(st.sampled_from(GEDRAGSTYPE), min_size=1, unique=True), min_size=1,
                max_size=4), st.lists(st.integers(0, 3), min_size=8, max_size=30))  # fmt: skip
def test_most_serious_of_rows_sharing_a_list(lists: list[list[str]], picks: list[int]) -> None:
    """Rows with the same source text share one list object; each row still gets its own."""
    rank = CODES.severity_rank()
    rows = [lists[i % len(lists)] if i else None for i in picks]
    result = most_serious(pd.Series(rows, index=range(7, 7 + 2 * len(rows), 2), dtype=object))

    assert list(result.index) == list(range(7, 7 + 2 * len(rows), 2))
    assert _listed(result) == [max(c, key=rank.__getitem__) if c else None for c in rows]


# --- properties: total, row-preserving, nothing silently lost -------------------------------


TEXT = st.text(max_size=15)
CELLS = st.lists(st.none() | TEXT, max_size=12)
PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _series(values: list[str | None]) -> pd.Series:
    """Cells with a non-default index, to catch functions that lose alignment."""
    return pd.Series(values, index=range(100, 100 + 3 * len(values), 3), dtype=object)


def _check_shape(values: pd.Series, *results: pd.Series) -> None:
    for result in results:
        assert len(result) == len(values)
        assert result.index.equals(values.index)


def _exclusive(values: pd.Series, result: pd.Series, bad: pd.Series, lost_ok: pd.Series) -> None:
    """Every non-empty cell is mapped or flagged (never both); empty cells are neither."""
    mapped = result.notna()
    assert not (values.isna() & (mapped | bad)).any()
    assert not (mapped & bad).any()
    assert (mapped | bad | lost_ok)[values.notna()].all()


@PROPERTY
@given(CELLS)
def test_map_codes_is_total(values: list[str | None]) -> None:
    cells = _series(values)
    codes, bad = map_codes(cells, JANEE_MAP, JANEE)

    _check_shape(cells, codes, bad)
    to_null = cells.map(normalise_header, na_action="ignore").eq("niet van toepassing")
    _exclusive(cells, codes, bad, to_null)
    assert set(codes.dropna()) <= set(JANEE)


@PROPERTY
@given(CELLS)
def test_map_multi_codes_is_total(values: list[str | None]) -> None:
    cells = _series(values)
    lists, bad = map_multi_codes(cells, GEDRAG_MAP, GEDRAGSTYPE)

    _check_shape(cells, lists, bad)
    only_separators = cells.map(
        lambda v: all(not t.strip() for t in re.split(GEDRAG_MAP.split or ",", v)),
        na_action="ignore",
    ).fillna(False)
    mapped = lists.notna()
    assert not (cells.isna() & (mapped | bad)).any()
    assert (mapped | bad | only_separators)[cells.notna()].all()
    for codes in lists.dropna():
        assert codes and set(codes) <= set(GEDRAGSTYPE) and len(set(codes)) == len(codes)


@PROPERTY
@given(st.lists(st.tuples(*[st.none() | st.text(max_size=4)] * 3), max_size=10))
def test_map_ticks_is_total(rows: list[tuple[str | None, str | None, str | None]]) -> None:
    cells = _tick_cells(rows)
    lists, bad = map_ticks(cells, TICK_MAP, GEDRAGSTYPE)

    _check_shape(cells.iloc[:, 0], lists, bad)
    ticked = cells.apply(lambda c: c.map(normalise_header, na_action="ignore").eq("x"))
    filled = cells.notna()
    assert (lists.notna() == ticked.any(axis=1)).all()
    assert (bad == (filled & ~ticked).any(axis=1)).all()


@PROPERTY
@given(CELLS)
def test_parse_dates_is_total(values: list[str | None]) -> None:
    cells = _series(values)
    dates, bad = parse_dates(cells, (*ISO_FORMATS, "%d-%m-%Y"))

    _check_shape(cells, dates, bad)
    _exclusive(cells, dates, bad, pd.Series(False, index=cells.index))
    assert all(isinstance(d, dt.date) for d in dates.dropna())


@PROPERTY
@given(CELLS)
def test_parse_times_is_total(values: list[str | None]) -> None:
    cells = _series(values)
    times, bad = parse_dates(cells, TIME_FORMATS, times=True)

    _check_shape(cells, times, bad)
    _exclusive(cells, times, bad, pd.Series(False, index=cells.index))
    assert all(isinstance(t, dt.time) for t in times.dropna())


INTEGER_CELLS = st.lists(
    st.none() | TEXT | st.integers(-(10**9), 10**9).map(str) | st.floats(-1e9, 1e9).map(str),
    max_size=12,
)


@PROPERTY
@given(INTEGER_CELLS, st.sampled_from([0, 1]))
def test_parse_integers_is_total(values: list[str | None], minimum: int) -> None:
    cells = _series(values)
    numbers, bad = parse_integers(cells, minimum)

    _check_shape(cells, numbers, bad)
    _exclusive(cells, numbers, bad, pd.Series(False, index=cells.index))
    assert all(int(n) >= minimum for n in numbers.dropna())


@PROPERTY
@given(
    st.lists(st.none() | TEXT | st.sampled_from(["GM0363", "0501", "Weesp"]), max_size=12),
    st.sampled_from(list(GemeenteTransform)),
)
def test_map_gemeente_is_total(values: list[str | None], transform: GemeenteTransform) -> None:
    ref = load_reference(REFERENCE_DIR)
    cells = _series(values)
    current, original, unknown = map_gemeente(cells, transform, ref)

    _check_shape(cells, current, original, unknown)
    _exclusive(cells, original, unknown, pd.Series(False, index=cells.index))
    today = set(ref.gemeenten["gemeentecode"])
    assert set(current.dropna()) <= today
    assert (current.isna() | original.notna()).all()


# --- apply_profile on random deliveries -----------------------------------------------------

VENDOR_COLUMNS = [*VENDOR.source_columns(), *VENDOR.ignore]
PLAUSIBLE = {
    "Datum": ["03-07-2025", "2025-07-03", "31-02-2025"],
    "Gemeld op": ["04-07-2025"],
    "Tijd": ["22:10", "7:05"],
    "Plaats CBS": ["0344", "344", "0501", "0788", "9999"],
    "Gedrag": ["VB,BD", "FG", "VB, DX", "XX", ","],
    "Kanaal": ["F", "?", "online"],
    "Situatie": ["HH", "ONB"],
    "Letsel": ["0", "3", "9"],
    "Daders": ["1", "2", "0", "twee"],
    "Verzuimdagen": ["0", "400", "-3"],
}


def _cell(column: str) -> st.SearchStrategy[str | None]:
    options = PLAUSIBLE.get(column, ["J", "N", "O", "M-77"])
    return st.none() | TEXT.map(cell_text) | st.sampled_from(options)


@st.composite
def vendor_tables(draw: st.DrawFn) -> RawTable:
    """A RawTable with the vendor_csv columns: random and plausible cells, unique row numbers."""
    count = draw(st.integers(0, 8))
    rows = [{c: draw(_cell(c)) for c in VENDOR_COLUMNS} for _ in range(count)]
    numbers = sorted(draw(st.sets(st.integers(2, 500), min_size=count, max_size=count)))
    cells = pd.DataFrame(rows, columns=VENDOR_COLUMNS, dtype=object)
    cells[ROW_COLUMN] = pd.Series(numbers, dtype="int64")
    return RawTable(cells, "incidenten_GM0344_2025Q3.csv")


def _harmonise(raw: RawTable, profile: MappingProfile = VENDOR):  # type: ignore[no-untyped-def]
    ctx = DeliveryContext("GM0344", "GM0344", TEST_KEY)
    return apply_profile(raw, profile, ctx, load_reference(REFERENCE_DIR))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(vendor_tables())
def test_apply_profile_conserves_rows_and_locates_every_edit(raw: RawTable) -> None:
    harmonised = _harmonise(raw)
    frame, edits = harmonised.frame, harmonised.edits
    rows = list(raw.cells[ROW_COLUMN])

    assert len(frame) == raw.rows_in
    assert list(frame[ROW_COLUMN]) == rows
    assert list(edits.columns) == EDIT_COLUMNS
    assert set(edits["rij"]) <= set(rows)
    assert set(edits["code"]) <= {"E01", "E02", "E03", "W06", "W08"}
    assert "medewerker_id" not in frame.columns
    _assert_nothing_silently_lost(raw, harmonised)


KEPT_AS = {
    "gemeentecode_locatie": "gemeentecode_locatie_bron",
    "medewerker_id": "medewerker_pseudoniem",
}


def _assert_nothing_silently_lost(raw: RawTable, harmonised) -> None:  # type: ignore[no-untyped-def]
    """Every filled source cell, and every required field, has a value or an edit on its row."""
    frame = harmonised.frame.set_index(ROW_COLUMN)
    flagged = set(zip(harmonised.edits["rij"], harmonised.edits["veld"], strict=True))
    cells = raw.cells.set_index(ROW_COLUMN)
    for name, mapping in VENDOR.fields.items():
        if mapping.column is None:
            continue
        target = KEPT_AS.get(name, name)
        for rij, value in cells[mapping.column].items():
            has_value = not _is_missing(frame.at[rij, target])
            if value is not None or name in REQUIRED_FIELDS:
                assert has_value or (rij, name) in flagged, (rij, name, value)


def _is_missing(value: object) -> bool:
    return value is None or (not isinstance(value, list) and bool(pd.isna(value)))


def test_apply_profile_fills_the_delivery_context_and_derives_zwaarste() -> None:
    cells = pd.DataFrame([dict.fromkeys(VENDOR_COLUMNS)], dtype=object)
    cells.loc[0, ["ID", "Datum", "Gedrag", "Medewerker"]] = ["V1", "03-07-2025", "VB,FG", "M-1"]
    cells[ROW_COLUMN] = pd.Series([5], dtype="int64")
    harmonised = _harmonise(RawTable(cells, "incidenten_GM0344_2025Q3.csv"))
    row = harmonised.frame.iloc[0]

    assert harmonised.edits.empty
    assert (row["organisatiecode"], row["organisatiecode_bron"], row["beroepsgroep"]) == (
        "GM0344",
        "GM0344",
        "boa",
    )
    assert row["gedragstypen"] == ["verbaal", "fysiek_geweld"]
    assert row["zwaarste_gedragstype"] == "fysiek_geweld"
    assert row["incidentdatum"] == dt.date(2025, 7, 3)
    assert re.fullmatch(r"[0-9a-f]{64}", row["medewerker_pseudoniem"])


def test_apply_profile_flags_missing_required_values_as_e01() -> None:
    cells = pd.DataFrame([dict.fromkeys(VENDOR_COLUMNS)], dtype=object)
    cells[ROW_COLUMN] = pd.Series([7], dtype="int64")
    edits = _harmonise(RawTable(cells, "x.csv")).edits

    assert sorted(edits.loc[edits["code"] == "E01", "veld"]) == sorted(
        f for f in REQUIRED_FIELDS if f != "beroepsgroep"
    )
    assert set(edits["rij"]) == {7}


# --- issue 12: labels, synonyms, only countability rejects -----------------------------------

TEMPLATE = load_profile(PROFILE_DIR / "nationaal_sjabloon.yaml")


def _template_row(**cells: str | None) -> RawTable:
    row = dict.fromkeys(TEMPLATE.source_columns())
    row |= {"bron_incidentnummer": "T-1", "incidentdatum": "03-02-2025", "beroepsgroep": "boa",
            "gedragstypen": "verbaal"}  # fmt: skip
    row |= cells
    frame = pd.DataFrame([row], dtype=object)
    frame[ROW_COLUMN] = pd.Series([9], dtype="int64")
    return RawTable(frame, "GM0363_2025Q1.xlsx")


def _template(org: str = "GM0363", **cells: str | None):  # type: ignore[no-untyped-def]
    ctx = DeliveryContext(org, org, TEST_KEY)
    return apply_profile(_template_row(**cells), TEMPLATE, ctx, load_reference(REFERENCE_DIR))


@pytest.mark.parametrize(
    ("field", "written", "code"),
    [
        ("gedragstypen", "Fysiek geweld", ["fysiek_geweld"]),
        ("gedragstypen", "FYSIEK_GEWELD", ["fysiek_geweld"]),
        ("gedragstypen", "Verbale agressie; Bedreiging", ["verbaal", "bedreiging"]),
        ("letsel", "Geen letsel", "geen"),
        ("letsel", "  medische   BEHANDELING ", "medisch"),
        ("kanaal", "Telefoon", "telefonisch"),
        ("kanaal", "E-mail", "schriftelijk"),
        ("context", "Hulpverléning", "hulpverlening"),
        ("beroepsgroep", "Brandweer", "brandweer"),
        ("wapen", "Niet van toepassing", None),
    ],
)
def test_code_list_values_are_accepted_as_code_label_or_synonym(
    field: str, written: str, code: object
) -> None:
    harmonised = _template(**{field: written})

    assert harmonised.frame.loc[0, field] == code
    assert set(harmonised.edits["code"]) <= {"W08"}  # brandweer at a gemeente only warns


@pytest.mark.parametrize(
    ("field", "written", "loaded"),
    [
        ("kanaal", "postduif", "onbekend"),
        ("letsel", "7", "onbekend"),
        ("wapen", "misschien", "onbekend"),
        ("registratiedatum", "gisteren", None),
        ("incidenttijd", "half drie", None),
        ("gemeentecode_locatie", "GM9999", None),
        ("aantal_daders", "twee", None),
        ("verzuim_dagen", "-3", None),
    ],
)
def test_an_invalid_optional_value_keeps_the_incident_with_w06(
    field: str, written: str, loaded: object
) -> None:
    harmonised = _template(**{field: written})
    edits = harmonised.edits

    assert edits[["veld", "code", "waarde"]].values.tolist() == [[field, "W06", written]]
    value = harmonised.frame.loc[0, field]
    assert value == loaded if loaded is not None else _is_missing(value)


def test_a_gedragstypen_cell_keeps_its_valid_type_and_warns_about_the_unknown_one() -> None:
    harmonised = _template(gedragstypen="fysiek geweld, postduif")

    assert harmonised.frame.loc[0, "gedragstypen"] == ["fysiek_geweld"]
    assert harmonised.edits[["veld", "code", "waarde"]].values.tolist() == [
        ["gedragstypen", "W06", "postduif"]
    ]


def test_an_unknown_gedragstype_alone_rejects_the_incident_with_e02() -> None:
    edits = _template(gedragstypen="fysiek gewelt").edits

    assert edits[["veld", "code", "waarde"]].values.tolist() == [
        ["gedragstypen", "E02", "fysiek gewelt"]
    ]


@pytest.mark.parametrize(("org", "expected"), [("GM0363", "boa"), ("VR13", "brandweer"),
                                               ("POL", "politie")])  # fmt: skip
def test_a_blank_beroepsgroep_is_the_organisations_own(org: str, expected: str) -> None:
    harmonised = _template(org=org, beroepsgroep=None)

    assert harmonised.frame.loc[0, "beroepsgroep"] == expected
    assert harmonised.edits.empty


def test_a_beroepsgroep_contradicting_the_organisation_warns_w08_and_is_kept() -> None:
    harmonised = _template(org="VR13", beroepsgroep="boa")

    assert harmonised.frame.loc[0, "beroepsgroep"] == "boa"
    assert harmonised.edits[["veld", "code"]].values.tolist() == [["beroepsgroep", "W08"]]


def test_an_unknown_beroepsgroep_still_rejects_with_e02() -> None:
    edits = _template(beroepsgroep="brandweerr-man").edits

    assert edits["code"].tolist() == ["E02"]


def test_an_unknown_value_is_never_mapped_on_a_fuzzy_guess() -> None:
    codes, bad = map_codes(_cells("fysiek gewel", "Telefon"), FieldMap(column="c"), GEDRAGSTYPE)

    assert _listed(codes) == [None, None]
    assert bad.tolist() == [True, True]


def test_suggestions_name_the_closest_codes() -> None:
    assert CODES.suggest("gedragstype", "fysiek gewelt")[0] == "fysiek_geweld"
    assert CODES.suggest("kanaal", "Telefon")[0] == "telefonisch"


def test_tick_columns_are_found_by_meaning_ignoring_punctuation_and_parentheses() -> None:
    cells = pd.DataFrame(
        {"Agressie: verbaal/non-verbaal": ["x", None], "Bedreiging (ja/nee)": [None, "x"],
         "Fysieke agressie (lichamelijk)": ["X", "x"]}, dtype=object
    )  # fmt: skip
    lists, bad = map_ticks(cells, TICK_MAP, GEDRAGSTYPE)

    assert _listed(lists) == [["verbaal", "fysiek_geweld"], ["bedreiging", "fysiek_geweld"]]
    assert not bad.any()


def test_profile_codes_ignore_case_accents_and_punctuation_too() -> None:
    mapping = FieldMap(column="c", codes={"Brief/e-mail": "schriftelijk", "Persoonlijk": "fysiek"})
    codes, bad = map_codes(_cells("BRIEF / E-MAIL", "persöonlijk", "brief e mail"), mapping,
                           CODES.codes("kanaal"))  # fmt: skip

    assert _listed(codes) == ["schriftelijk", "fysiek", "schriftelijk"]
    assert not bad.any()
