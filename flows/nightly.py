"""The Prefect flow `nightly`: discover deliveries, process them in groups on a Prefect task
runner (local processes, threads for debugging, or a Dask cluster), load them in batches into the
next warehouse version (one writer: the flow), marts, summary, feedback, report, Data Docs.

Business logic lives in `pipeline`; this module only wires it.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import datetime as dt
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from itertools import chain
from typing import Any
from uuid import UUID

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.deployments.runner import RunnerDeployment
from prefect.futures import PrefectFuture, as_completed
from prefect.runtime import flow_run
from prefect.schedules import Cron
from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from connectors import InboxFile
from connectors.sources import SourceConfig
from flows.artifacts import publish_run_artifacts
from flows.drain import drain_task_runs
from flows.heartbeats import heartbeats_by_the_flow, with_heartbeats
from flows.judging import submit_judging, take_judged
from flows.plain_parameters import plain_parameter_flow
from flows.temporary_server import temporary_server_for_run
from flows.unwalked import Unwalked
from pipeline.gc_pause import freeze_imports, gc_paused
from pipeline.ingest.inputs import prepare_inputs, write_reference_tables
from pipeline.ingest.process import ProcessedDelivery, ProcessingInputs
from pipeline.night.api_sync import SyncResult
from pipeline.night.feedback_run import staged_feedback
from pipeline.night.fork_server import start_fork_server
from pipeline.night.groups import close_pools, delivery_groups, process_group
from pipeline.night.isolation import Limits
from pipeline.night.progress import RunProgress
from pipeline.night.steps import (
    LoadResult,
    RunSummary,
    data_docs_beside,
    delivery_limits,
    discover_beside,
    enabled_api_sources,
    flag_misdirected,
    load_batch,
    misdirected_files,
    new_files,
    publish_report,
    summarise,
    sync_api_source,
    warm_report_beside,
    warm_report_early,
)
from pipeline.night.unchanged import input_fingerprint, remember_run, unchanged_run
from pipeline.settings import Settings, load_settings
from pipeline.warehouse.store import Warehouse, build_next_version

LOAD_BATCH = 250  # deliveries loaded in one transaction (one insert per table)
LOAD_ROWS = 100_000  # and at most about this many incidents (bounds the flow's memory)
GROUPS_AHEAD = 2  # groups per worker submitted beyond the next one to load


@task(name="load-deliveries", cache_policy=NO_CACHE, persist_result=False)
def load_deliveries(warehouse: Warehouse, batch: list[ProcessedDelivery], run_id: int,
                    deadline_days: int) -> list[tuple[ProcessedDelivery, LoadResult]]:  # fmt: skip
    """Load a batch of deliveries the workers processed (or rejected) into the next version."""
    return load_batch(warehouse, batch, run_id, deadline_days)


@task(name="process-deliveries", cache_policy=NO_CACHE, persist_result=False, retries=1,
      retry_delay_seconds=10)  # fmt: skip
def process_deliveries(files: Unwalked[list[InboxFile]], inputs: Unwalked[ProcessingInputs],
                       limits: Limits, isolated: bool, run_key: str) -> list[ProcessedDelivery]:  # fmt: skip
    """Process a group of deliveries in order, each in an isolated worker with its limits.

    A delivery's own failure is a rejected delivery, not a failed task; only a lost worker
    machine or process fails the task, and Prefect retries it once.
    """
    return process_group(files.value, inputs.value, limits, isolated, run_key)


def _nothing() -> None:
    """Nothing (left) to do meanwhile."""


def in_group_order(
    submit: Callable[[int], PrefectFuture[list[ProcessedDelivery]]],
    count: int,
    window: int,
    meanwhile: Callable[[], None] = _nothing,
    all_back: Callable[[list[list[ProcessedDelivery]]], None] | None = None,
) -> Iterator[list[ProcessedDelivery]]:
    """Each group's deliveries in group order (loaded in that order, the ids are the same every
    run), with at most `window` groups submitted or finished beyond the next one to hand out:
    behind a slow group the later ones wait to start instead of piling up their rows here.
    `meanwhile` runs once: when the first groups are submitted, before the first wait for one
    (without groups, at once). `all_back` gets, once the last group is back, the groups not yet
    handed out, in order (they are handed out after it); without groups it is not called. A
    group that came back while the caller was busy with the one before is taken in before the
    next is handed out, so `all_back` is called then, not once the groups before it are done."""
    index_of: dict[UUID, int] = {}
    pending: list[PrefectFuture[list[ProcessedDelivery]]] = []
    finished: dict[int, list[ProcessedDelivery]] = {}
    back: set[UUID] = set()  # the task runs that are done (their futures' callbacks, any thread)
    submitted = handed = 0
    waiting = meanwhile

    def take(future: PrefectFuture[list[ProcessedDelivery]]) -> None:
        pending.remove(future)
        result = future.result()
        finished[index_of.pop(future.task_run_id)] = list(result)
        result.clear()  # the future keeps the list it returned until the run ends
        if all_back is not None and handed + len(finished) == count:
            all_back([finished[index] for index in range(handed, count)])

    while handed < count:
        while submitted < min(count, handed + window):
            future = submit(submitted)
            index_of[future.task_run_id] = submitted
            pending.append(future)
            future.add_done_callback(lambda done: back.add(done.task_run_id))
            submitted += 1
        waiting()  # once: the first groups are submitted, none is handed out yet
        waiting = _nothing
        for future in [future for future in pending if future.task_run_id in back]:
            take(future)  # back meanwhile: no wait
        if handed in finished:
            yield finished.pop(handed)
            handed += 1
            continue
        take(next(as_completed(pending)))
    waiting()  # no group: nothing was waited for


def files_name(verb: str, files: list[InboxFile]) -> str:
    """A task run name a person can find a delivery by: its first and last delivery.

    Prefect formats a run name with the task's parameters (`{inputs.pseudonym_key}`): braces in
    a file name are doubled so they stay text.
    """
    first, last = files[0], files[-1]
    name = (f"{verb} {first.folder}/{first.path.name}" if len(files) == 1 else
            f"{verb} {len(files)}: {first.folder}/{first.path.name} … {last.folder}/{last.path.name}")  # fmt: skip
    return name.replace("{", "{{").replace("}", "}}")


def release_dask_workers(address: str) -> None:
    """Stop the delivery workers the Dask workers kept for this run: they hold the key and the
    reference data, and a long-lived Dask worker would otherwise keep them until the next run."""
    from distributed import Client

    from pipeline.night.groups import close_pools

    with Client(address, timeout=60) as client:
        client.run(close_pools)


def task_runner(settings: Settings) -> TaskRunner[Any]:
    """Where the processing tasks run: a Dask cluster (MONITOR_DASK_ADDRESS); threads of the
    flow process, each handing its groups to an isolated local worker process (the default:
    `MONITOR_WORKERS` workers fork from one warm fork server, so GX is imported once), or the
    same without isolation (MONITOR_RUNNER=threads, debugging); or Prefect's process pool
    (MONITOR_RUNNER=prefect-processes: each task process starts its own fork server and worker,
    seconds of start-up more on 2 cores)."""
    if settings.dask_address:
        from prefect_dask import DaskTaskRunner

        return DaskTaskRunner(address=settings.dask_address)
    if settings.runner == "prefect-processes":
        return ProcessPoolTaskRunner(max_workers=settings.worker_count)
    return ThreadPoolTaskRunner(max_workers=settings.worker_count)


@task(name="sync-api-source", cache_policy=NO_CACHE, persist_result=False,
      task_run_name="api/{config.id}")  # fmt: skip
def sync_api(
    warehouse: Warehouse, config: SourceConfig, inputs: ProcessingInputs, run_id: int
) -> SyncResult:
    """Pull one registration system's API and load the changes with its cursor."""
    return sync_api_source(warehouse, config, inputs, run_id)


@plain_parameter_flow(name="nightly", log_prints=False, persist_result=False)
@with_heartbeats  # on a lasting server: `flows.heartbeats`
def nightly(
    inbox: str | None = None, warehouse: str | None = None, sample_mode: bool = False
) -> Unwalked[RunSummary]:
    """The nightly run: every new delivery in the inbox into the next warehouse version (its
    summary unwalked by Prefect: `flows.unwalked`)."""
    freeze_imports()  # the flow unpickles every delivery: no scans of the imports meanwhile
    logger = get_run_logger()
    settings = load_settings(inbox_dir=inbox, warehouse_path=warehouse,
                             sample_mode=sample_mode or None)  # fmt: skip
    started = dt.datetime.now(dt.UTC)
    fingerprint = input_fingerprint(settings, started.date())
    quiet = unchanged_run(settings, fingerprint, started)
    if quiet is not None:
        logger.info("niets nieuw: %d bestanden al verwerkt; warehouse, rapport en Data Docs "
                    "ongewijzigd", quiet.files_skipped)  # fmt: skip
        quiet.flow_run_id = str(flow_run.id) if flow_run.id else None
        publish_run_artifacts(quiet)
        return Unwalked(quiet)
    discovered = discover_beside(settings.inbox_dir)  # hashed while the warehouse opens
    with contextlib.ExitStack() as after_publishing:  # the feedback, staged until then
        with build_next_version(settings.warehouse_path, settings.keep_versions) as wh:
            inputs = prepare_inputs(settings, started.date(), wh.row_count_history())
            run_id = wh.start_run(started)
            known = wh.known_files()
            files, skipped = new_files(settings.inbox_dir, known, discovered)
            misdirected = misdirected_files(files, known)
            logger.info("%d nieuwe bestanden, %d al verwerkt", len(files), skipped)
            # the report's imports and chart engine while the workers process the night
            warming = warm_report_beside(files)
            # not a dependency to track: skips Prefect's walk over the frames
            quoted = quote(inputs)
            outcomes: list[tuple[ProcessedDelivery, LoadResult]] = []
            loads: list[str] = []

            def load(chunk: list[ProcessedDelivery]) -> None:
                """Load a batch, keep what feedback needs of it; the batch is emptied. Prefect keeps
                a task's parameters and result for the whole run: the lists are emptied in place, so
                a delivery's rows are freed once loaded (scale 100 held every row of the night)."""
                name = files_name("laden", [p.file for p in chunk])
                task = load_deliveries.with_options(task_run_name=name)
                loaded = task(quote(wh), quote(chunk), run_id, inputs.deadline_days)  # type: ignore[call-overload]
                outcomes.extend((processed.for_feedback(), result) for processed, result in loaded)
                loads.append(name)
                loaded.clear()
                chunk.clear()

            groups = delivery_groups(files, settings.worker_count, inputs.reference.current_code,
                                     inputs.profiles)  # fmt: skip
            # the delivery workers are kept for the run
            run_key = f"{settings.warehouse_path}#{run_id}@{started.isoformat()}"
            limits = delivery_limits(settings)
            isolated = settings.runner != "threads" or bool(settings.dask_address)
            # the workers measure the batch checks; GX judges them all at once after the last group
            measuring = replace(inputs, defer_batch_checks=True)
            batch: list[ProcessedDelivery] = []
            batch_rows = 0
            with task_runner(settings) as runner, RunProgress(len(files), logger) as progress:
                shared = {"inputs": Unwalked(measuring), "limits": limits, "isolated": isolated,
                          "run_key": run_key}  # fmt: skip

                def submit(index: int) -> PrefectFuture[list[ProcessedDelivery]]:
                    group = groups[index]
                    name = files_name("verwerken", group)
                    return runner.submit(
                        process_deliveries.with_options(task_run_name=name),
                        {"files": Unwalked(group), **shared})  # fmt: skip

                def reference_tables() -> None:
                    """Written while the workers start on the first groups (~0.1 s), before any
                    delivery is loaded."""
                    write_reference_tables(wh, inputs, settings.coverage_floor,
                                           settings.start_periode)  # fmt: skip

                window = GROUPS_AHEAD * max(1, settings.worker_count)
                judging = None

                def judge(rest: list[list[ProcessedDelivery]]) -> None:
                    """All measured: GX judges, in a worker, while the rest is loaded here."""
                    nonlocal judging
                    everything = [*(p for p, _ in outcomes), *batch, *chain.from_iterable(rest)]
                    judging = submit_judging(runner, everything, shared)

                for group_result in in_group_order(submit, len(groups), window, reference_tables,
                                                   judge):  # fmt: skip
                    for processed in group_result:
                        progress.advance(processed)
                        key = (processed.file.folder.upper(), processed.file.sha256)
                        if key in misdirected:
                            processed = flag_misdirected(processed, misdirected[key])
                        batch.append(processed)
                        batch_rows += processed.rows_loaded
                        if len(batch) >= LOAD_BATCH or batch_rows >= LOAD_ROWS:
                            load(batch)
                            batch_rows = 0

                if batch:  # the last batch and the mart views (no rows), while GX judges
                    load(batch)
                wh.refresh_marts()  # views hold no rows (none of the checks'): made now
                judged, checks = take_judged(judging, outcomes)
            # every delivery is loaded and judged: its feedback is written from now on, by workers
            # beside the rest of the run, and put in place once the version is published. No
            # collections until then: the flow makes little it would not keep, and a collection
            # rescanned every delivery's outcome (while the feedback's jobs were pickled ~0.1 s,
            # while the report was built ~0.5 s)
            after_publishing.enter_context(gc_paused())
            feedback = after_publishing.enter_context(
                staged_feedback(settings.feedback_directory, outcomes, inputs.reference,
                                settings.worker_count))  # fmt: skip
            if checks is not None:
                wh.load_batch_checks(checks)
            if settings.dask_address:
                release_dask_workers(settings.dask_address)
            close_pools()  # this process's delivery workers hold the key: not kept between nights
            results = [result for _, result in outcomes]
            reports = [p.gx_report for p, _ in outcomes if p.gx_report is not None]
            pulls = [sync_api(quote(wh), config, quoted, run_id)  # type: ignore[call-overload]
                     for config in enabled_api_sources(settings)]  # fmt: skip
            wh.finish_run(run_id, "completed", len(files) + skipped, len(files), skipped)
            summary = RunSummary(run_id, started.isoformat(timespec="seconds"),
                                 files_seen=len(files) + skipped, files_new=len(files),
                                 files_skipped=skipped, deliveries=results, api_pulls=pulls,
                                 warehouse=str(settings.warehouse_path),
                                 task_runs=len(groups) + len(loads) + judged + len(pulls))  # fmt: skip
            summarise(wh, summary)
        # only once the version is published (a killed run writes none); the Data Docs in a
        # process of its own while the report is built here; then the feedback, written
        # meanwhile, in place
        if warming is not None:
            warming.join()
        with data_docs_beside(settings, reports) as docs:
            summary.report = str(publish_report(settings))
        feedback.publish()
    summary.feedback_dir = str(settings.feedback_directory)
    if docs.built:
        summary.datadocs = str(docs.index) if docs.index else None
    summary.finished_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    summary.flow_run_id = str(flow_run.id) if flow_run.id else None
    publish_run_artifacts(summary)
    remember_run(settings, fingerprint, run_id, started)  # last: a killed run leaves no marker
    logger.info("run %d klaar: %d leveringen verwerkt", run_id, len(results))
    return Unwalked(summary)


def run_nightly(settings: Settings, *, fork_server_from_here: bool = False) -> RunSummary:
    """Run the flow now (on Prefect's temporary local server unless PREFECT_API_URL is set).

    Where an event loop runs in this thread (a notebook, Playwright's sync API — in the test
    suite once a browser test ran), Prefect would take the call for async and hand back
    coroutines: the run goes to a thread of its own then, with this thread's context. Prefect
    cannot catch SIGTERM there (only the main thread gets signals), so `monitor run` from a
    shell never takes this path.

    `fork_server_from_here`: only for `monitor run`, whose process does nothing after its run
    (`pipeline.night.fork_server`)."""
    if _loop_running():
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="nightly") as thread:
            return thread.submit(contextvars.copy_context().run, _run_nightly, settings).result()
    return _run_nightly(settings, fork_server_from_here)


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _run_nightly(settings: Settings, fork_server_from_here: bool = False) -> RunSummary:
    if settings.runner == "processes" and not settings.dask_address:
        start_fork_server(from_here=fork_server_from_here)  # overlaps the start of Prefect's server
    warm_report_early(settings.inbox_dir)  # so do the report's, for a small inbox
    # none when PREFECT_API_URL names a server; heartbeats that do not hold up the run's end
    with temporary_server_for_run(), heartbeats_by_the_flow():
        state = nightly(inbox=str(settings.inbox_dir), warehouse=str(settings.warehouse_path),
                        sample_mode=settings.sample_mode, return_state=True)  # fmt: skip
        # re-raises when the flow failed; `_sync`: never a coroutine, whatever Prefect believes
        summary: RunSummary = state.result(_sync=True).value  # type: ignore[call-overload]
        flow_run_id = state.state_details.flow_run_id
        if flow_run_id is not None:
            drain_task_runs(flow_run_id, expected_task_runs=summary.task_runs)
    return summary


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
