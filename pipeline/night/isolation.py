"""Every delivery is processed in a worker process with a time and a memory limit (DESIGN §11).

A pool of reusable workers (not one process per file) runs `process_file`; the flow process only
loads what comes back (DuckDB keeps one writer). A crash, hang or memory blow-up of one file
(signal, MemoryError, RecursionError, time-out, memory limit) kills or fails only the worker that
was doing it: that delivery becomes a rejected `ProcessedDelivery` with an S01 in Dutch, the
technical cause goes to the log, the worker is replaced, and the other deliveries go on.

Results come back in the order of the files, and a file is only started once every earlier file
of the same organisation folder has been handed back (and loaded by the caller), so the volume
check of a later delivery sees the earlier one in `history`, exactly as in a sequential run.
"""

from __future__ import annotations

import contextlib
import logging
import os
import resource
import signal
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any

from connectors import InboxFile
from pipeline.gc_pause import gc_paused
from pipeline.ingest.batch import BatchOutcome, Measured, judge_batches, warm_up
from pipeline.ingest.process import (
    ProcessedDelivery,
    ProcessingInputs,
    failed_delivery,
    process_file,
    process_files,
)
from pipeline.night.fork_server import fork_context
from schemas.errors import PipelineError

log = logging.getLogger(__name__)
POLL_SECONDS = 0.1  # how often the watchdog looks at time and memory of busy workers
LOOKAHEAD_PER_WORKER = 4  # files started ahead of the one the caller waits for
WORKER_START_SECONDS = 600  # the first worker waits for the fork server to import pandas and GX
ADDRESS_SPACE_HEADROOM_MB = 512  # RLIMIT_AS above the warmed-up worker, beyond the RSS limit
TOGETHER = (
    "samen"  # a job of several files, processed in one pass (`DeliveryPool.process_together`)
)
JUDGE = "oordeel"  # a job of measured batch checks, judged by GX at once (`DeliveryPool.judge`)


@dataclass(frozen=True)
class Limits:
    """What one delivery may take: wall time, resident memory, and how many workers run."""

    timeout_s: float = 120.0
    memory_mb: int = 1536
    workers: int = 2


@dataclass
class _Worker:
    """One worker process, its pipe and the job it is doing."""

    process: BaseProcess
    conn: Connection
    job: int | None = None
    started: float = 0.0
    ready: bool = False  # warmed up: it said "klaar"


@dataclass
class _Jobs:
    """The files of one call, their results, and which are still open per folder."""

    files: Sequence[InboxFile]
    results: dict[int, ProcessedDelivery] = field(default_factory=dict)
    started: set[int] = field(default_factory=set)
    handed_back: int = 0  # files[:handed_back] are yielded


class DeliveryPool:
    """Reusable worker processes that run `process_file` under a time and memory limit."""

    def __init__(self, inputs: ProcessingInputs, limits: Limits) -> None:
        self.inputs, self.limits = inputs, limits
        self._context = fork_context()
        self._workers: list[_Worker] = []

    def __enter__(self) -> DeliveryPool:
        self._workers = [self._start() for _ in range(max(1, self.limits.workers))]
        for worker in self._workers:
            self._wait_ready(worker)
        return self

    def __exit__(self, *exc: object) -> None:
        for worker in self._workers:
            self._stop(worker)
        self._workers = []

    def process(
        self, files: Sequence[InboxFile], history: dict[str, list[int]]
    ) -> Iterator[ProcessedDelivery]:
        """Process the files; yield each result in file order, loaded by the caller in between.

        `history` is read when a file starts, so what the caller adds to it counts for later files.
        """
        jobs = _Jobs(files)
        while jobs.handed_back < len(files):
            if jobs.handed_back in jobs.results:
                yield jobs.results.pop(jobs.handed_back)
                jobs.handed_back += 1
                continue
            self._dispatch(jobs, history)
            self._collect(jobs)

    def process_together(
        self, files: Sequence[InboxFile], history: dict[str, list[int]]
    ) -> list[ProcessedDelivery] | None:
        """Process the files as one job in one worker (`process_files`: deliveries of one profile
        in one vectorised pass), under the limits of one delivery. None when the job failed
        (crash, hang, memory, an error): the worker is replaced and the caller processes the
        files one by one, so a file that broke the job fails alone."""
        outcome = self._one_job((TOGETHER, list(files), {k: list(v) for k, v in history.items()}))
        if isinstance(outcome, str):
            log.warning("%d leveringen samen: verwerking afgebroken (%s); nu een voor een",
                        len(files), outcome)  # fmt: skip
            return None
        return outcome

    def judge(self, measured: Sequence[Measured]) -> list[BatchOutcome] | None:
        """GX's judgement of measured batch checks (`judge_batches`), as one job in one worker
        (which has GX warm). None when the job failed; the worker is replaced."""
        outcome = self._one_job((JUDGE, list(measured)))
        if isinstance(outcome, str):
            log.warning("batchcontroles van %d leveringen: oordeel afgebroken (%s)",
                        len(measured), outcome)  # fmt: skip
            return None
        return outcome

    def _one_job(self, job: tuple[Any, ...]) -> list[Any] | str:
        """Run one job in one worker under the limits of one delivery: its list of outcomes, or
        why it failed (crash, hang, memory, an error; the worker is replaced then)."""
        worker = self._idle_worker()
        worker.job, worker.started = -1, time.monotonic()
        cause = None
        try:
            worker.conn.send(job)
        except OSError as exc:
            cause = f"send failed: {exc}"
        while cause is None:
            ready = wait([worker.conn, worker.process.sentinel], POLL_SECONDS)
            if worker.conn in ready:
                try:
                    outcome = received(worker.conn)
                except (EOFError, OSError):
                    outcome = f"pipe closed, exit code {worker.process.exitcode}"
                except UnreadableAnswer as exc:
                    outcome = f"answer not readable: {exc}"
                if isinstance(outcome, list):
                    worker.job = None
                    return outcome
                cause = str(outcome)
            elif worker.process.sentinel in ready:
                cause = _exit_cause(worker.process.exitcode)
            elif time.monotonic() - worker.started > self.limits.timeout_s:
                cause = f"time-out after {self.limits.timeout_s:g} s"
            elif resident_mb(worker.process.pid) > self.limits.memory_mb:
                cause = f"resident memory over {self.limits.memory_mb} MB"
        self._stop(worker, kill=True)
        self._workers[self._workers.index(worker)] = self._start()
        return cause

    def _idle_worker(self) -> _Worker:
        """A warmed-up worker without a job (waits for a replacement to finish warming up)."""
        while True:
            self._greet_new_workers()
            idle = next((w for w in self._workers if w.ready and w.job is None), None)
            if idle is not None:
                return idle
            self._wait_ready(next(w for w in self._workers if not w.ready))

    def _dispatch(self, jobs: _Jobs, history: dict[str, list[int]]) -> None:
        """Start the next files on idle workers (never two open files of one folder)."""
        horizon = min(len(jobs.files), jobs.handed_back + LOOKAHEAD_PER_WORKER * len(self._workers))
        for index in range(jobs.handed_back, horizon):
            idle = next((w for w in self._workers if w.ready and w.job is None), None)
            if idle is None:
                return
            folder = jobs.files[index].folder
            earlier_open = any(
                jobs.files[i].folder == folder for i in range(jobs.handed_back, index)
            )
            if index in jobs.started or earlier_open:
                continue
            idle.job, idle.started = index, time.monotonic()
            with contextlib.suppress(OSError):  # a worker that died idle: _collect sees it
                idle.conn.send((index, jobs.files[index], {k: list(v) for k, v in history.items()}))
            jobs.started.add(index)

    def _collect(self, jobs: _Jobs) -> None:
        """Wait briefly for results; fail and replace workers that died, hang or grow too big."""
        self._greet_new_workers()
        busy = [w for w in self._workers if w.job is not None]
        ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy], POLL_SECONDS))
        for worker in busy:
            assert worker.job is not None
            file = jobs.files[worker.job]
            if worker.conn in ready:
                try:
                    index, outcome = received(worker.conn)
                except (EOFError, OSError):
                    self._replace(worker, jobs, file, "het verwerkingsproces stopte onverwacht",
                                  f"pipe closed, exit code {worker.process.exitcode}")  # fmt: skip
                    continue
                except UnreadableAnswer as exc:
                    self._replace(worker, jobs, file, "het resultaat van de verwerking was niet "
                                  "te lezen", f"answer not readable: {exc}")  # fmt: skip
                    continue
                if isinstance(outcome, ProcessedDelivery):
                    jobs.results[index], worker.job = outcome, None
                else:
                    self._replace(worker, jobs, file, "het bestand liet de verwerking vastlopen",
                                  outcome)  # fmt: skip
            elif worker.process.sentinel in ready:
                self._replace(worker, jobs, file, "het verwerkingsproces stopte onverwacht",
                              _exit_cause(worker.process.exitcode))  # fmt: skip
            else:
                self._watch(worker, jobs, file)

    def _greet_new_workers(self) -> None:
        """Mark replacement workers ready once they are warmed up (they start in the background)."""
        for worker in (w for w in self._workers if not w.ready):
            if worker.conn.poll() or not worker.process.is_alive():
                self._wait_ready(worker)

    def _watch(self, worker: _Worker, jobs: _Jobs, file: InboxFile) -> None:
        """Stop a worker over its time or memory limit."""
        seconds = time.monotonic() - worker.started
        if seconds > self.limits.timeout_s:
            self._replace(worker, jobs, file,
                          f"de verwerking duurde langer dan {self.limits.timeout_s:g} seconden",
                          f"time-out after {seconds:.1f} s")  # fmt: skip
            return
        rss = resident_mb(worker.process.pid)
        if rss > self.limits.memory_mb:
            self._replace(worker, jobs, file,
                          f"de verwerking had meer dan {self.limits.memory_mb} MB geheugen nodig",
                          f"resident memory {rss} MB")  # fmt: skip

    def _replace(self, worker: _Worker, jobs: _Jobs, file: InboxFile, reason: str,
                 cause: str) -> None:  # fmt: skip
        """Record the failed delivery, stop the worker and start a fresh one in its place."""
        log.warning("%s/%s: verwerking afgebroken (%s); technische oorzaak: %s",
                    file.folder, file.path.name, reason, cause)  # fmt: skip
        assert worker.job is not None
        jobs.results[worker.job] = failed_delivery(file, reason)
        self._stop(worker, kill=True)
        self._workers[self._workers.index(worker)] = self._start()

    def _start(self) -> _Worker:
        """A new worker process; it warms up in the background and then says "klaar"."""
        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=work, args=(child, self.inputs, self.limits.memory_mb), daemon=True,
            name="monitor-levering",
        )  # fmt: skip
        process.start()
        child.close()
        return _Worker(process, parent)

    def _wait_ready(self, worker: _Worker) -> None:
        """Wait until a worker is warmed up; one that cannot start stops the run (nothing is
        rejected for a fault of the machine rather than of a file)."""
        if worker.conn.poll(WORKER_START_SECONDS):
            try:
                if worker.conn.recv() == "klaar":
                    worker.ready = True
                    return
            except (EOFError, OSError):
                pass
        self._stop(worker, kill=True)
        raise PipelineError(
            f"verwerkingsproces start niet (exit code {worker.process.exitcode}); zie het log"
        )

    def _stop(self, worker: _Worker, kill: bool = False) -> None:
        """End a worker: ask it to stop, or kill it; never leave it running."""
        if not kill and worker.process.is_alive():
            try:
                worker.conn.send(None)
            except OSError:
                kill = True
            worker.process.join(timeout=5)
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join(timeout=5)
        worker.conn.close()


class UnreadableAnswer(PipelineError):
    """A worker's answer arrived whole but could not be unpickled (no memory left for it here,
    a bug): the worker is replaced and its job fails, as when it crashed."""


def received(conn: Connection) -> Any:
    """What a worker sent, unpickled with the cyclic garbage collector paused: a group's
    deliveries are thousands of small frames, and the collections they set off rescanned
    everything the flow holds (~1.2 ms a delivery, ~0.35 ms paused, on the one-year sample).
    EOFError or OSError when the pipe is gone; UnreadableAnswer when the message does not
    unpickle (the pipe is still at a message's end then)."""
    with gc_paused():
        try:
            return conn.recv()
        except (EOFError, OSError):
            raise
        except Exception as exc:
            raise UnreadableAnswer(f"{type(exc).__name__}: {exc}"[:500]) from exc


def work(conn: Connection, inputs: ProcessingInputs, memory_mb: int) -> None:
    """The worker: process the files it is sent until it is sent None."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the flow process decides when to stop
    warm_up()
    limit_address_space(memory_mb)
    conn.send("klaar")
    while True:
        try:
            job = conn.recv()
        except EOFError:  # the flow process is gone: stop too
            return
        if job is None:
            return
        if job[0] in (TOGETHER, JUDGE):
            try:
                if job[0] == TOGETHER:
                    conn.send(process_files(job[1], inputs.with_history(job[2])))
                else:
                    conn.send(judge_batches(job[1]))
            except (MemoryError, RecursionError) as exc:
                conn.send(f"{type(exc).__name__}: {exc}"[:500])
                os._exit(1)
            except Exception as exc:  # the caller processes the files one by one
                conn.send(f"{type(exc).__name__}: {exc}"[:500])
            continue
        index, file, history = job
        try:
            conn.send((index, process_file(file, inputs.with_history(history))))
        except (MemoryError, RecursionError) as exc:
            conn.send((index, f"{type(exc).__name__}: {exc}"[:500]))
            os._exit(1)  # the interpreter may be in a bad state: the pool starts a fresh worker
        except Exception as exc:  # any other failure of one file must not stop the night
            conn.send((index, f"{type(exc).__name__}: {exc}"[:500]))


def limit_address_space(memory_mb: int) -> None:
    """RLIMIT_AS: the warmed-up worker may grow by `memory_mb` (plus headroom), no more.

    The watchdog also stops a worker whose resident memory passes `memory_mb`; this limit turns
    a sudden huge allocation into a MemoryError (or an abort) inside the worker instead.
    """
    grow = (memory_mb + ADDRESS_SPACE_HEADROOM_MB) * 2**20
    limit = _status_kb(os.getpid(), "VmSize") * 1024 + grow
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def resident_mb(pid: int | None) -> int:
    """The resident memory of a process in MB (0 when it is gone)."""
    return _status_kb(pid, "VmRSS") // 1024 if pid is not None else 0


def _status_kb(pid: int, key: str) -> int:
    """One `kB` line of /proc/<pid>/status (0 when the process is gone)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        return 0
    return 0


def _exit_cause(exitcode: int | None) -> str:
    """A worker's exit code as a cause: the signal name when a signal ended it."""
    if exitcode is not None and exitcode < 0:
        return f"signal {signal.Signals(-exitcode).name}"
    return f"exit code {exitcode}"
