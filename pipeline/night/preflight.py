"""Fail early, fail clearly: what `monitor run` and `monitor serve` check before anything else.

The inbox (exists, a readable folder), the pseudonym key, the warehouse folder (writable) and the
reference files (validated): every problem is collected, so an operator fixes them in one go
instead of learning about them one night at a time.
"""

from __future__ import annotations

import os
from pathlib import Path

from pipeline.ingest.inputs import load_all_fte, pseudonym_key
from pipeline.ingest.reference import load_levert_voor, load_reference
from pipeline.settings import Settings
from schemas.errors import ConfigurationError, PipelineError


class NotReadyError(ConfigurationError):
    """The run cannot start: inbox, key, warehouse folder or reference files are not in order."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("niet gestart: " + "; ".join(problems))
        self.problems = problems


def check_ready(settings: Settings) -> None:
    """Raise NotReadyError naming every problem that would stop (or spoil) a run; else nothing."""
    problems = [
        p
        for p in (
            inbox_problem(settings.inbox_dir),
            key_problem(settings),
            folder_problem(settings.warehouse_path),
            reference_problem(settings),
        )
        if p
    ]
    if problems:
        raise NotReadyError(problems)


def inbox_problem(inbox: Path) -> str | None:
    """Why the inbox cannot be read, or None."""
    where = "(--inbox of MONITOR_INBOX_DIR)"
    if not inbox.exists():
        return f"inbox {inbox} bestaat niet {where}; controleer de schrijfwijze"
    if not inbox.is_dir():
        return f"inbox {inbox} is geen map {where}"
    if not os.access(inbox, os.R_OK | os.X_OK):
        return f"inbox {inbox} is niet leesbaar voor deze gebruiker"
    return None


def key_problem(settings: Settings) -> str | None:
    """Why the pseudonym key is refused, or None."""
    try:
        pseudonym_key(settings)
    except ConfigurationError as exc:
        return str(exc)
    return None


def folder_problem(warehouse: Path) -> str | None:
    """Why the warehouse (and its folder) cannot be written, or None; a new folder may be made."""
    existing = warehouse.parent
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        return f"warehousemap {warehouse.parent} kan niet worden gemaakt: {existing} is geen map"
    if not os.access(existing, os.W_OK | os.X_OK):
        return f"warehousemap {existing} is niet schrijfbaar voor deze gebruiker"
    if warehouse.exists() and not (warehouse.is_file() and os.access(warehouse, os.W_OK)):
        return f"warehouse {warehouse} is geen schrijfbaar bestand"
    return None


def reference_problem(settings: Settings) -> str | None:
    """The first problem in the reference files (gemeenten, herindelingen, FTE, levert_voor)."""
    try:
        reference = load_reference(settings.reference_dir)
        load_all_fte(settings.fte_directory, reference)
        load_levert_voor(settings.fte_directory, reference)
    except PipelineError as exc:
        return f"referentiebestand: {exc}"
    return None
