"""The scale-out path: the nightly flow on a real Dask cluster (a scheduler and two workers in
processes of their own on 127.0.0.1) gives the same warehouse as the local run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.flows.conftest import two_warehouses, warehouse_fingerprint

DASK = Path(sys.executable).with_name("dask")


@pytest.fixture
def dask_cluster(tmp_path: Path) -> Iterator[str]:
    """A scheduler and two single-threaded workers; workers may start processes of their own
    (the isolated delivery workers), which Dask's default daemonic workers may not."""
    from distributed import Client

    env = os.environ | {"DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
    scheduler_file = tmp_path / "scheduler.json"
    processes = [subprocess.Popen(
        [str(DASK), "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
         "--scheduler-file", str(scheduler_file)], env=env, stderr=subprocess.DEVNULL)]  # fmt: skip
    try:
        address = _scheduler_address(scheduler_file, deadline=time.monotonic() + 120)
        processes += [subprocess.Popen(
            [str(DASK), "worker", address, "--nthreads", "1", "--no-dashboard", "--host",
             "127.0.0.1"], env=env, stderr=subprocess.DEVNULL) for _ in range(2)]  # fmt: skip
        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=240)
        yield address
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            process.wait(timeout=60)


def _scheduler_address(scheduler_file: Path, deadline: float) -> str:
    """The address the scheduler writes to its file: read once the file is whole (it exists
    empty for a moment before the scheduler writes it: a CI run read it then)."""
    while True:
        try:
            return str(json.loads(scheduler_file.read_text())["address"])
        except (OSError, ValueError, KeyError):  # not there yet, or not whole yet
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_the_flow_on_a_dask_cluster_gives_the_same_warehouse(
    nightly_run: dict[str, Any], dask_cluster: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from distributed import Client

    from flows.nightly import run_nightly

    local, on_dask = two_warehouses(nightly_run["sample"], tmp_path, 20, ("lokaal", "dask"))

    local_summary = run_nightly(local)
    monkeypatch.setenv("MONITOR_DASK_ADDRESS", dask_cluster)  # as an operator points the night
    dask_summary = run_nightly(on_dask)

    assert dask_summary.files_new == local_summary.files_new > 40
    assert warehouse_fingerprint(on_dask.warehouse_path) == warehouse_fingerprint(
        local.warehouse_path
    )

    def groups_and_kept_workers() -> tuple[int, int]:  # runs in each Dask worker (by value)
        import pipeline.night.groups

        return pipeline.night.groups.groups_processed, len(pipeline.night.groups._pools)

    with Client(dask_cluster, timeout=60) as client:
        per_worker = client.run(groups_and_kept_workers)
    assert len(per_worker) == 2
    assert all(groups >= 1 for groups, _ in per_worker.values())  # both workers processed
    assert all(kept == 0 for _, kept in per_worker.values())  # and let go of the key after it


def test_the_scheduler_file_is_read_once_it_is_whole(tmp_path: Path) -> None:
    """The file exists empty before the scheduler writes it: its address is read once it is
    whole, not the moment the file appears."""
    import threading

    scheduler_file = tmp_path / "scheduler.json"
    scheduler_file.write_text("")  # as the scheduler leaves it for a moment
    writer = threading.Timer(0.5, lambda: scheduler_file.write_text(
        json.dumps({"address": "tcp://127.0.0.1:8786"})))  # fmt: skip
    writer.start()
    try:
        assert _scheduler_address(scheduler_file, time.monotonic() + 30) == "tcp://127.0.0.1:8786"
    finally:
        writer.join()
    with pytest.raises(ValueError):  # still empty at the deadline: the error, not a hang
        scheduler_file.write_text("")
        _scheduler_address(scheduler_file, time.monotonic() + 0.5)
