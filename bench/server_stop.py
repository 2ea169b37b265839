"""How long Prefect's temporary server takes to stop, as `monitor run` stops it at its end.

    .venv/bin/python bench/server_stop.py [--starts 4] [--uvicorn]

Starts the temporary server's command (`flows.temporary_server.server_command`: Prefect's server
under `flows.server_process.PromptServer`) on a free port with a Prefect home of its own, waits
until it answers its health check and a second more, then times SIGTERM until the process has
ended (what `TemporaryServer.stop` waits for), `--starts` times. With --uvicorn the same with
uvicorn's own server (`python -m uvicorn` with the same options, as Prefect's own
SubprocessASGIServer starts it), for comparison. Prints the times; asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from tree import monitor_env, prefect_database  # bench/tree.py

from flows.temporary_server import RUN_SCOPED, _free_port, server_command, server_environment


def stop_seconds(command: list[str], env: dict[str, str], port: int) -> float:
    """Start the server, wait until it answers and a second more, then time its stop."""
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the server did not start (exit code {process.poll()})") from None
            time.sleep(0.05)
    time.sleep(1.0)
    started = time.perf_counter()
    process.terminate()
    process.wait(timeout=30)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=4)
    parser.add_argument("--uvicorn", action="store_true", help="uvicorn's own server instead")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="server-stop-") as work:
        env = monitor_env(Path(work))
        prefect_database(env)
        env = server_environment({**RUN_SCOPED, **env, "PREFECT_UI_ENABLED": "0",
                                  "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"})  # fmt: skip
        times = []
        for _ in range(options.starts):
            port = _free_port()
            command = server_command(port)
            if options.uvicorn:  # python -m uvicorn with the same options
                command = [sys.executable, "-m", "uvicorn", *command[command.index("--app-dir") :]]
            times.append(stop_seconds(command, env, port))
            print(f"stopped in {times[-1]:.3f} s", flush=True)
    server = "uvicorn's own server" if options.uvicorn else "PromptServer"
    print(
        f"{server}, {len(times)} starts: median {statistics.median(times):.3f} s, "
        f"{min(times):.3f}–{max(times):.3f} s"
    )


if __name__ == "__main__":
    main()
