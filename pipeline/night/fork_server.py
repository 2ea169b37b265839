"""The fork server every worker of the night forks from (delivery, feedback and Data Docs
workers), and when `monitor run` starts it.

The fork server imports pandas, GX and the processing core once (~3.5 s of one core), so every
worker (and every replacement) starts warm. It is started without waiting for it, and this
module imports nothing heavy: `monitor run` starts it before it imports the pipeline or Prefect.

When is best depends on Prefect's server. A lasting server (PREFECT_API_URL in the environment,
as in production: docs/operations.md) has started long before: the fork server's imports are
then the longest chain before the first delivery, and start at once, beside the run's own
imports (~2 s sooner than after them, on 2 cores). A run its fail-early checks refuse leaves the
fork server to finish its imports (a few seconds) and end with it. A temporary server starts
with the run and takes ~3.8 s of one core before the flow may start: the fork server then starts
once the run has imported Prefect, as three starts at once on 2 cores made the flow wait longer
for its server (measured: 17.8–18.2 s against 16.8–17.1 s for the national sample).
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.context
import multiprocessing.forkserver
import os
from collections.abc import Mapping

# GX is imported lazily by pipeline.ingest.batch and takes seconds to import (pipeline.gx_preload
# imports it as pipeline.gx_import does); pipeline.warm freezes what the fork server imported
# (`gc.freeze`): last
PRELOAD = ["pipeline.ingest.process", "pipeline.gx_preload", "pipeline.warm"]


def fork_context() -> multiprocessing.context.ForkServerContext:
    """The fork-server context, with its preload: the fork server takes the preload only when
    it starts, so whoever starts it first must have set it."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def start_fork_server() -> None:
    """Start the fork server without waiting for it: it imports while the caller goes on.
    Idempotent: one fork server per process."""
    fork_context()
    multiprocessing.forkserver.ensure_running()


def early_start_helps(
    environment: Mapping[str, str], runner: str, dask_address: str | None
) -> bool:
    """Whether `monitor run` gains by starting the fork server before it imports Prefect: its
    deliveries go to local worker processes, and Prefect's server is a lasting one named by the
    environment (no temporary server starts beside it)."""
    return runner == "processes" and not dask_address and bool(environment.get("PREFECT_API_URL"))


def start_early(runner: str, dask_address: str | None) -> None:
    """Start the fork server now when `early_start_helps`; else its user starts it later."""
    if early_start_helps(os.environ, runner, dask_address):
        start_fork_server()
