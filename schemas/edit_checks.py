"""The vectorised row checks of the edit registry (`schemas/edits.py`).

Each check is a function over the harmonised frame that gives a boolean mask: True for every
row that fails. A `RowCheck` adds the field whose value the edit shows, which rows it looks at
and whether a failing value is loaded as missing. Validation runs them in one loop
(`pipeline/ingest/validate.py`); nothing here knows about files, feedback or the warehouse.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from schemas.fields import EARLIEST_INCIDENTDATUM
from schemas.fields import FieldName as F
from schemas.incident import Periode
from schemas.rows import ROW_COLUMN, delivery_of
from schemas.vocabulary import JA, NEE

SERIOUS_LETSEL = ("medisch", "ernstig")
MAX_PLAUSIBLE_VERZUIM = 365


@dataclass(frozen=True)
class CheckContext:
    """What a row check needs besides the rows: today and the delivery's period.

    For a batch of deliveries (`schemas.rows`), `periodes` holds each delivery's period by its
    position; `periode` is then the first one's.
    """

    today: dt.date
    periode: Periode
    periodes: Mapping[int, Periode] = field(default_factory=dict)

    def period_bounds(self, frame: pd.DataFrame) -> tuple[object, object]:
        """First and last day of the period of each row (one pair of dates for one delivery,
        or for deliveries of one period)."""
        distinct = set(self.periodes.values())
        if len(distinct) == 1:
            (periode,) = distinct
            return periode.start, periode.end
        if not self.periodes or ROW_COLUMN not in frame:
            return self.periode.start, self.periode.end
        delivery = delivery_of(frame[ROW_COLUMN])
        starts = {i: p.start for i, p in self.periodes.items()}
        ends = {i: p.end for i, p in self.periodes.items()}
        return delivery.map(starts).astype(object), delivery.map(ends).astype(object)


class Rows(StrEnum):
    """Which rows a check looks at."""

    RECEIVED = "received"  # every harmonised row, before any row is rejected
    LOADED = "loaded"  # only the rows that pass every error (warnings on what will be loaded)


@dataclass(frozen=True)
class RowCheck:
    """A vectorised check: the rows that fail it, and the field whose value the edit shows."""

    field: F
    fails: Callable[[pd.DataFrame, CheckContext], pd.Series]
    rows: Rows = Rows.LOADED
    blanks: bool = False  # a failing value is loaded as missing (the incident still counts)

    def failing(self, frame: pd.DataFrame, ctx: CheckContext) -> pd.Series:
        """A boolean mask over `frame`: True for every row that fails."""
        return self.fails(frame, ctx).fillna(False).astype(bool)


def column(frame: pd.DataFrame, name: F) -> pd.Series:
    """A column of the frame, or all missing when the frame lacks it."""
    return frame[name] if name in frame else pd.Series(None, index=frame.index, dtype=object)


def each_distinct(values: pd.Series, test: Callable[[Any], bool]) -> pd.Series:
    """`test` of every present value, judged once per distinct value (a large delivery holds a
    few hundred distinct dates); False for a missing value."""
    codes, distinct = pd.factorize(values, use_na_sentinel=True)
    verdicts = np.array([bool(test(value)) for value in distinct] + [False], dtype=bool)
    return pd.Series(verdicts[codes], index=values.index)  # code -1 (missing): the last, False


def each_distinct_pair(
    first: pd.Series, second: pd.Series, test: Callable[[Any, Any], bool]
) -> pd.Series:
    """`test` of every row whose two values are both present, judged once per distinct pair;
    False where either is missing."""
    first_codes, first_values = pd.factorize(first, use_na_sentinel=True)
    second_codes, second_values = pd.factorize(second, use_na_sentinel=True)
    both = (first_codes >= 0) & (second_codes >= 0)
    width = max(1, len(second_values))
    pair_codes, pairs = pd.factorize(
        first_codes[both].astype(np.int64) * width + second_codes[both]
    )
    verdicts = np.array([bool(test(first_values[p // width], second_values[p % width]))
                         for p in pairs.tolist()], dtype=bool)  # fmt: skip
    failing = np.zeros(len(first), dtype=bool)
    failing[both] = verdicts[pair_codes] if len(pairs) else False
    return pd.Series(failing, index=first.index)


def out_of_range(dates: pd.Series, today: dt.date) -> pd.Series:
    """Dates before EARLIEST_INCIDENTDATUM or after today."""
    return each_distinct(dates, lambda date: date < EARLIEST_INCIDENTDATUM or date > today)


def incidentdatum_out_of_range(frame: pd.DataFrame, ctx: CheckContext) -> pd.Series:
    """E04: an incident date before 2010 or after today."""
    return out_of_range(column(frame, F.INCIDENTDATUM), ctx.today)


def registratiedatum_out_of_range(frame: pd.DataFrame, ctx: CheckContext) -> pd.Series:
    """W06: a registration date before 2010 or after today (loaded as missing)."""
    return out_of_range(column(frame, F.REGISTRATIEDATUM), ctx.today)


def duplicate_number(frame: pd.DataFrame, ctx: CheckContext) -> pd.Series:
    """E06: an incident number seen before in the delivery (the first occurrence is kept)."""
    numbers = frame[F.BRON_INCIDENTNUMMER]
    if ROW_COLUMN not in frame:
        return numbers.notna() & numbers.duplicated(keep="first")
    codes, distinct = pd.factorize(numbers, use_na_sentinel=True)  # (delivery, number): one int
    per_delivery = delivery_of(frame[ROW_COLUMN]).to_numpy() * (len(distinct) + 1) + codes
    return numbers.notna() & pd.Series(per_delivery, index=frame.index).duplicated(keep="first")


def vpt_without_aangifte(frame: pd.DataFrame, ctx: CheckContext) -> pd.Series:
    """W01: a VPT marking on an incident not reported to the police."""
    vpt = each_distinct(column(frame, F.VPT_MARKERING), lambda value: value == JA)
    return vpt & each_distinct(column(frame, F.AANGIFTE), lambda value: value == NEE)


def serious_letsel_only_verbaal(frame: pd.DataFrame, ctx: CheckContext) -> pd.Series:
    """W02: medical or serious injury where the only behaviour is verbal."""
    serious = column(frame, F.LETSEL).isin(SERIOUS_LETSEL)  # few rows: only theirs are looked at
    gedrag = column(frame, F.GEDRAGSTYPEN)[serious]
    only_verbaal = gedrag.map(lambda g: g == ["verbaal"], na_action="ignore").fillna(False)
    return serious & only_verbaal.astype(bool).reindex(frame.index, fill_value=False)


def implausible_verzuim(frame: pd.DataFrame, ctx: CheckContext) -> pd.Series:
    """W03: more than MAX_PLAUSIBLE_VERZUIM days of absence."""
    verzuim = pd.to_numeric(column(frame, F.VERZUIM_DAGEN), errors="coerce")
    return verzuim.gt(MAX_PLAUSIBLE_VERZUIM).fillna(False)


def outside_period(frame: pd.DataFrame, ctx: CheckContext) -> pd.Series:
    """W04: an incident date outside the delivery's period."""
    start, end = ctx.period_bounds(frame)
    datum = column(frame, F.INCIDENTDATUM)
    if not isinstance(start, pd.Series):  # one period for every row
        return each_distinct(datum, lambda date: date < start or date > end)
    known = datum.notna()
    return known & ((datum.where(known, start) < start) | (datum.where(known, start) > end))


def registered_before_incident(frame: pd.DataFrame, ctx: CheckContext) -> pd.Series:
    """W05: a registration date before the incident date."""
    datum, registratie = column(frame, F.INCIDENTDATUM), column(frame, F.REGISTRATIEDATUM)
    return each_distinct_pair(
        datum, registratie, lambda incident, registered: registered < incident
    )
