"""A killed `monitor run` leaves no orphan Prefect server (issue 9 point 9)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import TEST_KEY

ROOT = Path(__file__).resolve().parents[2]


def prefect_servers(parent: int | None = None) -> dict[int, int]:
    """Prefect server processes (pid → parent pid), of one parent when given: uvicorn serving
    Prefect's app (`flows.server_process`; not the watchdog, whose script names the server as
    well)."""
    found = {}
    for name in filter(str.isdigit, os.listdir("/proc")):
        try:
            ppid = int(Path(f"/proc/{name}/stat").read_text().rsplit(")", 1)[1].split()[1])
            command = Path(f"/proc/{name}/cmdline").read_bytes()
        except OSError:
            continue
        server = b"\0flows.server_process\0" in command and b"prefect.server.api" in command
        if server and parent in (None, ppid):
            found[int(name)] = ppid
    return found


def wait_for(condition, timeout: float, poll: float = 0.2) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(poll)
    return False


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs Linux /proc")
def test_a_run_killed_with_sigkill_leaves_no_prefect_server(tmp_path: Path) -> None:
    (tmp_path / "inbox" / "GM0363").mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(tmp_path / "prefect"), MONITOR_PSEUDONYM_KEY=TEST_KEY.decode(),
               PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="300",
               PYTHONPATH=str(ROOT))  # fmt: skip
    command = [sys.executable, "-m", "flows.cli", "run", "--inbox", str(tmp_path / "inbox"),
               "--warehouse", str(tmp_path / "wh" / "monitor.duckdb")]  # fmt: skip
    run = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        # killed the moment its server exists: the watchdog must not depend on having seen it
        assert wait_for(lambda: prefect_servers(run.pid), 240, poll=0.005), "no server started"
        server = next(iter(prefect_servers(run.pid)))
        os.kill(run.pid, signal.SIGKILL)
        run.wait(timeout=10)

        gone = wait_for(lambda: server not in prefect_servers(), 30)
    finally:
        if run.poll() is None:
            run.kill()
        for pid in prefect_servers():  # never leave ours behind, even when the test fails
            with contextlib.suppress(OSError):
                if str(tmp_path) in Path(f"/proc/{pid}/environ").read_text(errors="ignore"):
                    os.kill(pid, signal.SIGKILL)
    assert gone, f"Prefect server {server} outlived the killed run"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs Linux /proc")
def test_a_server_that_ignores_sigterm_is_killed_after_five_seconds() -> None:
    """A stand-in server (its argv names Prefect's server, its environment the run's token)
    that ignores SIGTERM: the watchdog kills it once the run's pipe closes; a process without
    the token is left alone."""
    from flows.server_watch import _WATCHDOG, TOKEN_VARIABLE

    stubborn = ("import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
                "print('ready', flush=True); time.sleep(120)")  # fmt: skip
    command = [sys.executable, "-c", stubborn, "prefect.server.api.server"]
    ours = subprocess.Popen(command, env={**os.environ, TOKEN_VARIABLE: "t0ken"},
                            stdout=subprocess.PIPE)  # fmt: skip
    other = subprocess.Popen(command, env={**os.environ, TOKEN_VARIABLE: "another"},
                             stdout=subprocess.PIPE)  # fmt: skip
    try:
        assert ours.stdout and ours.stdout.readline() == b"ready\n"
        assert other.stdout and other.stdout.readline() == b"ready\n"
        watchdog = subprocess.Popen([sys.executable, "-c", _WATCHDOG, TOKEN_VARIABLE, "t0ken"],
                                    stdin=subprocess.PIPE)  # fmt: skip
        started = time.monotonic()
        assert watchdog.stdin is not None
        watchdog.stdin.close()  # as the kernel does when the run dies
        assert ours.wait(timeout=30) == -signal.SIGKILL
        assert 4 < time.monotonic() - started < 30
        watchdog.wait(timeout=30)
        assert other.poll() is None
    finally:
        for process in (ours, other):
            process.kill()
            process.wait()
