"""Write the national report as files: HTML page, workbook, CSV and Parquet per table.

Layout of `out_dir` (the public report: nothing in it names an employer)::

    index.html                  the report (pipeline.publication.page.render_html)
    monitor.xlsx                Toelichting and one formatted sheet per table (pipeline.publication.excel)
    csv/<name>.csv              one file per public table and frame (kerncijfers, trend,
    parquet/<name>.parquet      dekking_regio, reeksbreuken)

CSV is written for Dutch Excel: UTF-8 with BOM, `;` between fields, decimal comma, no thousands
separator, `ja`/`nee`, and beside every coded column (beroepsgroep, gedragstype) its label in
`<column>_omschrijving`. A suppressed value is an empty field and its status column says why;
text that could start a formula is escaped with a leading apostrophe (`escape_cell`). Parquet
keeps the types and the columns of the table (for machines); a suppressed value is null.

The internal report for the Taskforce (quality and series breaks per employer) goes to a folder
of its own (`write_internal_report`, `reports/intern/`), never into the public one.

Everything is written into a fresh directory beside `out_dir` and swapped in at the end, so a
reader sees the old report or the new one, never half of one.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import os
import re
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.escaping import escape_cell
from pipeline.publication.excel import CODED, LABEL_SUFFIX, write_workbook
from pipeline.publication.page import page_html, public_tables, render_html, table_html
from pipeline.publication.published import SUPPRESSED_MARK, Publication, PublishedTable
from pipeline.publication.report_tables import internal_tables, protected_frame
from pipeline.publication.text import (
    ReportError,
    code_label,
    decimals_for,
    quality_rule,
)
from schemas.vocabulary import SUPPRESSED_STATUSES, ja_nee

log = logging.getLogger(__name__)

FRAME_SHEETS = {"kerncijfers": "Kerncijfers", "trend": "Trend", "dekking_regio": "Dekking",
                "reeksbreuken": "Reeksbreuken"}  # fmt: skip
NOTES_SHEET = "Toelichting"
INTERNAL_TITLE = "Intern: kwaliteit van de aanlevering per werkgever"
NAME_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,31}")  # a file stem and a valid sheet name
CSV_SEPARATOR, CSV_BOM = ";", "\ufeff"


@dataclass(frozen=True)
class ReportFiles:
    """Where the report was written; `csv` and `parquet` map a table name to its file."""

    directory: Path
    html: Path
    xlsx: Path
    csv: dict[str, Path]
    parquet: dict[str, Path]


def write_report(
    out_dir: Path,
    publication: Publication,
    changes: pd.DataFrame | None = None,
    since: dt.datetime | None = None,
) -> ReportFiles:
    """Write the whole report into `out_dir`, replacing what was there in one swap; `changes`
    (pipeline.publication.revisions) are the figures that changed since the publication of `since`."""
    sheets = report_sheets(publication)
    page = render_html(publication, changes, since)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.nieuw-", dir=out_dir.parent))
    try:
        staging.chmod(0o755)  # mkdtemp makes it private; a report is meant to be read
        write_files(staging, publication, sheets, page)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    swap_in(staging, out_dir)
    return report_files(out_dir, sheets)


def report_sheets(publication: Publication) -> list[tuple[str, PublishedTable]]:
    """(sheet name, table) in report order; names checked as file stems and unique sheets."""
    sheets = [(FRAME_SHEETS.get(t.name, t.name), t) for t in public_tables(publication)]
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
    folder: Path, publication: Publication, sheets: list[tuple[str, PublishedTable]], page: str
) -> None:
    """Every file of the report into `folder` (which exists and is empty)."""
    (folder / "index.html").write_text(page, encoding="utf-8")
    write_workbook(folder / "monitor.xlsx", publication, sheets)
    (folder / "csv").mkdir()
    (folder / "parquet").mkdir()
    for _, table in sheets:
        warn_unblanked(table)
        (folder / "csv" / f"{table.name}.csv").write_text(
            CSV_BOM + table_csv(table), encoding="utf-8"
        )
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
    """One table as CSV text for Dutch Excel (without the BOM): suppressed values empty, decimal
    comma, ja/nee, labels beside codes, text escaped."""
    frame = protected_frame(table)
    out: dict[str, pd.Series] = {}
    for column in map(str, frame.columns):
        series = frame[column]
        if column in table.value_columns:
            decimals = decimals_for(column, series)
            out[column] = pd.to_numeric(series, errors="coerce").map(
                lambda v, d=decimals: "" if pd.isna(v) else f"{v:.{d}f}".replace(".", ",")
            )
        elif pd.api.types.is_float_dtype(series):  # coverage and other shares: 99,9
            out[column] = series.map(lambda v: "" if pd.isna(v) else f"{v:.1f}".replace(".", ","))
        elif _is_yes_no(series):
            out[column] = series.map(lambda v: "" if v is None or pd.isna(v) else ja_nee(v))
        else:
            out[column] = series.map(
                lambda v: "" if v is None or pd.isna(v) else escape_cell(str(v))
            )
        if column in CODED:
            out[f"{column}{LABEL_SUFFIX}"] = series.map(lambda v, c=column: code_label(c, v))
    return pd.DataFrame(out).to_csv(sep=CSV_SEPARATOR, index=False, lineterminator="\n")


def _is_yes_no(series: pd.Series) -> bool:
    present = series.dropna()
    return pd.api.types.is_bool_dtype(series) or (
        len(present) > 0 and all(isinstance(v, bool) for v in present)
    )


# ---------------------------------------------------------------- internal report


def write_internal_report(out_dir: Path, publication: Publication) -> Path:
    """The Taskforce's internal report: quality and series breaks per employer (HTML + CSV)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    tables = internal_tables(publication)
    rule = quality_rule()
    sections = [(t.name, t.title_nl, f"<p>{html.escape(t.description_nl)}</p>{table_html(t)}")
                for t in tables]  # fmt: skip
    sections.insert(0, ("uitleg", rule[0], f"<p>{html.escape(rule[1])}</p><p>Dit rapport is niet "
                        "openbaar: het noemt werkgevers bij naam.</p>"))  # fmt: skip
    page = out_dir / "index.html"
    page.write_text(page_html(INTERNAL_TITLE, publication, sections), encoding="utf-8")
    for table in tables:
        (out_dir / f"{table.name}.csv").write_text(CSV_BOM + table_csv(table), encoding="utf-8")
    return page
