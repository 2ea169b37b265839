"""No orphan Prefect server when `monitor run` is killed.

`monitor run` without PREFECT_API_URL starts Prefect's temporary server as a child process and
stops it at exit. A run killed with SIGKILL (or SIGTERM, which skips Python's exit handlers)
never gets there, and the server lives on. So the run starts a small watchdog first: it notes
the run's Prefect-server children while the run lives, and when the run's end of a pipe closes
(the kernel closes it however the run ends) it stops those that are still running — checked by
their start time, so a recycled process id is never hit.
"""

from __future__ import annotations

import os
import subprocess
import sys

_WATCHDOG = r"""
import os, select, signal, sys
parent, seen = int(sys.argv[1]), {}

def servers():
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == os.getpid():  # this script names the server too
            continue
        try:
            with open(f"/proc/{name}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{name}/cmdline", "rb") as handle:
                command = handle.read()
        except OSError:
            continue
        if b"prefect.server.api.server" in command:
            yield int(name), int(fields[1]), fields[19]  # pid, parent pid, start time

while True:
    ready = select.select([sys.stdin], [], [], 0.5)[0]
    seen.update({pid: start for pid, ppid, start in servers() if ppid == parent})
    if ready and not os.read(sys.stdin.fileno(), 1024):
        break
alive = {pid: start for pid, _, start in servers()}
for pid, start in seen.items():
    if alive.get(pid) == start:
        os.kill(pid, signal.SIGTERM)
"""
_running: list[subprocess.Popen[bytes]] = []


def watch_temporary_server() -> None:
    """Start the watchdog for this process's temporary Prefect server (once; Linux /proc only)."""
    if _running or not os.path.isdir("/proc"):
        return
    watchdog = subprocess.Popen(
        [sys.executable, "-c", _WATCHDOG, str(os.getpid())],
        stdin=subprocess.PIPE,
        start_new_session=True,  # a Ctrl-C of the run must not stop the watchdog first
    )
    _running.append(watchdog)  # its stdin stays open as long as this process lives
