"""The Prefect flow `nightly`: discover deliveries, one task per delivery, marts, summary.

Business logic lives in `pipeline`; this module only wires it.
"""

from __future__ import annotations

import os

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")  # no telemetry attempts
os.environ.setdefault("DO_NOT_TRACK", "1")

import datetime as dt

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from connectors import InboxFile
from pipeline.nightly import (
    RunSummary,
    load_processed,
    new_files,
    prepare_inputs,
    summarise,
    write_reference_tables,
)
from pipeline.process import ProcessedDelivery, ProcessingInputs, process_file
from pipeline.settings import Settings
from pipeline.warehouse import build_next_version


@task(name="process-delivery", cache_policy=NO_CACHE, persist_result=False,
      task_run_name="{file.folder}/{file.path.name}")  # fmt: skip
def process_delivery(file: InboxFile, inputs: ProcessingInputs) -> ProcessedDelivery:
    """Read, harmonise, validate and batch-check one delivery."""
    return process_file(file, inputs)


@flow(name="nightly", log_prints=False, persist_result=False)
def nightly(inbox: str | None = None, warehouse: str | None = None) -> RunSummary:
    """The nightly run: every new delivery in the inbox into the next warehouse version."""
    logger = get_run_logger()
    overrides = {"inbox_dir": inbox, "warehouse_path": warehouse}
    settings = Settings(**{k: v for k, v in overrides.items() if v})
    started = dt.datetime.now(dt.UTC)
    with build_next_version(settings.warehouse_path) as wh:
        inputs = prepare_inputs(settings, started.date(), wh.row_count_history())
        write_reference_tables(wh, inputs)
        run_id = wh.start_run(started)
        files, skipped = new_files(settings.inbox_dir, wh.known_hashes())
        logger.info("%d nieuwe bestanden, %d al verwerkt", len(files), skipped)
        quoted = quote(inputs)  # not a dependency to track: skips Prefect's walk over the frames
        results = [load_processed(wh, process_delivery(f, quoted), run_id) for f in files]
        wh.refresh_marts()
        wh.finish_run(run_id, "completed", len(files) + skipped, len(files), skipped)
        summary = RunSummary(run_id, started.isoformat(timespec="seconds"),
                             files_seen=len(files) + skipped, files_new=len(files),
                             files_skipped=skipped, deliveries=results,
                             warehouse=str(settings.warehouse_path))  # fmt: skip
        summarise(wh, summary)
    summary.finished_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    logger.info("run %d klaar: %d leveringen verwerkt", run_id, len(results))
    return summary


def run_nightly(settings: Settings) -> RunSummary:
    """Run the flow now (on Prefect's temporary local server unless PREFECT_API_URL is set)."""
    return nightly(inbox=str(settings.inbox_dir), warehouse=str(settings.warehouse_path))


def serve_nightly(settings: Settings, cron: str, timezone: str) -> None:
    """Serve the flow as a deployment with a nightly schedule (blocks)."""
    nightly.serve(name="nightly", cron=cron, parameters={"inbox": str(settings.inbox_dir),
                  "warehouse": str(settings.warehouse_path)})  # fmt: skip
    del timezone
