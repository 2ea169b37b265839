"""An analyst reading monitor.duckdb in another process while the nightly flow runs.

The reader is never blocked and never blocks; each answer is the complete old or new state.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from pipeline.settings import Settings
from pipeline.warehouse.store import open_published
from pipeline.warehouse.versions import kept_versions

STATE_SQL = (
    "SELECT (SELECT count(*) FROM core.incident), (SELECT count(*) FROM ops.delivery), "
    "(SELECT coalesce(sum(rows_loaded), 0) FROM ops.delivery WHERE status = 'loaded')"
)
READER = """
import duckdb, json, os, sys, time
path, stop, hold = sys.argv[1], sys.argv[2], sys.argv[3] == "hold"
sql = sys.argv[4]
held = duckdb.connect(path, read_only=True) if hold else None
while not os.path.exists(stop):
    try:
        con = held or duckdb.connect(path, read_only=True)
        state = con.execute(sql).fetchone()
        if not hold:
            con.close()
        print(json.dumps({"state": list(state)}), flush=True)
    except Exception as exc:  # every failure is reported to the test, not hidden
        print(json.dumps({"error": repr(exc)}), flush=True)
    time.sleep(0.05)  # often enough to see the switch; not so often it slows the run on 2 cores
"""


def copy_inbox(sample: Path, target: Path, organisations: list[str]) -> None:
    """A sample's manifest, reference and the inbox folders of some organisations."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(sample / "sample.json", target / "sample.json")
    shutil.copytree(sample / "reference", target / "reference", dirs_exist_ok=True)
    for org in organisations:
        shutil.copytree(sample / "inbox" / org, target / "inbox" / org, dirs_exist_ok=True)


def state(path: Path) -> list[int]:
    with open_published(path) as wh:
        return [int(v) for v in wh.query(STATE_SQL).iloc[0]]


def start_reader(path: Path, stop: Path, mode: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", READER, str(path), str(stop), mode, STATE_SQL],
                            stdout=subprocess.PIPE, text=True)  # fmt: skip


def answers(reader: subprocess.Popen[str]) -> list[dict[str, Any]]:
    out, _ = reader.communicate(timeout=60)
    return [json.loads(line) for line in out.splitlines()]


def test_a_reader_in_another_process_sees_the_old_or_the_new_state_and_never_blocks(
    nightly_run: dict[str, Any], tmp_path: Path
) -> None:
    from flows.nightly import run_nightly

    sample = nightly_run["sample"]
    organisations = sorted(p.name for p in (sample / "inbox").iterdir())[:45]
    root = tmp_path / "sample"
    copy_inbox(sample, root, organisations[:15])
    settings = Settings(inbox_dir=root / "inbox", warehouse_path=tmp_path / "wh" / "monitor.duckdb",
                        keep_versions=3, sample_mode=True)  # fmt: skip
    run_nightly(settings)
    old = state(settings.warehouse_path)
    copy_inbox(sample, root, organisations[15:])

    stop = tmp_path / "stop"
    readers = {
        mode: start_reader(settings.warehouse_path, stop, mode) for mode in ("hold", "reconnect")
    }
    time.sleep(1.0)  # both readers are querying before the run starts
    started = time.monotonic()
    summary = run_nightly(settings)
    took = time.monotonic() - started
    time.sleep(0.5)
    stop.touch()
    seen = {mode: answers(reader) for mode, reader in readers.items()}
    new = state(settings.warehouse_path)

    assert summary.files_new == sum(
        1 for o in organisations[15:] for _ in (root / "inbox" / o).iterdir()
    )
    assert new != old and took < 120
    for mode, got in seen.items():
        assert got and not [a for a in got if "error" in a], (mode, got[:3])
        assert {tuple(a["state"]) for a in got} <= {tuple(old), tuple(new)}, mode
    assert {tuple(a["state"]) for a in seen["hold"]} == {
        tuple(old)
    }  # a held connection keeps its version
    assert tuple(seen["reconnect"][0]["state"]) == tuple(old)
    assert tuple(seen["reconnect"][-1]["state"]) == tuple(new)
    assert len(kept_versions(settings.warehouse_path)) == 2
