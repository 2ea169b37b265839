"""The workers' fork server forked from `monitor run`'s own process (`pipeline.night.fork_server`):
it keeps the run's imports, none of its descriptors or exit handlers, and serves workers with GX
warm and frozen; a process with a second thread gets the usual fork server instead. Each case
runs in a fresh interpreter (one thread, as `monitor run` is when it starts the fork server)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.fresh_python import run_fresh

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs Linux /proc")

_START = """
import multiprocessing, os, select, sys
from concurrent.futures import ProcessPoolExecutor
import pipeline.ingest.process  # what `monitor run` has imported when it starts the fork server
from pipeline.night import fork_server
from tests.pipeline import fork_probe

def cmdline(pid):
    return open(f"/proc/{pid}/cmdline", "rb").read()

def fork_server_pid():
    return multiprocessing.forkserver._forkserver._forkserver_pid

def parent_of(pid):
    return int(open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[1])
"""


def _run(script: str, cwd: Path = ROOT) -> list[str]:
    return run_fresh(_START + script, cwd)


def test_a_forked_fork_server_serves_workers_with_the_runs_imports_and_gx_frozen() -> None:
    out = _run(
        "assert fork_server.can_fork_from_here()\n"
        "fork_server.start_fork_server(from_here=True)\n"
        "pid = fork_server_pid()\n"
        "print(parent_of(pid) == os.getpid(), cmdline(pid) == cmdline(os.getpid()))\n"
        "with ProcessPoolExecutor(max_workers=1, mp_context=fork_server.fork_context()) as pool:\n"
        "    frozen, loaded, marker = pool.submit(fork_probe.state).result(timeout=120)\n"
        "print(frozen > 100_000, loaded, marker == str(os.getpid()))\n"
    )
    # a child of the run, and no new interpreter: the same command line as the run's
    assert out[:2] == ["True", "True"]
    # the worker: imports frozen, GX imported (by the fork server), and the run's own modules as
    # the run imported them (fork_probe remembers the pid that imported it: the run's)
    assert out[2:] == ["True", "great_expectations,pandas", "True"]


def test_workers_of_the_forked_fork_server_collect_garbage() -> None:
    """The fork server imports with the collector paused (`pipeline.gc_pause`) and turns it on
    again before it forks a worker: a worker that never collected would keep every cycle."""
    out = _run(
        "fork_server.start_fork_server(from_here=True)\n"
        "with ProcessPoolExecutor(max_workers=1, mp_context=fork_server.fork_context()) as pool:\n"
        "    print(pool.submit(fork_probe.collections).result(timeout=120)[1])\n"
    )
    assert out == ["True"]


def test_workers_of_the_forked_fork_server_run_at_the_runs_priority() -> None:
    """The fork server imports at a lower priority, in a thread of its own: the workers it
    forks (from its main thread) do not inherit that."""
    out = _run(
        "fork_server.start_fork_server(from_here=True)\n"
        "with ProcessPoolExecutor(max_workers=1, mp_context=fork_server.fork_context()) as pool:\n"
        "    print(pool.submit(fork_probe.priority).result(timeout=120) == os.getpriority(os.PRIO_PROCESS, 0))\n"
    )
    assert out == ["True"]


def test_a_worker_of_the_forked_fork_server_finds_multiprocessings_lock_free() -> None:
    """The run holds multiprocessing's fork-server lock while it forks; the fork server and its
    workers must not keep a held copy (a worker starting a pool of its own would hang)."""
    out = _run(
        "fork_server.start_fork_server(from_here=True)\n"
        "with ProcessPoolExecutor(max_workers=1, mp_context=fork_server.fork_context()) as pool:\n"
        "    print(pool.submit(fork_probe.fork_server_lock_free).result(timeout=120))\n"
    )
    assert out == ["True"]


def test_the_forked_fork_server_keeps_no_descriptor_of_the_run() -> None:
    """A pipe of the run (as the watchdog's: its reader waits for the run's end to close) is
    closed once the run closes its end, though a forked fork server and its worker exist."""
    out = _run(
        "r, w = os.pipe()\n"
        "fork_server.start_fork_server(from_here=True)\n"
        "with ProcessPoolExecutor(max_workers=1, mp_context=fork_server.fork_context()) as pool:\n"
        "    pool.submit(fork_probe.state).result(timeout=120)\n"
        "    os.close(w)\n"
        "    ready, _, _ = select.select([r], [], [], 10)\n"
        "    print(bool(ready) and os.read(r, 1) == b'')\n"
    )
    assert out == ["True"]


def _serve_one_job_and_end(before: str) -> list[str]:
    """Run `before`, fork the fork server, let a worker do one job, and end the run; wait until
    the fork server has ended too (its "alive" pipe closed). What the run printed."""
    out = _run(
        before + "fork_server.start_fork_server(from_here=True)\n"
        "with ProcessPoolExecutor(max_workers=1, mp_context=fork_server.fork_context()) as pool:\n"
        "    pool.submit(fork_probe.state).result(timeout=120)\n"
        "print(fork_server_pid())\n"
    )
    server = Path(f"/proc/{out[-1]}")
    deadline = time.monotonic() + 30
    while server.exists() and "Z" not in _state(server) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not server.exists() or "Z" in _state(server), "the fork server outlived the run"
    return out[:-1]


def _state(proc: Path) -> str:
    try:
        return (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"


def test_the_forked_fork_server_runs_none_of_the_runs_exit_handlers(tmp_path: Path) -> None:
    """`monitor run` stops its temporary Prefect server at exit; the fork server, which ends
    after the run, must not run that (or any) handler of the run a second time."""
    log = tmp_path / "exits.txt"
    _serve_one_job_and_end(
        f"import atexit\natexit.register(lambda: open({str(log)!r}, 'a').write('exit\\n'))\n"
    )
    assert log.read_text() == "exit\n"


def test_what_the_run_wrote_before_the_fork_is_written_once() -> None:
    """Output the run had buffered when it forked (stdout to a pipe is block-buffered) is not
    written a second time by the fork server when it ends."""
    assert _serve_one_job_and_end("print('vooraf')  # buffered, not yet written\n") == ["vooraf"]


def test_a_process_with_a_second_thread_gets_the_usual_fork_server() -> None:
    out = _run(
        "import threading\n"
        "stop = threading.Event()\n"
        "thread = threading.Thread(target=stop.wait)\n"
        "thread.start()\n"
        "print(fork_server.can_fork_from_here())\n"
        "fork_server.start_fork_server(from_here=True)\n"
        "with ProcessPoolExecutor(max_workers=1, mp_context=fork_server.fork_context()) as pool:\n"
        "    frozen, loaded, marker = pool.submit(fork_probe.state).result(timeout=120)\n"
        "print(b'multiprocessing.forkserver' in cmdline(fork_server_pid()))  # it has served\n"
        "print(frozen > 100_000, loaded, marker == str(os.getpid()))\n"
        "stop.set()\n"
    )
    # a new interpreter: it imported fork_probe itself, so its marker is not the run's pid
    assert out == ["False", "True", "True", "great_expectations,pandas", "False"]


def test_without_from_here_the_fork_server_is_a_new_interpreter() -> None:
    out = _run(
        "fork_server.start_fork_server()\n"
        "with ProcessPoolExecutor(max_workers=1, mp_context=fork_server.fork_context()) as pool:\n"
        "    pool.submit(fork_probe.state).result(timeout=120)\n"
        "print(b'multiprocessing.forkserver' in cmdline(fork_server_pid()))  # it has served\n"
    )
    assert out == ["True"]


def test_a_new_interpreters_fork_server_imports_uncollected_and_its_workers_collect() -> None:
    """Its preload starts with `pipeline.unscanned` and ends with `pipeline.warm`: the imports
    in between run no collection (~200 of the youngest generation otherwise: the count is
    inherited by the worker), and the worker forks with collection on and the imports frozen."""
    out = _run(
        "fork_server.start_fork_server()\n"
        "with ProcessPoolExecutor(max_workers=1, mp_context=fork_server.fork_context()) as pool:\n"
        "    print(*pool.submit(fork_probe.collections).result(timeout=120))\n"
    )
    youngest, collecting, frozen = out
    assert int(youngest) < 60 and collecting == "True" and int(frozen) > 100_000
