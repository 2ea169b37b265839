"""Importing Great Expectations, without the part of its import this project never runs.

GX imports every expectation it ships when it is imported, and one of them (the KL divergence
of a column) imports `scipy.stats` and `altair` at its top: ~0.85 s and ~0.2 s of the ~2.9 s GX
takes to import on these machines, for statistics no check of ours computes and charts of it no
Data Docs of ours draw. `import_great_expectations` imports GX with those two left lazy
(`importlib.util.LazyLoader`): each module is in `sys.modules`, and runs its own imports the
first time anything reads from it — so whatever does use it still gets the whole module, only
later. Only those modules, and only while GX imports: an import of either anywhere else, before
or after, is an ordinary one, and one made before leaves GX with it as it is.

Nor does GX get SQLAlchemy while it imports, unless the process has it already: GX 1.x lists it
as an optional extra (its SQL data sources), no check of ours reads from a database, and it is
installed here for Prefect's server. Found, it took ~0.2 s of GX's import (1.26–1.28 s against
1.09–1.12 s of CPU, alternating fresh processes with the pipeline imported first, as in the fork
server) and ~150 modules; not found, GX is as it is when installed without that extra. Only on
the thread that imports GX: any other import of SQLAlchemy, meanwhile or after, is an ordinary
one.

Every process that uses GX imports it here (`pipeline.ingest.batch`, and through it the Data
Docs), as does the workers' fork server (`pipeline.gx_preload`).
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
import threading
from collections.abc import Sequence
from types import ModuleType

from pipeline.frame_room import with_room
from pipeline.gc_pause import gc_paused

LAZY_WHILE_IMPORTING = frozenset({"scipy.stats", "altair"})
ABSENT_WHILE_IMPORTING = "sqlalchemy"  # and its submodules
_LOCK = threading.Lock()


class _LazyFinder(importlib.abc.MetaPathFinder):
    """Finds the modules of `LAZY_WHILE_IMPORTING` as the other finders do, with a lazy loader."""

    def find_spec(self, fullname: str, path: Sequence[str] | None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:  # fmt: skip
        if fullname not in LAZY_WHILE_IMPORTING:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                if spec.loader is None or not hasattr(spec.loader, "exec_module"):
                    return None  # nothing a lazy loader can wrap: imported as usual
                spec.loader = importlib.util.LazyLoader(spec.loader)
                return spec
        return None


class _AbsentFinder(importlib.abc.MetaPathFinder):
    """On the thread that made it, finds `ABSENT_WHILE_IMPORTING` (and its submodules) nowhere:
    an import of it fails as when it is not installed (GX's optional imports catch that)."""

    def __init__(self) -> None:
        self.thread = threading.get_ident()

    def find_spec(self, fullname: str, path: Sequence[str] | None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:  # fmt: skip
        on_this_thread = threading.get_ident() == self.thread
        if on_this_thread and fullname.partition(".")[0] == ABSENT_WHILE_IMPORTING:
            raise ModuleNotFoundError(f"No module named {fullname!r}", name=fullname)
        return None


def import_great_expectations() -> ModuleType:
    """The `great_expectations` module, imported now unless it was (thread-safe, the garbage
    collector paused meanwhile), without its analytics. GX_ANALYTICS_ENABLED and a context's
    `analytics_enabled` are the documented GX Core 1.x switches; 1.24 no longer ships the
    analytics module, they guard older 1.x releases this project allows."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    with _LOCK:
        if "great_expectations" not in sys.modules:
            finders: list[importlib.abc.MetaPathFinder] = [_LazyFinder()]
            if ABSENT_WHILE_IMPORTING not in sys.modules:  # one imported before is GX's as well
                finders.append(_AbsentFinder())
            sys.meta_path[:0] = finders
            try:
                # frozen later, once a process: when GX's runtime is built (pipeline.ingest.batch),
                # at the end of the fork server's preload
                with gc_paused():  # deep and up again all along: room on the frame stack
                    with_room(importlib.import_module, "great_expectations")
            finally:
                for finder in finders:
                    sys.meta_path.remove(finder)
        return sys.modules["great_expectations"]
