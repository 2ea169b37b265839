"""Connectors: read a delivery into raw text cells with provenance, whatever its format."""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from connectors.base import RawTable, sha256_file
from connectors.delimited import read_csv
from connectors.jsonl import read_jsonl
from connectors.spreadsheet import read_xlsx
from schemas.edit_codes import EditCode
from schemas.errors import DeliveryError
from schemas.profile import MappingProfile, ReaderKind

__all__ = ["InboxFile", "RawTable", "discover_inbox", "read_delivery"]
log = logging.getLogger(__name__)


# Files that are not (yet) a delivery: hidden files, Office lock files, unfinished downloads.
IGNORED_PREFIXES = (".", "~$")
TEMPORARY_SUFFIXES = (".part", ".partial", ".tmp", ".temp", ".crdownload", ".download", ".filepart")


@dataclass(frozen=True)
class InboxFile:
    """A file found in the inbox: `inbox/<organisatiecode>/<file>`.

    A symbolic link is never followed: it is listed (so it is reported to the organisation as an
    S01) with the sha256 of its target's name, not of anything it points at.
    """

    path: Path
    folder: str  # the organisation folder it was delivered in
    sha256: str
    received_at: datetime  # the file's modification time, UTC
    size: int
    symlink: bool = False


def is_ignored(name: str) -> bool:
    """Whether a file name is a hidden, lock or temporary file (never read, not reported)."""
    return name.startswith(IGNORED_PREFIXES) or name.lower().endswith(TEMPORARY_SUFFIXES)


def discover_inbox(inbox: Path) -> list[InboxFile]:
    """Every delivery file in the inbox, oldest received first (then by folder and name).

    Deliveries live directly in `inbox/<organisatiecode>/`. Nothing is followed through a
    symbolic link (a linked file is listed as a link, a linked folder is skipped); anything
    elsewhere is reported in the log, not read; hidden, lock and temporary files are left alone.
    """
    files = []
    for folder in _entries(inbox):
        if is_ignored(folder.name):  # hidden folders (the portal's waiting uploads) are not ours
            continue
        if folder.is_symlink() or not folder.is_dir(follow_symlinks=False):
            if not is_ignored(folder.name):
                log.warning("%s is geen organisatiemap (inbox/<organisatiecode>/): niet gelezen",
                            folder.path)  # fmt: skip
            continue
        for entry in _entries(Path(folder.path)):
            if is_ignored(entry.name):
                log.info("%s overgeslagen: verborgen of tijdelijk bestand", entry.path)
            elif entry.is_symlink():
                files.append(_link(entry, folder.name))
            elif entry.is_file(follow_symlinks=False):
                stat = entry.stat(follow_symlinks=False)
                received = datetime.fromtimestamp(stat.st_mtime, tz=UTC)
                files.append(InboxFile(Path(entry.path), folder.name, sha256_file(Path(entry.path)),
                                       received, stat.st_size))  # fmt: skip
            else:
                _report_stray(Path(entry.path))
    return sorted(files, key=lambda f: (f.received_at, f.folder, f.path.name))


def _report_stray(folder: Path) -> None:
    """Log every file below a folder inside an organisation folder (not followed, not read)."""
    for root, _, names in os.walk(folder):  # os.walk follows no symbolic link
        for name in sorted(names):
            log.warning("%s staat niet direct in een organisatiemap: niet gelezen",
                        Path(root) / name)  # fmt: skip


def _entries(folder: Path) -> list[os.DirEntry[str]]:
    """The entries of a folder, by name (os.scandir: no symbolic link is followed)."""
    with os.scandir(folder) as entries:
        return sorted(entries, key=lambda e: e.name)


def _link(entry: os.DirEntry[str], folder: str) -> InboxFile:
    """A symbolic link as an inbox file: identified by where it points, never read."""
    stat = entry.stat(follow_symlinks=False)
    target = os.readlink(entry.path)
    digest = hashlib.sha256(f"symlink:{target}".encode()).hexdigest()
    received = datetime.fromtimestamp(stat.st_mtime, tz=UTC)
    return InboxFile(Path(entry.path), folder, digest, received, 0, symlink=True)


def read_delivery(path: Path, profile: MappingProfile, max_bytes: int) -> RawTable:
    """Read one delivery with the reader its profile names."""
    if path.stat().st_size > max_bytes:
        raise DeliveryError(
            EditCode.S01, f"bestand groter dan {max_bytes // 2**20} MB", file=path.name
        )
    expected = profile.source_columns()
    kind = profile.reader.kind
    if kind is ReaderKind.XLSX:
        return read_xlsx(path, profile.reader, expected, profile.delivery.metadata_sheet)
    if kind is ReaderKind.CSV:
        return read_csv(path, profile.reader, expected)
    return read_jsonl(path)
