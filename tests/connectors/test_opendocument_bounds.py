"""OpenDocument spreadsheets are bounded as calamine's ods reader reads them (sheet_walk).

A row or cell counts as often as it is repeated, in any spelling of the attribute; a cell with a
value type, a formula or content reaches the area; what a cell holds is its text, never a table;
all sheets count together (calamine holds them at once).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from connectors.workbook_bounds import check_workbook_zip
from schemas.errors import DeliveryError
from tests.connectors.test_workbook_bounds import calamine_extent, named, workbook

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
    extent = named(check_workbook_zip(path), "Blad1")
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


ODS_BYPASSES = {
    "single-quotes": b"<table:table-row table:number-rows-repeated='150000'>",
    "spaces": b'<table:table-row table:number-rows-repeated = "150000">',
    "gt-first": b'<table:table-row x=">" table:number-rows-repeated="150000">',
    "decoy-first": b'<table:table-row x:number-rows-repeated="1" table:number-rows-repeated="150000">',
}  # fmt: skip


@pytest.mark.parametrize("start", ODS_BYPASSES.values(), ids=ODS_BYPASSES.keys())
def test_opendocument_repeats_in_any_spelling_are_counted(tmp_path: Path, start: bytes) -> None:
    rows = start + cells(30) + b"</table:table-row>"
    path = ods(tmp_path / "GM0014_2025Q1.ods",
               b'<table:table table:name="Blad1">' + rows + b"</table:table>")  # fmt: skip
    with pytest.raises(DeliveryError, match="te veel"):
        check_workbook_zip(path)


def test_opendocument_formulas_and_all_sheets_together_are_counted(tmp_path: Path) -> None:
    formulas = row(b'<table:table-cell table:formula="of:=1" table:number-columns-repeated="100"/>',
                   1_000_000)  # fmt: skip
    path = ods(tmp_path / "a.ods", b'<table:table table:name="F">' + formulas + b"</table:table>")
    with pytest.raises(DeliveryError, match="te veel"):
        check_workbook_zip(path)
    one = b'<table:table table:name="%d">' + row(cells(50), 60_000) + b"</table:table>"
    path = ods(tmp_path / "b.ods", b"".join(one % i for i in range(2)))
    with pytest.raises(DeliveryError, match="samen hebben te veel cellen"):
        check_workbook_zip(path)


def test_opendocument_cell_content_is_no_table_and_its_spaces_count(tmp_path: Path) -> None:
    nested = (b'<table:table-cell table:number-columns-repeated="900" office:value-type="float" '
              b'office:value="1"><text:p>1</text:p><table:table table:name="z"/></table:table-cell>')  # fmt: skip
    rows = row(nested * 18) + row(VALUE) * 400
    path = ods(tmp_path / "a.ods", b'<table:table table:name="B">' + rows + b"</table:table>")
    with pytest.raises(DeliveryError, match="in een cel"):  # since a fourth review, at once
        check_workbook_zip(path)
    spaces = (b'<table:table-cell office:value-type="string"><text:p>a<text:s text:c="15000000"/>'
              b"</text:p></table:table-cell>")  # fmt: skip
    path = ods(
        tmp_path / "b.ods", b'<table:table table:name="B">' + row(spaces) + b"</table:table>"
    )
    with pytest.raises(DeliveryError, match="spaties"):
        check_workbook_zip(path)


def test_a_number_in_other_digits_is_an_s01(tmp_path: Path) -> None:
    """`str.isdigit` takes '²', which `int` refuses: it must end as an S01, not a ValueError."""
    with pytest.raises(DeliveryError):
        check_workbook_zip(workbook(tmp_path, '<row r="²"><c><v>1</v></c></row>'.encode()))
    path = ods(tmp_path / "a.ods", '<table:table table:name="B"><table:table-row table:number-'
               'rows-repeated="³"/></table:table>'.encode())  # fmt: skip
    with pytest.raises(DeliveryError):
        check_workbook_zip(path)
