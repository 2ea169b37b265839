"""The cyclic garbage collector kept away from what a process makes in bulk and keeps.

`gc_paused`: no collections while a block makes many objects it keeps: a pass over deliveries,
the flow unpickling a worker's deliveries, the flow's report beside the feedback of every
delivery. A pass allocates rows of cells by the hundred thousand and keeps them until it ends:
every 700 allocations start a collection, and the surviving rows pile up into repeated full
scans of all of them. At 100,000 rows that was a fifth of `monitor check`'s CSV time and a
quarter of its xlsx time (`bench/check.py`). A pass makes next to no reference cycles (~20
garbage objects for 100,000 rows), and memory freed by reference counting is freed as ever, so
nothing piles up while collection waits.

`freeze_imports`: a process's imports left out of every later collection (`gc.freeze`). A
collection scans every object the process tracks; after the imports of pandas, GX, Prefect and
the processing core that is ~0.5 M objects, scanned again at every collection of the oldest
generation. Unpickling a group's deliveries in the flow took 1.16 ms a delivery, 0.42 ms with
the imports frozen; a worker processes ~9% faster, `monitor check` ~25%. Every process calls it
once it has imported what it needs: the workers' fork server (`pipeline.warm`, the last module
it imports: every worker forks frozen, and their pages stay shared with the fork server, as a
collection writes to every object it scans), the flow before it starts, and every process that
builds GX's runtime (`pipeline.ingest.batch`).

`imports_unscanned`: both, for a block that imports. An import makes objects by the hundred
thousand (classes, functions, pydantic's schemas) and keeps nearly all of them; with collection
on, the oldest generation is scanned again each time the survivors have grown by a quarter.
Measured on these machines (CPU time of one core, three runs each): Prefect's server 2.6 →
1.9–2.0 s, GX 1.4 → 1.0 s, the imports of `monitor run` 1.6–1.9 → 1.4 s. The few cycles an
import leaves as garbage (~9,000 of ~660,000 objects after all three) stay, as with every
freeze: a collection that found them would scan everything once more (~0.4 s).

No side effect on import (unlike `pipeline.warm`, whose import freezes, and `pipeline.unscanned`,
whose import pauses).
"""

from __future__ import annotations

import gc
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_frozen_in: int | None = None  # the process that froze (a forked child may freeze what it adds)
_unscanned_in: int | None = None  # the process whose imports `imports_unscanned` froze
_paused_until_frozen = False  # `pause_until_frozen` turned collection off: the freeze turns it on
_pauses = 0  # `gc_paused` blocks under way in this process, on any thread
_resume = False  # whether the first of them found collection on
_pauses_lock = threading.Lock()


def _new_lock_in_child() -> None:
    """A child forked while another thread held the lock would wait for it for ever."""
    global _pauses_lock
    _pauses_lock = threading.Lock()


os.register_at_fork(after_in_child=_new_lock_in_child)


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic collections while the block runs; as before once the last block under way has
    ended. The switch is process-wide, so blocks on threads side by side (the flow receiving
    from two workers at once) are counted: the first to end turned collection on under the
    other before (~0.07 s of collections in a night, among the deliveries being unpickled)."""
    global _pauses, _resume
    with _pauses_lock:
        if _pauses == 0:
            _resume = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _pauses_lock:
            _pauses -= 1
            if _pauses == 0 and _resume:
                gc.enable()


def freeze_imports() -> None:
    """Leave every object this process has by now out of later collections (once a process: a
    test's process that runs the flow again and again freezes once), and collect again if
    `pause_until_frozen` stopped it. Frozen objects are still freed when their last reference
    goes; only garbage cycles among them would stay."""
    global _frozen_in, _paused_until_frozen
    if _frozen_in != os.getpid():
        gc.freeze()
        _frozen_in = os.getpid()
    if _paused_until_frozen:
        _paused_until_frozen = False
        gc.enable()


def pause_until_frozen() -> None:
    """No collections until `freeze_imports`: for imports that are not one block, as the fork
    server's preload (`pipeline.unscanned` is its first module, `pipeline.warm` its last)."""
    global _paused_until_frozen
    if gc.isenabled():
        gc.disable()
        _paused_until_frozen = True


@contextmanager
def imports_unscanned() -> Iterator[None]:
    """No collections while the block imports, and everything the process has frozen after it:
    once a process, as `freeze_imports` (a test's process that runs `monitor run` again and
    again freezes once; later blocks are only paused), but apart from it, so that the process
    may still freeze what it imports later (the flow, once it has started)."""
    global _unscanned_in
    with gc_paused():
        try:
            yield
        finally:
            if _unscanned_in != os.getpid():
                gc.freeze()
                _unscanned_in = os.getpid()
