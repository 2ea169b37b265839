"""Prefect's temporary server for `monitor run`, started the moment the run knows its settings.

Without PREFECT_API_URL, Prefect starts a temporary server itself when the flow first calls its
API: it imports the whole server (FastAPI, the database models: ~1.8 s) into the run's own
process, then starts the server and waits for it (~3 s) — seconds in which the run does
nothing else. `monitor run` starts the same server instead (the options and environment of
Prefect's own `SubprocessASGIServer`, its imports unscanned by the garbage collector:
`flows.server_process`) as a process of its own before it imports the pipeline and starts its
workers, and waits for it only when the flow starts. The flow then talks to it
through PREFECT_API_URL, as to any server; the run stops it when it is done (and the watchdog
of `flows.server_watch` when the run is killed).

Earlier still where it can: deciding whether to start it takes Prefect's settings, and importing
them imports Prefect (~1 s), after the pipeline's fail-early checks (~0.7 s). When nothing but
the environment can configure Prefect here (no settings files, no profile that names a server or
turns the temporary one off), `start_before_prefect_loads` starts the server before either; the
check with Prefect's own settings follows (`start_temporary_server`) and stops it if Prefect is
given a server after all.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import os
import socket
import subprocess
import sys
import sysconfig
import time
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flows.server_watch import watch_temporary_server

PORT_IN_USE = 3  # uvicorn's exit code at a failed start, as when its port was taken meanwhile
PORT_ATTEMPTS = 3  # ports tried before a failed start is the server's own fault
HEALTH_POLL_SECONDS = 0.05


class TemporaryServerError(RuntimeError):
    """The temporary Prefect server did not become healthy."""


@dataclass
class TemporaryServer:
    """One temporary Prefect server: its process and port."""

    process: subprocess.Popen[bytes]
    port: int
    environment: dict[str, str] = field(repr=False)
    ready: bool = False

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def wait_until_ready(self, timeout: float) -> None:
        """Block until the server answers its health check (restarted on another port once its
        port turns out to be taken); TemporaryServerError after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        ports_left = PORT_ATTEMPTS - 1
        while not self.ready:
            if self.process.poll() == PORT_IN_USE and ports_left:
                ports_left -= 1
                self.port = _free_port()
                self.process = _spawn(self.port, self.environment)
            elif self.process.poll() is not None:
                raise TemporaryServerError(f"Prefect's temporary server stopped with exit code "
                                           f"{self.process.returncode} before it was ready")  # fmt: skip
            self.ready = _healthy(self.port) and self.process.poll() is None  # and still ours
            if not self.ready:
                if time.monotonic() > deadline:
                    self.stop()
                    raise TemporaryServerError(
                        f"Prefect's temporary server was not ready within {timeout:.0f} s"
                    )
                time.sleep(HEALTH_POLL_SECONDS)

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after 5 s); safe to call twice."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        with contextlib.suppress(ValueError):
            _started.remove(self)


_started: list[TemporaryServer] = []


def start_temporary_server() -> TemporaryServer | None:
    """Start the temporary server without waiting for it; the one already started if any. None
    when Prefect is given a server (PREFECT_API_URL) or may not start one (and a server started
    before Prefect's settings were known is stopped then)."""
    from prefect.settings import get_current_settings

    settings = get_current_settings()
    if settings.api.url or not settings.server.ephemeral.enabled:
        for server in list(_started):
            server.stop()
        return None
    if _started:
        return _started[0]
    return _start(settings.to_environment_variables(exclude_unset=True))


def start_before_prefect_loads() -> TemporaryServer | None:
    """Start the temporary server now, before Prefect and the pipeline are imported, when only
    the environment configures Prefect here and it names no server; else None (and
    `start_temporary_server` decides later, with Prefect's settings)."""
    if "prefect.settings" in sys.modules:  # loaded already (a test, a notebook): ask them
        return start_temporary_server()
    if _started:
        return _started[0]
    if not _only_the_environment_configures_prefect(os.environ, Path.cwd()):
        return None
    return _start({})


# What a server that lives for one run does for no one: automations (their actions and
# triggers: ~0.5 s of the server's CPU, an in-process API client of their own), the streams of
# events and logs to subscribers of its websockets, and registering block types at its start
# (no run uses a block; deciding whether to register imports every Prefect collection installed,
# prefect-dask among them: ~0.5 s of the start). It still records task runs and persists events.
# Set any of them (environment or profile) to have it anyway — registering blocks then happens
# at every start, as nothing is remembered; automations, live streams and blocks belong on a
# lasting server (docs/operations.md).
RUN_SCOPED = {"PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED": "false",
              "PREFECT_SERVER_EVENTS_STREAM_OUT_ENABLED": "false",
              "PREFECT_SERVER_LOGS_STREAM_OUT_ENABLED": "false",
              "PREFECT_SERVER_REGISTER_BLOCKS_ON_START": "false",
              "PREFECT_SERVER_MEMOIZE_BLOCK_AUTO_REGISTRATION": "false"}  # fmt: skip

TRUE_TEXTS = {"1", "true", "yes", "on", "t", "y"}  # what Prefect (pydantic) reads as true
# settings that decide whether and how a temporary server starts; Prefect also reads them from
# these (a profile that sets one has the server start once Prefect's settings are loaded)
_DECIDING = ("API_URL", "EPHEMERAL", "TRIGGERS", "STREAM_OUT", "BLOCK")
_SETTINGS_FILES = (".env", "prefect.toml")
_ELSEWHERE_VARIABLES = ("PREFECT_PROFILE", "PREFECT_PROFILES_PATH", "PREFECT_TEST_MODE",
                        "PREFECT_UNIT_TEST_MODE", "PREFECT_TESTING_UNIT_TEST_MODE",
                        "PREFECT_TESTING_TEST_MODE")  # fmt: skip


def _only_the_environment_configures_prefect(environment: Mapping[str, str], cwd: Path) -> bool:
    """True when Prefect would start a temporary server as far as the environment says, and
    nothing else could say otherwise: no settings file in the working directory
    (.env, prefect.toml, a [tool.prefect] table in pyproject.toml), no profile chosen by
    variable, and no setting about the API or the temporary server in the active profile of
    $PREFECT_HOME/profiles.toml. A cautious subset of how Prefect finds its settings: when in
    doubt, False (the server then starts a second or two later, never wrongly)."""
    enabled = environment.get("PREFECT_SERVER_EPHEMERAL_ENABLED", "true").strip().lower()
    if environment.get("PREFECT_API_URL") or enabled not in TRUE_TEXTS:
        return False
    if any(environment.get(name) for name in _ELSEWHERE_VARIABLES):
        return False
    if any(key.startswith("PREFECT_SERVER_ALLOW_EPHEMERAL") for key in environment):
        return False
    if any((cwd / name).exists() for name in _SETTINGS_FILES):
        return False
    try:
        if "tool.prefect" in (cwd / "pyproject.toml").read_text(encoding="utf-8", errors="replace"):
            return False
    except FileNotFoundError:
        pass
    except OSError:
        return False
    home = Path(environment.get("PREFECT_HOME") or Path.home() / ".prefect").expanduser()
    try:
        profiles = tomllib.loads((home / "profiles.toml").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return True  # Prefect's own default profile: the temporary server
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    table, name = profiles.get("profiles", {}), profiles.get("active")
    if not isinstance(table, dict) or not isinstance(name, str | None):
        return False
    active = table.get(name, {})  # none active, or not there: Prefect's own default profile
    if not isinstance(active, dict):
        return False
    return not any(word in str(key).upper() for key in active for word in _DECIDING)


def _start(settings: dict[str, str]) -> TemporaryServer:
    """Start the server with this process's environment and these Prefect settings (and, first,
    the watchdog that stops it if the run is killed)."""
    watch_temporary_server()  # first: the environment read below then holds the watchdog's token
    environment = {**RUN_SCOPED, **os.environ, **settings, "PREFECT_UI_ENABLED": "0",
                   "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}  # fmt: skip
    port = _free_port()
    server = TemporaryServer(process=_spawn(port, environment), port=port,
                             environment=environment)  # fmt: skip
    _started.append(server)
    atexit.register(server.stop)
    return server


@contextlib.contextmanager
def temporary_server_for_run() -> Iterator[TemporaryServer | None]:
    """The temporary server (started now unless started earlier) as Prefect's API while the
    block runs, stopped after it; nothing when Prefect is given a server.

    What the flow's start costs this process, it does while the server starts (the flow waits
    for the server anyway): Prefect's settings for the run (~0.15 s of pydantic); the flow's
    parameters need no FastAPI (`flows.plain_parameters`). The server's port is known from its
    start; a server that moved to another port (`wait_until_ready`) gets settings naming that
    one."""
    from prefect.settings import get_current_settings, temporary_settings

    server = start_temporary_server()
    if server is None:
        yield None
        return
    try:
        with contextlib.ExitStack() as settings:
            planned = server.api_url
            settings.enter_context(temporary_settings(updates=_run_settings(planned)))
            server.wait_until_ready(get_current_settings().server.ephemeral.startup_timeout_seconds)
            if server.api_url != planned:  # it moved to another port: the settings name that one
                settings.enter_context(temporary_settings(updates=_run_settings(server.api_url)))
            yield server
    finally:
        server.stop()


def _run_settings(api_url: str) -> dict[Any, Any]:
    """Prefect's settings for a run on the temporary server at `api_url`: no UI runs on it (no
    "View at" link to a page that is gone after the run), and no heartbeats (they let a lasting
    server find crashed runs; this one stops with the run, and their thread's one-second sleeps
    held up the end of every run by up to a second)."""
    from prefect.settings import PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY, PREFECT_UI_URL

    return {PREFECT_API_URL: api_url, PREFECT_UI_URL: "", PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}


def _healthy(port: int) -> bool:
    """Whether the server on `port` answers its health check. Plain HTTP on 127.0.0.1 with the
    standard library: an httpx client would first load the CA bundle for TLS it never uses
    (~40 ms of CPU, while the server starts on the same cores)."""
    import http.client  # here: `monitor run` starts the server before it imports much

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
    try:
        connection.request("GET", "/api/health")
        return connection.getresponse().status == 200
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()


def _free_port() -> int:
    """A port on 127.0.0.1 that is free now (the kernel's choice). Free until the server binds
    it, a few seconds later, as with Prefect's own choice of port: a start that finds it taken
    moves to another (`wait_until_ready`)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _spawn(port: int, environment: dict[str, str]) -> subprocess.Popen[bytes]:
    """Prefect's server under uvicorn (`server_command`), started."""
    return subprocess.Popen(server_command(port), env=server_environment(environment))


def server_environment(environment: Mapping[str, str]) -> dict[str, str]:
    """`environment` with the folder of this project's packages first on PYTHONPATH, unless it
    is where Python installs packages: the server's process finds `flows.server_process` as the
    run found `flows`, installed or run from a checkout (its command does not look in the
    working folder: `server_command`); an installed project's folder ahead of the standard
    library would be wrong."""
    own = Path(__file__).resolve().parents[1]
    installed = {Path(sysconfig.get_paths()[kind]).resolve() for kind in ("purelib", "platlib")}
    if own in installed:
        return dict(environment)
    given = (path for path in environment.get("PYTHONPATH", "").split(os.pathsep) if path)
    return {**environment, "PYTHONPATH": os.pathsep.join(dict.fromkeys([str(own), *given]))}


def server_command(port: int) -> list[str]:
    """The command of Prefect's server under uvicorn on `port`, with the options of Prefect's own
    SubprocessASGIServer (`flows.server_process`: uvicorn's command line, the server's imports
    unscanned). -P: a `flows` folder where the run is started is not ours."""
    spec = importlib.util.find_spec("prefect")  # its place, without importing it (~1 s)
    assert spec is not None and spec.origin is not None, "Prefect is not installed"
    return [sys.executable, "-P", "-m", "flows.server_process",
            "--app-dir", str(Path(spec.origin).parent.parent), "--factory",
            "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(port),
            "--log-level", "error", "--lifespan", "on"]  # fmt: skip
