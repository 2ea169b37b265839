"""A feedback table's cells as XlsxWriter writes them in its `constant_memory` mode, and the
rule for which rows are remembered (`feedback_xlsx` writes the workbook around them; the HTML page
of `feedback_writer` remembers the same rows).

A row whose cells are all short texts or empty recurs from delivery to delivery at the same place
(~80% of the summary's rows and ~90% of the checks'): it is written once a process, at its row
number and with its workbook's numbering of the styles (a night's feedback ~15% quicker). A row
with a number is written every time: equal numbers are not always written alike (1 and True, 0.0
and -0.0). What is remembered is what a delivery's feedback shows anyway (its labels, codes,
values and the organisation's name), in the process that writes feedback, as the remembered
texts were before.
"""

from __future__ import annotations

import functools
import math
import numbers
import re
from collections.abc import Sequence
from typing import Any

import pandas as pd

from pipeline.escaping import escape_cell

HEADER, TEXT, WRAP = "header", "text", "wrap"
WRAP_AFTER = 60  # text longer than this wraps
MAX_TEXT = 32767  # Excel's limit of a cell, in UTF-16 units (XlsxWriter truncates to it)
MAX_DIGIT_WIDTH, CELL_PADDING = 7, 5  # XlsxWriter's column width metrics (Calibri 11)
REMEMBERED_TEXT = 200  # texts up to this long are written once a process (most recur: labels,
# codes, the explanations of an edit, an organisation's name), longer ones every time
REMEMBERED_ROWS = 1 << 12  # rows of texts written once a process, at their place
REMEMBERED_ROW_TEXT = 600  # characters of such a row at most (a check's or summary's row: ~200):
# the rows remembered hold ~80 MB at most, even of texts that escaping makes seven times longer

_ESCAPE_LIKE = re.compile("(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f])")
_LEADING, _TRAILING = re.compile(r"^\s"), re.compile(r"\s$")
_XML_SPECIAL = re.compile("[&<>]")


def is_short_text_row(row: Sequence[Any]) -> bool:
    """Whether a row is remembered: every cell a text (not a subclass of str) or None, at most
    REMEMBERED_ROW_TEXT characters together."""
    length = 0
    for value in row:
        if value is not None:
            if type(value) is not str:
                return False
            length += len(value)
    return length <= REMEMBERED_ROW_TEXT


def cell(value: Any) -> tuple[str, Any] | None:
    """How a value is written: ("number", n), ("text", escaped text) — styled `text` or `wrap` by
    its length — or ("blank", None) for an empty text; None for no cell (None, NA, NaN, NaT)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        if math.isnan(value):
            return None
        if math.isfinite(value):
            return ("number", value)
    text = escape_cell(value if isinstance(value, str) else str(value))
    return ("text", text) if text else ("blank", None)


def text_style(kind_value: tuple[str, Any]) -> str | None:
    """The style of a cell (`cell`): none for a number, `wrap` for a long text, else `text`."""
    kind, value = kind_value
    if kind == "number":
        return None
    if kind == "blank":
        return TEXT
    return WRAP if len(value) > WRAP_AFTER else TEXT


@functools.lru_cache(maxsize=REMEMBERED_ROWS)
def text_row_xml(number: int, row: tuple[str | None, ...],
                 numbering: tuple[tuple[str, int], ...]) -> str:  # fmt: skip
    """A row of short texts and Nones (equal ones are written alike, unlike equal numbers: 0.0 and
    -0.0, 1 and True) as `row_xml` writes it, "" when it has no cell."""
    cells = [cell(value) for value in row]
    return row_xml(number, cells, dict(numbering), None) if any(cells) else ""


def row_xml(number: int, row: Sequence[tuple[str, Any] | None], index: dict[str, int],
            style: str | None) -> str:  # fmt: skip
    """One `<row>`: numbers, inline strings and styled blanks (the cells XlsxWriter writes)."""
    cells = []
    for column, kind_value in enumerate(row):
        if kind_value is None:
            continue
        kind, value = kind_value
        reference = f"{column_name(column)}{number}"
        if kind == "number":
            cells.append(f'<c r="{reference}"><v>{value:.16G}</v></c>')
            continue
        s = index[style or text_style(kind_value) or TEXT]
        if kind == "blank":
            cells.append(f'<c r="{reference}" s="{s}"/>')
            continue
        preserve, text = _inline_text(value)
        cells.append(
            f'<c r="{reference}" s="{s}" t="inlineStr"><is><t{preserve}>{text}</t></is></c>'
        )
    return f'<row r="{number}">{"".join(cells)}</row>'


def _inline_text(text: str) -> tuple[str, str]:
    """A text as XlsxWriter writes an inline string (`_inline_text_of`)."""
    if len(text) > REMEMBERED_TEXT:
        return _inline_text_of(text)
    return _inline_text_remembered(text)


def _inline_text_of(text: str) -> tuple[str, str]:
    """A text as XlsxWriter writes an inline string: cut to Excel's limit, control characters
    as `_xHHHH_` (a literal `_xHHHH_` as `_x005F_xHHHH_`), XML-escaped, whitespace preserved."""
    if len(text) > MAX_TEXT // 2 and len(text.encode("utf-16-le", "surrogatepass")) // 2 > MAX_TEXT:
        text = _utf16_prefix(text, MAX_TEXT)
    text = _ESCAPE_LIKE.sub(r"_x005F\1", text)
    text = _CONTROL.sub(lambda match: f"_x{ord(match.group(1)):04X}_", text)
    text = text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    preserve = ' xml:space="preserve"' if _LEADING.search(text) or _TRAILING.search(text) else ""
    if _XML_SPECIAL.search(text):
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return preserve, text


_inline_text_remembered = functools.lru_cache(maxsize=1 << 14)(_inline_text_of)


def _utf16_prefix(text: str, units: int) -> str:
    """The longest start of a text of at most `units` UTF-16 units (never half a character)."""
    length = 0
    for position, character in enumerate(text):
        length += 2 if ord(character) > 0xFFFF else 1
        if length > units:
            return text[:position]
    return text


@functools.lru_cache(maxsize=64)
def cols_xml(widths: tuple[float, ...]) -> str:
    """`<cols>`: XlsxWriter's widths (characters → pixels → characters), equal neighbours merged."""
    ranges: list[list[Any]] = []
    for column, width in enumerate(widths, start=1):
        pixels = (int(width * (MAX_DIGIT_WIDTH + CELL_PADDING) + 0.5) if width < 1
                  else int(width * MAX_DIGIT_WIDTH + 0.5) + CELL_PADDING)  # fmt: skip
        if ranges and ranges[-1][2] == pixels:
            ranges[-1][1] = column
        else:
            ranges.append([column, column, pixels])
    cols = "".join(
        f'<col min="{first}" max="{last}" width="{(pixels * 256 // MAX_DIGIT_WIDTH) / 256.0:.16g}" '
        f'customWidth="1"/>'
        for first, last, pixels in ranges
    )
    return f"<cols>{cols}</cols>" if cols else ""


@functools.lru_cache(maxsize=1024)
def column_name(column: int) -> str:
    """A column's letters: 0 → A, 26 → AA."""
    name = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        name = chr(65 + rest) + name
    return name
