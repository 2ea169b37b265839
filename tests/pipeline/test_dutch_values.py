"""Dutch ways of writing dates, times, numbers and lists of codes: every accepted and rejected form."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.ingest.codes import map_multi_codes
from pipeline.ingest.harmonise import ISO_FORMATS, TIME_FORMATS
from pipeline.ingest.parsing import parse_dates, parse_integers
from schemas.codelists import load_codelists
from schemas.profile import FieldMap

GEDRAGSTYPE = load_codelists().codes("gedragstype")
FEB_3 = dt.date(2025, 2, 3)


def _cells(*values: str | None) -> pd.Series:
    return pd.Series(list(values), dtype=object)


def _one_date(text: str, formats: tuple[str, ...] = ISO_FORMATS) -> tuple[object, bool]:
    dates, bad = parse_dates(_cells(text), formats, dutch=True)
    return dates.iloc[0], bool(bad.iloc[0])


# --- dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3-2-2025", FEB_3),
        ("03-02-2025", FEB_3),
        ("3/2/2025", FEB_3),
        ("03/02/2025", FEB_3),
        ("3.2.2025", FEB_3),
        ("03.02.2025", FEB_3),
        (" 3-2-2025 ", FEB_3),
        ("3 feb 2025", FEB_3),
        ("3 Feb 2025", FEB_3),
        ("3 februari 2025", FEB_3),
        ("3 FEBRUARI 2025", FEB_3),
        ("3-feb-2025", FEB_3),
        ("3 feb. 2025", FEB_3),
        ("3 mrt. 2025", dt.date(2025, 3, 3)),
        ("3 maart 2025", dt.date(2025, 3, 3)),
        ("1 mei 2025", dt.date(2025, 5, 1)),
        ("15 okt 2025", dt.date(2025, 10, 15)),
        ("15 sept 2025", dt.date(2025, 9, 15)),
        ("31 december 2025", dt.date(2025, 12, 31)),
        ("2025-02-03", FEB_3),
        ("2025-2-3", FEB_3),
        ("2025-02-03T14:35:00", FEB_3),
        ("2025-02-03 14:35:00", FEB_3),
        ("2025-02-03 14:35", FEB_3),
        ("3-2-2025 14:35", FEB_3),
        ("03-02-2025 14.35.10", FEB_3),
        ("45691", FEB_3),  # Excel serial: 1899-12-30 + 45691 days
        ("45691.6041", FEB_3),  # a serial datetime: the date part
        ("45691,5", FEB_3),
        ("30000", dt.date(1982, 2, 18)),
        ("80000", dt.date(2119, 1, 11)),
        ("29-02-2024", dt.date(2024, 2, 29)),
        ("31-12-9999", dt.date(9999, 12, 31)),  # beyond pandas' range: still read, then validated
    ],
)
def test_parse_dates_reads_dutch_text(text: str, expected: dt.date) -> None:
    assert _one_date(text) == (expected, False)


@pytest.mark.parametrize(
    "text",
    [
        "31-02-2025",
        "29-02-2025",
        "2025-13-01",
        "32-01-2025",
        "3-13-2025",
        "31 februari 2025",
        "3 foo 2025",
        "3 february 2025",  # English is not Dutch
        "gisteren",
        "3-2-25",  # two-digit year: which century?
        "3-2/2025",  # mixed separators
        "2025/02/03",
        "29999",  # below the Excel serial range
        "80001",
        "4569",
        "-45691",
        "45691x",
        "3-2-2025 25:00",
        "3-2-2025 14:61",
        "03022025",
        "",
        "  ",
    ],
)
def test_parse_dates_flags_what_is_not_a_dutch_date(text: str) -> None:
    assert _one_date(text) == (None, True)


def test_parse_dates_tries_the_profile_format_before_dutch_day_first() -> None:
    dates, bad = parse_dates(_cells("02/03/2025", "13/03/2025"), (*ISO_FORMATS, "%m/%d/%Y"))
    dutch, dutch_bad = parse_dates(
        _cells("02/03/2025", "13/03/2025"), (*ISO_FORMATS, "%m/%d/%Y"), dutch=True
    )

    assert list(dates) == [FEB_3, None] and bad.tolist() == [False, True]
    assert list(dutch) == [FEB_3, dt.date(2025, 3, 13)] and not dutch_bad.any()


def test_parse_dates_reads_dutch_text_only_when_asked() -> None:
    _, bad = parse_dates(_cells("3-2-2025", "3 feb 2025", "45691"), ISO_FORMATS)

    assert bad.all()


def test_parse_dates_keeps_the_index_and_empty_cells() -> None:
    cells = pd.Series([None, "3 feb 2025", "gisteren"], index=[10, 7, 3], dtype=object)
    dates, bad = parse_dates(cells, ISO_FORMATS, dutch=True)

    assert dates.index.equals(cells.index)
    assert list(dates) == [None, FEB_3, None]
    assert bad.tolist() == [False, False, True]


# --- times ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14:35", dt.time(14, 35)),
        ("14.35", dt.time(14, 35)),
        ("14:35:10", dt.time(14, 35, 10)),
        ("14.35.10", dt.time(14, 35, 10)),
        ("7.05", dt.time(7, 5)),
        ("07:05", dt.time(7, 5)),
        ("14.35 uur", dt.time(14, 35)),
        ("14:35uur", dt.time(14, 35)),
        ("00:00", dt.time(0, 0)),
        ("23:59:59", dt.time(23, 59, 59)),
    ],
)
def test_parse_times_reads_dutch_text(text: str, expected: dt.time) -> None:
    times, bad = parse_dates(_cells(text), TIME_FORMATS, times=True, dutch=True)

    assert (times.iloc[0], bad.iloc[0]) == (expected, False)


@pytest.mark.parametrize(
    "text",
    ["1435", "25:00", "24:00", "14:60", "14,35", "14.3", "14.35.61", "half drie", "14u35", "2.5"],
)
def test_parse_times_flags_what_is_not_a_time(text: str) -> None:
    times, bad = parse_dates(_cells(text), TIME_FORMATS, times=True, dutch=True)

    assert (times.iloc[0], bad.iloc[0]) == (None, True)


# --- integers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2", 2),
        (" 2 ", 2),
        ("2,0", 2),
        ("2.0", 2),
        ("2,00", 2),
        (" 2,0 ", 2),
        ("+3", 3),
        ("0", 0),
        ("400", 400),
        ("2147483647", 2**31 - 1),
    ],
)
def test_parse_integers_reads_whole_numbers_in_dutch_notation(text: str, expected: int) -> None:
    numbers, bad = parse_integers(_cells(text), 0)

    assert (numbers.iloc[0], bad.iloc[0]) == (expected, False)


@pytest.mark.parametrize(
    "text",
    [
        "2,5",
        "2.5",
        "twee",
        "-1",
        "-3,0",
        "1.000",  # a thousand, or one?
        "1,000",
        "12.345.678",
        "2 ,0",
        "2,",
        ",5",
        "2147483648",
        "99999999999999999999",
        "1e300",
        "nan",
        "inf",
        "",
    ],
)
def test_parse_integers_flags_what_is_not_a_whole_number(text: str) -> None:
    numbers, bad = parse_integers(_cells(text), 0)

    assert (numbers.isna().iloc[0], bad.iloc[0]) == (True, True)


# --- several codes in one cell --------------------------------------------------------------

NO_SPLIT = FieldMap(column="Gedrag", codes={"VB": "verbaal", "schelden en tieren": "verbaal"})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("verbaal,bedreiging", ["verbaal", "bedreiging"]),
        ("verbaal ; bedreiging", ["verbaal", "bedreiging"]),
        ("verbaal/bedreiging", ["verbaal", "bedreiging"]),
        ("verbaal | bedreiging", ["verbaal", "bedreiging"]),
        ("verbaal en bedreiging", ["verbaal", "bedreiging"]),
        ("VB EN doxing", ["verbaal", "doxing"]),
        ("VB, bedreiging en doxing", ["verbaal", "bedreiging", "doxing"]),
        ("schelden en tieren", ["verbaal"]),  # a whole-cell profile code is not split
        ("Schelden  en Tieren", ["verbaal"]),
        ("doxing;", ["doxing"]),
    ],
)
def test_map_multi_codes_splits_on_the_default_separators(text: str, expected: list[str]) -> None:
    lists, bad = map_multi_codes(_cells(text), NO_SPLIT, GEDRAGSTYPE)

    assert (lists.iloc[0], bad.iloc[0]) == (expected, False)


@pytest.mark.parametrize("text", ["venster", "verbaalen bedreiging", "verbaal + bedreiging"])
def test_map_multi_codes_default_split_still_flags_unknown_codes(text: str) -> None:
    _, bad = map_multi_codes(_cells(text), NO_SPLIT, GEDRAGSTYPE)

    assert bad.tolist() == [True]


def test_map_multi_codes_keeps_the_profiles_own_separator() -> None:
    mapping = FieldMap(column="Gedrag", split=",")
    lists, bad = map_multi_codes(
        _cells("verbaal,doxing", "verbaal en doxing", "verbaal;doxing"), mapping, GEDRAGSTYPE
    )

    assert lists.iloc[0] == ["verbaal", "doxing"]
    assert bad.tolist() == [False, True, True]


# --- properties: one value or one flag per cell, never a crash ------------------------------

DUTCH_TEXT = st.sampled_from(
    ["3-2-2025", "31-02-2025", "3 feb 2025", "3 mrt. 2025", "45691", "14.35", "2,0", "2,5", "1.000"]
)
CELLS = st.lists(st.none() | st.text(max_size=20) | DUTCH_TEXT, max_size=12)
PROPERTY = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _series(values: list[str | None]) -> pd.Series:
    return pd.Series(values, index=range(50, 50 + 2 * len(values), 2), dtype=object)


def _one_value_or_one_flag(cells: pd.Series, result: pd.Series, bad: pd.Series) -> None:
    assert result.index.equals(cells.index) and bad.index.equals(cells.index)
    filled = cells.notna()
    assert (result.notna() ^ bad)[filled].all()
    assert not (result.notna() | bad)[~filled].any()


@PROPERTY
@given(CELLS, st.booleans())
def test_parse_dates_with_dutch_text_is_total(values: list[str | None], times: bool) -> None:
    cells = _series(values)
    formats = TIME_FORMATS if times else (*ISO_FORMATS, "%d-%m-%Y")
    result, bad = parse_dates(cells, formats, times=times, dutch=True)

    _one_value_or_one_flag(cells, result, bad)
    kind = dt.time if times else dt.date
    assert all(isinstance(v, kind) for v in result.dropna())


@PROPERTY
@given(CELLS, st.sampled_from([0, 1]))
def test_parse_integers_with_dutch_notation_is_total(
    values: list[str | None], minimum: int
) -> None:
    cells = _series(values)
    numbers, bad = parse_integers(cells, minimum)

    _one_value_or_one_flag(cells, numbers, bad)
    assert all(minimum <= int(n) <= 2**31 - 1 for n in numbers.dropna())


@PROPERTY
@given(st.dates(dt.date(1900, 1, 1), dt.date(2200, 12, 31)), st.sampled_from(["-", "/", "."]))
def test_parse_dates_reads_every_real_date_day_first(day: dt.date, sep: str) -> None:
    text = f"{day.day}{sep}{day.month}{sep}{day.year}"
    dates, bad = parse_dates(_cells(text), ISO_FORMATS, dutch=True)

    assert (dates.iloc[0], bad.iloc[0]) == (day, False)


def test_yes_no_variants_are_read_only_when_the_profile_names_them() -> None:
    from pipeline.ingest.codes import map_codes
    from schemas.codelists import load_codelists
    from schemas.profile import FieldMap

    allowed = load_codelists().codes("janee")
    values = pd.Series(["J", "n", "x", "Waar", "onwaar", "1", "0", "✓", "ja", "misschien", None])
    lenient, bad = map_codes(values, FieldMap(column="c", yes_no_variants=True), allowed)
    assert lenient.tolist() == ["ja", "nee", "ja", "ja", "nee", "ja", "nee", "ja", "ja", None, None]
    assert bad.tolist() == [False] * 9 + [True, False]

    strict, strict_bad = map_codes(values, FieldMap(column="c"), allowed)
    assert strict.tolist()[8] == "ja"
    assert strict_bad.tolist() == [True] * 8 + [False, True, False]


def test_yes_no_variants_are_refused_on_a_field_that_is_not_ja_nee() -> None:
    from pydantic import ValidationError

    from schemas.profile import MappingProfile

    base = {"id": "p", "version": 1, "title": "t", "file_pattern": "x", "reader": {"kind": "csv"},
            "fields": {"bron_incidentnummer": {"column": "a"}, "incidentdatum": {"column": "b"},
                       "gedragstypen": {"column": "c"}, "beroepsgroep": {"constant": "boa"},
                       "kanaal": {"column": "d", "yes_no_variants": True}}}  # fmt: skip
    with pytest.raises(ValidationError, match="yes_no_variants"):
        MappingProfile.model_validate(base)


def _spellings() -> list[tuple[str, str, str]]:
    """(field, national code, a source spelling of it: the code, its label or a synonym)."""
    from schemas.codelists import FIELD_CODELIST, load_codelists

    lists = load_codelists().lists
    return [(field, code.code, spelling) for field, name in sorted(FIELD_CODELIST.items())
            for code in lists[name] for spelling in (code.code, code.label, *code.synonyms)]  # fmt: skip


@given(st.sampled_from(_spellings()), st.sampled_from(["lower", "upper", "title", "padded"]))
def test_a_code_survives_its_source_spelling(case: tuple[str, str, str], style: str) -> None:
    """Round trip: national code → how a source writes it (label, synonym; any case, padded)
    → harmonised → the same national code."""
    from pipeline.ingest.codes import map_codes
    from schemas.codelists import load_codelists
    from schemas.profile import FieldMap

    field, code, spelling = case
    written = {"lower": spelling.lower(), "upper": spelling.upper(), "title": spelling.title(),
               "padded": f"  {spelling} "}[style]  # fmt: skip
    allowed = load_codelists().for_field(field)
    codes, bad = map_codes(pd.Series([written]), FieldMap(column="c"), allowed)
    assert (codes.iloc[0], bool(bad.iloc[0])) == (code, False), (field, written)
