"""Files in and out of the portal: bounded uploads, safe names, the inbox, templates.

An upload is streamed to a private temporary file with a running byte count and refused past
the limit, never read whole. A delivery is written to `inbox/<organisatiecode>/` under a name
the portal makes (the employer's name is kept only in the receipt) and moved into place
atomically, so the nightly run never sees half a file. Nil returns are the national template
with `geen_incidenten = ja`, the way the nightly run recognises them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import secrets
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Protocol

from connectors.recognise import EXTENSION_KINDS
from pipeline.employers.template import Aanlevering, build_template, save_reproducibly
from schemas.incident import Periode

CHUNK = 1 << 16
SAFE_STEM = re.compile(r"[^A-Za-z0-9_-]+")


class UploadTooLargeError(ValueError):
    """The upload is over the portal's size limit (HTTP 413)."""


class UploadRefusedError(ValueError):
    """The upload has a type the monitor does not read."""


class Readable(Protocol):
    """An uploaded file as the web framework gives it."""

    filename: str | None

    async def read(self, size: int = -1) -> bytes:
        """Read up to `size` bytes."""
        ...


def extension_of(file_name: str) -> str:
    """The lower-case extension if the monitor reads it; else UploadRefusedError (Dutch)."""
    suffix = Path(file_name.replace("\\", "/")).suffix.lower()
    if suffix not in EXTENSION_KINDS:
        kinds = ", ".join(sorted(EXTENSION_KINDS))
        raise UploadRefusedError(
            f"bestandstype {suffix or '(geen)'} wordt niet gelezen; gebruik {kinds}"
        )
    return suffix


async def save_upload(upload: Readable, folder: Path, limit: int) -> tuple[Path, str, int]:
    """Stream an upload into a new private file in `folder`; returns path, sha256 and size."""
    suffix = extension_of(upload.filename or "")
    folder.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=".upload-", suffix=suffix, dir=folder)
    path, sha, size = Path(name), hashlib.sha256(), 0
    try:
        with os.fdopen(handle, "wb") as out:
            while chunk := await upload.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise UploadTooLargeError(f"bestand groter dan {limit // 2**20} MB")
                sha.update(chunk)
                out.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path, sha.hexdigest(), size


async def stream_chunks(chunks: AsyncIterator[bytes], limit: int) -> AsyncIterator[bytes]:
    """Pass a request body through, refusing it once it passes `limit` bytes."""
    seen = 0
    async for chunk in chunks:
        seen += len(chunk)
        if seen > limit:
            raise UploadTooLargeError(f"verzoek groter dan {limit // 2**20} MB")
        yield chunk


def stored_name(organisatiecode: str, periode: str | None, original: str, suffix: str,
                received: dt.datetime, kind: str = "portaal") -> str:  # fmt: skip
    """The name the portal gives a file in the inbox: code, period, a stamp; nothing of the employer's.

    `<ORG>_<jjjjQk>_<kind><stamp><random>.<ext>` matches the national template's file pattern
    (a trailing `_[a-z0-9]+` part is allowed), so the period in the name agrees with the file's.
    """
    del original  # the employer's name goes into the receipt only
    stamp = received.strftime("%Y%m%dt%H%M%S").lower()
    parts = [SAFE_STEM.sub("", organisatiecode.upper())]
    if periode and re.fullmatch(r"\d{4}Q[1-4]", periode):
        parts.append(periode)
    parts.append(f"{kind}{stamp}{secrets.token_hex(4)}")
    return "_".join(parts) + suffix


def place_in_inbox(source: Path, inbox: Path, organisatiecode: str, name: str) -> Path:
    """Move a checked file into `inbox/<organisatiecode>/<name>` atomically (never overwrite)."""
    folder = inbox / SAFE_STEM.sub("", organisatiecode.upper())
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    if target.exists():
        raise FileExistsError(target)
    staging = folder / f".{name}.part"
    try:
        os.replace(source, staging)
    except OSError:  # another file system: copy
        _copy(source, staging)
    os.utime(staging)  # received now: the nightly run reads the time of receipt from mtime
    os.replace(staging, target)
    return target


def _copy(source: Path, target: Path) -> None:
    """Copy across file systems, then remove the source."""
    with source.open("rb") as src, target.open("wb") as out:
        while chunk := src.read(CHUNK):
            out.write(chunk)
    source.unlink()


def write_nil_return(path: Path, organisatiecode: str, periode: str, beroepsgroep: str | None,
                     fte: float | None, stamp: dt.datetime) -> None:  # fmt: skip
    """The national template declaring no incidents in the quarter (a nil return)."""
    aanlevering = Aanlevering(organisatiecode, periode, beroepsgroep, fte, geen_incidenten=True)
    save_reproducibly(
        build_template(aanlevering), path, stamp.replace(tzinfo=None), "monitor-portaal"
    )


def write_prefilled_template(path: Path, organisatiecode: str, periode: str,
                             beroepsgroep: str | None) -> None:  # fmt: skip
    """The national template with the organisation and the period filled in."""
    aanlevering = Aanlevering(organisatiecode, periode, beroepsgroep)
    save_reproducibly(build_template(aanlevering), path, dt.datetime(2025, 1, 1, 12))


def last_quarters(today: dt.date, count: int = 4) -> list[str]:
    """The quarters that have ended, newest first (a nil return is for a quarter that is over)."""
    year, quarter = today.year, (today.month - 1) // 3 + 1
    quarters = []
    for _ in range(count):
        quarter -= 1
        if quarter == 0:
            year, quarter = year - 1, 4
        quarters.append(f"{year}Q{quarter}")
    return quarters


def is_quarter(text: str) -> bool:
    """True for a period code like 2025Q1."""
    try:
        Periode.parse(text)
    except ValueError:
        return False
    return bool(re.fullmatch(r"\d{4}Q[1-4]", text))
