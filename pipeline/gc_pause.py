"""The cyclic garbage collector paused while a block makes many objects it keeps (`gc_paused`):
a pass over deliveries, the flow unpickling a worker's deliveries, the flow's report beside
the feedback of every delivery.

A pass allocates rows of cells by the hundred thousand and keeps them until it ends: every 700
allocations start a collection, and the surviving rows pile up into repeated full scans of all
of them. At 100,000 rows that was a fifth of `monitor check`'s CSV time and a quarter of its
xlsx time (`bench/check.py`). A pass makes next to no reference cycles (~20 garbage objects for
100,000 rows), and memory freed by reference counting is freed as ever, so nothing piles up
while collection waits.

No side effect on import (unlike `pipeline.warm`, whose import freezes).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic collections while the block runs; as before after it. The switch is
    process-wide: with threads, only the block that found collection on turns it back on."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
