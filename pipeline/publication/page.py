"""The national report as one self-contained HTML page: Publication in, text out, no I/O.

The page reads top-down: key messages, key figures, charts (each with its caption and, folded
away, its data table), the detailed tables folded in `<details>`, coverage, series breaks, the
downloads and the rules. It works offline and without JavaScript: inline CSS, charts as static
SVG (pipeline.publication.charts), no external files. Every text is escaped. A cell whose status says
it is suppressed is shown as `SUPPRESSED_MARK` whatever its value. No figure names an employer:
quality per employer is in the internal report (pipeline.publication.writer.write_internal_report).
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

import pandas as pd

from pipeline.publication.charts import (
    Figure,
    find_table,
    national,
    report_figures,
    report_year,
)
from pipeline.publication.messages import key_messages
from pipeline.publication.published import SUPPRESSED_MARK, Publication, PublishedTable
from pipeline.publication.report_tables import (
    cell_status,
    display_status,
    frame_table,
    frame_tables,
    internal_tables,
    is_true,
    protected_frame,
    value_columns_of,
)
from pipeline.publication.style import PAGE_STYLE
from pipeline.publication.text import (
    CARD_FIGURES,
    COVERAGE_COLUMNS,
    INCOMPLETE_MARK,
    NOT_AVAILABLE_MARK,
    SHARE_COLUMNS,
    TITLE,
    ReportError,
    code_label,
    column_format,
    column_label,
    decimals_for,
    format_number,
    generated_text,
    perioden_text,
    rules_nl,
    share_text,
    table_footnote,
)
from schemas.vocabulary import INCOMPLETE, PUBLISHED, SUPPRESSED_STATUSES

__all__ = [  # re-exported: the writers and tests import the report's vocabulary from here
    "COVERAGE_COLUMNS", "SHARE_COLUMNS", "ReportError", "cell_status",
    "decimals_for", "frame_table", "frame_tables", "internal_tables", "protected_frame",
    "render_html", "value_columns_of",
]  # fmt: skip
CHART_STATUS = {"volledig": PUBLISHED, "onvolledig": INCOMPLETE,
                "verborgen": "verborgen", "niet te berekenen": PUBLISHED}  # fmt: skip


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def value_cell(value: Any, status: str, decimals: int, percent: bool, scale: float = 1.0) -> str:
    """One figure as a <td>: the mark when suppressed, '.' when missing, '*' when incomplete."""
    if status in SUPPRESSED_STATUSES:
        # One tooltip for primary and secondary alike: telling them apart would reveal which
        # hidden cells hold a count from 1 to k-1.
        tip = "Verborgen: klein aantal, of verborgen om een klein aantal te beschermen"
        return f'<td class="x" title="{_e(tip)}">{_e(SUPPRESSED_MARK)}</td>'
    if value is None or pd.isna(value):
        return f'<td class="na" title="Niet te berekenen">{_e(NOT_AVAILABLE_MARK)}</td>'
    text = _e(format_number(float(value) * scale, decimals, percent))
    if status == INCOMPLETE:
        return (f'<td class="num onv" title="Onvolledig: dekking onder de drempel">{text}'
                f'<sup>{_e(INCOMPLETE_MARK)}</sup></td>')  # fmt: skip
    return f'<td class="num">{text}</td>'


def table_html(table: PublishedTable, caption: str | None = None) -> str:
    """A PublishedTable as an accessible HTML table in a scroll region (full length in print)."""
    frame = table.frame
    statuses = set(table.status_columns.values())
    dims = [str(c) for c in frame.columns if c not in table.value_columns and c not in statuses]
    if frame.empty:
        return f"<p>{_e(table.title_nl)}: geen gegevens in deze periode.</p>"
    fmt = {c: column_format(c, frame[c]) for c in table.value_columns}
    head = "".join(
        f'<th scope="col">{_e(column_label(c))}</th>' for c in (*dims, *table.value_columns)
    )
    rows = []
    for row in frame.astype(object).where(frame.notna(), None).to_dict("records"):
        cells = "".join(f"<td>{_e(code_label(c, row[c]))}</td>" for c in dims)
        cells += "".join(
            value_cell(row[c], display_status(table, row, c), *fmt[c]) for c in table.value_columns
        )
        rows.append(f"<tr>{cells}</tr>")
    label = caption or table.title_nl
    return (f'<div class="scroll" role="region" tabindex="0" aria-label="{_e(label)}"><table>'
            f"<caption>{_e(label)}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></div>")  # fmt: skip


def kerncijfer_cards(publication: Publication) -> str:
    """One card per beroepsgroep, for the latest year with a complete national figure (else the
    latest year); a figure below the coverage floor is labelled onvolledig."""
    floor = share_text(publication.coverage_floor)
    table, frame = card_rows(publication)
    cards = []
    for row in frame.astype(object).where(frame.notna(), None).to_dict("records"):
        complete = is_true(row.get("volledig", True))
        shown = [c for c in CARD_FIGURES if c in row][:4]
        figures = "".join(
            f"<dt>{_e(column_label(c))}</dt>"
            f"<dd>{_e(_figure_text(row[c], c, display_status(table, row, c)))}</dd>"
            for c in shown
        )
        if complete:
            badge = '<p class="badge ok">volledig</p>'
        else:
            coverage = row.get("fte_pct")
            dekking = (
                f"dekking {format_number(coverage, 1, True)} "
                if coverage is not None
                else "dekking "
            )
            badge = (f'<p class="badge onv"><strong>onvolledig</strong> — {_e(dekking)}onder de '
                     f"drempel van {_e(floor)}; geen landelijk totaal</p>")  # fmt: skip
        year = row.get("jaar", row.get("periode"))
        when = f" ({_e(year)})" if year is not None else ""
        cards.append(f'<article class="card{"" if complete else " onvolledig"}">'
                     f"<h3>{_e(code_label('beroepsgroep', row.get('beroepsgroep')))}{when}</h3>"
                     f"{badge}{_status_badge(row)}<dl>{figures}</dl></article>")  # fmt: skip
    return f'<div class="cards">{"".join(cards)}</div>'


def card_rows(publication: Publication) -> tuple[PublishedTable, pd.DataFrame]:
    """The table whose statuses apply and the national year rows the cards show."""
    indicators, year = find_table(publication, "indicatoren"), report_year(publication)
    if indicators is None or year is None:
        table = frame_table(publication, "kerncijfers")
        return table, table.frame
    rows = national(indicators, "jaar")
    return indicators, rows[rows["periode"].astype(str) == year].sort_values("beroepsgroep")


def _status_badge(row: dict[str, Any]) -> str:
    status = row.get("cijferstatus")
    return f' <p class="badge">{_e(status)}</p>' if isinstance(status, str) else ""


def _figure_text(value: Any, column: str, status: str) -> str:
    if status in SUPPRESSED_STATUSES:
        return SUPPRESSED_MARK
    if value is None or pd.isna(value):
        return NOT_AVAILABLE_MARK
    text = format_number(value, 1 if column.endswith("_pct") or "per_" in column else 0,
                         column.endswith("_pct"))  # fmt: skip
    return text + (INCOMPLETE_MARK if status == INCOMPLETE else "")


def dekking_html(publication: Publication) -> str:
    """Per beroepsgroep a table region × kwartaal of fte coverage; cells under the floor flagged."""
    frame = publication.dekking_regio
    if frame.empty:
        return "<p>Geen dekkingsgegevens.</p>"
    keys = ["beroepsgroep", "veiligheidsregiocode", "periode"]
    if frame.duplicated(keys).any():
        raise ReportError(f"dekking_regio has more than one row per {', '.join(keys)}: "
                          f"{frame[frame.duplicated(keys)][keys].head(3).to_dict('records')}")  # fmt: skip
    seen = set(frame["periode"])
    perioden = [p for p in publication.perioden if p in seen] + sorted(
        seen - set(publication.perioden)
    )
    floor = share_text(publication.coverage_floor)
    out = []
    for groep, part in frame.groupby("beroepsgroep", sort=False):
        label = code_label("beroepsgroep", groep)
        cells = {(r["veiligheidsregiocode"], r["periode"]): r
                 for r in part.astype(object).to_dict("records")}  # fmt: skip
        regions = part.drop_duplicates("veiligheidsregiocode").sort_values("veiligheidsregiocode")
        rows = []
        for region in regions.astype(object).to_dict("records"):
            code = region["veiligheidsregiocode"]
            tds = "".join(_coverage_cell(cells.get((code, p)), floor) for p in perioden)
            rows.append(f'<tr><th scope="row">{_e(code)} {_e(code_label("naam", region.get("naam")))}'
                        f"</th>{tds}</tr>")  # fmt: skip
        head = "".join(f'<th scope="col">{_e(p)}</th>' for p in perioden)
        caption = f"Dekking {label}: aandeel fte (en organisaties) dat heeft geleverd"
        out.append(f'<div class="scroll" role="region" tabindex="0" aria-label="{_e(caption)}">'
                   f'<table class="compact"><caption>{_e(caption)}</caption><thead><tr>'
                   f'<th scope="col">Veiligheidsregio</th>{head}</tr></thead>'
                   f"<tbody>{''.join(rows)}</tbody></table></div>")  # fmt: skip
    return "".join(out)


def _coverage_cell(row: dict[str, Any] | None, floor: str) -> str:
    if row is None or row.get("fte_pct") is None or pd.isna(row.get("fte_pct")):
        return f'<td class="na" title="Niet te berekenen">{_e(NOT_AVAILABLE_MARK)}</td>'
    fte = format_number(row["fte_pct"], 1, True)
    org = row.get("organisaties_pct")
    small = (
        ""
        if org is None or pd.isna(org)
        else f"<small>org. {_e(format_number(org, 1, True))}</small>"
    )
    if is_true(row.get("onder_drempel")):
        return (f'<td class="num onder" title="Onder de drempel van {_e(floor)}">{_e(fte)}{small}'
                f'<small class="vlag">onder drempel</small></td>')  # fmt: skip
    return f'<td class="num">{_e(fte)}{small}</td>'


# ---------------------------------------------------------------- charts and downloads


def figure_html(figure: Figure) -> str:
    """A chart with its caption, and its numbers in a folded data table (with totals)."""
    rows = figure.rows
    columns = list(dict.fromkeys(rows[figure.column_label].astype(str)))
    cells = {(str(r[figure.row_label]), str(r[figure.column_label])): r
             for r in rows.to_dict("records")}  # fmt: skip
    decimals = 1 if figure.percent or figure.key in ("per-fte", "regio") else 0
    body = []
    for label in dict.fromkeys(rows[figure.row_label].astype(str)):
        tds = "".join(_chart_cell(cells.get((label, c)), decimals, figure.percent) for c in columns)
        body.append(f'<tr><th scope="row">{_e(label)}</th>{tds}</tr>')
    if figure.key == "aantal":  # counts of different beroepsgroepen may be added up
        body.append(_total_row(rows, columns, figure))
    head = "".join(f'<th scope="col">{_e(c)}</th>' for c in columns)
    table = (f'<div class="scroll" role="region" tabindex="0" aria-label="{_e(figure.title)}">'
             f"<table class=\"compact\"><caption>{_e(figure.title)} (de cijfers van de grafiek)"
             f'</caption><thead><tr><th scope="col">{_e(column_label(figure.row_label))}</th>'
             f"{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>")  # fmt: skip
    return (f'<figure class="chart-box" id="grafiek-{_e(figure.key)}">{figure.svg}<figcaption>'
            f"<strong>{_e(figure.title)}.</strong> {_e(figure.caption)} {_e(SUPPRESSED_MARK)} = "
            f"verborgen; {_e(INCOMPLETE_MARK)} en lichte kleur = onvolledig.</figcaption>"
            f"<details><summary>Tabel bij de grafiek</summary>{table}</details></figure>")  # fmt: skip


def _chart_cell(row: dict[str, Any] | None, decimals: int, percent: bool) -> str:
    if row is None:
        return value_cell(None, PUBLISHED, decimals, percent)
    return value_cell(row["waarde"], CHART_STATUS[str(row["status"])], decimals, percent)


def _total_row(rows: pd.DataFrame, columns: list[str], figure: Figure) -> str:
    """The total over beroepsgroepen per column: hidden when a part is hidden, * when incomplete."""
    tds = []
    for column in columns:
        part = rows[rows[figure.column_label].astype(str) == column]
        if (part["status"] == "verborgen").any():
            tds.append(value_cell(None, "verborgen", 0, False))
            continue
        status = INCOMPLETE if (part["status"] != "volledig").any() else PUBLISHED
        tds.append(value_cell(part["waarde"].sum(min_count=1), status, 0, False))
    return f'<tr class="totaal"><th scope="row">Totaal alle beroepsgroepen</th>{"".join(tds)}</tr>'


def downloads_html(publication: Publication) -> str:
    """A link to the workbook and to the CSV and Parquet file of every public table."""
    items = ['<li><a href="monitor.xlsx">monitor.xlsx</a>: alle tabellen in één Excel-bestand, '
             "met toelichting</li>"]  # fmt: skip
    for table in public_tables(publication):
        items.append(f"<li>{_e(table.title_nl)}: <a href=\"csv/{_e(table.name)}.csv\">CSV</a> · "
                     f'<a href="parquet/{_e(table.name)}.parquet">Parquet</a></li>')  # fmt: skip
    return (
        "<p>CSV is gemaakt voor Nederlandse Excel: puntkomma als scheidingsteken, decimale komma, "
        "ja/nee, en naast elke code de omschrijving. Parquet is voor analyseprogramma's. Een "
        "verborgen cel is leeg, met in de statuskolom 'verborgen'.</p>"
        f'<ul class="downloads">{"".join(items)}</ul>'
    )


def public_tables(publication: Publication) -> list[PublishedTable]:
    """Every table that is published (report order): frames first, then the detailed tables."""
    frames = {t.name: t for t in frame_tables(publication)}
    return [frames["kerncijfers"], frames["trend"], *publication.tables, frames["dekking_regio"],
            frames["reeksbreuken"]]  # fmt: skip


def details_table(table: PublishedTable) -> str:
    """A table folded away, with its definition and footnotes."""
    return (f"<details><summary>{_e(table.title_nl)} ({len(table.frame)} rijen)</summary>"
            f"<p>{_e(table.description_nl)}</p>{table_html(table)}"
            f'<p class="voetnoot">{_e(table_footnote(table))}</p></details>')  # fmt: skip


def changes_html(changes: pd.DataFrame | None, since: dt.datetime | None) -> str:
    """What changed since the previous publication, and why (late or corrected deliveries)."""
    if since is None or changes is None:
        return "<p>Dit is de eerste bewaarde publicatie: er is nog niets om mee te vergelijken.</p>"
    when = _e(generated_text(since))
    if changes.empty:
        return (
            f"<p>Geen gepubliceerd kwartaalcijfer is veranderd sinds de publicatie van {when}.</p>"
        )
    head = "".join(f'<th scope="col">{h}</th>' for h in
                   ("Beroepsgroep", "Gebied", "Periode", "Was", "Nu", "Verschil", "Reden"))  # fmt: skip
    rows = "".join(
        f"<tr><td>{_e(code_label('beroepsgroep', r['beroepsgroep']))}</td><td>{_e(r['gebiednaam'])}"
        f"</td><td>{_e(r['periode'])}</td>{value_cell(r['vorige'], PUBLISHED, 0, False)}"
        f"{value_cell(r['incidenten'], PUBLISHED, 0, False)}"
        f"{value_cell(r['verschil'], PUBLISHED, 0, False)}<td>{_e(r['reden'])}</td></tr>"
        for r in changes.to_dict("records")
    )
    return (f"<p>{len(changes)} gepubliceerde kwartaalcijfers (incidenten) zijn veranderd sinds de "
            f"publicatie van {when}. De reden is wat er sindsdien voor die beroepsgroep en dat "
            "kwartaal binnenkwam: een late levering of een correctie die een eerdere levering "
            f'vervangt.</p><details><summary>Wijzigingen ({len(changes)})</summary><div class="scroll">'
            f"<table><caption>Gewijzigde cijfers sinds {when}</caption><thead><tr>{head}</tr>"
            f"</thead><tbody>{rows}</tbody></table></div></details>")  # fmt: skip


def render_html(
    publication: Publication,
    changes: pd.DataFrame | None = None,
    since: dt.datetime | None = None,
) -> str:
    """The whole report as one self-contained, printable HTML page in Dutch."""
    floor = share_text(publication.coverage_floor)
    frames = {table.name: table for table in frame_tables(publication)}
    messages = "".join(f"<li>{_e(m)}</li>" for m in key_messages(publication))
    found = report_figures(publication)
    lead = [f for f in found if f.key == "per-fte"][:1]  # the rate chart opens the page
    figures = "".join(figure_html(f) for f in found if f not in lead)
    sections = [
        ("kernboodschappen", "Kernboodschappen",
         f'<ul class="kern">{messages}</ul>{"".join(figure_html(f) for f in lead)}'),
        ("kerncijfers", "Kerncijfers per beroepsgroep",
         kerncijfer_cards(publication) + details_table(frames["kerncijfers"])),
        ("grafieken", "Ontwikkeling en vergelijking",
         f'<div class="charts">{figures or "<p>Geen gegevens voor grafieken.</p>"}</div>'),
        ("wijzigingen", "Wijzigingen sinds de vorige publicatie", changes_html(changes, since)),
        ("tabellen", "Tabellen per beroepsgroep en veiligheidsregio",
         "".join(details_table(t) for t in (frames["trend"], *publication.tables))),
        ("dekking", "Dekking per veiligheidsregio",
         f"<p>Het aandeel fte van de verwachte organisaties dat heeft geleverd (daaronder het "
         f"aandeel organisaties). Cellen onder de drempel van {_e(floor)} zijn gemarkeerd.</p>"
         + dekking_html(publication)),
        ("reeksbreuken", "Reeksbreuken", details_table(frames["reeksbreuken"])
         if len(frames["reeksbreuken"].frame) else "<p>Geen reeksbreuken in deze perioden.</p>"),
        ("downloads", "Downloads", downloads_html(publication)),
        ("toelichting", "Toelichting: hoe de cijfers tot stand komen",
         "".join(f"<h3>{_e(h)}</h3><p>{_e(t)}</p>" for h, t in rules_nl(publication))),
    ]  # fmt: skip
    return page_html(TITLE, publication, sections)


def page_html(title: str, publication: Publication, sections: list[tuple[str, str, str]]) -> str:
    """A page with header, table of contents and sections (public and internal report alike)."""
    floor = share_text(publication.coverage_floor)
    toc = "".join(f'<li><a href="#{key}">{_e(head)}</a></li>' for key, head, _ in sections)
    parts = [f'<section id="{key}" aria-labelledby="{key}-kop"><h2 id="{key}-kop">{_e(head)}</h2>'
             f"{content}</section>" for key, head, content in sections]  # fmt: skip
    nav = f'<nav aria-label="Inhoud"><h2>Inhoud</h2><ol>{toc}</ol></nav>'
    body = parts[0] + nav + "".join(parts[1:])  # the first section comes before the contents
    return (
        '<!DOCTYPE html>\n<html lang="nl"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{PAGE_STYLE}</style></head><body><header>"
        f'<h1>{_e(title)}</h1><p class="meta">Gegenereerd op '
        f"{_e(generated_text(publication.generated_at))} · perioden "
        f"{_e(perioden_text(publication.perioden))} · drempel kleine aantallen k = "
        f"{publication.k} · dekkingsdrempel {_e(floor)}</p>"
        f'<p class="tekens"><strong>Tekens:</strong> {_e(SUPPRESSED_MARK)} = verborgen (klein '
        f"aantal of ter bescherming daarvan) · {_e(INCOMPLETE_MARK)} = onvolledig, dekking onder "
        f"{_e(floor)} · {_e(NOT_AVAILABLE_MARK)} = niet te berekenen. Zie de toelichting "
        f'onderaan.</p></header><main>{body}</main><footer><p class="meta">{_e(TITLE)} · Taskforce Onze '
        f"Hulpverleners Veilig</p></footer></body></html>\n"
    )
