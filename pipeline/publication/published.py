"""What is published (report, Excel, CSV, Parquet): tables after disclosure control.

`pipeline/publication/build.py` builds a `Publication` from the published warehouse; the report writer
renders it. Every count in a published table has passed disclosure control: a suppressed cell
is missing (None/NaN) and its status column says why; nothing else is hidden.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from schemas.fields import FieldName

# Published tables and columns named after the national field they count.
ZWAARSTE, CONTEXT = FieldName.ZWAARSTE_GEDRAGSTYPE.value, FieldName.CONTEXT.value
NAZORG = FieldName.NAZORG_AANGEBODEN.value
SUPPRESSED_MARK = (
    "x"  # how a suppressed cell is shown in HTML and Excel (primary and secondary alike)
)


@dataclass(frozen=True)
class PublishedTable:
    """One published table.

    `frame` holds dimension columns (text) and value columns; a suppressed value is missing.
    `value_columns` names the columns that carry figures (counts, rates); `status_columns` maps a
    value column to its status column ("gepubliceerd", "primair", "secundair", "onvolledig"),
    which is kept in CSV/Parquet for machines and rendered as a mark for people.
    """

    name: str  # file stem and sheet name (≤ 31 chars), e.g. "incidenten_zwaarste"
    title_nl: str
    description_nl: str
    frame: pd.DataFrame
    value_columns: tuple[str, ...]
    status_columns: dict[str, str]


@dataclass(frozen=True)
class Publication:
    """Everything the report shows, already protected; built once per nightly run."""

    generated_at: dt.datetime
    perioden: tuple[str, ...]  # quarters covered, oldest first, e.g. ("2025Q1", ..., "2025Q4")
    k: int  # minimum cell count (primary suppression below k)
    coverage_floor: float  # share of FTE below which a figure is not a complete total (0.6)
    kerncijfers: pd.DataFrame  # per beroepsgroep, latest year: national key figures + `volledig`
    trend: pd.DataFrame  # beroepsgroep, periode, incidenten (None if suppressed), volledig
    dekking_regio: (
        pd.DataFrame
    )  # beroepsgroep, veiligheidsregiocode, naam, periode, organisaties_pct, fte_pct, onder_drempel
    kwaliteit: (
        pd.DataFrame
    )  # organisatiecode, naam, beroepsgroep, jaar, gemiddelde_score, laagste_score, kwartalen
    reeksbreuken: pd.DataFrame  # organisatiecode, naam, periode, soort, van, naar
    tables: tuple[PublishedTable, ...]  # the detailed tables, in report order
