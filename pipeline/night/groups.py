"""Deliveries in groups that workers process side by side (a Prefect task per group).

Every file of one organisation folder goes to the same group, in the order of the inbox, so the
volume check (B03) of a later delivery sees the earlier one, exactly as in a sequential run. A
group is processed file by file in an isolated worker process with its limits
(`pipeline.night.isolation`); only for debugging (`MONITOR_RUNNER=threads`) in the calling thread.
"""

from __future__ import annotations

import logging
import math
import multiprocessing.util
import threading
from collections.abc import Callable, Sequence
from dataclasses import replace

from connectors import InboxFile
from pipeline.ingest.process import ProcessedDelivery, ProcessingInputs, process_file
from pipeline.night.isolation import DeliveryPool, Limits, failed_delivery

log = logging.getLogger(__name__)
GROUPS_PER_WORKER = 4  # more groups than workers: a slow group does not hold up the others
MIN_GROUP = 20  # files; below this a task's start-up costs more than it spreads
groups_processed = 0  # by this process (a Dask worker's share of the night can be read back)


def delivery_groups(
    files: Sequence[InboxFile], workers: int, current_code: Callable[[str], str] = str
) -> list[list[InboxFile]]:
    """Whole organisations per group (the folders of an old and a new gemeentecode together:
    `current_code`), groups of about equal size, organisations in the order their first file
    appears, files in their own order."""
    folders: dict[str, list[InboxFile]] = {}
    for file in files:
        folders.setdefault(current_code(file.folder.upper()), []).append(file)
    target = max(MIN_GROUP, math.ceil(len(files) / max(1, workers * GROUPS_PER_WORKER)))
    groups: list[list[InboxFile]] = [[]]
    for folder_files in folders.values():
        if len(groups[-1]) >= target:
            groups.append([])
        groups[-1].extend(folder_files)
    return [group for group in groups if group]


def record_history(history: dict[str, list[int]], processed: ProcessedDelivery) -> None:
    """Add a delivery that is not rejected to its organisation's row-count history (B03)."""
    if processed.meta is not None and not processed.rejected:
        history.setdefault(processed.meta.organisatiecode, []).append(processed.rows_in)


def process_group(
    files: Sequence[InboxFile],
    inputs: ProcessingInputs,
    limits: Limits,
    isolated: bool = True,
    run_key: str = "",
) -> list[ProcessedDelivery]:
    """Process a group's files in order, each seeing the history of the ones before it.

    The isolated worker is kept for the next group of the same run (`run_key`) in this process:
    a Prefect or Dask worker that processes several groups warms up one delivery worker, not one
    per group. A group of another run (other reference data) gets a fresh one.
    """
    global groups_processed
    groups_processed += 1
    history = {organisation: list(sizes) for organisation, sizes in inputs.history.items()}
    processed: list[ProcessedDelivery] = []
    if isolated and not run_key:
        with DeliveryPool(inputs, replace(limits, workers=1)) as pool:
            return _in_order(pool, files, history)
    if isolated:
        return _in_order(_pool_for(run_key, inputs, limits), files, history)
    log.warning("verwerking zonder isolatie (MONITOR_RUNNER=threads): alleen om te debuggen")
    for file in files:
        try:
            delivery = process_file(file, replace(inputs, history=history))
        except Exception as exc:  # as the isolated worker does: one file fails alone
            log.exception("%s/%s: verwerking afgebroken", file.folder, file.path.name)
            delivery = failed_delivery(file, f"het bestand liet de verwerking vastlopen ({exc})")
        record_history(history, delivery)
        processed.append(delivery)
    return processed


def _in_order(pool: DeliveryPool, files: Sequence[InboxFile],
              history: dict[str, list[int]]) -> list[ProcessedDelivery]:  # fmt: skip
    """The pool's results in file order, the history growing as they come back."""
    processed = []
    for delivery in pool.process(files, history):
        record_history(history, delivery)
        processed.append(delivery)
    return processed


_pools: dict[tuple[str, Limits, int], DeliveryPool] = {}  # (run, limits, thread) -> worker
_pools_lock = threading.Lock()


def _pool_for(run_key: str, inputs: ProcessingInputs, limits: Limits) -> DeliveryPool:
    """This thread's delivery worker for a run; its workers of earlier runs are stopped."""
    thread = threading.get_ident()
    key = (run_key, replace(limits, workers=1), thread)
    with _pools_lock:
        stale = [k for k in _pools if k[2] == thread and k != key]
        pools = [_pools.pop(k) for k in stale]
        if key not in _pools:
            _pools[key] = DeliveryPool(inputs, key[1]).__enter__()
        pool = _pools[key]
    for old in pools:
        old.__exit__(None, None, None)
    return pool


def close_pools() -> None:
    """Stop every kept delivery worker (at the exit of the process)."""
    with _pools_lock:
        pools = list(_pools.values())
        _pools.clear()
    for pool in pools:
        pool.__exit__(None, None, None)


# At exit, before multiprocessing terminates daemonic children (exit priority >= 0 runs first): a
# worker asked to stop ends cleanly and releases its semaphores instead of being killed.
multiprocessing.util.Finalize(None, close_pools, exitpriority=10)
