"""Reading CSV deliveries (explicit encoding and delimiter from the profile).

The profile's encoding is never second-guessed: text that does not decode is an S01 that says
where and how to fix it. A UTF-8 byte-order mark is dropped. When the profile's delimiter leaves
the header as one column and another common delimiter gives a real header, that one is used.
"""

from __future__ import annotations

import codecs
import csv
import logging
import re
from collections.abc import Iterator
from itertools import chain
from pathlib import Path

from connectors.base import (
    HEADER_SCAN_ROWS,
    RawTable,
    drop_blank_rows,
    drop_trailing_totals,
    find_header,
    frame_from_rows,
)
from connectors.limits import MAX_COLUMNS, MAX_ROWS, over_limit
from schemas.edit_codes import EditCode
from schemas.errors import DeliveryError
from schemas.profile import ReaderOptions

logger = logging.getLogger(__name__)

SNIFF_DELIMITERS = ";,\t|"
SNIFF_SAMPLE_CHARS = 64 * 1024

Rows = list[list[str | None]]


def read_csv(path: Path, options: ReaderOptions, expected: tuple[str, ...]) -> RawTable:
    """Read a delimited file; every record keeps the line number it starts on."""
    text = decode_delivery(path, options.encoding)
    rows, numbers = _parse(text, options.delimiter, path.name)
    header_at = find_header(rows, expected)
    if not _has_header(rows, header_at):
        sniffed = sniff_delimiter(text, options.delimiter)
        if sniffed is not None:
            other_rows, other_numbers = _parse(text, sniffed, path.name)
            other_header = find_header(other_rows, expected)
            if _has_header(other_rows, other_header):
                logger.info(
                    "%s: delimiter %r from the profile gives one column; using sniffed %r",
                    path.name, options.delimiter, sniffed,
                )  # fmt: skip
                rows, numbers, header_at = other_rows, other_numbers, other_header
    if header_at is None:
        raise DeliveryError(EditCode.S02, "geen herkenbare kopregel gevonden", file=path.name)
    data, data_numbers = drop_blank_rows(rows[header_at + 1 :], numbers[header_at + 1 :])
    data, data_numbers, totals = drop_trailing_totals(data, data_numbers)
    for number in totals:
        logger.info("%s: totaalregel %d overgeslagen", path.name, number)
    cells = frame_from_rows([c or "" for c in rows[header_at]], data, data_numbers)
    return RawTable(cells=cells, file=path.name)


def decode_delivery(path: Path, encoding: str) -> str:
    """The file as text in the profile's encoding (UTF-8 without its BOM); S01 if it is not."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DeliveryError(EditCode.S01, f"bestand niet te lezen ({exc})", file=path.name) from exc
    if codecs.lookup(encoding).name == "utf-8":
        encoding = "utf-8-sig"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        expected = encoding.removesuffix("-sig")
        raise DeliveryError(
            EditCode.S01,
            f"regel {line}: teken (byte 0x{data[exc.start]:02x}) is geen geldige "
            f"{expected}-tekst{_encoding_hint(data, expected)}; sla het bestand op met "
            f"tekencodering {expected} en lever het opnieuw aan",
            file=path.name,
            detail=str(exc),
        ) from exc


def _encoding_hint(data: bytes, expected: str) -> str:
    """A hint about the file's real encoding, for the message only: nothing is decoded by it."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return " (het bestand lijkt UTF-16)"
    for other in ("utf-8", "cp1252"):
        if codecs.lookup(other).name == codecs.lookup(expected).name:
            continue
        try:
            data.decode(other)
        except UnicodeDecodeError:
            continue
        return f" (het bestand lijkt {other}-tekst)"
    return ""


MAX_TITLE_LINES = 10  # title lines above a table that delimiter sniffing looks past


def sniff_delimiter(text: str, current: str) -> str | None:
    """Another common delimiter csv.Sniffer finds in the start of the text, or None.

    Title lines above the table confuse the sniffer, so it tries again below each of the first
    few lines.
    """
    lines = text[:SNIFF_SAMPLE_CHARS].splitlines(keepends=True)
    for skip in range(min(len(lines), MAX_TITLE_LINES + 1)):
        try:
            dialect = csv.Sniffer().sniff("".join(lines[skip:]), delimiters=SNIFF_DELIMITERS)
        except csv.Error:
            continue
        found = str(dialect.delimiter)
        return found if found != current and found in SNIFF_DELIMITERS else None
    return None


def _has_header(rows: Rows, header_at: int | None) -> bool:
    """Whether a header row was found that spans at least two columns."""
    return header_at is not None and sum(c is not None for c in rows[header_at]) >= 2


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
# where str.splitlines also breaks a line (a CSV line ends at \r\n, \r or \n only)
_OTHER_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
CHUNK_CHARS = 1 << 20


def _lines(text: str) -> Iterator[str]:
    """The lines of a text with their endings, one at a time (as `open(newline="")` splits them:
    only at \\r\\n, \\r and \\n).

    Not io.StringIO: that copies the whole text into four bytes a character first. `str.splitlines`
    a chunk at a time (cut after a \\n) where no other character it breaks at occurs; else a regex.
    """
    if _OTHER_BREAKS.search(text):
        return (match.group() for match in _LINE.finditer(text))
    return chain.from_iterable(chunk.splitlines(keepends=True) for chunk in _chunks(text))


def _chunks(text: str) -> Iterator[str]:
    """The text in pieces of about CHUNK_CHARS, each ending just after a \\n (or the text's end)."""
    start = 0
    while start < len(text):
        cut = text.find("\n", start + CHUNK_CHARS)
        end = len(text) if cut < 0 else cut + 1
        yield text[start:end]
        start = end


def _parse(text: str, delimiter: str, file: str) -> tuple[Rows, list[int]]:
    """Records with the line number each starts on (a quoted newline keeps its record whole)."""
    reader = csv.reader(_lines(text), delimiter=delimiter)
    rows: Rows = []
    numbers: list[int] = []
    start = 1
    try:
        for record in reader:
            if len(record) > MAX_COLUMNS:
                raise over_limit(f"regel {start} heeft te veel kolommen", MAX_COLUMNS, file,
                                 found=len(record))  # fmt: skip
            if len(rows) >= MAX_ROWS + HEADER_SCAN_ROWS:
                raise over_limit("het bestand heeft te veel regels", MAX_ROWS, file)
            rows.append([v.strip() or None for v in record])
            numbers.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise DeliveryError(EditCode.S01, f"regel {start}: {exc}", file=file) from exc
    return rows, numbers
