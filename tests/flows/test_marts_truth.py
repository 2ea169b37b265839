"""The indicator marts (DESIGN §8) against an independent recomputation from the sample's truth.

Everything expected here comes from the truth files (`truth/incidents.csv`,
`truth/deliveries.csv`, `reference/fte_*.csv`, `reference/levert_voor.csv`) and the official
gemeente list, in pandas; never from `core.incident` or the marts' SQL. A repeat victim is a
distinct (organisatiecode, medewerker_id) pair: the pseudonym is a keyed hash of exactly that.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from pipeline.warehouse.store import open_published
from tests.conftest import REFERENCE_DIR

KEYS = ["niveau", "gebiedcode", "beroepsgroep", "periodetype", "periode"]
COUNTS = {  # indicator column → which incidents it counts
    "met_aangifte": lambda f: f["aangifte"].eq("ja"),
    "aangifte_bekend": lambda f: f["aangifte"].isin(["ja", "nee"]),
    "aangifte_met_vpt": lambda f: f["aangifte"].eq("ja") & f["vpt_markering"].eq("ja"),
    "vpt_bekend": lambda f: f["aangifte"].eq("ja") & f["vpt_markering"].isin(["ja", "nee"]),
    "met_letsel": lambda f: f["letsel"].isin(["licht", "medisch", "ernstig"]),
    "letsel_medisch_ernstig": lambda f: f["letsel"].isin(["medisch", "ernstig"]),
    "letsel_bekend": lambda f: ~f["letsel"].isin(["", "onbekend"]),
    "incidenten_met_verzuim": lambda f: f["verzuim"].gt(0),
    "nazorg_aangeboden": lambda f: f["nazorg_aangeboden"].eq("ja"),
    "nazorg_bekend": lambda f: f["nazorg_aangeboden"].isin(["ja", "nee"]),
}
RATES = {"aangifte_pct": ("met_aangifte", "aangifte_bekend"),
         "vpt_pct": ("aangifte_met_vpt", "vpt_bekend"),
         "letsel_pct": ("met_letsel", "letsel_bekend"),
         "nazorg_pct": ("nazorg_aangeboden", "nazorg_bekend")}  # fmt: skip
BEROEPSGROEP = {"gemeente": "boa", "veiligheidsregio": "brandweer", "politie": "politie"}


def read(path: Path) -> pd.DataFrame:
    """A CSV with every value as text, empty cells as ''."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def region_of() -> dict[str, str]:
    """Today's gemeentecode → its veiligheidsregio, from the official list."""
    gemeenten = read(REFERENCE_DIR / "gemeenten.csv")
    return dict(zip(gemeenten["gemeentecode"], gemeenten["veiligheidsregiocode"], strict=True))


def with_names(rows: pd.DataFrame) -> pd.DataFrame:
    """Add gebiednaam from the official lists (Nederland, region or gemeente name, Onbekend)."""
    gemeenten = read(REFERENCE_DIR / "gemeenten.csv")
    regios = read(REFERENCE_DIR / "veiligheidsregios.csv")
    names = {("nationaal", "NL"): "Nederland"}
    names |= {
        ("gemeente", c): n
        for c, n in zip(gemeenten["gemeentecode"], gemeenten["gemeentenaam"], strict=True)
    }
    names |= {
        ("veiligheidsregio", c): n
        for c, n in zip(regios["veiligheidsregiocode"], regios["veiligheidsregionaam"], strict=True)
    }
    keys = zip(rows["niveau"], rows["gebiedcode"], strict=True)
    return rows.assign(gebiednaam=[names.get(k, "Onbekend") for k in keys])


def incidents_per_area(sample: Path) -> pd.DataFrame:
    """Every truth incident once per niveau and period type, with the area it counts in."""
    inc = read(sample / "truth" / "incidents.csv")
    regions = region_of()
    org, location = inc["organisatiecode"], inc["gemeentecode_locatie"]
    gemeente = location.where(location.isin(regions), org.where(org.isin(regions), "onbekend"))
    regio = gemeente.map(regions).fillna(org.where(org.str.fullmatch(r"VR\d\d"))).fillna("onbekend")
    inc["verzuim"] = pd.to_numeric(inc["verzuim_dagen"].replace("", np.nan))
    inc["slachtoffer"] = (org + ":" + inc["medewerker_id"]).where(inc["medewerker_id"] != "")
    frames = [
        inc.assign(niveau=niveau, gebiedcode=code, periodetype=soort,
                   periode=inc["periode"] if soort == "kwartaal" else inc["periode"].str[:4])
        for niveau, code in (("nationaal", "NL"), ("veiligheidsregio", regio),
                             ("gemeente", gemeente))
        for soort in ("kwartaal", "jaar")
    ]  # fmt: skip
    return pd.concat(frames, ignore_index=True)


def expected_counts(long: pd.DataFrame) -> pd.DataFrame:
    """Incidents, the counted subsets, verzuim and repeat victims per row key."""
    flags = long[KEYS].assign(incidenten=1, verzuim_dagen=long["verzuim"].fillna(0),
                              **{c: rule(long) for c, rule in COUNTS.items()})  # fmt: skip
    counts = flags.groupby(KEYS).sum()
    per_victim = long.dropna(subset=["slachtoffer"]).groupby([*KEYS, "slachtoffer"]).size()
    victims = per_victim.groupby(KEYS).agg(
        slachtoffers="size",
        herhaald_slachtoffers=lambda n: int((n >= 2).sum()),
        incidenten_herhaald_slachtoffer=lambda n: int(n[n >= 2].sum()),
    )
    return counts.join(victims).fillna(0).astype("int64")


def quarters_between(first: str, last: str) -> list[str]:
    """Every quarter from `first` to `last` inclusive (`2025Q1` style)."""
    start, end = int(first[:4]) * 4 + int(first[-1]) - 1, int(last[:4]) * 4 + int(last[-1]) - 1
    return [f"{q // 4}Q{q % 4 + 1}" for q in range(start, end + 1)]


def organisations() -> pd.DataFrame:
    """Every expected employer with its beroepsgroep and own areas per niveau."""
    regions = region_of()
    rows: list[tuple[str, str, str | None, str | None]]
    rows = [(gm, "boa", vr, gm) for gm, vr in regions.items()]
    rows += [(vr, "brandweer", vr, None) for vr in sorted(set(regions.values()))]
    rows += [("POL", "politie", None, None)]
    return pd.DataFrame(rows, columns=["organisatiecode", "beroepsgroep", "veiligheidsregio",
                                       "gemeente"])  # fmt: skip


def delivered_quarters(sample: Path) -> tuple[pd.DataFrame, list[str]]:
    """(organisatiecode, periode) with a usable delivery, own or by a covering organisation."""
    deliveries = read(sample / "truth" / "deliveries.csv")
    usable = deliveries[deliveries["status"] != "rejected"]
    periods = quarters_between(usable["periode"].min(), usable["periode"].max())
    loaded = deliveries.loc[deliveries["status"] == "loaded", ["organisatiecode", "periode"]]
    own = set(map(tuple, loaded.drop_duplicates().to_numpy()))
    covered = set()
    path = sample / "reference" / "levert_voor.csv"
    for r in read(path).itertuples() if path.is_file() else []:
        covered |= {(r.organisatiecode, p) for p in periods
                    if (r.leverancier, p) in own and p >= (r.vanaf or "0") and p <= (r.tot or "9")}  # fmt: skip
    frame = pd.DataFrame(sorted(own | covered), columns=["organisatiecode", "periode"])
    return frame.assign(geleverd=True), periods


def expected_coverage(sample: Path) -> pd.DataFrame:
    """Coverage per own area of the employers, per quarter and year (DESIGN §8)."""
    delivered, periods = delivered_quarters(sample)
    fte = pd.concat(
        read(p).assign(jaar=p.stem[4:]) for p in (sample / "reference").glob("fte_*.csv")
    )
    fte["fte"] = fte["fte"].astype(float)
    grid = organisations().merge(pd.DataFrame({"periode": periods}), how="cross")
    grid = grid.merge(delivered, how="left")
    grid["geleverd"] = grid["geleverd"].notna()
    grid = grid.assign(jaar=grid["periode"].str[:4]).merge(fte, how="left")
    grid["fte_gedekt"] = grid["fte"].where(grid["geleverd"], 0.0)
    own = pd.concat([grid.assign(niveau="nationaal", gebiedcode="NL"),
                     grid.assign(niveau="veiligheidsregio", gebiedcode=grid["veiligheidsregio"]),
                     grid.assign(niveau="gemeente", gebiedcode=grid["gemeente"])]).dropna(
        subset=["gebiedcode"])  # fmt: skip
    by = ["niveau", "gebiedcode", "beroepsgroep"]
    q = own.groupby([*by, "periode"]).agg(
        organisaties_verwacht=("geleverd", "size"), organisaties_geleverd=("geleverd", "sum"),
        fte_verwacht=("fte", lambda s: s.sum(min_count=1)), fte_gedekt=("fte_gedekt", "sum"),
    ).reset_index()  # fmt: skip
    q["organisaties_pct"] = 100 * q["organisaties_geleverd"] / q["organisaties_verwacht"]
    q["fte_pct"] = 100 * q["fte_gedekt"] / q["fte_verwacht"].replace(0, np.nan)
    q["fte_gedekt"] = q["fte_gedekt"].where(q["fte_verwacht"].notna())
    q = q.assign(jaar=q["periode"].str[:4])
    per_org_year = own.groupby([*by, "jaar", "organisatiecode"])["geleverd"].all()
    years = per_org_year.groupby([*by, "jaar"]).agg(["size", "sum"])
    means = q.groupby([*by, "jaar"])[["organisaties_pct", "fte_verwacht", "fte_gedekt",
                                      "fte_pct"]].mean()  # fmt: skip
    y = years.set_axis(["organisaties_verwacht", "organisaties_geleverd"], axis=1).join(means)
    y = y.reset_index().rename(columns={"jaar": "periode"}).assign(periodetype="jaar")
    return pd.concat([q.drop(columns="jaar").assign(periodetype="kwartaal"), y])


def registration_breaks(sample: Path) -> set[tuple[str, str]]:
    """(organisatiecode, quarter) whose counting delivery's profile differs from the last one."""
    deliveries = read(sample / "truth" / "deliveries.csv")
    loaded = deliveries[deliveries["status"] == "loaded"].sort_values("periode")
    breaks = set()
    for org, rows in loaded.groupby("organisatiecode"):
        last = rows.drop_duplicates("periode", keep="last")
        changed = last["profiel"].ne(last["profiel"].shift()) & last["profiel"].shift().notna()
        breaks |= {(str(org), p) for p in last.loc[changed, "periode"]}
    return breaks


def with_coverage(rows: pd.DataFrame, coverage: pd.DataFrame) -> pd.DataFrame:
    """The row's coverage: its own area's, else its gemeente's region's, else the national one."""
    cov = coverage.set_index(KEYS)
    regions = region_of()
    own = pd.Series([k in cov.index for k in map(tuple, rows[KEYS].to_numpy())], index=rows.index)
    region = rows["gebiedcode"].map(regions).where(rows["niveau"] == "gemeente")
    region = region.where(rows["niveau"] != "veiligheidsregio", rows["gebiedcode"])
    regional = pd.Series([("veiligheidsregio", r, b, t, p) in cov.index for r, b, t, p in zip(
        region, rows["beroepsgroep"], rows["periodetype"], rows["periode"], strict=True)],
        index=rows.index)  # fmt: skip
    rows["dekkingsniveau"] = np.where(own, rows["niveau"],
                                      np.where(regional, "veiligheidsregio", "nationaal"))  # fmt: skip
    rows["dekkingsgebied"] = np.where(own, rows["gebiedcode"], np.where(regional, region, "NL"))
    look = cov.rename_axis(["dekkingsniveau", "dekkingsgebied", "beroepsgroep", "periodetype",
                            "periode"]).reset_index()  # fmt: skip
    rows = rows.merge(look, how="left")
    for column in ("fte_verwacht", "fte_gedekt", "fte_pct"):
        rows[column] = rows[column].where(own.to_numpy())
    return rows


def expected_indicators(sample: Path, floor: float = 0.6) -> pd.DataFrame:
    """mart.indicatoren recomputed from the truth."""
    long = incidents_per_area(sample)
    counts = expected_counts(long).reset_index()
    coverage = expected_coverage(sample)
    rows = pd.concat([counts[KEYS], coverage[KEYS]]).drop_duplicates().reset_index(drop=True)
    rows = rows.merge(counts, how="left").fillna({c: 0 for c in counts.columns if c not in KEYS})
    for rate, (part, whole) in RATES.items():
        rows[rate] = 100 * rows[part] / rows[whole].replace(0, np.nan)
    rows = with_coverage(rows, coverage)
    rows["per_1000_fte"] = 1000 * rows["incidenten"] / rows["fte_gedekt"].replace(0, np.nan)
    share = (rows["fte_pct"].fillna(rows["organisaties_pct"])) / 100
    rows["onder_dekkingsdrempel"] = (share < floor) | share.isna()
    rows["volledig"] = ~rows["onder_dekkingsdrempel"] & period_is_over(rows)
    rows["dekkingsdrempel"] = floor
    rows["reeksbreuk"] = series_break_flags(sample, rows, long)
    return with_names(with_changes(rows))


def series_break_flags(sample: Path, rows: pd.DataFrame, long: pd.DataFrame) -> pd.Series:
    """True where an employer with incidents in the row, or responsible for its coverage area,
    had a change of registration system in the period."""
    breaks = registration_breaks(sample)
    breaks |= {(org, p[:4]) for org, p in breaks}
    hit = {tuple(k) for k in long[[*KEYS, "organisatiecode"]].drop_duplicates().to_numpy()
           if (k[-1], k[-2]) in breaks}  # fmt: skip
    with_incidents = {k[:-1] for k in hit}
    orgs = organisations()
    own: dict[tuple[str, str, str], set[str]] = {}
    for o in orgs.itertuples():
        for niveau, code in (("nationaal", "NL"), ("veiligheidsregio", o.veiligheidsregio),
                             ("gemeente", o.gemeente)):  # fmt: skip
            if code is not None:
                own.setdefault((niveau, code, o.beroepsgroep), set()).add(o.organisatiecode)
    flags = [
        tuple(r[:5]) in with_incidents
        or any((org, r[4]) in breaks for org in own.get((r[5], r[6], r[2]), set()))
        for r in rows[[*KEYS, "dekkingsniveau", "dekkingsgebied"]].itertuples(index=False)
    ]
    return pd.Series(flags, index=rows.index)


def period_is_over(rows: pd.DataFrame) -> pd.Series:
    """Whether the row's quarter or year ended before today."""
    year = rows["periode"].str[:4].astype(int)
    quarter = rows["periode"].str[-1].where(rows["periodetype"] == "kwartaal", "4").astype(int)
    first_after = [dt.date(y + 1, 1, 1) if q == 4 else dt.date(y, 3 * q + 1, 1)
                   for y, q in zip(year, quarter, strict=True)]  # fmt: skip
    return pd.Series([day <= dt.date.today() for day in first_after], index=rows.index)


def with_changes(rows: pd.DataFrame) -> pd.DataFrame:
    """Change in incidents against the previous period and the same period a year earlier,
    only between two complete (volledig) figures."""
    year = rows["periode"].str[:4].astype(int)
    quarter = rows["periode"].str[-1].where(rows["periodetype"] == "kwartaal", "0").astype(int)
    previous = np.where(quarter == 0, (year - 1).astype(str),
                        np.where(quarter == 1, (year - 1).astype(str) + "Q4",
                                 year.astype(str) + "Q" + (quarter - 1).astype(str)))  # fmt: skip
    a_year_ago = np.where(quarter == 0, (year - 1).astype(str),
                          (year - 1).astype(str) + "Q" + quarter.astype(str))  # fmt: skip
    counts = rows.set_index(KEYS)["incidenten"]
    counts = counts[(counts > 0) & rows.set_index(KEYS)["volledig"]]
    for column, labels in (("verandering_vorige_periode_pct", previous),
                           ("verandering_vorig_jaar_pct", a_year_ago)):  # fmt: skip
        keys = list(zip(rows["niveau"], rows["gebiedcode"], rows["beroepsgroep"],
                        rows["periodetype"], labels, strict=True))  # fmt: skip
        before = counts.reindex(pd.MultiIndex.from_tuples(keys, names=KEYS)).to_numpy()
        rows[column] = (100 * (rows["incidenten"] - before) / before).where(rows["volledig"])
    return rows


def expected_per_type(sample: Path, column: str) -> pd.DataFrame:
    """mart.incidenten_gedragstype (column gedragstype) or mart.incidenten_zwaarste."""
    long = incidents_per_area(sample)
    if column == "gedragstype":
        long = long.assign(gedragstype=long["gedragstypen"].str.split("|").map(set)).explode(column)
    return with_names(long.groupby([*KEYS, column]).size().rename("incidenten").reset_index())


def assert_same(actual: pd.DataFrame, expected: pd.DataFrame, keys: list[str]) -> None:
    """Same keys, equal values: counts and flags exactly, rates and FTE to 0.1."""
    merged = actual.merge(expected, on=keys, how="outer", suffixes=("", "_truth"), indicator=True)
    only = merged[merged["_merge"] != "both"]
    assert only.empty, only[[*keys, "_merge"]].head(10).to_string()
    problems = []
    for column in [c for c in expected.columns if c not in keys and c in actual.columns]:
        got, want = merged[column], merged[f"{column}_truth"]
        if pd.api.types.is_float_dtype(want) or pd.api.types.is_float_dtype(got):
            got, want = got.astype(float), want.astype(float)
            bad = ~((got - want).abs().le(0.1 + 1e-9) | (got.isna() & want.isna()))
        else:
            bad = got.astype(str) != want.astype(str)
        if bad.any():
            problems.append(merged.loc[bad, [*keys, column, f"{column}_truth"]].head(5).to_string())
    assert not problems, "\n".join(problems)


@pytest.fixture(scope="module")
def marts(nightly_run: dict[str, Any]) -> dict[str, pd.DataFrame]:
    """The three indicator views as the published warehouse holds them."""
    with open_published(nightly_run["settings"].warehouse_path) as wh:
        return {name: wh.query(f"SELECT * FROM mart.{name}")
                for name in ("indicatoren", "incidenten_gedragstype", "incidenten_zwaarste")}  # fmt: skip


def test_indicators_equal_the_truth(nightly_run: dict[str, Any], marts: dict[str, Any]) -> None:
    expected = expected_indicators(nightly_run["sample"], nightly_run["settings"].coverage_floor)
    assert len(expected) > 2000 and expected["incidenten"].sum() > 6000
    assert_same(marts["indicatoren"], expected.drop(columns=["dekkingsniveau"]), KEYS)


@pytest.mark.parametrize(("view", "column"), [("incidenten_gedragstype", "gedragstype"),
                                              ("incidenten_zwaarste", "zwaarste_gedragstype")])  # fmt: skip
def test_counts_per_type_equal_the_truth(
    nightly_run: dict[str, Any], marts: dict[str, Any], view: str, column: str
) -> None:
    expected = expected_per_type(nightly_run["sample"], column)
    assert_same(marts[view], expected, [*KEYS, column])


def test_every_niveau_adds_up_to_the_national_figure(marts: dict[str, Any]) -> None:
    ind = marts["indicatoren"]
    totals = ind.groupby(["niveau", "beroepsgroep", "periodetype", "periode"])["incidenten"].sum()
    national = totals.xs("nationaal", level="niveau")
    for niveau in ("veiligheidsregio", "gemeente"):
        assert totals.xs(niveau, level="niveau").equals(national)
    zwaarste = marts["incidenten_zwaarste"].groupby(KEYS)["incidenten"].sum()
    assert zwaarste.equals(ind.set_index(KEYS)["incidenten"].loc[zwaarste.index])
