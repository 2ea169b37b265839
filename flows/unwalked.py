"""A value Prefect passes on without walking it."""

from __future__ import annotations

from typing import Generic, TypeVar

T = TypeVar("T")


class Unwalked(Generic[T]):
    """A task parameter or flow result Prefect passes on without walking it (for futures it
    never holds). Prefect walks every parameter, and a flow's return value, through lists,
    dicts, dataclasses and pydantic models: over a night's ~30,000 checks that took ~0.9 s of
    the flow, over a group's files and the inputs ~35 ms a group, over the run summary's
    ~1,500 delivery results ~0.25 s at the run's very end. (Prefect's `quote` does the same for
    parameters, but does not survive the Dask task runner: it arrived there as a plain tuple.)"""

    __slots__ = ("value",)

    def __init__(self, value: T) -> None:
        self.value = value
