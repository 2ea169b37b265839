"""Cells as text: the row shortcut gives what `cell_text` gives cell by cell; blank rows go."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from connectors.base import _known_text, cell_text, drop_blank_rows, forget_known_cells, row_text

CELLS = st.one_of(
    st.none(),
    st.text(alphabet=" \t\n\r\xa0ab1", max_size=4),
    st.booleans(),
    st.integers(-5, 5),
    st.floats(allow_infinity=False),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.timedeltas(dt.timedelta(0), dt.timedelta(days=1)),
)


class Text(str):
    """A str subclass (some readers hand these out): it takes the general path."""


@given(st.lists(st.one_of(CELLS, st.builds(Text, st.text(max_size=3))), max_size=8))
def test_row_text_is_cell_text_of_every_cell(row: list[Any]) -> None:
    assert row_text(row) == [cell_text(v) for v in row]


def test_equal_values_of_another_type_keep_their_own_text() -> None:
    """Dates and numbers are remembered by value and type: True, 1 and 1.0 are equal in Python."""
    row = [True, 1, 1.0, False, 0, 0.0, dt.date(2025, 1, 1), dt.datetime(2025, 1, 1, 0, 0, 1)]
    expected = ["true", "1", "1", "false", "0", "0", "2025-01-01", "2025-01-01T00:00:01"]
    assert row_text(row) == expected
    assert row_text(list(reversed(row))) == list(reversed(expected))


def test_remembered_cells_are_let_go() -> None:
    row_text([123456.0, dt.date(2025, 1, 1)])  # an employee number, as a number cell
    assert _known_text.cache_info().currsize >= 2
    forget_known_cells()
    assert _known_text.cache_info().currsize == 0


def test_rows_with_only_empty_cells_are_dropped_with_their_numbers() -> None:
    rows = [row_text(r) for r in (["", "  ", None], ["a", None, ""], [None, None, None], [0.0])]
    assert drop_blank_rows(rows, [5, 6, 7, 8]) == ([["a", None, None], ["0"]], [6, 8])


@given(st.lists(st.lists(st.one_of(st.none(), st.sampled_from(["", "a", "0"])), max_size=3),
                max_size=6))  # fmt: skip
def test_dropping_blank_rows_keeps_exactly_the_rows_with_a_value(rows: list[list[Any]]) -> None:
    """Whether or not any row is blank (a file without blank rows takes a shortcut)."""
    numbers = list(range(10, 10 + len(rows)))
    kept = [(r, n) for r, n in zip(rows, numbers, strict=True) if any(r)]
    assert drop_blank_rows(rows, numbers) == ([r for r, _ in kept], [n for _, n in kept])


def test_a_huge_whole_number_is_written_as_a_float_not_in_digits() -> None:
    """A seventh review: `12345e304` (9 bytes of XML) was written as its 309 digits, so 5,000,000
    such cells held 1.5 billion characters that no bound counted. Up to 16 digits a whole number
    is written as one (an incident number, an employee number); beyond, as Python writes a
    float."""
    assert cell_text(12345e304) == "1.2345e+308"
    assert cell_text(1e16) == "1e+16"
    assert cell_text(9_999_999_999_999_998.0) == "9999999999999998"
    assert cell_text(1_234_567_890_123_456.0) == "1234567890123456"
    assert cell_text(-42.0) == "-42"
    assert max(len(cell_text(v) or "") for v in (1e300, -1.7976931348623157e308, 2.0**60)) <= 24
