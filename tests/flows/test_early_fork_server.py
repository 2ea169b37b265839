"""When `monitor run` starts the delivery workers' fork server: before it imports Prefect when a
lasting Prefect server is named in the environment, else later (`pipeline.night.fork_server`)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from pipeline.night.fork_server import early_start_helps

API = "http://127.0.0.1:9/api"


@pytest.mark.parametrize(
    ("environment", "runner", "dask", "early"),
    [
        ({"PREFECT_API_URL": API}, "processes", None, True),
        ({}, "processes", None, False),  # Prefect's temporary server starts first
        ({"PREFECT_API_URL": ""}, "processes", None, False),
        ({"PREFECT_API_URL": API}, "threads", None, False),  # no worker processes
        ({"PREFECT_API_URL": API}, "prefect-processes", None, False),
        ({"PREFECT_API_URL": API}, "processes", "tcp://127.0.0.1:8786", False),  # Dask's workers
        ({"PREFECT_API_URL": API}, "processes", "", True),
    ],
)
def test_the_fork_server_starts_early_only_for_local_workers_beside_a_lasting_server(
    environment: dict[str, str], runner: str, dask: str | None, early: bool
) -> None:
    assert early_start_helps(environment, runner, dask) is early


# `monitor run`, stopped where its fail-early checks would run: is Prefect imported yet, and
# does a fork server run among its children? A child caught inside its exec has an empty command
# line for a moment (seen in CI under load): the probe waits until every child has one
_PROBE = """
import os, sys, time
import flows.cli as cli

def command_lines():
    me = os.getpid()
    children = open(f"/proc/{me}/task/{me}/children").read().split()
    return [open(f"/proc/{c}/cmdline", "rb").read().replace(b"\\0", b" ").decode() for c in children]

def stop(settings):
    deadline = time.monotonic() + 60
    while not all(names := command_lines()) and time.monotonic() < deadline:
        time.sleep(0.01)
    print("prefect" in sys.modules, any("multiprocessing.forkserver" in n for n in names))
    raise SystemExit(0)

cli._checked = stop
cli.app(["run", "--inbox", "inbox", "--warehouse", "warehouse.duckdb"])
"""


@pytest.mark.parametrize(
    ("variables", "started"),
    [
        ({"PREFECT_API_URL": API}, "True"),
        ({"PREFECT_API_URL": API, "MONITOR_RUNNER": "threads"}, "False"),
        ({"PREFECT_SERVER_EPHEMERAL_ENABLED": "false"}, "False"),  # no server named: later
    ],
)
def test_monitor_run_starts_the_fork_server_before_it_imports_prefect_beside_a_lasting_server(
    tmp_path: os.PathLike[str], variables: dict[str, str], started: str
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "MONITOR_"))}
    env.update(PREFECT_HOME=str(tmp_path), **variables)
    done = subprocess.run([sys.executable, "-c", _PROBE], env=env, cwd=tmp_path, timeout=120,
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", started]
