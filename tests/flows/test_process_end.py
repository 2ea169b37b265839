"""`monitor run` ends its process as the interpreter would, without freeing its objects one by
one (`flows.process_end`): threads joined, exit handlers run, stdout and stderr flushed, the same
exit status; only what would happen as the heap is taken apart does not."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import TEST_KEY

ROOT = Path(__file__).resolve().parents[2]
MONITOR = "import sys; from flows.entry import main; sys.argv[0] = 'monitor'; main()"

PROGRAM = """
import atexit, sys, threading, time, weakref
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from flows.process_end import end_process

out = Path(sys.argv[1])
code = eval(sys.argv[2])

def late_thread():
    time.sleep(0.3)
    (out / "thread").write_text("joined")

class FreedAtExit:
    def __del__(self):
        (out / "freed").write_text("freed")

class Kept:
    pass

threading.Thread(target=late_thread).start()  # not a daemon: joined before the exit handlers
pool = ThreadPoolExecutor(max_workers=1)  # an idle worker: ended by threading's exit callbacks
pool.submit(lambda: None).result()
atexit.register(lambda: (out / "handler").write_text("ran " + str((out / "thread").exists())))
kept = Kept()
weakref.finalize(kept, lambda: (out / "finalized").write_text("at exit"))
holder = FreedAtExit()  # freed only when the interpreter takes its heap apart
print("summary without a newline", end="")  # in stdout's buffer (a pipe: block-buffered)
print("a warning", file=sys.stderr, end="")
end_process(code)
"""


def _end(tmp_path: Path, code: str) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "program.py"
    script.write_text(textwrap.dedent(PROGRAM), encoding="utf-8")
    return subprocess.run([sys.executable, str(script), str(tmp_path), code], cwd=ROOT,
                          capture_output=True, text=True, timeout=60,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})  # fmt: skip


@pytest.mark.parametrize(("code", "status"), [("0", 0), ("3", 3), ("None", 0), ("True", 1)])
def test_status_output_threads_and_handlers_as_at_the_interpreters_exit(
    tmp_path: Path, code: str, status: int
) -> None:
    ended = _end(tmp_path, code)
    assert ended.returncode == status, ended.stderr
    assert ended.stdout == "summary without a newline"
    assert ended.stderr == "a warning"
    assert (tmp_path / "thread").read_text() == "joined"
    assert (tmp_path / "handler").read_text() == "ran True"  # after the thread was joined
    assert (tmp_path / "finalized").read_text() == "at exit"


def test_a_message_as_the_code_is_printed_and_the_status_is_one(tmp_path: Path) -> None:
    ended = _end(tmp_path, "'De run is niet gestart.'")
    assert ended.returncode == 1
    assert ended.stderr == "a warningDe run is niet gestart.\n"
    assert ended.stdout == "summary without a newline"


def test_the_heap_is_not_taken_apart(tmp_path: Path) -> None:
    """What only the interpreter's freeing of objects would do is not done (the time it took
    after a night): an object left to be freed at exit is not."""
    ended = _end(tmp_path, "0")
    assert ended.returncode == 0, ended.stderr
    assert not (tmp_path / "freed").exists()


def test_stdout_that_cannot_be_written_gives_pythons_status(tmp_path: Path) -> None:
    script = tmp_path / "closed.py"
    script.write_text("import sys\nfrom flows.process_end import end_process\n"
                      "print('x' * 100)\nsys.stdin.read()\nend_process(0)\n",
                      encoding="utf-8")  # fmt: skip
    ending = subprocess.Popen([sys.executable, str(script)], cwd=ROOT, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              env={"PYTHONPATH": str(ROOT)})  # fmt: skip
    assert ending.stdout is not None and ending.stdin is not None
    ending.stdout.close()  # nobody reads: the flush at the end fails
    ending.stdin.close()  # and now it ends
    assert ending.wait(timeout=60) == 120


def _monitor(tmp_path: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """`monitor` as its console script runs it (`flows.entry.main`), with a Prefect of its own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "MONITOR_"))}
    env.update(PREFECT_HOME=str(tmp_path / "prefect"), MONITOR_PSEUDONYM_KEY=TEST_KEY.decode(),
               PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="300", PYTHONPATH=str(ROOT))  # fmt: skip
    return subprocess.run([sys.executable, "-c", MONITOR, *arguments], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600, check=False)  # fmt: skip


def test_a_night_ends_with_its_summary_and_status_zero(tmp_path: Path) -> None:
    """The whole command: an empty inbox on a new warehouse, its summary as JSON on stdout (a
    pipe: written at the end), the warehouse published, Prefect's server stopped."""
    (tmp_path / "inbox").mkdir()
    warehouse = tmp_path / "wh" / "monitor.duckdb"
    ended = _monitor(tmp_path, "run", "--inbox", str(tmp_path / "inbox"), "--warehouse",
                     str(warehouse), "--json")  # fmt: skip
    assert ended.returncode == 0, ended.stderr
    assert json.loads(ended.stdout)["files_new"] == 0
    assert warehouse.is_file() and not warehouse.with_name(warehouse.name + ".wal").exists()


def test_a_refused_run_ends_with_its_status_and_message(tmp_path: Path) -> None:
    warehouse = tmp_path / "wh" / "monitor.duckdb"
    missing = _monitor(tmp_path, "run", "--inbox", str(tmp_path / "inbx"), "--warehouse",
                       str(warehouse))  # fmt: skip
    assert missing.returncode == 2
    assert f"inbox {tmp_path / 'inbx'} bestaat niet" in missing.stdout + missing.stderr
    (tmp_path / "inbox").mkdir()
    warehouse.parent.mkdir()
    with warehouse.with_name("monitor.duckdb.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # the other run
        refused = _monitor(tmp_path, "run", "--inbox", str(tmp_path / "inbox"), "--warehouse",
                           str(warehouse))  # fmt: skip
    assert refused.returncode == 3
    assert "er draait al een nachtelijke run" in refused.stdout + refused.stderr
