"""The report's charts: Vega-Lite specifications built with altair, rendered offline to static
SVG by vl-convert (no JavaScript in the page, no network).

Every chart takes rows that have already passed disclosure control and carry a `status`
(volledig, onvolledig, verborgen, niet te berekenen). A hidden value is drawn as the mark 'x' on
the axis, an incomplete one (coverage below the floor) in a light colour with '*': the chart
itself says what the figure is, not only its table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from pipeline.publication.published import CONTEXT, SUPPRESSED_MARK, Publication, PublishedTable
from pipeline.publication.report_tables import display_status, frame_table
from pipeline.publication.text import (
    INCOMPLETE_MARK,
    ReportError,
    code_label,
)
from schemas.vocabulary import INCOMPLETE, PUBLISHED, SUPPRESSED_STATUSES

COMPLETE, HIDDEN, MISSING = "volledig", "verborgen", "niet te berekenen"
COLOURS = {COMPLETE: "#1f4e79", INCOMPLETE: "#9bb7d4"}
FONT = "DejaVu Sans, Arial, sans-serif"
XMLNS = re.compile(r'\s+xmlns(?::xlink)?="[^"]*"')


def render_svg(chart: Any, label: str) -> str:
    """An altair chart as inline SVG (Dutch number notation), labelled for screen readers."""
    import vl_convert

    try:
        svg = vl_convert.vegalite_to_svg(chart.to_dict(validate=False), format_locale="nl-NL")
    except (ValueError, RuntimeError) as exc:
        raise ReportError(f"grafiek {label!r} kon niet worden getekend: {exc}") from exc
    svg = XMLNS.sub("", svg, count=2)  # inline in HTML: no namespace URLs needed
    escaped = label.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escaped}" class="chart" ', 1)


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
    shown["nul"] = 0.0
    return shown


def _status_colour() -> Any:
    import altair as alt

    return alt.Color(
        "status:N",
        title="Status",
        scale=alt.Scale(domain=list(COLOURS), range=list(COLOURS.values())),
        legend=alt.Legend(orient="bottom", labelLimit=400, labelExpr=f"datum.label == '{INCOMPLETE}' ? "
                          f"'onvolledig{INCOMPLETE_MARK} (dekking onder de drempel)' : datum.label"),
    )  # fmt: skip


def line_chart(rows: pd.DataFrame, x: str, series: str, title: str, y_title: str) -> Any:
    """Lines per series over periods; points coloured by status, 'x' and '.' on the axis."""
    import altair as alt

    data = _plain(rows, [x, series])
    base = alt.Chart(data).encode(x=alt.X(f"{x}:O", title=None, axis=alt.Axis(labelAngle=-45)))
    line = base.mark_line(color="#7f8c99").encode(
        y=alt.Y("waarde:Q", title=y_title), detail=alt.Detail(f"{series}:N")
    )
    points = base.mark_point(filled=True, size=70).encode(
        y=alt.Y("waarde:Q"), color=_status_colour(),
        shape=alt.Shape(f"{series}:N", title=None, legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip(f"{series}:N"), alt.Tooltip(f"{x}:O"),
                 alt.Tooltip("waarde:Q", format=",.1f"), alt.Tooltip("status:N")],
    )  # fmt: skip
    marks = base.transform_filter("datum.waarde == null").mark_text(
        dy=-6, fontWeight="bold", fontSize=14
    ).encode(y=alt.Y("nul:Q"), text=alt.Text("teken:N"))  # fmt: skip
    return _finish(alt.layer(line, points, marks), title, width=520, height=240)


def bar_chart(rows: pd.DataFrame, category: str, facet: str | None, title: str, x_title: str,
              sort: list[str] | None = None, columns: int = 3) -> Any:  # fmt: skip
    """Horizontal bars per category (small multiples per `facet`), marks for hidden values."""
    import altair as alt

    y = alt.Y(f"{category}:N", title=None, sort=sort or "ascending")
    base = alt.Chart().encode(y=y)
    bars = base.mark_bar().encode(
        x=alt.X("waarde:Q", title=x_title), color=_status_colour(),
        tooltip=[alt.Tooltip(f"{category}:N"), alt.Tooltip("waarde:Q", format=",.1f"),
                 alt.Tooltip("status:N")],
    )  # fmt: skip
    labels = base.mark_text(align="left", dx=3, fontWeight="bold").encode(
        x=alt.X("plaats:Q"), text=alt.Text("teken:N")
    )
    data = _plain(rows, [category, *([facet] if facet else [])])
    data["plaats"] = data["waarde"].fillna(0.0)
    layer = alt.layer(bars, labels, data=data)
    width = 190 if facet else 420
    height = alt.Step(13) if len(data[category].unique()) > 12 else alt.Step(18)
    if facet:
        layer = layer.properties(width=width, height=height).facet(
            facet=alt.Facet(f"{facet}:N", title=None), columns=columns
        )
        return _finish(layer.resolve_scale(x="independent"), title)
    return _finish(layer.properties(width=width, height=height), title)


def _plain(rows: pd.DataFrame, dims: list[str]) -> pd.DataFrame:
    """Only what the chart draws, as plain text and floats (no pandas NA for the JSON spec)."""
    data = rows[[*dims, "waarde", "status", "teken", "nul"]].copy()
    for column in [*dims, "status", "teken"]:
        data[column] = data[column].astype(str)
    data["waarde"] = data["waarde"].astype("float64")
    return data


def _finish(chart: Any, title: str, **size: int) -> Any:
    """Title, fonts and a plain white background for every chart."""
    chart = chart.properties(title=title, **size) if size else chart.properties(title=title)
    return chart.configure(font=FONT, background="white").configure_view(stroke=None)


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
    chart = line_chart(rows, "periode", "beroepsgroep", title, y_title)
    return Figure(key, title, caption, render_svg(chart, title), rows, "beroepsgroep", "periode",
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
    chart = bar_chart(rows, category, "beroepsgroep", title, "incidenten")
    caption = f"Landelijk aantal incidenten per {category} in {year}. {note}"
    return Figure(category, title, caption, render_svg(chart, title), rows, category,
                  "beroepsgroep")  # fmt: skip


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
    chart = bar_chart(rows, "regio", "beroepsgroep", title, "per 1.000 fte", columns=2)
    caption = (f"De 25 veiligheidsregio's naast elkaar, per beroepsgroep ({year}). Een lichte balk "
               f"met {INCOMPLETE_MARK} is onvolledig (dekking onder de drempel): een ondergrens, "
               f"niet te vergelijken met de andere regio's.")  # fmt: skip
    return Figure("regio", title, caption, render_svg(chart, title), rows, "regio", "beroepsgroep")


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
