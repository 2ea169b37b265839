"""The national report as one self-contained HTML page: Publication in, text out, no I/O.

The page works offline and without JavaScript: inline CSS, charts as inline SVG drawn here, no
external files. Every text is escaped. A cell whose status says it is suppressed is shown as
`SUPPRESSED_MARK` whatever its value, so a publish step that forgot to blank it leaks nothing.
The five frames of a Publication are also offered as PublishedTables (`frame_tables`), with
status columns derived the same way, so the report writer handles one kind of table only.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import numbers
from collections.abc import Sequence
from functools import cache
from typing import Any

import pandas as pd

from pipeline.publication import SUPPRESSED_MARK, Publication, PublishedTable
from pipeline.quality import DAYS_LATE_FOR_ZERO, KEY_FIELDS, LOCAL_TIME, WEIGHTS
from schemas.codelists import load_codelists
from schemas.errors import PipelineError

TITLE = "Landelijke monitor agressie en geweld tegen hulpverleners"
SUPPRESSED_STATUSES = frozenset({"verborgen", "primair", "secundair", "onderdrukt"})
INCOMPLETE_STATUS, PUBLISHED_STATUS = "onvolledig", "gepubliceerd"
NOT_AVAILABLE_MARK, INCOMPLETE_MARK = ".", "*"
COVERAGE_COLUMNS = frozenset({"fte_pct", "organisaties_pct"})  # coverage itself is never hidden
DIMENSION_NUMBERS = frozenset({"jaar"})  # numeric columns that are dimensions, not figures
TEXT_COLUMNS = frozenset({"beroepsgroep", "veiligheidsregiocode", "veiligheidsregionaam", "naam",
                          "periode", "organisatiecode", "soort", "van", "naar", "gedragstype",
                          "zwaarste_gedragstype"})  # fmt: skip
CARD_FIGURES = ("incidenten", "per_1000_fte", "incidenten_per_1000_fte", "aangifte_pct",
                "letsel_pct", "met_letsel")  # fmt: skip
SHARE_COLUMNS = frozenset({"aandeel_foutloos", "aandeel_bekend", "tijdigheid"})  # 0–1, shown as %
MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
          "september", "oktober", "november", "december")  # fmt: skip
LABELS = {
    "beroepsgroep": "Beroepsgroep", "veiligheidsregiocode": "Regiocode", "naam": "Naam",
    "veiligheidsregionaam": "Veiligheidsregio", "periode": "Periode", "jaar": "Jaar",
    "gedragstype": "Gedragstype", "zwaarste_gedragstype": "Zwaarste gedragstype",
    "incidenten": "Incidenten", "met_aangifte": "Met aangifte", "aangifte_pct": "Met aangifte (%)",
    "vpt_pct": "Aangifte met VPT-markering (%)", "met_letsel": "Met letsel",
    "verzuim_dagen": "Verzuimdagen", "nazorg_pct": "Nazorg aangeboden (%)",
    "herhaald_slachtoffer": "Herhaald slachtoffer", "incidenten_per_1000_fte": "Per 1.000 fte",
    "fte_pct": "Dekking fte (%)", "organisaties_pct": "Dekking organisaties (%)",
    "volledig": "Volledig", "onder_drempel": "Onder drempel", "organisatiecode": "Organisatie",
    "gemiddelde_score": "Gemiddelde score", "laagste_score": "Laagste score",
    "kwartalen": "Kwartalen", "soort": "Soort breuk", "van": "Van", "naar": "Naar",
    "per_1000_fte": "Per 1.000 fte", "letsel_pct": "Met letsel (%)",
    "herhaald_slachtoffers": "Herhaald slachtoffer", "reeksbreuk": "Reeksbreuk",
    "gebiedcode": "Gebied", "gebiednaam": "Gebiedsnaam", "niveau": "Niveau",
    "periodetype": "Periodetype", "verandering_vorige_periode_pct": "Verandering (%)",
    "aandeel_foutloos": "Rijen zonder fouten (%)", "aandeel_bekend": "Kernvelden bekend (%)",
    "tijdigheid": "Tijdigheid (%)",
}  # fmt: skip
CODED_COLUMNS = {"beroepsgroep": "beroepsgroep", "gedragstype": "gedragstype",
                 "zwaarste_gedragstype": "gedragstype"}  # fmt: skip


class ReportError(PipelineError):
    """A publication cannot be rendered or written as a report (bad names, duplicate cells)."""


# ---------------------------------------------------------------- numbers and words (Dutch)


def format_number(value: Any, decimals: int = 0, percent: bool = False) -> str:
    """Dutch notation: 1.234 and 12,5 (and 12,5% when `percent`)."""
    text = f"{float(value):,.{decimals}f}".translate(str.maketrans(",.", ".,"))
    return text + ("%" if percent else "")


def column_label(column: str) -> str:
    """The Dutch column header for a column name."""
    return LABELS.get(column, column.replace("_", " ").capitalize())


def code_label(column: str, value: Any) -> str:
    """A national code as its Dutch label (politie → Politie); anything else as text."""
    if isinstance(value, bool):
        return (
            ("volledig" if value else "onvolledig")
            if column == "volledig"
            else ("ja" if value else "nee")
        )
    if value is None or (not isinstance(value, str) and bool(pd.isna(value))):
        return ""
    return _code_labels(CODED_COLUMNS.get(column, "")).get(str(value), str(value))


@cache
def _code_labels(codelist: str) -> dict[str, str]:
    lists = load_codelists().lists
    return {code.code: code.label for code in lists.get(codelist, ())}


def decimals_for(column: str, values: pd.Series) -> int:
    """Rates and percentages get one decimal; counts none (unless a value is fractional)."""
    if column.endswith("_pct") or "per_" in column or column in SHARE_COLUMNS:
        return 1
    figures = pd.to_numeric(values, errors="coerce").dropna()
    return 0 if bool((figures == figures.round()).all()) else 1


def column_format(column: str, values: pd.Series) -> tuple[int, bool, float]:
    """(decimals, percent sign, scale) to show a column: shares 0–1 become percentages."""
    share = column in SHARE_COLUMNS
    return decimals_for(column, values), share or column.endswith("_pct"), 100.0 if share else 1.0


def share_text(share: float) -> str:
    """A share 0–1 as a Dutch percentage without needless decimals: 0.6 → 60%."""
    percent = round(100 * share, 6)  # 0.07 * 100 is 7.000000000000001
    return format_number(percent, 0 if float(percent).is_integer() else 1, percent=True)


def generated_text(moment: dt.datetime) -> str:
    """29 november 2026, 19:37 (Dutch time)."""
    local = moment.astimezone(LOCAL_TIME) if moment.tzinfo else moment
    return f"{local.day} {MONTHS[local.month - 1]} {local.year}, {local:%H:%M}"


def perioden_text(perioden: Sequence[str]) -> str:
    """2025Q1 t/m 2025Q4."""
    return f"{perioden[0]} t/m {perioden[-1]}" if perioden else "geen perioden"


def rules_nl(publication: Publication) -> tuple[tuple[str, str], ...]:
    """The rules behind the figures, (heading, text): the report's and the workbook's Toelichting."""
    k, floor = publication.k, share_text(publication.coverage_floor)
    weights = {key: share_text(value) for key, value in WEIGHTS.items()}
    return (
        ("Kleine aantallen worden niet getoond",
         f"Om te voorkomen dat individuele hulpverleners herkenbaar worden, staat een aantal van "
         f"1 tot en met {k - 1} niet in de tabellen maar als '{SUPPRESSED_MARK}' (primaire "
         f"onderdrukking; de drempel k is {k}). Daarnaast worden zo nodig andere cellen in dezelfde "
         f"rij of kolom verborgen (secundaire onderdrukking), zodat een verborgen aantal niet uit "
         f"een totaal of uit de andere cellen is terug te rekenen. Een percentage of een cijfer "
         f"per 1.000 fte wordt ook verborgen als het een klein aantal zou verraden. Een 0 wordt "
         f"wel getoond. In CSV en Parquet is een verborgen cel leeg met de status 'verborgen'; "
         f"of een cel klein was of ter bescherming van een andere is verborgen, wordt niet "
         f"vermeld, want ook dat zou iets verraden."),
        ("Dekkingsdrempel",
         f"Een cijfer geldt alleen als volledig als de organisaties die hebben geleverd "
         f"(nulleveringen en organisaties waarvoor een ander levert tellen mee) samen ten minste "
         f"{floor} van de fte van de beroepsgroep vertegenwoordigen. Ligt de dekking onder de "
         f"drempel van {floor}, dan staat het cijfer er als 'onvolledig' ({INCOMPLETE_MARK}): het "
         f"is dan een ondergrens en geen landelijk totaal, en niet te vergelijken met andere "
         f"perioden."),
        ("Reeksbreuken",
         "Als een organisatie haar registratie wijzigt (bijvoorbeeld een ander "
         "registratiesysteem, een andere indeling of een gemeentelijke herindeling) zijn de "
         "cijfers voor en na die periode niet zonder meer vergelijkbaar. Het overzicht "
         "Reeksbreuken noemt per organisatie de periode en wat er veranderde."),
        ("Toedeling aan veiligheidsregio's",
         "Een incident telt mee in de veiligheidsregio van de gemeente waar het plaatsvond, "
         "volgens de huidige gemeentegrenzen (na herindelingen). Is de plaats niet bekend, dan "
         "telt het mee in de regio van de werkgever. Incidenten bij de politie zonder bekende "
         "plaats staan onder 'onbekend', omdat de Nationale Politie niet bij één regio hoort."),
        ("Periode",
         "De periode is het kwartaal van de levering: een incident telt mee in het kwartaal "
         "waarover de werkgever het aanleverde. Een jaarcijfer omvat de kwartalen van dat jaar."),
        ("Kwaliteitsscore",
         f"Elke levering krijgt een score van 0 tot 100: {weights['aandeel_foutloos']} het "
         f"aandeel rijen zonder fouten, {weights['aandeel_bekend']} het aandeel bekende "
         f"kernvelden ({', '.join(KEY_FIELDS)}) en {weights['tijdigheid']} tijdigheid (volledig "
         f"bij levering op tijd, aflopend tot 0 bij {DAYS_LATE_FOR_ZERO} dagen te laat). Een "
         f"afgekeurde levering scoort 0."),
        ("Tekens",
         f"{SUPPRESSED_MARK} = verborgen (klein aantal of om een klein aantal te beschermen); "
         f"{INCOMPLETE_MARK} = onvolledig, dekking onder de drempel van {floor}; "
         f"{NOT_AVAILABLE_MARK} = niet te berekenen (bijvoorbeeld een percentage van nul)."),
    )  # fmt: skip


# ---------------------------------------------------------------- the five frames as tables


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
            published = pd.Series(PUBLISHED_STATUS, index=frame.index, dtype=object)
            derived[status] = published.where(frame[column].notna(), "onderdrukt")
        mapping[column] = status
    out = pd.concat([frame, pd.DataFrame(derived, index=frame.index)], axis=1) if derived else frame
    return PublishedTable(name, title, description, out, value_columns_of(frame), mapping)


def frame_tables(publication: Publication) -> tuple[PublishedTable, ...]:
    """Kerncijfers, trend, dekking, kwaliteit and reeksbreuken as tables (names are file stems)."""
    kwaliteit = publication.kwaliteit.sort_values(
        [c for c in ("jaar", "laagste_score", "gemiddelde_score") if c in publication.kwaliteit],
        ascending=[c != "jaar" for c in ("jaar", "laagste_score", "gemiddelde_score")
                   if c in publication.kwaliteit], kind="stable").reset_index(drop=True)  # fmt: skip
    plain = [("dekking_regio", "Dekking per veiligheidsregio", "Aandeel organisaties en fte dat "
              "heeft geleverd, per beroepsgroep, veiligheidsregio en kwartaal.", publication.dekking_regio),
             ("kwaliteit", "Kwaliteit van de aanlevering per werkgever", "Kwaliteitsscore (0–100) "
              "per organisatie en jaar, laagste scores eerst.", kwaliteit),
             ("reeksbreuken", "Reeksbreuken", "Wijzigingen in de registratie waardoor cijfers "
              "voor en na de periode niet zonder meer vergelijkbaar zijn.", publication.reeksbreuken)]  # fmt: skip
    return (
        _with_status("kerncijfers", "Kerncijfers per beroepsgroep", "Landelijke kerncijfers per "
                     "beroepsgroep over het laatste jaar.", publication.kerncijfers),
        _with_status("trend", "Incidenten per kwartaal", "Aantal incidenten per beroepsgroep en "
                     "kwartaal.", publication.trend),
        *(PublishedTable(n, t, d, f.reset_index(drop=True), value_columns_of(f), {})
          for n, t, d, f in plain),
    )  # fmt: skip


def frame_table(publication: Publication, name: str) -> PublishedTable:
    """One of the five frames as a table, by name (`kerncijfers`, `trend`, ...)."""
    return next(table for table in frame_tables(publication) if table.name == name)


def cell_status(table: PublishedTable, row: dict[str, Any], column: str) -> str:
    """The status of one value cell: no status column, published; a missing status, hidden."""
    status_column = table.status_columns.get(column)
    if status_column is None:
        return PUBLISHED_STATUS
    status = row[status_column]
    return "onderdrukt" if status is None or pd.isna(status) else str(status)


def display_status(table: PublishedTable, row: dict[str, Any], column: str) -> str:
    """The status shown to people: a published figure in a row with `volledig` False is onvolledig."""
    status = cell_status(table, row, column)
    incomplete = "volledig" in row and not is_true(row["volledig"])
    if status == PUBLISHED_STATUS and incomplete and column not in COVERAGE_COLUMNS:
        return INCOMPLETE_STATUS
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


# ---------------------------------------------------------------- HTML pieces


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
    if status == INCOMPLETE_STATUS:
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
    """One card per beroepsgroep; a figure below the coverage floor is labelled onvolledig."""
    floor = share_text(publication.coverage_floor)
    table = frame_table(publication, "kerncijfers")
    cards = []
    for row in table.frame.astype(object).where(table.frame.notna(), None).to_dict("records"):
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
                     f"{badge}<dl>{figures}</dl></article>")  # fmt: skip
    return f'<div class="cards">{"".join(cards)}</div>'


def _figure_text(value: Any, column: str, status: str) -> str:
    if status in SUPPRESSED_STATUSES:
        return SUPPRESSED_MARK
    if value is None or pd.isna(value):
        return NOT_AVAILABLE_MARK
    text = format_number(value, 1 if column.endswith("_pct") or "per_" in column else 0,
                         column.endswith("_pct"))  # fmt: skip
    return text + (INCOMPLETE_MARK if status == INCOMPLETE_STATUS else "")


# ---------------------------------------------------------------- trend charts (inline SVG)

CHART_WIDTH, CHART_HEIGHT = 640, 290
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 28, 80  # BOTTOM holds the period labels and the legend
BAR, HATCH = "#1f4e79", "#1f4e79"


def nice_step(top: float) -> float:
    """A round tick step that divides 0..top into about four parts."""
    raw = max(top, 1.0) / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)


def trend_points(
    table: PublishedTable, perioden: Sequence[str], beroepsgroep: str
) -> list[tuple[str, float | None, str]]:
    """(periode, incidenten or None, status) for every period of the publication, in order."""
    rows = {r["periode"]: r for r in table.frame.astype(object).to_dict("records")
            if r["beroepsgroep"] == beroepsgroep}  # fmt: skip
    points: list[tuple[str, float | None, str]] = []
    for periode in perioden:
        row = rows.get(periode)
        if row is None:
            points.append((periode, None, "ontbreekt"))
            continue
        status = display_status(table, row, "incidenten")
        value = (
            None
            if status in SUPPRESSED_STATUSES or pd.isna(row["incidenten"])
            else row["incidenten"]
        )
        points.append((periode, None if value is None else float(value), status))
    return points


def _point_text(value: float | None, status: str) -> str:
    if status in SUPPRESSED_STATUSES:
        return f"{SUPPRESSED_MARK} (verborgen)"
    if value is None:
        return "geen gegevens"
    suffix = " (onvolledig)" if status == INCOMPLETE_STATUS else ""
    return format_number(value) + suffix


def trend_chart(label: str, points: Sequence[tuple[str, float | None, str]], index: int,
                floor_text: str) -> str:  # fmt: skip
    """A bar chart of incidents per quarter: hatched bars are incomplete, 'x' marks a hidden value."""
    plot_w, plot_h = CHART_WIDTH - LEFT - RIGHT, CHART_HEIGHT - TOP - BOTTOM
    base = TOP + plot_h
    step = nice_step(max([v for _, v, _ in points if v is not None] or [1.0]))
    top = step * max(1, math.ceil(max([v for _, v, _ in points if v is not None] or [1.0]) / step))
    ids = f"grafiek-{index}"
    title = f"Incidenten per kwartaal: {label}"
    desc = "; ".join(f"{p}: {_point_text(v, s)}" for p, v, s in points)
    parts = [f'<svg class="chart" viewBox="0 0 {CHART_WIDTH} {CHART_HEIGHT}" role="img" '
             f'aria-labelledby="{ids}-t {ids}-d"><title id="{ids}-t">{_e(title)}</title>'
             f'<desc id="{ids}-d">{_e(desc)}</desc><defs><pattern id="{ids}-a" width="6" height="6" '
             f'patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" '
             f'fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="6" stroke="{HATCH}" stroke-width="3"/>'
             "</pattern></defs>"]  # fmt: skip
    for tick in range(round(top / step) + 1):
        y = base - tick * step / top * plot_h
        parts.append(f'<line x1="{LEFT}" x2="{CHART_WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
                     f'class="grid"/><text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">'
                     f"{_e(format_number(tick * step, 0 if step >= 1 else 1))}</text>")  # fmt: skip
    slot = plot_w / max(len(points), 1)
    for i, (periode, value, status) in enumerate(points):
        middle = LEFT + (i + 0.5) * slot
        parts.append(f"<g><title>{_e(f'{periode}: {_point_text(value, status)}')}</title>")
        if value is None:
            mark = SUPPRESSED_MARK if status in SUPPRESSED_STATUSES else NOT_AVAILABLE_MARK
            parts.append(f'<text x="{middle:.1f}" y="{base - 8}" text-anchor="middle" '
                         f'class="mark">{_e(mark)}</text>')  # fmt: skip
        else:
            height = value / top * plot_h
            fill = f"url(#{ids}-a)" if status == INCOMPLETE_STATUS else BAR
            parts.append(f'<rect x="{middle - slot * 0.3:.1f}" y="{base - height:.1f}" '
                         f'width="{slot * 0.6:.1f}" height="{height:.1f}" fill="{fill}" '
                         f'stroke="{BAR}"/><text x="{middle:.1f}" y="{base - height - 5:.1f}" '
                         f'text-anchor="middle">{_e(_figure_text(value, "incidenten", status))}'
                         "</text>")  # fmt: skip
        parts.append(
            f'<text x="{middle:.1f}" y="{base + 18}" text-anchor="middle">{_e(periode)}</text></g>'
        )
    parts.append(
        f'<line x1="{LEFT}" x2="{CHART_WIDTH - RIGHT}" y1="{base}" y2="{base}" class="axis"/>'
    )
    legend_y = CHART_HEIGHT - 22
    parts.append(f'<g class="legend"><rect x="{LEFT}" y="{legend_y - 10}" width="12" height="12" '
                 f'fill="{BAR}"/><text x="{LEFT + 18}" y="{legend_y}">volledig</text>'
                 f'<rect x="{LEFT + 96}" y="{legend_y - 10}" width="12" height="12" '
                 f'fill="url(#{ids}-a)" stroke="{BAR}"/><text x="{LEFT + 114}" y="{legend_y}">'
                 f"onvolledig{INCOMPLETE_MARK} (dekking onder {_e(floor_text)})</text>"
                 f'<text x="{LEFT + 390}" y="{legend_y}" class="mark">{_e(SUPPRESSED_MARK)}</text>'
                 f'<text x="{LEFT + 404}" y="{legend_y}">verborgen (klein aantal)</text></g></svg>')  # fmt: skip
    return "".join(parts)


# ---------------------------------------------------------------- sections


def trend_html(publication: Publication) -> str:
    """A chart per beroepsgroep, then the same figures as a table (beroepsgroep × kwartaal)."""
    floor = share_text(publication.coverage_floor)
    groups = list(dict.fromkeys(publication.trend.get("beroepsgroep", pd.Series(dtype=str))))
    if not groups:
        return "<p>Geen trendgegevens.</p>"
    table = frame_table(publication, "trend")
    charts, rows = [], []
    for index, groep in enumerate(groups):
        label = code_label("beroepsgroep", groep)
        points = trend_points(table, publication.perioden, groep)
        charts.append(f'<figure class="chart-box">{trend_chart(label, points, index, floor)}'
                      f"<figcaption>{_e(label)}: incidenten per kwartaal</figcaption></figure>")  # fmt: skip
        cells = "".join(value_cell(v, s, 0, False) if s != "ontbreekt" else value_cell(None, s, 0, False)
                        for _, v, s in points)  # fmt: skip
        rows.append(f'<tr><th scope="row">{_e(label)}</th>{cells}</tr>')
    head = "".join(f'<th scope="col">{_e(p)}</th>' for p in publication.perioden)
    return (f'<div class="charts">{"".join(charts)}</div><table class="compact"><caption>'
            f'Incidenten per beroepsgroep en kwartaal (de cijfers van de grafieken)</caption><thead>'
            f'<tr><th scope="col">Beroepsgroep</th>{head}</tr></thead><tbody>{"".join(rows)}'
            "</tbody></table>")  # fmt: skip


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


def kwaliteit_html(publication: Publication) -> str:
    """The explanation of the score, then every employer, lowest scores first."""
    weights = {key: share_text(value) for key, value in WEIGHTS.items()}
    table = frame_table(publication, "kwaliteit")
    return (f"<p>De kwaliteitsscore (0–100) weegt {_e(weights['aandeel_foutloos'])} rijen zonder "
            f"fouten, {_e(weights['aandeel_bekend'])} kernvelden bekend en "
            f"{_e(weights['tijdigheid'])} tijdigheid. Per organisatie en jaar staan de gemiddelde "
            "en de laagste kwartaalscore; de laagste scores staan bovenaan: daar is hulp bij de "
            f"aanlevering het meest nodig.</p>{table_html(table)}")  # fmt: skip


PAGE_STYLE = """
:root{--blauw:#1f4e79;--tekst:#1b1b1b;--rand:#c8d3df}
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;margin:2rem auto;
color:var(--tekst);max-width:1200px;padding:0 1rem;line-height:1.45}
h1{color:var(--blauw);font-size:1.6rem}h2{color:var(--blauw);font-size:1.25rem;margin-top:2.5rem;
border-bottom:2px solid var(--blauw)}h3{font-size:1.05rem}
table{border-collapse:collapse;width:100%;font-size:.85rem;margin:.5rem 0 1.5rem}
caption{text-align:left;font-weight:600;padding:.3rem 0}
th,td{border:1px solid var(--rand);padding:.25rem .45rem;text-align:left;vertical-align:top}
thead th{background:var(--blauw);color:#fff;position:sticky;top:0}
tbody th{background:#e8eef4;font-weight:600}tr:nth-child(even) td{background:#f3f6f9}
td.num{text-align:right;font-variant-numeric:tabular-nums}td.x,td.na{text-align:center;color:#3d3d3d}
td.x{font-weight:700}td.onv{font-style:italic}td.onder,tr:nth-child(even) td.onder{background:#fde2e1}
td small{display:block;color:#444}small.vlag{font-weight:700;color:#8a1c14}
.scroll{max-height:32rem;overflow:auto;border:1px solid var(--rand);margin-bottom:1.5rem}
.scroll table{margin:0}.scroll:focus{outline:3px solid #f0a500}
.meta{color:#333}.tekens{background:#f3f6f9;border-left:4px solid var(--blauw);padding:.5rem 1rem}
.cards{display:flex;flex-wrap:wrap;gap:1rem}.card{border:1px solid var(--rand);border-top:6px solid
var(--blauw);padding:.5rem 1rem;flex:1 1 16rem}.card.onvolledig{border-top-color:#8a1c14;
background:#fff6f5}.card dl{display:grid;grid-template-columns:auto auto;gap:.2rem 1rem}
.card dd{margin:0;text-align:right;font-weight:700;font-variant-numeric:tabular-nums}
.badge{display:inline-block;padding:.15rem .5rem;border-radius:3px;font-size:.85rem}
.badge.ok{background:#e3f1de;color:#245b17}.badge.onv{background:#fde2e1;color:#7a140d}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(30rem,1fr));gap:1rem}
.chart-box{margin:0}
svg.chart{width:100%;height:auto;font-size:12px}svg.chart text{fill:#1b1b1b}
svg.chart .grid{stroke:#d5dde6}svg.chart .axis{stroke:#1b1b1b}
svg.chart .mark{font-weight:700;font-size:16px}figcaption{font-size:.85rem;color:#333}
nav ol{columns:2}a{color:#0b4f8a}
@media print{body{margin:0;max-width:none}.scroll{max-height:none;overflow:visible;border:0}
thead{display:table-header-group}thead th{position:static}tr,figure,.card{break-inside:avoid}
h2,h3{break-after:avoid}nav{display:none}a{color:inherit;text-decoration:none}}
"""


def render_html(publication: Publication) -> str:
    """The whole report as one self-contained, printable HTML page in Dutch."""
    floor = share_text(publication.coverage_floor)
    frames = {table.name: table for table in frame_tables(publication)}
    sections = [
        ("kerncijfers", "Kerncijfers per beroepsgroep",
         kerncijfer_cards(publication) + table_html(frames["kerncijfers"])),
        ("trend", "Ontwikkeling per kwartaal", trend_html(publication)),
        ("tabellen", "Tabellen per beroepsgroep en veiligheidsregio",
         "".join(f"<h3>{_e(t.title_nl)}</h3><p>{_e(t.description_nl)}</p>{table_html(t)}"
                 for t in publication.tables) or "<p>Geen tabellen.</p>"),
        ("dekking", "Dekking per veiligheidsregio",
         f"<p>Het aandeel fte van de verwachte organisaties dat heeft geleverd (daaronder het "
         f"aandeel organisaties). Cellen onder de drempel van {_e(floor)} zijn gemarkeerd.</p>"
         + dekking_html(publication)),
        ("kwaliteit", "Kwaliteit van de aanlevering per werkgever", kwaliteit_html(publication)),
        ("reeksbreuken", "Reeksbreuken", table_html(frames["reeksbreuken"]) if len(publication.reeksbreuken)
         else "<p>Geen reeksbreuken in deze perioden.</p>"),
        ("toelichting", "Toelichting: hoe de cijfers tot stand komen",
         "".join(f"<h3>{_e(h)}</h3><p>{_e(t)}</p>" for h, t in rules_nl(publication))),
    ]  # fmt: skip
    toc = "".join(f'<li><a href="#{key}">{_e(title)}</a></li>' for key, title, _ in sections)
    body = "".join(f'<section id="{key}" aria-labelledby="{key}-kop"><h2 id="{key}-kop">'
                   f"{_e(title)}</h2>{content}</section>" for key, title, content in sections)  # fmt: skip
    return (
        '<!DOCTYPE html>\n<html lang="nl"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(TITLE)}</title><style>{PAGE_STYLE}</style></head><body><header>"
        f'<h1>{_e(TITLE)}</h1><p class="meta">Gegenereerd op '
        f"{_e(generated_text(publication.generated_at))} · perioden "
        f"{_e(perioden_text(publication.perioden))} · drempel kleine aantallen k = "
        f"{publication.k} · dekkingsdrempel {_e(floor)}</p>"
        f'<p class="tekens"><strong>Tekens:</strong> {_e(SUPPRESSED_MARK)} = verborgen (klein '
        f"aantal of ter bescherming daarvan) · {_e(INCOMPLETE_MARK)} = onvolledig, dekking onder "
        f"{_e(floor)} · {_e(NOT_AVAILABLE_MARK)} = niet te berekenen. Zie de toelichting "
        f'onderaan.</p></header><nav aria-label="Inhoud"><h2>Inhoud</h2><ol>{toc}</ol></nav>'
        f'<main>{body}</main><footer><p class="meta">{_e(TITLE)} · Taskforce Onze '
        f"Hulpverleners Veilig</p></footer></body></html>\n"
    )
