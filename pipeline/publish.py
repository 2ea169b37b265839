"""Build the `Publication` from the published warehouse: read the marts, protect, assemble.

Published are the national and veiligheidsregio levels (gemeente figures stay in the warehouse,
for analysts). All counts of one beroepsgroep — incidents in total, by zwaarste gedragstype and
by gedragstype, per area and per quarter and year — go through one call of disclosure control,
so a cell hidden in one table cannot be recovered from another; rates and per-FTE figures are
hidden with the counts they would reveal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pandas as pd

from pipeline.disclosure import (
    PUBLISHED,
    CellStatus,
    Key,
    Relation,
    apply_statuses,
    cells_for_frame,
    protect_rate,
    relations_for_frame,
    suppress,
)
from pipeline.publication import Publication, PublishedTable
from pipeline.warehouse import Warehouse

LEVELS = ("nationaal", "veiligheidsregio")
NATIONAL, UNKNOWN, TOTAL = "NL", "onbekend", "totaal"
HIDDEN = "verborgen"  # the public status of a suppressed cell (primary or secondary alike)
DIMS = ["gebiedcode", "periode"]
RATES = {  # published rate → (numerator, denominator) in mart.indicatoren
    "aangifte_pct": ("met_aangifte", "aangifte_bekend"),
    "vpt_pct": ("aangifte_met_vpt", "vpt_bekend"),
    "letsel_pct": ("met_letsel", "letsel_bekend"),
    "nazorg_pct": ("nazorg_aangeboden", "nazorg_bekend"),
}
# issue 14: voorlopig/definitief (mart.indicatoren.cijferstatus), carried into the published tables
STATUS_COLUMNS = ["cijferstatus"]
INDICATOR_COLUMNS = ["beroepsgroep", "niveau", "gebiedcode", "gebiednaam", "periodetype", "periode",
                     "incidenten", "per_1000_fte", *RATES, "herhaald_slachtoffers", "verzuim_dagen",
                     "fte_pct", "organisaties_pct", "volledig", "reeksbreuk",
                     "verandering_vorige_periode_pct", "cijferstatus"]  # fmt: skip


def build_publication(
    wh: Warehouse, k: int, coverage_floor: float, now: dt.datetime
) -> Publication:
    """Everything the report shows, protected, from the published warehouse."""
    where = "WHERE niveau IN ('nationaal', 'veiligheidsregio')"
    indicators = wh.query(f"SELECT * FROM mart.indicatoren {where}")
    zwaarste = wh.query(f"SELECT * FROM mart.incidenten_zwaarste {where}")
    gedrag = wh.query(f"SELECT * FROM mart.incidenten_gedragstype {where}")
    regions = wh.query("SELECT veiligheidsregiocode FROM ref.veiligheidsregio ORDER BY 1")
    areas = [*regions["veiligheidsregiocode"].astype(str), UNKNOWN]
    parts = [protect_group(indicators[indicators["beroepsgroep"] == bg],
                           zwaarste[zwaarste["beroepsgroep"] == bg],
                           gedrag[gedrag["beroepsgroep"] == bg], areas, k)
             for bg in sorted(indicators["beroepsgroep"].unique())]  # fmt: skip
    protected = [pd.concat([p[i] for p in parts], ignore_index=True) for i in range(3)] if parts else [
        frame.iloc[0:0] for frame in (indicators, zwaarste, gedrag)]  # a first, empty night  # fmt: skip
    quarters = sorted(p for p in indicators["periode"].unique() if "Q" in str(p))
    return Publication(
        generated_at=now, perioden=tuple(quarters), k=k, coverage_floor=coverage_floor,
        kerncijfers=kerncijfers(protected[0]), trend=trend(protected[0]),
        dekking_regio=coverage_by_region(indicators), kwaliteit=quality(wh),
        reeksbreuken=wh.query("SELECT organisatiecode, naam, periode, soort, van, naar "
                              "FROM mart.reeksbreuk ORDER BY periode, organisatiecode"),
        tables=published_tables(*protected),
    )  # fmt: skip


def protect_group(indicators: pd.DataFrame, zwaarste: pd.DataFrame, gedrag: pd.DataFrame,
                  areas: list[str], k: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:  # fmt: skip
    """Suppress the counts of one beroepsgroep together; return the three protected frames."""
    periods = sorted(indicators["periode"].astype(str).unique())
    grid_z = _grid(zwaarste, "zwaarste_gedragstype", areas, periods)
    totals = _grid(indicators.assign(zwaarste_gedragstype=TOTAL), "zwaarste_gedragstype", areas,
                   periods, categories=[TOTAL])  # fmt: skip
    grid_z = pd.concat([grid_z, totals], ignore_index=True)
    grid_g = _grid(gedrag, "gedragstype", areas, periods)
    hierarchy = _hierarchies(areas, periods)
    values: dict[Key, int] = {}
    relations: list[Relation] = []
    for frame, category, additive in (
        (grid_z, "zwaarste_gedragstype", True),
        (grid_g, "gedragstype", False),
    ):
        dims = {
            **hierarchy,
            category: {TOTAL: sorted(set(frame[category]) - {TOTAL})} if additive else {},
        }
        marks = {category: TOTAL}
        values |= cells_for_frame(frame, list(dims), "incidenten", marks)
        relations += relations_for_frame(frame, dims, "incidenten",
                                         {*DIMS, *([category] if additive else [])}, marks)  # fmt: skip
    statuses = suppress(values, relations, k)
    marks_z, marks_g = {"zwaarste_gedragstype": TOTAL}, {"gedragstype": TOTAL}
    dims_z, dims_g = [*DIMS, "zwaarste_gedragstype"], [*DIMS, "gedragstype"]
    z = apply_statuses(
        grid_z[grid_z["zwaarste_gedragstype"] != TOTAL], statuses, dims_z, "incidenten", marks_z
    )
    g = apply_statuses(grid_g, statuses, dims_g, "incidenten", marks_g)
    total_status = {
        key: s for key, s in statuses.items() if isinstance(key, tuple) and len(key) == 3
    }
    indicators = protect_indicators(indicators, total_status, k)
    return (
        public_status(indicators),
        public_status(_label(z, indicators)),
        public_status(_label(g, indicators)),
    )


def public_status(frame: pd.DataFrame) -> pd.DataFrame:
    """One public status for every hidden cell: whether it was small or protects another is secret."""
    for column in [c for c in frame.columns if c.endswith("_status")]:
        frame[column] = frame[column].where(frame[column] == PUBLISHED, HIDDEN)
    return frame


def _grid(frame: pd.DataFrame, category: str, areas: list[str], periods: list[str],
          categories: list[str] | None = None) -> pd.DataFrame:  # fmt: skip
    """The full table of counts: every area (NL, regions, onbekend) × period × category, 0-filled."""
    cats = categories or sorted(frame[category].astype(str).unique())
    index = pd.MultiIndex.from_product([[NATIONAL, *areas], periods, cats], names=[*DIMS, category])
    counts = frame.assign(**{c: frame[c].astype(str) for c in [*DIMS, category]})
    series = counts.groupby([*DIMS, category])["incidenten"].sum()
    return series.reindex(index, fill_value=0).astype("int64").reset_index()


def _hierarchies(areas: list[str], periods: list[str]) -> dict[str, Mapping[str, list[str]]]:
    """Regions (and onbekend) add up to NL; quarters add up to their year."""
    years = sorted({p[:4] for p in periods if "Q" in p} & set(periods))
    return {"gebiedcode": {NATIONAL: areas},
            "periode": {y: [p for p in periods if p.startswith(f"{y}Q")] for y in years}}  # fmt: skip


def protect_indicators(
    indicators: pd.DataFrame, total_status: Mapping[Any, CellStatus], k: int
) -> pd.DataFrame:
    """The published indicators: counts with their suppression status, rates hidden with them."""
    frame = indicators.reset_index(drop=True).copy()
    keys = [("incidenten", ("gebiedcode", str(a)), ("periode", str(p)))
            for a, p in zip(frame["gebiedcode"], frame["periode"], strict=True)]  # fmt: skip
    status = pd.Series([total_status.get(key, PUBLISHED) for key in keys], dtype="string")
    frame["incidenten_status"] = status
    hidden = status != PUBLISHED
    frame["incidenten"] = frame["incidenten"].astype("Int64").mask(hidden)
    frame["per_1000_fte"] = frame["per_1000_fte"].mask(hidden)
    frame["per_1000_fte_status"] = status
    frame = _change_status(frame, hidden)
    for rate, (numerator, denominator) in RATES.items():
        rate_status = [
            protect_rate(int(n), int(d), k, denominator_status=s) if pd.notna(d) and d else s
            for n, d, s in zip(frame[numerator].fillna(0), frame[denominator], status, strict=True)
        ]
        frame[f"{rate}_status"] = pd.Series(rate_status, dtype="string")
        frame[rate] = frame[rate].mask(frame[f"{rate}_status"] != PUBLISHED)
    frame = _small_count(frame, "herhaald_slachtoffers", frame["herhaald_slachtoffers"], k, hidden)
    return _small_count(frame, "verzuim_dagen", frame["incidenten_met_verzuim"], k, hidden)


def _change_status(frame: pd.DataFrame, hidden: pd.Series) -> pd.DataFrame:
    """A change on the previous period is hidden when either period's count is hidden."""
    group = ["beroepsgroep", "niveau", "gebiedcode", "periodetype"]
    order = frame.assign(_hidden=hidden.to_numpy()).sort_values([*group, "periode"])
    before = order.groupby(group)["_hidden"].shift(1, fill_value=False).astype(bool)
    either = (order["_hidden"].astype(bool) | before).reindex(frame.index)
    column = "verandering_vorige_periode_pct"
    frame[f"{column}_status"] = pd.Series(
        either.map({True: "secundair", False: PUBLISHED}), dtype="string"
    )
    frame[column] = frame[column].mask(either)
    return frame


def _small_count(
    frame: pd.DataFrame, column: str, count: pd.Series, k: int, hidden: pd.Series
) -> pd.DataFrame:
    """Hide a figure whose own count (or the count it rests on) lies in 1..k-1 or is hidden."""
    small = count.fillna(0).between(1, k - 1) | frame[column].fillna(0).between(1, k - 1)
    frame[f"{column}_status"] = pd.Series(
        ["primair" if s else "secundair" if h else PUBLISHED for s, h in zip(small, hidden, strict=True)],
        dtype="string")  # fmt: skip
    frame[column] = frame[column].astype("Float64").mask(frame[f"{column}_status"] != PUBLISHED)
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
                         & (indicators["gebiedcode"] != UNKNOWN)]  # fmt: skip
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


def published_tables(
    indicators: pd.DataFrame, zwaarste: pd.DataFrame, gedrag: pd.DataFrame
) -> tuple[PublishedTable, ...]:
    """The detailed tables of the report, Excel workbook and CSV/Parquet exports."""
    order = ["beroepsgroep", "niveau", "gebiedcode", "periodetype", "periode"]
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
                       "Incidenten, aangifte-, VPT-, letsel- en nazorgpercentage, herhaald slachtofferschap, "
                       "verzuimdagen en incidenten per 1.000 fte; landelijk en per veiligheidsregio.",
                       ind, figures, {c: f"{c}_status" for c in figures}),
    ]  # fmt: skip
    for name, frame, category, title in (
        (
            "incidenten_zwaarste",
            zwaarste,
            "zwaarste_gedragstype",
            "Incidenten naar zwaarste gedragstype",
        ),
        ("incidenten_gedragstype", gedrag, "gedragstype", "Incidenten naar gedragstype"),
    ):
        columns = [
            *order[:3],
            "gebiednaam",
            *order[3:],
            category,
            "incidenten",
            "incidenten_status",
            "volledig",
            *STATUS_COLUMNS,
        ]
        data = (
            frame[columns].sort_values([*order, category]).reset_index(drop=True)
            if len(frame)
            else frame.reindex(columns=columns)  # a first, empty night
        )
        note = (
            "Elk incident telt één keer, bij zijn zwaarste gedragstype."
            if category == "zwaarste_gedragstype"
            else "Een incident met meerdere gedragstypen telt bij elk daarvan; de som is groter dan het totaal."
        )
        tables.append(
            PublishedTable(
                name, title, note, data, ("incidenten",), {"incidenten": "incidenten_status"}
            )
        )
    return tuple(tables)
