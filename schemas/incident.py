"""The common model, schema version 1: Incident, Delivery and Organisation (DESIGN §4, §5).

The Incident model is generated from the field catalogue (`schemas.fields.CATALOGUE`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, cast

from pydantic import BaseModel, ConfigDict, Field, create_model, model_validator

from schemas.codelists import load_codelists
from schemas.fields import (
    CATALOGUE,
    ORGANISATIECODE_PATTERN,
    FieldKind,
    FieldName,
    FieldSpec,
    field_spec,
    stored_fields,
)

SCHEMA_VERSION = 1
PERIODE_PATTERN = r"^(\d{4})Q([1-4])$"


def _in_list(list_name: str) -> Any:
    """The type of a code of one national code list: a Literal, so that pydantic checks it in
    its core (a Python validator per value cost seconds per 100,000 incidents)."""
    return Literal[tuple(load_codelists().codes(list_name))]


if TYPE_CHECKING:
    Beroepsgroep = str
else:
    Beroepsgroep = _in_list(str(field_spec(FieldName.BEROEPSGROEP).codelist))
Organisatiecode = Annotated[str, Field(pattern=ORGANISATIECODE_PATTERN)]
_SCALAR_TYPES: dict[FieldKind, Any] = {
    FieldKind.TEXT: str, FieldKind.DATE: dt.date, FieldKind.TIME: dt.time,
    FieldKind.INTEGER: int, FieldKind.GEMEENTECODE: str, FieldKind.CODE: str,
}  # fmt: skip
_GEDRAGSTYPEN, _ZWAARSTE = FieldName.GEDRAGSTYPEN.value, FieldName.ZWAARSTE_GEDRAGSTYPE.value


def field_annotation(spec: FieldSpec) -> Any:
    """The pydantic type of one catalogue field: its kind, code list and bounds."""
    if spec.kind is FieldKind.MULTI_CODE:
        code = _in_list(str(spec.codelist))
        return Annotated[list[code], Field(min_length=1)]  # type: ignore[valid-type]
    if spec.kind is FieldKind.CODE:
        return _in_list(str(spec.codelist))
    bounds = Field(ge=spec.minimum, min_length=spec.min_length, max_length=spec.max_length,
                   pattern=spec.pattern)  # fmt: skip
    return Annotated[_SCALAR_TYPES[spec.kind], bounds]


class IncidentBase(BaseModel):
    """The rules across fields of an incident; the fields come from the catalogue."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="after")
    def _check_derived(self) -> IncidentBase:
        """The most serious gedragstype is the one given; no code twice; dates not too early."""
        problem = gedrag_problem(getattr(self, _GEDRAGSTYPEN), getattr(self, _ZWAARSTE))
        if problem:
            raise ValueError(problem)
        for name, earliest in type(self).earliest:
            value = getattr(self, name)
            if value is not None and value < earliest:
                raise ValueError(f"{name} before {earliest}")
        return self

    catalogue: ClassVar[tuple[FieldSpec, ...]] = CATALOGUE
    # (field, earliest date) of the dated fields: read once per model, not once per incident
    earliest: ClassVar[tuple[tuple[str, dt.date], ...]] = ()


def incident_model(catalogue: tuple[FieldSpec, ...] = CATALOGUE) -> type[IncidentBase]:
    """The Incident model of a catalogue: one pydantic field per stored field, in its order."""
    fields: dict[str, Any] = {}
    for spec in stored_fields(catalogue):
        annotation = field_annotation(spec)
        if spec.required:
            info = Field(title=spec.label, description=spec.description)
        else:
            annotation = annotation | None
            info = Field(default=None, title=spec.label, description=spec.description)
        fields[spec.name] = (annotation, info)
    model = create_model(
        "Incident", __base__=IncidentBase, __module__=__name__, __doc__=INCIDENT_DOC, **fields
    )
    model.catalogue = catalogue
    model.earliest = tuple((s.name, s.earliest) for s in stored_fields(catalogue) if s.earliest)
    return cast(type[IncidentBase], model)


INCIDENT_DOC = "One incident of aggression or violence against an emergency worker."
if TYPE_CHECKING:  # a class for the type checker; at run time the catalogue's generated model

    class Incident(IncidentBase):
        """One incident of aggression or violence against an emergency worker."""

else:
    Incident = incident_model()


class Periode(BaseModel):
    """A delivery period: one quarter, written `2025Q1`."""

    model_config = ConfigDict(frozen=True)

    jaar: Annotated[int, Field(ge=2010, le=2100)]
    kwartaal: Annotated[int, Field(ge=1, le=4)]

    @classmethod
    def parse(cls, text: str) -> Periode:
        """Parse `2025Q1`; raises ValueError otherwise."""
        match = re.match(PERIODE_PATTERN, text.strip().upper())
        if not match:
            raise ValueError(f"{text!r} is not a period like 2025Q1")
        return cls(jaar=int(match.group(1)), kwartaal=int(match.group(2)))

    @property
    def code(self) -> str:
        """The period as text, `2025Q1`."""
        return f"{self.jaar}Q{self.kwartaal}"

    @property
    def start(self) -> dt.date:
        """First day of the quarter."""
        return dt.date(self.jaar, 3 * self.kwartaal - 2, 1)

    @property
    def end(self) -> dt.date:
        """Last day of the quarter."""
        if self.kwartaal == 4:
            return dt.date(self.jaar, 12, 31)
        return dt.date(self.jaar, 3 * self.kwartaal + 1, 1) - dt.timedelta(days=1)


class DeliveryStatus(StrEnum):
    """Where a delivery stands in the ledger."""

    LOADED = "loaded"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"


class Delivery(BaseModel):
    """What a delivery declares about itself: who, which period, FTE, nil return."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    organisatiecode: Organisatiecode
    organisatiecode_bron: Organisatiecode
    periode: Periode
    profile_id: str
    bronbestand: str
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    received_at: dt.datetime
    fte: dict[str, Annotated[float, Field(ge=0)]] = Field(default_factory=dict)
    geen_incidenten: bool = False


class OrganisatieSoort(StrEnum):
    """The kind of employer."""

    GEMEENTE = "gemeente"
    VEILIGHEIDSREGIO = "veiligheidsregio"
    POLITIE = "politie"


class Organisation(BaseModel):
    """An employer that delivers: gemeente, veiligheidsregio or Nationale Politie."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    organisatiecode: Organisatiecode
    naam: str
    soort: OrganisatieSoort
    beroepsgroep: Beroepsgroep
    veiligheidsregiocode: Annotated[str, Field(pattern=r"^VR\d{2}$")] | None = None
    provinciecode: str | None = None


def gedrag_problem(types: Sequence[str], zwaarste: str) -> str | None:
    """What is wrong with an incident's gedragstypen and its most serious one, or None."""
    if len(set(types)) != len(types):
        return f"{_GEDRAGSTYPEN} contains a code twice"
    rank = _severity_rank()
    if zwaarste != max(types, key=rank.__getitem__):
        return f"{_ZWAARSTE} is not the most serious of {_GEDRAGSTYPEN}"
    return None


@cache
def _severity_rank() -> dict[str, int]:
    """The code lists' severity order, once per process (the guard asks for every incident)."""
    return load_codelists().severity_rank()
