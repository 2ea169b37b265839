"""Reading spreadsheet deliveries: xlsx, xlsm, xls and ods with python-calamine, HTML 'xls' too.

Calamine opens a workbook by its content, not its extension, and returns the values Excel cached
for formulas: a formula is never evaluated, and one without a cached value is an empty cell.
"""

from __future__ import annotations

import contextlib
import functools
import io
import logging
import zipfile
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from itertools import zip_longest
from pathlib import Path

from python_calamine import CalamineWorkbook, PasswordError, SheetVisibleEnum

from connectors.base import (
    HEADER_SCAN_ROWS,
    RawTable,
    drop_blank_rows,
    drop_trailing_totals,
    frame_from_rows,
    header_hits,
    most_hits,
    row_text,
)
from connectors.html_table import looks_like_html, read_html_tables
from connectors.sheet_parts import read_in_parts
from connectors.workbook_bounds import BoundedWorkbook, bounded_workbook
from schemas.edit_codes import EditCode
from schemas.errors import DeliveryError
from schemas.profile import ReaderOptions

log = logging.getLogger(__name__)

ZIP_MAGIC = b"PK\x03\x04"  # xlsx, xlsm, ods
ZIP_END = b"PK\x05\x06"  # a zip's end record, where a zip reader starts
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # xls (BIFF)

Rows = list[list[str | None]]


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook (or one table of an HTML file), its rows read on demand."""

    name: str
    visible: bool
    read_rows: Callable[[], Rows]


@dataclass(frozen=True)
class Header:
    """Where a sheet's header is: its column names and the index of the first row below it."""

    names: list[str | None]
    data_from: int
    hits: int  # how many expected columns it names


def read_sheet_rows(workbook: CalamineWorkbook, name: str) -> Rows:
    """All rows of one sheet as text cells; index + 1 is the row number Excel shows."""
    sheet = workbook.get_sheet_by_name(name)
    return [row_text(row) for row in sheet.to_python(skip_empty_area=False)]


# the sheets `opened_once` keeps per file while its block runs (or why the file was refused)
_opened: ContextVar[dict[Path, list[Sheet] | DeliveryError] | None] = ContextVar(
    "opened_sheets", default=None
)


@contextlib.contextmanager
def opened_once() -> Iterator[None]:
    """Within the block a file's sheets are opened once (read, bounded, handed to calamine), and
    a file refused is refused once: recognising a file by its headers reads it with every
    profile of its kind (three for xlsx), and the bounds of a 100,000-row workbook took ~0.25 s
    each time. What the block opened is let go at its end."""
    token = _opened.set({})
    try:
        yield
    finally:
        _opened.reset(token)


def open_sheets(path: Path) -> list[Sheet]:
    """The sheets of a delivery, by what its first bytes say it is (not by its extension); once
    per file inside `opened_once`."""
    opened = _opened.get()
    if opened is None:
        return _open_sheets(path)
    found = opened.get(path)
    if isinstance(found, DeliveryError):
        raise found  # its traceback still shows where the file was refused
    if found is None:
        try:
            found = opened[path] = _open_sheets(path)
        except DeliveryError as refusal:
            opened[path] = refusal
            raise
    return found


def _open_sheets(path: Path) -> list[Sheet]:
    data = path.read_bytes()
    if data.startswith(ZIP_MAGIC) or zipfile.is_zipfile(io.BytesIO(data)):
        # what calamine opens is the workbook the bounds read, written anew (also a zip behind
        # another header); the file's own bytes let go of
        bounded = bounded_workbook(path, data)
        return _calamine_sheets(path, bounded.data, bounded)
    if data.startswith(OLE2_MAGIC):
        # calamine reads an xls it cannot parse as a zip if it finds one, whose end record
        # zipfile may not see (cut short after it): unbounded. No xls needs one
        if ZIP_END in data:
            raise DeliveryError(
                EditCode.S01, "xls-bestand met een zip-archief erin; sla het bestand in Excel "
                "op als .xlsx en lever het opnieuw aan", file=path.name,
            )  # fmt: skip
        return _calamine_sheets(path, data)
    if looks_like_html(data[:1024]):
        tables = read_html_tables(data, path.name)
        if not tables:
            raise DeliveryError(EditCode.S01, "HTML-bestand zonder tabel", file=path.name)
        return [Sheet(name, True, _fixed(rows)) for name, rows in tables.items()]
    raise DeliveryError(
        EditCode.S01,
        "geen Excel-bestand (xlsx, xlsm, xls of ods) en geen HTML-tabel; "
        "sla het bestand in Excel op als .xlsx en lever het opnieuw aan",
        file=path.name,
    )


def _fixed(rows: list[list[str]]) -> Callable[[], Rows]:
    """Rows already read, as text cells (empty → None)."""
    return lambda: [row_text(row) for row in rows]


def _calamine_sheets(
    path: Path, data: bytes, bounded: BoundedWorkbook | None = None
) -> list[Sheet]:
    """Open a workbook with calamine, by content; broken or protected files are S01. A large
    sheet, the workbook's only one, is read in parts when it can be (`bounded`: the workbook as
    the bounds wrote it anew; `connectors.sheet_parts`)."""
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        metadata = workbook.sheets_metadata
    except PasswordError as exc:
        raise DeliveryError(
            EditCode.S01,
            "bestand is met een wachtwoord beveiligd; lever het zonder aan",
            file=path.name,
        ) from exc
    except BaseException as exc:  # calamine's own errors, and a Rust panic (a BaseException)
        if not _calamine_failure(exc):
            raise
        raise DeliveryError(
            EditCode.S01, f"Excel-bestand niet te lezen ({exc})", file=path.name
        ) from exc
    in_parts = None  # only where the bounds kept a large sheet's bytes (nothing for a small one)
    if len(metadata) == 1 and bounded is not None and bounded.kept:
        in_parts = functools.partial(read_in_parts, bounded, row=row_text, failed=_calamine_failure)
    visible = SheetVisibleEnum.Visible
    return [
        Sheet(m.name, m.visible == visible, _sheet_reader(path, workbook, m.name, in_parts))
        for m in metadata
    ]


def _sheet_reader(path: Path, workbook: CalamineWorkbook, name: str,
                  in_parts: Callable[[str], Rows | None] | None,
                  ) -> Callable[[], Rows]:  # fmt: skip
    """Read one sheet later, in parts if it can be (`in_parts`: None when it cannot); a sheet
    calamine cannot read is S01."""

    def read() -> Rows:
        try:
            rows = in_parts(name) if in_parts else None
            return read_sheet_rows(workbook, name) if rows is None else rows
        except BaseException as exc:  # calamine's own errors, and a Rust panic
            if not _calamine_failure(exc):
                raise
            message = f"tabblad {name!r} niet te lezen ({exc})"
            raise DeliveryError(EditCode.S01, message, file=path.name) from exc

    return read


def _calamine_failure(exc: BaseException) -> bool:
    """Whether calamine failed on the file: an error, or a panic in its Rust code (pyo3 raises
    `PanicException`, a BaseException) — not an interrupt or an exit."""
    return isinstance(exc, Exception) or type(exc).__name__ == "PanicException"


def combine_header_rows(upper: list[str | None], lower: list[str | None]) -> list[str | None]:
    """Two header rows as one: per column the lower cell if it has text, else the upper one.

    Under a merged group label ("Gedrag" over three columns) the lower cells name the columns;
    a column merged over both rows has its name in the upper cell only.
    """
    return [lo or up for up, lo in zip_longest(upper, lower)]


def locate_header(rows: Rows, expected: tuple[str, ...]) -> Header | None:
    """The header among the first rows that names most expected columns, one row or two.

    Two rows are combined only when together they name more expected columns than either alone;
    on a tie the earlier (and the single-row) header wins. None when no row names any.
    """
    scan = rows[: HEADER_SCAN_ROWS + 1]
    single: dict[int, int] = {}

    def hits_of(i: int) -> int:
        if i not in single:
            single[i] = header_hits(scan[i], expected)
        return single[i]

    best: Header | None = None
    for i, row in enumerate(scan[:HEADER_SCAN_ROWS]):
        # a candidate that cannot beat the best so far is not compared (`most_hits`)
        if most_hits(row, expected) > _hits(best) and hits_of(i) > _hits(best):
            best = Header(row, i + 1, hits_of(i))
        if i + 1 < len(scan):
            names = combine_header_rows(row, scan[i + 1])
            if most_hits(names, expected) > _hits(best):
                hits = header_hits(names, expected)
                if hits > max(hits_of(i), hits_of(i + 1), _hits(best)):
                    best = Header(names, i + 2, hits)
    return best


def _hits(header: Header | None) -> int:
    return header.hits if header else 0


def choose_sheet(
    path: Path, sheets: list[Sheet], options: ReaderOptions, expected: tuple[str, ...]
) -> tuple[Sheet, Rows, Header]:
    """The named sheet, else the visible sheet whose header names most expected columns."""
    if options.sheet:
        named = [s for s in sheets if s.name == options.sheet]
        if not named:
            raise DeliveryError(
                EditCode.S02, f"tabblad {options.sheet!r} ontbreekt", file=path.name
            )
        candidates = named
    else:
        candidates = [s for s in sheets if s.visible]
    best: tuple[Sheet, Rows, Header] | None = None
    for sheet in candidates:
        rows = sheet.read_rows()
        header = locate_header(rows, expected)
        if header and (best is None or header.hits > best[2].hits):
            best = (sheet, rows, header)
    if best is None:
        raise DeliveryError(EditCode.S02, _no_header_message(sheets, candidates), file=path.name)
    return best


def _no_header_message(sheets: list[Sheet], searched: list[Sheet]) -> str:
    """Why no header was found, with the hidden sheets that were not searched."""
    message = "geen tabblad met een herkenbare kopregel gevonden"
    if len(searched) == 1:
        message = f"tabblad {searched[0].name!r} heeft geen herkenbare kopregel"
    hidden = [s.name for s in sheets if s not in searched and not s.visible]
    if hidden:
        message += f" (verborgen tabbladen niet doorzocht: {', '.join(hidden)}; maak ze zichtbaar)"
    return message


def read_metadata(sheets: list[Sheet], name: str) -> dict[str, str]:
    """A key/value sheet (`veld`, `waarde`) as a dict with lower-case keys."""
    meta = {}
    for sheet in (s for s in sheets if s.name == name):
        for row in sheet.read_rows():
            if len(row) >= 2 and row[0] and row[1] is not None:
                meta[row[0].strip().lower()] = row[1]
    return meta


def read_xlsx(
    path: Path, options: ReaderOptions, expected: tuple[str, ...], metadata_sheet: str | None
) -> RawTable:
    """Read the data sheet: the named one, else the visible one whose header fits best.

    Blank rows and total rows at the end of the table are left out; every other row keeps the
    row number the employer sees in their own file.
    """
    sheets = open_sheets(path)
    sheet, rows, header = choose_sheet(path, sheets, options, expected)
    numbers = list(range(header.data_from + 1, len(rows) + 1))
    data, numbers = drop_blank_rows(rows[header.data_from :], numbers)
    data, numbers, totals = drop_trailing_totals(data, numbers)
    for number in totals:
        log.info("%s, tabblad %r: totaalregel %d overgeslagen", path.name, sheet.name, number)
    cells = frame_from_rows([c or "" for c in header.names], data, numbers)
    meta = read_metadata(sheets, metadata_sheet) if metadata_sheet else {}
    return RawTable(cells=cells, file=path.name, sheet=sheet.name, metadata=meta)
