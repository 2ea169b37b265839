"""The walk reads a cell's value where calamine does (a fourth adversarial review, 2026-12-06).

Calamine takes an OpenDocument cell with any `office:*value` attribute as a value (the walk
looked for `office:value-type` only); it ends a string cell at the first `</table:table-cell>`,
even a nested one's, and reads the rows after it as rows of the table; it reads a table opened
between the rows of another as rows of that other; and in an xlsx it ends a `<v>`, `<is>` or
`<t>` at the first end tag of that name, so a `<c>` inside one is a cell of the sheet. Each of
these built 6,000,000 cells from under a kilobyte, or aborted the process; each is refused now.
Also: one long text repeated over many OpenDocument cells is as many copies to calamine.
"""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from connectors.workbook_bounds import check_workbook_zip
from schemas.errors import DeliveryError
from tests.hostile.generators import SHEET_END, SHEET_START, _workbook

HEAD = (b'<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:'
        b'names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:'
        b'xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body>'
        b'<office:spreadsheet>')  # fmt: skip
TAIL = b"</office:spreadsheet></office:body></office:document-content>"
MANIFEST = (b'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:'
            b'names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry '
            b'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.'
            b'spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-'
            b'type="text/xml"/></manifest:manifest>')  # fmt: skip
TOP = (b'<table:table-row><table:table-cell office:value-type="string"><text:p>x</text:p>'
       b"</table:table-cell></table:table-row>")  # fmt: skip


def _ods(tmp_path: Path, tables: bytes, name: str = "blad.ods", head: bytes = HEAD) -> Path:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", head + tables + TAIL, zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", MANIFEST, zipfile.ZIP_DEFLATED)
    return path


def _area(path: Path) -> tuple[int, int]:
    """The area calamine builds for the first sheet."""
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    return sheet.height, sheet.width


VALUE_ONLY = {"value": b'office:value="1"', "boolean": b'office:boolean-value="true"',
              "string": b'office:string-value="s"', "date": b'office:date-value="2020-01-01"'}  # fmt: skip


@pytest.mark.parametrize("attribute", VALUE_ONLY)
def test_an_opendocument_value_without_a_value_type_reaches_the_area(
    tmp_path: Path, attribute: str
) -> None:
    def table(rows: int, columns: int) -> bytes:
        return (b'<table:table table:name="S">' + TOP + b'<table:table-row table:number-rows-'
                b'repeated="%d"><table:table-cell %s table:number-columns-repeated="%d"/></table:'
                b"table-row></table:table>") % (rows, VALUE_ONLY[attribute], columns)  # fmt: skip

    assert _area(_ods(tmp_path, table(2, 3), "klein.ods")) == (3, 3), "calamine holds them"
    with pytest.raises(DeliveryError, match="te veel"):
        check_workbook_zip(_ods(tmp_path, table(6_000, 1_000)))


# a table with rows repeated %d times where calamine reads on from, the rows calamine then builds
# from 5, and the refusal
NESTED = {
    "rows in a cell": (
        b'<table:table table:name="S"><table:table-row><table:table-cell office:value-type='
        b'"string"><table:table-row><table:table-cell/></table:table-row><table:table-row table:'
        b'number-rows-repeated="%d"><table:table-cell office:value-type="float" office:value="1"/>'
        b"</table:table-row></table:table-cell></table:table-row></table:table>",
        2, "in een cel"),
    "a table in a table": (
        b'<table:table table:name="A"><table:table-row><table:table-cell office:value-type="float"'
        b' office:value="1"/></table:table-row><table:table-row table:number-rows-repeated="%d">'
        b'<table:table-cell/></table:table-row><table:table table:name="B"><table:table-row>'
        b'<table:table-cell office:value-type="float" office:value="2"/></table:table-row>'
        b"</table:table></table:table>",
        7, "tabel in een tabel"),
}  # fmt: skip


@pytest.mark.parametrize("case", NESTED)
def test_rows_calamine_reads_on_from_are_refused(tmp_path: Path, case: str) -> None:
    template, rows, refusal = NESTED[case]
    assert _area(_ods(tmp_path, template % 5, "klein.ods"))[0] >= rows, "calamine reads on"
    with pytest.raises(DeliveryError, match=refusal):
        check_workbook_zip(_ods(tmp_path, template % 6_000))


VALUES = {
    "str": b'<c r="A1" t="str"><v><c><v>x</v></c><c r="%s"><v>2</v></c></v></c>',
    "is": b'<c r="A1" t="inlineStr"><is><c><is/></c><c r="%s"><v>2</v></c></is></c>',
    "t": b'<c r="A1" t="inlineStr"><is><t><c><is><t/></is></c><c r="%s"><v>2</v></c></t></is></c>',
}


@pytest.mark.parametrize("kind", VALUES)
def test_a_cell_inside_an_xlsx_value_is_refused(tmp_path: Path, kind: str) -> None:
    def book(name: str, far: bytes) -> Path:
        row = b'<row r="1">' + VALUES[kind] % far + b"</row>"
        return _workbook(tmp_path / name,
                         lambda a: a.writestr("xl/worksheets/sheet1.xml", SHEET_START + row + SHEET_END))  # fmt: skip

    assert _area(book("klein.xlsx", b"C4")) == (4, 3), "calamine reads the inner cell"
    with pytest.raises(DeliveryError, match="in een waarde"):
        check_workbook_zip(book("groot.xlsx", b"F1000000"))


def test_an_ordinary_inline_string_with_runs_passes(tmp_path: Path) -> None:
    cell = (b'<c r="B2" t="inlineStr"><is><r><rPr><b/><sz val="11"/></rPr><t xml:space='
            b'"preserve">vet </t></r><r><t>gewoon</t></r></is></c>')  # fmt: skip
    sheet = SHEET_START + b'<row r="2">' + cell + b"</row>" + SHEET_END
    path = _workbook(
        tmp_path / "runs.xlsx", lambda a: a.writestr("xl/worksheets/sheet1.xml", sheet)
    )
    assert [(e.rows, e.columns) for e in check_workbook_zip(path) if e.name == "sheet1"] == [(2, 2)]


def test_one_long_text_repeated_over_many_opendocument_cells_is_refused(tmp_path: Path) -> None:
    text = bytes(random.Random(5).choices(b"abcdefghijklmnopqrstuvwxyz", k=1_000_000))
    tables = (b'<table:table table:name="S"><table:table-row table:number-rows-repeated="300">'
              b'<table:table-cell office:value-type="string" table:number-columns-repeated="1000">'
              b"<text:p>" + text + b"</text:p></table:table-cell></table:table-row></table:table>")  # fmt: skip
    with pytest.raises(DeliveryError, match="tekst"):
        check_workbook_zip(_ods(tmp_path, tables))


def test_an_ordinary_opendocument_sheet_passes(tmp_path: Path) -> None:
    row = (b'<table:table-row><table:table-cell office:value-type="string" calcext:value-type='
           b'"string"><text:p>naam</text:p></table:table-cell><table:table-cell office:value-type'
           b'="float" office:value="3" table:number-columns-repeated="2"><text:p>3</text:p>'
           b"</table:table-cell></table:table-row>")  # fmt: skip
    tables = b'<table:table table:name="Blad1">' + row * 40 + b"</table:table>"
    head = HEAD.replace(b'text:1.0"', b'text:1.0" xmlns:calcext="urn:org:documentfoundation:'
                        b'names:experimental:calc:xmlns:calcext:1.0"')  # fmt: skip
    path = _ods(tmp_path, tables, "gewoon.ods", head)
    assert (check_workbook_zip(path)[-1].rows, check_workbook_zip(path)[-1].columns) == (40, 3)
    assert _area(path) == (40, 3)
