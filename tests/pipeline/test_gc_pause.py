"""The garbage collector kept away from a process's imports (`pipeline.gc_pause`). Each case in
a fresh interpreter: a freeze lasts for the process."""

from __future__ import annotations

from pathlib import Path

from tests.fresh_python import run_fresh as _run


def test_imports_unscanned_pauses_collection_and_freezes_what_the_block_made() -> None:
    out = _run(
        "import gc\n"
        "from pipeline.gc_pause import imports_unscanned\n"
        "before = gc.get_freeze_count()\n"
        "with imports_unscanned():\n"
        "    inside = gc.isenabled()\n"
        "    kept = [[i] for i in range(50_000)]\n"
        "print(inside, gc.isenabled(), gc.get_freeze_count() - before >= 50_000)\n"
    )
    assert out == ["False", "True", "True"]


def test_a_paused_collector_stays_paused_and_a_failed_block_still_freezes() -> None:
    out = _run(
        "import gc\n"
        "from pipeline.gc_pause import imports_unscanned\n"
        "gc.disable()\n"
        "try:\n"
        "    with imports_unscanned():\n"
        "        kept = [[i] for i in range(50_000)]\n"
        "        raise ImportError('missing')\n"
        "except ImportError:\n"
        "    pass\n"
        "print(gc.isenabled(), gc.get_freeze_count() >= 50_000)\n"
    )
    assert out == ["False", "True"]


def test_great_expectations_imports_with_the_collector_paused_and_restored() -> None:
    """A finder ahead of the others notes the collector's state when GX's own modules are looked
    for, and finds nothing itself."""
    out = _run(
        "import gc, sys\n"
        "seen = []\n"
        "class Noting:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.startswith('great_expectations.'):\n"
        "            seen.append(gc.isenabled())\n"
        "        return None\n"
        "sys.meta_path.insert(0, Noting())\n"
        "from pipeline.gx_import import import_great_expectations\n"
        "import_great_expectations()\n"
        "print(len(seen) > 100, any(seen), gc.isenabled())\n"
    )
    assert out == ["True", "False", "True"]


def test_monitor_run_in_process_again_and_again_freezes_once_and_collects(tmp_path: Path) -> None:
    """`monitor run` run by a process that goes on (a test, a notebook): its imports are frozen
    at the first run only, so a garbage cycle that process has not collected by the next run is
    not frozen with it."""
    out = _run(
        "import gc, weakref\n"
        "from typer.testing import CliRunner\n"
        "from flows.cli import app\n"
        f"missing = {str(tmp_path / 'geen-inbox')!r}\n"
        "runner = CliRunner()\n"
        "first = runner.invoke(app, ['run', '--inbox', missing])\n"
        "frozen = gc.get_freeze_count()\n"
        "class Cycle: pass\n"
        "gc.disable()  # the cycle waits for a collection: none comes before the second run\n"
        "cycle = Cycle(); cycle.me = cycle; gone = weakref.ref(cycle); del cycle\n"
        "again = runner.invoke(app, ['run', '--inbox', missing])\n"
        "gc.enable()\n"
        "gc.collect()\n"
        "print(first.exit_code, again.exit_code, frozen > 100_000, gone() is None, gc.isenabled())\n"
    )
    assert out == ["2", "2", "True", "True", "True"]


def test_blocks_on_threads_side_by_side_keep_collection_off_until_the_last_ends() -> None:
    out = _run(
        "import gc, threading\n"
        "from pipeline.gc_pause import gc_paused\n"
        "inside, leave, seen = threading.Event(), threading.Event(), []\n"
        "def other():\n"
        "    with gc_paused():\n"
        "        inside.set()\n"
        "        leave.wait()\n"
        "thread = threading.Thread(target=other)\n"
        "with gc_paused():  # this block first\n"
        "    thread.start()\n"
        "    inside.wait()\n"
        "seen.append(gc.isenabled())  # the other block still under way\n"
        "leave.set()\n"
        "thread.join()\n"
        "seen.append(gc.isenabled())\n"
        "with gc_paused():\n"
        "    with gc_paused():\n"
        "        pass\n"
        "    seen.append(gc.isenabled())  # nested on one thread\n"
        "print(*seen, gc.isenabled())\n"
    )
    assert out == ["False", "True", "False", "True"]
