"""Prefect's temporary server runs as `flows.server_process`: uvicorn with the options of its
command line, with Prefect's server imported before it, the garbage collector paused meanwhile
and its objects frozen after, and a server that stops as soon as it is asked to. A probe
application in the server's place reports what its process holds."""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import signal
import subprocess
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from flows import server_process
from flows.server_process import PromptServer
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


class _SlowApp:
    """An ASGI application: "/slow" answers a second after its request arrived (`arrived` is set
    then), anything else at once."""

    def __init__(self) -> None:
        self.arrived = threading.Event()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        if scope["path"] == "/slow":
            self.arrived.set()
            await asyncio.sleep(1.0)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"antwoord " + scope["path"].encode()})


def _serving(app: _SlowApp) -> tuple[PromptServer, threading.Thread, int]:
    """A PromptServer with `app` on 127.0.0.1 in a thread (no signals there: the test asks it
    to stop as a signal would, with `handle_exit`), once it serves."""
    port = _free_port()
    server = PromptServer(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error",
                                         lifespan="on"))  # fmt: skip
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.01)
    return server, thread, port


def test_a_stop_request_ends_the_servers_wait_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """uvicorn looks at a stop request on its tick and then pauses for connections that have
    closed already: with both made 60 s, a server that waited for either would still run."""
    monkeypatch.setattr(server_process, "TICK_SECONDS", 60.0)
    monkeypatch.setattr(server_process, "CLOSE_GRACE_SECONDS", 60.0)
    server, thread, port = _serving(_SlowApp())
    idle = http.client.HTTPConnection("127.0.0.1", port, timeout=10)  # kept alive, idle
    idle.request("GET", "/")
    assert idle.getresponse().read() == b"antwoord /"
    server.handle_exit(signal.SIGTERM, None)
    thread.join(timeout=15)
    assert not thread.is_alive(), "the server still runs 15 s after it was asked to stop"
    idle.close()


def test_a_request_under_way_when_the_stop_comes_is_still_answered() -> None:
    app = _SlowApp()
    server, thread, port = _serving(app)
    answers: list[tuple[int, bytes]] = []

    def ask() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", "/slow")
        response = connection.getresponse()
        answers.append((response.status, response.read()))

    asking = threading.Thread(target=ask)
    asking.start()
    assert app.arrived.wait(timeout=30), "the request did not arrive"
    server.handle_exit(signal.SIGTERM, None)
    asking.join(timeout=30)
    thread.join(timeout=30)
    assert answers == [(200, b"antwoord /slow")]
    assert not thread.is_alive()
