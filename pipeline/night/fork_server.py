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

By then the run has imported pandas, pyarrow and the processing core itself: `monitor run`
forks the fork server from its own process (`start_fork_server(from_here=True)`), so the fork
server imports only GX, not all of that a second time in a new interpreter (~0.7 s of one core,
while the temporary server starts on the same two cores). multiprocessing's fork server is
started as its own `ensure_running` would, with the fork in place of the new interpreter; the
child keeps nothing of the run but its imports (`_serve`), and imports GX in a thread of lower
priority (`pipeline.priority`): the flow needs it only once the server is up. Only where that is
sound, else the usual start: one Python thread (the forked child keeps only the calling one),
Linux, and multiprocessing's fork server as this module knows it (checked: Python 3.11–3.13;
a Python that changes it gets the usual start). Never from a process
that does more after the run (a test, a notebook): the fork server would keep what that process
had patched or loaded at the moment of the fork, for every later run.
"""

from __future__ import annotations

import contextlib
import inspect
import multiprocessing
import multiprocessing.context
import multiprocessing.forkserver
import os
import socket
import sys
import threading
import traceback
from collections.abc import Mapping
from multiprocessing import connection, resource_tracker, util
from typing import Any

from pipeline.gc_pause import imports_unscanned

# GX is imported lazily by pipeline.ingest.batch and takes seconds to import (pipeline.gx_preload
# imports it as pipeline.gx_import does); pipeline.unscanned pauses the garbage collector for the
# imports (first), pipeline.warm freezes what the fork server imported and collects again (last)
PRELOAD = ["pipeline.unscanned", "pipeline.ingest.process", "pipeline.gx_preload", "pipeline.warm"]


def fork_context() -> multiprocessing.context.ForkServerContext:
    """The fork-server context, with its preload: the fork server takes the preload only when
    it starts, so whoever starts it first must have set it."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def start_fork_server(*, from_here: bool = False) -> None:
    """Start the fork server without waiting for it: it imports while the caller goes on.
    Idempotent: one fork server per process. With `from_here` (only `monitor run`, whose
    process does nothing after its run) it is forked from this process where that is sound."""
    fork_context()
    if not (from_here and _fork_from_here()):
        multiprocessing.forkserver.ensure_running()


_FORK_SERVER_MAIN = ["listener_fd", "alive_r", "preload", "main_path", "sys_path"]


def can_fork_from_here() -> bool:
    """Whether this process may be the fork server's parent: one Python thread, Linux (open
    descriptors in /proc/self/fd), and multiprocessing's fork server with the state and the
    `main` that `_fork_from_here` knows (a Python that changes either is not forked from)."""
    server = multiprocessing.forkserver._forkserver
    known = all(hasattr(server, name) for name in
                ("_lock", "_forkserver_address", "_forkserver_alive_fd", "_forkserver_pid"))  # fmt: skip
    main = list(inspect.signature(multiprocessing.forkserver.main).parameters)
    return (threading.active_count() == 1 and os.path.isdir("/proc/self/fd") and known
            and not hasattr(server, "_forkserver_authkey") and main == _FORK_SERVER_MAIN)  # fmt: skip


def _fork_from_here() -> bool:
    """Start multiprocessing's fork server as `ForkServer.ensure_running` does (a listening
    socket, an "alive" pipe, the resource tracker), forked from this process instead of a new
    interpreter; False, having done nothing, when `can_fork_from_here` says no."""
    server: Any = multiprocessing.forkserver._forkserver  # its private state, as checked
    if not can_fork_from_here():
        return False
    with server._lock:
        if server._forkserver_pid is not None:
            return True  # started already: ensure_running checks it is alive when it is used
        resource_tracker.ensure_running()
        listener = socket.socket(socket.AF_UNIX)
        address = connection.arbitrary_address("AF_UNIX")  # type: ignore[attr-defined]
        listener.bind(address)
        if not util.is_abstract_socket_namespace(address):
            os.chmod(address, 0o600)
        listener.listen()
        alive_r, alive_w = os.pipe()
        sys.stdout.flush()  # else the child writes what the run had buffered once more
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            server._lock = threading.Lock()  # the copy of the run's is held: by this very call
            _serve(listener.fileno(), alive_r, alive_w)  # never returns
        os.close(alive_r)
        listener.close()
        server._forkserver_address = address
        server._forkserver_alive_fd = alive_w
        server._forkserver_pid = pid
    return True


def _serve(listener_fd: int, alive_r: int, alive_w: int) -> None:
    """The forked child: let go of every descriptor of the run (its pipes, its files, the
    watchdog's pipe: /dev/null takes their numbers, so an object of the run that still holds one
    closes nothing of ours), import the preload and freeze it, and serve until every user of
    the fork server has gone. Exits without the run's exit handlers (they stop the run's
    temporary server)."""
    code = 1
    try:
        os.close(alive_w)
        _let_go_of_descriptors(keep={0, 1, 2, listener_fd, alive_r})
        preload = threading.Thread(target=_preload, name="preload")
        with imports_unscanned():  # frozen by this child: the run may have imported them all
            preload.start()  # its own thread: at a lower priority, which workers do not inherit
            preload.join()
        multiprocessing.forkserver.main(listener_fd, alive_r, [])
    except SystemExit:
        code = 0  # main() ends so once the "alive" pipe is closed by all its users
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _preload() -> None:
    """Import the preload at a lower priority (`pipeline.priority`): GX is needed only once the
    flow starts, and Prefect's temporary server may be starting on the same cores meanwhile."""
    from pipeline.priority import lower_this_threads_priority

    lower_this_threads_priority()
    for name in PRELOAD:
        __import__(name)


def _let_go_of_descriptors(keep: set[int]) -> None:
    """Point every open descriptor but `keep` at /dev/null."""
    null = os.open(os.devnull, os.O_RDWR)
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd in keep or fd == null:
            continue
        with contextlib.suppress(OSError):  # the directory's own descriptor, closed by now
            os.dup2(null, fd)
    os.close(null)


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
