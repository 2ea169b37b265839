"""`with_room`: a call that goes deep and up again stays in one chunk of CPython's frame stack
(no chunk mapped anew, so no page touched anew, on every swing), and is otherwise the call."""

from __future__ import annotations

import threading

import pytest

from pipeline.frame_room import with_room
from tests.fresh_python import run_fresh

# 1,000 swings 300 frames down and back up, counted in minor page faults: each chunk of the frame
# stack mapped anew is touched anew. A fresh interpreter, one thread: nothing else faults there.
SWINGS = (
    "import resource, sys\n"
    "from pipeline.frame_room import with_room\n"
    "sys.setrecursionlimit(10_000)\n"
    "def down(n):\n"
    "    return down(n - 1) if n else 0\n"
    "def swings(times=1000, depth=300):\n"
    "    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt\n"
    "    for _ in range(times):\n"
    "        down(depth)\n"
    "    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before\n"
    "swings(10), with_room(swings, 10)  # what a first call touches once\n"
    "print(swings(), with_room(swings))\n"
)


def test_a_deep_call_with_room_maps_no_frame_chunk_on_every_swing() -> None:
    plain, roomy = map(int, run_fresh(SWINGS))
    assert plain >= 1000  # the thrash it avoids: at least a chunk mapped anew per swing
    assert roomy < 100


def test_the_call_gets_its_arguments_and_gives_its_result() -> None:
    assert with_room(lambda a, b=0, *, c: (a, b, c), 1, c=3) == (1, 0, 3)
    assert with_room(sorted, [3, 1, 2], reverse=True) == [3, 2, 1]


def test_an_exception_of_the_call_is_raised_as_it_is() -> None:
    def fail() -> None:
        raise KeyError("weg")

    with pytest.raises(KeyError, match="weg"):
        with_room(fail)


def test_threads_each_have_their_own_room() -> None:
    results: list[int] = []

    def deep(n: int) -> int:
        return deep(n - 1) + 1 if n else 0

    threads = [threading.Thread(target=with_room, args=(lambda: results.append(deep(500)),))
               for _ in range(4)]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [500] * 4
