"""Run `monitor run` as a child process and measure its whole process tree: wall time and peak
memory of the tree (the flow, its delivery workers, the feedback and Data Docs processes and
Prefect's temporary server), sampled from /proc while it runs.

Used by bench/national.py and bench/nightly.py; the bench process itself (which may have just
generated a sample in memory) is not part of the number.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

SAMPLE_SECONDS = 0.2


@dataclass(frozen=True)
class Measured:
    """Wall time and peak memory of a process tree."""

    seconds: float
    peak_rss_mb: float  # the largest sum of resident sets seen at one moment
    peak_pss_mb: float  # the same with shared pages divided among their sharers (forked workers)
    at_peak: tuple[tuple[str, float], ...] = ()  # (process, PSS MB) at the moment of peak PSS

    def shown(self) -> str:
        """The bench output: time, peak memory and who held it."""
        held = ", ".join(f"{name} {mb:,.0f}" for name, mb in self.at_peak)
        return (f"{self.seconds:7.1f} s, peak memory of the process tree {self.peak_pss_mb:,.0f} MB "
                f"PSS ({self.peak_rss_mb:,.0f} MB RSS summed)\n    at the peak (MB PSS): {held}")  # fmt: skip


def monitor_env(work: Path) -> dict[str, str]:
    """The environment of a `monitor run` with its own Prefect home under `work`."""
    return {**os.environ, "PREFECT_HOME": str(work / "prefect"), "MONITOR_SAMPLE_MODE": "true",
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1",
            "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120"}  # fmt: skip


def prefect_database(env: dict[str, str]) -> None:
    """Create Prefect's database before the timed run, as a server that already runs has it.

    A fresh PREFECT_HOME costs the first run ~9 s of database migrations (on 2 cores): a
    one-time cost of installing Prefect, not of a night. Printed, not hidden.
    """
    started = time.perf_counter()
    Path(env["PREFECT_HOME"]).mkdir(parents=True, exist_ok=True)
    script = ("from prefect.server.api.server import SubprocessASGIServer\n"
              "server = SubprocessASGIServer(); server.start(); server.stop()")  # fmt: skip
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"Prefect's database could not be created:\n{done.stderr[-2000:]}")
    print(f"Prefect database created first (not timed): {time.perf_counter() - started:7.1f} s")


def monitor_run(inbox: Path, warehouse: Path, env: dict[str, str]) -> Measured:
    """`monitor run` on `inbox` into `warehouse`, as a child process, measured."""
    monitor = Path(sys.executable).with_name("monitor")
    command = [str(monitor), "run", "--inbox", str(inbox), "--warehouse", str(warehouse)]
    return run_measured(command, env)


def run_measured(command: list[str], env: dict[str, str]) -> Measured:
    """Run a command to its end; its wall time and the peak memory of its process tree."""
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    peaks = [0.0, 0.0]
    at_peak: list[tuple[str, float]] = []
    done = threading.Event()

    def sample() -> None:  # an error here would end the sampling: the bench says so below
        while not done.is_set():
            processes = _tree_memory(child.pid)
            rss, pss = sum(p[1] for p in processes), sum(p[2] for p in processes)
            if pss > peaks[1]:
                at_peak[:] = sorted(((name, kb / 1024) for name, _, kb in processes),
                                    key=lambda p: -p[1])  # fmt: skip
            peaks[0], peaks[1] = max(peaks[0], rss), max(peaks[1], pss)
            done.wait(SAMPLE_SECONDS)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = child.wait()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    if peaks[1] == 0:
        print("warning: the memory of the process tree could not be sampled")
    if code != 0:
        raise subprocess.CalledProcessError(code, command)
    return Measured(seconds, peaks[0] / 1024, peaks[1] / 1024, tuple(at_peak))


def _tree_memory(root: int) -> list[tuple[str, int, int]]:
    """(what it is, RSS kB, PSS kB) of a process and each of its descendants now."""
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    children: dict[int, list[int]] = {}
    for pid, ppid in parents.items():
        children.setdefault(ppid, []).append(pid)
    tree, frontier = {root}, [root]
    while frontier:
        below = children.get(frontier.pop(), [])
        tree.update(below)
        frontier.extend(below)
    found = []
    for pid in tree:
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:  # ended meanwhile
            continue
        sizes = {line.split(":")[0]: int(line.split()[1]) for line in rollup.splitlines()[1:]
                 if line.startswith(("Rss:", "Pss:"))}  # fmt: skip
        found.append((_role(pid, root, command), sizes.get("Rss", 0), sizes.get("Pss", 0)))
    return found


def _role(pid: int, root: int, command: str) -> str:
    """A short name for a process of the tree."""
    if pid == root:
        return "flow"
    for marker, role in (("uvicorn", "prefect-server"), ("forkserver import main", "worker"),
                         ("import os, select, signal", "watchdog")):  # fmt: skip
        if marker in command:
            return role
    return command.split(" -c ")[0].rsplit("/", 1)[-1][:20] or str(pid)
