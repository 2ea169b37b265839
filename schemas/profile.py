"""The mapping-profile model: how one source's columns and codes map onto the common model.

A profile is YAML (`connectors/profiles/<id>.yaml`) validated by these models. Anything unknown —
a key, a field, a code, a transform — fails when the profile loads, before any data is read.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from schemas.codelists import FIELD_CODELIST, load_codelists
from schemas.fields import FieldKind, field_spec, mappable_fields

# Fields a profile can fill, by kind, from the field catalogue; among them the source's employee
# id (origin "source-only"), pseudonymised at ingest and never stored raw.
DATE_FIELDS = mappable_fields(FieldKind.DATE)
TIME_FIELDS = mappable_fields(FieldKind.TIME)
INTEGER_FIELDS = mappable_fields(FieldKind.INTEGER)
GEMEENTE_FIELDS = mappable_fields(FieldKind.GEMEENTECODE)
MULTI_CODE_FIELDS = mappable_fields(FieldKind.MULTI_CODE)
CODE_FIELDS = mappable_fields(FieldKind.CODE)
MAPPABLE_FIELDS = mappable_fields()
REQUIRED_FIELDS = tuple(name for name in MAPPABLE_FIELDS if field_spec(name).required)
JANEE = "janee"  # the code list of the ja/nee/onbekend fields


class ReaderKind(StrEnum):
    """The kind of reader a source needs."""

    XLSX = "xlsx"
    CSV = "csv"
    JSONL = "jsonl"


class GemeenteTransform(StrEnum):
    """How a source writes a gemeente."""

    CODE = "code"  # GM0363
    NUMMER = "nummer"  # 0363 or 363
    NAAM = "naam"  # Amsterdam (CBS name)


class Strict(BaseModel):
    """Base for profile parts: unknown keys are an error."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class ReaderOptions(Strict):
    """How to read the source file."""

    kind: ReaderKind
    sheet: str | None = None  # xlsx: the data sheet; default the first sheet with the header
    encoding: str = "utf-8"  # csv
    delimiter: str = ","  # csv

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str) -> str:
        import codecs

        try:
            codecs.lookup(value)
        except LookupError as exc:
            raise ValueError(f"unknown encoding {value!r}") from exc
        return value


class DeliverySource(Strict):
    """Where the delivery's metadata comes from."""

    periode: Literal["filename", "sheet"] = "filename"
    organisatiecode: Literal["folder", "filename", "sheet"] = "folder"
    fte: Literal["reference", "sheet"] = "reference"
    metadata_sheet: str | None = None  # a key/value sheet (`veld`, `waarde`)

    @model_validator(mode="after")
    def _sheet_named(self) -> DeliverySource:
        uses_sheet = "sheet" in (self.periode, self.organisatiecode, self.fte)
        if uses_sheet and not self.metadata_sheet:
            raise ValueError("metadata_sheet is required when metadata comes from a sheet")
        return self


class FieldMap(Strict):
    """How one national field is filled from the source."""

    column: str | None = None
    constant: str | None = None
    codes: dict[str, str | None] = Field(default_factory=dict)
    split: str | None = None  # regex separating several codes in one cell
    ticks: dict[str, str] = Field(default_factory=dict)  # national code → tick-box column
    tick_values: tuple[str, ...] = ("x",)
    formats: tuple[str, ...] = ()  # strptime formats for dates/times, besides ISO
    transform: GemeenteTransform | None = None
    # Named lenience for ja/nee fields: also read j/n, x, waar/onwaar, 1/0, ✓, yes/no, true/false.
    yes_no_variants: bool = False

    @model_validator(mode="after")
    def _one_source(self) -> FieldMap:
        sources = [self.column is not None, self.constant is not None, bool(self.ticks)]
        if sum(sources) != 1:
            raise ValueError("give exactly one of column, constant or ticks")
        if self.split is not None:
            _compile(self.split)
        for fmt in self.formats:
            if "%" not in fmt:
                raise ValueError(f"{fmt!r} is not a strptime format")
        return self

    def source_columns(self) -> tuple[str, ...]:
        """The source columns this mapping reads."""
        if self.column is not None:
            return (self.column,)
        return tuple(self.ticks.values())

    def tick_columns(self, present: list[str]) -> dict[str, str | None]:
        """Per ticked code the file's column: the profile's name (case and spaces ignored), else
        a column whose header means that gedragstype (`Fysieke agressie (lichamelijk)`)."""
        by_name = {" ".join(c.split()).lower(): c for c in present}
        by_meaning = _columns_by_meaning(tuple(present))
        return {code: by_name.get(" ".join(name.split()).lower()) or by_meaning.get(code)
                for code, name in self.ticks.items()}  # fmt: skip


@functools.lru_cache(maxsize=256)
def _columns_by_meaning(present: tuple[str, ...]) -> Mapping[str | None, str]:
    """Per gedragstype the first column whose header means it; remembered per header (every
    delivery of one export has the same), so read only."""
    lists, by_meaning = load_codelists(), dict[str | None, str]()
    for column in present:
        by_meaning.setdefault(lists.meaning("gedragstype", column), column)
    return MappingProxyType(by_meaning)


class MappingProfile(Strict):
    """A source's mapping onto the common model (schema version 1)."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    version: Annotated[int, Field(ge=1)]
    title: str
    schema_version: Literal[1] = 1
    file_pattern: str
    reader: ReaderOptions
    delivery: DeliverySource = DeliverySource()
    fields: dict[str, FieldMap]
    ignore: tuple[str, ...] = ()

    @field_validator("file_pattern")
    @classmethod
    def _valid_regex(cls, value: str) -> str:
        _compile(value)
        return value

    @model_validator(mode="after")
    def _check_fields(self) -> MappingProfile:
        unknown = sorted(set(self.fields) - set(MAPPABLE_FIELDS))
        if unknown:
            raise ValueError(f"unknown fields {unknown}; known: {', '.join(MAPPABLE_FIELDS)}")
        missing = [f for f in REQUIRED_FIELDS if f not in self.fields]
        if missing:
            raise ValueError(f"required fields not mapped: {missing}")
        for name, mapping in self.fields.items():
            _check_field_map(name, mapping)
        return self

    def source_columns(self) -> tuple[str, ...]:
        """Every source column the profile reads."""
        return tuple(c for m in self.fields.values() for c in m.source_columns())


def _compile(pattern: str) -> re.Pattern[str]:
    """Compile a regex from a profile; a bad one is a validation error, not a crash."""
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"invalid regular expression {pattern!r}: {exc}") from exc


def _check_field_map(name: str, mapping: FieldMap) -> None:
    """Codes must exist in the field's code list; options must suit the field's kind."""
    if name in FIELD_CODELIST:
        allowed = set(load_codelists().for_field(name))
        targets = [t for t in mapping.codes.values() if t is not None] + list(mapping.ticks)
        if mapping.constant is not None:
            targets.append(mapping.constant)
        bad = sorted(set(targets) - allowed)
        if bad:
            raise ValueError(f"{name}: codes {bad} are not in the code list {sorted(allowed)}")
    elif mapping.codes or mapping.constant is not None:
        raise ValueError(f"{name}: codes and constant are only for coded fields")
    if mapping.ticks and name not in MULTI_CODE_FIELDS:
        raise ValueError(f"{name}: ticks are only for {', '.join(MULTI_CODE_FIELDS)}")
    if mapping.split and name not in MULTI_CODE_FIELDS:
        raise ValueError(f"{name}: split is only for {', '.join(MULTI_CODE_FIELDS)}")
    if mapping.formats and name not in DATE_FIELDS + TIME_FIELDS:
        raise ValueError(f"{name}: formats are only for dates and times")
    if mapping.yes_no_variants and FIELD_CODELIST.get(name) != JANEE:
        raise ValueError(f"{name}: yes_no_variants is only for ja/nee/onbekend fields")
    if mapping.transform and name not in GEMEENTE_FIELDS:
        raise ValueError(f"{name}: transform is only for {', '.join(GEMEENTE_FIELDS)}")
