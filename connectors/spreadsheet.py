"""Reading xlsx deliveries with python-calamine (cached values only, formulas never evaluated)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from python_calamine import CalamineWorkbook

from connectors.base import RawTable, cell_text, drop_blank_rows, find_header, frame_from_rows
from schemas.errors import DeliveryError
from schemas.profile import ReaderOptions

MAX_UNZIPPED_BYTES = 500 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200


def check_zip(path: Path) -> None:
    """Refuse what is not a zip, and zip bombs, before any spreadsheet library opens it."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise DeliveryError("S01", f"geen geldig Excel-bestand ({exc})", file=path.name) from exc
    unzipped = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if unzipped > MAX_UNZIPPED_BYTES or unzipped / packed > MAX_COMPRESSION_RATIO:
        raise DeliveryError("S01", "bestand pakt verdacht groot uit (zip-bom?)", file=path.name)


def read_sheet_rows(workbook: CalamineWorkbook, name: str) -> list[list[str | None]]:
    """All rows of one sheet as text cells."""
    sheet = workbook.get_sheet_by_name(name)
    return [[cell_text(v) for v in row] for row in sheet.to_python(skip_empty_area=False)]


def read_metadata(workbook: CalamineWorkbook, sheet: str) -> dict[str, str]:
    """A key/value sheet (`veld`, `waarde`) as a dict with lower-case keys."""
    if sheet not in workbook.sheet_names:
        return {}
    meta = {}
    for row in read_sheet_rows(workbook, sheet):
        if len(row) >= 2 and row[0] and row[1] is not None:
            meta[row[0].strip().lower()] = row[1]
    return meta


def read_xlsx(
    path: Path, options: ReaderOptions, expected: tuple[str, ...], metadata_sheet: str | None
) -> RawTable:
    """Read the data sheet: the named one, else the first whose header holds expected columns."""
    check_zip(path)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for broken files
        raise DeliveryError("S01", f"Excel-bestand niet te lezen ({exc})", file=path.name) from exc
    names = [options.sheet] if options.sheet else workbook.sheet_names
    for name in names:
        if name not in workbook.sheet_names:
            raise DeliveryError("S02", f"tabblad {name!r} ontbreekt", file=path.name)
        rows = read_sheet_rows(workbook, name)
        header_at = find_header(rows, expected)
        if header_at is None:
            continue
        data, numbers = drop_blank_rows(rows[header_at + 1 :],
                                        list(range(header_at + 2, len(rows) + 1)))  # fmt: skip
        cells = frame_from_rows([c or "" for c in rows[header_at]], data, numbers)
        meta = read_metadata(workbook, metadata_sheet) if metadata_sheet else {}
        return RawTable(cells=cells, file=path.name, sheet=name, metadata=meta)
    raise DeliveryError("S02", "geen tabblad met een herkenbare kopregel gevonden", file=path.name)
