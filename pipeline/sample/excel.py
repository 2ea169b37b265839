"""Write the sample's xlsx workbooks byte-for-byte reproducibly (see `pipeline.employers.template`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from pipeline.employers.template import save_reproducibly

CREATOR = "monitor sample"


@dataclass(frozen=True)
class Sheet:
    """One worksheet: its name, its rows of cell values and how dates are shown."""

    name: str
    rows: Sequence[Sequence[Any]]
    date_format: str = "dd-mm-yyyy"


def _cell(sheet: WriteOnlyWorksheet, value: Any, date_format: str) -> Any:
    """Return a value ready to append; dates become date cells with a date format."""
    if isinstance(value, date) and not isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = date_format
        return cell
    return value


def write_workbook(target: Path | IO[bytes], sheets: Sequence[Sheet], stamp: datetime) -> None:
    """Write the sheets as an xlsx whose bytes depend only on the content and `stamp`."""
    workbook = Workbook(write_only=True)
    for spec in sheets:
        sheet = workbook.create_sheet(spec.name)
        for row in spec.rows:
            sheet.append([_cell(sheet, value, spec.date_format) for value in row])
    save_reproducibly(workbook, target, stamp, CREATOR)
