"""No orphan Prefect server when `monitor run` is killed.

`monitor run` without PREFECT_API_URL starts Prefect's temporary server as a child process and
stops it at exit. A run killed with SIGKILL (or SIGTERM, which skips Python's exit handlers)
never gets there, and the server lives on. So the run starts a small watchdog first and puts a
token of its own in its environment, which every process it starts afterwards inherits. When
the run's end of a pipe closes (the kernel closes it however the run ends), the watchdog stops
the Prefect servers that carry the token (SIGTERM, SIGKILL after 5 s). The token, not the
parent pid, names them: a server started a moment before the kill has been reparented before a
poll could have seen it.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

TOKEN_VARIABLE = "MONITOR_RUN_TOKEN"
_WATCHDOG = r"""
import os, signal, sys, time
marker = f"{sys.argv[1]}={sys.argv[2]}".encode() + b"\0"
while os.read(sys.stdin.fileno(), 1024):  # returns b"" once the run has ended, however
    pass

def servers():
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == os.getpid():  # this script names the server too
            continue
        try:
            with open(f"/proc/{name}/cmdline", "rb") as handle:
                command = handle.read()
            with open(f"/proc/{name}/environ", "rb") as handle:
                environment = b"\0" + handle.read()
        except OSError:
            continue
        if b"prefect.server.api.server" in command and b"\0" + marker in environment:
            yield int(name)

for how in (signal.SIGTERM, signal.SIGKILL):  # as the run stops it: SIGKILL after 5 s
    left = list(servers())
    for pid in left:
        try:
            os.kill(pid, how)
        except OSError:
            pass
    deadline = time.monotonic() + 5
    while left and time.monotonic() < deadline:
        time.sleep(0.1)
        left = list(servers())
    if not left:
        break
"""
_running: list[subprocess.Popen[bytes]] = []


def watch_temporary_server() -> None:
    """Start the watchdog for this process's temporary Prefect server (once; Linux /proc only).

    Call it before the server starts: the server must inherit the token."""
    if _running or not os.path.isdir("/proc"):
        return
    token = secrets.token_hex(16)
    watchdog = subprocess.Popen(
        [sys.executable, "-c", _WATCHDOG, TOKEN_VARIABLE, token],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,  # never holds the caller's output open
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # a Ctrl-C of the run must not stop the watchdog first
    )
    os.environ[TOKEN_VARIABLE] = token
    _running.append(watchdog)  # its stdin stays open as long as this process lives
