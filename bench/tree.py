"""Run `monitor run` as a child process and measure its whole process tree: wall time, peak
memory and CPU time of the tree (the flow, its delivery workers, the feedback and Data Docs
processes and Prefect's temporary server), sampled from /proc while it runs, and how busy the
whole machine was meanwhile (a night on 2 cores is bound by CPU: what else ran counts).

Used by bench/national.py and bench/nightly.py; the bench process itself (which may have just
generated a sample in memory) is not part of the number.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

SAMPLE_SECONDS = 0.2  # RSS and CPU time of the tree
STALLED_SECONDS = 1.0  # sampling rounds this far apart may have missed whole processes
PSS_SECONDS = 1.0  # PSS of the tree, at most this often ...
NEAR_PEAK = 0.95  # ... and only while RSS is at least this share of its peak so far
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024
TICKS = os.sysconf("SC_CLK_TCK")
CORES = os.cpu_count() or 1
PROJECT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Measured:
    """Wall time and peak memory of a process tree."""

    seconds: float
    peak_rss_mb: float  # the largest sum of resident sets seen at one moment
    peak_pss_mb: float  # the same with shared pages divided among their sharers (forked workers)
    at_peak: tuple[tuple[str, float], ...] = ()  # (process, PSS MB) at the moment of peak PSS
    cpu_seconds: float = 0.0  # user + system time of the tree's processes, as last sampled
    machine_busy: float = 0.0  # share of the machine's cores busy meanwhile (any process)
    machine_stolen: float = 0.0  # share of the cores' time the host gave to others (steal)

    def shown(self) -> str:
        """The bench output: time, peak memory and who held it, CPU time."""
        held = ", ".join(f"{name} {mb:,.0f}" for name, mb in self.at_peak)
        return (f"{self.seconds:7.1f} s, peak memory of the process tree {self.peak_pss_mb:,.0f} MB "
                f"PSS ({self.peak_rss_mb:,.0f} MB RSS summed)\n    at the peak (MB PSS): {held}\n"
                f"    CPU of the process tree {self.cpu_seconds:.1f} s ({self.cpu_seconds / self.seconds:.1f} "
                f"of {CORES} cores on average); the machine's cores {self.machine_busy:.0%} busy, "
                f"{self.machine_stolen:.0%} of their time taken by the host")  # fmt: skip


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


def project_bytecode(root: Path = PROJECT) -> None:
    """Compile the project's own modules (those not yet compiled, or changed since), as they are
    in an installation: pip compiles what it installs, but leaves an editable install's modules
    to the first process that imports them, and with PYTHONDONTWRITEBYTECODE (set on these
    machines) no process ever writes them, so every process of every run would compile them
    again (~0.16 s of the flow's CPU). Compiling writes regardless of that setting. Printed.
    `root`: the project's folder."""
    import compileall

    started = time.perf_counter()
    done = all(compileall.compile_dir(root / package, quiet=2)
               for package in ("schemas", "connectors", "pipeline", "portal", "flows"))  # fmt: skip
    if not done:
        raise SystemExit("the project's modules could not be compiled")
    print(
        f"the project's modules compiled first (not timed): {time.perf_counter() - started:7.1f} s"
    )


@contextlib.contextmanager
def lasting_prefect_server(env: dict[str, str]) -> Iterator[dict[str, str]]:
    """A Prefect server of its own (`prefect server start`, as docs/operations.md runs it in
    production) for the block: yields `env` with PREFECT_API_URL naming it. It runs on the
    same cores as the run, but outside the run's process tree (its memory is not counted)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    prefect = Path(sys.executable).with_name("prefect")
    server = subprocess.Popen([str(prefect), "server", "start", "--host", "127.0.0.1", "--port",
                               str(port)], env={**env, "PREFECT_UI_ENABLED": "0"},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    url = f"http://127.0.0.1:{port}/api"
    try:
        deadline = time.monotonic() + 180
        while not _healthy(url):
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the lasting Prefect server did not start")
            time.sleep(0.2)
        time.sleep(2)  # its services' first rounds, as on a server that has run for a while
        yield {**env, "PREFECT_API_URL": url}
    finally:
        server.terminate()
        server.wait(timeout=30)


def _healthy(url: str) -> bool:
    """Whether the Prefect server at `url` answers its health check."""
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=1) as answer:
            return bool(answer.status == 200)
    except OSError:
        return False


def monitor_run(inbox: Path, warehouse: Path, env: dict[str, str]) -> Measured:
    """`monitor run` on `inbox` into `warehouse`, as a child process, measured."""
    monitor = Path(sys.executable).with_name("monitor")
    command = [str(monitor), "run", "--inbox", str(inbox), "--warehouse", str(warehouse)]
    return run_measured(command, env)


def run_measured(command: list[str], env: dict[str, str]) -> Measured:
    """Run a command to its end; its wall time, and the peak memory and CPU time of its process
    tree.

    CPU time is each process's user + system time when last sampled: a lower bound, as it
    misses a process's last SAMPLE_SECONDS, a process that lives less than that, a process
    whose parent ended before it was first seen (it leaves the tree), and the earlier use of a
    process ID used again.

    RSS is sampled every SAMPLE_SECONDS (/proc/PID/statm: cheap). PSS takes a walk of every
    page table (/proc/PID/smaps_rollup: ~25 ms of a core for the night's tree, and sampled
    every 0.2 s that was ~1.9 s of CPU in a 17 s run on 2 cores, slowing the run it measured):
    read at most once every PSS_SECONDS, and only while RSS is near its peak so far."""
    machine_before = _machine_ticks()
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    peaks = [0.0, 0.0]
    cpu: dict[int, int] = {}  # ticks of each process of the tree, last sampled
    at_peak: list[tuple[str, float]] = []
    done = threading.Event()

    trouble: list[str] = []  # what kept the sampling from its pace: its numbers may be low

    def sample() -> None:
        pss_read = -PSS_SECONDS
        last = time.monotonic()
        while not done.is_set():
            if time.monotonic() - last > STALLED_SECONDS:  # since the last round began
                trouble.append(f"no sample for {time.monotonic() - last:.1f} s")
            last = time.monotonic()
            try:
                ticks = _tree(child.pid)
                cpu.update(ticks)
                tree = set(ticks)
                rss = sum(_kb(pid, "statm") for pid in tree)
                peaks[0] = max(peaks[0], rss)
                if rss >= NEAR_PEAK * peaks[0] and time.monotonic() - pss_read >= PSS_SECONDS:
                    pss_read = time.monotonic()
                    processes = [(_role(pid, child.pid), _kb(pid, "smaps_rollup")) for pid in tree]
                    pss = sum(kb for _, kb in processes)
                    if pss > peaks[1]:
                        peaks[1] = pss
                        at_peak[:] = sorted(((name, kb / 1024) for name, kb in processes),
                                            key=lambda p: -p[1])  # fmt: skip
            except Exception as exc:  # a bench goes on measuring, and says what it missed
                trouble.append(f"{type(exc).__name__}: {exc}")
            done.wait(SAMPLE_SECONDS)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = child.wait()
    seconds = time.perf_counter() - started
    machine_after = _machine_ticks()
    busy, total, stolen = (b - a for a, b in zip(machine_before, machine_after, strict=True))
    done.set()
    sampler.join()
    if peaks[1] == 0:
        print("warning: the memory of the process tree could not be sampled")
    if trouble:  # a process that lived between two rounds, or a peak, may have been missed
        print(f"warning: the sampling fell behind {len(trouble)} time(s), this run's CPU time "
              f"and memory may be low: {'; '.join(trouble[:3])}")  # fmt: skip
    if code != 0:
        raise subprocess.CalledProcessError(code, command)
    return Measured(seconds, peaks[0] / 1024, peaks[1] / 1024, tuple(at_peak),
                    sum(cpu.values()) / TICKS, busy / total if total else 0.0,
                    stolen / total if total else 0.0)  # fmt: skip


def file_creation_ms(directory: Path, count: int = 500) -> float:
    """What creating one small file costs in `directory` now (ms of wall time, the mean of
    `count`). A night creates ~4,400 feedback files: on ext4 without a journal (this project's
    benchmark machines) a file costs ~0.04 ms, but up to ~1 ms of system CPU after another
    process deleted thousands of files nearby: each creation then passes over every inode
    deleted in the last minute, or the last six while their inode table is not yet written
    back (`perf`: `recently_deleted`, `find_inode_bit`; a bench's own clean-up does it to the
    next bench). The files are kept (deleting them would do just that to the run measured
    next)."""
    probe = Path(tempfile.mkdtemp(prefix="file-creation-", dir=directory))
    started = time.perf_counter()
    for number in range(count):
        (probe / f"{number}.txt").write_bytes(b"x" * 4096)
    return 1000 * (time.perf_counter() - started) / count


SETTLED_MS = 0.08  # a file costs ~0.03-0.04 ms here when no one deleted thousands lately
SETTLE_PAUSE_SECONDS = 30.0
SETTLE_PATIENCE_SECONDS = 600.0
CHEAP_PROBES = 2  # in a row, `SETTLE_PAUSE_SECONDS` apart: a deletion's cost shows up late


@dataclass(frozen=True)
class Settling:
    """What creating a file cost before the runs, and how long the bench waited for it."""

    first_ms: float
    last_ms: float
    waited_s: float
    threshold_ms: float = SETTLED_MS
    settled: bool = True  # as many cheap probes in a row as asked for

    def shown(self) -> str:
        """One line of the bench's output."""
        if not self.waited_s:
            return f"creating a file in the work folder: {self.first_ms:.2f} ms"
        state = "settled" if self.settled else "not settled"
        return (f"creating a file in the work folder: {self.first_ms:.2f} ms, after "
                f"{self.waited_s / 60:.1f} min {self.last_ms:.2f} ms ({state})")  # fmt: skip


def settled_file_creation(
    directory: Path,
    threshold_ms: float = SETTLED_MS,
    patience_s: float = SETTLE_PATIENCE_SECONDS,
    pause_s: float = SETTLE_PAUSE_SECONDS,
    probe: Callable[[Path], float] = file_creation_ms,
    sleep: Callable[[float], None] = time.sleep,
    first_is_enough: bool = False,
) -> Settling:
    """Wait until creating a file in `directory` costs at most `threshold_ms` in `CHEAP_PROBES`
    probes in a row, `pause_s` apart (for `patience_s` at most), before runs are measured. A
    bench deletes its work folder at its end, thousands of files a night it ran
    (`file_creation_ms`): for minutes after, every file the next bench's nights create cost
    several times as much (here 0.03 ms a file before a bench, 0.09-0.19 ms before the bench run
    right after it, the nights' CPU ~11 s against ~15 s), and the floor, which creates one file,
    not. The cost shows up seconds after the deletion, not at once: 45,000 files deleted, a
    probe read 0.03 ms at once and 0.32-0.35 ms from 20 s on, for minutes; a bench whose one
    probe came right after another bench's clean-up read 0.04 ms, and the probes before its
    nights then 0.12-0.35 ms (its nights 7.2x the floor, 12 s of CPU against 10-11 s an hour
    before; 2026-12-07). Hence two cheap probes, one pause apart: a bench waits one pause at
    least. `first_is_enough`: a cheap first probe will do (the file system was calm before);
    after a dear one, `CHEAP_PROBES` in a row all the same. A machine whose files cost more than
    the threshold anyway waits `patience_s` once and says so."""
    first = last = probe(directory)
    waited = 0.0
    cheap = 1 if last <= threshold_ms else 0
    if first_is_enough and cheap:
        return Settling(first, last, waited, threshold_ms)
    while cheap < CHEAP_PROBES and waited < patience_s:
        sleep(pause_s)
        waited += pause_s
        last = probe(directory)
        cheap = cheap + 1 if last <= threshold_ms else 0
    return Settling(first, last, waited, threshold_ms, settled=cheap >= CHEAP_PROBES)


def _tree(root: int) -> dict[int, int]:
    """A process and each of its descendants now, with the CPU time each used so far (ticks)."""
    parents: dict[int, int] = {}
    used: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_bytes().decode("utf-8", "replace")
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()  # after the name: state, ppid, ...
            parents[int(entry.name)] = int(fields[1])
            used[int(entry.name)] = int(fields[11]) + int(fields[12])  # utime + stime
    children: dict[int, list[int]] = {}
    for pid, ppid in parents.items():
        children.setdefault(ppid, []).append(pid)
    tree, frontier = {root}, [root]
    while frontier:
        below = children.get(frontier.pop(), [])
        tree.update(below)
        frontier.extend(below)
    return {pid: used.get(pid, 0) for pid in tree}


def _machine_ticks() -> tuple[int, int, int]:
    """Busy, total and stolen CPU ticks of the machine so far, all cores (/proc/stat; idle and
    waiting for I/O are not busy; steal: a virtual machine's time its host gave to others)."""
    with open("/proc/stat") as stat:
        ticks = [int(t) for t in stat.readline().split()[1:]]
    idle = ticks[3] + ticks[4]
    return sum(ticks[:8]) - idle, sum(ticks[:8]), ticks[7]


def _kb(pid: int, source: str) -> int:
    """A process's RSS (`statm`) or PSS (`smaps_rollup`) in kB now; 0 when it has ended."""
    try:
        text = Path(f"/proc/{pid}/{source}").read_text()
    except OSError:
        return 0
    if source == "statm":
        return int(text.split()[1]) * PAGE_KB
    return next((int(line.split()[1]) for line in text.splitlines() if line.startswith("Pss:")), 0)


def _role(pid: int, root: int) -> str:
    """A short name for a process of the tree."""
    if pid == root:
        return "flow"
    try:
        raw, flow = (Path(f"/proc/{p}/cmdline").read_bytes() for p in (pid, root))
    except OSError:  # ended meanwhile
        return str(pid)
    command = raw.replace(b"\0", b" ").decode()
    # the last: the watchdog of flows.server_watch
    roles = (("flows.server_process", "prefect-server"), ("forkserver import main", "worker"),
             ("import os, signal, sys, time", "watchdog"))  # fmt: skip
    for marker, role in roles:
        if marker in command:
            return role
    if raw == flow:  # forked from the run (`monitor run` forks the fork server)
        return "worker"
    return command.split(" -c ")[0].rsplit("/", 1)[-1][:20] or str(pid)
