"""Reading 'xls' files that are really HTML tables, the export of many web systems.

Stdlib `html.parser` only. Every `<table>` is one sheet (`tabel 1`, `tabel 2`, …); its rows are
the `<tr>` elements with the text of their `<td>`/`<th>` cells. A `colspan` or `rowspan` leaves
empty cells where Excel would show a merged cell, so columns stay aligned. The row number is the
`<tr>`'s 1-based position in its table, as Excel shows it when it opens the file.
"""

from __future__ import annotations

import codecs
from html.parser import HTMLParser

from connectors.base import HEADER_SCAN_ROWS
from connectors.limits import MAX_CELLS, MAX_COLUMNS, MAX_HTML_SPAN, MAX_ROWS, over_limit

HTML_STARTS = (b"<html", b"<table", b"<!doctype")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def looks_like_html(head: bytes) -> bool:
    """Whether a file's first bytes open an HTML document or table (after a BOM/whitespace)."""
    text = decode_html(head).lstrip().lower()
    return text.startswith(tuple(s.decode() for s in HTML_STARTS))


def decode_html(data: bytes) -> str:
    """Bytes as text: by BOM, else UTF-8, else Windows-1252 (what old exports use)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_html_tables(data: bytes, file: str = "") -> dict[str, list[list[str]]]:
    """Every table of the document as rows of cell texts, keyed `tabel 1`, `tabel 2`, …

    Spans, row widths and the number of cells are capped while parsing (`connectors.limits`).
    """
    parser = _TableParser(file)
    parser.feed(decode_html(data))
    parser.close()
    return {f"tabel {i}": rows for i, rows in enumerate(parser.tables, start=1)}


def _span(attrs: list[tuple[str, str | None]], name: str, file: str) -> int:
    """A colspan/rowspan attribute as a count of at least 1 (1 when absent or bad).

    A span above MAX_HTML_SPAN is refused (S01): it would only make empty cells.
    """
    value = (dict(attrs).get(name) or "1").strip()
    if not value.isdecimal():
        return 1
    if len(value) > 6 or int(value) > MAX_HTML_SPAN:
        raise over_limit(f"HTML-cel met {name}={value[:12]}", MAX_HTML_SPAN, file)
    return max(1, int(value))


class _TableParser(HTMLParser):
    """Collects the cell texts of every top-level table; nested tables fold into their cell."""

    def __init__(self, file: str = "") -> None:
        super().__init__(convert_charrefs=True)
        self.file = file
        self._cells = 0  # cells made so far, spans included
        self.tables: list[list[list[str]]] = []
        self._depth = 0  # table nesting
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._colspan = 1
        self._pending: dict[int, int] = {}  # column → rows still covered by a rowspan above

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._depth += 1
            if self._depth == 1:
                self.tables.append([])
                self._pending = {}
        elif self._depth != 1:
            return
        elif tag == "tr":
            self._end_row()
            self._row = []
            self._fill_rowspans()
        elif tag in ("td", "th"):
            self._end_cell()
            if self._row is None:  # a cell without <tr>: browsers open a row for it
                self._row = []
            self._cell, self._colspan = [], _span(attrs, "colspan", self.file)
            rowspan = _span(attrs, "rowspan", self.file)
            if rowspan > 1:
                for offset in range(self._colspan):
                    self._pending[len(self._row) + offset] = rowspan - 1
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            if self._depth == 1:
                self._end_row()
            self._depth = max(0, self._depth - 1)
        elif self._depth == 1 and tag == "tr":
            self._end_row()
        elif self._depth == 1 and tag in ("td", "th"):
            self._end_cell()

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def _fill_rowspans(self) -> None:
        """Empty cells where a rowspan from a row above covers this row."""
        if self._row is None:
            return
        while self._pending.get(len(self._row), 0) > 0:
            self._pending[len(self._row)] -= 1
            self._row.append("")

    def _end_cell(self) -> None:
        if self._cell is None or self._row is None:
            return
        self._row.append(" ".join("".join(self._cell).split()))
        self._row.extend([""] * (self._colspan - 1))
        self._cell, self._colspan = None, 1
        self._fill_rowspans()
        self._check_size()

    def _check_size(self) -> None:
        """Refuse a row wider than MAX_COLUMNS or a file with more than MAX_CELLS cells."""
        width = len(self._row or [])
        if width > MAX_COLUMNS:
            raise over_limit("HTML-tabelrij met te veel kolommen", MAX_COLUMNS, self.file, width)
        if self._cells + width > MAX_CELLS:
            raise over_limit("HTML-tabellen met te veel cellen", MAX_CELLS, self.file)

    def _end_row(self) -> None:
        self._end_cell()
        if self._row is not None:
            self.tables[-1].append(self._row)
            self._cells += len(self._row)
            if len(self.tables[-1]) > MAX_ROWS + HEADER_SCAN_ROWS:
                raise over_limit("HTML-tabel met te veel rijen", MAX_ROWS, self.file)
        self._row = None
