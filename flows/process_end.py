"""The end of `monitor run`'s process: everything Python does at exit that anyone can see, then
the exit itself, without the interpreter taking its heap apart first.

When a Python program ends, the interpreter joins its threads, runs the exit handlers (Prefect
flushing its events and logs, multiprocessing ending its children, logging closing its handlers,
`weakref.finalize`), flushes stdout and stderr, and then clears every module and frees every
object one by one before the process exits. After a night that last part took 0.15–0.31 s
(five runs; 0.03 s with `os._exit` after the rest), while nothing else runs: the run is over,
its warehouse swapped in, its report and feedback published, its server stopped, every file
closed. `end_process` does the rest as the interpreter would, in the same order, and then exits
with the same status (a `SystemExit` code as Python takes it: None 0, a number itself, anything
else printed to stderr and 1; 120 when stdout cannot be flushed). Nothing of the heap outlives
the process, so nothing is lost by not freeing it; an object that would write something only
when it is freed at exit (a file left open, unflushed) would lose it, and the run leaves none.

Only for `monitor run` from its own command (`flows.entry`), on the main thread; where this
Python lacks what it uses (`threading._shutdown`, `atexit._run_exitfuncs`, both CPython's own,
3.11–3.13), the interpreter ends as usual.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
from typing import NoReturn

STDOUT_LOST = 120  # Python's status when stdout cannot be flushed at exit


def end_process(code: object) -> NoReturn:
    """End this process with the status `SystemExit(code)` gives, after the threads are joined,
    the exit handlers have run and stdout and stderr are flushed, as at the interpreter's exit;
    only the freeing of its objects is left out."""
    join_threads = getattr(threading, "_shutdown", None)
    run_exit_handlers = getattr(atexit, "_run_exitfuncs", None)
    main = threading.current_thread() is threading.main_thread()
    if join_threads is None or run_exit_handlers is None or not main:
        raise SystemExit(code)  # the interpreter's own end
    status = _status(code)
    join_threads()  # as the interpreter: threading's own exit callbacks, then its threads
    run_exit_handlers()
    os._exit(_flushed(status))


def _status(code: object) -> int:
    """The exit status of `SystemExit(code)`, its message printed as Python prints it."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def _flushed(status: int) -> int:
    """Flush stdout and stderr; the status, or Python's own when stdout cannot be flushed."""
    for stream, lost in ((sys.stdout, STDOUT_LOST), (sys.stderr, None)):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            if lost is not None and status == 0:
                status = lost
    return status
