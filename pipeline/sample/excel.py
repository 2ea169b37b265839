"""Write xlsx workbooks byte-for-byte reproducibly (pinned properties and zip timestamps)."""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.writer.excel import ExcelWriter

FILE_MODE = 0o600 << 16


@dataclass(frozen=True)
class Sheet:
    """One worksheet: its name, its rows of cell values and how dates are shown."""

    name: str
    rows: Sequence[Sequence[Any]]
    date_format: str = "dd-mm-yyyy"


class _PinnedZipFile(zipfile.ZipFile):
    """A zip archive whose members all carry the same timestamp."""

    def __init__(self, target: Path | IO[bytes], stamp: datetime) -> None:
        """Open the archive for writing with deflate compression."""
        super().__init__(target, "w", zipfile.ZIP_DEFLATED)
        self.stamp = (stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)

    def writestr(
        self,
        zinfo_or_arcname: str | zipfile.ZipInfo,
        data: Any,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        """Write a member with the pinned timestamp."""
        if isinstance(zinfo_or_arcname, str):
            info = zipfile.ZipInfo(zinfo_or_arcname, date_time=self.stamp)
            info.compress_type = self.compression
            info.external_attr = FILE_MODE
            zinfo_or_arcname = info
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(
        self,
        filename: Any,
        arcname: Any = None,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        """Copy a file into the archive with the pinned timestamp."""
        data = Path(filename).read_bytes()
        self.writestr(str(arcname or filename), data, compress_type, compresslevel)


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
    workbook.properties.creator = "monitor sample"
    workbook.properties.created = stamp
    workbook.properties.modified = stamp
    for spec in sheets:
        sheet = workbook.create_sheet(spec.name)
        for row in spec.rows:
            sheet.append([_cell(sheet, value, spec.date_format) for value in row])
    with _PinnedZipFile(target, stamp) as archive:
        ExcelWriter(workbook, archive).save()
