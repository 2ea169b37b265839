"""What happened to one delivery file in a run: in a module of its own, as light as can be.

The feedback workers receive every delivery's `LoadResult` (pickled): unpickling imports the
module that defines it, and `pipeline.night.steps` would bring the warehouse, DuckDB, httpx and
the settings into every one of them (~0.15 s each) for a dataclass.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.employers.quality import Quality


@dataclass(frozen=True)
class LoadResult:
    """What happened to one delivery file in this run."""

    bronbestand: str
    organisatiecode: str | None
    periode: str | None
    profile_id: str | None
    status: str
    rows_in: int
    rows_loaded: int
    rows_rejected: int
    rows_warned: int
    reason: str | None = None
    delivery_id: int | None = None
    quality: Quality | None = None
