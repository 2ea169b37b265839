"""Group results come back in group order, and behind a slow group the later ones wait to start
instead of piling up their rows in the flow (`flows.nightly.in_group_order`)."""

from __future__ import annotations

import time
from typing import Any

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


def logged_night(group: Any, count: int, *, meanwhile: bool = False, all_back: bool = False,
                 busy: dict[int, float] | None = None, workers: int = 4,
                 ) -> tuple[list[str], list[list[list[int]]]]:  # fmt: skip
    """`in_group_order` (window 3) in a real flow on a thread-pool runner: what happened, in order
    ("submit 0", "meanwhile", "all back [5, 6, 7]", "hand 0"), and the groups `all_back` got. The
    caller is busy with a handed-out group for the seconds `busy` gives (the flow loading it)."""
    from flows.nightly import in_group_order

    log: list[str] = []
    back: list[list[list[int]]] = []

    def logged_back(rest: list[list[int]]) -> None:
        log.append(f"all back {[g[0] for g in rest]}")
        back.append([list(g) for g in rest])

    @flow
    def night() -> None:
        with ThreadPoolTaskRunner(max_workers=workers) as runner:

            def submit(index: int):  # type: ignore[no-untyped-def]
                log.append(f"submit {index}")
                return runner.submit(group, {"index": index})

            options: dict[str, Any] = {}
            if meanwhile:
                options["meanwhile"] = lambda: log.append("meanwhile")
            if all_back:
                options["all_back"] = logged_back
            for handed in in_group_order(submit, count=count, window=3, **options):
                log.append(f"hand {handed[0]}")
                time.sleep((busy or {}).get(handed[0], 0.0))

    night()
    return log, back


@pytest.mark.usefixtures("prefect_harness")
@pytest.mark.parametrize("count", [0, 8])
def test_the_work_meanwhile_runs_once_after_the_first_groups_are_submitted(count: int) -> None:
    """The reference tables are written while the workers start (`meanwhile`): once, after the
    window's groups are submitted and before any is handed out; without groups too."""
    log, _ = logged_night(slow_first, count, meanwhile=True)

    assert log.count("meanwhile") == 1
    expected = (
        ["submit 0", "submit 1", "submit 2", "meanwhile", "hand 0"] if count else ["meanwhile"]
    )
    assert log[: len(expected)] == expected


@pytest.mark.usefixtures("prefect_harness")
@pytest.mark.parametrize(("count", "slow"), [(0, 0), (1, 0), (8, 5), (8, 7)])
def test_all_back_gets_the_groups_not_yet_handed_out_once_the_last_is_back(
    count: int, slow: int
) -> None:
    """GX judges once every group is measured (`all_back`), not after the flow loaded all but the
    last: called once, when no group is out any more, with exactly the groups handed out after
    it, in order; never without groups."""

    @task
    def group(index: int) -> list[int]:
        time.sleep(0.6 if index == slow else 0.02)
        return [index] * 2

    log, back = logged_night(group, count, all_back=True)

    if not count:
        assert back == [] and log == []
        return
    assert len(back) == 1
    at = next(i for i, entry in enumerate(log) if entry.startswith("all back"))
    assert f"submit {count - 1}" in log[:at]
    assert log[at + 1 :] == [f"hand {g[0]}" for g in back[0]]  # handed out after it, in order
    # group 7 goes out once group 4 is handed out (window 3), and is back before the slow 5
    expected = {(1, 0): [[0, 0]], (8, 5): [[5, 5], [6, 6], [7, 7]], (8, 7): [[7, 7]]}
    assert back[0] == expected[count, slow]


@pytest.mark.usefixtures("prefect_harness")
def test_a_group_back_while_the_caller_was_busy_is_taken_in_before_the_next() -> None:
    """The last group came back while the flow loaded the first: GX is asked to judge before
    the flow loads the second, not once it is loaded too."""

    @task
    def group(index: int) -> list[int]:
        time.sleep({0: 0.2, 1: 0.02, 2: 0.5}[index])  # 1 is back first, then 0, then 2
        return [index] * 2

    # loading group 0 for 1.2 s: group 2 comes back meanwhile
    log, _ = logged_night(group, 3, all_back=True, busy={0: 1.2}, workers=3)

    handed_and_back = [entry for entry in log if not entry.startswith("submit")]
    assert handed_and_back == ["hand 0", "all back [1, 2]", "hand 1", "hand 2"]
