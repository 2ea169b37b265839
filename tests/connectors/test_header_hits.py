"""Recognising a header row: the length shortcut never changes how well a row names headers."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process

from connectors.base import (
    FUZZY_HEADER,
    HEADER_SCAN_ROWS,
    find_header,
    header_hits,
    most_hits,
    normalise_header,
)
from connectors.spreadsheet import combine_header_rows, locate_header

EXPECTED = ("Incidentnummer", "Datum incident", "Gemeente", "Gedrag", "Letsel", "Kanaal")


def reference_hits(row: list[str | None], expected: tuple[str, ...]) -> int:
    """header_hits as first written: every cell compared, no shortcut."""

    def loose(text: str) -> str:
        return " ".join(w for w in re.sub(r"[^\w]+", " ", text).split() if len(w) > 1)

    wanted = {normalise_header(c) for c in expected}
    cells = {normalise_header(c) for c in row if c} - {""}
    exact = wanted & cells
    folded = {loose(c) for c in wanted}
    near = sum(
        1 for cell in cells - exact
        if len(loose(cell)) > 3 and (loose(cell) in folded or process.extractOne(
            loose(cell), folded, scorer=fuzz.token_sort_ratio, score_cutoff=FUZZY_HEADER))
    )  # fmt: skip
    return 2 * len(exact) + near


# near spellings of the expected headers, grown with letters, punctuation and one-letter words
near = st.builds(
    lambda base, extra, sep: f"{base}{sep}{extra}",
    st.sampled_from([*EXPECTED, "Incident-nr.", "Datum v. incident", "gemeente code"]),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz .-", max_size=12),
    st.sampled_from(["", " ", ". ", "-", " x "]),
)
cells = st.one_of(near, st.text(max_size=60), st.none())


@settings(max_examples=300, deadline=None)
@given(st.lists(cells, max_size=8))
def test_header_hits_equals_comparing_every_cell(row: list[str | None]) -> None:
    assert header_hits(row, EXPECTED) == reference_hits(row, EXPECTED)


def test_a_long_text_cell_is_no_header_but_a_near_spelling_is() -> None:
    long_text = "Na een bekeuring reageerde de betrokkene zeer geirriteerd en dreigend"
    assert header_hits([long_text], EXPECTED) == 0
    assert header_hits(["Datum v. incident", "Incidentnummer"], EXPECTED) == 1 + 2


def test_short_cells_are_remembered_long_ones_are_not() -> None:
    """The same values come back in every file's first rows; a long text is never kept."""
    from connectors import base

    base._near_remembered.cache_clear()
    row = ["Datum v. incident", "Ja", "x" * 5_000]
    first = header_hits(row, EXPECTED)
    assert header_hits(row, EXPECTED) == first == reference_hits(row, EXPECTED)
    info = base._near_remembered.cache_info()
    assert (info.hits, info.misses) == (2, 2)  # the two short cells, the second time from memory


def reference_header(rows: list[list[str | None]], expected: tuple[str, ...]) -> tuple | None:
    """The header as the rule says, every row and pair of rows compared: the most hits among the
    first rows, one row or two (two only when they name more than either alone); a tie keeps the
    earlier, and the single row."""
    scan = rows[: HEADER_SCAN_ROWS + 1]
    single = [reference_hits(row, expected) for row in scan]
    best = None
    for i, row in enumerate(scan[:HEADER_SCAN_ROWS]):
        candidates = [(row, i + 1, single[i])]
        if i + 1 < len(scan):
            names = combine_header_rows(row, scan[i + 1])
            hits = reference_hits(names, expected)
            if hits > max(single[i], single[i + 1]):
                candidates.append((names, i + 2, hits))
        for candidate in candidates:
            if candidate[2] > (best[2] if best else 0):
                best = candidate
    return best


header_rows = st.lists(st.lists(cells, max_size=8), max_size=34)


@settings(max_examples=300, deadline=None)
@given(header_rows)
def test_the_header_found_is_the_one_every_row_compared_finds(rows: list) -> None:
    """Rows that cannot beat the best so far are skipped (`most_hits`): the header stays the
    same, in a sheet (one row or two) and in a delimited file (one row). (Imported above, not
    here: a first import inside a hypothesis test may touch the `random` module's state.)"""
    found = locate_header(rows, EXPECTED)
    expected = reference_header(rows, EXPECTED)
    assert (found and (found.names, found.data_from, found.hits)) == expected
    single = [reference_hits(row, EXPECTED) for row in rows[:30]]
    best = max(single, default=0)
    assert find_header(rows, EXPECTED) == (single.index(best) if best else None)


def test_the_data_rows_under_a_well_named_header_are_not_compared(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import connectors.spreadsheet as spreadsheet

    header: list[str | None] = list(EXPECTED)
    data: list[list[str | None]] = [["INC-1", "2025-01-02", "Utrecht", "Schelden", "Geen",
                                     "Fysiek"]] * 20  # fmt: skip
    assert most_hits(data[0], EXPECTED) == 12 == 2 * len(EXPECTED)  # no more than the header's
    compared: list[list[str | None]] = []
    real = spreadsheet.header_hits

    def counting(row: list[str | None], expected: tuple[str, ...]) -> int:
        compared.append(row)
        return real(row, expected)

    monkeypatch.setattr(spreadsheet, "header_hits", counting)
    found = spreadsheet.locate_header([header, *data], EXPECTED)
    assert found is not None and found.data_from == 1 and found.hits == 12
    assert compared == [header]
