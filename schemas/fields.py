"""The national field catalogue (DESIGN §4): every field of the common model, once.

One `FieldSpec` per field says what it is: its kind of value, code list, bounds, whether it is
required, where its value comes from (a profile maps it, the delivery declares it, ingest derives
or pseudonymises it), the numbered edits that can name it, and its Dutch label and description
(the template's help text). Everything else that needs a national field — the pydantic model
(`schemas.incident`), the mapping profiles' field groups (`schemas.profile`), the code list per
field (`schemas.codelists`), the DDL and column lists of `core.incident`
(`pipeline.warehouse.tables`), the template, the data dictionary and the JSON Schema — is
generated from `CATALOGUE` or iterates it. Adding a field is one entry here plus its mapping in
the profiles. The order is the template's column order (and the Incident model's field order).

This module imports nothing of ours: `schemas.codelists` and `schemas.incident` import it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from schemas.edit_codes import EditCode

EARLIEST_INCIDENTDATUM = dt.date(2010, 1, 1)
ORGANISATIECODE_PATTERN = r"^(GM\d{4}|VR\d{2}|POL)$"
GEMEENTECODE_PATTERN = r"^GM\d{4}$"
PSEUDONYM_PATTERN = r"^[0-9a-f]{64}$"


class FieldName(StrEnum):
    """The name of every national field (and `medewerker_id`, the source's employee id that
    ingest turns into `medewerker_pseudoniem`)."""

    ORGANISATIECODE = "organisatiecode"
    BRON_INCIDENTNUMMER = "bron_incidentnummer"
    BEROEPSGROEP = "beroepsgroep"
    INCIDENTDATUM = "incidentdatum"
    INCIDENTTIJD = "incidenttijd"
    REGISTRATIEDATUM = "registratiedatum"
    GEMEENTECODE_LOCATIE = "gemeentecode_locatie"
    GEDRAGSTYPEN = "gedragstypen"
    ZWAARSTE_GEDRAGSTYPE = "zwaarste_gedragstype"
    KANAAL = "kanaal"
    CONTEXT = "context"
    WAPEN = "wapen"
    AANTAL_DADERS = "aantal_daders"
    LETSEL = "letsel"
    VERZUIM_DAGEN = "verzuim_dagen"
    MATERIELE_SCHADE = "materiele_schade"
    AANGIFTE = "aangifte"
    VPT_MARKERING = "vpt_markering"
    NAZORG_AANGEBODEN = "nazorg_aangeboden"
    MEDEWERKER_PSEUDONIEM = "medewerker_pseudoniem"
    MEDEWERKER_ID = "medewerker_id"


class FieldKind(StrEnum):
    """The kind of value a field holds; it decides parsing, validation and the DuckDB type."""

    TEXT = "text"
    DATE = "date"
    TIME = "time"
    INTEGER = "integer"
    GEMEENTECODE = "gemeentecode"  # a CBS code GMnnnn, recoded to today's gemeente
    CODE = "code"  # one code of a national code list
    MULTI_CODE = "multi-code"  # one or more codes of a national code list


class Origin(StrEnum):
    """Where a field's value comes from."""

    PROFILE = "profile"  # a mapping profile maps it from the source
    DELIVERY = "delivery"  # the delivery declares it (folder, file name or metadata sheet)
    DERIVED = "derived"  # ingest computes it from other fields
    PSEUDONYMISED = "pseudonymised"  # ingest makes it from a source-only field
    SOURCE_ONLY = "source-only"  # a profile maps it, but it is never stored


DUCKDB_TYPES = {
    FieldKind.TEXT: "VARCHAR",
    FieldKind.DATE: "DATE",
    FieldKind.TIME: "TIME",
    FieldKind.INTEGER: "INTEGER",
    FieldKind.GEMEENTECODE: "VARCHAR",
    FieldKind.CODE: "VARCHAR",
    FieldKind.MULTI_CODE: "VARCHAR[]",
}
# The order of the profiles' field groups (`schemas.profile.MAPPABLE_FIELDS`).
PROFILE_KIND_ORDER = (FieldKind.TEXT, FieldKind.DATE, FieldKind.TIME, FieldKind.INTEGER,
                      FieldKind.GEMEENTECODE, FieldKind.MULTI_CODE, FieldKind.CODE)  # fmt: skip


@dataclass(frozen=True)
class FieldSpec:
    """One national field: what it holds, where it comes from, how it is checked and named."""

    name: str
    kind: FieldKind
    label: str  # Dutch, short
    description: str  # Dutch: what to fill in (the template's help text)
    meaning: str = ""  # Dutch: what the stored value means (the warehouse column's comment)
    required: bool = False
    origin: Origin = Origin.PROFILE
    codelist: str | None = None  # CODE and MULTI_CODE
    minimum: int | None = None  # INTEGER
    min_length: int | None = None  # TEXT
    max_length: int | None = None  # TEXT
    pattern: str | None = None  # TEXT, GEMEENTECODE
    earliest: dt.date | None = None  # DATE
    edits: tuple[EditCode, ...] = ()  # the numbered edits that can name this field

    def __post_init__(self) -> None:
        """A coded field names its code list; only a coded field has one. The name is kept as
        plain text (a FieldName would show as `<FieldName...>` in a repr or a message)."""
        object.__setattr__(self, "name", str(self.name))
        coded = self.kind in (FieldKind.CODE, FieldKind.MULTI_CODE)
        if coded != (self.codelist is not None):
            raise ValueError(f"{self.name}: a code list goes with a (multi-)code field only")

    @property
    def mappable(self) -> bool:
        """A mapping profile can fill it."""
        return self.origin in (Origin.PROFILE, Origin.SOURCE_ONLY)

    @property
    def stored(self) -> bool:
        """It is a field of the Incident model and a column of core.incident."""
        return self.origin is not Origin.SOURCE_ONLY

    @property
    def duckdb_type(self) -> str:
        """The column type in core.incident, with NOT NULL for a required field."""
        return DUCKDB_TYPES[self.kind] + (" NOT NULL" if self.required else "")


def _janee(
    name: FieldName,
    label: str,
    question: str,
    edits: tuple[EditCode, ...] = (),
    *,
    meaning: str,
) -> FieldSpec:
    """A ja/nee/onbekend field."""
    return FieldSpec(name, FieldKind.CODE, label, f"{question} ja, nee of onbekend.",
                     meaning=meaning, codelist="janee", edits=(*edits, EditCode.W06))  # fmt: skip


F, K = FieldName, FieldKind
CATALOGUE: tuple[FieldSpec, ...] = (
    FieldSpec(F.ORGANISATIECODE, K.TEXT, "Organisatiecode",
              "De CBS-code van de werkgever: GMnnnn (gemeente), VRnn (veiligheidsregio) of POL "
              "(politie); uit de aanlevering, niet uit een kolom.",
              required=True, origin=Origin.DELIVERY, pattern=ORGANISATIECODE_PATTERN,
              edits=(EditCode.S04,),
              meaning="De werkgever op de huidige indeling: GMnnnn (gemeente), VRnn (veiligheidsregio) of POL."),
    FieldSpec(F.BRON_INCIDENTNUMMER, K.TEXT, "Incidentnummer",
              "Uw eigen nummer van het incident; uniek binnen uw organisatie.",
              required=True, min_length=1, max_length=100, edits=(EditCode.S03, EditCode.E01, EditCode.E06),
              meaning="Het eigen incidentnummer van de werkgever; uniek per organisatie."),
    FieldSpec(F.BEROEPSGROEP, K.CODE, "Beroepsgroep",
              "De beroepsgroep van de getroffen medewerker (keuzelijst).",
              required=True, codelist="beroepsgroep", edits=(EditCode.S03, EditCode.E01, EditCode.E02, EditCode.W08),
              meaning="Beroepsgroep van de getroffen medewerker (codelijst beroepsgroep)."),
    FieldSpec(F.INCIDENTDATUM, K.DATE, "Incidentdatum",
              "Datum van het incident, dd-mm-jjjj; niet in de toekomst, niet voor 2010.",
              required=True, earliest=EARLIEST_INCIDENTDATUM,
              edits=(EditCode.S03, EditCode.E01, EditCode.E03, EditCode.E04, EditCode.W04),
              meaning="Datum van het incident; niet in de toekomst en niet vóór 2010-01-01."),
    FieldSpec(F.INCIDENTTIJD, K.TIME, "Incidenttijd",
              "Tijdstip van het incident, uu:mm (bijvoorbeeld 14:35).", edits=(EditCode.W06,),
              meaning="Tijdstip van het incident."),
    FieldSpec(F.REGISTRATIEDATUM, K.DATE, "Registratiedatum",
              "Datum waarop het incident bij u is gemeld, dd-mm-jjjj.", edits=(EditCode.W05, EditCode.W06),
              meaning="Datum waarop het incident bij de werkgever is gemeld."),
    FieldSpec(F.GEMEENTECODE_LOCATIE, K.GEMEENTECODE, "Gemeente van het incident",
              "Gemeente waar het gebeurde, als CBS-code GMnnnn (bijvoorbeeld GM0363).",
              pattern=GEMEENTECODE_PATTERN, edits=(EditCode.W06,),
              meaning="Gemeente waar het incident plaatsvond, op de huidige indeling (GMnnnn); leeg als onbekend."),
    FieldSpec(F.GEDRAGSTYPEN, K.MULTI_CODE, "Gedragstypen",
              "Een of meer gedragstypen uit de keuzelijst; meerdere scheidt u met een komma, "
              "bijvoorbeeld: verbaal, bedreiging.",
              required=True, codelist="gedragstype", edits=(EditCode.S03, EditCode.E01, EditCode.E02, EditCode.W02, EditCode.W06),
              meaning="Alle gedragstypen van het incident (lijst, minstens één; codelijst gedragstype). Tel per gedragstype via core.incident_gedragstype."),
    FieldSpec(F.ZWAARSTE_GEDRAGSTYPE, K.CODE, "Zwaarste gedragstype",
              "Het ernstigste van de gedragstypen van het incident; berekend, niet aangeleverd.",
              required=True, origin=Origin.DERIVED, codelist="gedragstype",
              meaning="Het zwaarste gedragstype volgens de rangorde van de codelijst, voor tellingen per zwaarste gedragstype zoals bij het CBS."),
    FieldSpec(F.KANAAL, K.CODE, "Kanaal",
              "Hoe de agressie de medewerker bereikte (keuzelijst).",
              codelist="kanaal", edits=(EditCode.W06,),
              meaning="Hoe de agressie de medewerker bereikte (codelijst kanaal)."),
    FieldSpec(F.CONTEXT, K.CODE, "Context",
              "Tijdens welke taak het gebeurde (keuzelijst).", codelist="context", edits=(EditCode.W06,),
              meaning="In welke situatie het incident plaatsvond (codelijst context)."),
    _janee(F.WAPEN, "Wapen", "Is er een wapen gebruikt of getoond?",
              meaning="Was er een wapen in het spel: ja, nee of onbekend."),
    FieldSpec(F.AANTAL_DADERS, K.INTEGER, "Aantal daders",
              "Aantal daders, een heel getal van 1 of meer. Nooit namen van daders.",
              minimum=1, edits=(EditCode.W06,),
              meaning="Aantal daders (minstens 1); nooit de identiteit van een dader."),
    FieldSpec(F.LETSEL, K.CODE, "Letsel",
              "Het zwaarste letsel van de medewerker (keuzelijst).",
              codelist="letsel", edits=(EditCode.W02, EditCode.W06),
              meaning="Lichamelijk letsel van de medewerker (codelijst letsel)."),
    FieldSpec(F.VERZUIM_DAGEN, K.INTEGER, "Verzuimdagen",
              "Aantal dagen verzuim door het incident, een heel getal van 0 of meer.",
              minimum=0, edits=(EditCode.W03, EditCode.W06),
              meaning="Dagen verzuim door het incident (0 of meer; boven 365 geeft waarschuwing W03)."),
    _janee(F.MATERIELE_SCHADE, "Materiële schade", "Is er materiële schade?",
              meaning="Was er materiële schade: ja, nee of onbekend."),
    _janee(F.AANGIFTE, "Aangifte", "Is er aangifte gedaan?",
              meaning="Is er aangifte gedaan bij de politie: ja, nee of onbekend."),
    _janee(F.VPT_MARKERING, "VPT-markering",
           "Heeft de aangifte de markering Veilige Publieke Taak?", (EditCode.W01,),
              meaning="Heeft de aangifte de markering Veilige Publieke Taak (ELA): ja, nee of onbekend."),
    _janee(F.NAZORG_AANGEBODEN, "Nazorg aangeboden", "Is de medewerker nazorg aangeboden?",
              meaning="Is de medewerker nazorg aangeboden: ja, nee of onbekend."),
    FieldSpec(F.MEDEWERKER_PSEUDONIEM, K.TEXT, "Pseudoniem medewerker",
              "Het pseudoniem van de medewerker (HMAC van het personeelsnummer per organisatie); "
              "berekend bij ontvangst, nooit aangeleverd.",
              origin=Origin.PSEUDONYMISED, pattern=PSEUDONYM_PATTERN,
              meaning="Pseudoniem van de medewerker (HMAC-SHA256 van het personeelsnummer met een geheime sleutel), voor herhaald slachtofferschap; het personeelsnummer zelf wordt nooit opgeslagen."),
    FieldSpec(F.MEDEWERKER_ID, K.TEXT, "Personeelsnummer",
              "Uw personeelsnummer van de medewerker (wordt een pseudoniem). Geen naam.",
              origin=Origin.SOURCE_ONLY),
)  # fmt: skip
del F, K


def field_spec(name: str, catalogue: Iterable[FieldSpec] = CATALOGUE) -> FieldSpec:
    """The catalogue entry of one field; KeyError for a name the catalogue lacks."""
    for spec in catalogue:
        if spec.name == name:
            return spec
    raise KeyError(f"{name!r} is not a national field")


def stored_fields(catalogue: Iterable[FieldSpec] = CATALOGUE) -> tuple[FieldSpec, ...]:
    """The fields of the Incident model and of core.incident, in catalogue order."""
    return tuple(spec for spec in catalogue if spec.stored)


def mappable_fields(
    kind: FieldKind | None = None, catalogue: Iterable[FieldSpec] = CATALOGUE
) -> tuple[str, ...]:
    """The names a profile can map — of one kind, or all in the profiles' group order."""
    specs = tuple(catalogue)
    kinds = PROFILE_KIND_ORDER if kind is None else (kind,)
    return tuple(s.name for k in kinds for s in specs if s.mappable and s.kind is k)


def field_codelists(catalogue: Iterable[FieldSpec] = CATALOGUE) -> dict[str, str]:
    """Coded field → the name of its code list."""
    return {spec.name: spec.codelist for spec in catalogue if spec.codelist is not None}
