"""The cell tags of a piece of worksheet XML, read as byte arrays (numpy): how
`connectors.workbook_bounds` scans a sheet, ~5× quicker than its regular expression per cell tag.

It answers only for a piece whose every cell tag is plain: `<c r="` straight after the tag name,
then 1–3 capital letters, a row number without a leading zero of up to 7 digits, and `"`; and in
which every attribute that may be named `r` (the letter `r` after a character no name holds,
followed by a space or `=`) is the reference of a cell or of a row. Then no tag carries a second
reference (calamine takes the last), none has one elsewhere than first, and each cell sits where
its own reference says. Anything else — a cell without a reference, single quotes, spaces around
`=`, an `r` in a value, a text or a tag that is no cell — gets None, and the caller decides.
So does the rest of a tag cut where the piece before ended, at a `>` inside a value: a reference
in it is one no cell or row of its piece accounts for. A piece is not checked to end after a
whole tag (the caller cuts it after its last `>`, which may be inside a value), nor for rows or
a namespace prefix: the caller does that.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SPACES = b" \t\n\r\f\v"  # what ends a tag's name, as the regular expressions' `\s` does
PAD = 24  # bytes read past a cell tag's `<`: `<c r="XFD1048576"` and a margin


def _table(members: bytes | range) -> np.ndarray:
    """A lookup table: which byte values are among `members`."""
    table = np.zeros(256, dtype=bool)
    table[list(members)] = True
    return table


NAME_END = _table(SPACES + b">/")
NAME_CHAR = _table(
    b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:" + bytes(range(128, 256))
)
AFTER_R = _table(SPACES + b"=")
CAPITAL = _table(range(ord("A"), ord("Z") + 1))
DIGIT = _table(range(ord("0"), ord("9") + 1))


@dataclass(frozen=True)
class CellTags:
    """The plain cell tags of a piece: how many, and the largest row and column they name."""

    count: int
    row: int
    column: int


def plain_cell_tags(text: bytes, row_tags: int) -> CellTags | None:
    """The cell tags of `text` (whole tags: it ends after a `>`) when all are plain and the only
    references are theirs and those of the `row_tags` row tags (each `<row r="…"`, counted by the
    caller); None when any is not so."""
    data = np.frombuffer(text + bytes(PAD), dtype=np.uint8)
    size = len(text)
    tags = np.flatnonzero((data[:size] == ord("<")) & (data[1 : size + 1] == ord("c")))
    cells = tags[NAME_END[data[tags + 2]]]
    letters_r = np.flatnonzero(data[:size] == ord("r"))
    references = letters_r[~NAME_CHAR[data[letters_r - 1]] & AFTER_R[data[letters_r + 1]]]
    if len(references) != len(cells) + row_tags:
        return None  # a reference elsewhere (a second one, one not first), or an `r` in a text
    if not len(cells):
        return CellTags(0, 0, 0)
    if not all((data[cells + i] == byte).all() for i, byte in enumerate(b' r="', start=2)):
        return None
    return _references(data, cells + 6)


def _references(data: np.ndarray, starts: np.ndarray) -> CellTags | None:
    """The largest row and column of the references starting at `starts` (their first letter);
    None when one is not 1–3 capitals, a row number without a leading zero and `"`."""
    letters = [data[starts + i] for i in range(4)]
    capital = [CAPITAL[b] for b in letters]
    if not capital[0].all() or (capital[1] & capital[2] & capital[3]).any():
        return None
    width = 1 + capital[1] + (capital[1] & capital[2])
    digits = starts + width
    figures = [data[digits + i] for i in range(8)]
    run = DIGIT[figures[0]]
    length = run.astype(np.int64)
    for figure in figures[1:]:
        run = run & DIGIT[figure]
        length += run
    if (length > 7).any() or (length == 0).any() or (figures[0] == ord("0")).any():
        return None
    if not (data[digits + length] == ord('"')).all():
        return None
    row = _largest(figures, length, 10, ord("0"))
    return CellTags(len(starts), row, _largest(letters, width, 26, ord("A") - 1))


def _largest(places: list[np.ndarray], length: np.ndarray, base: int, zero: int) -> int:
    """The largest number written in `places` (digit by digit, `length` of them each): one of the
    longest."""
    longest = int(length.max())
    chosen = length == longest
    value = np.zeros(int(chosen.sum()), dtype=np.int64)
    for place in places[:longest]:
        value = value * base + (place[chosen].astype(np.int64) - zero)
    return int(value.max())
