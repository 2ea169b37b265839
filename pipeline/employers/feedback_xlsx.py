"""The feedback workbook, one per delivery, thousands a night: XlsxWriter's package, our rows.

XlsxWriter spends ~5 ms on every workbook, most of it assembling the same package parts again
(content types, relations, theme, styles). Here XlsxWriter writes those parts once per process
(for a set of sheet names and an order of the cell styles), and each delivery's sheets are
written as the XML XlsxWriter writes in its `constant_memory` mode (their cells: `sheet_cells`):
inline strings, control characters as `_xHHHH_` (and a literal `_xHHHH_` kept literal),
whitespace preserved, XlsxWriter's column widths, a frozen header row and an autofilter with its
hidden defined name. The sheet that is the same in every workbook (Uitleg) is written once, a
row of short texts that recurs once at its place (`sheet_cells`), and every part all workbooks
share, or that recurs, is deflated once (`packed_zip`), at level 1 (XlsxWriter: 6), a little
larger and quicker. `tests/pipeline/test_feedback_xlsx.py` holds both writers side by side, part
by part (after unzipping).

One difference, on purpose: XlsxWriter's `constant_memory` mode writes a text that starts with
`<r>` and ends with `</r>` into the XML unescaped (it takes it for rich text), so an employer's
value could break or fill the workbook; here every text is escaped.

Text reaches this module already escaped against formulas (`escape_cell`): a cell is only ever
a string, a number or blank, never a formula or a link.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import itertools
import os
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.employers.packed_zip import Packed, pack, write_zip
from pipeline.employers.sheet_cells import (
    HEADER,
    TEXT,
    WRAP,
    cell,
    cols_xml,
    column_name,
    is_short_text_row,
    row_xml,
    text_row_xml,
    text_style,
)
from pipeline.escaping import XLSX_OPTIONS, escape_cell

STYLES = {HEADER: {"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F4E79"},
          TEXT: {"valign": "top"}, WRAP: {"text_wrap": True, "valign": "top"}}  # fmt: skip
MAX_SHEET_ROWS = 1_048_575  # rows of a sheet below its header (Excel: 1,048,576 in all)
ROWS_PER_WRITE = 1000  # a large sheet goes into the zip in pieces of this many rows

_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.'
    'openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships">'
)
_PAGE_MARGINS = ('<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" '
                 'footer="0.3"/></worksheet>')  # fmt: skip
_CORE_TIMES = re.compile(r"(<dcterms:(?:created|modified) [^>]*>)[^<]*(</dcterms:)")


@dataclass(frozen=True)
class Table:
    """One sheet: its name, column headers and widths (characters), and rows of plain values.

    A table that is the same in every workbook (`constant`, tuples all through) has its XML
    written once a process for each numbering of the styles."""

    name: str
    columns: Sequence[str]
    widths: Sequence[float]
    rows: Sequence[Sequence[Any]]
    constant: bool = False


def write_workbook(path: Path, tables: Sequence[Table], created: dt.datetime | None = None) -> None:
    """Write the tables as one workbook at `path` (written beside it, then moved: an error
    leaves no half a workbook). The parts every workbook shares are deflated once a process."""
    cells = [_Sheet(table) for table in tables]
    order = _style_order(cells)
    names = tuple(t.name for t in tables)
    parts = _package(names, order)
    index = {style: i for i, style in enumerate(order, start=1)}
    moment = created or dt.datetime.now(dt.UTC)
    shared = functools.partial(_packed_part, names, order)
    packed = [shared("[Content_Types].xml"), shared("_rels/.rels"),
              shared("xl/_rels/workbook.xml.rels")]  # fmt: skip
    for number, sheet in enumerate(cells, start=1):
        name, selected = f"xl/worksheets/sheet{number}.xml", number == 1
        if sheet.table.constant:
            packed.append(_packed_constant_sheet(name, sheet.table, order, selected))
            continue
        pieces = sheet.xml(index, selected)  # a lone surrogate: "?"
        packed.append(pack(name, (piece.encode("utf-8", "replace") for piece in pieces)))
    packed.append(_packed_text("xl/workbook.xml", _workbook_xml(parts["xl/workbook.xml"], cells)))
    packed += [shared("xl/styles.xml"), shared("xl/theme/theme1.xml")]
    when = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    core = _CORE_TIMES.sub(rf"\g<1>{when}\g<2>", parts["docProps/core.xml"])
    packed += [_packed_text("docProps/core.xml", core), shared("docProps/app.xml")]
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        with partial.open("wb") as out:
            write_zip(out, packed, moment)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


@functools.lru_cache(maxsize=128)
def _packed_part(names: tuple[str, ...], order: tuple[str, ...], part: str) -> Packed:
    """A package part XlsxWriter wrote, deflated (once a process)."""
    return pack(part, _package(names, order)[part].encode())


@functools.lru_cache(maxsize=256)
def _packed_text(part: str, text: str) -> Packed:
    """A small part that recurs from workbook to workbook (the workbook with its filters' ranges,
    the properties with the second they were written), deflated once a process."""
    return pack(part, text.encode())


@functools.lru_cache(maxsize=64)
def _packed_constant_sheet(name: str, table: Table, order: tuple[str, ...],
                           selected: bool) -> Packed:  # fmt: skip
    """A sheet that is the same in every workbook, written and deflated once a process."""
    index = {style: i for i, style in enumerate(order, start=1)}
    return pack(name, "".join(_Sheet(table).xml(index, selected)).encode("utf-8", "replace"))


class _Sheet:
    """A table as XlsxWriter writes it in constant_memory mode; its cells are classified as they
    are written (a large sheet is never held a second time)."""

    def __init__(self, table: Table) -> None:
        assert table.columns, f"sheet {table.name} has no columns"
        if len(table.rows) > MAX_SHEET_ROWS:
            raise ValueError(f"sheet {table.name}: {len(table.rows)} rows, Excel holds "
                             f"{MAX_SHEET_ROWS} below the header")  # fmt: skip
        self.table = table
        self.header = [("text", escape_cell(name)) for name in table.columns]
        self.last_row = next((number for number in range(len(table.rows), 0, -1)
                              if any(cell(v) is not None for v in table.rows[number - 1])), 0)  # fmt: skip
        self.last_column = column_name(len(table.columns) - 1)

    def styles(self, last: bool) -> Iterator[str]:
        """The cell styles of its rows in order (with repeats): every row but the last one
        written (`last` False), or that one (`last` True)."""
        if self.last_row == 0:  # only the header
            yield from [HEADER] if last else []
            return
        rows: Sequence[Sequence[Any]]
        if last:
            rows = [self.table.rows[self.last_row - 1]]
        else:
            yield HEADER
            rows = self.table.rows[: self.last_row - 1]
        for row in rows:
            for value in row:
                kind_value = cell(value)
                if kind_value is not None and (style := text_style(kind_value)) is not None:
                    yield style

    @property
    def filter_range(self) -> str | None:
        """The autofilter's range (the header and every row, as the table has them)."""
        if not self.table.rows:
            return None
        return f"A1:{self.last_column}{len(self.table.rows) + 1}"

    def xml(self, index: dict[str, int], selected: bool) -> Iterator[str]:
        """The sheet's XML in pieces, as XlsxWriter writes it in constant_memory mode."""
        view, cols = (' tabSelected="1"' if selected else ""), cols_xml(tuple(self.table.widths))
        last = f"{self.last_column}{self.last_row + 1}"
        yield (f'{_SHEET_HEAD}<dimension ref="{"A1" if last == "A1" else f"A1:{last}"}"/>'
               f'<sheetViews><sheetView{view} workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
               f'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft"/></sheetView>'
               f'</sheetViews><sheetFormatPr defaultRowHeight="15"/>{cols}'
               f"<sheetData>")  # fmt: skip
        yield row_xml(1, self.header, index, HEADER)
        numbering = tuple(index.items())
        pieces: list[str] = []
        for number, row in enumerate(self.table.rows, start=2):
            if is_short_text_row(row):
                xml = text_row_xml(number, tuple(row), numbering)
                if xml:
                    pieces.append(xml)
            else:
                cells = [cell(value) for value in row]
                if any(cells):
                    pieces.append(row_xml(number, cells, index, None))
            if len(pieces) == ROWS_PER_WRITE:
                yield "".join(pieces)
                pieces.clear()
        filter_range = self.filter_range
        autofilter = f'<autoFilter ref="{filter_range}"/>' if filter_range else ""
        yield "".join(pieces) + f"</sheetData>{autofilter}{_PAGE_MARGINS}"


def _style_order(sheets: Sequence[_Sheet]) -> tuple[str, ...]:
    """The cell styles in the order XlsxWriter numbers them: of first use as it writes the rows
    out. In constant_memory mode a row goes out when the next one is started, so every sheet's
    last row only at the end, sheet after sheet. The search ends once every style is found."""
    order: list[str] = []
    uses = [sheet.styles(last=False) for sheet in sheets] + [s.styles(last=True) for s in sheets]
    for style in itertools.chain.from_iterable(uses):
        if style not in order:
            order.append(style)
            if len(order) == len(STYLES):
                break
    return tuple(order)


def _workbook_xml(template: str, sheets: Sequence[_Sheet]) -> str:
    """workbook.xml with the autofilters' hidden defined names, sorted as XlsxWriter sorts them."""
    names = []
    for index, sheet in enumerate(sheets):
        if sheet.filter_range is None:
            continue
        first, last = sheet.filter_range.split(":")
        target = f"{_quoted(sheet.table.name)}!{_absolute(first)}:{_absolute(last)}"
        key = "filterdatabase::" + target.lstrip("'").lower()
        names.append((key, index, target))
    if not names:
        return template
    defined = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{index}" hidden="1">'
        f"{_escaped(target)}</definedName>"
        for _, index, target in sorted(names, key=lambda name: name[0])
    )
    return template.replace("<calcPr", f"<definedNames>{defined}</definedNames><calcPr", 1)


def _quoted(name: str) -> str:
    from xlsxwriter.utility import quote_sheetname

    return str(quote_sheetname(name))


def _absolute(reference: str) -> str:
    letters = reference.rstrip("0123456789")
    return f"${letters}${reference[len(letters) :]}"


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@functools.lru_cache(maxsize=16)
def _package(names: tuple[str, ...], order: tuple[str, ...]) -> dict[str, str]:
    """Every part of the package but the sheets, written by XlsxWriter itself (once a process
    for these sheet names and this order of the styles)."""
    import xlsxwriter

    buffer = io.BytesIO()  # in memory: no shared strings, as the template holds numbers only
    book = xlsxwriter.Workbook(buffer, {**XLSX_OPTIONS, "in_memory": True})
    formats = {style: book.add_format(STYLES[style]) for style in order}
    for number, name in enumerate(names):
        sheet = book.add_worksheet(name)
        if number == 0:  # the styles first used in this order
            for row, style in enumerate(order):
                sheet.write_number(row, 0, 0, formats[style])
    book.close()
    with zipfile.ZipFile(buffer) as package:
        return {
            info.filename: package.read(info).decode("utf-8")
            for info in package.infolist()
            if not info.filename.startswith("xl/worksheets/")
        }
