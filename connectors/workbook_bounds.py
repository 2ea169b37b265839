"""Bounds of a zipped workbook (xlsx, xlsm, ods), checked before a spreadsheet library opens it.

A zip can declare small sizes and unpack huge ones, and a sheet of 2 KB can name a cell at
XFD1048576, which makes a reader allocate the whole sheet. So, without parsing any XML:
- the declared uncompressed sizes and the compression ratio are capped;
- every member is decompressed once as a stream, counting the real bytes (zipfile also stops a
  member at its declared size and checks its CRC, so a lying header is refused);
- in each xlsx worksheet the declared `<dimension ref=…>` and the largest row and column any
  cell names are capped, so the dense area a reader allocates (rows × columns) stays bounded,
  and so is the number of cells it holds (cells may repeat a position: the area is not enough).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from connectors.base import HEADER_SCAN_ROWS
from connectors.limits import (
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_COMPRESSION_RATIO,
    MAX_ROWS,
    MAX_UNZIPPED_BYTES,
    over_limit,
)
from schemas.edit_codes import EditCode
from schemas.errors import DeliveryError

CHUNK_BYTES = 1 << 20
WORKSHEET = re.compile(r"xl/worksheets/[^/]+\.xml", re.IGNORECASE)
DIMENSION = re.compile(rb'<dimension\s+ref="(?:[A-Z]+[0-9]+:)?([A-Z]{1,4})([0-9]{1,8})"')
CELL_COLUMN = re.compile(rb'<c\s[^>]*?r="([A-Z]{1,4})[0-9]')
ROW_NUMBER = re.compile(rb'<row\s[^>]*?r="([0-9]{1,8})"')
MAX_SHEET_ROWS = MAX_ROWS + HEADER_SCAN_ROWS  # data rows plus title and header rows above them


@dataclass
class SheetExtent:
    """The largest row and column a worksheet names."""

    rows: int = 0
    columns: int = 0
    cells: int = 0


def column_number(letters: str) -> int:
    """An Excel column as a number: A → 1, XFD → 16384."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def check_workbook_zip(path: Path) -> None:
    """Refuse a zipped workbook beyond the limits (S01), before any spreadsheet library opens it."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            _check_declared(path, infos)
            unzipped = 0
            for info in infos:
                unzipped = _stream_member(path, archive, info, unzipped)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
        raise DeliveryError(
            EditCode.S01, f"geen geldig Excel-bestand ({exc})", file=path.name
        ) from exc


def _check_declared(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    """The sizes the zip declares: total and compression ratio."""
    unzipped = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if unzipped > MAX_UNZIPPED_BYTES:
        raise over_limit("bestand pakt uit tot te veel bytes (zip-bom?)", MAX_UNZIPPED_BYTES,
                         path.name, unzipped)  # fmt: skip
    if unzipped / packed > MAX_COMPRESSION_RATIO:
        raise over_limit("bestand pakt verdacht sterk uit (zip-bom?), factor",
                         MAX_COMPRESSION_RATIO, path.name, unzipped // packed)  # fmt: skip


def _stream_member(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo, total: int) -> int:
    """Decompress one member as a stream: count its real bytes, scan a worksheet's extent."""
    extent = SheetExtent() if WORKSHEET.fullmatch(info.filename) else None
    carry = b""
    with archive.open(info) as member:
        while chunk := member.read(CHUNK_BYTES):
            total += len(chunk)
            if total > MAX_UNZIPPED_BYTES:
                raise over_limit("bestand pakt uit tot te veel bytes (zip-bom?)",
                                 MAX_UNZIPPED_BYTES, path.name)  # fmt: skip
            if extent is not None:
                text = carry + chunk
                cut = (
                    text.rfind(b">") + 1
                )  # scan whole tags only; the rest waits for the next chunk
                _scan(path, info.filename, text[:cut], extent)
                carry = text[cut:][-4096:]
    return total


def _scan(path: Path, sheet: str, text: bytes, extent: SheetExtent) -> None:
    """Update a worksheet's extent from a piece of its XML; refuse it when it is too large."""
    declared = DIMENSION.search(text)
    if declared:
        _check_extent(path, sheet, int(declared.group(2)), column_number(declared[1].decode()))
    letters = set(CELL_COLUMN.findall(text))
    if letters:
        widest = max(letters, key=lambda c: (len(c), c))
        extent.columns = max(extent.columns, column_number(widest.decode()))
    extent.cells += text.count(b"<c ") + text.count(b"<c>")
    if extent.cells > MAX_CELLS:
        name = sheet.rsplit("/", 1)[-1].removesuffix(".xml")
        raise over_limit(f"werkblad {name} heeft te veel cellen", MAX_CELLS, path.name)
    rows = ROW_NUMBER.findall(text)
    if rows:
        extent.rows = max(extent.rows, max(int(r) for r in rows))
    _check_extent(path, sheet, extent.rows, extent.columns)


def _check_extent(path: Path, sheet: str, rows: int, columns: int) -> None:
    """Refuse a sheet beyond MAX_SHEET_ROWS rows, MAX_COLUMNS columns or MAX_CELLS in its area."""
    name = sheet.rsplit("/", 1)[-1].removesuffix(".xml")
    if rows > MAX_SHEET_ROWS:
        raise over_limit(f"werkblad {name} heeft te veel rijen", MAX_SHEET_ROWS, path.name, rows)
    if columns > MAX_COLUMNS:
        raise over_limit(f"werkblad {name} heeft te veel kolommen", MAX_COLUMNS, path.name,
                         columns)  # fmt: skip
    if rows * columns > MAX_CELLS:
        raise over_limit(f"werkblad {name} beslaat te veel cellen ({rows} rijen × {columns} "
                         "kolommen)", MAX_CELLS, path.name, rows * columns)  # fmt: skip
