"""Recognising a header row: the length shortcut never changes how well a row names headers."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process

from connectors.base import FUZZY_HEADER, header_hits, normalise_header

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
