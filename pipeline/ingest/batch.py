"""Batch checks (B edits): Great Expectations warnings per delivery on the harmonised incidents.

The catalogue of checks is data: `batch_checks.yaml`, validated on load by `BatchCatalogue`. The
checks never reject: their results are stored by the caller in `ops.dq_result` and reported
back to the employer; GX's own validation report (JSON) feeds the Data Docs site
(`pipeline.employers.datadocs`). Great Expectations is imported lazily (it costs seconds and hundreds of
MB) and its context, data source and suites are built once per process, so each delivery costs
one validation.

How GX treats missing values here: `expect_column_values_to_not_be_in_set` ignores nulls, so the
B02 share of "onbekend" is a share of the *filled* values (missing values are B01's business), and
a column that is entirely empty passes B02. Empty or blank strings are turned into missing values
before GX sees them, because GX does not count an empty string as null.
"""

from __future__ import annotations

import copy
import datetime as dt
import logging
import math
import os
import re
import threading
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

from pipeline.ingest import batch_messages as texts
from pipeline.ingest.batch_catalogue import (
    _MAX_ROWS,
    _MIN_ROWS,
    BATCH_CHECKS,
    BATCH_CHECKS_VERSION,
    MIN_HISTORY_DELIVERIES,
    NOT_IN_SET,
    NOT_NULL,
    ROW_COUNT,
    BatchCheck,
    Bounds,
    DqResult,
)
from schemas.profile import DATE_FIELDS
from schemas.vocabulary import ONBEKEND

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeliveryLabel:
    """Which delivery a GX validation report is about, as shown in the Data Docs."""

    organisatiecode: str
    periode: str
    bestand: str

    @property
    def run_name(self) -> str:
        """The GX run name: 'GM0363 2025Q1 incidenten.xlsx', safe to show unescaped.

        GX's Data Docs put the run name and the batch parameters into their pages without
        escaping them, so only letters, digits, dots, dashes and spaces reach GX; the real file
        name stays in our own tables (ops.delivery.bronbestand).
        """
        return gx_safe(f"{self.organisatiecode} {self.periode} {self.bestand}")

    def gx_parameters(self) -> dict[str, str]:
        """The label as batch parameters for the Data Docs, made safe like the run name."""
        return {key: gx_safe(value) for key, value in asdict(self).items()}


def gx_safe(text: str) -> str:
    """Only ASCII letters, digits, dots, dashes and spaces: nothing a page can read as markup."""
    return re.sub(r"[^A-Za-z0-9. -]+", "_", text).strip() or "_"


@dataclass(frozen=True)
class BatchOutcome:
    """The batch checks of one delivery: results per check, and GX's validation report as JSON.

    `report` is None when no check ran (a nil return, or too few rows and too little history).
    """

    results: list[DqResult]
    report: dict[str, Any] | None


@dataclass
class _GxRuntime:
    """The GX objects built once per process: context, batch definition, suites per check set."""

    context: Any
    batch_definition: Any
    suites: dict[tuple[BatchCheck, ...], Any] = field(default_factory=dict)
    suite_json: dict[tuple[BatchCheck, ...], dict[str, Any]] = field(default_factory=dict)


_GX_LOCK = threading.Lock()
_gx_runtime: _GxRuntime | None = None


def validate_batch(
    incidents: pd.DataFrame, history_row_counts: Sequence[int], label: DeliveryLabel | None = None
) -> BatchOutcome:
    """Run the B checks on one delivery; also return GX's report, labelled with the delivery."""
    rows = len(incidents)
    earlier = [int(n) for n in history_row_counts if n > 0]
    plan = [(check, texts.skip_reason(check, rows, earlier)) for check in BATCH_CHECKS]
    to_run = tuple(check for check, reason in plan if reason is None)
    bounds = _volume_bounds(earlier)
    outcomes: dict[BatchCheck, Any] = {}
    report = None
    if to_run:
        frame = _frame_for_gx(incidents, to_run)
        outcomes, report = _validate(frame, to_run, bounds, label)
    results = [
        _skipped(check, reason) if reason else _evaluated(check, outcomes[check], bounds)
        for check, reason in plan
    ]
    return BatchOutcome(results, report)


def _volume_bounds(earlier: Sequence[int]) -> Bounds | None:
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
        data[column] = _as_day(values) if column in DATE_FIELDS else _as_text(values)
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
    frame: pd.DataFrame,
    checks: tuple[BatchCheck, ...],
    bounds: Bounds | None,
    label: DeliveryLabel | None,
) -> tuple[dict[BatchCheck, Any], dict[str, Any]]:
    """Validate the frame against the suite of these checks: GX result per check, report JSON."""
    parameters = {} if bounds is None else {_MIN_ROWS: bounds[1], _MAX_ROWS: bounds[2]}
    with _GX_LOCK:
        runtime = _runtime()
        suite = runtime.suites.get(checks)
        if suite is None:
            suite = runtime.suites[checks] = _build_suite(runtime.context, checks)
            runtime.suite_json[checks] = suite.to_json_dict()
        suite_json = runtime.suite_json[checks]
        batch = runtime.batch_definition.get_batch(batch_parameters={"dataframe": frame})
        # BASIC has the counts we report and is ~30% cheaper than GX's default SUMMARY.
        report = batch.validate(suite, expectation_parameters=parameters, result_format="BASIC")
    # GX does not return results in suite order: match them by the index tagged in meta.
    by_index = {int(r.expectation_config.meta["check"]): r for r in report.results}
    outcomes = {check: by_index[i] for i, check in enumerate(checks)}
    return outcomes, _report_json(report, suite_json, label)


def _report_json(
    report: Any, suite_json: dict[str, Any], label: DeliveryLabel | None
) -> dict[str, Any]:
    """GX's validation report as JSON, with run id, delivery and the suite it was checked with."""
    document: dict[str, Any] = report.to_json_dict()
    now = dt.datetime.now(dt.UTC).isoformat()
    run_name = label.run_name if label is not None else "levering"
    document["meta"].update(
        run_id={"run_name": run_name, "run_time": now},
        validation_time=now,
        batch_checks_version=BATCH_CHECKS_VERSION,
        expectation_suite=copy.deepcopy(suite_json),
    )
    if label is not None:
        document["meta"]["batch_parameters"] = label.gx_parameters()  # a table in the docs
    return document


def _runtime() -> _GxRuntime:
    """The process-wide GX objects, built on first use (call with _GX_LOCK held)."""
    global _gx_runtime
    if _gx_runtime is None:
        _gx_runtime = _build_runtime()
    return _gx_runtime


def ephemeral_context(**config: Any) -> Any:
    """Import GX and build an in-memory context without progress bars or analytics."""
    # GX_ANALYTICS_ENABLED and analytics_enabled are the documented GX Core 1.x switches; 1.24
    # no longer ships the analytics module, they guard older 1.x releases this project allows.
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    project = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
        analytics_enabled=False,
        **config,
    )
    logger.debug("great_expectations %s context ready", gx.__version__)
    return gx.get_context(project_config=project, mode="ephemeral")


def _build_runtime() -> _GxRuntime:
    """The context, pandas data source and batch definition the checks run in."""
    context = ephemeral_context()
    source = context.data_sources.add_pandas("monitor_batch_checks")
    asset = source.add_dataframe_asset("incidents")
    definition = asset.add_batch_definition_whole_dataframe("delivery")
    return _GxRuntime(context=context, batch_definition=definition)


def _build_suite(context: Any, checks: tuple[BatchCheck, ...]) -> Any:
    """Add a suite with one expectation per check (tagged with its index) to the context."""
    import great_expectations as gx
    from great_expectations.expectations.registry import get_expectation_impl

    expectations = [
        get_expectation_impl(check.expectation)(**_expectation_kwargs(check), meta={"check": i})
        for i, check in enumerate(checks)
    ]
    return context.suites.add(
        gx.ExpectationSuite(name=_suite_name(checks), expectations=expectations)
    )


def _suite_name(checks: tuple[BatchCheck, ...]) -> str:
    """'monitor_batch_checks_v1' for the whole catalogue, '…_zonder_B03' for a part of it."""
    name = f"monitor_batch_checks_v{BATCH_CHECKS_VERSION}"
    left_out = [c for c in BATCH_CHECKS if c not in checks]
    if not left_out:
        return name
    codes = dict.fromkeys(c.code for c in left_out)
    labels = [
        code if all(c in left_out for c in BATCH_CHECKS if c.code == code)
        else "_".join(f"{code}-{c.column or 'tabel'}" for c in left_out if c.code == code)
        for code in codes
    ]  # fmt: skip
    return f"{name}_zonder_{'_'.join(labels)}"


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
        return {"min_value": {"$PARAMETER": _MIN_ROWS}, "max_value": {"$PARAMETER": _MAX_ROWS}}
    return {"column": check.column, "min_value": int(check.threshold)}  # UNIQUE_COUNT


def _skipped(check: BatchCheck, reason: str) -> DqResult:
    """The result of a check that did not run."""
    return check.result(
        None, "", texts.threshold_text(check, None), texts.skipped_message(check, reason)
    )


def _evaluated(check: BatchCheck, outcome: Any, bounds: Bounds | None) -> DqResult:
    """Turn one GX expectation result into a DqResult with a Dutch message."""
    threshold = texts.threshold_text(check, bounds)
    error = _raised(outcome.exception_info)
    if error is not None:
        logger.error("batch check %s %s failed inside GX: %s", check.code, check.column, error)
        return check.result(None, f"fout: {error}", threshold, texts.error_message(check))
    success = bool(outcome.success)
    observed, message = texts.describe(check, dict(outcome.result), success, bounds)
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


def warm_up() -> None:
    """Import GX and build its runtime now: a worker process does this before its memory limit."""
    with _GX_LOCK:
        _runtime()
