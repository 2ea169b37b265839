"""The measures the batch checks judge, for many deliveries at once (pure pandas, no GX).

Per delivery: its rows, and per checked column the filled values, the "onbekend" values and the
distinct days; per check the one measure GX validates (`pipeline.ingest.batch`), missing where
the check does not run on that delivery.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from pipeline.ingest import batch_messages as texts
from pipeline.ingest.batch_catalogue import (
    BATCH_CHECKS,
    MIN_HISTORY_DELIVERIES,
    NOT_IN_SET,
    NOT_NULL,
    ROW_COUNT,
    UNIQUE_COUNT,
    BatchCheck,
    Bounds,
)
from pipeline.ingest.parsing import on_distinct
from schemas.profile import DATE_FIELDS
from schemas.vocabulary import ONBEKEND

Plan = tuple[list[tuple[BatchCheck, str | None]], Bounds | None]


def check_plan(incidents: pd.DataFrame, history_row_counts: Sequence[int]) -> Plan:
    """Which checks run on a delivery (None) or why not, and its volume bounds (B03)."""
    rows = len(incidents)
    earlier = [int(n) for n in history_row_counts if n > 0]
    plan = [(check, texts.skip_reason(check, rows, earlier)) for check in BATCH_CHECKS]
    return plan, volume_bounds(earlier)


def volume_bounds(earlier: Sequence[int]) -> Bounds | None:
    """(mean, min rows, max rows) allowed by B03, or None without enough history."""
    if len(earlier) < MIN_HISTORY_DELIVERIES:
        return None
    factor = next(c.threshold for c in BATCH_CHECKS if c.expectation == ROW_COUNT)
    mean = sum(earlier) / len(earlier)
    return mean, math.ceil(mean / factor), math.floor(mean * factor)


def measure_name(check: BatchCheck, part: str = "") -> str:
    """The column of a check's measure in GX's table: 'B01_kanaal', 'B03_rijen_minimum'."""
    return f"{check.code}_{check.column or 'rijen'}{'_' + part if part else ''}"


def measures_of(frames: Sequence[pd.DataFrame], plans: Sequence[Plan]) -> pd.DataFrame:
    """One row per delivery: its rows, and per check column the filled values, the "onbekend"
    values and the distinct days; then per check the measure GX validates (missing where the
    check does not run on that delivery)."""
    columns = sorted({c.column for c in BATCH_CHECKS if c.column is not None})
    sizes = [len(frame) for frame in frames]
    position = np.repeat(np.arange(len(frames)), sizes)
    out = pd.DataFrame({"rijen": sizes})
    # the deliveries stacked once (their columns in one order: a quick concatenation)
    whole = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    for column in columns:
        values = (whole[column] if column in whole.columns
                  else pd.Series([None] * len(whole), dtype=object))  # fmt: skip
        if column in DATE_FIELDS:
            days = as_day(values)
            out[f"{column}:dagen"] = (
                days.groupby(position).nunique().reindex(out.index, fill_value=0)
            )
            values = days
        else:
            values = on_distinct(values, lambda v: (as_text(v),))[0]
            out[f"{column}:onbekend"] = _per_delivery(values.eq(ONBEKEND), position, len(frames))
        out[f"{column}:gevuld"] = _per_delivery(values.notna(), position, len(frames))
    for check in BATCH_CHECKS:
        runs = pd.Series([dict(plan)[check] is None for plan, _ in plans], index=out.index)
        measure = check_measure(check, out)
        out[measure_name(check)] = measure.where(runs)
        if check.expectation == ROW_COUNT:
            bounds = [b for _, b in plans]
            out[measure_name(check, "minimum")] = [b[1] if b else None for b in bounds]
            out[measure_name(check, "maximum")] = [b[2] if b else None for b in bounds]
    return out


def _per_delivery(mask: pd.Series, position: np.ndarray, deliveries: int) -> np.ndarray:
    """How many rows of each delivery the mask holds (rows in delivery order, `position`)."""
    return np.bincount(position[mask.fillna(False).to_numpy(dtype=bool)], minlength=deliveries)


def check_measure(check: BatchCheck, counts: pd.DataFrame) -> pd.Series:
    """A check's measure per delivery, from the counts."""
    rows = counts["rijen"].astype(float)
    if check.expectation == ROW_COUNT:
        return rows
    filled = counts[f"{check.column}:gevuld"].astype(float)
    if check.expectation == NOT_NULL:
        return filled / rows  # share filled
    if check.expectation == NOT_IN_SET:  # share not "onbekend" among the filled values
        return (1 - counts[f"{check.column}:onbekend"] / filled).where(filled > 0)
    return counts[f"{check.column}:dagen"].astype(float)  # UNIQUE_COUNT: distinct days


def as_text(values: pd.Series) -> pd.Series:
    """Stripped strings in an object column; missing and blank values become None."""
    text = values.astype("string").str.strip()
    text = text.mask(text.eq("").fillna(False))
    return text.astype(object).where(text.notna(), None)


def as_day(values: pd.Series) -> pd.Series:
    """Dates (date objects, datetimes or ISO strings) as datetime64 at midnight; invalid → NaT."""
    days = pd.to_datetime(values, errors="coerce")
    if getattr(days.dt, "tz", None) is not None:
        days = days.dt.tz_localize(None)
    return days.dt.normalize()


def counts_as_gx(check: BatchCheck, counts: Mapping[str, Any]) -> dict[str, Any]:
    """A delivery's counts for one check in the words of GX's result for that expectation on
    the delivery's incidents (what the Dutch texts are written against)."""
    rows = int(counts["rijen"])
    if check.expectation == ROW_COUNT:
        return {"observed_value": rows}
    if check.expectation == UNIQUE_COUNT:
        return {"observed_value": int(counts[f"{check.column}:dagen"])}
    filled = int(counts[f"{check.column}:gevuld"])
    if check.expectation == NOT_NULL:
        return {"element_count": rows, "unexpected_count": rows - filled}
    return {"element_count": rows, "missing_count": rows - filled,
            "unexpected_count": int(counts[f"{check.column}:onbekend"])}  # fmt: skip
