"""`monitor run` as a data engineer runs it: Prefect's temporary server, in its own process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

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
    summary = json.loads(done.stdout[done.stdout.index("{") :])
    assert summary["files_new"] == 5
