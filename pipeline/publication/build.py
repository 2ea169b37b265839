"""Build the `Publication` from the published warehouse: read the marts, protect, assemble.

Published are the national and veiligheidsregio levels of the incident counts and per-FTE
figures, nationally the counts per gedragstype, zwaarste gedragstype and context, and the rates
with their counts (nationally per quarter and year, per veiligheidsregio per year). Gemeente
figures, regional breakdowns and figures that do not add up (herhaald slachtofferschap,
verzuimdagen) stay in the warehouse, for analysts. Everything published of one beroepsgroep goes
through one call of disclosure control (`pipeline/publication/disclosure_tables.py`), so a cell hidden in
one table cannot be recovered from another.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from pipeline.publication.disclosure import suppress
from pipeline.publication.disclosure_tables import (
    CATEGORY_TABLES,
    RATES,
    build_problem,
    category_statuses,
    indicator_statuses,
)
from pipeline.publication.published import CONTEXT, ZWAARSTE, Publication, PublishedTable
from pipeline.warehouse.store import Warehouse
from schemas.codelists import FIELD_CODELIST, load_codelists
from schemas.vocabulary import NOT_PUBLISHED, ONBEKEND, PUBLISHED, SECONDARY

LEVELS = ("nationaal", "veiligheidsregio")
NATIONAL, TOTAL = "NL", "totaal"
HIDDEN = "verborgen"  # the public status of a suppressed cell (primary or secondary alike)
DIMS = ["gebiedcode", "periode"]
# issue 14: voorlopig/definitief (mart.indicatoren.cijferstatus), carried into the published tables
STATUS_COLUMNS = ["cijferstatus"]
RATE_COUNTS = [c for numerator, denominator, _ in RATES.values() for c in (numerator, denominator)]
INDICATOR_COLUMNS = ["beroepsgroep", "niveau", "gebiedcode", "gebiednaam", "periodetype", "periode",
                     "incidenten", "per_1000_fte", *RATES, *RATE_COUNTS, "fte_pct",
                     "organisaties_pct", "volledig", "reeksbreuk", "verandering_vorige_periode_pct",
                     "cijferstatus"]  # fmt: skip
MARTS = {"gedragstype": "incidenten_gedragstype", ZWAARSTE: "incidenten_zwaarste",
         CONTEXT: "incidenten_context"}  # fmt: skip


def build_publication(
    wh: Warehouse, k: int, coverage_floor: float, now: dt.datetime
) -> Publication:
    """Everything the report shows, protected, from the published warehouse."""
    # only periods that have begun to end: a quarter still running has nothing to show yet (its
    # zero would read as a fall), a year is shown once its first quarter is over
    ended = ("periode IN (SELECT periode FROM ref.periode WHERE einddatum < current_date UNION "
             "SELECT CAST(jaar AS VARCHAR) FROM ref.periode WHERE einddatum < current_date)")  # fmt: skip
    where = f"WHERE niveau IN ('nationaal', 'veiligheidsregio') AND {ended}"
    indicators = wh.query(f"SELECT * FROM mart.indicatoren {where}")
    categories = {table: wh.query(f"SELECT * FROM mart.{mart} WHERE niveau = 'nationaal' AND {ended}")
                  for table, mart in MARTS.items()}  # fmt: skip
    regions = wh.query("SELECT veiligheidsregiocode FROM ref.veiligheidsregio ORDER BY 1")
    areas = [*regions["veiligheidsregiocode"].astype(str), ONBEKEND]
    parts = [protect_group(indicators[indicators["beroepsgroep"] == bg],
                           {t: f[f["beroepsgroep"] == bg] for t, f in categories.items()}, areas, k)
             for bg in sorted(indicators["beroepsgroep"].unique())]  # fmt: skip
    names = ["indicatoren", *CATEGORY_TABLES]
    protected = {name: pd.concat([p[name] for p in parts], ignore_index=True) for name in names} \
        if parts else {"indicatoren": indicators, **categories}  # a first, empty night  # fmt: skip
    quarters = sorted(p for p in indicators["periode"].unique() if "Q" in str(p))
    ind = protected["indicatoren"]
    return Publication(
        generated_at=now, perioden=tuple(quarters), k=k, coverage_floor=coverage_floor,
        kerncijfers=kerncijfers(ind), trend=trend(ind),
        dekking_regio=coverage_by_region(indicators), kwaliteit=quality(wh),
        reeksbreuken=wh.query("SELECT organisatiecode, naam, periode, soort, van, naar "
                              "FROM mart.reeksbreuk ORDER BY periode, organisatiecode"),
        tables=published_tables(protected),
    )  # fmt: skip


def category_codes() -> dict[str, list[str]]:
    """Every code of the category tables (zeros included), from the public code lists."""
    lists = load_codelists()
    gedrag = list(lists.codes("gedragstype"))
    context = [
        *lists.codes(FIELD_CODELIST[CONTEXT]),
        *([ONBEKEND] if ONBEKEND not in lists.codes(FIELD_CODELIST[CONTEXT]) else []),
    ]
    return {"gedragstype": gedrag, ZWAARSTE: gedrag, CONTEXT: context}


def protect_group(
    indicators: pd.DataFrame, categories: dict[str, pd.DataFrame], areas: list[str], k: int
) -> dict[str, pd.DataFrame]:
    """Suppress everything published of one beroepsgroep together; the protected frames."""
    codes = category_codes()
    periods = sorted(indicators["periode"].astype(str).unique())
    grids = {
        table: _grid(categories[table], table, codes[table], periods) for table in CATEGORY_TABLES
    }
    problem = build_problem(indicators, grids, areas, codes, load_codelists().severity_rank())
    statuses = suppress(problem.values, problem.relations, k, problem.bounds)
    ind = indicator_statuses(indicators, statuses)
    ind = _change_status(ind, ind["incidenten_status"] != PUBLISHED)
    out = {"indicatoren": public_status(ind)}
    for table in CATEGORY_TABLES:
        labelled = _label(category_statuses(grids[table], table, statuses), ind)
        out[table] = public_status(labelled)
    return out


def public_status(frame: pd.DataFrame) -> pd.DataFrame:
    """One public status for every hidden cell: whether it was small or protects another is secret."""
    for column in [c for c in frame.columns if c.endswith("_status")]:
        keep = frame[column].isin([PUBLISHED, NOT_PUBLISHED])
        frame[column] = frame[column].where(keep, HIDDEN)
    return frame


def _grid(frame: pd.DataFrame, category: str, codes: list[str], periods: list[str]) -> pd.DataFrame:
    """The full national table of one category: every code × period, 0-filled."""
    index = pd.MultiIndex.from_product([periods, codes], names=["periode", category])
    counts = frame.assign(
        periode=frame["periode"].astype(str), **{category: frame[category].astype(str)}
    )
    series = counts.groupby(["periode", category])["incidenten"].sum()
    grid = series.reindex(index, fill_value=0).astype("int64").reset_index()
    return grid.assign(gebiedcode=NATIONAL)


def _change_status(frame: pd.DataFrame, hidden: pd.Series) -> pd.DataFrame:
    """A change on the previous period is hidden when either period's count is hidden."""
    group = ["beroepsgroep", "niveau", "gebiedcode", "periodetype"]
    order = frame.assign(_hidden=hidden.to_numpy()).sort_values([*group, "periode"])
    before = order.groupby(group)["_hidden"].shift(1, fill_value=False).astype(bool)
    either = (order["_hidden"].astype(bool) | before).reindex(frame.index)
    column = "verandering_vorige_periode_pct"
    frame[f"{column}_status"] = pd.Series(
        either.map({True: SECONDARY, False: PUBLISHED}), dtype="string"
    )
    frame[column] = frame[column].mask(either)
    return frame


def _label(frame: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """Add beroepsgroep, niveau, gebiednaam, periodetype and volledig from the indicators."""
    info = indicators[["beroepsgroep", "niveau", "gebiedcode", "gebiednaam", "periodetype", "periode",
                       "volledig", *STATUS_COLUMNS]].astype({"gebiedcode": str, "periode": str})  # fmt: skip
    merged = frame.merge(info, on=DIMS, how="left")
    merged["beroepsgroep"] = merged["beroepsgroep"].fillna(indicators["beroepsgroep"].iloc[0])
    merged["niveau"] = merged["niveau"].fillna(merged["gebiedcode"].map(
        lambda c: "nationaal" if c == NATIONAL else "veiligheidsregio"))  # fmt: skip
    merged["periodetype"] = merged["periodetype"].fillna(merged["periode"].map(
        lambda p: "kwartaal" if "Q" in p else "jaar"))  # fmt: skip
    merged["gebiednaam"] = merged["gebiednaam"].fillna(merged["gebiedcode"])
    return merged


def kerncijfers(indicators: pd.DataFrame) -> pd.DataFrame:
    """National key figures per beroepsgroep for the latest year (protected)."""
    years = indicators[
        (indicators["niveau"] == "nationaal") & (indicators["periodetype"] == "jaar")
    ]
    if years.empty:
        return pd.DataFrame(columns=INDICATOR_COLUMNS)
    latest = years[years["periode"].astype(str) == max(years["periode"].astype(str))]
    return _published_columns(latest).sort_values("beroepsgroep").reset_index(drop=True)


def trend(indicators: pd.DataFrame) -> pd.DataFrame:
    """National incidents per beroepsgroep and quarter (None where hidden), with completeness."""
    national = indicators[
        (indicators["niveau"] == "nationaal") & (indicators["periodetype"] == "kwartaal")
    ]
    columns = [
        "beroepsgroep",
        "periode",
        "incidenten",
        "incidenten_status",
        "per_1000_fte",
        "per_1000_fte_status",
        "volledig",
        *(["cijferstatus"] if "cijferstatus" in national else []),
    ]
    if national.empty:
        return pd.DataFrame(columns=columns)
    return national[columns].sort_values(["beroepsgroep", "periode"]).reset_index(drop=True)


def coverage_by_region(indicators: pd.DataFrame) -> pd.DataFrame:
    """Coverage per beroepsgroep, veiligheidsregio and quarter (no counts of people)."""
    regions = indicators[(indicators["niveau"] == "veiligheidsregio") & (indicators["periodetype"] == "kwartaal")
                         & (indicators["gebiedcode"] != ONBEKEND)]  # fmt: skip
    frame = regions.rename(columns={"gebiedcode": "veiligheidsregiocode", "gebiednaam": "naam",
                                    "onder_dekkingsdrempel": "onder_drempel"})  # fmt: skip
    columns = ["beroepsgroep", "veiligheidsregiocode", "naam", "periode", "organisaties_pct", "fte_pct",
               "onder_drempel"]  # fmt: skip
    return (
        frame[columns]
        .sort_values(["beroepsgroep", "veiligheidsregiocode", "periode"])
        .reset_index(drop=True)
    )


def quality(wh: Warehouse) -> pd.DataFrame:
    """Quality score per employer and year, lowest first (scores, not counts of people)."""
    return wh.query(
        "SELECT organisatiecode, naam, beroepsgroep, jaar, gemiddelde_score, laagste_score, "
        "aandeel_foutloos, aandeel_bekend, tijdigheid FROM mart.kwaliteit_organisatie_jaar "
        "ORDER BY gemiddelde_score, organisatiecode"
    )


def _published_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """The indicator columns that are published, each figure followed by its status."""
    columns = [c for c in INDICATOR_COLUMNS if c in frame.columns]
    with_status = [x for c in columns for x in (c, f"{c}_status") if x in frame.columns]
    return frame[with_status]


def published_tables(protected: dict[str, pd.DataFrame]) -> tuple[PublishedTable, ...]:
    """The detailed tables of the report, Excel workbook and CSV/Parquet exports."""
    order = ["beroepsgroep", "niveau", "gebiedcode", "periodetype", "periode"]
    indicators = protected["indicatoren"]
    ind = (
        _published_columns(indicators).sort_values(order).reset_index(drop=True)
        if len(indicators)
        else indicators
    )
    figures = tuple(
        c for c in INDICATOR_COLUMNS[6:] if c in ind.columns and f"{c}_status" in ind.columns
    )
    tables = [
        PublishedTable("indicatoren", "Kerncijfers per beroepsgroep, gebied en periode",
                       "Incidenten en incidenten per 1.000 fte, landelijk en per veiligheidsregio; "
                       "aangifte-, VPT-, letsel- en nazorgpercentage met de aantallen waarop ze "
                       "rusten: landelijk per kwartaal en jaar, per veiligheidsregio per jaar "
                       "(per kwartaal: niet gepubliceerd).",
                       ind, figures, {c: f"{c}_status" for c in figures}),
    ]  # fmt: skip
    notes = {
        ZWAARSTE: ("incidenten_zwaarste", "Incidenten naar zwaarste gedragstype",
                                 "Landelijk. Elk incident telt één keer, bij zijn zwaarste gedragstype."),
        "gedragstype": ("incidenten_gedragstype", "Incidenten naar gedragstype",
                        "Landelijk. Een incident met meer dan één gedragstype telt bij elk daarvan; "
                        "de som is groter dan het totaal."),
        CONTEXT: ("incidenten_context", "Incidenten naar context",
                    "Landelijk. Elk incident telt één keer, bij de context waarin het gebeurde."),
    }  # fmt: skip
    for category, (name, title, note) in notes.items():
        frame = protected[category]
        columns = [*order[:3], "gebiednaam", *order[3:], category, "incidenten",
                   "incidenten_status", "volledig", *STATUS_COLUMNS]  # fmt: skip
        data = (
            frame[columns].sort_values([*order, category]).reset_index(drop=True)
            if len(frame) and "incidenten_status" in frame
            else frame.reindex(columns=columns)  # a first, empty night
        )
        tables.append(
            PublishedTable(
                name, title, note, data, ("incidenten",), {"incidenten": "incidenten_status"}
            )
        )
    return tuple(tables)
