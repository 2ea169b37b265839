"""The frames of a Publication as PublishedTables, and the status of each published cell.

The five frames of a Publication (kerncijfers, trend, dekking, kwaliteit, reeksbreuken) are
offered as PublishedTables (`frame_tables`) with status columns derived the same way as the
publish step's, so the writers handle one kind of table only. A cell whose status says it is
suppressed is treated as missing whatever its value, so a publish step that forgot to blank it
leaks nothing.
"""

from __future__ import annotations

import numbers
from typing import Any

import pandas as pd

from pipeline.publication.published import Publication, PublishedTable
from pipeline.publication.text import (
    COVERAGE_COLUMNS,
    DIMENSION_NUMBERS,
    TEXT_COLUMNS,
)
from schemas.vocabulary import INCOMPLETE, PUBLISHED, SUPPRESSED, SUPPRESSED_STATUSES


def value_columns_of(frame: pd.DataFrame) -> tuple[str, ...]:
    """Columns that carry figures: numbers (not booleans, not text), not a dimension like `jaar`.

    A column of text that looks numeric ("0344") stays a dimension; a column that is entirely
    missing counts as figures (everything suppressed) unless it is a known text column.
    """
    found = []
    for column in map(str, frame.columns):
        series = frame[column]
        if (
            column in DIMENSION_NUMBERS
            or column.endswith("_status")
            or pd.api.types.is_bool_dtype(series)
        ):
            continue
        present = series.dropna()
        numeric = pd.api.types.is_numeric_dtype(series) or (
            len(present) > 0 and all(_is_number(v) for v in present)
        )
        if numeric or (present.empty and column not in TEXT_COLUMNS):
            found.append(column)
    return tuple(found)


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _with_status(name: str, title: str, description: str, frame: pd.DataFrame) -> PublishedTable:
    """A frame with a status column per figure: one the publish step gave is kept, else derived.

    A derived status is `onderdrukt` where the figure is missing (the Publication leaves a hidden
    national figure empty) and `gepubliceerd` elsewhere; coverage columns get none.
    """
    mapping: dict[str, str] = {}
    derived: dict[str, pd.Series] = {}
    for column in value_columns_of(frame):
        status = f"{column}_status"
        if status not in frame and column in COVERAGE_COLUMNS:
            continue
        if status not in frame:
            published = pd.Series(PUBLISHED, index=frame.index, dtype=object)
            derived[status] = published.where(frame[column].notna(), SUPPRESSED)
        mapping[column] = status
    out = pd.concat([frame, pd.DataFrame(derived, index=frame.index)], axis=1) if derived else frame
    return PublishedTable(name, title, description, out, value_columns_of(frame), mapping)


def frame_tables(publication: Publication) -> tuple[PublishedTable, ...]:
    """The public frames as tables (names are file stems): kerncijfers, trend, dekking and the
    number of series breaks per period. Nothing names an employer: see `internal_tables`."""
    plain = [("dekking_regio", "Dekking per veiligheidsregio", "Aandeel organisaties en fte dat "
              "heeft geleverd, per beroepsgroep, veiligheidsregio en kwartaal.", publication.dekking_regio),
             ("reeksbreuken", "Reeksbreuken", "Aantal organisaties per kwartaal en soort wijziging "
              "in de registratie waardoor cijfers voor en na die periode niet zonder meer "
              "vergelijkbaar zijn.", breaks_per_period(publication.reeksbreuken))]  # fmt: skip
    return (
        _with_status("kerncijfers", "Kerncijfers per beroepsgroep", "Landelijke kerncijfers per "
                     "beroepsgroep over het laatste jaar.", publication.kerncijfers),
        _with_status("trend", "Incidenten per kwartaal", "Aantal incidenten per beroepsgroep en "
                     "kwartaal.", publication.trend),
        *(PublishedTable(n, t, d, f.reset_index(drop=True), value_columns_of(f), {})
          for n, t, d, f in plain),
    )  # fmt: skip


def breaks_per_period(reeksbreuken: pd.DataFrame) -> pd.DataFrame:
    """Series breaks counted per period and kind, without naming the organisations."""
    if reeksbreuken.empty:
        return pd.DataFrame({"periode": pd.Series(dtype=str), "soort": pd.Series(dtype=str),
                             "organisaties": pd.Series(dtype="int64")})  # fmt: skip
    counted = reeksbreuken.groupby(["periode", "soort"])["organisatiecode"].nunique()
    return counted.rename("organisaties").reset_index().sort_values(["periode", "soort"])


def internal_tables(publication: Publication) -> tuple[PublishedTable, ...]:
    """For the Taskforce only (`reports/intern/`): quality and series breaks per employer."""
    kwaliteit = publication.kwaliteit.sort_values(
        [c for c in ("jaar", "laagste_score", "gemiddelde_score") if c in publication.kwaliteit],
        ascending=[c != "jaar" for c in ("jaar", "laagste_score", "gemiddelde_score")
                   if c in publication.kwaliteit], kind="stable").reset_index(drop=True)  # fmt: skip
    plain = [("kwaliteit", "Kwaliteit van de aanlevering per werkgever", "Kwaliteitsscore (0–100) "
              "per organisatie en jaar, laagste scores eerst.", kwaliteit),
             ("reeksbreuken_organisatie", "Reeksbreuken per organisatie", "Wijzigingen in de "
              "registratie per organisatie.", publication.reeksbreuken)]  # fmt: skip
    return tuple(PublishedTable(n, t, d, f.reset_index(drop=True), value_columns_of(f), {})
                 for n, t, d, f in plain)  # fmt: skip


def frame_table(publication: Publication, name: str) -> PublishedTable:
    """One of the public or internal frames as a table, by name (`kerncijfers`, `trend`, ...)."""
    tables = (*frame_tables(publication), *internal_tables(publication))
    return next(table for table in tables if table.name == name)


def cell_status(table: PublishedTable, row: dict[str, Any], column: str) -> str:
    """The status of one value cell: no status column, published; a missing status, hidden."""
    status_column = table.status_columns.get(column)
    if status_column is None:
        return PUBLISHED
    status = row[status_column]
    return SUPPRESSED if status is None or pd.isna(status) else str(status)


def display_status(table: PublishedTable, row: dict[str, Any], column: str) -> str:
    """The status shown to people: a published figure in a row with `volledig` False is onvolledig."""
    status = cell_status(table, row, column)
    incomplete = "volledig" in row and not is_true(row["volledig"])
    if status == PUBLISHED and incomplete and column not in COVERAGE_COLUMNS:
        return INCOMPLETE
    return status


def is_true(value: Any) -> bool:
    """True for True; False for False and for a missing value (None, NaN, NA)."""
    return value is not None and not bool(pd.isna(value)) and bool(value)


def protected_frame(table: PublishedTable) -> pd.DataFrame:
    """The table's frame with every value whose status says suppressed set to missing."""
    frame = table.frame.copy()
    for column, status_column in table.status_columns.items():
        hidden = frame[status_column].isin(SUPPRESSED_STATUSES) | frame[status_column].isna()
        frame[column] = pd.to_numeric(frame[column], errors="coerce").mask(hidden)
    return frame
