"""Hostile delivery files, generated at test time (nothing large is committed).

Each generator writes one file into a folder and returns its path. The cases are the ones found
in testing (issue 9): a dimension bomb, deep JSON, a million-column header, a padded zip bomb,
an HTML 'xls' full of spans, a file too large for its (unknown) name; and (issue 11) sheets whose
area only calamine's way of placing cells shows: a cell below every row, tags in a namespace
prefix in a sheet at a path of its own, rows and cells without a reference, an OpenDocument
sheet of repeated values.
"""

from __future__ import annotations

import os
import random
import zipfile
from collections.abc import Callable
from pathlib import Path

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Incidenten" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
SHEET_START = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_END = b"</sheetData></worksheet>"


def _workbook(
    path: Path,
    write_sheet: Callable[[zipfile.ZipFile], None],
    rels: str = WORKBOOK_RELS,
    root: str = ROOT_RELS,
) -> Path:
    """An xlsx with one sheet whose XML `write_sheet` writes (a valid package around it)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", root)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", rels)
        write_sheet(archive)
    return path


def dimension_bomb(folder: Path, name: str = "GM0014_2025Q1_dimensie.xlsx") -> Path:
    """2 KB: one value cell at XFD1048576, so a reader allocates the whole sheet."""
    sheet = SHEET_START + b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>' + SHEET_END
    return _workbook(folder / name, lambda a: a.writestr("xl/worksheets/sheet1.xml", sheet))


def cell_below_its_rows(folder: Path, name: str = "GM0014_2025Q1_celonder.xlsx") -> Path:
    """One row, numbered 1, holding a cell at ZZ900000: calamine places a cell by its own
    reference, so it allocates 900,000 rows × 702 columns (no row tag says so)."""
    row = b'<row r="1"><c r="A1"><v>1</v></c><c r="ZZ900000"><v>1</v></c></row>'
    return _workbook(folder / name, lambda a: a.writestr("xl/worksheets/sheet1.xml",
                                                         SHEET_START + row + SHEET_END))  # fmt: skip


def prefixed_dimension_bomb(folder: Path, name: str = "GM0014_2025Q1_voorvoegsel.xlsx") -> Path:
    """The dimension bomb with its tags in a namespace prefix (`<x:c>`), which calamine reads
    as well, in a sheet at a path of its own (the workbook's relationships name it)."""
    sheet = (b'<?xml version="1.0" encoding="UTF-8"?><x:worksheet xmlns:x="http://schemas.'
             b'openxmlformats.org/spreadsheetml/2006/main"><x:sheetData><x:row r="1048576">'
             b'<x:c r="XFD1048576"><x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>')  # fmt: skip

    def write(archive: zipfile.ZipFile) -> None:
        archive.writestr("xl/data/blad.xml", sheet)

    path = _workbook(
        folder / name, write, WORKBOOK_RELS.replace("worksheets/sheet1.xml", "data/blad.xml")
    )
    return path


def unnumbered_area(folder: Path, name: str = "GM0014_2025Q1_zondernummer.xlsx") -> Path:
    """No row or cell has a reference: 1,000 cells in the first row, then 10,000 rows; calamine
    counts their positions (10,001 rows × 1,000 columns). Random padding keeps the ratio low."""
    rows = b"<row>" + b"<c><v>1</v></c>" * 1000 + b"</row>" + b"<row/>" * 10_000
    rows += b"<row><c><v>1</v></c></row>"

    def write(archive: zipfile.ZipFile) -> None:
        archive.writestr("xl/worksheets/sheet1.xml", SHEET_START + rows + SHEET_END)
        archive.writestr("xl/media/padding.bin", os.urandom(2 << 10), zipfile.ZIP_STORED)

    return _workbook(folder / name, write)


def repeated_opendocument(folder: Path, name: str = "GM0014_2025Q1_herhaald.ods") -> Path:
    """An OpenDocument sheet of 1 KB: a row repeated 1,000,000 times, holding a value repeated
    1,000 times (calamine builds every one of them)."""
    content = (
        b'<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:'
        b'names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:'
        b'xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:'
        b'body><office:spreadsheet><table:table table:name="Blad1"><table:table-row table:number-'
        b'rows-repeated="1000000"><table:table-cell table:number-columns-repeated="1000" office:'
        b'value-type="float" office:value="1"><text:p>1</text:p></table:table-cell></table:table-'
        b"row></table:table></office:spreadsheet></office:body></office:document-content>"
    )
    path = folder / name
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path


def padded_zip_bomb(folder: Path, name: str = "GM0014_2025Q1_zipbom.xlsx") -> Path:
    """About 200 MB of cells in a few MB: under the declared-size cap, random padding keeps the
    compression ratio under its cap too."""
    row = b"".join(b'<c r="%s1"><v>1</v></c>' % bytes([65 + i]) for i in range(20))
    block = b'<row r="1">' + row + b"</row>"
    chunk = block * ((1 << 20) // len(block) + 1)

    def write(archive: zipfile.ZipFile) -> None:
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(SHEET_START)
            for _ in range(200):
                sheet.write(chunk)
            sheet.write(SHEET_END)
        archive.writestr("xl/media/padding.bin", os.urandom(2 << 20), zipfile.ZIP_STORED)

    return _workbook(folder / name, write)


def shared_string_copies(folder: Path, name: str = "GM0014_2025Q1_gedeeld.xlsx") -> Path:
    """1 MB: one shared string of 1,000,000 characters shown by 3,000 cells. Calamine copies it
    into every cell (3 GB): the process aborted when the rows were read."""
    text = bytes(random.Random(1).choices(b"abcdefghijklmnopqrstuvwxyz", k=1_000_000))
    shared = b'<?xml version="1.0" encoding="UTF-8"?><sst uniqueCount="1"><si><t>%s</t></si></sst>'
    cells = b"".join(b'<row r="%d">' % row + b"".join(
        b'<c r="%s%d" t="s"><v>0</v></c>' % (column, row) for column in (b"A", b"B", b"C"))
        + b"</row>" for row in range(1, 1001))  # fmt: skip

    def write(archive: zipfile.ZipFile) -> None:
        archive.writestr("xl/worksheets/sheet1.xml", SHEET_START + cells + SHEET_END)
        archive.writestr("xl/sharedStrings.xml", shared % text)

    return _workbook(folder / name, write)


def deep_json(folder: Path, name: str = "GM0014_2025Q1_diep.jsonl", depth: int = 100_000) -> Path:
    """One JSON-lines record nested 100,000 deep."""
    path = folder / name
    path.write_text('{"a": ' + "[" * depth + "]" * depth + "}\n", encoding="utf-8")
    return path


def million_columns(folder: Path, name: str = "GM0014_2025Q1_kolommen.csv") -> Path:
    """A CSV whose header row has 1,000,000 columns (2 MB)."""
    path = folder / name
    path.write_text(";".join("k" for _ in range(1_000_000)) + "\n1\n", encoding="utf-8")
    return path


def html_spans(folder: Path, name: str = "GM0014_2025Q1_spans.xls") -> Path:
    """An HTML 'xls' of 5 MB whose cells each span 1000 columns."""
    path = folder / name
    cells = '<td colspan="1000">x</td>' * 200
    rows = f"<tr>{cells}</tr>" * 1000
    path.write_text(f"<html><body><table>{rows}</table></body></html>", encoding="utf-8")
    return path


def oversized_unknown(folder: Path, size: int, name: str = "export_onbekend.csv") -> Path:
    """A CSV no profile knows by name, `size` bytes of valid rows."""
    path = folder / name
    line = b"incidentnummer;datum;gedrag\n" + b"1;2025-01-01;verbaal\n" * (size // 21 + 1)
    path.write_bytes(line[:size])
    return path


HOSTILE_CASES: dict[str, Callable[[Path], Path]] = {
    "dimensie-bom": dimension_bomb,
    "cel-onder-de-rijen": cell_below_its_rows,
    "voorvoegsel-en-eigen-pad": prefixed_dimension_bomb,
    "posities-zonder-nummer": unnumbered_area,
    "ods-herhaald": repeated_opendocument,
    "zip-bom-opgevuld": padded_zip_bomb,
    "gedeelde-tekst-kopieen": shared_string_copies,
    "diepe-json": deep_json,
    "miljoen-kolommen": million_columns,
    "html-spans": html_spans,
}
