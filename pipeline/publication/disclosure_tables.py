"""The protection problem of one beroepsgroep: every published count and every relation an
outsider knows between them, in one call of `suppress`.

Published (and so in the problem), per beroepsgroep:
- incidents per area (NL, the 25 veiligheidsregio's, onbekend) and period (quarters, years);
- nationally, incidents per gedragstype, per zwaarste gedragstype and per context, per period;
- the counts behind each rate (numerator, denominator, and the rest between them): nationally
  for every period, per veiligheidsregio per year only.

Relations (equalities): areas add up to NL; quarters add up to their year; the most serious types
and contexts add up to all incidents; a denominator is its numerator plus its rest. Bounds
(inequalities): an incident count per gedragstype is at most all incidents, all types
together at least all incidents (an incident has one or more), zwaarste[X] <= gedragstype[X],
gedragstype[X] <= the incidents whose zwaarste type is X or more severe (the public severity
order), and a rate's denominator is at most the count it is a share of.

Not published, so not in the problem: gemeente figures, regional figures per gedragstype,
zwaarste type or context, regional rates per quarter, herhaald slachtofferschap and verzuimdagen
(neither adds up over areas or quarters, so a hidden value could only be a small one).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from pipeline.publication.disclosure import Bound, CellStatus, Key, Relation
from pipeline.publication.published import CONTEXT, ZWAARSTE
from schemas.fields import FieldName
from schemas.vocabulary import NOT_PUBLISHED, PUBLISHED, SECONDARY

NATIONAL = "NL"
RATES = {  # published rate → (numerator, denominator, the count the denominator is part of)
    "aangifte_pct": ("met_aangifte", "aangifte_bekend", "incidenten"),
    "vpt_pct": ("aangifte_met_vpt", "vpt_bekend", "met_aangifte"),
    "letsel_pct": ("met_letsel", "letsel_bekend", "incidenten"),
    "nazorg_pct": (FieldName.NAZORG_AANGEBODEN.value, "nazorg_bekend", "incidenten"),
}
CATEGORY_TABLES = ("gedragstype", ZWAARSTE, CONTEXT)


@dataclass
class Problem:
    """Cells (keys → true counts), relations and bounds of one beroepsgroep."""

    values: dict[Key, int] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)
    bounds: list[Bound] = field(default_factory=list)


def rate_in_scope(area: str, periode: str) -> bool:
    """Rates are published nationally for every period, per region for years only."""
    return area == NATIONAL or "Q" not in periode


def years_of(periods: Sequence[str]) -> dict[str, list[str]]:
    """Each year among the periods with its quarters among them."""
    return {y: [p for p in periods if p.startswith(f"{y}Q")] for y in periods if "Q" not in y}


def build_problem(
    indicators: pd.DataFrame, categories: Mapping[str, pd.DataFrame], areas: Sequence[str],
    codes: Mapping[str, Sequence[str]], severity: Mapping[str, int],
) -> Problem:  # fmt: skip
    """The problem of one beroepsgroep from its national and regional indicator rows and its
    national category frames (columns periode, <category>, incidenten)."""
    periods = sorted(indicators["periode"].astype(str).unique())
    everywhere = [NATIONAL, *areas]
    rows = indicators.assign(gebiedcode=indicators["gebiedcode"].astype(str),
                             periode=indicators["periode"].astype(str)).set_index(["gebiedcode", "periode"])  # fmt: skip
    problem = Problem()

    counts = ["incidenten", *dict.fromkeys(c for r in RATES.values() for c in r[:2])]
    # looked up for every area, period and count: dicts, not a MultiIndex lookup each (~0.4 s)
    known = {column: rows[column].to_dict() for column in counts if column in rows}

    def count(column: str, area: str, periode: str) -> int:
        value = known.get(column, {}).get((area, periode))
        return 0 if value is None or pd.isna(value) else int(value)

    for area in everywhere:
        for periode in periods:
            problem.values[("incidenten", area, periode)] = count("incidenten", area, periode)
            if rate_in_scope(area, periode):
                for column in counts[1:]:
                    problem.values[(column, area, periode)] = count(column, area, periode)
                for rate, (numerator, denominator, base) in RATES.items():
                    rest = count(denominator, area, periode) - count(numerator, area, periode)
                    problem.values[(f"{rate}_rest", area, periode)] = rest
                    problem.relations.append(Relation((denominator, area, periode), (
                        (numerator, area, periode), (f"{rate}_rest", area, periode))))  # fmt: skip
                    problem.bounds.append(
                        Bound(((denominator, area, periode),), ((base, area, periode),))
                    )
    rate_cells = [*counts[1:], *(f"{rate}_rest" for rate in RATES)]
    years = years_of(periods)
    for periode in periods:  # areas add up to NL
        names = ["incidenten", *(rate_cells if "Q" not in periode else [])]
        for name in names:
            problem.relations.append(Relation((name, NATIONAL, periode),
                                              tuple((name, a, periode) for a in areas)))  # fmt: skip
    for year, quarters in years.items():  # quarters add up to their year
        for name, scope in (("incidenten", everywhere), *((n, [NATIONAL]) for n in rate_cells)):
            for area in scope:
                problem.relations.append(Relation((name, area, year),
                                                  tuple((name, area, q) for q in quarters)))  # fmt: skip
    _add_categories(problem, categories, codes, severity, periods, years)
    return problem


def _add_categories(
    problem: Problem, categories: Mapping[str, pd.DataFrame], codes: Mapping[str, Sequence[str]],
    severity: Mapping[str, int], periods: list[str], years: dict[str, list[str]],
) -> None:  # fmt: skip
    """National counts per gedragstype, zwaarste type and context, with their links."""
    for table in CATEGORY_TABLES:
        frame = categories[table].astype({"periode": str, table: str})
        found = frame.groupby(["periode", table])["incidenten"].sum()
        for periode in periods:
            for code in codes[table]:
                problem.values[(table, code, periode)] = int(found.get((periode, code), 0))
        for year, quarters in years.items():
            for code in codes[table]:
                problem.relations.append(Relation((table, code, year),
                                                  tuple((table, code, q) for q in quarters)))  # fmt: skip
    for periode in periods:
        total = ("incidenten", NATIONAL, periode)
        for table in (ZWAARSTE, CONTEXT):  # one per incident: they add up
            cells = tuple((table, code, periode) for code in codes[table])
            problem.relations.append(Relation(total, cells))
        types = codes["gedragstype"]
        gedrag = {code: ("gedragstype", code, periode) for code in types}
        zwaarste = {code: (ZWAARSTE, code, periode) for code in types}
        problem.bounds.append(Bound((total,), tuple(gedrag.values())))
        for code in types:
            problem.bounds.append(Bound((gedrag[code],), (total,)))
            problem.bounds.append(Bound((zwaarste[code],), (gedrag[code],)))
            graver = tuple(zwaarste[c] for c in types if severity[c] >= severity[code])
            problem.bounds.append(Bound((gedrag[code],), graver))


def indicator_statuses(
    indicators: pd.DataFrame, statuses: Mapping[Key, CellStatus]
) -> pd.DataFrame:
    """The indicator rows with hidden counts and rates missing and a status per figure."""
    frame = indicators.reset_index(drop=True).copy()
    areas, periods = frame["gebiedcode"].astype(str), frame["periode"].astype(str)

    def status_of(column: str) -> pd.Series:
        return pd.Series([statuses.get((column, a, p), NOT_PUBLISHED)
                          for a, p in zip(areas, periods, strict=True)], dtype="string")  # fmt: skip

    total = status_of("incidenten")
    frame["incidenten_status"] = total
    frame["incidenten"] = frame["incidenten"].astype("Int64").mask(total != PUBLISHED)
    frame["per_1000_fte_status"] = total
    frame["per_1000_fte"] = frame["per_1000_fte"].mask(total != PUBLISHED)
    for rate, (numerator, denominator, _) in RATES.items():
        shown = {}
        for column in (numerator, denominator):
            shown[column] = status_of(column)
            frame[f"{column}_status"] = shown[column]
            frame[column] = frame[column].astype("Int64").mask(shown[column] != PUBLISHED)
        both = (shown[numerator] == PUBLISHED) & (shown[denominator] == PUBLISHED)
        out_of_scope = shown[denominator] == NOT_PUBLISHED
        frame[f"{rate}_status"] = pd.Series(
            [PUBLISHED if b else NOT_PUBLISHED if o else SECONDARY
             for b, o in zip(both, out_of_scope, strict=True)], dtype="string")  # fmt: skip
        frame[rate] = frame[rate].mask(~both)
    return frame


def category_statuses(
    frame: pd.DataFrame, table: str, statuses: Mapping[Key, CellStatus]
) -> pd.DataFrame:
    """A national category frame with hidden counts missing and their status."""
    result = frame.reset_index(drop=True).copy()
    status = pd.Series([statuses[(table, str(code), str(periode))] for code, periode in
                        zip(result[table], result["periode"], strict=True)], dtype="string")  # fmt: skip
    result["incidenten_status"] = status
    result["incidenten"] = result["incidenten"].astype("Int64").mask(status != PUBLISHED)
    return result
