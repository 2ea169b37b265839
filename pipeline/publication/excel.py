"""The report's workbook `monitor.xlsx`, written with XlsxWriter (as is the feedback workbook).

One formatted sheet per table: a title and its description above, Dutch column labels, codes with
their labels beside them, numbers stored as numbers (Dutch notation comes from Excel's own
locale), a suppressed value as `SUPPRESSED_MARK`, ja/nee for yes/no, and the definitions and
footnotes under the table. The trend sheet carries a line chart per beroepsgroep. No cell is a
formula: text that could start one is written as a string (`write_string`), never evaluated.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.escaping import XLSX_OPTIONS
from pipeline.publication.published import SUPPRESSED_MARK, Publication, PublishedTable
from pipeline.publication.report_tables import cell_status
from pipeline.publication.text import (
    SHARE_COLUMNS,
    TITLE,
    code_label,
    column_label,
    decimals_for,
    generated_text,
    perioden_text,
    rules_nl,
    share_text,
    table_footnote,
)
from schemas.fields import FieldName
from schemas.vocabulary import SUPPRESSED_STATUSES, ja_nee

NOTES_SHEET = "Toelichting"
HEADER_ROW = 3  # rows 0-1: title and description, row 2 empty
LABEL_SUFFIX = "_omschrijving"
CODED = ("beroepsgroep", "gedragstype", FieldName.ZWAARSTE_GEDRAGSTYPE.value)


def labelled_columns(frame: pd.DataFrame) -> list[tuple[str, str | None]]:
    """(column, code column it labels or None): every coded column followed by its label."""
    out: list[tuple[str, str | None]] = []
    for column in map(str, frame.columns):
        out.append((column, None))
        if column in CODED:
            out.append((f"{column}{LABEL_SUFFIX}", column))
    return out


def write_workbook(
    path: Path, publication: Publication, sheets: list[tuple[str, PublishedTable]]
) -> None:
    """Toelichting first, then one formatted sheet per table."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {**XLSX_OPTIONS, "nan_inf_to_errors": True})
    styles = _styles(book)
    write_notes(book.add_worksheet(NOTES_SHEET), styles, publication, sheets)
    for name, table in sheets:
        write_table_sheet(book.add_worksheet(name), styles, table)
        if table.name == "trend":
            add_trend_chart(book, book.get_worksheet_by_name(name), table)
    book.close()


def _styles(book: Any) -> dict[str, Any]:
    return {
        "title": book.add_format({"bold": True, "font_size": 14, "font_color": "#1F4E79"}),
        "header": book.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F4E79",
                                   "text_wrap": True, "valign": "top", "border": 1}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
        "note": book.add_format({"italic": True, "font_color": "#333333"}),
        "mark": book.add_format({"align": "center", "bold": True}),
        "count": book.add_format({"num_format": "#,##0"}),
        "rate": book.add_format({"num_format": "#,##0.0"}),
        "share": book.add_format({"num_format": "0.0%"}),
    }  # fmt: skip


def write_notes(sheet: Any, styles: dict[str, Any], publication: Publication,
                sheets: list[tuple[str, PublishedTable]]) -> None:  # fmt: skip
    """What the workbook holds and the rules behind the figures (the report's Toelichting)."""
    lines: list[tuple[str, str]] = [
        ("Gegenereerd op", generated_text(publication.generated_at)),
        ("Perioden", perioden_text(publication.perioden)),
        ("Drempel kleine aantallen (k)", str(publication.k)),
        ("Dekkingsdrempel", share_text(publication.coverage_floor)),
        *rules_nl(publication),
        ("Statuskolommen", "Een kolom <naam>_status zegt per cel: gepubliceerd of verborgen "
         f"('{SUPPRESSED_MARK}'); 'volledig' nee betekent dekking onder de drempel."),
        *((f"Tabblad {name}", f"{t.title_nl}. {t.description_nl}") for name, t in sheets),
    ]  # fmt: skip
    sheet.write_string(0, 0, TITLE, styles["title"])
    sheet.write_string(HEADER_ROW - 1, 0, "Onderwerp", styles["header"])
    sheet.write_string(HEADER_ROW - 1, 1, "Toelichting", styles["header"])
    for row, (label, text) in enumerate(lines, start=HEADER_ROW):
        sheet.write_string(row, 0, label, styles["wrap"])
        sheet.write_string(row, 1, text, styles["wrap"])
    sheet.set_column(0, 0, 34)
    sheet.set_column(1, 1, 120)
    sheet.freeze_panes(HEADER_ROW, 0)


def write_table_sheet(sheet: Any, styles: dict[str, Any], table: PublishedTable) -> None:
    """Title, description, labelled header, the rows, and the footnote under the table."""
    frame = table.frame
    columns = labelled_columns(frame)
    sheet.write_string(0, 0, table.title_nl, styles["title"])
    sheet.write_string(1, 0, table.description_nl, styles["note"])
    for index, (column, coded) in enumerate(columns):
        label = f"{column_label(coded)} (omschrijving)" if coded else column_label(column)
        sheet.write_string(HEADER_ROW, index, label, styles["header"])
        sheet.set_column(index, index, max(11, min(36, len(label) + 3)))
    formats = {c: _number_style(styles, c, frame[c]) for c in table.value_columns}
    records = frame.astype(object).where(frame.notna(), None).to_dict("records")
    for offset, row in enumerate(records, start=HEADER_ROW + 1):
        for index, (column, coded) in enumerate(columns):
            value = code_label(coded, row[coded]) if coded else _value(table, row, column)
            _write_cell(sheet, offset, index, value, formats.get(column), styles)
    last = HEADER_ROW + len(records)
    sheet.write_string(last + 2, 0, table_footnote(table), styles["note"])
    sheet.freeze_panes(HEADER_ROW + 1, 0)
    if records:
        sheet.autofilter(HEADER_ROW, 0, last, len(columns) - 1)


def _value(table: PublishedTable, row: dict[str, Any], column: str) -> Any:
    if column in table.value_columns and cell_status(table, row, column) in SUPPRESSED_STATUSES:
        return SUPPRESSED_MARK
    value = row[column]
    return ja_nee(value) if isinstance(value, bool) else value


def _write_cell(
    sheet: Any, row: int, col: int, value: Any, number: Any, styles: dict[str, Any]
) -> None:
    if value is None:
        return
    if isinstance(value, int | float) and not isinstance(value, bool):
        sheet.write_number(row, col, float(value), number)
    elif value == SUPPRESSED_MARK and number is not None:
        sheet.write_string(row, col, value, styles["mark"])
    else:
        sheet.write_string(row, col, str(value))


def _number_style(styles: dict[str, Any], column: str, values: pd.Series) -> Any:
    """Excel's format for a figure column: counts 1.234, rates 12,5, shares 0–1 as 92,5%."""
    if column in SHARE_COLUMNS:
        return styles["share"]
    return styles["count"] if decimals_for(column, values) == 0 else styles["rate"]


def add_trend_chart(book: Any, sheet: Any, table: PublishedTable) -> None:
    """A line chart of incidents per quarter, one line per beroepsgroep, beside the table.

    The chart reads a small block (kwartaal × beroepsgroep) right of the table in which a
    hidden value is an empty cell, so a line shows a gap where a figure is not published.
    """
    frame = table.frame
    if frame.empty:
        return
    periods = sorted(frame["periode"].astype(str).unique())
    groups = list(dict.fromkeys(frame["beroepsgroep"].astype(str)))
    first_col = len(labelled_columns(frame)) + 1
    sheet.write_string(HEADER_ROW, first_col, "Kwartaal")
    rows = {(str(r["beroepsgroep"]), str(r["periode"])): r
            for r in frame.astype(object).where(frame.notna(), None).to_dict("records")}  # fmt: skip
    for i, periode in enumerate(periods, start=HEADER_ROW + 1):
        sheet.write_string(i, first_col, periode)
    chart = book.add_chart({"type": "line"})
    for j, group in enumerate(groups, start=first_col + 1):
        sheet.write_string(HEADER_ROW, j, code_label("beroepsgroep", group))
        for i, periode in enumerate(periods, start=HEADER_ROW + 1):
            row = rows.get((group, periode))
            value = _value(table, row, "incidenten") if row else None
            if isinstance(value, int | float):
                sheet.write_number(i, j, float(value))
        last = HEADER_ROW + len(periods)
        chart.add_series({"name": [sheet.name, HEADER_ROW, j],
                          "categories": [sheet.name, HEADER_ROW + 1, first_col, last, first_col],
                          "values": [sheet.name, HEADER_ROW + 1, j, last, j],
                          "marker": {"type": "circle"}})  # fmt: skip
    chart.set_title({"name": "Incidenten per kwartaal"})
    chart.set_y_axis({"name": "incidenten", "num_format": "#,##0"})
    chart.show_blanks_as("gap")
    sheet.insert_chart(HEADER_ROW + len(periods) + 3, first_col, chart)
