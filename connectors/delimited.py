"""Reading CSV deliveries (explicit encoding and delimiter from the profile)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from connectors.base import RawTable, drop_blank_rows, find_header, frame_from_rows
from schemas.errors import DeliveryError
from schemas.profile import ReaderOptions


def read_csv(path: Path, options: ReaderOptions, expected: tuple[str, ...]) -> RawTable:
    """Read a delimited file; every record keeps the line number it starts on."""
    try:
        text = path.read_bytes().decode(options.encoding)
    except (UnicodeDecodeError, OSError) as exc:
        raise DeliveryError(
            "S01", f"niet te lezen als {options.encoding}-tekst ({exc})", file=path.name
        ) from exc
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=options.delimiter)
    rows: list[list[str | None]] = []
    numbers: list[int] = []
    start = 1
    try:
        for record in reader:
            rows.append([v.strip() or None for v in record])
            numbers.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise DeliveryError("S01", f"regel {start}: {exc}", file=path.name) from exc
    header_at = find_header(rows, expected)
    if header_at is None:
        raise DeliveryError("S02", "geen herkenbare kopregel gevonden", file=path.name)
    data, data_numbers = drop_blank_rows(rows[header_at + 1 :], numbers[header_at + 1 :])
    cells = frame_from_rows([c or "" for c in rows[header_at]], data, data_numbers)
    return RawTable(cells=cells, file=path.name)
