"""Work that can wait runs at a lower CPU priority than work that cannot (Linux).

While Prefect's temporary server starts (~4.7 s of one core, in one thread), the flow cannot
start. The fork server's import of GX and the report's warm-up are needed only once it has, yet
on 2 cores the three ran side by side, and the server was ready later. A thread doing such work
lowers its own priority: on Linux a nice value belongs to a thread (`os.setpriority` with its
thread id), so the server gets a core first and the work takes what is left. Only for threads
that end: without privileges a thread cannot raise its priority again, and a process's main
thread (whose nice value the processes it starts inherit) is never lowered. Worker processes
that can wait are lowered as a whole by the same step, as they start (the feedback workers:
`pipeline.night.feedback_run`).
"""

from __future__ import annotations

import os
import sys
import threading

LOWER_BY = 10  # nice steps: CFS then gives a thread about a tenth of the weight of another
_MAX_NICE = 19


def lower_this_threads_priority() -> bool:
    """Lower the calling thread's CPU priority by LOWER_BY nice steps; False (nothing done) on
    the main thread, off Linux, or when the system refuses."""
    if sys.platform != "linux" or threading.current_thread() is threading.main_thread():
        return False
    thread = threading.get_native_id()
    try:
        now = os.getpriority(os.PRIO_PROCESS, thread)
        os.setpriority(os.PRIO_PROCESS, thread, min(_MAX_NICE, now + LOWER_BY))
    except OSError:
        return False
    return True
