"""The bounds of a zipped workbook hold wherever calamine places a cell (connectors/workbook_bounds).

calamine places a cell at its reference, or, without one, right of the cell before it in a row
placed at its own reference or one below the row before; tags may carry a namespace prefix.
The extent the checks compute must never be smaller than the sheet calamine builds, and equal to
it for the regular sheets every spreadsheet program writes.
"""

from __future__ import annotations

import os
import re
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from connectors.workbook_bounds import above, check_workbook_zip
from schemas.errors import DeliveryError
from tests.hostile.generators import SHEET_END, SHEET_START, _workbook

SHEET = "xl/worksheets/sheet1.xml"


def workbook(tmp_path: Path, body: bytes, prefix: bytes = b"") -> Path:
    """An xlsx whose one sheet holds `body` (its rows), with tags in `prefix` when given."""
    if prefix:
        start = SHEET_START.replace(b"<worksheet xmlns=", b"<x:worksheet xmlns:x=").replace(
            b"<sheetData>", b"<x:sheetData>")  # fmt: skip
        sheet = start + body + b"</x:sheetData></x:worksheet>"
    else:
        sheet = SHEET_START + body + SHEET_END
    path = tmp_path / "GM0014_2025Q1.xlsx"
    return _workbook(path, lambda archive: archive.writestr(SHEET, sheet))


def letters(column: int) -> str:
    """An Excel column by its number: 1 → A, 28 → AB."""
    text = ""
    while column:
        column, rest = divmod(column - 1, 26)
        text = chr(65 + rest) + text
    return text


def calamine_extent(path: Path) -> tuple[int, int]:
    """(rows, columns) of the sheet calamine builds, counted from A1."""
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python(
        skip_empty_area=False)  # fmt: skip
    return len(rows), max((len(r) for r in rows), default=0)


def test_a_regular_sheet_is_bounded_exactly(tmp_path: Path) -> None:
    body = b"".join(b'<row r="%d">' % r + b"".join(
        b'<c r="%s%d"><v>1</v></c>' % (col.encode(), r) for col in ("A", "B", "AB")) + b"</row>"
        for r in range(1, 41))  # fmt: skip
    extent = check_workbook_zip(workbook(tmp_path, body))[SHEET]
    assert (extent.reach, extent.columns, extent.cells) == (40, 28, 120)
    assert calamine_extent(workbook(tmp_path, body)) == (40, 28)


@pytest.mark.parametrize(
    ("body", "prefix", "expected"),
    [
        (b"<row><c><v>1</v></c><c><v>2</v></c><c><v>3</v></c></row><row><c><v>4</v></c></row>",
         b"", (2, 3)),
        (b'<row r="3"><c><v>1</v></c><c><v>2</v></c></row><row r="5"><c><v>4</v></c></row>',
         b"", (5, 2)),
        (b'<row><c r="B4"><v>1</v></c></row><row><c><v>4</v></c></row>', b"", (4, 2)),
        (b'<row r="2"><c r="C2"><v>1</v></c><c><v>9</v></c></row><row><c><v>4</v></c></row>',
         b"", (3, 4)),
        (b'<row r="1"><c r="A1"><v>1</v></c><c/><c/><c><v>3</v></c></row>', b"", (1, 4)),
        (b'<row r="1"><c s="0" r="B1"><v>1</v></c><c\n r="C2"><v>2</v></c></row>', b"", (2, 3)),
        (b'<x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c><x:c r="E3"><x:v>2</x:v></x:c></x:row>',
         b"x", (3, 5)),
    ],
    ids=["no-references", "rows-only", "cell-below-row", "mixed", "empty-cells", "attributes",
         "prefix"],
)  # fmt: skip
def test_calamines_placements_are_followed(
    tmp_path: Path, body: bytes, prefix: bytes, expected: tuple[int, int]
) -> None:
    path = workbook(tmp_path, body, prefix)
    extent = check_workbook_zip(path)[SHEET]
    assert (extent.reach, extent.columns) == expected
    assert calamine_extent(path) == expected  # what calamine itself builds


CELL = st.tuples(st.booleans(), st.integers(1, 40), st.integers(1, 30), st.booleans())
ROW = st.tuples(st.booleans(), st.integers(1, 30), st.lists(CELL, max_size=5))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ROW, min_size=1, max_size=12), st.booleans())
def test_the_bound_is_never_below_what_calamine_builds(
    rows: list[tuple[bool, int, list[tuple[bool, int, int, bool]]]], prefixed: bool
) -> None:
    """Rows and cells with or without a reference, in any order, with or without a prefix."""
    x = b"x:" if prefixed else b""
    body = b""
    for numbered, number, cells in rows:
        body += b"<%srow%s>" % (x, b' r="%d"' % number if numbered else b"")
        for referenced, row, column, empty in cells:
            reference = b' r="%s%d"' % (letters(column).encode(), row)
            attributes = reference if referenced else b""
            body += (b"<%sc%s/>" % (x, attributes) if empty
                     else b"<%sc%s><%sv>1</%sv></%sc>" % (x, attributes, x, x, x))  # fmt: skip
        body += b"</%srow>" % x
    with tempfile.TemporaryDirectory() as folder:
        path = workbook(Path(folder), body, b"x" if prefixed else b"")
        extent = check_workbook_zip(path).get(SHEET)
        height, width = calamine_extent(path)
    assert extent is not None or (height, width) == (0, 0)
    if extent is not None:
        assert extent.reach >= height and extent.columns >= width


def test_a_reference_that_is_none_is_refused(tmp_path: Path) -> None:
    path = workbook(tmp_path, b'<row r="1"><c r="A01"><v>1</v></c><c r="1A"><v>1</v></c></row>')
    with pytest.raises(DeliveryError) as refused:
        check_workbook_zip(path)
    assert refused.value.code == "S01" and "ongeldige verwijzing" in refused.value.message


def test_a_cell_tag_longer_than_a_chunk_is_refused(tmp_path: Path) -> None:
    padding = b' x="' + os.urandom(3 << 19).hex().encode() + b'"'  # 3 MB that do not compress
    path = workbook(tmp_path, b'<row r="1"><c r="A1"' + padding + b"><v>1</v></c></row>")
    with pytest.raises(DeliveryError, match="te lange XML-tag"):
        check_workbook_zip(path)


@given(st.integers(0, 10**9))
def test_above_matches_exactly_the_greater_numbers(number: int) -> None:
    pattern = re.compile(above(number))
    for candidate in {0, 1, number - 1, number, number + 1, number * 10, 10 ** len(str(number))}:
        if candidate >= 0:
            assert bool(pattern.fullmatch(str(candidate))) == (candidate > number), candidate


ODS_START = (
    b'<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:'
    b'names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:'
    b'xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    b'office:version="1.2"><office:body><office:spreadsheet>'
)
ODS_END = b"</office:spreadsheet></office:body></office:document-content>"
MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:'
    'tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:'
    'full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)
VALUE = b'<table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell>'


def ods(path: Path, tables: bytes) -> Path:
    """An OpenDocument spreadsheet whose content holds `tables`."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", MANIFEST, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", ODS_START + tables + ODS_END, zipfile.ZIP_DEFLATED)
    return path


def row(cells: bytes, repeated: int = 1) -> bytes:
    times = b' table:number-rows-repeated="%d"' % repeated if repeated > 1 else b""
    return b"<table:table-row%s>%s</table:table-row>" % (times, cells)


def cells(count: int, value: bool = True) -> bytes:
    if value:
        return (b'<table:table-cell table:number-columns-repeated="%d" office:value-type="float" '
                b'office:value="2"><text:p>2</text:p></table:table-cell>' % count)  # fmt: skip
    return b'<table:table-cell table:number-columns-repeated="%d"/>' % count


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (row(VALUE + VALUE) + row(cells(1024, value=False), 1048570), (1, 2)),  # LibreOffice's tail
        (row(VALUE + cells(5)), (1, 6)),
        (row(VALUE, 4) + row(VALUE), (5, 1)),
        (row(cells(7, value=False) + VALUE, 3) + row(VALUE), (4, 8)),
        (row(VALUE + b'<table:covered-table-cell table:number-columns-repeated="3"/>' + VALUE),
         (1, 5)),
    ],
    ids=["empty-tail", "repeated-cells", "repeated-row", "empty-then-value", "covered"],
)  # fmt: skip
def test_opendocument_repeats_are_counted_as_calamine_counts_them(
    tmp_path: Path, rows: bytes, expected: tuple[int, int]
) -> None:
    path = ods(tmp_path / "GM0014_2025Q1.ods", b'<table:table table:name="Blad1">' + rows
               + b"</table:table>")  # fmt: skip
    extent = check_workbook_zip(path)["content.xml"]
    assert (extent.rows, extent.columns) == expected
    assert calamine_extent(path) == expected


def test_a_repeated_opendocument_area_is_refused_naming_its_sheet(tmp_path: Path) -> None:
    """Two sheets: the first one's area (100,000 rows × 1,000 columns) is refused, though the
    second sheet is small."""
    first = row(VALUE, 100_000) + row(cells(999) + VALUE)
    second = row(VALUE)
    path = ods(tmp_path / "GM0014_2025Q1.ods", b'<table:table table:name="Groot">' + first +
               b'</table:table><table:table table:name="Klein">' + second + b"</table:table>")  # fmt: skip
    with pytest.raises(DeliveryError) as refused:
        check_workbook_zip(path)
    assert "werkblad Groot" in refused.value.message and "te veel" in refused.value.message
