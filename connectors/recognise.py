"""Recognise which mapping profile a delivery file follows: by its name, else by its headers."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from connectors.base import RawTable, normalise_header
from connectors.profiles import match_profile
from schemas.errors import DeliveryError
from schemas.profile import REQUIRED_FIELDS, MappingProfile, ReaderKind

log = logging.getLogger(__name__)

EXTENSION_KINDS = {
    ".xlsx": ReaderKind.XLSX, ".xlsm": ReaderKind.XLSX, ".xls": ReaderKind.XLSX,
    ".ods": ReaderKind.XLSX, ".csv": ReaderKind.CSV, ".txt": ReaderKind.CSV,
    ".jsonl": ReaderKind.JSONL, ".json": ReaderKind.JSONL,
}  # fmt: skip
# A period written in a file name that no profile pattern knows: 2025Q1, 2025-K1, 2025 kw1.
PERIOD_IN_NAME = re.compile(r"(?P<jaar>20\d{2})\s*[-_ ]?\s*(?:Q|K|kw)\s*(?P<kwartaal>[1-4])", re.I)
MIN_HEADER_SHARE = 0.8  # share of a profile's columns a file must have to be recognised by them


@dataclass(frozen=True)
class Recognised:
    """The profile a file follows, what its name says, and the table when already read."""

    profile: MappingProfile
    groups: dict[str, str]  # named groups from the file name: org, jaar, kwartaal
    raw: RawTable | None
    how: str  # "bestandsnaam" or "kopregel"


def header_share(raw: RawTable, profile: MappingProfile) -> tuple[float, list[str]]:
    """Share of the profile's source columns present in the file, and the required ones missing."""
    present = {normalise_header(str(c)) for c in raw.cells.columns}
    columns = profile.source_columns()
    found = [c for c in columns if normalise_header(c) in present]
    required = [c for f in REQUIRED_FIELDS if f in profile.fields
                for c in profile.fields[f].source_columns()]  # fmt: skip
    missing = [c for c in required if normalise_header(c) not in present]
    return (len(found) / len(columns) if columns else 0.0), missing


Reader = Callable[[Path, MappingProfile], RawTable]


def recognise(path: Path, profiles: tuple[MappingProfile, ...], read: Reader) -> Recognised:
    """Name first (a profile's file_pattern); else the profile whose headers the file carries."""
    profile = match_profile(path.name, profiles)
    if profile is not None:
        match = re.match(profile.file_pattern, path.name, flags=re.IGNORECASE)
        groups = {k: v for k, v in (match.groupdict() if match else {}).items() if v is not None}
        return Recognised(profile, groups, None, "bestandsnaam")
    kind = EXTENSION_KINDS.get(path.suffix.lower())
    scored: list[tuple[float, str, MappingProfile, RawTable]] = []
    for candidate in (p for p in profiles if p.reader.kind is kind):
        try:
            raw = read(path, candidate)
        except DeliveryError:
            continue
        share, missing = header_share(raw, candidate)
        if not missing:
            scored.append((share, candidate.id, candidate, raw))
    if not scored or max(scored, key=lambda s: (s[0], s[1]))[0] < MIN_HEADER_SHARE:
        raise DeliveryError("S02", "indeling van het bestand niet herkend: geen profiel past bij de "
                            "bestandsnaam of de kolomkoppen", file=path.name)  # fmt: skip
    share, _, profile, raw = max(scored, key=lambda s: (s[0], s[1]))
    match = PERIOD_IN_NAME.search(path.stem)
    groups = {k: v for k, v in (match.groupdict() if match else {}).items() if v is not None}
    log.info("%s herkend als %s aan de kolomkoppen (%.0f%%)", path.name, profile.id, 100 * share)
    return Recognised(profile, groups, raw, "kopregel")
