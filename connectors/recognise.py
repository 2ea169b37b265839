"""Recognise which mapping profile a delivery file follows: by its name, else by its headers."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from connectors.automap import expected_headers, suggest_profile
from connectors.base import RawTable, normalise_header
from connectors.delimited import read_csv, sniff_delimiter
from connectors.jsonl import read_jsonl
from connectors.periods import period_in_text
from connectors.profiles import match_profile
from connectors.spreadsheet import opened_once, read_xlsx
from schemas.edit_codes import EditCode
from schemas.errors import DeliveryError
from schemas.profile import REQUIRED_FIELDS, MappingProfile, ReaderKind, ReaderOptions

log = logging.getLogger(__name__)

EXTENSION_KINDS = {
    ".xlsx": ReaderKind.XLSX, ".xlsm": ReaderKind.XLSX, ".xls": ReaderKind.XLSX,
    ".ods": ReaderKind.XLSX, ".csv": ReaderKind.CSV, ".txt": ReaderKind.CSV,
    ".jsonl": ReaderKind.JSONL, ".json": ReaderKind.JSONL,
}  # fmt: skip
MIN_HEADER_SHARE = 0.8  # share of a profile's columns a file must have to be recognised by them
MIN_AUTO_REQUIRED = 2  # required columns (of 3) an unknown file must place to be an S03, not S02


@dataclass(frozen=True)
class Recognised:
    """The profile a file follows, what its name says, and the table when already read."""

    profile: MappingProfile
    groups: dict[str, str]  # named groups from the file name: org, jaar, kwartaal
    raw: RawTable | None


def header_share(raw: RawTable, profile: MappingProfile) -> tuple[float, list[str]]:
    """Share of the profile's source columns present in the file, and the required ones missing."""
    present = {normalise_header(str(c)) for c in raw.cells.columns.tolist()}
    columns = profile.source_columns()
    found = [c for c in columns if normalise_header(c) in present]
    required = [c for f in REQUIRED_FIELDS if f in profile.fields
                for c in profile.fields[f].source_columns()]  # fmt: skip
    missing = [c for c in required if normalise_header(c) not in present]
    return (len(found) / len(columns) if columns else 0.0), missing


Reader = Callable[[Path, MappingProfile], RawTable]


def recognise(
    path: Path,
    profiles: tuple[MappingProfile, ...],
    read: Reader,
    *,
    organisatiecode: str | None = None,
) -> Recognised:
    """Name first (a profile's file_pattern); else the profile whose headers the file carries;
    else an automatic mapping by Dutch synonyms (`connectors.automap`)."""
    profile = match_profile(path.name, profiles)
    if profile is not None:
        match = re.match(profile.file_pattern, path.name, flags=re.IGNORECASE)
        groups = {k: v for k, v in (match.groupdict() if match else {}).items() if v is not None}
        return Recognised(profile, groups, None)
    kind = EXTENSION_KINDS.get(path.suffix.lower())
    scored: list[tuple[float, str, MappingProfile, RawTable]] = []
    with opened_once():  # a workbook read with every profile of its kind is opened once
        for candidate in (p for p in profiles if p.reader.kind is kind):
            try:
                raw = read(path, candidate)
            except DeliveryError:
                continue
            share, missing = header_share(raw, candidate)
            if not missing:
                scored.append((share, candidate.id, candidate, raw))
        if not scored or max(scored, key=lambda s: (s[0], s[1]))[0] < MIN_HEADER_SHARE:
            return recognise_automatically(path, kind, organisatiecode)
    share, _, profile, raw = max(scored, key=lambda s: (s[0], s[1]))
    groups = period_groups(path)
    log.info("%s herkend als %s aan de kolomkoppen (%.0f%%)", path.name, profile.id, 100 * share)
    return Recognised(profile, groups, raw)


def period_groups(path: Path) -> dict[str, str]:
    """The `jaar` and `kwartaal` a file name writes, if any."""
    found = period_in_text(path.stem)
    return {} if found is None else {"jaar": str(found[0]), "kwartaal": str(found[1])}


def recognise_automatically(
    path: Path, kind: ReaderKind | None, organisatiecode: str | None
) -> Recognised:
    """Map a file no profile knows by synonyms; S03 when a required field cannot be placed.

    A file that places fewer than MIN_AUTO_REQUIRED of the required columns does not look like
    an incident table at all: that stays S02 (indeling niet herkend).
    """
    if kind is None:
        raise DeliveryError(
            EditCode.S02, f"bestandstype {path.suffix!r} niet herkend", file=path.name
        )
    raw, reader = read_unprofiled(path, kind)
    suggestion = suggest_profile(raw, path.name, reader, organisatiecode)
    missing = suggestion.missing_required()
    if missing:
        found = [f for f in REQUIRED_FIELDS if f not in missing and f != "beroepsgroep"]
        columns = ", ".join(suggestion.unplaced_columns) or "geen"
        code = EditCode.S03 if len(found) >= MIN_AUTO_REQUIRED else EditCode.S02
        what = (
            ""
            if code == EditCode.S03
            else "indeling van het bestand niet herkend: geen profiel past en "
        )
        raise DeliveryError(code, f"{what}verplicht veld niet gevonden: {', '.join(missing)}; "
                            f"kolommen die niet geplaatst konden worden: {columns}",
                            file=path.name)  # fmt: skip
    profile = suggestion.to_profile("automatisch")
    log.info("%s automatisch ingedeeld (%s)", path.name,
             ", ".join(f"{f}={c:.2f}" for f, c in suggestion.confidence.items()))  # fmt: skip
    return Recognised(profile, period_groups(path), raw)


def read_unprofiled(path: Path, kind: ReaderKind) -> tuple[RawTable, ReaderOptions]:
    """Read a file without a profile: header found by synonyms; CSV encoding and delimiter sniffed."""
    expected = expected_headers()
    if kind is ReaderKind.XLSX:
        reader = ReaderOptions(kind=kind)
        return read_xlsx(path, reader, expected, None), reader
    if kind is ReaderKind.JSONL:
        return read_jsonl(path), ReaderOptions(kind=kind)
    try:
        encoding = "utf-8"
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        encoding = "cp1252"
        text = path.read_bytes().decode(encoding, errors="replace")
    except OSError as exc:
        raise DeliveryError(EditCode.S01, f"bestand niet te lezen ({exc})", file=path.name) from exc
    delimiter = sniff_delimiter(text, ",") or ","
    reader = ReaderOptions(kind=kind, encoding=encoding, delimiter=delimiter)
    return read_csv(path, reader, expected), reader
