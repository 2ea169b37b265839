"""Imports left out of the garbage collector's scans (`gc.freeze`), once a process.

A collection scans every object the process tracks; after the imports of pandas, GX, Prefect
and the processing core that is ~0.5 M objects, scanned again at every collection of the oldest
generation. Unpickling a group's deliveries in the flow took 1.16 ms a delivery, 0.42 ms with
the imports frozen; a worker processes ~9% faster, `monitor check` ~25%.

Importing this module freezes: it is the last module the delivery workers' fork server imports
(`pipeline.night.fork_server.PRELOAD`), so every worker forks with its imports frozen — and their pages stay
shared with the fork server, as a collection writes to every object it scans. Other processes
call `freeze_imports()` once they have imported what they need: the flow before it starts, and
every process that builds GX's runtime right after (`pipeline.ingest.batch`: a delivery worker
after its warm-up, `monitor check`, a portal check).
"""

from __future__ import annotations

import gc
import os

_frozen_in: int | None = None  # the process that froze (a forked child may freeze what it adds)


def freeze_imports() -> None:
    """Leave every object this process has by now out of later collections (once a process).
    Frozen objects are still freed when their last reference goes; only garbage cycles among
    them would stay."""
    global _frozen_in
    if _frozen_in != os.getpid():
        gc.freeze()
        _frozen_in = os.getpid()


freeze_imports()
