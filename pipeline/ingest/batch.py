"""Batch checks (B edits): Great Expectations warnings per delivery on the harmonised incidents.

The catalogue of checks is data: `batch_checks.yaml`, validated on load by `BatchCatalogue`. The
checks never reject: their results are stored by the caller in `ops.dq_result` and reported
back to the employer; GX's own validation report (JSON) feeds the Data Docs site
(`pipeline.employers.datadocs`). Great Expectations is imported lazily (it costs seconds and hundreds of
MB) and its context, data source and suite are built once per process.

The checks of many deliveries are done at once (DESIGN §10): the measures each check judges
(share filled, share "onbekend" among the filled values, rows, distinct days) are computed for
every delivery in one vectorised pass (`measure_batches`, in the worker that processed them),
and GX validates the table of measures, one row per delivery, in one validation
(`judge_batches`; the night judges all its deliveries at once, a self-check its one); its
report lists the deliveries that fail each check. A check that
does not run on a delivery (too few rows, too little history) has no measure there, and GX
does not judge a missing measure.

Missing values: the B02 share of "onbekend" is a share of the *filled* values (missing values
are B01's business), and a column that is entirely empty passes B02. Empty or blank strings
count as missing.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import logging
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd

from pipeline.gc_pause import freeze_imports
from pipeline.gx_import import import_great_expectations
from pipeline.ingest import batch_messages as texts
from pipeline.ingest.batch_catalogue import (
    BATCH_CHECKS,
    BATCH_CHECKS_VERSION,
    NOT_IN_SET,
    ROW_COUNT,
    BatchCheck,
    Bounds,
    DqResult,
)
from pipeline.ingest.batch_measures import check_plan, counts_as_gx, measure_name, measures_of
from pipeline.ingest.gx_configuration import read_once

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


def dq_rows(outcomes: Sequence[BatchOutcome]) -> pd.DataFrame:
    """The results of these outcomes, in order, as rows of `ops.dq_result`: plain Python values
    (object columns: the frame crosses to the flow and the feedback workers, and pandas'
    Arrow-backed text columns cost ~0.7 ms a delivery more to unpickle)."""
    columns = ["code", "kolom", "expectation", "success", "observed", "threshold", "bericht"]
    rows = [[r.code, r.column, r.expectation, r.success, r.observed, r.threshold, r.message_nl]
            for outcome in outcomes for r in outcome.results]  # fmt: skip
    return pd.DataFrame(rows, columns=columns, dtype=object)


@dataclass(frozen=True)
class _GxRuntime:
    """The GX objects built once per process: context, batch definition, the suite."""

    context: Any
    batch_definition: Any
    suite: Any
    suite_json: dict[str, Any]


Delivery = tuple[pd.DataFrame, Sequence[int], "DeliveryLabel | None"]  # incidents, history, label
_GX_LOCK = threading.Lock()
_gx_runtime: _GxRuntime | None = None


def validate_batch(
    incidents: pd.DataFrame, history_row_counts: Sequence[int], label: DeliveryLabel | None = None
) -> BatchOutcome:
    """Run the B checks on one delivery; also return GX's report, labelled with the delivery."""
    return validate_batches([(incidents, history_row_counts, label)])[0]


def validate_batches(deliveries: Sequence[Delivery]) -> list[BatchOutcome]:
    """Run the B checks on several deliveries at once: measured (`measure_batches`), then judged
    by GX in one validation (`judge_batches`)."""
    return judge_batches(measure_batches(deliveries))


@dataclass(frozen=True)
class Measured:
    """A delivery's batch checks measured, not yet judged: which checks run (its plan), its
    volume bounds, and its row `row` of `measures`, the table of measures of the deliveries
    measured with it (one table for many deliveries: pickled once with them). No table when no
    check runs on the delivery."""

    plan: list[tuple[BatchCheck, str | None]]
    bounds: Bounds | None
    label: DeliveryLabel | None
    measures: pd.DataFrame | None = None
    row: int = -1


def measure_batches(deliveries: Sequence[Delivery]) -> list[Measured]:
    """Each delivery's measures (rows, filled, "onbekend", distinct days), computed for all of
    them in one vectorised pass; GX judges them later, for as many deliveries as are at hand (a
    night judges all its deliveries in one validation)."""
    plans = [check_plan(incidents, history) for incidents, history, _ in deliveries]
    running = [i for i, (plan, _) in enumerate(plans) if any(r is None for _, r in plan)]
    measures = (measures_of([deliveries[i][0] for i in running], [plans[i] for i in running])
                if running else None)  # fmt: skip
    rows = {index: position for position, index in enumerate(running)}
    return [
        Measured(plan, bounds, label, measures, rows[index]) if index in rows
        else Measured(plan, bounds, label)
        for index, ((plan, bounds), (_, _, label)) in enumerate(zip(plans, deliveries, strict=True))
    ]  # fmt: skip


def judge_batches(measured: Sequence[Measured]) -> list[BatchOutcome]:
    """GX's judgement of measured deliveries, in one validation of their table of measures (one
    row per delivery). GX's report of that validation is returned once, with the first delivery
    whose checks ran (a run stores each report once)."""
    running = [i for i, m in enumerate(measured) if m.measures is not None]
    evaluated: dict[int, dict[BatchCheck, DqResult]] = {}
    report = None
    if running:
        measures = _rows_of([measured[i] for i in running])
        verdicts, report = _validate(measures, [measured[i].label for i in running])
        counts = measures.to_dict("records")  # a row a delivery: ~20 µs a lookup as a frame's
        for position, index in enumerate(running):
            mine = measured[index]
            evaluated[index] = {
                check: _evaluated(check, counts[position], verdicts[check], position, mine.bounds)
                for check, reason in mine.plan if reason is None
            }  # fmt: skip
    outcomes = []
    for index, mine in enumerate(measured):
        results = [evaluated[index][check] if reason is None else _skipped(check, reason)
                   for check, reason in mine.plan]  # fmt: skip
        outcomes.append(BatchOutcome(results, report if running and index == running[0] else None))
    return outcomes


def judge_failed(measured: Sequence[Measured], error: str) -> list[BatchOutcome]:
    """The outcome when judging could not be done at all (its worker was lost): every check
    that would have run is reported as not judged, with the error, as when GX raises."""
    failing = Verdict(error=error)
    no_counts: dict[str, Any] = {}

    def result(check: BatchCheck, reason: str | None, bounds: Bounds | None) -> DqResult:
        if reason is not None:
            return _skipped(check, reason)
        return _evaluated(check, no_counts, failing, 0, bounds)

    return [BatchOutcome([result(c, r, m.bounds) for c, r in m.plan], None) for m in measured]


def _rows_of(measured: Sequence[Measured]) -> pd.DataFrame:
    """The measures of these deliveries, in their order, from the tables they were measured in
    (each table once)."""
    tables: dict[int, tuple[pd.DataFrame, int]] = {}
    offset = 0
    for m in measured:
        assert m.measures is not None
        if id(m.measures) not in tables:
            tables[id(m.measures)] = (m.measures, offset)
            offset += len(m.measures)
    parts = [table for table, _ in tables.values()]
    whole = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    rows = [tables[id(m.measures)][1] + m.row for m in measured]
    return whole.iloc[rows].reset_index(drop=True)


@dataclass(frozen=True)
class Verdict:
    """GX's verdict on one check over the table of measures: the deliveries (by position) whose
    measure fails, or the error GX raised evaluating it."""

    failed: frozenset[int] = frozenset()
    error: str | None = None


def _validate(
    measures: pd.DataFrame, labels: Sequence[DeliveryLabel | None]
) -> tuple[dict[BatchCheck, Verdict], dict[str, Any]]:
    """Validate the table of measures (one row per delivery) with the suite, in one go."""
    names = [label.run_name if label is not None else f"levering {i + 1}"
             for i, label in enumerate(labels)]  # fmt: skip
    frame = pd.DataFrame({"nr": range(1, len(measures) + 1), "levering": names})
    columns = [c for c in measures.columns if c.startswith("B")]
    frame = pd.concat([frame, measures[columns].astype(float).reset_index(drop=True)], axis=1)
    result_format = {
        "result_format": "COMPLETE",
        "unexpected_index_column_names": ["nr", "levering"],
    }
    with _GX_LOCK:
        runtime = _runtime()
        batch = runtime.batch_definition.get_batch(batch_parameters={"dataframe": frame})
        with read_once():  # each expectation's configuration built once (`gx_configuration`)
            report = batch.validate(runtime.suite, result_format=result_format)
    failed: dict[BatchCheck, set[int]] = {check: set() for check in BATCH_CHECKS}
    errors: dict[BatchCheck, str] = {}
    for result in report.results:
        check = BATCH_CHECKS[int(result.expectation_config.meta["check"])]
        error = _raised(result.exception_info)
        if error is not None:
            logger.error("batch check %s %s failed inside GX: %s", check.code, check.column, error)
            errors[check] = error
        for row in result.result.get("unexpected_index_list") or []:
            failed[check].add(int(row["nr"]) - 1)
    verdicts = {
        check: Verdict(frozenset(failed[check]), errors.get(check)) for check in BATCH_CHECKS
    }
    return verdicts, _report_json(report, runtime.suite_json, labels)


def _report_json(
    report: Any, suite_json: dict[str, Any], labels: Sequence[DeliveryLabel | None]
) -> dict[str, Any]:
    """GX's validation report as JSON, with run id, deliveries and the suite it was checked with."""
    document: dict[str, Any] = report.to_json_dict()
    now = dt.datetime.now(dt.UTC).isoformat()
    first, last = labels[0], labels[-1]
    if len(labels) == 1:
        run_name = first.run_name if first is not None else "levering"
    else:
        run_name = gx_safe(f"{len(labels)} leveringen "
                           f"{first.run_name if first else ''} - {last.run_name if last else ''}")  # fmt: skip
    document["meta"].update(
        run_id={"run_name": run_name, "run_time": now},
        validation_time=now,
        batch_checks_version=BATCH_CHECKS_VERSION,
        expectation_suite=copy.deepcopy(suite_json),
    )
    if len(labels) == 1 and first is not None:
        document["meta"]["batch_parameters"] = first.gx_parameters()  # a table in the docs
    elif len(labels) > 1:
        document["meta"]["batch_parameters"] = {
            "leveringen": str(len(labels)),
            "eerste": first.run_name if first else "_",
            "laatste": last.run_name if last else "_",
        }
    return document


def _runtime() -> _GxRuntime:
    """The process-wide GX objects, built on first use (call with _GX_LOCK held); then GX and
    what it built are left out of the garbage collector's scans (`pipeline.gc_pause`)."""
    global _gx_runtime
    if _gx_runtime is None:
        _gx_runtime = _build_runtime()
        freeze_imports()
    return _gx_runtime


def ephemeral_context(**config: Any) -> Any:
    """Import GX and build an in-memory context without progress bars or analytics."""
    gx = import_great_expectations()  # with GX_ANALYTICS_ENABLED off (`pipeline.gx_import`)
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
    """The context, pandas data source, batch definition and suite the checks run in."""
    context = ephemeral_context()
    source = context.data_sources.add_pandas("monitor_batch_checks")
    asset = source.add_dataframe_asset("metingen_per_levering")
    definition = asset.add_batch_definition_whole_dataframe("leveringen")
    suite = _build_suite(context)
    return _GxRuntime(context, definition, suite, suite.to_json_dict())


def _build_suite(context: Any) -> Any:
    """The suite over the table of measures: per check, its threshold on its measure (tagged
    with the check's index); the volume check as two pairs (at least the minimum, at most the
    maximum of the delivery's own history). A missing measure (check not run) is not judged."""
    import great_expectations as gx
    from great_expectations import expectations as gxe

    expectations: list[Any] = []
    for i, check in enumerate(BATCH_CHECKS):
        meta = {"check": i, "code": check.code, "betekenis": check.expectation}
        measure = measure_name(check)
        if check.expectation == ROW_COUNT:
            low, high = measure_name(check, "minimum"), measure_name(check, "maximum")
            expectations += [
                gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A=a, column_B=b, or_equal=True, meta=meta,
                    ignore_row_if="either_value_is_missing",
                )
                for a, b in ((measure, low), (high, measure))
            ]  # fmt: skip
            continue
        expectations.append(gxe.ExpectColumnValuesToBeBetween(
            column=measure, min_value=_minimum(check), meta=meta))  # fmt: skip
    name = f"monitor_batch_checks_v{BATCH_CHECKS_VERSION}"
    return context.suites.add(gx.ExpectationSuite(name=name, expectations=expectations))


def _minimum(check: BatchCheck) -> float:
    """The least measure that passes: a share filled (B01), a share not "onbekend" among the
    filled values (B02), a number of distinct days (B04)."""
    if check.expectation == NOT_IN_SET:
        return round(1 - check.threshold, 6)
    return float(check.threshold)


@functools.lru_cache(maxsize=1024)
def _skipped(check: BatchCheck, reason: str) -> DqResult:
    """The result of a check that did not run (one object for each check and reason: a night
    skips ~12,800 checks for ~20 reasons, and a result is never changed)."""
    return check.result(
        None, "", texts.threshold_text(check, None), texts.skipped_message(check, reason)
    )


def _evaluated(check: BatchCheck, counts: Mapping[str, Any], verdict: Verdict, position: int,
               bounds: Bounds | None) -> DqResult:  # fmt: skip
    """One delivery's result of a check that ran: GX's verdict, observed from its counts."""
    threshold = texts.threshold_text(check, bounds)
    if verdict.error is not None:
        return check.result(None, f"fout: {verdict.error}", threshold, texts.error_message(check))
    success = position not in verdict.failed
    observed, message = texts.describe(check, counts_as_gx(check, counts), success, bounds)
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
