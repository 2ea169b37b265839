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
from typing import TypeVar

import numpy as np
import pandas as pd

from connectors import InboxFile
from connectors.profiles import match_profile
from pipeline.ingest.batch import BatchOutcome, Measured, dq_rows, judge_batches, judge_failed
from pipeline.ingest.process import (
    ProcessedDelivery,
    ProcessingInputs,
    failed_delivery,
    process_file,
    process_files,
    record_history,
)
from pipeline.night.isolation import DeliveryPool, Limits
from schemas.errors import ProfileError
from schemas.profile import MappingProfile

log = logging.getLogger(__name__)
T = TypeVar("T")
GROUPS_PER_WORKER = 4  # more groups than workers: a slow group does not hold up the others
MIN_GROUP = 20  # files; below this a task's start-up costs more than it spreads
FILE_COST_BYTES = 48 * 2**10  # a file costs a worker about as much as this many bytes of data
CHUNK_FILES = 200  # files processed in one pass by a worker
# and at most this many bytes of them (xlsx unpacks ~10× in cells): 3 MB since a group holds
# few profiles, and so a chunk's files one pass (4 MB passes: +90 MB RSS at scale 100)
CHUNK_BYTES = 3 * 2**20
GROUP_BYTES = 8 * 2**20  # a group's files, about: the flow holds a group's rows until loaded
groups_processed = 0  # by this process (a Dask worker's share of the night can be read back)


def delivery_groups(
    files: Sequence[InboxFile],
    workers: int,
    current_code: Callable[[str], str] = str,
    profiles: tuple[MappingProfile, ...] = (),
) -> list[list[InboxFile]]:
    """Whole organisations per group (the folders of an old and a new gemeentecode together:
    `current_code`), groups of about equal work (and about GROUP_BYTES at most), files in their
    own order. The organisations whose first file's name one of `profiles` matches are next to
    each other, per profile, so that a group holds few profiles: its files are harmonised in
    one pass per profile, and a pass costs ~56 ms before any row (30 passes a night, 17 so).
    Within a profile, and without one, in the order their first file appears; the same order
    every run, so the same delivery ids.

    A file's work is a fixed cost per file plus its bytes (`FILE_COST_BYTES`): by count alone the
    group with politie's four 1.5 MB files took ~1 s longer than the others and was the night's
    straggler. The groups go out heaviest first (of equal work, in the order they were made): the
    night ends on its lightest groups, so no worker idles while another finishes a heavy one,
    and what the flow loads after the last group is little. Formed in their order, politie's
    group was the sixth of eight on the national sample: it took 1.3 s, and the other worker
    idled 0.25 s before the flow could load the three groups behind it."""
    folders: dict[str, list[InboxFile]] = {}
    for file in files:
        folders.setdefault(current_code(file.folder.upper()), []).append(file)
    folders = dict(sorted(folders.items(),  # stable: inbox order within a profile
                          key=lambda item: _named_profile(item[1][0], profiles)))  # fmt: skip
    work = _work(files)
    target = max(MIN_GROUP * FILE_COST_BYTES,
                 math.ceil(work / max(1, workers * GROUPS_PER_WORKER)))  # fmt: skip
    groups: list[list[InboxFile]] = [[]]
    size = 0
    for folder_files in folders.values():
        if len(groups[-1]) * FILE_COST_BYTES + size >= target or size >= GROUP_BYTES:
            groups.append([])
            size = 0
        groups[-1].extend(folder_files)
        size += sum(file.size for file in folder_files)
    return sorted((group for group in groups if group), key=_work, reverse=True)  # stable


def _work(files: Sequence[InboxFile]) -> int:
    """What a group's files cost a worker, about (in bytes: `FILE_COST_BYTES`)."""
    return len(files) * FILE_COST_BYTES + sum(file.size for file in files)


def _named_profile(file: InboxFile, profiles: tuple[MappingProfile, ...]) -> str:
    """A file's profile as its name says ("" when no profile's name matches, or several: such a
    file is recognised by its headers later, and errs there if need be)."""
    try:
        profile = match_profile(file.path.name, profiles)
    except ProfileError:
        return ""
    return profile.id if profile is not None else ""


def process_group(
    files: Sequence[InboxFile],
    inputs: ProcessingInputs,
    limits: Limits,
    isolated: bool = True,
    run_key: str = "",
) -> list[ProcessedDelivery]:
    """Process a group's files in order, each seeing the history of the ones before it.

    The files go in chunks, each processed in one pass (`process_files`); a chunk that fails
    is processed again file by file, so the file that broke it fails alone. The isolated
    worker is kept for the next group of the same run (`run_key`) in this process: a Prefect or
    Dask worker that processes several groups warms up one delivery worker, not one per group.
    A group of another run (other reference data) gets a fresh one.
    """
    global groups_processed
    groups_processed += 1
    history = {organisation: list(sizes) for organisation, sizes in inputs.history.items()}
    if not isolated:
        log.warning("verwerking zonder isolatie (MONITOR_RUNNER=threads): alleen om te debuggen")
        return _unisolated(files, inputs, history)
    return _on_pool(run_key, inputs, limits, lambda pool: _in_chunks(pool, files, history))


def judge_group(
    measured: Sequence[Measured],
    inputs: ProcessingInputs,
    limits: Limits,
    isolated: bool = True,
    run_key: str = "",
) -> list[BatchOutcome]:
    """GX's judgement of the measured batch checks of many deliveries, in one validation: in
    this process's delivery worker of the run (GX is warm there), or, only for debugging, in
    this thread. A worker lost while judging leaves every check that would have run reported
    with the error, as when GX raises (the checks never reject)."""
    if not isolated:
        return judge_batches(measured)
    judged = _on_pool(run_key, inputs, limits, lambda pool: pool.judge(measured))
    if judged is None:
        return judge_failed(measured, "de batchcontroles konden niet worden beoordeeld")
    return judged


def _on_pool(run_key: str, inputs: ProcessingInputs, limits: Limits,
             job: Callable[[DeliveryPool], T]) -> T:  # fmt: skip
    """The job on this process's delivery worker of the run (`run_key`), else on a worker of
    its own."""
    if run_key:
        return job(_pool_for(run_key, inputs, limits))
    with DeliveryPool(inputs, replace(limits, workers=1)) as pool:
        return job(pool)


def with_judged_checks(
    deliveries: Sequence[ProcessedDelivery], judged: Sequence[BatchOutcome]
) -> tuple[list[ProcessedDelivery], pd.DataFrame]:
    """Deliveries whose measured batch checks were judged later, with their results; and all
    those results as one frame, in order (made once and cut: ~0.2 ms a delivery one by one; a
    cut keeps its rows' numbers in the whole, as renumbering it took ~35 µs a delivery, and
    what reads a delivery's checks reads them in order, not by number)."""
    whole = dq_rows(judged)
    ends = np.cumsum([len(outcome.results) for outcome in judged])
    return [replace(delivery, dq=whole.iloc[end - len(outcome.results) : end],
                    gx_report=outcome.report, measured=None)
            for delivery, outcome, end in zip(deliveries, judged, ends, strict=True)], whole  # fmt: skip


def chunks(files: Sequence[InboxFile]) -> list[Sequence[InboxFile]]:
    """The files in order, in chunks of at most CHUNK_FILES files and CHUNK_BYTES bytes."""
    out: list[Sequence[InboxFile]] = []
    start, size = 0, 0
    for index, file in enumerate(files):
        if index > start and (index - start >= CHUNK_FILES or size + file.size > CHUNK_BYTES):
            out.append(files[start:index])
            start, size = index, 0
        size += file.size
    if start < len(files):
        out.append(files[start:])
    return out


def _in_chunks(pool: DeliveryPool, files: Sequence[InboxFile],
               history: dict[str, list[int]]) -> list[ProcessedDelivery]:  # fmt: skip
    """Each chunk in one job; a failed chunk file by file, the history growing as they come."""
    processed = []
    for chunk in chunks(files):
        together = pool.process_together(chunk, history) if len(chunk) > 1 else None
        for delivery in together if together is not None else pool.process(chunk, history):
            record_history(history, delivery)
            processed.append(delivery)
    return processed


def _unisolated(files: Sequence[InboxFile], inputs: ProcessingInputs,
                history: dict[str, list[int]]) -> list[ProcessedDelivery]:  # fmt: skip
    """For debugging: in this thread, in chunks as the workers do, a failed chunk file by file."""
    processed = []
    for chunk in chunks(files):
        try:
            together = process_files(chunk, inputs.with_history(history))
        except Exception:  # as the isolated worker does: the files one by one
            log.exception("%d leveringen samen: verwerking afgebroken; nu een voor een", len(chunk))
            together = None
        for index, file in enumerate(chunk):
            delivery = together[index] if together is not None else _one(file, inputs, history)
            record_history(history, delivery)
            processed.append(delivery)
    return processed


def _one(
    file: InboxFile, inputs: ProcessingInputs, history: dict[str, list[int]]
) -> ProcessedDelivery:
    """One file in this thread; an error fails only this file (S01), as in a worker."""
    try:
        return process_file(file, inputs.with_history(history))
    except Exception:
        log.exception("%s/%s: verwerking afgebroken", file.folder, file.path.name)
        return failed_delivery(file, "het bestand liet de verwerking vastlopen")


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
