"""The plan of a sample: organisations, incident counts per quarter and the special cases."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from pipeline.sample.model import (
    GIR,
    TEMPLATE,
    VENDOR_CSV,
    Organisation,
    SampleError,
    periode,
)
from pipeline.sample.population import (
    LEGACY_SUCCESSOR,
    Reference,
    build_organisations,
    read_reference,
)
from pipeline.sample.series import (
    Quarter,
    SeriesCases,
    choose_below_floor,
    choose_series_break,
    draw_series_counts,
    series_quarters,
)

QUARTERS = (1, 2, 3, 4)
MIN_YEAR = 2011
MAX_YEAR = 2100
MAX_SCALE = 100.0
REDELIVERY_QUARTER = 2
MISSING_QUARTER = 3
LEGACY_QUARTER = 1
REDELIVERY_MIN_ROWS = 3
LEGACY_MIN_ROWS = 3
REDELIVERY_CANDIDATES = 30
COVERED_CANDIDATES = 20
MISSING_IN_NIGHTLY_TEST = "GM1969"
LATE_PROFILES = (TEMPLATE, GIR, VENDOR_CSV)

OrgQuarter = tuple[str, int]


@dataclass(frozen=True)
class SpecialCases:
    """Which organisation and quarter carry each special case."""

    legacy: tuple[str, str, int]
    nil_return: OrgQuarter
    redelivery: OrgQuarter
    unreadable: OrgQuarter
    missing: OrgQuarter

    def special_deliveries(self) -> set[OrgQuarter]:
        """Return the deliveries that must stay free of injected row defects."""
        legacy_code, _, legacy_quarter = self.legacy
        return {(legacy_code, legacy_quarter), self.nil_return, self.redelivery, self.unreadable}

    def organisations(self) -> set[str]:
        """Return the organisations that carry one of these special cases (legacy code too)."""
        deliveries = [self.nil_return, self.redelivery, self.unreadable, self.missing]
        return {self.legacy[0], self.legacy[1], *(code for code, _ in deliveries)}


@dataclass(frozen=True)
class LevertVoor:
    """A covered-by relation: `leverancier` delivers for `organisatie` from `vanaf` on."""

    leverancier: str
    organisatie: str
    vanaf: str
    tot: str | None
    toelichting: str


@dataclass(frozen=True)
class CoverageCases:
    """The covered gemeente (no files of its own) and the one delivery received late."""

    levert_voor: LevertVoor
    late: OrgQuarter

    def special_deliveries(self) -> set[OrgQuarter]:
        """Return the deliveries that must stay free of injected row defects."""
        covered = self.levert_voor.organisatie
        return {self.late, *((covered, quarter) for quarter in QUARTERS)}


@dataclass(frozen=True)
class SamplePlan:
    """Everything decided before incidents are drawn."""

    year: int
    seed: int
    scale: float
    reference: Reference
    organisations: tuple[Organisation, ...]
    counts: dict[OrgQuarter, int]
    cases: SpecialCases
    coverage: CoverageCases
    series: SeriesCases

    def special_deliveries(self) -> set[OrgQuarter]:
        """Return every delivery that carries a special case (no injected row defects)."""
        return self.cases.special_deliveries() | self.coverage.special_deliveries()


def random_streams(seed: int) -> list[np.random.Generator]:
    """Return the four independent streams (plan, incidents, defects, series) of one seed; the
    first three are those of a one-year sample, so adding years changes nothing in the main year."""
    return list(np.random.default_rng(seed).spawn(4))


def _check_arguments(year: int, scale: float) -> None:
    """Refuse a year or scale the sample cannot honour."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise SampleError(f"year {year} must lie between {MIN_YEAR} and {MAX_YEAR}")
    if not 0 < scale <= MAX_SCALE:
        raise SampleError(f"scale {scale} must be above 0 and at most {MAX_SCALE}")


def _pick(rng: np.random.Generator, candidates: list[Organisation]) -> Organisation:
    """Pick one organisation at random."""
    return candidates[int(rng.integers(len(candidates)))]


def choose_special_cases(
    organisations: tuple[Organisation, ...], reference: Reference, rng: np.random.Generator
) -> SpecialCases:
    """Choose distinct gemeenten for the nil return, redelivery, S01 file and missing quarter."""
    gemeenten = [o for o in organisations if o.beroep == "boa" and o.code != LEGACY_SUCCESSOR]
    templates = [o for o in gemeenten if o.profiel == TEMPLATE]
    nil_org = min(templates, key=lambda o: (o.inwoners, o.code))
    girs = sorted((o for o in gemeenten if o.profiel == GIR), key=lambda o: -o.inwoners)
    redelivery_org = _pick(rng, girs[:REDELIVERY_CANDIDATES])
    unreadable_org = _pick(rng, [o for o in girs if o.code != redelivery_org.code])
    missing_org = _pick(rng, [o for o in gemeenten if o.profiel == VENDOR_CSV])
    legacy_code = reference.predecessor_of(LEGACY_SUCCESSOR)
    return SpecialCases(
        legacy=(LEGACY_SUCCESSOR, legacy_code, LEGACY_QUARTER),
        nil_return=(nil_org.code, int(rng.integers(1, 5))),
        redelivery=(redelivery_org.code, REDELIVERY_QUARTER),
        unreadable=(unreadable_org.code, int(rng.integers(1, 5))),
        missing=(missing_org.code, MISSING_QUARTER),
    )


def _free_gemeenten(
    organisations: tuple[Organisation, ...], cases: SpecialCases
) -> list[Organisation]:
    """Return the gemeenten without any special case (nor the nightly test's missing one)."""
    taken = cases.organisations() | {MISSING_IN_NIGHTLY_TEST}
    biggest = max((o for o in organisations if o.profiel == TEMPLATE), key=lambda o: o.inwoners)
    taken.add(biggest.code)
    return [o for o in organisations if o.beroep == "boa" and o.code not in taken]


def choose_coverage_cases(
    year: int, organisations: tuple[Organisation, ...], cases: SpecialCases,
    counts: dict[OrgQuarter, int], rng: np.random.Generator,
) -> CoverageCases:  # fmt: skip
    """Choose a small gemeente covered by the largest free gemeente of its region, and one
    late delivery of another free gemeente in a normal format that has no nil return.

    Drawn after the counts, so the rest of the plan is the same as without these cases.
    """
    free = _free_gemeenten(organisations, cases)
    regions = {o.regio for o in free if sum(p.regio == o.regio for p in free) > 1}
    small = sorted((o for o in free if o.regio in regions), key=lambda o: (o.inwoners, o.code))
    covered = _pick(rng, small[:COVERED_CANDIDATES])
    neighbours = [o for o in free if o.regio == covered.regio and o.code != covered.code]
    leverancier = max(neighbours, key=lambda o: (o.inwoners, o.code))
    relation = LevertVoor(
        leverancier=leverancier.code,
        organisatie=covered.code,
        vanaf=periode(year, QUARTERS[0]),
        tot=None,
        toelichting=f"Gezamenlijke handhavingsdienst: {leverancier.naam} levert ook voor "
        f"{covered.naam}",
    )
    late = [o for o in free if o.profiel in LATE_PROFILES and o.code not in
            (covered.code, leverancier.code) and all(counts[(o.code, q)] for q in QUARTERS)]  # fmt: skip
    return CoverageCases(relation, (_pick(rng, late).code, int(rng.integers(1, 5))))


def draw_counts(
    organisations: tuple[Organisation, ...], cases: SpecialCases, rng: np.random.Generator
) -> dict[OrgQuarter, int]:
    """Draw Poisson quarterly counts, then apply the special cases.

    Organisations without a nil-return field (every format but the template) always have at
    least one incident, so an empty non-template file never occurs; neither does the largest
    template organisation, so every format has deliveries to carry the injected defects.
    """
    counts: dict[OrgQuarter, int] = {}
    for org in organisations:
        drawn = rng.poisson(org.jaarverwachting / 4, size=len(QUARTERS))
        for quarter, count in zip(QUARTERS, drawn, strict=True):
            minimum = 0 if org.profiel == TEMPLATE else 1
            counts[(org.code, quarter)] = max(minimum, int(count))
    biggest = max((o for o in organisations if o.profiel == TEMPLATE), key=lambda o: o.inwoners)
    for quarter in QUARTERS:
        counts[(biggest.code, quarter)] = max(1, counts[(biggest.code, quarter)])
    counts[cases.nil_return] = 0
    counts[cases.redelivery] = max(REDELIVERY_MIN_ROWS, counts[cases.redelivery])
    legacy = (cases.legacy[0], cases.legacy[2])  # incident rows under the old code, at any scale
    counts[legacy] = max(LEGACY_MIN_ROWS, counts[legacy])
    del counts[cases.missing]
    return counts


def plan_series(
    year: int, first: Quarter, last: Quarter, organisations: tuple[Organisation, ...],
    cases: SpecialCases, coverage: CoverageCases, rng: np.random.Generator,
) -> SeriesCases:  # fmt: skip
    """Plan the quarters around the main year: counts, the series break and the region below
    the coverage floor, among gemeenten that carry no other case."""
    quarters = series_quarters(first, last, year)
    taken = {coverage.levert_voor.leverancier, coverage.levert_voor.organisatie,
             coverage.late[0]}  # fmt: skip
    free = [o for o in _free_gemeenten(organisations, cases) if o.code not in taken]
    history = [q for q in quarters if q[0] != year]
    counts = draw_series_counts(organisations, history, year, rng)
    series_break = choose_series_break(free, quarters, year, rng)
    if series_break:
        free = [o for o in free if o.code != series_break[0]]
    below_floor = choose_below_floor(organisations, free, quarters, year)
    if below_floor:
        _, (floor_year, floor_quarter), missing = below_floor
        for code in missing:
            del counts[(code, floor_year, floor_quarter)]
    return SeriesCases(quarters, counts, series_break, below_floor)


def plan_sample(
    year: int,
    seed: int = 2025,
    scale: float = 1.0,
    reference_dir: Path = Path("data/reference"),
    first: Quarter | None = None,
    last: Quarter | None = None,
) -> SamplePlan:
    """Decide organisations, formats, quarterly counts and special cases, without writing.
    The series runs from `first` to `last` (default: the main year's four quarters)."""
    _check_arguments(year, scale)
    reference = read_reference(reference_dir)
    streams = random_streams(seed)
    rng = streams[0]
    organisations = build_organisations(reference, rng, scale)
    cases = choose_special_cases(organisations, reference, rng)
    counts = draw_counts(organisations, cases, rng)
    coverage = choose_coverage_cases(year, organisations, cases, counts, rng)
    series = plan_series(year, first or (year, 1), last or (year, 4), organisations, cases,
                         coverage, streams[3])  # fmt: skip
    relation = replace(coverage.levert_voor, vanaf=periode(*series.quarters[0]))
    coverage = replace(coverage, levert_voor=relation)
    return SamplePlan(year, seed, scale, reference, organisations, counts, cases, coverage, series)


def planned_volumes(plan: SamplePlan) -> dict[str, int]:
    """Return the planned number of regular incidents per beroepsgroep for the year."""
    groups = {org.code: org.beroep for org in plan.organisations}
    volumes: dict[str, int] = {}
    for (code, _), count in sorted(plan.counts.items()):
        volumes[groups[code]] = volumes.get(groups[code], 0) + count
    return volumes
