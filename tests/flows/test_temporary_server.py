"""`monitor run` as a data engineer runs it: Prefect's temporary server, in its own process."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from tests.conftest import PROFILE_FIXTURES, TEST_KEY, load_spec, write_source


def test_run_on_the_temporary_server_prints_no_traceback(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    for folder in sorted(PROFILE_FIXTURES.iterdir()):
        write_source(load_spec(folder / "source.yaml"), inbox)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(tmp_path / "prefect"), MONITOR_PSEUDONYM_KEY=TEST_KEY.decode())
    command = [sys.executable, "-m", "flows.cli", "run", "--inbox", str(inbox),
               "--warehouse", str(tmp_path / "wh" / "monitor.duckdb"), "--json"]  # fmt: skip

    done = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=300, check=False
    )

    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "Traceback" not in output
    assert "telemetry" not in output.lower()
    assert "View at" not in output  # no link to a UI that is not served and gone after the run
    summary = json.loads(done.stdout[done.stdout.index("{") :])
    assert summary["files_new"] == 5


# Events still queued when the run drains them, as the report's artifact event is at the end of
# a night with nothing new: in a process of its own, as `monitor run` drains (in the test process
# Prefect hands the drain back as a coroutine, and nothing waits for it).
_QUEUED_EVENTS_RUN = """
from prefect.events import emit_event

from flows.drain import drain_task_runs
from flows.temporary_server import temporary_server_for_run
from tests.flows.tiny import tiny

with temporary_server_for_run():
    state = tiny(return_state=True)
    for number in range(3000):
        emit_event(event="monitor.test.queued", resource={"prefect.resource.id": f"t.{number}"})
    drain_task_runs(state.state_details.flow_run_id, expected_task_runs=1)
print("drained")
"""


def test_the_drain_waits_for_queued_events_without_a_warning(tmp_path: Path) -> None:
    """Prefect warned "Still processing items: 1 items remaining..." when the run drained its
    events: our drain is meant to wait for them, and a data engineer would take it for trouble."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    # no logs to the server: draining them first would give the events time to go out; a fresh
    # home migrates the server's database at its start (9–23 s on these machines, more while
    # the suite runs beside it): Prefect's 20 s to start is not what this test is about
    env.update(PREFECT_HOME=str(tmp_path / "prefect"), PREFECT_LOGGING_TO_API_ENABLED="false",
               PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="300")  # fmt: skip

    done = subprocess.run([sys.executable, "-c", _QUEUED_EVENTS_RUN], env=env,
                          capture_output=True, text=True, timeout=300, check=False)  # fmt: skip

    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "drained" in done.stdout
    assert "Still processing" not in output
    assert "WARNING" not in output


# Prefect's EventsWorker, drained in the test process itself, leaves a coroutine of its own
# unawaited; not ours to fix, and not what this test is about.
@pytest.mark.filterwarnings("ignore:coroutine '.*' was never awaited:RuntimeWarning")
def test_the_drain_raises_when_task_runs_are_missing(prefect_harness: None) -> None:
    """A flow run whose task runs the server never records: the drain waits out its time-out
    and then says so, instead of returning as if the history were complete (the complete case
    is every other flow test: run_nightly drains after each run)."""
    import time

    from flows.drain import TaskRunsNotRecordedError, drain_task_runs
    from tests.flows.tiny import tiny

    state = tiny(return_state=True)
    flow_run_id = state.state_details.flow_run_id
    start = time.monotonic()
    with pytest.raises(TaskRunsNotRecordedError, match="1 of 3 task runs"):
        drain_task_runs(flow_run_id, expected_task_runs=3, timeout=2)
    assert time.monotonic() - start >= 2


@pytest.fixture
def no_server_configured(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Prefect as `monitor run` finds it on a fresh machine: no PREFECT_API_URL, its own home
    (whose database the server migrates at its start: more than Prefect's 20 s to start while
    the suite runs beside it, so 300 s)."""
    from prefect.settings import (
        PREFECT_API_URL,
        PREFECT_HOME,
        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS,
        temporary_settings,
    )

    with temporary_settings(updates={PREFECT_HOME: tmp_path / "prefect",
                                     PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS: 300},
                            restore_defaults={PREFECT_API_URL}):  # fmt: skip
        yield


def test_the_temporary_server_is_prefects_api_during_the_run_and_stops_after(
    no_server_configured: None,
) -> None:
    import httpx
    from prefect.settings import get_current_settings

    from flows.temporary_server import start_temporary_server, temporary_server_for_run

    beats = get_current_settings().flows.heartbeat_frequency
    early = start_temporary_server()  # as `monitor run` does before importing the pipeline
    assert early is not None and early.process.poll() is None
    with temporary_server_for_run() as server:
        assert server is early  # the one started early, not a second one
        assert get_current_settings().api.url == server.api_url
        assert httpx.get(f"{server.api_url}/health").status_code == 200
        # no heartbeats to a server that stops with the run: their thread's one-second sleeps
        # held up the end of every run by up to a second
        assert get_current_settings().flows.heartbeat_frequency is None
        services = _services(server.api_url)
        # it records the run's task runs and keeps its events; automations, live streams of
        # events and logs, and block types registered at its start are for no one on a server
        # that stops with the run
        assert services == {"task_run_recorder": True, "event_persister": True,
                            "triggers": False, "events_stream_out": False,
                            "logs_stream_out": False, "register_blocks": False,
                            "memoize_block_registration": False}  # fmt: skip
    assert early.process.poll() is not None, "the temporary server outlived the run"
    assert get_current_settings().api.url is None
    assert get_current_settings().flows.heartbeat_frequency == beats  # a real server's runs beat


def _services(api_url: str) -> dict[str, bool]:
    """Which services a running server has on, as its own settings say (/admin/settings)."""
    import httpx

    server = httpx.get(f"{api_url}/admin/settings", timeout=10).json()["server"]
    return {"task_run_recorder": server["services"]["task_run_recorder"]["enabled"],
            "event_persister": server["services"]["event_persister"]["enabled"],
            "triggers": server["services"]["triggers"]["enabled"],
            "events_stream_out": server["events"]["stream_out_enabled"],
            "logs_stream_out": server["logs"]["stream_out_enabled"],
            "register_blocks": server["register_blocks_on_start"],
            "memoize_block_registration": server["memoize_block_auto_registration"]}  # fmt: skip


def test_a_service_the_environment_turns_on_runs_on_the_temporary_server(
    no_server_configured: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.temporary_server import temporary_server_for_run

    monkeypatch.setenv("PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED", "true")
    with temporary_server_for_run() as server:
        assert server is not None
        services = _services(server.api_url)
    assert services["triggers"] is True  # asked for: automations run
    assert services["events_stream_out"] is False  # not asked for: still off


def test_a_port_taken_meanwhile_moves_the_server_to_a_free_one(no_server_configured: None) -> None:
    import socket

    from flows.temporary_server import TemporaryServer, _spawn

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = TemporaryServer(process=_spawn(port, dict(os.environ)), port=port,
                                 environment=dict(os.environ))  # fmt: skip
        try:
            server.wait_until_ready(timeout=120)
            assert server.port != port
        finally:
            server.stop()
    assert server.process.poll() is not None


def test_the_run_names_the_port_a_moved_server_took(
    no_server_configured: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The run's settings are made while the server starts, for the port it started on; a
    server that moved to another port (its first was taken meanwhile) is the API on that one."""
    import socket

    from prefect.settings import get_current_settings

    from flows import temporary_server
    from flows.temporary_server import temporary_server_for_run

    free_port = temporary_server._free_port
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        ports = iter([port])
        monkeypatch.setattr(
            temporary_server, "_free_port", lambda: next(ports, None) or free_port()
        )
        with temporary_server_for_run() as server:
            assert server is not None and server.port != port
            assert get_current_settings().api.url == f"http://127.0.0.1:{server.port}/api"
            assert get_current_settings().flows.heartbeat_frequency is None
    assert get_current_settings().api.url is None


def test_a_server_that_cannot_start_is_said_not_retried_forever(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A start that fails on every port (a broken database, say) ends in an error naming the
    exit code after three ports, not in restarts until the time-out."""
    from flows import temporary_server
    from flows.temporary_server import TemporaryServer, TemporaryServerError

    started: list[int] = []

    def failing(port: int, environment: dict[str, str]) -> subprocess.Popen[bytes]:
        started.append(port)
        return subprocess.Popen([sys.executable, "-c", "import sys; sys.exit(3)"])

    monkeypatch.setattr(temporary_server, "_spawn", failing)
    server = TemporaryServer(process=failing(1, {}), port=1, environment={})
    with pytest.raises(TemporaryServerError, match="exit code 3"):
        server.wait_until_ready(timeout=120)
    assert len(started) == 3


# `monitor run` starts the temporary server before it imports Prefect, when nothing but the
# environment configures Prefect; what may configure it otherwise keeps the later start.
def _clean(tmp_path: Path, **variables: str) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    return {"PREFECT_HOME": str(home), "PREFECT_SERVER_EPHEMERAL_ENABLED": "true", **variables}


def test_a_bare_environment_lets_the_server_start_before_prefect_loads(tmp_path: Path) -> None:
    from flows.temporary_server import _only_the_environment_configures_prefect as early

    cwd = tmp_path / "cwd"
    cwd.mkdir()
    assert early(_clean(tmp_path), cwd)
    (cwd / "pyproject.toml").write_text('[project]\nname = "x"\n')  # no [tool.prefect]
    assert early(_clean(tmp_path), cwd)
    (tmp_path / "home" / "profiles.toml").write_text(
        'active = "werk"\n[profiles.werk]\nPREFECT_LOGGING_LEVEL = "INFO"\n'
        '[profiles.local]\nPREFECT_API_URL = "http://127.0.0.1:4200/api"\n'  # not active
    )
    assert early(_clean(tmp_path), cwd)


@pytest.mark.parametrize(
    "variables",
    [{"PREFECT_API_URL": "http://127.0.0.1:4200/api"}, {"PREFECT_SERVER_EPHEMERAL_ENABLED": "false"},
     {"PREFECT_SERVER_ALLOW_EPHEMERAL_MODE": "false"}, {"PREFECT_PROFILE": "local"},
     {"PREFECT_PROFILES_PATH": "/elders/profiles.toml"}, {"PREFECT_TEST_MODE": "1"}],
)  # fmt: skip
def test_a_variable_that_may_name_a_server_keeps_the_later_start(
    tmp_path: Path, variables: dict[str, str]
) -> None:
    from flows.temporary_server import _only_the_environment_configures_prefect as early

    assert not early(_clean(tmp_path, **variables), tmp_path)


@pytest.mark.parametrize(
    ("name", "text"),
    [(".env", "PREFECT_LOGGING_LEVEL=INFO\n"), ("prefect.toml", "[logging]\nlevel = 'INFO'\n"),
     ("pyproject.toml", "[tool.prefect]\napi.url = 'http://127.0.0.1:4200/api'\n")],
)  # fmt: skip
def test_a_settings_file_in_the_working_directory_keeps_the_later_start(
    tmp_path: Path, name: str, text: str
) -> None:
    from flows.temporary_server import _only_the_environment_configures_prefect as early

    (tmp_path / name).write_text(text)
    assert not early(_clean(tmp_path), tmp_path)


@pytest.mark.parametrize(
    "profiles",
    ['active = "local"\n[profiles.local]\nPREFECT_API_URL = "http://127.0.0.1:4200/api"\n',
     'active = "uit"\n[profiles.uit]\nPREFECT_SERVER_EPHEMERAL_ENABLED = "false"\n',
     'active = "local"\n[profiles.local\n',  # not TOML: Prefect's reading of it is not guessed
     'active = ["local"]\n', 'profiles = "local"\n',  # TOML, but not as Prefect writes it
     'active = "a"\n[profiles.a]\nPREFECT_SERVER_SERVICES_TRIGGERS_ENABLED = "true"\n',
     'active = "a"\n[profiles.a]\nPREFECT_API_BLOCKS_REGISTER_ON_START = "true"\n'],
)  # fmt: skip
def test_an_active_profile_that_may_name_a_server_keeps_the_later_start(
    tmp_path: Path, profiles: str
) -> None:
    from flows.temporary_server import _only_the_environment_configures_prefect as early

    cwd = tmp_path / "cwd"
    cwd.mkdir()
    environment = _clean(tmp_path)
    (Path(environment["PREFECT_HOME"]) / "profiles.toml").write_text(profiles)
    assert not early(environment, cwd)


_EARLY_START = """
import sys
from flows.temporary_server import start_before_prefect_loads

server = start_before_prefect_loads()
print("started", server is not None, "prefect loaded", "prefect" in sys.modules, flush=True)
server.wait_until_ready(120)
server.stop()
"""


def test_the_early_start_starts_a_working_server_without_loading_prefect(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["PREFECT_HOME"] = str(tmp_path / "prefect")
    done = subprocess.run([sys.executable, "-c", _EARLY_START], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("started True prefect loaded False"), done.stdout


def test_a_server_started_early_is_stopped_when_prefect_names_a_server(
    no_server_configured: None,
) -> None:
    """The early start reads a cautious part of Prefect's settings; where the whole of them
    names a server after all, the temporary one started early is stopped, not used."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows import temporary_server
    from flows.temporary_server import _start, start_temporary_server

    early = _start({})
    try:
        with temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:9/api"}):
            assert start_temporary_server() is None
        assert early.process.wait(timeout=30) is not None
        assert early not in temporary_server._started
    finally:
        early.stop()


class _Health(BaseHTTPRequestHandler):
    """A stand-in for the server's health endpoint: 200, 503, or a dropped connection."""

    answers: ClassVar[dict[str, int]] = {"/api/health": 200}

    def do_GET(self) -> None:
        status = self.answers.get(self.path, 404)
        if status == 0:
            self.close_connection = True
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)  # no status line at all
            return
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *_: object) -> None:
        """Quiet."""


@pytest.mark.parametrize(("status", "healthy"), [(200, True), (503, False), (0, False)])
def test_the_health_check_is_plain_http_on_127_0_0_1(status: int, healthy: bool) -> None:
    from flows.temporary_server import _healthy

    handler = type("Answer", (_Health,), {"answers": {"/api/health": status}})
    with ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            assert _healthy(server.server_address[1]) is healthy
        finally:
            server.shutdown()


def test_the_health_check_of_a_port_nothing_listens_on_is_false() -> None:
    from flows.temporary_server import _free_port, _healthy

    assert _healthy(_free_port()) is False


_ENTRY = """
import sys
import flows.temporary_server as temporary_server
calls = []
temporary_server.start_before_prefect_loads = lambda: calls.append(
    sorted(name for name in ("typer", "rich", "prefect", "pandas") if name in sys.modules))
sys.argv = ["monitor", *sys.argv[1:]]
import atexit
from flows.entry import main
atexit.register(lambda: print("calls", calls))  # a run ends its process: no `finally` after it
main()
"""


@pytest.mark.parametrize(
    ("arguments", "calls"),
    [(["run", "--inbox", "geen-inbox"], "calls [[], ['rich', 'typer']]"),  # first before the CLI
     (["run", "--help"], "calls []"), (["status", "--help"], "calls []")],
)  # fmt: skip
def test_monitor_run_starts_the_server_before_the_command_line_loads(
    tmp_path: Path, arguments: list[str], calls: str
) -> None:
    """`monitor run` starts the temporary server first thing (the command line's own imports
    came first: ~0.15 s longer before the flow could start); help and other commands start none."""
    done = subprocess.run([sys.executable, "-c", _ENTRY, *arguments], cwd=tmp_path, text=True,
                          capture_output=True, timeout=120, check=False)  # fmt: skip
    assert done.stdout.strip().endswith(calls), done.stdout + done.stderr
