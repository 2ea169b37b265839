"""The common model, schema version 1: Incident, Delivery and Organisation (DESIGN §4, §5)."""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from functools import cache
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from schemas.codelists import load_codelists

SCHEMA_VERSION = 1
EARLIEST_INCIDENTDATUM = dt.date(2010, 1, 1)

ORGANISATIECODE_PATTERN = r"^(GM\d{4}|VR\d{2}|POL)$"
GEMEENTECODE_PATTERN = r"^GM\d{4}$"
PERIODE_PATTERN = r"^(\d{4})Q([1-4])$"


@cache
def _allowed(list_name: str) -> frozenset[str]:
    """The codes of one list, as a set (validation runs per value: keep it cheap)."""
    return frozenset(load_codelists().codes(list_name))


def _in_list(list_name: str) -> AfterValidator:
    """A validator that accepts only codes of one national code list."""

    def check(value: str) -> str:
        if value not in _allowed(list_name):
            allowed = ", ".join(load_codelists().codes(list_name))
            raise ValueError(f"{value!r} is not a code of {list_name}: {allowed}")
        return value

    return AfterValidator(check)


Beroepsgroep = Annotated[str, _in_list("beroepsgroep")]
Gedragstype = Annotated[str, _in_list("gedragstype")]
Kanaal = Annotated[str, _in_list("kanaal")]
Context = Annotated[str, _in_list("context")]
JaNee = Annotated[str, _in_list("janee")]
Letsel = Annotated[str, _in_list("letsel")]
Organisatiecode = Annotated[str, Field(pattern=ORGANISATIECODE_PATTERN)]
Gemeentecode = Annotated[str, Field(pattern=GEMEENTECODE_PATTERN)]


class Incident(BaseModel):
    """One incident of aggression or violence against an emergency worker."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    organisatiecode: Organisatiecode
    beroepsgroep: Beroepsgroep
    bron_incidentnummer: Annotated[str, Field(min_length=1, max_length=100)]
    incidentdatum: dt.date
    incidenttijd: dt.time | None = None
    registratiedatum: dt.date | None = None
    gemeentecode_locatie: Gemeentecode | None = None
    gedragstypen: Annotated[list[Gedragstype], Field(min_length=1)]
    zwaarste_gedragstype: Gedragstype
    kanaal: Kanaal | None = None
    context: Context | None = None
    wapen: JaNee | None = None
    aantal_daders: Annotated[int, Field(ge=1)] | None = None
    letsel: Letsel | None = None
    verzuim_dagen: Annotated[int, Field(ge=0)] | None = None
    materiele_schade: JaNee | None = None
    aangifte: JaNee | None = None
    vpt_markering: JaNee | None = None
    nazorg_aangeboden: JaNee | None = None
    medewerker_pseudoniem: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")] | None = None

    @model_validator(mode="after")
    def _check_derived(self) -> Incident:
        """zwaarste_gedragstype is the most serious of gedragstypen; dates in range."""
        if len(set(self.gedragstypen)) != len(self.gedragstypen):
            raise ValueError("gedragstypen contains a code twice")
        rank = _severity_rank()
        if self.zwaarste_gedragstype != max(self.gedragstypen, key=rank.__getitem__):
            raise ValueError("zwaarste_gedragstype is not the most serious of gedragstypen")
        if self.incidentdatum < EARLIEST_INCIDENTDATUM:
            raise ValueError(f"incidentdatum before {EARLIEST_INCIDENTDATUM}")
        return self


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


@cache
def _severity_rank() -> dict[str, int]:
    """The code lists' severity order, once per process (the guard asks for every incident)."""
    return load_codelists().severity_rank()
