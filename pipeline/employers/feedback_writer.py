"""Write employer feedback as xlsx, CSV and a self-contained HTML page.

Every text cell that could start a formula (`= + - @`, tab, carriage return) is escaped with a
leading apostrophe and written as text: the values come from employers' files and are hostile
until proven otherwise (DESIGN §9). The xlsx holds only strings, numbers and blanks, never a
formula or a link (`feedback_xlsx`: XlsxWriter's package, inline strings).
"""

from __future__ import annotations

import csv
import functools
import html
import io
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.employers.feedback import Feedback, feedback_dir
from pipeline.employers.feedback_xlsx import MAX_SHEET_ROWS, Table, write_workbook
from pipeline.employers.sheet_cells import REMEMBERED_ROWS, is_short_text_row
from pipeline.escaping import escape_cell
from schemas.edits import EDITS

WIDTHS = {"code": 7, "ernst": 13, "rij": 7, "tabblad": 14, "kolom": 22, "veld": 22, "waarde": 24,
          "verwacht": 48, "oplossing": 60, "melding": 80, "uitkomst": 18, "waargenomen": 36,
          "norm": 30, "toelichting": 90}  # fmt: skip


def write_feedback(root: Path, feedback: Feedback) -> Path:
    """Write `<root>/<organisatiecode>/<name>.{xlsx,csv,html}`; returns the xlsx path."""
    return write_feedback_files(feedback_dir(root, feedback) / f"{feedback.name}.xlsx", feedback)


def write_feedback_files(xlsx_path: Path, feedback: Feedback) -> Path:
    """Write the xlsx at `xlsx_path` and the CSV and HTML beside it (same stem), in a folder
    made when it is not there yet."""
    xlsx_path.parent.mkdir(parents=True, exist_ok=True)
    write_xlsx(xlsx_path, feedback)
    # a file name that is not UTF-8 reaches Python with lone surrogates: written as "?"
    xlsx_path.with_suffix(".csv").write_text(edits_csv(feedback), encoding="utf-8-sig",
                                             errors="replace")  # fmt: skip
    xlsx_path.with_suffix(".html").write_text(feedback_html(feedback), encoding="utf-8",
                                              errors="replace")  # fmt: skip
    return xlsx_path


def write_xlsx(path: Path, feedback: Feedback) -> None:
    """The workbook: Samenvatting, Meldingen, Controles, Uitleg (`feedback_xlsx`: XlsxWriter's
    package, written once a process, with the rows of this delivery)."""
    write_workbook(path, feedback_tables(feedback))


def feedback_tables(feedback: Feedback) -> list[Table]:
    """The workbook's four sheets: names, headers, widths and rows of plain values. Edits beyond
    what a sheet holds are left out of it, and the summary says so (the CSV has them all)."""
    columns, edits = _columns_rows(feedback.edits)
    summary = [list(line) for line in feedback.summary]
    if len(edits) > MAX_SHEET_ROWS:
        shown, total = (f"{n:,}".replace(",", ".") for n in (MAX_SHEET_ROWS, len(edits)))
        note = (f"het werkblad Meldingen toont de eerste {shown} van {total} meldingen (meer past "
                "niet in een werkblad); het CSV-bestand naast deze werkmap bevat ze allemaal")  # fmt: skip
        summary.insert(0, ["Let op", note])
        edits = edits[:MAX_SHEET_ROWS]
    sheets = {
        "Samenvatting": (["onderdeel", "waarde"], summary),
        "Meldingen": (columns, edits),
        "Controles": _columns_rows(feedback.checks),
    }
    tables = []
    for name, (columns, rows) in sheets.items():
        widths = {"onderdeel": 50, "waarde": 60} if name == "Samenvatting" else WIDTHS
        tables.append(Table(name, columns, [widths.get(c, 40) for c in columns], rows))
    return [*tables, explanation_table()]


@functools.cache
def explanation_table() -> Table:
    """The Uitleg sheet: every edit code with its meaning and fix (the same in every workbook)."""
    columns = ("code", "ernst", "omschrijving", "verwacht", "oplossing")
    rows = tuple((e.code.value, e.severity.nl, e.title_nl, e.expected_nl, e.fix_nl)
                 for e in EDITS.values())  # fmt: skip
    return Table("Uitleg", columns, tuple(WIDTHS.get(c, 40) for c in columns), rows, constant=True)


def _columns_rows(frame: pd.DataFrame) -> tuple[list[str], list[list[Any]]]:
    """A frame's column names and its rows as plain Python values (missing ones as NA/NaN)."""
    return [str(c) for c in frame.columns.tolist()], frame.to_numpy(dtype=object).tolist()


def edits_csv(feedback: Feedback) -> str:
    """The summary as `#` lines, then one `;`-separated row per edit (Dutch Excel opens it)."""
    buffer = io.StringIO()
    for label, value in feedback.summary:
        buffer.write(f"# {label}: {escape_cell(value)}\n")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(feedback.edits.columns.tolist())
    for row in plain_rows(feedback.edits):
        writer.writerow(["" if v is None else escape_cell(str(v)) for v in row])
    return buffer.getvalue()


def plain_rows(frame: pd.DataFrame) -> list[list[Any]]:
    """A frame's rows as plain Python values, every kind of missing value as None (per delivery
    this runs for three tables: plain lists, not pandas operations)."""
    return [
        [None if _missing(v) else v for v in row] for row in frame.to_numpy(dtype=object).tolist()
    ]


def _missing(value: Any) -> bool:
    """None, NaN, NA or NaT (a list or other object is not missing)."""
    return (value is None or value is pd.NA or value is pd.NaT
            or (isinstance(value, float) and math.isnan(value)))  # fmt: skip


PAGE_STYLE = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;margin:2rem;color:#1b1b1b;
max-width:1200px}h1{color:#1f4e79;font-size:1.5rem}h2{color:#1f4e79;font-size:1.15rem;margin-top:2rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{border:1px solid #c8d3df;padding:.3rem .5rem;
text-align:left;vertical-align:top}th{background:#1f4e79;color:#fff}tr:nth-child(even) td{background:#f3f6f9}
.fout{color:#a4000f;font-weight:600}.waarschuwing{color:#8a5a00;font-weight:600}
.samenvatting th{width:40%;background:#e8eef4;color:#1b1b1b}p.leeg{color:#3b6e22}
"""


def feedback_html(feedback: Feedback) -> str:
    """One self-contained page (no scripts, no external files) with the whole feedback."""
    title = f"Terugkoppeling {dict(feedback.summary).get('Bestand', feedback.name)}"
    summary = "".join(_summary_row(label, value) for label, value in feedback.summary)
    edits = (
        _html_table(feedback.edits, mark="ernst")
        if len(feedback.edits)
        else '<p class="leeg">Geen meldingen: alle rijen zijn zonder fouten of waarschuwingen verwerkt.</p>'
    )
    checks = (
        _html_table(feedback.checks)
        if len(feedback.checks)
        else "<p>Geen controles uitgevoerd.</p>"
    )
    return (
        f'<!DOCTYPE html>\n<html lang="nl"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{PAGE_STYLE}</style></head><body>"
        f"<h1>{html.escape(title)}</h1>"
        f'<h2>Samenvatting</h2><table class="samenvatting">{summary}</table>'
        f"<h2>Meldingen ({len(feedback.edits)})</h2>{edits}"
        f"<h2>Controles op de hele levering</h2>{checks}"
        '<h2>Uitleg</h2><p>Een <span class="fout">fout</span> betekent dat de rij (of bij een '
        'S-code de hele levering) niet is meegeteld; een <span class="waarschuwing">waarschuwing'
        "</span> betekent dat de rij wel is meegeteld, maar dat u de waarde wilt controleren. "
        "Het rijnummer is het nummer van de regel in uw eigen bestand.</p>"
        "</body></html>\n"
    )


def _html_table(frame: pd.DataFrame, mark: str | None = None) -> str:
    """A frame as an escaped HTML table; the `mark` column's value is also its cell's class."""
    # the names as a list: iterating pandas' Arrow-backed index costs ~2 µs a name, every row
    columns = frame.columns.tolist()
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in columns)
    marked = tuple(c == mark for c in columns)
    body = []
    for row in plain_rows(frame):
        body.append(_html_text_row(marked, tuple(row)) if is_short_text_row(row)
                    else _html_row(marked, row))  # fmt: skip
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _html_row(marked: tuple[bool, ...], row: Sequence[Any]) -> str:
    """A `<tr>` of escaped cells; a marked column's value is also its cell's class."""
    cells = "".join(
        f'<td class="{html.escape(str(v))}">{html.escape(str(v))}</td>'
        if is_marked
        else f"<td>{'' if v is None else html.escape(str(v))}</td>"
        for is_marked, v in zip(marked, row, strict=True)
    )
    return f"<tr>{cells}</tr>"


# a row of short texts, once a process (`sheet_cells`: most recur from delivery to delivery)
_html_text_row = functools.lru_cache(maxsize=REMEMBERED_ROWS)(_html_row)


def _summary_row(label: str, value: str) -> str:
    """A line of the summary (`<th>` and `<td>`); remembered as the table rows are."""
    if is_short_text_row((label, value)):
        return _summary_row_remembered(label, value)
    return _summary_row_of(label, value)


def _summary_row_of(label: str, value: str) -> str:
    """A line of the summary, written."""
    return f"<tr><th>{html.escape(label)}</th><td>{html.escape(value)}</td></tr>"


_summary_row_remembered = functools.lru_cache(maxsize=REMEMBERED_ROWS)(_summary_row_of)
