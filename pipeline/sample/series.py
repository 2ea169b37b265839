"""The years around the sample's main year: a series of quarters with developments and cases.

The main year carries the special cases of one year (nil return, correction, S01 file, missing
and late deliveries, the old gemeentecode). The quarters before and after it make the series a
monitor follows over time (DESIGN §12), with what an analyst must be able to find:

- developments: the volume grows a little each year, discriminatie rises as a share of the
  behaviour types, and the chance of an aangifte falls in the politie's registrations;
- a series break: one gemeente changes registration system at the start of the main year;
- one veiligheidsregio whose boa coverage falls below the floor in the quarter before the main
  year, because most of its gemeenten did not deliver.

The main year's draws are unchanged by the series: every trend factor is 1 in the main year and
the series draws from a stream of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from pipeline.sample.model import (
    GIR,
    TEMPLATE,
    VENDOR_CSV,
    Organisation,
    SampleError,
    periode,
    quarter_end,
)

Quarter = tuple[int, int]  # (year, quarter)
SeriesKey = tuple[str, int, int]  # (organisation code, year, quarter)

DEADLINE_DAYS = 30  # a quarter is due this many days after its end (MONITOR_DELIVERY_DEADLINE_DAYS)
YEARS_BACK = 3  # the series starts on 1 January this many years back
VOLUME_GROWTH = 1.06  # incidents per year, relative to the year before
RISING_GEDRAG = "discriminatie"
RISING_FACTOR = 1.35  # its weight among the behaviour types, relative to the year before
FALLING_AANGIFTE = "politie"
FALLING_FACTOR = 0.85  # the chance of an aangifte, relative to the year before
MAX_AANGIFTE_CHANCE = 0.95
BELOW_FLOOR_MISSING_FTE = 0.5  # at least this share of the region's boa FTE does not deliver
OTHER_SYSTEM = {VENDOR_CSV: GIR, GIR: VENDOR_CSV}
PERIODE_PATTERN = re.compile(r"^(\d{4})Q([1-4])$")


@dataclass(frozen=True)
class SeriesCases:
    """What the years around the main year carry."""

    quarters: tuple[Quarter, ...]  # every quarter of the series, in order (main year included)
    counts: dict[SeriesKey, int]  # incidents of each delivery outside the main year
    # organisation, its earlier profile, the first quarter in its own system
    series_break: tuple[str, str, Quarter] | None
    # region, quarter, the gemeenten that did not deliver it
    below_floor: tuple[str, Quarter, tuple[str, ...]] | None

    def history(self, main_year: int) -> list[Quarter]:
        """Return the quarters of the series outside the main year."""
        return [q for q in self.quarters if q[0] != main_year]


def trend(year: int, main_year: int, factor: float) -> float:
    """Return `factor` compounded from the main year to `year` (1 in the main year)."""
    return float(factor ** (year - main_year))


def parse_quarter(text: str) -> Quarter:
    """Read `YYYYQn`; refuse anything else."""
    match = PERIODE_PATTERN.match(text.strip())
    if not match:
        raise SampleError(f"periode {text!r} must be written as YYYYQn, e.g. 2023Q1")
    return int(match.group(1)), int(match.group(2))


def last_due_quarter(today: date, deadline_days: int = DEADLINE_DAYS) -> Quarter:
    """Return the last quarter whose delivery deadline has passed on `today`."""
    year, quarter = today.year, (today.month - 1) // 3 + 1
    while True:
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
        if quarter_end(year, quarter) + timedelta(days=deadline_days) < today:
            return year, quarter


def default_series(today: date) -> tuple[Quarter, Quarter, int]:
    """Return the default first and last quarter and main year of a sample made on `today`:
    1 January three years back up to the last quarter that is due; the main year is the last
    year whose fourth quarter is due."""
    last = last_due_quarter(today)
    main_year = last[0] if last[1] == 4 else last[0] - 1
    return (today.year - YEARS_BACK, 1), last, main_year


def series_quarters(first: Quarter, last: Quarter, main_year: int) -> tuple[Quarter, ...]:
    """Return the quarters from `first` to `last`; the main year must lie wholly inside."""
    if not first <= (main_year, 1) or not (main_year, 4) <= last:
        raise SampleError(
            f"the series {periode(*first)}–{periode(*last)} must hold all of {main_year}"
        )
    quarters = []
    year, quarter = first
    while (year, quarter) <= last:
        quarters.append((year, quarter))
        year, quarter = (year, quarter + 1) if quarter < 4 else (year + 1, 1)
    return tuple(quarters)


def draw_series_counts(
    organisations: tuple[Organisation, ...],
    quarters: list[Quarter],
    main_year: int,
    rng: np.random.Generator,
) -> dict[SeriesKey, int]:
    """Draw Poisson counts for the quarters outside the main year, growing by year; the same
    minimums as in the main year (a file without a nil-return field is never empty)."""
    biggest = max((o for o in organisations if o.profiel == TEMPLATE), key=lambda o: o.inwoners)
    counts: dict[SeriesKey, int] = {}
    for org in organisations:
        for year, quarter in quarters:
            expected = org.jaarverwachting / 4 * trend(year, main_year, VOLUME_GROWTH)
            minimum = 0 if org.profiel == TEMPLATE and org.code != biggest.code else 1
            counts[(org.code, year, quarter)] = max(minimum, int(rng.poisson(expected)))
    return counts


def choose_series_break(
    free: list[Organisation], quarters: tuple[Quarter, ...], main_year: int,
    rng: np.random.Generator,
) -> tuple[str, str, Quarter] | None:  # fmt: skip
    """Choose a gemeente that used another registration system before the main year."""
    if quarters[0] >= (main_year, 1):
        return None
    candidates = [o for o in free if o.profiel in OTHER_SYSTEM]
    org = candidates[int(rng.integers(len(candidates)))]
    return org.code, OTHER_SYSTEM[org.profiel], (main_year, 1)


def choose_below_floor(
    organisations: tuple[Organisation, ...], free: list[Organisation],
    quarters: tuple[Quarter, ...], main_year: int,
) -> tuple[str, Quarter, tuple[str, ...]] | None:  # fmt: skip
    """Choose the region whose free gemeenten hold the largest share of its boa FTE; in the
    quarter before the main year its largest free gemeenten do not deliver, until at least half
    of the region's FTE is missing (the coverage floor is 60%). One gemeente still delivers."""
    quarter = (main_year - 1, 4)
    if quarter not in quarters:
        return None
    boa = [o for o in organisations if o.beroep == "boa"]
    totals: dict[str, float] = {}
    for org in boa:
        totals[org.regio or ""] = totals.get(org.regio or "", 0.0) + org.fte

    def free_share(region: str) -> float:
        return sum(o.fte for o in free if o.regio == region) / totals[region]

    regions = sorted({o.regio or "" for o in free if sum(p.regio == o.regio for p in free) > 2})
    region = max(regions, key=lambda r: (free_share(r), r))
    missing: list[str] = []
    gone = 0.0
    for org in sorted((o for o in free if o.regio == region), key=lambda o: (-o.fte, o.code))[:-1]:
        if gone / totals[region] > BELOW_FLOOR_MISSING_FTE:
            break
        missing.append(org.code)
        gone += org.fte
    if gone / totals[region] <= BELOW_FLOOR_MISSING_FTE:
        raise SampleError(f"no region can fall below the coverage floor (best: {region})")
    return region, quarter, tuple(sorted(missing))
