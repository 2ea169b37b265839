"""Reading CSV deliveries (explicit encoding and delimiter from the profile).

The profile's encoding is never second-guessed: text that does not decode is an S01 that says
where and how to fix it. A UTF-8 byte-order mark is dropped. When the profile's delimiter leaves
the header as one column and another common delimiter gives a real header, that one is used.

Most exports quote nothing and pad no cell. Such a text of some size whose records below the
header are all as wide is read into columns by Arrow's CSV reader (`_read_columns`); another plain
text is split at its line ends and delimiters in C (`_parse_plain`, in a third of the csv module's
time); any other is read by the csv module. All give the same records: property tests hold the
records to the csv module's reading, and the columns to the records.
"""

from __future__ import annotations

import codecs
import csv
import functools
import logging
import re
from collections.abc import Iterator
from itertools import chain, islice
from pathlib import Path
from typing import cast

import numpy as np
import pyarrow as pa
import pyarrow.compute as pa_compute
import pyarrow.csv as pa_csv

from connectors.base import (
    HEADER_SCAN_ROWS,
    RawTable,
    drop_blank_rows,
    drop_trailing_totals,
    find_header,
    frame_from_block,
    frame_from_rows,
    table_end,
    unique_headers,
)
from connectors.limits import MAX_COLUMNS, MAX_ROWS, over_limit
from schemas.edit_codes import EditCode
from schemas.errors import DeliveryError
from schemas.profile import ReaderOptions

logger = logging.getLogger(__name__)

SNIFF_DELIMITERS = ";,\t|"
# a text from which Arrow reads the columns: below, its per-call cost (~0.4 ms) outweighs it
COLUMNS_FROM_CHARS = 64 * 1024
SNIFF_SAMPLE_CHARS = 64 * 1024

Rows = list[list[str | None]]


def read_csv(path: Path, options: ReaderOptions, expected: tuple[str, ...]) -> RawTable:
    """Read a delimited file; every record keeps the line number it starts on."""
    text = decode_delivery(path, options.encoding)
    columns = None
    if len(text) >= COLUMNS_FROM_CHARS:
        columns = _read_columns(text, options.delimiter, expected, path.name)
    return columns or _read_records(text, options.delimiter, expected, path.name)


def _read_records(text: str, delimiter: str, expected: tuple[str, ...], file: str) -> RawTable:
    """`read_csv` of any text, record by record (a sniffed delimiter when the profile's gives
    no header)."""
    rows, numbers = _parse(text, delimiter, file)
    header_at = find_header(rows, expected)
    if not _has_header(rows, header_at):
        sniffed = sniff_delimiter(text, delimiter)
        if sniffed is not None:
            other_rows, other_numbers = _parse(text, sniffed, file)
            other_header = find_header(other_rows, expected)
            if _has_header(other_rows, other_header):
                logger.info(
                    "%s: delimiter %r from the profile gives one column; using sniffed %r",
                    file, delimiter, sniffed,
                )  # fmt: skip
                rows, numbers, header_at = other_rows, other_numbers, other_header
    if header_at is None:
        raise DeliveryError(EditCode.S02, "geen herkenbare kopregel gevonden", file=file)
    data, data_numbers = drop_blank_rows(rows[header_at + 1 :], numbers[header_at + 1 :])
    data, data_numbers, totals = drop_trailing_totals(data, data_numbers)
    for number in totals:
        logger.info("%s: totaalregel %d overgeslagen", file, number)
    cells = frame_from_rows([c or "" for c in rows[header_at]], data, data_numbers)
    return RawTable(cells=cells, file=file)


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
    return header_at is not None and sum(1 for c in rows[header_at] if c) >= 2


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
    return _split_lines(text)


def _split_lines(text: str) -> Iterator[str]:
    """`_lines` of a text without the other characters str.splitlines breaks at."""
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
    """Records with the line number each starts on (a quoted newline keeps its record whole);
    a cell is its text without surrounding whitespace, an empty cell is empty text or None."""
    if _plain(text, delimiter):
        return _parse_plain(text, delimiter, file)
    return _parse_quoted(text, delimiter, file)


# what str.strip strips (str.isspace), but the line ends: a cell never holds one outside quotes
_SPACES = ("\t\x0b\x0c\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
           "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")  # fmt: skip
# per character: in a cell, a space, a cell's edge (the delimiter, \r, \n), or what only the
# csv module reads as it should (a quote, NUL, a line break of str.splitlines but not of csv)
_OTHER, _SPACE, _EDGE, _NOT_PLAIN = 0, 1, 2, 3
_NOT_PLAIN_CHARACTERS = '"\x00\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029'
_WIDEST = max(map(ord, _SPACES + _NOT_PLAIN_CHARACTERS))


def _plain(text: str, delimiter: str) -> bool:
    """Whether a line is a record and a record is its line split at the delimiter, with cells
    that need no stripping, as the csv module reads it: no quote, no NUL, no line break but \r
    and \n, a delimiter that is no space, and no space beside a delimiter or at a line's ends.

    Looked up per character with numpy (~20 ms for 100,000 lines; a regular expression for the
    line breaks alone took 40 ms, six searches of the text for each space character 90 ms)."""
    if not text:
        return True
    if delimiter in _SPACES or delimiter in _NOT_PLAIN_CHARACTERS:
        return False
    try:
        points: np.ndarray = np.frombuffer(text.encode("latin-1"), dtype=np.uint8)
    except UnicodeEncodeError:
        wide = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        points = np.minimum(wide, _WIDEST + 1)  # beyond every listed character: _OTHER
    kinds = _kinds(delimiter, 256 if points.dtype == np.uint8 else _WIDEST + 2)[points]
    if (kinds == _NOT_PLAIN).any():
        return False
    spaces = np.flatnonzero(kinds == _SPACE)
    if not len(spaces):
        return True
    if spaces[0] == 0 or spaces[-1] == len(kinds) - 1:
        return False
    return not ((kinds[spaces - 1] == _EDGE).any() or (kinds[spaces + 1] == _EDGE).any())


@functools.lru_cache(maxsize=16)
def _kinds(delimiter: str, size: int) -> np.ndarray:
    """The kind of every code point below `size`, for this delimiter."""
    table = np.full(size, _OTHER, dtype=np.uint8)
    for kind, characters in ((_SPACE, _SPACES), (_EDGE, delimiter + "\r\n"),
                             (_NOT_PLAIN, _NOT_PLAIN_CHARACTERS)):  # fmt: skip
        table[[ord(c) for c in characters if ord(c) < size]] = kind
    return table


def _parse_plain(text: str, delimiter: str, file: str) -> tuple[Rows, list[int]]:
    """`_parse` of a `_plain` text: each line split at the delimiter (in C, a third of the csv
    module's time); the same records, line numbers, limits and messages."""
    lines = text.splitlines()
    if len(lines) > MAX_ROWS + HEADER_SCAN_ROWS:  # what the csv module would have read by then
        lines = lines[: MAX_ROWS + HEADER_SCAN_ROWS + 1]
    if lines and max(map(len, lines)) >= csv.field_size_limit():  # maybe a field beyond it
        return _parse_quoted(text, delimiter, file)
    rows = cast(Rows, [line.split(delimiter) if line else [] for line in lines])  # all text
    kept = rows[: MAX_ROWS + HEADER_SCAN_ROWS]
    if kept and max(map(len, kept)) > MAX_COLUMNS:
        wide = next(i for i, row in enumerate(kept) if len(row) > MAX_COLUMNS)
        raise over_limit(f"regel {wide + 1} heeft te veel kolommen", MAX_COLUMNS, file,
                         found=len(kept[wide]))  # fmt: skip
    if len(rows) > len(kept):
        raise over_limit("het bestand heeft te veel regels", MAX_ROWS, file)
    return rows, list(range(1, len(rows) + 1))


def _parse_quoted(text: str, delimiter: str, file: str) -> tuple[Rows, list[int]]:
    """`_parse` by the csv module: quoted cells, line breaks in them, and what `_plain` declines."""
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


def _read_columns(
    text: str, delimiter: str, expected: tuple[str, ...], file: str
) -> RawTable | None:
    """`read_csv` of a plain text (`_plain`) whose records below its header are all as wide (a
    blank line: a record of empty cells, left out), by Arrow's CSV reader: the same cells and line
    numbers, read into columns in C.

    A column's equal texts become one Python object, so harmonising finds a column's distinct
    values in a fraction of the time it takes for a text object per cell (a 100,000-row check:
    ~0.8 s instead of ~1.1 s). None for a text of any other shape (not plain, no header with this
    delimiter, records of different widths below the header, a limit within reach):
    `_read_records` reads it, and decides what is refused.
    """
    if len(delimiter) != 1 or not delimiter.isascii() or not _plain(text, delimiter):
        return None
    head = list(islice(_split_lines(text), HEADER_SCAN_ROWS + 1))  # plain: breaks at \r, \n only
    rows = cast(Rows, [line.rstrip("\r\n").split(delimiter) for line in head])
    rows = [[] if row == [""] else row for row in rows]  # an empty line: no cell, as `_parse_plain`
    header_at = find_header(rows[:HEADER_SCAN_ROWS], expected)
    if header_at is None or not _has_header(rows, header_at) or len(head) == header_at + 1:
        return None
    data = text.encode("utf-8")  # one copy for Arrow, which reads the records in place
    start, end = len("".join(head[: header_at + 1]).encode("utf-8")), len(data)
    if data.startswith(codecs.BOM_UTF8, start):  # Arrow would drop it: the records keep it
        return None
    while end > start and data[end - 1] in b"\r\n":  # the last line end, blank lines after it
        end -= 1
    blank_lines = max(len(data[end:].replace(b"\r\n", b"\n")) - 1, 0)
    width = next((len(row) for row in rows[header_at + 1 :] if row), 0)  # the first record's
    if end == start or not width:
        return None
    if max(map(len, rows)) > MAX_COLUMNS or max(map(len, head)) >= csv.field_size_limit():
        return None  # as `_parse_plain`: a record too wide, or a line the csv module may refuse
    try:
        table = _arrow_table(memoryview(data)[start:end], delimiter, width)
    except pa.ArrowInvalid:  # a record of another width
        return None
    lines = header_at + 1 + table.num_rows + blank_lines
    if lines > MAX_ROWS + HEADER_SCAN_ROWS or (
        end - start >= csv.field_size_limit() and _longest_line(table) >= csv.field_size_limit()
    ):
        return None  # as `_parse_plain`: too many lines, or a line the csv module may refuse
    numbers = np.arange(header_at + 2, header_at + 2 + table.num_rows, dtype=np.int64)
    columns = [_objects(column) for column in table.columns]
    if all(column.null_count for column in table.columns):  # maybe a blank record: left out
        blank = np.logical_and.reduce(
            [column.is_null().to_numpy(zero_copy_only=False) for column in table.columns]
        )
        numbers, columns = numbers[~blank], [column[~blank] for column in columns]
    last = table_end(len(numbers), lambda i: [column[i] for column in columns])
    for number in numbers[last:].tolist():
        logger.info("%s: totaalregel %d overgeslagen", file, number)
    header = unique_headers([c or "" for c in rows[header_at]])
    cells = np.empty((last, len(header)), dtype=object)  # None beyond the records' width
    for j, column in enumerate(columns[: len(header)]):
        cells[:, j] = column[:last]
    return RawTable(cells=frame_from_block(header, cells, numbers[:last]), file=file)


def _arrow_table(body: memoryview, delimiter: str, width: int) -> pa.Table:
    """The records of a plain text, each cell text or None when empty, by Arrow's CSV reader
    (nothing quoted, no record across lines; a blank line a record of empty cells, so every
    record is its line)."""
    names = [str(i) for i in range(width)]
    parse = pa_csv.ParseOptions(delimiter=delimiter, quote_char=False, double_quote=False,
                                escape_char=False, newlines_in_values=False,
                                ignore_empty_lines=False)  # fmt: skip
    convert = pa_csv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()),
                                    strings_can_be_null=True, null_values=[""])  # fmt: skip
    return pa_csv.read_csv(pa.py_buffer(body), parse_options=parse,
                           read_options=pa_csv.ReadOptions(column_names=names),
                           convert_options=convert)  # fmt: skip


def _objects(column: pa.ChunkedArray) -> np.ndarray:
    """A column's texts as Python objects, equal texts one object; None for an empty cell."""
    encoded = column.combine_chunks().dictionary_encode()
    distinct = encoded.dictionary.to_numpy(zero_copy_only=False)
    values = np.empty(len(distinct) + 1, dtype=object)  # the last: None, for an empty cell
    values[:-1] = distinct
    indices = encoded.indices.fill_null(len(distinct)) if encoded.null_count else encoded.indices
    return values[indices.to_numpy()]


def _longest_line(table: pa.Table) -> int:
    """At least the length of the table's longest line: its columns' longest cells together."""
    longest = [pa_compute.max(pa_compute.utf8_length(c)).as_py() or 0 for c in table.columns]
    return sum(longest) + table.num_columns - 1
