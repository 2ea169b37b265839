"""Room on CPython's frame stack for a call whose stack goes deep again and again: an import of
a large package (Prefect's server, GX), a server answering requests, the night itself.

CPython (3.11, this project's Python) keeps a thread's frames in chunks of 16 KiB, about a
hundred frames, and frees a chunk as soon as the stack unwinds out of it: a stack that goes up
and down across a chunk's end maps and unmaps memory each time, and touches its pages anew
(~7 µs of CPU on these machines). Importing Prefect's server crosses so ~12,000 times, GX ~20,000
times (counted with `strace -c -e trace=mmap,munmap`).

`with_room(target, ...)` calls `target` from a frame that takes a chunk of its own, with room
for ~32,000 slots (~1,000 frames) behind it: the frames of the call stay in that one chunk.
Importing GX in a thread so: 0.95–1.00 → 0.84–0.87 s of CPU (three fresh processes each). A
process forked from inside the call (the fork server, its workers) keeps the room. A night of
the national sample mapped 43,700 pieces of memory and unmapped 42,200, almost all of them
16 KiB, and with room 2,200 and 700 (`perf record -e syscalls:sys_enter_mmap`); the fork server's
CPU 0.93–0.94 → 0.75–0.76 s. Costs ~13 ms once a process (the frame's code) and 512 KiB a thread
using it; a call deeper than the room takes further chunks as before.
"""

from __future__ import annotations

import functools
import types
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")
ROOM_SLOTS = 32_768  # the frame's own unused locals: its chunk is then 512 KiB, half of it free


def _call(target: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    return target(*args, **kwargs)


@functools.cache
def _roomy_call() -> Callable[..., Any]:
    """`_call` with ROOM_SLOTS more local variables: CPython gives a frame that needs more
    than a chunk holds a chunk of its own, the next power of two, and the frames called from it
    fill the rest."""
    code = _call.__code__
    names = code.co_varnames + tuple(map("_room{}".format, range(ROOM_SLOTS)))
    roomy = code.replace(co_varnames=names, co_nlocals=len(names))
    return types.FunctionType(roomy, _call.__globals__, "call_with_room")


def with_room(target: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """`target(*args, **kwargs)`, from a frame with room on the frame stack behind it."""
    result: R = _roomy_call()(target, args, kwargs)
    return result
