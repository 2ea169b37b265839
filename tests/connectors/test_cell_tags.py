"""The fast path of the sheet scan (connectors/cell_tags): it answers for plain cell tags only,
and every other way of writing a reference is left to the regular expressions and the walk."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from connectors.cell_tags import CellTags, plain_cell_tags
from tests.connectors.test_workbook_bounds import letters


def test_plain_tags_are_counted_with_their_largest_row_and_column() -> None:
    text = (b'<row r="7" spans="1:3"><c r="A7" s="1"><v>1</v></c><c r="AB7" t="s"/></row>'
            b'<row r="12"><c r="XFD12" xr:uid="x" spanr="2"><v>2</v></c></row>')  # fmt: skip
    assert plain_cell_tags(text, row_tags=2) == CellTags(count=3, row=12, column=16384)


def test_a_piece_without_cells_has_none() -> None:
    assert plain_cell_tags(b'<row r="3"></row><cols><col min="1"/></cols>', 1) == CellTags(0, 0, 0)


NOT_PLAIN = {
    "two-references": b'<c r="A1" r="B1"/>',
    "no-space-before-the-second": b'<c r="A1"r="B1"/>',
    "a-tab-before-the-second": b'<c r="A1"\tr="B1"/>',
    "reference-not-first": b'<c s="1" r="A1"/>',
    "single-quotes": b"<c r='A1'/>",
    "spaces-around-is": b'<c r = "A1"/>',
    "lower-case": b'<c r="a1"/>',
    "leading-zero": b'<c r="A01"/>',
    "four-letters": b'<c r="ABCD1"/>',
    "eight-digits": b'<c r="A12345678"/>',
    "no-row": b'<c r="A"/>',
    "no-reference": b"<c><v>1</v></c>",
    "newline-after-the-name": b'<c\nr="A1"/>',
    "an-r-in-a-text": b'<c r="A1" t="inlineStr"><is><t>r = 1</t></is></c>',
}  # fmt: skip


@pytest.mark.parametrize("cell", NOT_PLAIN.values(), ids=NOT_PLAIN.keys())
def test_anything_but_a_plain_reference_gets_no_answer(cell: bytes) -> None:
    assert plain_cell_tags(b'<row r="1">' + cell + b"</row>", row_tags=1) is None


def test_a_row_reference_the_caller_did_not_count_gets_no_answer() -> None:
    assert plain_cell_tags(b'<row r="1"><c r="A1"/></row>', row_tags=0) is None


@given(st.lists(st.tuples(st.integers(1, 9_999_999), st.integers(1, 18_278)), min_size=1))
def test_the_largest_row_and_column_are_read_from_any_references(
    cells: list[tuple[int, int]],
) -> None:
    text = b"".join(b'<c r="%s%d"><v>1</v></c>' % (letters(c).encode(), r) for r, c in cells)
    found = plain_cell_tags(text, row_tags=0)
    assert found == CellTags(len(cells), max(r for r, _ in cells), max(c for _, c in cells))
