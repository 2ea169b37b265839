"""Each delivery in a worker process with a time and memory limit (issue 9, point 1).

Real worker processes, real files; the faults are real too: a worker killed by a signal while
it works, a delivery slower than its time limit, one bigger than its memory limit.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import pickle
import signal
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from connectors import InboxFile, discover_inbox
from connectors.profiles import load_profiles
from pipeline.ingest.inputs import load_all_fte
from pipeline.ingest.process import ProcessedDelivery, ProcessingInputs, process_file
from pipeline.ingest.reference import load_reference
from pipeline.night.isolation import DeliveryPool, Limits
from tests.conftest import REFERENCE_DIR

HEADER = ("ID;Datum;Tijd;Gemeld op;Plaats CBS;Gedrag;Kanaal;Situatie;Wapen;Daders;Letsel;"
          "Verzuimdagen;Schade;Aangifte;VPT;Nazorg;Medewerker;Toelichting")  # fmt: skip


def vendor_csv(inbox: Path, org: str, quarter: int, rows: int) -> Path:
    """A vendor CSV of `rows` valid incidents for gemeente `org` (GMnnnn)."""
    folder = inbox / org
    folder.mkdir(parents=True, exist_ok=True)
    month = 3 * quarter - 2
    lines = [f"V{i};{1 + i % 28:02d}-{month:02d}-2025;;;{org[2:]};VB;F;HH;N;1;0;0;N;N;N;N;M-{i % 50};"
             for i in range(1, rows + 1)]  # fmt: skip
    path = folder / f"incidenten_{org}_2025Q{quarter}.csv"
    path.write_text("\r\n".join([HEADER, *lines]) + "\r\n", encoding="cp1252")
    return path


@pytest.fixture(scope="module")
def inputs() -> ProcessingInputs:
    return ProcessingInputs(reference=load_reference(REFERENCE_DIR), profiles=load_profiles(),
                            fte=load_all_fte(REFERENCE_DIR), pseudonym_key=b"k" * 32,
                            max_file_bytes=200 * 2**20, today=dt.date(2026, 1, 20))  # fmt: skip


def inbox_files(inbox: Path) -> dict[str, InboxFile]:
    return {f.path.name: f for f in discover_inbox(inbox)}


def reason(processed: ProcessedDelivery) -> str:
    assert processed.failure is not None, "the delivery was not rejected"
    return f"{processed.failure.code} {processed.failure.message}"


def test_pool_gives_what_process_file_gives_in_file_order(
    tmp_path: Path, inputs: ProcessingInputs
) -> None:
    for org, quarter, rows in [("GM0344", 1, 7), ("GM0014", 1, 3), ("GM0344", 2, 5)]:
        vendor_csv(tmp_path, org, quarter, rows)
    files = discover_inbox(tmp_path)
    with DeliveryPool(inputs, Limits(workers=2)) as pool:
        results = list(pool.process(files, {}))
    assert [r.file.path.name for r in results] == [f.path.name for f in files]
    assert sorted(r.rows_loaded for r in results) == [3, 5, 7]
    for result, file in zip(results, files, strict=True):
        alone = process_file(file, inputs)
        assert not result.rejected
        assert result.incidents.equals(alone.incidents)


def test_a_killed_worker_fails_only_the_delivery_it_was_doing(
    tmp_path: Path, inputs: ProcessingInputs
) -> None:
    vendor_csv(tmp_path, "GM0344", 1, 100_000)  # 0.4-0.75 s of work: killed after 0.05 s
    vendor_csv(tmp_path, "GM0014", 1, 4)
    files = inbox_files(tmp_path)
    order = [files["incidenten_GM0344_2025Q1.csv"], files["incidenten_GM0014_2025Q1.csv"]]
    with DeliveryPool(inputs, Limits(workers=1)) as pool:
        killer = threading.Thread(target=kill_when_busy, args=(pool,), daemon=True)
        killer.start()
        big, small = list(pool.process(order, {}))
    assert "afgebroken" in reason(big) and "stopte onverwacht" in reason(big)
    assert reason(big).startswith("S01")
    assert not small.rejected and small.rows_loaded == 4


def kill_when_busy(pool: DeliveryPool) -> None:
    """Send SIGKILL to the pool's (only) worker once it is working on a file."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        worker = pool._workers[0]
        if worker.job is not None and worker.process.pid is not None:
            time.sleep(0.05)
            os.kill(worker.process.pid, signal.SIGKILL)
            return
        time.sleep(0.01)


def test_a_delivery_over_its_time_limit_is_an_s01(tmp_path: Path, inputs: ProcessingInputs) -> None:
    vendor_csv(tmp_path, "GM0344", 1, 100_000)  # 0.4-0.75 s of work here: 2-4x the limit
    with DeliveryPool(inputs, Limits(timeout_s=0.2, workers=1)) as pool:
        started = time.monotonic()
        (slow,) = pool.process(discover_inbox(tmp_path), {})
        assert time.monotonic() - started < 10
    assert "langer dan 0.2 seconden" in reason(slow)


def test_a_delivery_over_its_memory_limit_is_an_s01(
    tmp_path: Path, inputs: ProcessingInputs
) -> None:
    # every incident with a long remark: 180 MB of text, which processing holds several times
    path = vendor_csv(tmp_path, "GM0344", 1, 90_000)
    lines = path.read_text(encoding="cp1252").splitlines()
    remarked = [lines[0], *(f"{line}{'x' * 2_000}" for line in lines[1:])]
    path.write_text("\r\n".join(remarked), encoding="cp1252")
    with DeliveryPool(inputs, Limits(memory_mb=500, workers=1)) as pool:
        (big,) = pool.process(discover_inbox(tmp_path), {})
    assert reason(big).startswith("S01") and "afgebroken" in reason(big)


def test_workers_fork_with_the_imports_of_their_fork_server_frozen() -> None:
    """The fork server freezes its imports (pipeline.warm) before any worker forks: a
    worker's collections leave those objects alone, and their pages stay shared."""
    import gc
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from pipeline.night.fork_server import start_fork_server

    start_fork_server()
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        frozen = pool.submit(gc.get_freeze_count).result(timeout=120)
    assert frozen > 100_000  # pandas, GX and the processing core


_collector_seen: list[bool] = []


def _note_collector() -> str:
    """Rebuilt on unpickling: notes whether the cyclic collector was on meanwhile."""
    import gc

    _collector_seen.append(gc.isenabled())
    return "uitgepakt"


class _Noting:
    def __reduce__(self) -> tuple[object, tuple[()]]:
        return _note_collector, ()


def test_a_workers_result_is_unpickled_without_collections() -> None:
    """A group's deliveries are thousands of small frames: unpickled with the collector paused
    (its collections rescanned all the flow holds), on again after."""
    import gc
    from multiprocessing import Pipe

    from pipeline.night.isolation import received

    here, there = Pipe()
    _collector_seen.clear()
    assert gc.isenabled()
    there.send([_Noting(), _Noting()])
    assert received(here) == ["uitgepakt", "uitgepakt"]
    assert _collector_seen == [False, False]
    assert gc.isenabled()


class _Unreadable:
    """Pickles, but does not unpickle: as a worker's answer the flow cannot read."""

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return (_refuse, ("no room to unpickle this",))


def _refuse(message: str) -> None:
    raise MemoryError(message)


def test_an_answer_that_does_not_unpickle_is_told_apart_from_a_closed_pipe() -> None:
    from pipeline.night.isolation import UnreadableAnswer, received

    mine, theirs = multiprocessing.Pipe()
    theirs.send(_Unreadable())
    with pytest.raises(UnreadableAnswer, match="MemoryError: no room to unpickle this"):
        received(mine)
    theirs.send(["leesbaar"])  # the pipe goes on: the unreadable message was read whole
    assert received(mine) == ["leesbaar"]
    theirs.close()
    with pytest.raises(EOFError):
        received(mine)


class _FirstAnswerUnreadable:
    """A worker's pipe whose first answer arrives whole but does not unpickle, as when the flow
    has no memory left for it: the answer is read, then unpickling it fails."""

    def __init__(self, conn: Any) -> None:
        self.conn, self.failed = conn, False

    def fileno(self) -> int:
        return int(self.conn.fileno())

    def recv(self) -> Any:
        answer = self.conn.recv()
        if not self.failed:
            self.failed = True
            pickle.loads(pickle.dumps(_Unreadable()))  # raises MemoryError
        return answer

    def __getattr__(self, name: str) -> Any:
        return getattr(self.conn, name)


@pytest.mark.parametrize("together", [False, True])
def test_an_unreadable_answer_fails_only_its_delivery_and_the_pool_goes_on(
    tmp_path: Path, inputs: ProcessingInputs, together: bool
) -> None:
    """The flow cannot unpickle a worker's answer: that delivery, or that job of several, fails
    alone, its worker is replaced, and the next job finds an idle worker."""
    vendor_csv(tmp_path, "GM0344", 1, 6)
    vendor_csv(tmp_path, "GM0014", 1, 4)
    files = inbox_files(tmp_path)
    order = [files["incidenten_GM0344_2025Q1.csv"], files["incidenten_GM0014_2025Q1.csv"]]
    with DeliveryPool(inputs, Limits(workers=1)) as pool:
        worker = pool._workers[0]
        worker.conn = _FirstAnswerUnreadable(worker.conn)  # type: ignore[assignment]
        if together:
            assert pool.process_together(order, {}) is None  # the caller goes one by one
            again = pool.process_together(order, {})
            assert again is not None and [r.rows_loaded for r in again] == [6, 4]
        else:
            first, second = list(pool.process(order, {}))
            assert reason(first).startswith("S01") and "niet te lezen" in reason(first)
            assert not second.rejected and second.rows_loaded == 4
            assert [r.rows_loaded for r in pool.process(order, {})] == [6, 4]
