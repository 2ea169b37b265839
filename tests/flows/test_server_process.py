"""Prefect's temporary server runs as `flows.server_process`: uvicorn's command line, with
Prefect's server imported before it, the garbage collector paused meanwhile and its objects
frozen after. A probe application in the server's place reports what its process holds."""

from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from flows.temporary_server import _free_port, server_command, server_environment

PROBE = "tests.flows.gc_probe_app:create"


def _probe_command(port: int) -> list[str]:
    """The temporary server's command, with the probe as the application."""
    command = server_command(port)
    command[command.index("prefect.server.api.server:create_app")] = PROBE
    return command


def _answer(port: int, process: subprocess.Popen[bytes]) -> dict[str, object]:
    deadline = time.monotonic() + 120
    while True:
        assert process.poll() is None, f"the server process ended: {process.returncode}"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as answer:
                return dict(json.loads(answer.read()))
        except OSError:
            assert time.monotonic() < deadline, "no answer within 120 s"
            time.sleep(0.1)


def test_the_server_process_serves_with_prefects_server_imported_frozen_and_collection_on(
    tmp_path: Path,
) -> None:
    # a `flows` package where the run was started must not stand in for ours (-P)
    decoy = tmp_path / "flows"
    decoy.mkdir()
    (decoy / "__init__.py").write_text("")
    (decoy / "server_process.py").write_text("raise SystemExit(7)\n")
    port = _free_port()
    # without PYTHONPATH: the server's environment names this project (the probe is in tests/)
    bare = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    process = subprocess.Popen(_probe_command(port), cwd=tmp_path, env=server_environment(bare))
    try:
        answer = _answer(port, process)
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert answer["prefect_server"] is True
    # Prefect's server makes ~0.45 M objects: frozen, so no collection scans them again
    assert isinstance(answer["frozen"], int) and answer["frozen"] > 200_000
    assert answer["collecting"] is True  # and the collector is on again for what it serves
    # paused while it imported: the import scanned its objects 5 times with collection on
    assert isinstance(answer["oldest_collections"], int) and answer["oldest_collections"] < 3


def test_a_failed_start_keeps_uvicorns_exit_code(tmp_path: Path) -> None:
    """The run moves a server whose port was taken to another port by uvicorn's exit code (3)."""
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        command = _probe_command(taken.getsockname()[1])
        done = subprocess.run(command, cwd=tmp_path, capture_output=True, timeout=120,
                              env=server_environment(os.environ))  # fmt: skip
    assert done.returncode == 3, done.stderr.decode(errors="replace")[-2000:]


def test_the_servers_environment_puts_this_project_first_and_keeps_the_rest() -> None:
    project = str(Path(__file__).resolve().parents[2])
    given = {"PYTHONPATH": os.pathsep.join(["/elders", project, ""]), "OTHER": "1"}
    environment = server_environment(given)
    assert environment["PYTHONPATH"].split(os.pathsep) == [project, "/elders"]
    assert environment["OTHER"] == "1" and given["PYTHONPATH"].startswith("/elders")
    assert server_environment({})["PYTHONPATH"] == project


def test_an_installed_project_is_not_put_ahead_of_the_standard_library(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Installed as a wheel, this project's folder is site-packages: found there already, and on
    PYTHONPATH it would come before the standard library."""
    import sysconfig

    project = str(Path(__file__).resolve().parents[2])
    monkeypatch.setattr(sysconfig, "get_paths", lambda: {"purelib": project, "platlib": project})
    assert server_environment({"PYTHONPATH": "/elders"}) == {"PYTHONPATH": "/elders"}
    assert "PYTHONPATH" not in server_environment({})
