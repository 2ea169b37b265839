"""The report's figures: which charts it shows, the rows behind each (after disclosure control),
and their captions; drawn as static SVG by `pipeline.publication.chart_svg` (no JavaScript in the
page, no network).

Every chart takes rows that have already passed disclosure control and carry a `status`
(volledig, onvolledig, verborgen, niet te berekenen). A hidden value is drawn as the mark 'x' on
the axis, an incomplete one (coverage below the floor) in a light colour with '*': the chart
itself says what the figure is, not only its table.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pipeline.publication.chart_svg import (
    COMPLETE,
    HIDDEN,
    MISSING,
    bar_chart_svg,
    line_chart_svg,
)
from pipeline.publication.published import CONTEXT, SUPPRESSED_MARK, Publication, PublishedTable
from pipeline.publication.report_tables import display_status, frame_table
from pipeline.publication.text import INCOMPLETE_MARK, code_label
from schemas.vocabulary import INCOMPLETE, PUBLISHED, SUPPRESSED_STATUSES


def chart_rows(frame: pd.DataFrame, value: str, status: pd.Series) -> pd.DataFrame:
    """Rows for a chart: `waarde` (None unless shown), `status`, and `teken` (x or *) to print."""
    shown = frame.assign(status=status.to_numpy())
    numbers = pd.to_numeric(frame[value], errors="coerce").astype("float64")  # NA → NaN
    shown["waarde"] = numbers.where(shown["status"].isin([COMPLETE, INCOMPLETE]).to_numpy())
    shown.loc[shown["waarde"].isna() & (shown["status"] != HIDDEN), "status"] = MISSING
    shown["teken"] = (
        shown["status"]
        .map({HIDDEN: SUPPRESSED_MARK, INCOMPLETE: INCOMPLETE_MARK, MISSING: "."})
        .fillna("")
    )
    return shown


# ---------------------------------------------------------------- the report's figures


@dataclass(frozen=True)
class Figure:
    """A chart with its caption and the rows behind it (the data table under the chart)."""

    key: str
    title: str
    caption: str
    svg: str
    rows: pd.DataFrame  # row label, column label, waarde, status, teken
    row_label: str
    column_label: str
    percent: bool = False


def chart_status(table: PublishedTable, frame: pd.DataFrame, column: str) -> pd.Series:
    """The status of every cell of a column as the chart shows it."""
    names = {INCOMPLETE: INCOMPLETE, PUBLISHED: COMPLETE}  # same word, other meaning
    values = [display_status(table, row, column) for row in frame.to_dict("records")]
    return pd.Series([HIDDEN if s in SUPPRESSED_STATUSES else names.get(s, MISSING) for s in values],
                     index=frame.index, dtype=object)  # fmt: skip


def find_table(publication: Publication, name: str) -> PublishedTable | None:
    """A published table by name, or None when the publication has none of that name."""
    return next((t for t in publication.tables if t.name == name), None)


def national(table: PublishedTable, periodetype: str) -> pd.DataFrame:
    """The national rows of one period type."""
    frame = table.frame
    return frame[(frame["niveau"] == "nationaal") & (frame["periodetype"] == periodetype)]


def report_year(publication: Publication) -> str | None:
    """The latest year with a complete national figure, else the latest year; None without any."""
    table = find_table(publication, "indicatoren")
    if table is None:
        return None
    years = national(table, "jaar")
    complete = years[years["volledig"].fillna(False).astype(bool)]
    chosen = complete if len(complete) else years
    return str(chosen["periode"].astype(str).max()) if len(chosen) else None


def _labelled(frame: pd.DataFrame, column: str) -> pd.Series:
    return frame[column].map(lambda v: code_label(column, v))


def trend_figure(publication: Publication, table: PublishedTable, column: str, key: str,
                 title: str, y_title: str, caption: str) -> Figure | None:  # fmt: skip
    """A national quarterly line per beroepsgroep of one column."""
    if column not in table.frame:
        return None
    frame = table.frame
    if "niveau" in frame:
        frame = national(table, "kwartaal")
    rows = chart_rows(frame, column, chart_status(table, frame, column))
    rows = rows.assign(beroepsgroep=_labelled(rows, "beroepsgroep"))
    if rows["waarde"].notna().sum() == 0:
        return None
    svg = line_chart_svg(rows, "periode", "beroepsgroep", title, y_title)
    return Figure(key, title, caption, svg, rows, "beroepsgroep", "periode",
                  column.endswith("_pct"))  # fmt: skip


CATEGORY_FIGURES = {  # category → (table, title, caption note)
    "gedragstype": ("incidenten_gedragstype", "Incidenten naar gedragstype",
                    "Een incident met meer dan één gedragstype telt bij elk daarvan mee."),
    CONTEXT: ("incidenten_context", "Incidenten naar context",
                "Elk incident telt één keer, in de situatie waarin het gebeurde."),
}  # fmt: skip


def category_figure(publication: Publication, year: str, category: str) -> Figure | None:
    """National incidents by gedragstype or context in the report year, per beroepsgroep."""
    name, heading, note = CATEGORY_FIGURES[category]
    table = find_table(publication, name)
    if table is None:
        return None
    frame = national(table, "jaar")
    frame = frame[frame["periode"].astype(str) == year]
    if frame.empty:
        return None
    rows = chart_rows(frame, "incidenten", chart_status(table, frame, "incidenten"))
    rows = rows.assign(beroepsgroep=_labelled(rows, "beroepsgroep"),
                       **{category: _labelled(rows, category)})  # fmt: skip
    title = f"{heading}, {year}"
    svg = bar_chart_svg(rows, category, "beroepsgroep", title, "incidenten")
    caption = f"Landelijk aantal incidenten per {category} in {year}. {note}"
    return Figure(category, title, caption, svg, rows, category, "beroepsgroep")


def region_figure(publication: Publication, year: str) -> Figure | None:
    """Incidents per 1,000 FTE per veiligheidsregio in the report year, per beroepsgroep."""
    table = find_table(publication, "indicatoren")
    if table is None:
        return None
    frame = table.frame
    frame = frame[(frame["niveau"] == "veiligheidsregio") & (frame["periodetype"] == "jaar")
                  & (frame["periode"].astype(str) == year) & (frame["gebiedcode"] != "onbekend")]  # fmt: skip
    rows = chart_rows(frame, "per_1000_fte", chart_status(table, frame, "per_1000_fte"))
    with_rate = rows.groupby("beroepsgroep")["waarde"].transform(lambda s: s.notna().any())
    rows = rows[with_rate]
    if rows.empty:
        return None
    rows = rows.assign(beroepsgroep=_labelled(rows, "beroepsgroep"),
                       regio=rows["gebiednaam"].astype(str))  # fmt: skip
    title = f"Incidenten per 1.000 fte per veiligheidsregio, {year}"
    svg = bar_chart_svg(rows, "regio", "beroepsgroep", title, "per 1.000 fte", columns=2)
    caption = (f"De 25 veiligheidsregio's naast elkaar, per beroepsgroep ({year}). Een lichte balk "
               f"met {INCOMPLETE_MARK} is onvolledig (dekking onder de drempel): een ondergrens, "
               f"niet te vergelijken met de andere regio's.")  # fmt: skip
    return Figure("regio", title, caption, svg, rows, "regio", "beroepsgroep")


def report_figures(publication: Publication) -> list[Figure]:
    """The figures of the report in reading order (those the publication has data for)."""
    trend = frame_table(publication, "trend")
    indicators = find_table(publication, "indicatoren")
    year = report_year(publication)
    found = [
        trend_figure(publication, trend, "per_1000_fte", "per-fte", "Incidenten per 1.000 fte",
                     "per 1.000 fte", "Landelijk aantal incidenten per 1.000 fte van de werkgevers "
                     "die leverden, per kwartaal. Politie, boa's en brandweer hebben elk een eigen "
                     "noemer; de lijnen zijn niet op te tellen."),
        trend_figure(publication, trend, "incidenten", "aantal", "Incidenten per kwartaal",
                     "incidenten", "Landelijk aantal geregistreerde incidenten per kwartaal."),
    ]  # fmt: skip
    if indicators is not None:
        found += [
            trend_figure(publication, indicators, "aangifte_pct", "aangifte",
                         "Aandeel incidenten met aangifte", "% met aangifte",
                         "Percentage van de incidenten waarvan bekend is of er aangifte is "
                         "gedaan, met aangifte; landelijk per kwartaal."),
            trend_figure(publication, indicators, "vpt_pct", "vpt",
                         "Aandeel aangiftes met VPT-markering", "% met VPT-markering",
                         "Percentage van de aangiftes met bekende markering dat als Veilige "
                         "Publieke Taak is gemarkeerd; landelijk per kwartaal."),
        ]  # fmt: skip
    if year is not None:
        found += [category_figure(publication, year, "gedragstype"),
                  category_figure(publication, year, CONTEXT), region_figure(publication, year)]  # fmt: skip
    return [f for f in found if f is not None]
