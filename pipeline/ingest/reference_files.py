"""Validation of the reference files before they are used (DESIGN §11).

gemeenten, veiligheidsregio's, herindelingen, FTE and levert_voor are CSV files that people edit
by hand. Each row is checked by a pydantic model (types, codes, ranges); the checks across rows
(duplicate codes, unknown codes) follow. A broken file raises `ReferenceDataError` naming the
file, the line (as a spreadsheet shows it: the header is line 1) and the problem, in Dutch.

Decimal commas are handled deliberately: in a comma-separated file a number such as `12,5` must
be quoted (`"12,5"`); quoted, it is read as 12.5. Unquoted it splits the row into one field too
many, which is refused with that hint instead of shifting every column.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from schemas.errors import ReferenceDataError

BEROEPSGROEPEN = ("boa", "brandweer", "politie")


def _pattern(value: str, pattern: str, what: str) -> str:
    if not re.fullmatch(pattern, value):
        raise ValueError(f"{value!r} is geen {what}")
    return value


class _Row(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class GemeenteRow(_Row):
    """One row of gemeenten.csv."""

    gemeentecode: str
    gemeentenaam: str
    veiligheidsregiocode: str

    @field_validator("gemeentecode")
    @classmethod
    def _code(cls, v: str) -> str:
        return _pattern(v, r"GM\d{4}", "gemeentecode (GMnnnn)")

    @field_validator("veiligheidsregiocode")
    @classmethod
    def _region(cls, v: str) -> str:
        return _pattern(v, r"VR\d{2}", "veiligheidsregiocode (VRnn)")

    @field_validator("gemeentenaam")
    @classmethod
    def _name(cls, v: str) -> str:
        return _pattern(v, r".+", "gemeentenaam (leeg)")


class RegioRow(_Row):
    """One row of veiligheidsregios.csv."""

    veiligheidsregiocode: str
    veiligheidsregionaam: str

    @field_validator("veiligheidsregiocode")
    @classmethod
    def _code(cls, v: str) -> str:
        return _pattern(v, r"VR\d{2}", "veiligheidsregiocode (VRnn)")

    @field_validator("veiligheidsregionaam")
    @classmethod
    def _name(cls, v: str) -> str:
        return _pattern(v, r".+", "naam (leeg)")


class HerindelingRow(_Row):
    """One row of herindelingen.csv."""

    datum_ingang: str = ""
    oude_gemeentecode: str
    nieuwe_gemeentecode: str
    deel: str

    @field_validator("datum_ingang")
    @classmethod
    def _date(cls, v: str) -> str:
        if not v:
            return v  # not used in any computation; when given it must be a date
        try:
            dt.date.fromisoformat(v)
        except ValueError:
            raise ValueError(f"{v!r} is geen datum (jjjj-mm-dd)") from None
        return v

    @field_validator("oude_gemeentecode", "nieuwe_gemeentecode")
    @classmethod
    def _code(cls, v: str) -> str:
        return _pattern(v, r"GM\d{4}", "gemeentecode (GMnnnn)")

    @field_validator("deel")
    @classmethod
    def _part(cls, v: str) -> str:
        return _pattern(v, r"geheel|gedeeltelijk", "deel (geheel of gedeeltelijk)")


class FteRow(_Row):
    """One row of fte_<jaar>.csv: a non-negative number of FTE per organisation and beroepsgroep."""

    organisatiecode: str
    beroepsgroep: str
    fte: float

    @field_validator("organisatiecode")
    @classmethod
    def _code(cls, v: str) -> str:
        return _pattern(v.upper(), r"GM\d{4}|VR\d{2}|POL", "organisatiecode (GMnnnn, VRnn, POL)")

    @field_validator("beroepsgroep")
    @classmethod
    def _group(cls, v: str) -> str:
        return _pattern(
            v.lower(), "|".join(BEROEPSGROEPEN), "beroepsgroep (boa, brandweer, politie)"
        )

    @field_validator("fte", mode="before")
    @classmethod
    def _fte(cls, v: object) -> float:
        text = str(v).strip()
        if re.fullmatch(r"\d+,\d+", text):
            text = text.replace(",", ".")  # a quoted decimal comma, deliberately accepted
        try:
            number = float(text)
        except ValueError:
            raise ValueError(f"fte {text!r} is geen getal") from None
        if not math.isfinite(number) or number < 0:
            raise ValueError(f"fte {text!r} is negatief of geen eindig getal")
        return number


class LevertVoorRow(_Row):
    """One row of levert_voor.csv: `leverancier` delivers for `organisatiecode` from/to a period."""

    leverancier: str
    organisatiecode: str
    vanaf: str
    tot: str

    @field_validator("leverancier", "organisatiecode")
    @classmethod
    def _code(cls, v: str) -> str:
        return _pattern(v.upper(), r"GM\d{4}|VR\d{2}|POL", "organisatiecode (GMnnnn, VRnn, POL)")

    @field_validator("vanaf", "tot")
    @classmethod
    def _period(cls, v: str) -> str:
        return v and _pattern(v.upper(), r"\d{4}Q[1-4]", "periode (jjjjQk)")


def read_rows(path: Path, model: type[_Row], columns: Iterable[str]) -> pd.DataFrame:
    """Every row of a reference CSV, validated by `model`; the text as read, one column each."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ReferenceDataError(f"{path}: niet te lezen als UTF-8 CSV ({exc})") from exc
    if not rows:
        raise ReferenceDataError(f"{path}: het bestand is leeg (geen kopregel)")
    header = [h.strip() for h in rows[0]]
    missing = [c for c in columns if c not in header]
    if missing:
        raise ReferenceDataError(f"{path}, regel 1: kolommen ontbreken: {', '.join(missing)}")
    records = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            hint = " (een decimale komma? schrijf 12.5 of zet de waarde tussen aanhalingstekens)"
            raise ReferenceDataError(f"{path}, regel {line}: {len(row)} velden, verwacht "
                                     f"{len(header)}{hint if len(row) > len(header) else ''}")  # fmt: skip
        record = dict(zip(header, row, strict=True))
        try:
            model.model_validate(record)
        except ValidationError as exc:
            raise ReferenceDataError(f"{path}, regel {line}: {_dutch(exc)}") from None
        records.append((line, record))
    frame = pd.DataFrame([r for _, r in records], columns=header, dtype=object).astype(str)
    frame.attrs["lines"] = Lines(line for line, _ in records)
    return frame


class Lines(tuple[int, ...]):
    """The file's line number of each row of a reference frame (`attrs["lines"]`), shared as it
    is: pandas deep-copies `attrs` into every frame derived from this one, and copying a list of
    thousands of numbers cost seconds over a night's lookups."""

    def __deepcopy__(self, memo: dict[int, Any]) -> Lines:
        return self  # immutable: nothing to copy


def _dutch(exc: ValidationError) -> str:
    """The first problem of a row, in Dutch, naming the column."""
    error = exc.errors()[0]
    column = ".".join(str(p) for p in error["loc"])
    problem = error.get("ctx", {}).get("error") or error["msg"]
    if error["type"] == "missing":
        problem = "ontbreekt"
    return f"kolom {column!r}: {problem}"


def refuse_duplicates(path: Path, frame: pd.DataFrame, columns: list[str]) -> None:
    """Fail on the first row whose key repeats an earlier row's."""
    repeated = frame.duplicated(subset=columns, keep="first")
    if repeated.any():
        position = int(repeated.to_numpy().nonzero()[0][0])
        line = frame.attrs["lines"][position]
        key = ", ".join(str(frame.iloc[position][c]) for c in columns)
        raise ReferenceDataError(f"{path}, regel {line}: {key} staat er dubbel in")


def refuse_unknown(
    path: Path, frame: pd.DataFrame, column: str, known: set[str], what: str
) -> None:
    """Fail on the first row whose code in `column` is not in `known`."""
    for position, code in enumerate(frame[column]):
        if code.strip().upper() not in known:
            line = frame.attrs["lines"][position]
            raise ReferenceDataError(f"{path}, regel {line}: {what} {code!r} onbekend")
