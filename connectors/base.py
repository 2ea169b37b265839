"""What every reader returns: the raw cells of one delivery with their provenance."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from schemas.rows import ROW_COLUMN


@dataclass(frozen=True)
class RawTable:
    """The cells of a delivery as text (None when empty), one row per source row."""

    cells: pd.DataFrame  # source headers as columns, plus ROW_COLUMN
    file: str
    sheet: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)  # key/value sheet, lower-case keys

    @property
    def rows_in(self) -> int:
        """How many data rows the delivery holds."""
        return len(self.cells)


def row_text(row: list[Any]) -> list[str | None]:
    """`cell_text` of every cell of a spreadsheet row; text cells (most of them) without a call
    each, the others (dates, numbers: the same few recur down a column) remembered."""
    return [(v.strip() or None) if v.__class__ is str else _known_text(v) for v in row]


@functools.lru_cache(maxsize=4096, typed=True)  # typed: True, 1 and 1.0 are kept apart
def _known_text(value: Any) -> str | None:
    """`cell_text` of a value a spreadsheet reader gives (a date, time, number or bool)."""
    return cell_text(value)


def forget_known_cells() -> None:
    """Let go of the cell values `row_text` remembered (a delivery's numbers, an employee number
    among them, do not outlive its pass)."""
    _known_text.cache_clear()


def cell_text(value: Any) -> str | None:
    """One spreadsheet or JSON cell as text; native dates become ISO, empty becomes None."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        return text or None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return None
        # a whole number as one, up to 16 digits (floats hold 15–17 exactly); beyond, as Python
        # writes a float: `str(int(1e308))` is 309 digits from 5 bytes of XML (a seventh review)
        return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):  # calamine gives durations for time-only cells
        seconds = int(value.total_seconds())
        return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    return str(value)


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file: the identity of a delivery."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def frame_from_rows(
    header: list[str], rows: list[list[str | None]], row_numbers: list[int]
) -> pd.DataFrame:
    """Build the cells frame; duplicate or empty headers get a positional suffix."""
    names = unique_headers(header)
    width = len(names)
    cells = np.empty((len(rows), width), dtype=object)  # one block: half the time of a list's
    if rows and width:
        cells[:] = [r if len(r) == width else (r + [None] * width)[:width] for r in rows]
        cells[cells == ""] = None  # a reader may leave an empty cell as empty text (`_parse_plain`)
    return frame_from_block(names, cells, row_numbers)


def frame_from_block(
    names: list[str], cells: np.ndarray, row_numbers: list[int] | np.ndarray
) -> pd.DataFrame:
    """The cells frame of a block of cells (object, one column per name, None when empty)."""
    # the names as a plain object index: pandas would infer an Arrow-backed one for text, and
    # rebuild it to add ROW_COLUMN (~0.2 ms of a delivery's ~0.3 ms here)
    frame = pd.DataFrame(cells, columns=pd.Index(names, dtype=object), dtype=object, copy=False)
    frame[ROW_COLUMN] = np.asarray(row_numbers, dtype=np.int64)
    return frame


def unique_headers(header: list[str]) -> list[str]:
    """Header texts made unique and non-empty (`kolom_7` for an empty one)."""
    names: list[str] = []
    taken: set[str] = set()  # a set, not the list: linear in the number of columns
    for i, name in enumerate(header, start=1):
        text = (name or "").strip() or f"kolom_{i}"
        while text in taken:
            text = f"{text}_{i}"
        names.append(text)
        taken.add(text)
    return names


HEADER_SCAN_ROWS = 30


def normalise_header(text: str | None) -> str:
    """A header as compared: lower case, single spaces."""
    return " ".join((text or "").split()).lower()


def find_header(rows: list[list[str | None]], expected: tuple[str, ...]) -> int | None:
    """Index of the row among the first rows that holds most of the expected headers."""
    best, best_hits = None, 0
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        if most_hits(row, expected) <= best_hits:  # cannot beat the best (a tie keeps it)
            continue
        hits = header_hits(row, expected)
        if hits > best_hits:
            best, best_hits = i, hits
    return best


def drop_blank_rows(rows: list[list[str | None]], numbers: list[int]) -> tuple[list, list[int]]:
    """Leave out rows whose cells are all empty (they are not data). A cell is text or None
    (`cell_text`), and an empty text is empty too: `any` sees it all in C."""
    if len(rows) == len(numbers) and all(map(any, rows)):  # most files: none blank, in C
        return rows, numbers
    kept = [(r, n) for r, n in zip(rows, numbers, strict=True) if any(r)]
    return [r for r, _ in kept], [n for _, n in kept]


TOTAL_LABELS = frozenset({"totaal", "total", "totalen", "som"})


FUZZY_HEADER = 88  # rapidfuzz token_sort_ratio from which a cell is a near spelling of a header


def header_hits(row: list[str | None], expected: tuple[str, ...]) -> int:
    """How well a row names the expected headers: 2 per exact header (case and spaces ignored),
    1 per near spelling (`Incident-nr.`, `Datum v. incident`), so exact names win a tie."""
    wanted, _, _ = _expected_forms(expected)
    cells = {normalise_header(c) for c in row if c} - {""}
    exact = wanted & cells
    near = sum(1 for cell in cells - exact if _near(cell, expected))
    return 2 * len(exact) + near


def most_hits(row: list[str | None], expected: tuple[str, ...]) -> int:
    """The most `header_hits` the row could score, from its filled cells alone: each is at most
    one exact header (2) or a near spelling (1), and at most as many are exact as there are
    expected headers. A row below the best so far is skipped on it: the data rows under a
    well-named header, whose cells were compared one by one (most of them a near-spelling
    lookup, a new value a fuzzy match), ~0.5 ms a file."""
    filled = sum(1 for cell in row if cell)
    return filled + min(filled, len(_expected_forms(expected)[0]))


NEAR_CACHE_CHARS = 200  # cells up to this long are remembered (the same values recur in every file)


def _near(cell: str, expected: tuple[str, ...]) -> bool:
    """Whether a (normalised) cell is a near spelling of an expected header; remembered for
    short cells, which come back in every file (titles, `Ja`, dates)."""
    if len(cell) > NEAR_CACHE_CHARS:
        return _near_spelling(cell, expected)
    return _near_remembered(cell, expected)


def _near_spelling(cell: str, expected: tuple[str, ...]) -> bool:
    _, folded, longest = _expected_forms(expected)
    loose = _loose(cell)
    if len(loose) > NEAR_LENGTH * longest + 1:  # far longer than any header: never near
        return False
    return len(loose) > 3 and (loose in folded or process.extractOne(
        loose, folded, scorer=fuzz.token_sort_ratio, score_cutoff=FUZZY_HEADER) is not None)  # fmt: skip


_near_remembered = functools.lru_cache(maxsize=2**16)(_near_spelling)


# token_sort_ratio is an Indel similarity: 1 - distance / (len(a) + len(b)), and the distance is at
# least the difference in length, so a text more than (1 + c) / (1 - c) times as long as every
# header (c = 1 - FUZZY_HEADER / 100; 1.27 for 88) can never reach FUZZY_HEADER (+1: no rounding
# at the boundary). Long free text (a toelichting) is so never compared.
NEAR_LENGTH = (2 - FUZZY_HEADER / 100) / (FUZZY_HEADER / 100)


@functools.lru_cache(maxsize=64)
def _expected_forms(expected: tuple[str, ...]) -> tuple[frozenset[str], frozenset[str], int]:
    """The expected headers as compared exactly and loosely, and the longest loose one."""
    wanted = frozenset(normalise_header(c) for c in expected)
    folded = frozenset(_loose(c) for c in wanted)
    return wanted, folded, max((len(c) for c in folded), default=0)


def _loose(text: str) -> str:
    """A header without punctuation and one-letter words (`datum v. incident` → `datum incident`)."""
    return " ".join(w for w in re.sub(r"[^\w]+", " ", text).split() if len(w) > 1)


def is_total_row(row: list[str | None]) -> bool:
    """Whether a row's first non-empty cell is `Totaal`, `Total`, `Totalen` or `Som` (`:` allowed)."""
    first = next((c for c in row if c), None)
    return first is not None and normalise_header(first).rstrip(":").rstrip() in TOTAL_LABELS


def drop_trailing_totals(
    rows: list[list[str | None]], numbers: list[int]
) -> tuple[list[list[str | None]], list[int], list[int]]:
    """Leave out total rows at the end of the table (blank rows already gone).

    Returns the rows and numbers kept, and the numbers of the total rows left out. A total row
    with data rows after it stays: it is not the table's end, so it is reported, not hidden.
    """
    end = table_end(len(rows), rows.__getitem__)
    return rows[:end], numbers[:end], numbers[end:]


def table_end(count: int, row: Callable[[int], list[str | None]]) -> int:
    """How many of `count` rows (`row(i)` the i-th, blank rows already gone) are the table's:
    the total rows at its end are not."""
    end = count
    while end > 0 and is_total_row(row(end - 1)):
        end -= 1
    return end
