"""Group results come back in group order, and behind a slow group the later ones wait to start
instead of piling up their rows in the flow (`flows.nightly.in_group_order`)."""

from __future__ import annotations

import time

import pytest
from prefect import flow, task
from prefect.task_runners import ThreadPoolTaskRunner


@task
def slow_first(index: int) -> list[int]:
    time.sleep(1.0 if index == 0 else 0.02)  # the first group holds up the ones behind it
    return [index] * 3


@pytest.mark.usefixtures("prefect_harness")
def test_groups_come_in_order_and_no_more_than_the_window_run_ahead() -> None:
    from flows.nightly import in_group_order

    submitted_ahead: list[int] = []
    received: list[list[int]] = []

    @flow
    def night() -> None:
        with ThreadPoolTaskRunner(max_workers=4) as runner:

            def submit(index: int):  # type: ignore[no-untyped-def]
                submitted_ahead.append(index - len(received))
                return runner.submit(slow_first, {"index": index})

            for group in in_group_order(submit, count=8, window=3):
                received.append(list(group))

    night()
    assert received == [[i] * 3 for i in range(8)]
    assert len(submitted_ahead) == 8 and max(submitted_ahead) == 2  # never beyond the window


@pytest.mark.usefixtures("prefect_harness")
@pytest.mark.parametrize("count", [0, 8])
def test_the_work_meanwhile_runs_once_after_the_first_groups_are_submitted(count: int) -> None:
    """The reference tables are written while the workers start (`meanwhile`): once, after the
    window's groups are submitted and before any is handed out; without groups too."""
    from flows.nightly import in_group_order

    log: list[str] = []

    @flow
    def night() -> None:
        with ThreadPoolTaskRunner(max_workers=4) as runner:

            def submit(index: int):  # type: ignore[no-untyped-def]
                log.append(f"submit {index}")
                return runner.submit(slow_first, {"index": index})

            for group in in_group_order(submit, count=count, window=3,
                                        meanwhile=lambda: log.append("meanwhile")):  # fmt: skip
                log.append(f"hand {group[0]}")

    night()
    assert log.count("meanwhile") == 1
    expected = (
        ["submit 0", "submit 1", "submit 2", "meanwhile", "hand 0"] if count else ["meanwhile"]
    )
    assert log[: len(expected)] == expected
