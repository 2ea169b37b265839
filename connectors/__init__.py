"""Connectors: read a delivery into raw text cells with provenance, whatever its format."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from connectors.base import RawTable, sha256_file
from connectors.delimited import read_csv
from connectors.jsonl import read_jsonl
from connectors.spreadsheet import read_xlsx
from schemas.errors import DeliveryError
from schemas.profile import MappingProfile, ReaderKind

__all__ = ["InboxFile", "RawTable", "discover_inbox", "read_delivery"]
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class InboxFile:
    """A file found in the inbox: `inbox/<organisatiecode>/<file>`."""

    path: Path
    folder: str  # the organisation folder it was delivered in
    sha256: str
    received_at: datetime  # the file's modification time, UTC
    size: int


def discover_inbox(inbox: Path) -> list[InboxFile]:
    """Every delivery file in the inbox, oldest received first (then by name).

    Deliveries live in `inbox/<organisatiecode>/`; a file anywhere else is reported, not read.
    """
    for stray in sorted(
        p for p in inbox.rglob("*") if p.is_file() and len(p.relative_to(inbox).parts) != 2
    ):
        log.warning(
            "%s staat niet in een organisatiemap (inbox/<organisatiecode>/): niet verwerkt", stray
        )
    files = []
    for path in sorted(inbox.glob("*/*")):
        if not path.is_file() or path.name.startswith("."):
            continue
        stat = path.stat()
        received = datetime.fromtimestamp(stat.st_mtime, tz=UTC)
        files.append(InboxFile(path, path.parent.name, sha256_file(path), received, stat.st_size))
    return sorted(files, key=lambda f: (f.received_at, f.folder, f.path.name))


def read_delivery(path: Path, profile: MappingProfile, max_bytes: int) -> RawTable:
    """Read one delivery with the reader its profile names."""
    if path.stat().st_size > max_bytes:
        raise DeliveryError("S01", f"bestand groter dan {max_bytes // 2**20} MB", file=path.name)
    expected = profile.source_columns()
    kind = profile.reader.kind
    if kind is ReaderKind.XLSX:
        return read_xlsx(path, profile.reader, expected, profile.delivery.metadata_sheet)
    if kind is ReaderKind.CSV:
        return read_csv(path, profile.reader, expected)
    return read_jsonl(path)
