"""Bounds of a zipped workbook (xlsx, xlsm, ods), checked before a spreadsheet library opens it.

A zip can declare small sizes and unpack huge ones, and a sheet of 2 KB can name a cell at
XFD1048576, which makes a reader allocate the whole sheet. So, without parsing any XML:
- the declared uncompressed sizes and the compression ratio are capped;
- every member is decompressed once as a stream, counting the real bytes (zipfile also stops a
  member at its declared size and checks its CRC, so a lying header is refused);
- in each xlsx worksheet the declared `<dimension ref=…>` and the largest row and column any
  cell reaches are capped, so the dense area a reader allocates (rows × columns) stays bounded,
  and so is the number of cells it holds (cells may repeat a position: the area is not enough).

Where a cell is depends on its reference (`r="C7"`), or, without one, on the cells and rows
before it, as calamine places it. Most sheets give every row and cell a reference that stays
within the rows: they are scanned with a few regular expressions. Any other sheet (a cell or row
without a reference, a cell below every row, a reference that is not one) is walked tag by tag
as calamine walks it (`_walk`): slower, and exact.
"""

from __future__ import annotations

import functools
import re
import zipfile
from collections.abc import Callable
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
DIMENSION = re.compile(rb'<dimension\s+ref="(?:[A-Z]+[0-9]+:)?([A-Z]{1,4})([0-9]{1,8})"')
ROW_TAG = re.compile(rb'<row(?:\s[^>]*?\br="([^"]{1,16})"|(?=[\s>/]))')  # b"" without r
TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s>/])([^>]*)>")  # calamine's: any prefix
ODS_TAG = re.compile(  # OpenDocument: a sheet, a row, a cell (repeated by an attribute)
    rb"<(?:[A-Za-z_][\w.-]*:)?(table|table-row|table-cell|covered-table-cell)(?=[\s>/])([^>]*)>"
)
SHEET_NAME = re.compile(rb'\bname="([^"]*)"')
REPEATED = re.compile(rb'number-(rows|columns)-repeated="([^"]*)"')
SHEET_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:row|c)(?=[\s>/])")
PREFIXED = re.compile(rb":(?:c|row)[\s>/]")
REFERENCE = re.compile(rb'\br="([^"]*)"')
CELL_REFERENCE = re.compile(rb"([A-Z]{1,4})([1-9][0-9]{0,7})")
MAX_SHEET_ROWS = MAX_ROWS + HEADER_SCAN_ROWS  # data rows plus title and header rows above them


@dataclass
class SheetExtent:
    """The largest row and column a worksheet reaches, and its cells so far."""

    rows: int = 0
    columns: int = 0
    cells: int = 0
    unnumbered_rows: int = 0  # rows without a reference (each one below the one before)
    name: str = ""  # an OpenDocument sheet's name (its sheets share one member)
    row: int = 0  # the walk: the row and column the last tag placed (`_walk`)
    column: int = 0

    @property
    def reach(self) -> int:
        """The lowest row any cell can be in."""
        return self.rows + self.unnumbered_rows


class _Irregular(Exception):
    """A sheet the regular-expression scan cannot bound: it is walked tag by tag instead."""


def column_number(letters: str) -> int:
    """An Excel column as a number: A → 1, XFD → 16384."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def above(number: int) -> str:
    """A regular expression for the decimal numbers (no leading zero) greater than `number`."""
    digits = str(number)
    options = [f"[1-9][0-9]{{{len(digits)},}}"]  # more digits
    for i, digit in enumerate(digits):
        if digit != "9":
            options.append(f"{digits[:i]}[{int(digit) + 1}-9][0-9]{{{len(digits) - i - 1}}}")
    return "(?:" + "|".join(options) + ")"


@functools.lru_cache(maxsize=256)
def _cells_within(rows: int) -> re.Pattern[bytes]:
    """Every cell tag: its column letters when its reference names a row up to `rows`, else
    b"" (no reference, a row further down, not a reference)."""
    return re.compile(
        rb'<c(?:\s[^>]*?\br="([A-Z]{1,4})(?!0|'
        + above(rows).encode()
        + rb'")[0-9]{1,8}"|(?=[\s>/]))'
    )


def check_workbook_zip(path: Path) -> dict[str, SheetExtent]:
    """Refuse a zipped workbook beyond the limits (S01), before any spreadsheet library opens it;
    the extent of each member that holds rows or cells."""
    extents: dict[str, SheetExtent] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            _check_declared(path, infos)
            unzipped = 0
            for info in infos:
                unzipped, extent = _stream_member(path, archive, info, unzipped)
                if extent.rows or extent.cells:
                    extents[info.filename] = extent
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
        raise DeliveryError(
            EditCode.S01, f"geen geldig Excel-bestand ({exc})", file=path.name
        ) from exc
    return extents


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


def _stream_member(
    path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo, total: int
) -> tuple[int, SheetExtent]:
    """Decompress one member as a stream: count its real bytes, bound the extent of the sheet it
    may be (by the scan; one it cannot bound is read again and walked). Every member: the
    workbook's relationships, not the name, say which members are sheets."""
    if info.filename == "content.xml":  # where an OpenDocument spreadsheet keeps its sheets
        return _read_member(path, archive, info, total, _walk_ods)
    try:
        return _read_member(path, archive, info, total, _scan)
    except _Irregular:
        return _read_member(path, archive, info, total, _walk)


Scanner = Callable[[Path, str, bytes, SheetExtent], None]


def _read_member(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo, total: int,
                 scan: Scanner) -> tuple[int, SheetExtent]:  # fmt: skip
    """The member's bytes, counted against MAX_UNZIPPED_BYTES, each piece of whole tags scanned."""
    extent, carry = SheetExtent(), b""
    with archive.open(info) as member:
        while chunk := member.read(CHUNK_BYTES):
            total += len(chunk)
            if total > MAX_UNZIPPED_BYTES:
                raise over_limit("bestand pakt uit tot te veel bytes (zip-bom?)",
                                 MAX_UNZIPPED_BYTES, path.name)  # fmt: skip
            text = carry + chunk
            cut = (
                text.rfind(b">") + 1
            )  # whole tags only; an unfinished one waits for the next chunk
            scan(path, info.filename, text[:cut], extent)
            carry = _unfinished_tag(path, text[cut:])
    return total, extent


def _unfinished_tag(path: Path, rest: bytes) -> bytes:
    """What of the text after a chunk's last `>` the next chunk needs: the tag it starts, if any
    (never more than a chunk: a longer row or cell tag is refused, any other longer tag skipped)."""
    start = rest.rfind(b"<")
    if start < 0:
        return b""
    if len(rest) - start <= CHUNK_BYTES:
        return rest[start:]
    if SHEET_TAG.match(rest, start):
        raise over_limit("werkblad heeft een rij of cel met een te lange XML-tag (bytes)",
                         CHUNK_BYTES, path.name)  # fmt: skip
    return b""


def _scan(path: Path, sheet: str, text: bytes, extent: SheetExtent) -> None:
    """Bound a worksheet's extent from a piece of its XML with a few regular expressions: when
    every cell in it has a reference to a row that a row tag reaches; else `_Irregular`."""
    _check_dimension(path, sheet, text)
    if PREFIXED.search(text):  # maybe a tag with a namespace prefix (calamine reads them too)
        raise _Irregular
    named = ROW_TAG.findall(text)
    numbers = [n for n in named if n]
    if not all(n.isdigit() and len(n) <= 8 for n in numbers):
        raise _Irregular
    extent.unnumbered_rows += len(named) - len(numbers)
    extent.rows = max(extent.rows, max(map(int, numbers), default=0))
    reachable = extent.reach  # a row without a reference is one lower than the one before
    letters = _cells_within(reachable).findall(text)
    extent.cells += len(letters)
    _check_cells(path, sheet, extent)
    if b"" in letters:
        raise _Irregular
    if letters:
        widest = max(set(letters), key=lambda c: (len(c), c))
        extent.columns = max(extent.columns, column_number(widest.decode()))
    _check_extent(path, sheet, reachable, extent.columns)


def _walk(path: Path, sheet: str, text: bytes, extent: SheetExtent) -> None:
    """Place every row and cell of a piece of XML as calamine does: at its reference, or else a
    row one below the row before and a cell one right of the cell before."""
    _check_dimension(path, sheet, text)
    for tag, attributes in TAG.findall(text):
        reference = REFERENCE.search(attributes)
        if tag == b"row":
            extent.column = 0
            if reference is None:
                extent.row += 1
            elif reference[1].isdigit() and len(reference[1]) <= 8:
                extent.row = int(reference[1])
            else:
                raise _invalid_reference(path, sheet, "rij")
            extent.rows = max(extent.rows, extent.row)
            continue
        extent.cells += 1
        if reference is None:
            extent.column += 1
        else:
            parts = CELL_REFERENCE.fullmatch(reference[1])
            if parts is None:
                raise _invalid_reference(path, sheet, "cel")
            extent.column = column_number(parts[1].decode())
            extent.rows = max(extent.rows, int(parts[2]))
        extent.columns = max(extent.columns, extent.column)
    _check_cells(path, sheet, extent)
    _check_extent(path, sheet, extent.rows, extent.columns)


def _walk_ods(path: Path, sheet: str, text: bytes, extent: SheetExtent) -> None:
    """Place the rows and cells of an OpenDocument sheet as calamine does: a row or cell counts
    as often as it is repeated, and reaches the area when it holds a value (calamine skips the
    empty ones, such as the million empty rows LibreOffice writes below a table)."""
    for tag, attributes in ODS_TAG.findall(text):
        if tag == b"table":  # a sheet of its own: the one before is done
            _check_extent(path, extent.name, extent.rows, extent.columns)
            name = SHEET_NAME.search(attributes)
            extent.name = name[1].decode("utf-8", "replace")[:60] if name else "?"
            extent.rows = extent.columns = extent.cells = extent.row = extent.column = 0
            continue
        repeated = _repeats(path, attributes)
        if tag == b"table-row":
            extent.unnumbered_rows = repeated  # how often the row's cells repeat downwards
            extent.row += repeated
            extent.column = 0
            continue
        extent.column += repeated
        if b"value-type" in attributes or not attributes.rstrip().endswith(b"/"):
            extent.rows = max(extent.rows, extent.row)
            extent.columns = max(extent.columns, extent.column)
            extent.cells += repeated * max(extent.unnumbered_rows, 1)
            _check_cells(path, extent.name, extent)
    _check_extent(path, extent.name, extent.rows, extent.columns)


def _repeats(path: Path, attributes: bytes) -> int:
    """How often an OpenDocument row or cell repeats (its number-…-repeated, 1 without one)."""
    found = REPEATED.search(attributes)
    if found is None:
        return 1
    if not found[2].isdigit() or len(found[2]) > 8:
        raise _invalid_reference(path, "content.xml", "rij of cel")
    return max(1, int(found[2]))


def _invalid_reference(path: Path, sheet: str, what: str) -> DeliveryError:
    name = sheet.rsplit("/", 1)[-1].removesuffix(".xml")
    return DeliveryError(
        EditCode.S01, f"werkblad {name} heeft een {what} met een ongeldige verwijzing (r=...); "
        "sla het bestand in Excel opnieuw op als .xlsx en lever het opnieuw aan", file=path.name,
    )  # fmt: skip


def _check_dimension(path: Path, sheet: str, text: bytes) -> None:
    """The area a sheet declares (`<dimension ref=…>`), when this piece of it holds it."""
    declared = DIMENSION.search(text)
    if declared:
        _check_extent(path, sheet, int(declared[2]), column_number(declared[1].decode()))


def _check_cells(path: Path, sheet: str, extent: SheetExtent) -> None:
    if extent.cells > MAX_CELLS:
        name = sheet.rsplit("/", 1)[-1].removesuffix(".xml")
        raise over_limit(f"werkblad {name} heeft te veel cellen", MAX_CELLS, path.name)


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
