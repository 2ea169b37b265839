"""The bounds of a zipped workbook hold wherever calamine places a cell (connectors/workbook_bounds).

calamine places a cell at its reference, or, without one, right of the cell before it in a row
placed at its own reference or one below the row before; tags may carry a namespace prefix.
The extent the checks compute must never be smaller than the sheet calamine builds, and equal to
it for the regular sheets every spreadsheet program writes.
"""

from __future__ import annotations

import io
import os
import re
import struct
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from connectors.sheet_walk import SheetExtent
from connectors.workbook_bounds import above, check_workbook_zip
from schemas.errors import DeliveryError
from tests.hostile.generators import (
    ROOT_RELS,
    SHEET_END,
    SHEET_START,
    WORKBOOK,
    WORKBOOK_RELS,
    _workbook,
)

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


def named(extents: list[SheetExtent], name: str = "sheet1") -> SheetExtent:
    """The extent of one sheet among those the check bounded."""
    return next(extent for extent in extents if extent.name == name)


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
    extent = named(check_workbook_zip(workbook(tmp_path, body)))
    assert (extent.rows, extent.columns, extent.cells) == (40, 28, 120)
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
    extent = named(check_workbook_zip(path))
    assert (extent.rows, extent.columns) == expected
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
        extent = named(check_workbook_zip(path))
        height, width = calamine_extent(path)
    assert extent.rows >= height and extent.columns >= width


def test_a_reference_that_is_none_is_refused(tmp_path: Path) -> None:
    path = workbook(tmp_path, b'<row r="1"><c r="A01"><v>1</v></c><c r="1A"><v>1</v></c></row>')
    with pytest.raises(DeliveryError) as refused:
        check_workbook_zip(path)
    assert refused.value.code == "S01" and "zonder geldige verwijzing" in refused.value.message


def test_a_cell_tag_longer_than_a_chunk_is_still_placed(tmp_path: Path) -> None:
    """3 MB of attribute before the reference: the cell is walked, not lost between chunks."""
    padding = b' x="' + os.urandom(3 << 19).hex().encode() + b'"'  # 3 MB that do not compress
    path = workbook(tmp_path, b'<row r="1"><c' + padding + b' r="XFD1048576"><v>1</v></c></row>')
    with pytest.raises(DeliveryError, match="te veel"):
        check_workbook_zip(path)


@given(st.integers(0, 10**9))
def test_above_matches_exactly_the_greater_numbers(number: int) -> None:
    pattern = re.compile(above(number))
    for candidate in {0, 1, number - 1, number, number + 1, number * 10, 10 ** len(str(number))}:
        if candidate >= 0:
            assert bool(pattern.fullmatch(str(candidate))) == (candidate > number), candidate


FAR = b'<c r="AD150000"><v>1</v></c>'  # calamine: 150,000 rows × 30 columns
BYPASSES = {  # found by an adversarial review (2026-12-05); each passed the regular expressions
    "single-quotes": b"<row r='1'><c r='A1'><v>1</v></c><c r='AD150000'><v>1</v></c></row>",
    "spaces-around-is": b'<row r="1"><c r="A1"><v>1</v></c><c r = "AD150000"><v>1</v></c></row>',
    "gt-in-a-value": b'<row r="1"><c r="A1"><v>1</v></c><c x=">" r="AD150000"><v>1</v></c></row>',
    "prefixed-attribute-first": b'<row r="1"><c x:r="A1" r="AD150000"><v>1</v></c></row>',
    "decoy-after": b'<row r="1"><c r="AD150000" x-r="A1"><v>1</v></c></row>',
    "digit-prefix": b'<row r="1"><c r="A1"><v>1</v></c><0:c r="AD150000"><v>1</v></0:c></row>',
    "stray-row-ends": b'<row r="1"><c r="AD1"><v>1</v></c>' + b'<row r="1">' * 150_000
    + b"</row>" * 150_001 + b"<row><c><v>1</v></c></row>",
    "nested-rows-width": b'<row r="1"><c><v>1</v></c>' * 2000 + b"</row>" * 2000,
    # a second review (the same day), against the version with expat: calamine skips what a
    # value holds, and takes the last of two references
    "row-inside-a-value": b'<row r="1">' + b'<c><v>1<row r="1"/></v></c>' * 1200
    + b'</row><row r="4000"><c><v>1</v></c></row>',
    "cell-inside-is": b'<row r="1">' + b'<c t="inlineStr"><is><t>x</t><c r="A1"/></is></c>' * 1200
    + b'</row><row r="4000"><c><v>1</v></c></row>',
    "two-references": b'<row r="1"><c r="A1"><v>1</v></c><c r="B1" r="AD150000"><v>1</v></c></row>',
    "two-references-later": b'<row r="1"><c r="B1" t="n" r="AD150000"><v>1</v></c></row>',
    "no-space": b'<row r="1"><c r="A1"><v>1</v></c><c r="B1"r="AD150000"><v>1</v></c></row>',
}  # fmt: skip


@pytest.mark.parametrize("body", BYPASSES.values(), ids=BYPASSES.keys())
def test_a_sheet_calamine_would_build_too_large_is_refused(tmp_path: Path, body: bytes) -> None:
    with pytest.raises(DeliveryError) as refused:
        check_workbook_zip(workbook(tmp_path, body))
    # too large, not XML at all (a digit as prefix), too deep, or (since a fourth review) a row
    # or cell inside a value
    assert refused.value.code == "S01"
    assert any(reason in refused.value.message for reason in (
        "te veel", "geen geldige XML", "te diep geneste XML", "in een waarde")), refused.value  # fmt: skip


REGULAR = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c><c r="B%d" t="s"><v>2</v></c></row>'
                  % (r, r, r) for r in range(1, 20_001))  # fmt: skip  # ~1.2 MB: two pieces


@pytest.mark.parametrize("name", ["single-quotes", "gt-in-a-value", "decoy-after",
                                  "two-references", "two-references-later", "no-space"])  # fmt: skip
def test_a_way_past_the_scan_is_refused_after_a_megabyte_of_plain_rows(
    tmp_path: Path, name: str
) -> None:
    """The scan reads a sheet in 1 MiB pieces; each is checked afresh, the fast path included."""
    with pytest.raises(DeliveryError) as refused:
        check_workbook_zip(workbook(tmp_path, REGULAR + BYPASSES[name]))
    assert refused.value.code == "S01"  # too large, or not XML at all (an attribute twice)
    assert any(reason in refused.value.message for reason in ("te veel", "geen geldige XML"))


def test_plain_rows_over_many_pieces_are_bounded_exactly(tmp_path: Path) -> None:
    extent = named(check_workbook_zip(workbook(tmp_path, REGULAR * 3)))
    assert (extent.rows, extent.columns, extent.cells) == (20_000, 2, 120_000)


def _ending_the_first_piece(head: bytes, tag: bytes) -> bytes:
    """Rows that make `tag` end the first 1 MiB piece the scan reads of a sheet."""
    filler = b'<row r="1"/>' * ((1 << 20) // 12 - 100)
    filler += b" " * ((1 << 20) - len(SHEET_START) - len(head) - len(filler) - len(tag))
    assert len(SHEET_START + head + filler + tag) == 1 << 20
    return head + filler + tag


@pytest.mark.parametrize("before", [b"", REGULAR], ids=["first-piece", "after-a-megabyte"])
def test_an_r_in_a_text_is_bounded_exactly(tmp_path: Path, before: bytes) -> None:
    """Byte arrays do not answer for a piece with a reference-like `r` in a text: the regular
    expression does, or the walk after a piece read as byte arrays; exactly, either way."""
    cells = b"".join(b'<row r="%d"><c r="C%d" t="inlineStr"><is><t>r = 1</t></is></c></row>'
                     % (r, r) for r in range(20_001, 21_001))  # fmt: skip
    extent = named(check_workbook_zip(workbook(tmp_path, before + cells)))
    assert (extent.rows, extent.columns, extent.cells) == (21_000, 3, 41_000 if before else 1000)


def test_an_unfinished_tag_at_a_chunk_edge_is_read_whole(tmp_path: Path) -> None:
    """A `<` inside an attribute value right where a 1 MiB piece of the sheet ends."""
    head = b'<row r="1"><c r="AB1"><v>1</v></c></row><row r="2">'
    body = _ending_the_first_piece(head, b'<c r="AD150000" x="a<') + b'b"><v>1</v></c></row>'
    with pytest.raises(DeliveryError) as refused:
        check_workbook_zip(workbook(tmp_path, body))
    assert refused.value.code == "S01"


def test_a_sheet_at_any_path_the_relationships_name_is_bounded(tmp_path: Path) -> None:
    """calamine reads the sheet the relationships name, here `/content.xml` (from the root)."""
    rels = WORKBOOK_RELS.replace("worksheets/sheet1.xml", "/content.xml")
    sheet = SHEET_START + b'<row r="1"><c r="A1"><v>1</v></c>' + FAR + b"</row>" + SHEET_END
    path = _workbook(tmp_path / "GM0014_2025Q1.xlsx", lambda a: a.writestr("content.xml", sheet),
                     rels)  # fmt: skip
    with pytest.raises(DeliveryError, match="te veel"):
        check_workbook_zip(path)


def test_a_binary_workbook_is_refused_and_binary_parts_of_an_xlsx_are_not(tmp_path: Path) -> None:
    """An xlsm's macros (an OLE2 file the workbook's relationships name) and a sheet's picture
    and printer settings hold bytes that look like a cell tag: they are no sheets to calamine."""
    junk = b'\x00\x01<c r="XFD1048576"><v>1</v></c>\x00'
    rels = WORKBOOK_RELS.replace("</Relationships>", '<Relationship Id="rId9" Type="http://schemas'
                                 '.microsoft.com/office/2006/relationships/vbaProject" '
                                 'Target="vbaProject.bin"/></Relationships>')  # fmt: skip
    sheet_rels = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                  'relationships"><Relationship Id="rId1" Type="x/image" Target="../media/'
                  'image1.png"/><Relationship Id="rId2" Type="x/printerSettings" Target="../'
                  'printerSettings/printerSettings1.bin"/></Relationships>')  # fmt: skip

    def write(archive: zipfile.ZipFile) -> None:
        archive.writestr(SHEET, SHEET_START + b'<row r="1"><c r="A1"><v>1</v></c></row>'
                         + SHEET_END)  # fmt: skip
        archive.writestr("xl/worksheets/_rels/sheet1.xml.rels", sheet_rels)
        archive.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + junk)
        archive.writestr("xl/media/image1.png", b"\x89PNG\r\n\x1a\n" + junk)
        archive.writestr("xl/printerSettings/printerSettings1.bin", b"H\x00P\x00" + junk)

    extents = check_workbook_zip(_workbook(tmp_path / "GM0014_2025Q1.xlsm", write, rels))
    assert (named(extents).rows, named(extents).columns) == (1, 1)
    with pytest.raises(DeliveryError, match="xlsb"):
        check_workbook_zip(_workbook(tmp_path / "GM0014_2025Q2.xlsx",
                                     lambda a: a.writestr("xl/workbook.bin", b"\x83\x01")))  # fmt: skip


def test_what_calamine_leaves_out_is_not_refused(tmp_path: Path) -> None:
    """A declared dimension (calamine builds 1 × 1 around one cell), a row formatted far below,
    an external link's cached cells: none of them makes calamine build a large sheet."""
    declared = SHEET_START.replace(b"<sheetData>", b'<dimension ref="A1:XFD1048576"/><sheetData>')
    body = b'<row r="1"><c r="A1"><v>1</v></c></row><row r="200000" ht="30" customHeight="1"/>'
    link = b'<externalLink><sheetData><row r="250000"><cell r="B250000"/></row></sheetData></externalLink>'

    def write(archive: zipfile.ZipFile) -> None:
        archive.writestr(SHEET, declared + body + SHEET_END)
        archive.writestr("xl/externalLinks/externalLink1.xml", link)

    path = _workbook(tmp_path / "GM0014_2025Q1.xlsx", write)
    extent = named(check_workbook_zip(path))
    assert (extent.rows, extent.columns) == (1, 1)
    assert calamine_extent(path) == (1, 1)


def test_a_zip_behind_another_header_is_checked(tmp_path: Path) -> None:
    """An OLE2 (xls) header in front of a zip: calamine finds the zip; so does the check."""
    from connectors.spreadsheet import OLE2_MAGIC, open_sheets

    inner = workbook(tmp_path, b'<row r="1"><c r="A1"><v>1</v></c>' + FAR + b"</row>")
    disguised = tmp_path / "GM0014_2025Q1.xls"
    disguised.write_bytes(OLE2_MAGIC + bytes(504) + inner.read_bytes())
    with pytest.raises(DeliveryError, match="te veel"):
        open_sheets(disguised)


def test_a_second_reading_in_another_encoding_is_refused(tmp_path: Path) -> None:
    """UTF-16 around plain UTF-8: expat would read one text, calamine the bytes as a sheet."""
    inner = SHEET_START + b'<row r="1"><c r="A1"><v>1</v></c>' + FAR + b"</row>" + SHEET_END
    sheet = "<x>".encode("utf-16-le") + inner + "</x>".encode("utf-16-le")
    path = _workbook(tmp_path / "GM0014_2025Q1.xlsx", lambda a: a.writestr(SHEET, sheet))
    with pytest.raises(DeliveryError, match="geen UTF-8"):
        check_workbook_zip(path)


def test_deep_nesting_is_refused_early(tmp_path: Path) -> None:
    path = workbook(tmp_path, b"<row>" + b"<a>" * 100_000)
    with pytest.raises(DeliveryError, match="te diep"):
        check_workbook_zip(path)


def test_a_panic_in_calamine_is_an_s01_and_an_interrupt_is_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pyo3 raises a Rust panic as `PanicException`, a BaseException (a hand-made BIFF file with
    a broken sector chain did: "slice index starts at 5632 but ends at 5120")."""
    import connectors.spreadsheet as spreadsheet

    class PanicException(BaseException):  # the name pyo3 gives it; not importable by itself
        pass

    path = workbook(tmp_path, b'<row r="1"><c r="A1"><v>1</v></c></row>')
    for raised, expected in ((PanicException("slice index"), DeliveryError),
                             (KeyboardInterrupt(), KeyboardInterrupt)):  # fmt: skip

        def broken(*args: object, error: BaseException = raised) -> None:
            raise error

        monkeypatch.setattr(spreadsheet.CalamineWorkbook, "from_filelike", broken)
        with pytest.raises(expected):
            spreadsheet.open_sheets(path)


def test_more_ways_past_the_names_are_closed(tmp_path: Path) -> None:
    """A workbook in another folder (calamine follows `_rels/.rels`), names in another case or
    with `\\`, a second name in the zip (Unicode path). (Shared strings that claim billions never
    reach calamine: `test_calamine_lookups`.)"""
    far = SHEET_START + b'<row r="1"><c r="A1"><v>1</v></c>' + FAR + b"</row>" + SHEET_END
    rels = WORKBOOK_RELS.replace("worksheets/sheet1.xml", "s.xml")

    def elsewhere(archive: zipfile.ZipFile) -> None:  # the package's relationships name data/
        archive.writestr("data/workbook.xml", WORKBOOK)
        archive.writestr("data/_rels/workbook.xml.rels", rels)
        archive.writestr("data/s.xml", far)

    def other_case(archive: zipfile.ZipFile) -> None:
        archive.writestr("XL\\Worksheets\\Sheet1.xml", far)

    root = ROOT_RELS.replace("xl/workbook.xml", "data/workbook.xml")
    for number, (write, package) in enumerate(((elsewhere, root), (other_case, ROOT_RELS))):
        path = _workbook(tmp_path / f"GM0014_2025Q{number}.xlsx", write, root=package)
        with pytest.raises(DeliveryError, match="te veel"):
            check_workbook_zip(path)
    second = _workbook(tmp_path / "second.xlsx", lambda a: a.writestr(SHEET, far))
    with zipfile.ZipFile(second) as source, zipfile.ZipFile(tmp_path / "z.xlsx", "w") as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == SHEET:
                info.extra = struct.pack("<HHB", 0x7075, 5, 1) + b"abcd"
            out.writestr(info, data)
    with pytest.raises(DeliveryError, match="Unicode-pad"):
        check_workbook_zip(tmp_path / "z.xlsx")


HOSTILE = SHEET_START + b'<row r="1"><c r="A1"><v>1</v></c>' + FAR + b"</row>" + SHEET_END


def test_names_are_matched_as_calamine_matches_them(tmp_path: Path) -> None:
    """A harmless sheet under a name that only Python's lower() folds to the same (the Kelvin
    sign), and a sheet the relationships name `…sharedStrings.xml`: each bounded as a sheet."""

    def kelvin(archive: zipfile.ZipFile) -> None:
        archive.writestr(SHEET, HOSTILE)
        archive.writestr("xl/wor\u212asheets/sheet1.xml", SHEET_START + SHEET_END)

    with pytest.raises(DeliveryError, match="te veel"):
        check_workbook_zip(_workbook(tmp_path / "a.xlsx", kelvin))
    rels = WORKBOOK_RELS.replace("worksheets/sheet1.xml", "worksheets/sharedStrings.xml")
    named_so = _workbook(tmp_path / "b.xlsx",
                         lambda a: a.writestr("xl/worksheets/sharedStrings.xml", HOSTILE), rels)  # fmt: skip
    with pytest.raises(DeliveryError, match="te veel"):
        check_workbook_zip(named_so)


@pytest.mark.parametrize("quote", [b'"', b"'"])
def test_a_cell_tag_cut_at_a_gt_in_its_value_is_read_whole(tmp_path: Path, quote: bytes) -> None:
    """The scan cuts a piece after its last `>`: here one inside a value of a plain cell tag,
    whose second reference (calamine takes the last) opens the next piece (found by an
    adversarial review of the byte-array scan, 2026-12-05)."""
    head = b'<row r="1"><c r="A1"><v>1</v></c></row><row r="2">'
    body = _ending_the_first_piece(head, b'<c r="A2" x=' + quote + b">")
    with pytest.raises(DeliveryError) as refused:
        check_workbook_zip(workbook(tmp_path, body + quote + b' r="AD150000"><v>1</v></c></row>'))
    assert refused.value.code == "S01"  # walked: an attribute twice is no XML
    assert "geen geldige XML" in refused.value.message


@pytest.mark.parametrize("start", [b"\x01\x00\x00\x00", b"PK\x03\x04", b"BM", b"GIF8"])
def test_a_sheet_behind_bytes_that_look_binary_is_still_bounded(
    tmp_path: Path, start: bytes
) -> None:
    """calamine reads such bytes as text before the sheet; only bytes that are no UTF-8 (an OLE2
    or PNG start) make it fail, and only those members are left out."""
    path = _workbook(tmp_path / "a.xlsx", lambda a: a.writestr(SHEET, start + HOSTILE))
    with pytest.raises(DeliveryError):
        check_workbook_zip(path)


def test_ordinary_output_takes_the_scan_and_a_far_empty_cell_is_no_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """openpyxl writes `<c r="A2" s="1" />` (a space before `/>`): still the fast scan. A
    formatted empty cell at column 1,100 is no reason to refuse: calamine builds 2 × 2."""
    import openpyxl
    from openpyxl.styles import Font

    import connectors.workbook_bounds as bounds

    walked: list[str] = []
    real = bounds.SpreadsheetMLWalk

    def spy(workbook: object, name: str) -> object:
        walked.append(name)
        return real(workbook, name)  # type: ignore[arg-type]

    monkeypatch.setattr(bounds, "SpreadsheetMLWalk", spy)
    book = openpyxl.Workbook()
    sheet = book.active
    for row in range(1, 201):
        sheet.append([f"A-{row}", row, None])
        sheet.cell(row=row, column=3).font = Font(bold=True)  # a styled empty cell
    book.save(tmp_path / "gewoon.xlsx")
    extent = named(check_workbook_zip(tmp_path / "gewoon.xlsx"))
    assert (extent.rows, extent.columns, walked) == (200, 3, [])
    sheet.cell(row=2, column=1100).font = Font(italic=True)
    book.save(tmp_path / "breed.xlsx")
    assert named(check_workbook_zip(tmp_path / "breed.xlsx")).columns == 2  # walked: valued cells
    assert walked == ["sheet1"] and calamine_extent(tmp_path / "breed.xlsx") == (200, 2)


# A member of a workbook held in memory is read without zipfile's reader objects
# (`zip_members._at_once`): it must give zipfile's own bytes, or leave the member to zipfile.
def _zips() -> list[bytes]:
    """Zips as workbooks come: deflated and stored members, an empty one of each, a UTF-8 name,
    one as large as a piece; and one written where zipfile cannot seek (its sizes after its
    data: flag bit 3)."""
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>" * 40, zipfile.ZIP_DEFLATED)
        archive.writestr(SHEET, SHEET_START + b'<row r="1"><c r="A1"><v>1</v></c></row>'
                         + SHEET_END, zipfile.ZIP_DEFLATED)  # fmt: skip
        archive.writestr("xl/sharedStrings.xml", b"<sst/>", zipfile.ZIP_STORED)
        archive.writestr("leeg-deflated", b"", zipfile.ZIP_DEFLATED)
        archive.writestr("leeg-stored", b"", zipfile.ZIP_STORED)
        archive.writestr("xl/média/naam.xml", "é".encode() * 300, zipfile.ZIP_DEFLATED)
        archive.writestr("groot.xml", bytes(range(256)) * 4096, zipfile.ZIP_DEFLATED)  # 1 MiB
    streamed = _Unseekable()
    with zipfile.ZipFile(streamed, "w") as archive:
        archive.writestr("descriptor.xml", b"<a/>" * 100, zipfile.ZIP_DEFLATED)
        with archive.open("descriptor-stored.xml", "w") as member:
            member.write(b"<b/>" * 50)
    return [buffer.getvalue(), streamed.getvalue()]


class _Unseekable(io.BytesIO):
    """A stream zipfile cannot seek in: it writes each member's sizes after its data."""

    def seekable(self) -> bool:
        return False

    def seek(self, *args: object) -> int:
        raise OSError("not seekable")


def _zipfile_piece(blob: bytes, info: zipfile.ZipInfo) -> bytes | type[BaseException]:
    """What zipfile's first `read(CHUNK_BYTES)` of the member gives, or the error it raises."""
    from connectors.zip_members import CHUNK_BYTES

    try:
        with zipfile.ZipFile(io.BytesIO(blob)) as archive, archive.open(info) as member:
            return member.read(CHUNK_BYTES)
    except Exception as exc:  # any: where zipfile raises, the lean reader must not answer
        return type(exc)


def _infos(blob: bytes) -> list[zipfile.ZipInfo]:
    try:
        with zipfile.ZipFile(io.BytesIO(blob)) as archive:
            return archive.infolist()
    except Exception:
        return []  # no directory to go by: check_workbook_zip refuses before any member


def test_every_member_of_a_regular_zip_is_read_at_once_as_zipfile_reads_it() -> None:
    from connectors.zip_members import _at_once

    regular, streamed = _zips()
    assert [i.flag_bits & 0x8 for i in _infos(streamed)] == [0x8, 0x8]  # sizes after the data
    for blob, count in ((regular, 7), (streamed, 2)):
        infos = _infos(blob)
        assert len(infos) == count
        for info in infos:
            fast = _at_once(blob, info)
            assert fast is not None, info.filename  # the lean path takes every regular member
            assert fast == _zipfile_piece(blob, info), info.filename
    assert _at_once(regular, _infos(regular)[-1]) == bytes(range(256)) * 4096  # 1 MiB whole


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(which=st.sampled_from([0, 1]),
       changes=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)),
                        min_size=1, max_size=6))  # fmt: skip
def test_a_damaged_member_is_read_as_zipfile_reads_it_or_left_to_it(
    which: int, changes: list[tuple[float, int]]
) -> None:
    """Bytes changed anywhere (local headers, names, flags, methods, sizes, CRCs, the deflated
    data, the directory zipfile reads the members by): the lean reader gives zipfile's bytes or
    none — never bytes where zipfile raises, nor other bytes than zipfile's."""
    from connectors.zip_members import _at_once

    blob = bytearray(_zips()[which])
    for where, value in changes:
        blob[int(where * len(blob))] = value
    damaged = bytes(blob)
    for info in _infos(damaged):
        fast = _at_once(damaged, info)
        if fast is not None:
            assert fast == _zipfile_piece(damaged, info), info.filename


@pytest.mark.parametrize("field", ["signature", "name", "method", "flags", "crc", "size", "data"])
def test_each_kind_of_damage_leaves_the_member_to_zipfile(field: str) -> None:
    """Damage of one kind at a time in the sheet's member: the lean reader leaves it to zipfile,
    which then says what it always said (it refuses all but the packed size beyond the zip's
    end: it reads what there is, as before)."""
    from connectors.zip_members import _at_once

    blob = bytearray(_zips()[0])
    info = next(i for i in _infos(bytes(blob)) if i.filename == SHEET)
    local, start = info.header_offset, info.header_offset + 30 + len(SHEET) + len(info.extra)
    if field == "signature":
        blob[local] = ord("Q")
    elif field == "name":
        blob[local + 30] = ord("X")  # "xl/…" read as "Xl/…" in the local header
    elif field in ("method", "flags", "crc", "size"):
        if field == "method":
            info.compress_type = 99
        elif field == "flags":
            info.flag_bits |= 0x1  # encrypted
        elif field == "crc":
            info.CRC ^= 1
        else:
            info.compress_size += 10**6  # beyond the end of the zip
    else:
        blob[start : start + 4] = b"\xff\xff\xff\xff"  # no deflate stream
    damaged = bytes(blob)
    assert _at_once(damaged, info) is None
    assert isinstance(_zipfile_piece(damaged, info), bytes) == (field == "size")
