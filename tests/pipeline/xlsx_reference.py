"""The feedback workbook as XlsxWriter writes it itself (constant_memory mode): the reference
`pipeline.employers.feedback_xlsx` is held to, part by part. This is the writer the night used
before; it stays here, independent of the code under test."""

from __future__ import annotations

import datetime as dt
import math
import numbers
from pathlib import Path
from typing import Any

import pandas as pd
import xlsxwriter

from pipeline.employers.feedback_xlsx import Table
from pipeline.escaping import XLSX_OPTIONS, escape_cell

STYLES = {"header": {"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F4E79"},
          "text": {"valign": "top"}, "wrap": {"text_wrap": True, "valign": "top"}}  # fmt: skip


def write_reference(path: Path, tables: list[Table], created: dt.datetime) -> None:
    book = xlsxwriter.Workbook(str(path), {**XLSX_OPTIONS, "constant_memory": True})
    book.set_properties({"created": created})
    styles = {name: book.add_format(style) for name, style in STYLES.items()}
    for table in tables:
        sheet = book.add_worksheet(table.name)
        for index, (column, width) in enumerate(zip(table.columns, table.widths, strict=True)):
            sheet.set_column(index, index, width)
            sheet.write_string(0, index, escape_cell(column), styles["header"])
        sheet.freeze_panes(1, 0)
        if table.rows:
            sheet.autofilter(0, 0, len(table.rows), len(table.columns) - 1)
        for row, values in enumerate(table.rows, start=1):
            for col, value in enumerate(values):
                _cell(sheet, styles, row, col, value)
    book.close()


def _cell(sheet: Any, styles: dict[str, Any], row: int, col: int, value: Any) -> None:
    if value is None or value is pd.NA or value is pd.NaT:
        return
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        if math.isnan(value):
            return
        if math.isfinite(value):
            sheet.write_number(row, col, value)
            return
    text = escape_cell(value if isinstance(value, str) else str(value))
    style = styles["wrap" if len(text) > 60 else "text"]
    if text:
        sheet.write_string(row, col, text, style)
    else:
        sheet.write_blank(row, col, None, style)
