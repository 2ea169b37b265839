"""What a worker of the fork server sees (tests/pipeline/test_fork_server.py): importable by
reference, so a worker unpickles `state` from here."""

from __future__ import annotations

import gc
import os
import sys

IMPORTED_BY = os.getpid()  # the process that ran this import (a forked child keeps it)


def state() -> tuple[int, str, str]:
    """(objects frozen, which of GX and pandas are imported, the pid that imported this module)."""
    loaded = ",".join(name for name in ("great_expectations", "pandas") if name in sys.modules)
    return gc.get_freeze_count(), loaded, str(IMPORTED_BY)


def priority() -> int:
    """The nice value of the worker (of its thread: the worker's only one)."""
    return os.getpriority(os.PRIO_PROCESS, 0)


def fork_server_lock_free() -> bool:
    """Whether this process may take multiprocessing's fork-server lock (as a pool it started
    would): a lock held in the process it was forked from stays held in a copy."""
    import multiprocessing.forkserver

    lock = multiprocessing.forkserver._forkserver._lock  # type: ignore[attr-defined]
    taken = bool(lock.acquire(timeout=2))
    if taken:
        lock.release()
    return taken


def collections() -> tuple[int, bool, int]:
    """(collections of the youngest generation so far, inherited from the fork server; whether
    the collector is on; objects frozen)."""
    return gc.get_stats()[0]["collections"], gc.isenabled(), gc.get_freeze_count()
