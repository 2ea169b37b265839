"""Write the national report as files: HTML page, workbook, CSV and Parquet per table.

Layout of `out_dir`::

    index.html                  the report (pipeline.report.render_html)
    monitor.xlsx                Toelichting, Kerncijfers, Trend, one sheet per table, Dekking,
                                Kwaliteit, Reeksbreuken
    csv/<name>.csv              one file per table and per frame (kerncijfers, trend,
    parquet/<name>.parquet      dekking_regio, kwaliteit, reeksbreuken)

CSV: UTF-8 without BOM, `;` between fields (as the employer feedback; names may hold commas),
`.` as decimal point, no thousands separator, `\\n` line ends, one header row of column names.
A suppressed value is an empty field and its status column says why; text that could start a
formula is escaped with a leading apostrophe (`escape_cell`), because CSV files get opened in
Excel. Parquet keeps the types; a suppressed value is null. In the workbook a suppressed value
is `SUPPRESSED_MARK` and the status columns are kept.

Everything is written into a fresh directory beside `out_dir` and swapped in at the end, so a
reader sees the old report or the new one, never half of one.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.feedback_writer import HEADER_FILL, HEADER_FONT, escape_cell
from pipeline.publication import SUPPRESSED_MARK, Publication, PublishedTable
from pipeline.report import (
    SHARE_COLUMNS,
    SUPPRESSED_STATUSES,
    TITLE,
    ReportError,
    cell_status,
    decimals_for,
    frame_tables,
    generated_text,
    perioden_text,
    protected_frame,
    render_html,
    rules_nl,
    share_text,
)

log = logging.getLogger(__name__)

FRAME_SHEETS = {"kerncijfers": "Kerncijfers", "trend": "Trend", "dekking_regio": "Dekking",
                "kwaliteit": "Kwaliteit", "reeksbreuken": "Reeksbreuken"}  # fmt: skip
NOTES_SHEET = "Toelichting"
NAME_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,31}")  # a file stem and a valid sheet name
CSV_SEPARATOR = ";"
CENTRED, WRAPPED = Alignment(horizontal="center"), Alignment(wrap_text=True, vertical="top")


@dataclass(frozen=True)
class ReportFiles:
    """Where the report was written; `csv` and `parquet` map a table name to its file."""

    directory: Path
    html: Path
    xlsx: Path
    csv: dict[str, Path]
    parquet: dict[str, Path]


def write_report(out_dir: Path, publication: Publication) -> ReportFiles:
    """Write the whole report into `out_dir`, replacing what was there in one swap."""
    sheets = report_sheets(publication)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.nieuw-", dir=out_dir.parent))
    try:
        staging.chmod(0o755)  # mkdtemp makes it private; a report is meant to be read
        write_files(staging, publication, sheets)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    swap_in(staging, out_dir)
    return report_files(out_dir, sheets)


def report_sheets(publication: Publication) -> list[tuple[str, PublishedTable]]:
    """(sheet name, table) in report order; names checked as file stems and unique sheets."""
    frames = {t.name: t for t in frame_tables(publication)}
    ordered = [frames["kerncijfers"], frames["trend"], *publication.tables,
               frames["dekking_regio"], frames["kwaliteit"], frames["reeksbreuken"]]  # fmt: skip
    sheets = [(FRAME_SHEETS.get(t.name, t.name), t) for t in ordered]
    seen = {NOTES_SHEET.lower()}
    stems: set[str] = set()
    for sheet, table in sheets:
        if not NAME_PATTERN.fullmatch(table.name):
            raise ReportError(
                f"table name {table.name!r} is not usable as file and sheet name: expected 1 to "
                "31 letters, digits, '_' or '-'"
            )
        if sheet.lower() in seen or table.name in stems:
            raise ReportError(f"table name {table.name!r} is used twice (or is a reserved sheet)")
        seen.add(sheet.lower())
        stems.add(table.name)
    return sheets


def write_files(
    folder: Path, publication: Publication, sheets: list[tuple[str, PublishedTable]]
) -> None:
    """Every file of the report into `folder` (which exists and is empty)."""
    (folder / "index.html").write_text(render_html(publication), encoding="utf-8")
    write_workbook(folder / "monitor.xlsx", publication, sheets)
    (folder / "csv").mkdir()
    (folder / "parquet").mkdir()
    for _, table in sheets:
        warn_unblanked(table)
        (folder / "csv" / f"{table.name}.csv").write_text(table_csv(table), encoding="utf-8")
        protected_frame(table).to_parquet(folder / "parquet" / f"{table.name}.parquet", index=False)


def warn_unblanked(table: PublishedTable) -> None:
    """Log a value whose status says suppressed: the publish step should have blanked it."""
    for column, status_column in table.status_columns.items():
        status = table.frame[status_column]
        hidden = status.isin(SUPPRESSED_STATUSES) | status.isna()
        leaked = int((hidden & table.frame[column].notna()).sum())
        if leaked:
            log.warning(
                "table %s, column %s: %d suppressed cells still hold a value; written as "
                "suppressed (empty, null or %r)",
                table.name,
                column,
                leaked,
                SUPPRESSED_MARK,
            )


def swap_in(staging: Path, out_dir: Path) -> None:
    """Put `staging` where `out_dir` is; the old report is removed only after the swap."""
    old = (
        out_dir.with_name(f".{out_dir.name}.oud-{uuid.uuid4().hex[:8]}")
        if out_dir.exists()
        else None
    )
    if old is not None:
        os.replace(out_dir, old)
    try:
        os.replace(staging, out_dir)
    except OSError:
        if old is not None:
            os.replace(old, out_dir)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def report_files(out_dir: Path, sheets: list[tuple[str, PublishedTable]]) -> ReportFiles:
    """The paths of a written report."""
    names = [table.name for _, table in sheets]
    return ReportFiles(
        directory=out_dir,
        html=out_dir / "index.html",
        xlsx=out_dir / "monitor.xlsx",
        csv={name: out_dir / "csv" / f"{name}.csv" for name in names},
        parquet={name: out_dir / "parquet" / f"{name}.parquet" for name in names},
    )


def table_csv(table: PublishedTable) -> str:
    """One table as CSV text: suppressed values empty, counts without decimals, text escaped."""
    frame = protected_frame(table)
    for column in frame.columns:
        if column in table.value_columns and decimals_for(column, frame[column]) == 0:
            frame[column] = pd.to_numeric(frame[column]).round().astype("Int64")
        elif not pd.api.types.is_numeric_dtype(frame[column]):
            frame[column] = frame[column].map(escape_cell)  # text (object or string dtype)
    return frame.to_csv(sep=CSV_SEPARATOR, index=False, lineterminator="\n", na_rep="")


# ---------------------------------------------------------------- workbook


def write_workbook(
    path: Path, publication: Publication, sheets: list[tuple[str, PublishedTable]]
) -> None:
    """Toelichting first, then one sheet per table; no cell is ever a formula."""
    book = Workbook()
    notes = book.active
    assert notes is not None
    notes.title = NOTES_SHEET
    write_notes(notes, publication, sheets)
    for sheet_name, table in sheets:
        write_table_sheet(book.create_sheet(sheet_name), table)
    book.save(path)


def write_notes(
    sheet: Worksheet, publication: Publication, sheets: list[tuple[str, PublishedTable]]
) -> None:
    """What the workbook holds and the rules behind the figures (the report's Toelichting)."""
    lines: list[tuple[str, str]] = [
        ("Titel", TITLE),
        ("Gegenereerd op", generated_text(publication.generated_at)),
        ("Perioden", perioden_text(publication.perioden)),
        ("Drempel kleine aantallen (k)", str(publication.k)),
        ("Dekkingsdrempel", share_text(publication.coverage_floor)),
        *rules_nl(publication),
        ("Statuskolommen", "Een kolom <naam>_status zegt per cel: gepubliceerd, primair of "
         f"secundair (verborgen, '{SUPPRESSED_MARK}'), onderdrukt (verborgen, reden niet "
         "bekend) of onvolledig (dekking onder de drempel)."),
        *((f"Tabblad {name}", f"{t.title_nl}. {t.description_nl}") for name, t in sheets),
    ]  # fmt: skip
    _append_header(sheet, ["onderwerp", "toelichting"])
    for label, text in lines:
        _append_text_row(sheet, [label, text])
    sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width = 34, 120
    sheet.freeze_panes = "A2"


def write_table_sheet(sheet: Worksheet, table: PublishedTable) -> None:
    """A table with a frozen header; a suppressed value is the mark, its status column kept."""
    frame = table.frame
    columns = [str(c) for c in frame.columns]
    _append_header(sheet, columns)
    formats = {c: number_format(c, frame[c]) for c in table.value_columns}
    rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
    for number, row in enumerate(rows, start=2):  # cells by position: max_row is O(cells)
        for index, column in enumerate(columns, start=1):
            cell = sheet.cell(
                row=number, column=index, value=escape_cell(_sheet_value(table, row, column))
            )
            if isinstance(cell.value, str):
                cell.data_type = "s"
                if cell.value == SUPPRESSED_MARK and column in formats:
                    cell.alignment = CENTRED
            elif column in formats and cell.value is not None:
                cell.number_format = formats[column]
    for index, column in enumerate(columns, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = max(10, min(40, len(column) + 4))
    sheet.freeze_panes = "A2"
    if len(frame):
        sheet.auto_filter.ref = sheet.dimensions


def number_format(column: str, values: pd.Series) -> str:
    """Excel's format for a figure column: counts 1.234, rates 12,5, shares 0–1 as 92,5%."""
    if column in SHARE_COLUMNS:
        return "0.0%"
    return "#,##0" if decimals_for(column, values) == 0 else "#,##0.0"


def _sheet_value(table: PublishedTable, row: dict[str, Any], column: str) -> Any:
    if column in table.value_columns and cell_status(table, row, column) in SUPPRESSED_STATUSES:
        return SUPPRESSED_MARK
    return row[column]


def _append_header(sheet: Worksheet, header: list[str]) -> None:
    for cell in _append_text_row(sheet, header):
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL


def _append_text_row(sheet: Worksheet, values: list[str]) -> list[Cell]:
    sheet.append([escape_cell(v) for v in values])
    cells = list(sheet[sheet.max_row])  # only for the few rows of notes and headers
    for cell in cells:
        cell.data_type = "s"
        cell.alignment = WRAPPED
    return cells
