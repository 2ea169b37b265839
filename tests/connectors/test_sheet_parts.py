"""A large sheet read in parts, in threads (`connectors.sheet_parts`), gives the rows calamine
gives when it reads the sheet whole — the reference in every test is calamine's own read of the
whole workbook, never the parts. Where a cut could change what is read, the sheet is read whole.

The sheets here are small (25–80 KB); PART_BYTES is lowered so that they are cut, and not so far
that other parts of a workbook (a theme of ~7 KB) count as large.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from openpyxl import Workbook
from python_calamine import CalamineWorkbook

import connectors.inflated as inflated
import connectors.sheet_parts as sheet_parts
import connectors.spreadsheet as spreadsheet
from connectors.base import row_text
from connectors.inflated import Inflated
from connectors.workbook_bounds import bounded_workbook
from schemas.edit_codes import EditCode
from schemas.errors import DeliveryError
from tests.hostile.generators import SHEET_END, SHEET_START, _workbook


@pytest.fixture(autouse=True)
def small_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Parts of 4 KB (and cores enough for four): a sheet of 8 KB or more is cut."""
    monkeypatch.setattr(sheet_parts, "PART_BYTES", 4096)
    monkeypatch.setattr(sheet_parts, "cores", lambda: 4)


def _whole(data: bytes) -> list[list[Any]]:
    """Calamine's read of the workbook's first sheet, whole."""
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return book.get_sheet_by_name(book.sheet_names[0]).to_python(skip_empty_area=False)


def _in_parts(path: Path, parts: int | None = None) -> tuple[list[list[Any]] | None, bytes]:
    """The sheet read in parts (calamine's values, no row made of them), and the workbook as the
    bounds wrote it anew."""
    bounded = bounded_workbook(path, path.read_bytes())
    book = CalamineWorkbook.from_filelike(io.BytesIO(bounded.data))
    rows = sheet_parts.read_in_parts(bounded, book.sheet_names[0], list, lambda _: True, parts)
    return rows, bounded.data


def _gir(path: Path) -> Path:
    """An export as openpyxl writes it (inline strings): title rows, a header, 300 incidents
    with dates, numbers and empty cells."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Export")
    sheet.append(["Incidentregistratie"])
    sheet.append([])
    sheet.append(["Meldingsnummer", "Datum", "Tijd", "Verbaal", "Fysiek", "Daders", "Omschrijving"])
    for i in range(300):
        sheet.append([f"A-{i}", dt.datetime(2025, 5, 1 + i % 28), "09:15", "X" if i % 3 else None,
                      None, i % 4, f"tekst {i}" if i % 5 else None])  # fmt: skip
    book.save(path)
    return path


def _shared(path: Path, date_1904: bool = False) -> Path:
    """As Excel saves it (shared strings, XlsxWriter): the data from C5, empty rows between,
    rows near the end filled only from column F, and the last row the widest."""
    book = xlsxwriter.Workbook(path, {"date_1904": date_1904})
    sheet, dates = book.add_worksheet("Blad1"), book.add_format({"num_format": "d-m-yyyy"})
    for i in range(250):
        row = 4 + i + (i // 50) * 3  # three empty rows after every fifty
        if i >= 200:
            sheet.write_string(row, 5, f"alleen F {i}")
            continue
        sheet.write_string(row, 2, f"melding {i % 37}")
        sheet.write_datetime(row, 3, dt.datetime(2024, 1 + i % 12, 1 + i % 28), dates)
        sheet.write_number(row, 4, i * 0.5)
    sheet.write_string(270, 9, "de breedste regel")
    book.close()
    return path


@pytest.mark.parametrize("parts", [2, 3, 4])
@pytest.mark.parametrize("write", [_gir, _shared, lambda p: _shared(p, date_1904=True)],
                         ids=["openpyxl", "xlsxwriter", "xlsxwriter-1904"])  # fmt: skip
def test_a_sheet_read_in_parts_is_the_sheet_read_whole(
    tmp_path: Path, write: Callable[[Path], Path], parts: int
) -> None:
    rows, data = _in_parts(write(tmp_path / "export.xlsx"), parts)
    assert rows is not None  # it was cut
    assert rows == _whole(data)


def test_a_workbook_opened_reads_its_only_large_sheet_in_parts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through `open_sheets`, as every delivery is read: in parts, and the rows as text cells are
    those of the whole read."""
    path, results = _gir(tmp_path / "export.xlsx"), []
    real = sheet_parts.read_in_parts

    def recorded(*args: Any, **kwargs: Any) -> Any:
        results.append(real(*args, **kwargs))
        return results[-1]

    monkeypatch.setattr(spreadsheet, "read_in_parts", recorded)
    (sheet,) = spreadsheet.open_sheets(path)
    rows = sheet.read_rows()
    assert [r is not None for r in results] == [True]
    assert rows == [row_text(r) for r in _whole(bounded_workbook(path, path.read_bytes()).data)]
    assert sheet.read_rows() == rows  # read again: the kept bytes were taken, inflated anew
    assert [r is not None for r in results] == [True, True]


def test_a_workbook_of_two_sheets_is_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "twee.xlsx"
    book = xlsxwriter.Workbook(path)
    first, second = book.add_worksheet("Data"), book.add_worksheet("Leeg")
    for i in range(300):
        first.write_row(i, 0, [f"melding {i}", i])
    second.write_string(0, 0, "x")
    book.close()
    called: list[str] = []
    monkeypatch.setattr(spreadsheet, "read_in_parts", lambda *a, **k: called.append("x"))
    sheets = spreadsheet.open_sheets(path)
    assert sheets[0].read_rows()[299] == ["melding 299", "299"]
    assert called == []


def _sheet(tmp_path: Path, body: bytes, name: str = "blad.xlsx") -> Path:
    """A workbook whose one sheet is exactly these bytes."""

    def write(archive: zipfile.ZipFile) -> None:
        archive.writestr("xl/worksheets/sheet1.xml", SHEET_START + body + SHEET_END)

    return _workbook(tmp_path / name, write)


def _rows(first: int, last: int, text: str = "waarde") -> bytes:
    return b"".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>{text} {n}</t></is></c>'
        f'<c r="B{n}"><v>{n}</v></c></row>'.encode()
        for n in range(first, last + 1)
    )


def test_rows_out_of_order_across_a_cut_are_read_whole(tmp_path: Path) -> None:
    """Rows 201–400 written before rows 1–200: the parts' ranges overlap, so calamine's whole
    read decides; the sheet opened gives exactly that."""
    path = _sheet(tmp_path, _rows(201, 400) + _rows(1, 200))
    rows, data = _in_parts(path, 2)
    assert rows is None
    (sheet,) = spreadsheet.open_sheets(path)
    assert sheet.read_rows() == [row_text(r) for r in _whole(data)]
    assert sheet.read_rows()[0] == ["waarde 1", "1"]


@pytest.mark.parametrize(
    "body",
    [
        # a comment, a CDATA section and a processing instruction, each holding a cut
        _rows(1, 200) + b'<!-- </row><row r="999"> -->' + _rows(201, 400),
        _rows(1, 200).replace(b"waarde 7<", b'<![CDATA[</row><row r="999">]]><') + _rows(201, 400),
        _rows(1, 200) + b'<?pi </row><row r="999"?>' + _rows(201, 400),
    ],
    ids=["comment", "cdata", "instruction"],
)
def test_markup_a_cut_could_fall_in_is_never_cut(tmp_path: Path, body: bytes) -> None:
    rows, data = _in_parts(_sheet(tmp_path, body), 2)
    assert rows is None
    assert len(_whole(data)) == 400  # calamine reads the sheet whole


def test_a_second_sheet_data_before_a_cut_is_never_cut(tmp_path: Path) -> None:
    """Well-formed XML, two `sheetData` elements: calamine reads the first only (rows 1–20). A
    part cut from the second would read its rows too."""
    body = _rows(1, 20) + b"</sheetData><sheetData>" + _rows(21, 400)
    rows, data = _in_parts(_sheet(tmp_path, body), 2)
    assert rows is None
    assert len(_whole(data)) == 20


def test_a_sheet_data_after_the_last_cut_reads_as_the_whole(tmp_path: Path) -> None:
    """A second `sheetData` in the last part: that part stops where the whole stops."""
    body = _rows(1, 380) + b"</sheetData><sheetData>" + _rows(381, 400)
    rows, data = _in_parts(_sheet(tmp_path, body), 2)
    assert rows is not None and rows == _whole(data)
    assert len(rows) == 380


def test_cuts_fall_after_a_row_and_before_a_row_with_its_place() -> None:
    xml = Inflated()
    for piece in (SHEET_START, _rows(1, 400), SHEET_END):
        xml.add(piece)
    joined = b"".join(xml.pieces)
    found = sheet_parts.cuts(xml, 3)
    assert found is not None
    start, end, at, closing = found
    assert closing == b"</sheetData></worksheet>"  # what the sheet's start opened, closed
    assert joined[start - len(b"<sheetData>") : start] == b"<sheetData>"
    assert joined[end:].startswith(b"</sheetData>")
    assert len(at) == 2
    for cut in at:
        assert joined[:cut].endswith(b"</row>") and joined[cut:].startswith(b'<row r="')
    assert sheet_parts.cuts(xml, 1) is None


def test_a_delivery_read_in_parts_is_the_delivery_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A GIR export as `monitor check` reads it (its profile: the header found below the titles,
    blank rows dropped, every row numbered as the employer sees it): the same table in parts."""
    from connectors import read_delivery
    from connectors.profiles import load_profiles

    path = _gir(tmp_path / "GIR_GM0363_2025-K2.xlsx")
    profile = next(p for p in load_profiles() if p.id == "gir_gemeente")
    in_parts = read_delivery(path, profile, 2**31)
    monkeypatch.setattr(sheet_parts, "PART_BYTES", 1 << 30)  # nothing is cut
    whole = read_delivery(path, profile, 2**31)
    assert in_parts.cells.equals(whole.cells) and len(whole.cells) == 300
    assert in_parts.cells.index.tolist() == whole.cells.index.tolist()


def test_the_bounds_name_the_sheets_they_scanned_and_keep_the_bytes_of_a_large_one(
    tmp_path: Path,
) -> None:
    """The bounds scan a plain sheet (and keep its bytes for the parts, as zipfile reads them);
    a sheet with one tag that is not plain is walked instead: neither named nor kept."""
    member = "xl/worksheets/sheet1.xml"
    path = _sheet(tmp_path, _rows(1, 400), "gewoon.xlsx")
    bounded = bounded_workbook(path, path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        assert b"".join(bounded.kept[member].pieces) == archive.read(member)
    assert member in bounded.plain
    path = _sheet(tmp_path, _rows(1, 400).replace(b'<row r="5">', b"<row r='5'>"), "anders.xlsx")
    bounded = bounded_workbook(path, path.read_bytes())
    assert member not in bounded.plain and member not in bounded.kept
    rows, _ = _in_parts(path, 2)
    assert rows is None


WORKSHEET = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def test_a_cut_inside_a_value_of_well_formed_xml_is_never_read_so(tmp_path: Path) -> None:
    """An adversarial review's workbook: well-formed XML whose first `sheetData` sits deeper than
    the last, a value holding rows (a cut pattern inside it: the first cut of three parts falls
    there, the only other one between rows 300 and 301), and a tail holding a cell and a
    `</sheetData >`. Cut there, a part read the tail's text into the value
    ('helloFROM-THE-TAIL'); now nothing after the last `</sheetData>` may name a `sheetData`."""

    def rows(first: int, last: int, between: bytes = b"\n") -> bytes:
        return b"".join(
            f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>'.encode() + between
            for n in range(first, last)
        )

    value = (b'<row r="150"><c r="A150" t="str"><v>hello<row r="150"></row><row r="151"></row>'
             b"world</v></c></row>\n")  # fmt: skip
    body = rows(1, 150) + value + rows(151, 300) + rows(300, 302, b"") + rows(302, 400)
    sheet = (WORKSHEET + b"<p><q><s0><sheetData>" + body + b"</sheetData></s0></q></p>"
             b"<sheetData></sheetData><extLst><c r=\"B1\" t=\"str\"><v>FROM-THE-TAIL</v></c>"
             b"<sheetData ></sheetData ></extLst></worksheet>")  # fmt: skip
    path = _workbook(
        tmp_path / "staart.xlsx", lambda a: a.writestr("xl/worksheets/sheet1.xml", sheet)
    )
    for parts in (2, 3, 4):
        found, data = _in_parts(path, parts)
        assert found is None or found == _whole(data), parts
    whole = _whole(data)
    assert not any("FROM-THE-TAIL" in str(r) for r in whole)  # the whole never reads the tail
    (opened,) = spreadsheet.open_sheets(path)
    assert opened.read_rows() == [row_text(r) for r in whole]


def test_shared_strings_held_once_a_part_are_held_to_a_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each part's calamine holds the workbook's shared strings: a sheet is cut only while the
    parts' copies stay under PART_STRINGS."""
    path = _shared(tmp_path / "teksten.xlsx")
    bounded = bounded_workbook(path, path.read_bytes())
    assert bounded.strings > 0
    rows, _ = _in_parts(path, 2)
    assert rows is not None
    monkeypatch.setattr(sheet_parts, "PART_STRINGS", 2 * bounded.strings - 1)
    rows, data = _in_parts(path, 2)
    assert rows is None
    monkeypatch.setattr(sheet_parts, "PART_STRINGS", 2 * bounded.strings)
    rows, data = _in_parts(path, 2)
    assert rows == _whole(data)


def test_a_part_holding_cells_outside_its_rows_makes_no_rows(tmp_path: Path) -> None:
    """An adversarial review's sheet: every part holds a cell in A1 and one in ALL400, so each
    part's calamine builds the whole sheet's area; its rows are not made (they were, on every
    thread at once, before the parts were found not to fit), and the sheet is read whole."""
    corner = b'<row r="400"><c r="A1"><v>1</v></c><c r="ALL400"><v>2</v></c></row>'
    pad = b'<row r="400"></row>' * 10
    path = _sheet(tmp_path, (corner + pad) * 60, "hoeken.xlsx")
    made: list[int] = []

    def counted(cells: list[Any]) -> list[Any]:
        made.append(1)
        return cells

    bounded = bounded_workbook(path, path.read_bytes())
    book = CalamineWorkbook.from_filelike(io.BytesIO(bounded.data))
    for parts in (2, 4):
        made.clear()
        assert (
            sheet_parts.read_in_parts(bounded, book.sheet_names[0], counted, lambda _: True, parts)
            is None
        )
        assert made == []
    (opened,) = spreadsheet.open_sheets(path)
    assert opened.read_rows() == [row_text(r) for r in _whole(bounded.data)]


def test_the_bounds_keep_the_bytes_of_a_workbooks_one_large_sheet_only(tmp_path: Path) -> None:
    """Three large sheets: none is kept (a workbook of several is never read in parts; the
    bounds read each in pieces, not all at once)."""

    def write(archive: zipfile.ZipFile) -> None:
        for n in (1, 2, 3):
            archive.writestr(f"xl/worksheets/sheet{n}.xml", SHEET_START + _rows(1, 400) + SHEET_END)

    rels = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(
            f'<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/'
            f'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{n}.xml"/>'
            for n in (1, 2, 3)
        )
        + "</Relationships>"
    )
    path = _workbook(tmp_path / "drie.xlsx", write, rels=rels)
    bounded = bounded_workbook(path, path.read_bytes())
    assert {f"xl/worksheets/sheet{n}.xml" for n in (1, 2, 3)} <= set(bounded.plain)
    assert bounded.kept == {}


def _numbered(first: int, last: int, between: bytes = b"") -> bytes:
    return b"".join(
        f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>'.encode() + between
        for n in range(first, last)
    )


def test_sheet_data_inside_an_attribute_value_is_never_cut(tmp_path: Path) -> None:
    """A second review's sheet: the first `sheetData` in the bytes is text in an attribute value
    (`<foo a="<sheetData>">`), and calamine reads the rows of the real `<sheetData>` after it.
    Cut, every part's quote ran on through the rows and no part found any: the sheet read as
    empty. Now the sheet without its rows must be well-formed, and a part without cells means
    the sheet is read whole."""
    sheet = (WORKSHEET + b'<foo a="<sheetData>">' + _numbered(1, 200, b"\n") + _numbered(200, 260)
             + b"<sheetData>" + _numbered(300, 330) + b'</sheetData><x b=">"/></worksheet>')  # fmt: skip
    path = _workbook(
        tmp_path / "waarde.xlsx", lambda a: a.writestr("xl/worksheets/sheet1.xml", sheet)
    )
    for parts in (2, 3, 4):
        assert _in_parts(path, parts)[0] is None
    whole = _whole(bounded_workbook(path, path.read_bytes()).data)
    assert len(whole) == 329
    (opened,) = spreadsheet.open_sheets(path)
    assert opened.read_rows() == [row_text(r) for r in whole]


def test_an_end_tag_the_whole_refuses_is_refused_in_parts_too(tmp_path: Path) -> None:
    """A second review's sheet: one end tag too many among the rows, two more later, and no
    `</worksheet>`. The whole read refuses it (an end tag with nothing open); each part began
    afresh and read it. Now the sheet without its rows must be well-formed: it is not cut, and
    it is refused as before."""
    sheet = (WORKSHEET + b"<sheetData>" + _numbered(1, 50) + b"</g>" + _numbered(50, 300)
             + b"</y></z><w>" + _numbered(300, 310) + b"</sheetData>")  # fmt: skip
    path = _workbook(
        tmp_path / "eind.xlsx", lambda a: a.writestr("xl/worksheets/sheet1.xml", sheet)
    )
    _refused_as_whole(path)


def test_the_bytes_of_a_sheet_padded_out_are_let_go(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second review's sheet: a long attribute on every row, one cell each (in parts it held
    all its bytes: 356 MB against 141 MB read whole). Kept while its cells are dense enough."""
    monkeypatch.setattr(inflated, "DENSE_FROM", 4096)
    pad = b"a" * 1000
    body = b"".join(f'<row r="{n}" x="'.encode() + pad + f'"><c r="A{n}"><v>{n}</v></c></row>'.encode()
                    for n in range(1, 400))  # fmt: skip
    padded = _sheet(tmp_path, body, "opgevuld.xlsx")
    dense = _sheet(tmp_path, _rows(1, 400), "vol.xlsx")
    member = "xl/worksheets/sheet1.xml"
    assert member not in bounded_workbook(padded, padded.read_bytes()).kept
    assert member in bounded_workbook(dense, dense.read_bytes()).kept
    (opened,) = spreadsheet.open_sheets(padded)
    assert len(opened.read_rows()) == 399


def test_an_end_tag_too_many_is_refused_in_parts_too_when_the_sheet_ends_with_merged_cells(
    tmp_path: Path,
) -> None:
    """The case the second review left open: the sheet's end holds `<mergeCells>`, where
    python-calamine's second pass stops, so a part ending as the sheet does never closed the
    start's tags. Every part but the last now ends with exactly those end tags: the part after
    the tag too many fails, and the sheet is read whole (and refused, as the whole read is)."""
    sheet = (WORKSHEET + b"<sheetData>" + _numbered(1, 50) + b"</g>" + _numbered(50, 300)
             + b"</y></z><w>" + _numbered(300, 310) + b"</sheetData>"
             b'<mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells></worksheet>')  # fmt: skip
    path = _workbook(
        tmp_path / "samen.xlsx", lambda a: a.writestr("xl/worksheets/sheet1.xml", sheet)
    )
    _refused_as_whole(path)


@pytest.mark.parametrize("where", ["start", "rows"])
def test_merged_cells_before_the_last_cut_are_never_cut(tmp_path: Path, where: str) -> None:
    """A third review's sheets: a `<mergeCells>` in the sheet's start, or among the rows, stops
    python-calamine's second pass before a part's end tags, so one end tag too many in each part
    went unseen: the parts read 399 rows of a sheet the whole read refuses. Not cut now."""
    merged = b'<mergeCells><mergeCell ref="B1:C1"/></mergeCells>'
    first = b'<row r="1"><c r="A1"><v>1</v></c>' + (merged if where == "rows" else b"") + b"</row>"
    sheet = (WORKSHEET + (merged if where == "start" else b"") + b"<sheetData>" + first
             + _numbered(2, 100) + b"</x>" + _numbered(100, 300) + b"</x>" + _numbered(300, 400)
             + b"</sheetData>" + merged + b"</worksheet>")  # fmt: skip
    path = _workbook(
        tmp_path / "samengevoegd.xlsx", lambda a: a.writestr("xl/worksheets/sheet1.xml", sheet)
    )
    _refused_as_whole(path)


def _refused_as_whole(path: Path) -> None:
    """Calamine's whole read refuses the sheet (an end tag with nothing open); it is not cut, and
    opened it is refused as before (S01)."""
    with pytest.raises(Exception, match="does not match any open tag"):
        _whole(bounded_workbook(path, path.read_bytes()).data)
    for parts in (2, 3):
        assert _in_parts(path, parts)[0] is None
    (opened,) = spreadsheet.open_sheets(path)
    with pytest.raises(DeliveryError, match="niet te lezen") as refused:
        opened.read_rows()
    assert refused.value.code is EditCode.S01
