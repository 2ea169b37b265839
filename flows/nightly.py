"""The Prefect flow `nightly`: discover deliveries, process them in worker processes, load each
in a task of its own, marts, summary.

Business logic lives in `pipeline`; this module only wires it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from uuid import UUID

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.deployments.runner import RunnerDeployment
from prefect.schedules import Cron
from prefect.utilities.annotations import quote

from connectors.sources import SourceConfig
from flows.server_watch import watch_temporary_server
from pipeline.api_sync import SyncResult
from pipeline.isolation import DeliveryPool
from pipeline.nightly import (
    LoadResult,
    RunSummary,
    delivery_limits,
    enabled_api_sources,
    flag_misdirected,
    load_processed,
    misdirected_files,
    new_files,
    prepare_inputs,
    publish_data_docs,
    publish_report,
    summarise,
    sync_api_source,
    write_delivery_feedback,
    write_reference_tables,
)
from pipeline.process import ProcessedDelivery, ProcessingInputs
from pipeline.settings import Settings, load_settings
from pipeline.warehouse import Warehouse, build_next_version


@task(name="load-delivery", cache_policy=NO_CACHE, persist_result=False,
      task_run_name="{processed.file.folder}/{processed.file.path.name}")  # fmt: skip
def load_delivery(warehouse: Warehouse, processed: ProcessedDelivery, inputs: ProcessingInputs,
                  run_id: int) -> LoadResult:  # fmt: skip
    """Load one delivery its worker processed (or rejected) into the next warehouse version."""
    return load_processed(warehouse, processed, run_id, inputs.history, inputs.deadline_days)


@task(name="sync-api-source", cache_policy=NO_CACHE, persist_result=False,
      task_run_name="api/{config.id}")  # fmt: skip
def sync_api(
    warehouse: Warehouse, config: SourceConfig, inputs: ProcessingInputs, run_id: int
) -> SyncResult:
    """Pull one registration system's API and load the changes with its cursor."""
    return sync_api_source(warehouse, config, inputs, run_id)


@flow(name="nightly", log_prints=False, persist_result=False)
def nightly(
    inbox: str | None = None, warehouse: str | None = None, sample_mode: bool = False
) -> RunSummary:
    """The nightly run: every new delivery in the inbox into the next warehouse version."""
    logger = get_run_logger()
    settings = load_settings(inbox_dir=inbox, warehouse_path=warehouse,
                             sample_mode=sample_mode or None)  # fmt: skip
    started = dt.datetime.now(dt.UTC)
    with build_next_version(settings.warehouse_path, settings.keep_versions) as wh:
        inputs = prepare_inputs(settings, started.date(), wh.row_count_history())
        write_reference_tables(wh, inputs, settings.coverage_floor, settings.start_periode)
        run_id = wh.start_run(started)
        known = wh.known_files()
        files, skipped = new_files(settings.inbox_dir, known)
        misdirected = misdirected_files(files, known)
        logger.info("%d nieuwe bestanden, %d al verwerkt", len(files), skipped)
        quoted = quote(inputs)  # not a dependency to track: skips Prefect's walk over the frames
        results, reports, outcomes = [], [], []
        with DeliveryPool(inputs, delivery_limits(settings)) as pool:
            for processed in pool.process(files, inputs.history):
                key = (processed.file.folder.upper(), processed.file.sha256)
                if key in misdirected:
                    processed = flag_misdirected(processed, misdirected[key])
                result = load_delivery(quote(wh), quote(processed), quoted, run_id)  # type: ignore[call-overload]
                outcomes.append((processed, result))
                results.append(result)
                if processed.gx_report is not None:
                    reports.append(processed.gx_report)
        pulls = [sync_api(quote(wh), config, quoted, run_id)  # type: ignore[call-overload]
                 for config in enabled_api_sources(settings)]  # fmt: skip
        wh.refresh_marts()
        wh.finish_run(run_id, "completed", len(files) + skipped, len(files), skipped)
        summary = RunSummary(run_id, started.isoformat(timespec="seconds"),
                             files_seen=len(files) + skipped, files_new=len(files),
                             files_skipped=skipped, deliveries=results, api_pulls=pulls,
                             warehouse=str(settings.warehouse_path))  # fmt: skip
        summarise(wh, summary)
    for processed, result in outcomes:  # only once the version is published: a killed run
        write_delivery_feedback(settings.feedback_directory, processed, result,  # writes none
                                inputs.reference)  # fmt: skip
    summary.feedback_dir = str(settings.feedback_directory)
    summary.report = str(publish_report(settings))
    if reports or not (settings.reports_directory / "datadocs" / "index.html").exists():
        docs = publish_data_docs(settings, reports)
        summary.datadocs = str(docs) if docs else None
    summary.finished_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    logger.info("run %d klaar: %d leveringen verwerkt", run_id, len(results))
    return summary


def run_nightly(settings: Settings) -> RunSummary:
    """Run the flow now (on Prefect's temporary local server unless PREFECT_API_URL is set)."""
    from prefect.settings import get_current_settings

    if not get_current_settings().api.url:
        watch_temporary_server()  # a killed run leaves no orphan server
    state = nightly(inbox=str(settings.inbox_dir), warehouse=str(settings.warehouse_path),
                    sample_mode=settings.sample_mode, return_state=True)  # fmt: skip
    summary: RunSummary = state.result()  # re-raises when the flow failed
    flow_run_id = state.state_details.flow_run_id
    if flow_run_id is not None:
        expected = summary.files_new + len(summary.api_pulls)
        drain_and_stop_temporary_server(flow_run_id, expected_task_runs=expected)
    return summary


def drain_and_stop_temporary_server(
    flow_run_id: UUID, expected_task_runs: int, timeout: float = 300
) -> None:
    """Let the temporary server record every task run before it stops (no CancelledError)."""
    from prefect.client.orchestration import get_client
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import get_current_settings

    own_temporary_server = not get_current_settings().api.url
    with contextlib.suppress(RuntimeError):  # no log worker was started
        APILogWorker.instance().drain()
    EventsWorker.drain_all()
    final = ["COMPLETED", "FAILED", "CANCELLED", "CRASHED"]
    body = {"flow_runs": {"id": {"any_": [str(flow_run_id)]}},
            "task_runs": {"state": {"type": {"any_": final}}}}  # fmt: skip
    deadline = time.monotonic() + timeout
    with get_client(sync_client=True) as client:
        while time.monotonic() < deadline:
            if client.request("POST", "/task_runs/count", json=body).json() >= expected_task_runs:
                break
            time.sleep(0.25)
    if own_temporary_server:
        SubprocessASGIServer().stop()  # the engine's singleton: its atexit stop becomes a no-op


def nightly_deployment(settings: Settings, cron: str, timezone: str) -> RunnerDeployment:
    """The nightly deployment with its schedule (built offline; testable)."""
    parameters = {"inbox": str(settings.inbox_dir), "warehouse": str(settings.warehouse_path)}
    deployment = nightly.to_deployment(name="nightly", schedules=[Cron(cron, timezone=timezone)],
                                       parameters=parameters)  # fmt: skip
    assert isinstance(deployment, RunnerDeployment)
    return deployment


def serve_nightly(settings: Settings, cron: str, timezone: str) -> None:
    """Serve the deployment; a Prefect server (PREFECT_API_URL) runs the schedule. Blocks."""
    from prefect import serve

    serve(nightly_deployment(settings, cron, timezone))
