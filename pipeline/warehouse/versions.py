"""The warehouse's published versions on disk: where the next one is built, the ones kept beside
it, and the writer lock that lets one run at a time build (`store.build_next_version`)."""

from __future__ import annotations

import datetime as dt
import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from schemas.errors import WarehouseError


def next_version_path(published: Path) -> Path:
    """Where the next version of the warehouse is built."""
    return published.with_name(f"{published.stem}.next{published.suffix}")


def versions_dir(published: Path) -> Path:
    """Where earlier published versions are kept."""
    return published.parent / "versies"


def kept_versions(published: Path) -> list[Path]:
    """The kept versions, oldest first (their names sort by publication time)."""
    return sorted(versions_dir(published).glob(f"{published.stem}-*{published.suffix}"))


def keep_version(building: Path, published: Path, keep: int) -> None:
    """Hard-link the new version into versies/ and drop all but the newest `keep`.

    Safe because a version is never written again: the next run copies it before loading.
    """
    folder = versions_dir(published)
    folder.mkdir(exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    os.link(building, folder / f"{published.stem}-{stamp}{published.suffix}")
    for old in kept_versions(published)[:-keep]:
        old.unlink()


class RunInProgressError(WarehouseError):
    """Another run is building this warehouse right now."""


def run_in_progress(published: Path) -> bool:
    """True while another process holds the writer lock of this warehouse."""
    lock = published.with_name(f"{published.name}.lock")
    if not lock.is_file():
        return False
    with lock.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
    return False


@contextmanager
def writer_lock(published: Path) -> Iterator[None]:
    """An exclusive lock beside the warehouse, held for the whole build and swap."""
    with published.with_name(f"{published.name}.lock").open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise RunInProgressError(
                f"another run is building {published} right now (er draait al een run)"
            ) from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
