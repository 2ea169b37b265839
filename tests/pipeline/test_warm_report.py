"""The flow warms the report up while the workers process the night."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

_WARM = """
import sys

import pytest
from pipeline.night.steps import REPORT_MODULES, warm_report
before = [m for m in REPORT_MODULES if m in sys.modules]
warm_report()
after = [m for m in REPORT_MODULES if m in sys.modules]
print(before, after == list(REPORT_MODULES))
"""


def test_warming_the_report_loads_what_the_report_imports() -> None:
    done = subprocess.run([sys.executable, "-c", _WARM], capture_output=True, text=True,
                          timeout=120, check=True)  # fmt: skip
    assert done.stdout.split() == ["[]", "True"], done.stdout + done.stderr


def test_warming_the_report_never_fails_the_night(monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.night import steps

    monkeypatch.setattr(steps, "REPORT_MODULES", ("pipeline.publication.bestaat_niet",))
    steps.warm_report()  # the report itself says what is wrong, later


def test_only_a_night_of_modest_size_warms_the_report_beside_its_deliveries(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Warmed up, the flow holds ~130 MB more while it holds a load batch's rows: a large night
    (scale 100) does without, to stay under 2 GB."""
    import datetime as dt
    from pathlib import Path

    from connectors import InboxFile
    from pipeline.night import steps

    warmed: list[str] = []
    monkeypatch.setattr(steps, "warm_report", lambda: warmed.append("warm"))

    def files(size: int) -> list[InboxFile]:
        at = dt.datetime(2025, 4, 1, tzinfo=dt.UTC)
        return [InboxFile(Path(f"GM0344/q{i}.csv"), "GM0344", f"h{i}", at, size) for i in range(4)]

    thread = steps.warm_report_beside(files(steps.WARM_REPORT_BYTES // 4))
    assert thread is not None
    thread.join(timeout=30)
    assert warmed == ["warm"]
    assert steps.warm_report_beside(files(steps.WARM_REPORT_BYTES // 4 + 1)) is None
    assert warmed == ["warm"]


def test_a_small_inbox_warms_the_report_before_the_flow_starts(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """While `monitor run` waits for Prefect's temporary server, for an inbox (the files of
    earlier nights too) of at most WARM_REPORT_BYTES, counted without following a link."""
    from pipeline.night import steps

    warmed: list[str] = []
    monkeypatch.setattr(steps, "warm_report", lambda: warmed.append("warm"))
    monkeypatch.setattr(steps, "WARM_REPORT_BYTES", 1000)
    inbox = tmp_path / "inbox"
    (inbox / "GM0344").mkdir(parents=True)
    (inbox / "GM0363").mkdir()
    (inbox / "GM0344" / "a.csv").write_bytes(b"x" * 400)
    (inbox / "GM0363" / "b.xlsx").write_bytes(b"x" * 600)  # 1,000 bytes: at the limit
    big = tmp_path / "elders.csv"
    big.write_bytes(b"x" * 5000)
    (inbox / "GM0363" / "link.csv").symlink_to(big)  # never followed, so not counted
    (inbox / "los.csv").write_bytes(b"x" * 5000)  # not in an organisation's folder

    thread = steps.warm_report_early(inbox)
    assert thread is not None
    thread.join(timeout=30)
    assert warmed == ["warm"]

    (inbox / "GM0344" / "c.csv").write_bytes(b"x")  # 1,001 bytes
    assert steps.warm_report_early(inbox) is None
    assert steps.warm_report_early(tmp_path / "bestaat-niet") is None
    assert warmed == ["warm"]


@pytest.mark.skipif(sys.platform != "linux", reason="a nice value per thread is Linux's")
def test_the_report_warms_up_at_a_lower_priority_than_the_run(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The warm-up is needed only once the flow runs; Prefect's temporary server, which the flow
    waits for, may be starting meanwhile (`pipeline.priority`). The run's own thread keeps its
    priority."""
    import os
    import threading

    from pipeline.night import steps

    seen: list[int] = []
    monkeypatch.setattr(
        steps, "warm_report",
        lambda: seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id())),
    )  # fmt: skip
    before = os.getpriority(os.PRIO_PROCESS, 0)
    (tmp_path / "GM0344").mkdir()
    thread = steps.warm_report_early(tmp_path)
    assert thread is not None
    thread.join(timeout=30)
    assert seen == [min(19, before + 10)]
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == before
