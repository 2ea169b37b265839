"""A thread doing work that can wait lowers its own priority, never the process's
(`pipeline.priority`)."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from pipeline.priority import LOWER_BY, lower_this_threads_priority

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="a nice value per thread")


def _nice() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def test_a_thread_lowers_its_own_priority_and_no_other() -> None:
    main_before = _nice()
    seen: dict[str, object] = {}

    def lower() -> None:
        before = _nice()
        seen["lowered"] = lower_this_threads_priority()
        seen["by"] = _nice() - before

    thread = threading.Thread(target=lower)
    thread.start()
    thread.join(timeout=30)
    assert seen == {"lowered": True, "by": min(LOWER_BY, 19 - main_before)}
    assert LOWER_BY == 10
    assert _nice() == main_before
    later = threading.Thread(target=lambda: seen.update(later=_nice()))
    later.start()  # a new thread starts at the process's priority, not the lowered one
    later.join(timeout=30)
    assert seen["later"] == main_before


def test_the_main_thread_is_never_lowered() -> None:
    before = _nice()
    assert lower_this_threads_priority() is False
    assert _nice() == before


def test_never_below_the_lowest_priority() -> None:
    seen: list[int] = []

    def twice() -> None:
        lower_this_threads_priority()
        lower_this_threads_priority()
        seen.append(_nice())

    thread = threading.Thread(target=twice)
    thread.start()
    thread.join(timeout=30)
    assert seen == [19]
