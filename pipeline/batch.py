"""Batch checks (B edits): Great Expectations warnings per delivery on the harmonised incidents.

The checks never reject: their results are stored by the caller in `ops.dq_result` and reported
back to the employer. Great Expectations is imported lazily (it costs seconds and hundreds of MB)
and its context, data source and suites are built once per process, so each delivery costs one
validation.

How GX treats missing values here: `expect_column_values_to_not_be_in_set` ignores nulls, so the
B02 share of "onbekend" is a share of the *filled* values (missing values are B01's business), and
a column that is entirely empty passes B02. Empty or blank strings are turned into missing values
before GX sees them, because GX does not count an empty string as null.
"""

from __future__ import annotations

import logging
import math
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

logger = logging.getLogger(__name__)

BATCH_CHECKS_VERSION = 1
ONBEKEND = "onbekend"
MIN_HISTORY_DELIVERIES = 2  # B03 runs only with this many earlier deliveries that had rows
MIN_ROWS_FOR_SHARE_CHECKS = 10  # B01, B02 and B04 judge shares: too few rows say nothing

NOT_NULL = "expect_column_values_to_not_be_null"
NOT_IN_SET = "expect_column_values_to_not_be_in_set"
ROW_COUNT = "expect_table_row_count_to_be_between"
UNIQUE_COUNT = "expect_column_unique_value_count_to_be_between"
_Bounds = tuple[float, int, int]  # B03: mean of earlier deliveries, min rows, max rows
_MIN_ROWS, _MAX_ROWS = "volume_min_rows", "volume_max_rows"  # GX suite parameters of ROW_COUNT


@dataclass(frozen=True)
class BatchCheck:
    """One batch check of the catalogue: a GX expectation type applied to one column (or table).

    `threshold` means, per expectation type: NOT_NULL the minimum filled share, NOT_IN_SET the
    maximum share of "onbekend" among filled values, ROW_COUNT the factor around the historical
    mean ([mean / f, mean × f]), UNIQUE_COUNT the minimum number of distinct values.
    """

    code: str
    title_nl: str
    description_nl: str
    expectation: str
    column: str | None
    threshold: float

    def result(self, success: bool | None, observed: str, threshold: str, message: str) -> DqResult:
        """The outcome of this check on one delivery."""
        return DqResult(
            self.code, self.column, self.expectation, success, observed, threshold, message
        )


@dataclass(frozen=True)
class DqResult:
    """The outcome of one batch check on one delivery; `success` None means skipped."""

    code: str
    column: str | None
    expectation: str
    success: bool | None
    observed: str
    threshold: str
    message_nl: str


def _completeness(column: str, share: float) -> BatchCheck:
    """B01 for one key field."""
    return BatchCheck(
        "B01",
        "Kernvelden ingevuld",
        f"Het veld '{column}' is bij {_share_of_incidents(share)} ingevuld.",
        NOT_NULL,
        column,
        share,
    )


def _onbekend(column: str, share: float) -> BatchCheck:
    """B02 for one coded field."""
    return BatchCheck(
        "B02",
        "Aandeel 'onbekend'",
        f"Hoogstens {_pct(share)} van de ingevulde waarden van '{column}' is 'onbekend'.",
        NOT_IN_SET,
        column,
        share,
    )


def _share_of_incidents(share: float) -> str:
    """'alle incidenten' or 'minstens 80% van de incidenten'."""
    return "alle incidenten" if share >= 1 else f"minstens {_pct(share)} van de incidenten"


def _number(value: float) -> str:
    """A number in Dutch notation with at most one decimal: 11.0 → '11', 2.75 → '2,8'."""
    rounded = round(value, 1)
    if rounded == int(rounded):
        return str(int(rounded))
    return f"{rounded:.1f}".replace(".", ",")


def _pct(share: float) -> str:
    """A share as a Dutch percentage: 0.8 → '80%', 0.025 → '2,5%'; never '100%' below 1."""
    return f"{_number(min(share * 100, 99.9) if share < 1 else share * 100)}%"


BATCH_CHECKS: tuple[BatchCheck, ...] = (
    _completeness("bron_incidentnummer", 1.0),
    _completeness("incidentdatum", 1.0),
    _completeness("kanaal", 0.8),
    _completeness("context", 0.8),
    _completeness("letsel", 0.8),
    _onbekend("kanaal", 0.3),
    _onbekend("context", 0.3),
    _onbekend("letsel", 0.3),
    _onbekend("aangifte", 0.3),
    BatchCheck(
        "B03",
        "Omvang ten opzichte van eerdere leveringen",
        "Het aantal incidenten ligt tussen een kwart en vier keer het gemiddelde van de eerdere "
        "leveringen van deze organisatie.",
        ROW_COUNT,
        None,
        4.0,
    ),
    BatchCheck(
        "B04",
        "Niet alle incidenten op één dag",
        "Een levering met minstens 10 incidenten heeft incidenten op minstens 2 verschillende "
        "dagen.",
        UNIQUE_COUNT,
        "incidentdatum",
        2.0,
    ),
)


@dataclass
class _GxRuntime:
    """The GX objects built once per process: context, batch definition, suites per check set."""

    context: Any
    batch_definition: Any
    suites: dict[tuple[BatchCheck, ...], Any] = field(default_factory=dict)


_GX_LOCK = threading.Lock()
_gx_runtime: _GxRuntime | None = None


def run_batch_checks(incidents: pd.DataFrame, history_row_counts: Sequence[int]) -> list[DqResult]:
    """Run the B checks on one delivery's harmonised incidents, given earlier deliveries' sizes."""
    rows = len(incidents)
    earlier = [int(n) for n in history_row_counts if n > 0]
    plan = [(check, _skip_reason(check, rows, earlier)) for check in BATCH_CHECKS]
    to_run = tuple(check for check, reason in plan if reason is None)
    bounds = _volume_bounds(earlier)
    outcomes: dict[BatchCheck, Any] = {}
    if to_run:
        frame = _frame_for_gx(incidents, to_run)
        outcomes = _validate(frame, to_run, bounds)
    return [
        _skipped(check, reason) if reason else _evaluated(check, outcomes[check], bounds)
        for check, reason in plan
    ]


def _skip_reason(check: BatchCheck, rows: int, earlier: Sequence[int]) -> str | None:
    """Why a check does not run on this delivery (a Dutch clause), or None when it runs."""
    if rows == 0:
        return "de levering geen incidenten bevat (nulmelding)"
    if check.expectation == ROW_COUNT and len(earlier) < MIN_HISTORY_DELIVERIES:
        return (
            f"er nog minder dan {MIN_HISTORY_DELIVERIES} eerdere leveringen met incidenten van "
            "deze organisatie zijn"
        )
    if check.expectation != ROW_COUNT and rows < MIN_ROWS_FOR_SHARE_CHECKS:
        return f"de levering minder dan {MIN_ROWS_FOR_SHARE_CHECKS} incidenten bevat"
    return None


def _volume_bounds(earlier: Sequence[int]) -> _Bounds | None:
    """(mean, min rows, max rows) allowed by B03, or None without enough history."""
    if len(earlier) < MIN_HISTORY_DELIVERIES:
        return None
    factor = next(c.threshold for c in BATCH_CHECKS if c.expectation == ROW_COUNT)
    mean = sum(earlier) / len(earlier)
    return mean, math.ceil(mean / factor), math.floor(mean * factor)


def _frame_for_gx(incidents: pd.DataFrame, checks: Sequence[BatchCheck]) -> pd.DataFrame:
    """Only the columns the checks need, as plain object strings (dates as datetime64 days)."""
    columns = sorted({c.column for c in checks if c.column is not None})
    data: dict[str, pd.Series] = {}
    for column in columns:
        if column not in incidents.columns:
            logger.debug("column %s absent from the delivery: checked as all missing", column)
            values = pd.Series([None] * len(incidents), dtype=object)
        else:
            values = incidents[column].reset_index(drop=True)
        data[column] = _as_day(values) if column == "incidentdatum" else _as_text(values)
    return pd.DataFrame(data, index=pd.RangeIndex(len(incidents)))


def _as_text(values: pd.Series) -> pd.Series:
    """Stripped strings in an object column; missing and blank values become None."""
    text = values.astype("string").str.strip()
    text = text.mask(text.eq("").fillna(False))
    return text.astype(object).where(text.notna(), None)


def _as_day(values: pd.Series) -> pd.Series:
    """Dates (date objects, datetimes or ISO strings) as datetime64 at midnight; invalid → NaT."""
    days = pd.to_datetime(values, errors="coerce")
    if getattr(days.dt, "tz", None) is not None:
        days = days.dt.tz_localize(None)
    return days.dt.normalize()


def _validate(
    frame: pd.DataFrame, checks: tuple[BatchCheck, ...], bounds: _Bounds | None
) -> dict[BatchCheck, Any]:
    """Validate the frame against the suite of these checks; GX result per check."""
    parameters = {} if bounds is None else {_MIN_ROWS: bounds[1], _MAX_ROWS: bounds[2]}
    with _GX_LOCK:
        runtime = _runtime()
        suite = runtime.suites.get(checks)
        if suite is None:
            suite = runtime.suites[checks] = _build_suite(runtime.context, checks)
        batch = runtime.batch_definition.get_batch(batch_parameters={"dataframe": frame})
        # BASIC has the counts we report and is ~30% cheaper than GX's default SUMMARY.
        report = batch.validate(suite, expectation_parameters=parameters, result_format="BASIC")
    # GX does not return results in suite order: match them by the index tagged in meta.
    by_index = {int(r.expectation_config.meta["check"]): r for r in report.results}
    return {check: by_index[i] for i, check in enumerate(checks)}


def _runtime() -> _GxRuntime:
    """The process-wide GX objects, built on first use (call with _GX_LOCK held)."""
    global _gx_runtime
    if _gx_runtime is None:
        _gx_runtime = _build_runtime()
    return _gx_runtime


def _build_runtime() -> _GxRuntime:
    """Import GX and build an ephemeral context without progress bars or analytics."""
    # GX_ANALYTICS_ENABLED and analytics_enabled are the documented GX Core 1.x switches; 1.24
    # no longer ships the analytics module, they guard older 1.x releases this project allows.
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(),
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
        analytics_enabled=False,
    )
    context = gx.get_context(project_config=config, mode="ephemeral")
    source = context.data_sources.add_pandas("monitor_batch_checks")
    asset = source.add_dataframe_asset("incidents")
    definition = asset.add_batch_definition_whole_dataframe("delivery")
    logger.debug("great_expectations %s context ready", gx.__version__)
    return _GxRuntime(context=context, batch_definition=definition)


def _build_suite(context: Any, checks: tuple[BatchCheck, ...]) -> Any:
    """Add a suite with one expectation per check (tagged with its index) to the context."""
    import great_expectations as gx
    from great_expectations.expectations.registry import get_expectation_impl

    expectations = [
        get_expectation_impl(check.expectation)(**_expectation_kwargs(check), meta={"check": i})
        for i, check in enumerate(checks)
    ]
    name = "batch_checks_" + "_".join(f"{c.code}-{c.column or 'tabel'}" for c in checks)
    return context.suites.add(gx.ExpectationSuite(name=name, expectations=expectations))


def _expectation_kwargs(check: BatchCheck) -> dict[str, Any]:
    """The GX arguments of a check, by expectation type."""
    if check.expectation == NOT_NULL:
        return {"column": check.column, "mostly": check.threshold}
    if check.expectation == NOT_IN_SET:
        return {
            "column": check.column,
            "value_set": [ONBEKEND],
            "mostly": round(1 - check.threshold, 6),
        }
    if check.expectation == ROW_COUNT:
        return {
            "min_value": {"$PARAMETER": _MIN_ROWS},
            "max_value": {"$PARAMETER": _MAX_ROWS},
        }
    if check.expectation == UNIQUE_COUNT:
        return {"column": check.column, "min_value": int(check.threshold)}
    raise ValueError(f"batch check {check.code}: unsupported expectation {check.expectation!r}")


def _skipped(check: BatchCheck, reason: str) -> DqResult:
    """The result of a check that did not run."""
    message = f"{check.title_nl}: niet gecontroleerd, omdat {reason}."
    return check.result(None, "", _threshold_text(check, None), message)


def _evaluated(check: BatchCheck, outcome: Any, bounds: _Bounds | None) -> DqResult:
    """Turn one GX expectation result into a DqResult with a Dutch message."""
    threshold = _threshold_text(check, bounds)
    error = _raised(outcome.exception_info)
    if error is not None:
        logger.error("batch check %s %s failed inside GX: %s", check.code, check.column, error)
        message = (
            f"{check.title_nl}: niet gecontroleerd door een technische fout bij de landelijke "
            "monitor; u hoeft niets te doen."
        )
        return check.result(None, f"fout: {error}", threshold, message)
    success = bool(outcome.success)
    observed, message = _DESCRIBE[check.expectation](check, dict(outcome.result), success, bounds)
    return check.result(success, observed, threshold, message)


def _raised(exception_info: Any) -> str | None:
    """The exception message GX caught while validating an expectation, if any."""
    if not isinstance(exception_info, dict):
        return None
    infos = [exception_info] if "raised_exception" in exception_info else exception_info.values()
    for info in infos:
        if isinstance(info, dict) and info.get("raised_exception"):
            return str(info.get("exception_message") or "onbekende fout")
    return None


def _threshold_text(check: BatchCheck, bounds: _Bounds | None) -> str:
    """The threshold of a check as stored in ops.dq_result."""
    if check.expectation == NOT_NULL:
        return f"minstens {_pct(check.threshold)} ingevuld"
    if check.expectation == NOT_IN_SET:
        return f"hoogstens {_pct(check.threshold)} onbekend"
    if check.expectation == ROW_COUNT:
        if bounds is None:
            factor = _number(check.threshold)
            return f"tussen gemiddelde / {factor} en gemiddelde × {factor} incidenten"
        return f"tussen {bounds[1]} en {bounds[2]} incidenten"
    return f"minstens {int(check.threshold)} verschillende dagen"


def _describe_not_null(
    check: BatchCheck, result: dict[str, Any], success: bool, bounds: object
) -> tuple[str, str]:
    """Observed value and message of a completeness check (B01)."""
    rows, missing = int(result["element_count"]), int(result["unexpected_count"])
    filled = rows - missing
    observed = f"{filled} van {rows} ingevuld ({_pct(filled / rows)})"
    if success:
        return (
            observed,
            f"Het veld '{check.column}' is bij {filled} van de {rows} incidenten ingevuld.",
        )
    expected = _share_of_incidents(check.threshold)
    return observed, (
        f"Bij {missing} van de {rows} incidenten ontbreekt het veld '{check.column}', terwijl het "
        f"bij {expected} ingevuld moet zijn; vul het aan in uw registratie of export."
    )


def _describe_not_in_set(
    check: BatchCheck, result: dict[str, Any], success: bool, bounds: object
) -> tuple[str, str]:
    """Observed value and message of a share-of-onbekend check (B02)."""
    filled = int(result["element_count"]) - int(result.get("missing_count") or 0)
    onbekend = int(result["unexpected_count"])
    if filled == 0:
        return "geen ingevulde waarden", (
            f"Het veld '{check.column}' is bij geen enkel incident ingevuld, dus het aandeel "
            "'onbekend' is niet te bepalen."
        )
    share = _pct(onbekend / filled)
    observed = f"{onbekend} van {filled} ingevulde waarden onbekend ({share})"
    if success:
        return observed, (
            f"Bij {share} van de incidenten met een ingevuld veld '{check.column}' staat "
            "'onbekend'."
        )
    return observed, (
        f"Bij {share} van de incidenten met een ingevuld veld '{check.column}' staat 'onbekend', "
        f"terwijl hoogstens {_pct(check.threshold)} verwacht wordt; leg waar mogelijk de "
        "werkelijke waarde vast."
    )


def _describe_row_count(
    check: BatchCheck, result: dict[str, Any], success: bool, bounds: _Bounds | None
) -> tuple[str, str]:
    """Observed value and message of the volume check (B03)."""
    rows = int(result["observed_value"])
    mean = _number(bounds[0]) if bounds is not None else "?"
    if success:
        return f"{rows} incidenten", (
            f"Deze levering bevat {rows} incidenten, in lijn met eerdere leveringen "
            f"(gemiddeld {mean})."
        )
    low, high = (bounds[1], bounds[2]) if bounds is not None else ("?", "?")
    return f"{rows} incidenten", (
        f"Deze levering bevat {rows} incidenten, terwijl eerdere leveringen er gemiddeld {mean} "
        f"bevatten (verwacht tussen {low} en {high}); controleer of de levering volledig is en "
        "geen incidenten dubbel bevat."
    )


def _describe_unique_count(
    check: BatchCheck, result: dict[str, Any], success: bool, bounds: object
) -> tuple[str, str]:
    """Observed value and message of the all-on-one-day check (B04)."""
    days = int(result["observed_value"])
    observed = "1 dag" if days == 1 else f"{days} verschillende dagen"
    if success:
        return observed, f"De incidenten in deze levering vallen op {days} verschillende dagen."
    if days == 0:
        return observed, (
            "Geen enkel incident in deze levering heeft een geldige incidentdatum; vul bij elk "
            "incident de datum in waarop het plaatsvond."
        )
    return observed, (
        f"De incidenten in deze levering vallen op slechts {observed}; controleer of bij elk "
        "incident de werkelijke datum is ingevuld en niet bijvoorbeeld de datum van de export."
    )


_Describe = Callable[[BatchCheck, dict[str, Any], bool, _Bounds | None], tuple[str, str]]
_DESCRIBE: dict[str, _Describe] = {
    NOT_NULL: _describe_not_null,
    NOT_IN_SET: _describe_not_in_set,
    ROW_COUNT: _describe_row_count,
    UNIQUE_COUNT: _describe_unique_count,
}
