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


@pytest.mark.usefixtures("prefect_harness")
@pytest.mark.parametrize(("count", "slow"), [(0, 0), (1, 0), (8, 5), (8, 7)])
def test_all_back_gets_the_groups_not_yet_handed_out_once_the_last_is_back(
    count: int, slow: int
) -> None:
    """GX judges once every group is measured (`all_back`), not after the flow loaded all but the
    last: called once, when no group is out any more, with exactly the groups handed out after
    it, in order; never without groups."""
    from flows.nightly import in_group_order

    @task
    def group(index: int) -> list[int]:
        time.sleep(0.6 if index == slow else 0.02)
        return [index] * 2

    log: list[str] = []
    back: list[list[list[int]]] = []

    @flow
    def night() -> None:
        with ThreadPoolTaskRunner(max_workers=4) as runner:

            def submit(index: int):  # type: ignore[no-untyped-def]
                log.append(f"submit {index}")
                return runner.submit(group, {"index": index})

            def all_back(rest: list[list[int]]) -> None:
                log.append("all back")
                back.append([list(g) for g in rest])

            for handed in in_group_order(submit, count=count, window=3, all_back=all_back):
                log.append(f"hand {handed[0]}")

    night()
    if not count:
        assert back == [] and log == []
        return
    assert log.count("all back") == 1
    at = log.index("all back")
    assert f"submit {count - 1}" in log[:at]
    assert log[at + 1 :] == [f"hand {g[0]}" for g in back[0]]  # handed out after it, in order
    # group 7 goes out once group 4 is handed out (window 3), and is back before the slow 5
    expected = {(1, 0): [[0, 0]], (8, 5): [[5, 5], [6, 6], [7, 7]], (8, 7): [[7, 7]]}
    assert back[0] == expected[count, slow]


@pytest.mark.usefixtures("prefect_harness")
def test_a_group_back_while_the_caller_was_busy_is_taken_in_before_the_next() -> None:
    """The last group came back while the flow loaded the first: GX is asked to judge before
    the flow loads the second, not once it is loaded too."""
    from flows.nightly import in_group_order

    @task
    def group(index: int) -> list[int]:
        time.sleep({0: 0.2, 1: 0.02, 2: 0.5}[index])  # 1 is back first, then 0, then 2
        return [index] * 2

    log: list[str] = []

    @flow
    def night() -> None:
        with ThreadPoolTaskRunner(max_workers=3) as runner:

            def all_back(rest: list[list[int]]) -> None:
                log.append(f"all back {[g[0] for g in rest]}")

            handed = in_group_order(lambda index: runner.submit(group, {"index": index}),
                                    count=3, window=3, all_back=all_back)  # fmt: skip
            for handed_group in handed:
                log.append(f"hand {handed_group[0]}")
                if handed_group[0] == 0:
                    time.sleep(1.2)  # loading: group 2 comes back meanwhile

    night()
    assert log == ["hand 0", "all back [1, 2]", "hand 1", "hand 2"]
