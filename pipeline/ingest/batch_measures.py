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
    check does not run on that delivery).

    Counted in numpy, a text column once per distinct value (`_text_counts`): a pass holds ~100
    small deliveries, and pandas' fixed cost per operation was most of its ~47 ms."""
    columns = sorted({c.column for c in BATCH_CHECKS if c.column is not None})
    sizes = [len(frame) for frame in frames]
    position = np.repeat(np.arange(len(frames)), sizes)
    out: dict[str, Any] = {"rijen": np.array(sizes, dtype=np.int64)}
    # the deliveries stacked once (their columns in one order: a quick concatenation)
    whole = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    for column in columns:
        values = (whole[column].to_numpy(dtype=object) if column in whole.columns
                  else np.full(len(whole), None, dtype=object))  # fmt: skip
        if column in DATE_FIELDS:
            days = as_day(pd.Series(values, dtype=object)).to_numpy()
            out[f"{column}:dagen"] = _distinct_per_delivery(days, position, len(frames))
            out[f"{column}:gevuld"] = np.bincount(position[~np.isnat(days)], minlength=len(frames))
        else:
            out[f"{column}:onbekend"], out[f"{column}:gevuld"] = _text_counts(
                values, position, len(frames)
            )
    for index, check in enumerate(BATCH_CHECKS):
        runs = np.array([_runs(plan, index) for plan, _ in plans], dtype=bool)
        out[measure_name(check)] = np.where(runs, check_measure(check, out), np.nan)
        if check.expectation == ROW_COUNT:
            bounds = [b for _, b in plans]
            out[measure_name(check, "minimum")] = [b[1] if b else None for b in bounds]
            out[measure_name(check, "maximum")] = [b[2] if b else None for b in bounds]
    return pd.DataFrame(out)


def _runs(plan: list[tuple[BatchCheck, str | None]], index: int) -> bool:
    """Whether the catalogue's check at `index` runs on the delivery. A plan lists the checks in
    the catalogue's order (`check_plan`): found by position, not by hashing a check (a pydantic
    model: ~1 µs a hash, ~10 a delivery)."""
    listed, reason = plan[index]
    assert listed is BATCH_CHECKS[index] or listed == BATCH_CHECKS[index], "not in catalogue order"
    return reason is None


_SAMPLE = 1_000  # the values a column's kind is told from: mostly distinct, or few values


def _text_counts(
    values: np.ndarray, position: np.ndarray, deliveries: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per delivery, how many values are "onbekend" and how many are filled (`as_text`: not
    missing, not blank), judged once per distinct value; value by value in a column of mostly
    distinct values (incident numbers: finding them distinct took longer than judging them)."""
    sample = values[:_SAMPLE]
    if len(values) > _SAMPLE and 2 * len(pd.unique(sample)) > len(sample):
        codes, distinct = np.arange(len(values)), values
    else:
        codes, distinct = pd.factorize(values, use_na_sentinel=True)
    # a text as `as_text` takes it, without its tests for what is missing (a column of incident
    # numbers has as many distinct values as rows)
    texts = [(v.strip() or None) if v.__class__ is str else as_text(v) for v in distinct]
    filled = np.array([text is not None for text in texts] + [False])  # last: a missing value
    unknown = np.array([text == ONBEKEND for text in texts] + [False])
    codes = np.where(codes < 0, len(distinct), codes)
    return (np.bincount(position[unknown[codes]], minlength=deliveries),
            np.bincount(position[filled[codes]], minlength=deliveries))  # fmt: skip


def _distinct_per_delivery(days: np.ndarray, position: np.ndarray, deliveries: int) -> np.ndarray:
    """How many distinct days (NaT not counted) each delivery holds."""
    known = ~np.isnat(days)
    codes, distinct = pd.factorize(days[known])
    pairs = np.unique(position[known].astype(np.int64) * max(1, len(distinct)) + codes)
    return np.bincount(pairs // max(1, len(distinct)), minlength=deliveries)


def check_measure(check: BatchCheck, counts: Mapping[str, np.ndarray]) -> np.ndarray:
    """A check's measure per delivery, from the counts."""
    rows = np.asarray(counts["rijen"], dtype=float)
    if check.expectation == ROW_COUNT:
        return rows
    filled = np.asarray(counts[f"{check.column}:gevuld"], dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        if check.expectation == NOT_NULL:
            return filled / rows  # share filled
        if check.expectation == NOT_IN_SET:  # share not "onbekend" among the filled values
            unknown = np.asarray(counts[f"{check.column}:onbekend"], dtype=float)
            return np.where(filled > 0, 1 - unknown / filled, np.nan)
    return np.asarray(counts[f"{check.column}:dagen"], dtype=float)  # UNIQUE_COUNT: distinct days


def as_text(value: Any) -> str | None:
    """A value as text, stripped; a missing or blank value is None."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return str(value).strip() or None


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
