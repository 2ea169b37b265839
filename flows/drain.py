"""Prefect's record of a finished flow run, complete before the run ends: a temporary server
(`flows.temporary_server`) is stopped right after, and what it had not recorded would be lost."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterator
from uuid import UUID


def drain_task_runs(flow_run_id: UUID, expected_task_runs: int, timeout: float = 300) -> None:
    """Let the server record every task run of the flow run (a temporary server is stopped
    right after: without this its history would miss the last ones)."""
    from prefect.client.orchestration import get_client
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    with contextlib.suppress(RuntimeError):  # no log worker was started
        APILogWorker.instance().drain()
    with _without_drain_progress(logging.getLogger(EventsWorker.__name__)):
        EventsWorker.drain_all()
    final = ["COMPLETED", "FAILED", "CANCELLED", "CRASHED"]
    body = {"flow_runs": {"id": {"any_": [str(flow_run_id)]}},
            "task_runs": {"state": {"type": {"any_": final}}}}  # fmt: skip
    deadline = time.monotonic() + timeout
    recorded = 0
    with get_client(sync_client=True) as client:
        while time.monotonic() < deadline:
            recorded = client.request("POST", "/task_runs/count", json=body).json()
            if recorded >= expected_task_runs:
                return
            time.sleep(0.25)
    raise TaskRunsNotRecordedError(
        f"Prefect recorded {recorded} of {expected_task_runs} task runs of flow run "
        f"{flow_run_id} within {timeout:.0f} s: the run's history in Prefect is incomplete "
        f"(the warehouse and report are published)"
    )


@contextlib.contextmanager
def _without_drain_progress(logger: logging.Logger) -> Iterator[None]:
    """Prefect's worker warns "Still processing items: N items remaining..." when it is drained
    with items still queued (the report's artifact event, at the end of a night with nothing
    new). Waiting for them is what this drain is for: no warning for a data engineer to chase.
    Its other warnings and errors still show."""

    def not_progress(record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Still processing items")

    logger.addFilter(not_progress)
    try:
        yield
    finally:
        logger.removeFilter(not_progress)


class TaskRunsNotRecordedError(RuntimeError):
    """The Prefect server did not record every task run of a finished flow run in time."""
