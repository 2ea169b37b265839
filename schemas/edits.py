"""The registry of numbered edits (DESIGN §6): every S, E and W edit as one object.

An edit carries its code, severity, scope, Dutch title, fix and expected value, and how it is
found: a vectorised row check over the harmonised frame (`schemas/edit_checks.py`, run by
`pipeline/ingest/validate.py` in one loop), and/or the modules that raise it while reading,
recognising, harmonising or loading a delivery (they name it as `EditCode.S01` and so on).
Validation, the feedback and its legend, the data dictionary and `ref.edit` read it from here.
Versioned with the schema; the B codes of the batch checks live in
`pipeline/ingest/batch_checks.yaml`.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from schemas.edit_checks import (
    RowCheck,
    Rows,
    duplicate_number,
    implausible_verzuim,
    incidentdatum_out_of_range,
    outside_period,
    registered_before_incident,
    registratiedatum_out_of_range,
    serious_letsel_only_verbaal,
    vpt_without_aangifte,
)
from schemas.edit_codes import EditCode
from schemas.fields import FieldName as F

EDIT_CATALOGUE_VERSION = 2  # 2: W06 (optional value loaded as missing), W07, W08, W09


class Severity(StrEnum):
    """What an edit does: reject the delivery or row, or only warn."""

    ERROR = "error"
    WARNING = "warning"

    @property
    def nl(self) -> str:
        """The Dutch word the employer reads."""
        return {Severity.ERROR: "fout", Severity.WARNING: "waarschuwing"}[self]


class Scope(StrEnum):
    """What an edit applies to."""

    DELIVERY = "delivery"
    ROW = "row"
    BATCH = "batch"

    @property
    def nl(self) -> str:
        """The Dutch word the analyst reads."""
        return {Scope.DELIVERY: "levering", Scope.ROW: "rij", Scope.BATCH: "levering (batch)"}[self]


# The modules that raise an edit while harmonising or validating (besides the row checks).
HARMONISE, VALIDATE = "pipeline.ingest.harmonise", "pipeline.ingest.validate"


class Edit(BaseModel):
    """One numbered edit: what it is, its Dutch text for the employer, and how it is found.

    `checks` are its vectorised row checks; `raised_in` names the modules that raise it
    themselves (a reader, the recognition, harmonisation, the model guard of validation).
    Neither is part of the catalogue as data (`model_dump`, `ref.edit`, the JSON export).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    code: EditCode
    severity: Severity
    scope: Scope
    title_nl: str
    fix_nl: str
    expected_nl: str  # what a correct value or file looks like, for the feedback's "verwacht"
    checks: tuple[RowCheck, ...] = Field(default=(), exclude=True)
    raised_in: tuple[str, ...] = Field(default=(), exclude=True)
    suggests_codes: bool = Field(default=False, exclude=True)  # the message names close codes

    def headline(self, detail: str) -> str:
        """`S03 Verplichte kolom ontbreekt: <detail>`, the first line of a delivery's failure."""
        return f"{self.code} {self.title_nl}: {detail}"


E, W = Severity.ERROR, Severity.WARNING
D, R = Scope.DELIVERY, Scope.ROW
C = EditCode

EDITS: dict[str, Edit] = {  # keyed by EditCode; a plain code from a frame finds it too
    e.code: e
    for e in (
        Edit(
            code=C.S01,
            severity=E,
            scope=D,
            title_nl="Bestand onleesbaar",
            fix_nl=(
                "Lever het bestand opnieuw aan als .xlsx, .csv of .jsonl, niet beveiligd en niet "
                "beschadigd."
            ),
            expected_nl=(
                "Een leesbaar .xlsx-, .csv- of .jsonl-bestand, niet beveiligd met een wachtwoord."
            ),
            raised_in=(
                *("connectors", "connectors.delimited", "connectors.jsonl", "connectors.limits"),
                *("connectors.recognise", "connectors.shared_strings", "connectors.sheet_walk"),
                *("connectors.spreadsheet", "connectors.workbook_bounds"),
                *("pipeline.ingest.process", "pipeline.night.steps"),
                "portal.isolation",
            ),
        ),
        Edit(
            code=C.S02,
            severity=E,
            scope=D,
            title_nl="Geen tabel of kopregel gevonden",
            fix_nl=(
                "Zorg dat het gegevensblad een kopregel met kolomnamen heeft, zoals in het landelijke "
                "sjabloon."
            ),
            expected_nl="Een blad met één kopregel met kolomnamen, daaronder één regel per incident.",
            raised_in=(
                "connectors.delimited",
                "connectors.recognise",
                "connectors.spreadsheet",
            ),
        ),
        Edit(
            code=C.S03,
            severity=E,
            scope=D,
            title_nl="Verplichte kolom ontbreekt",
            fix_nl="Voeg de ontbrekende kolom toe of gebruik het landelijke sjabloon.",
            expected_nl=(
                "Alle verplichte kolommen van het landelijke sjabloon (zie het blad Toelichting)."
            ),
            raised_in=(
                "connectors.recognise",
                "pipeline.ingest.process",
                "pipeline.night.api_sync",
            ),
        ),
        Edit(
            code=C.S04,
            severity=E,
            scope=D,
            title_nl="Organisatie onbekend of niet passend bij de map",
            fix_nl=(
                "Gebruik de CBS-code van uw organisatie (GMnnnn, VRnn of POL) en lever aan in uw eigen "
                "map."
            ),
            expected_nl="De organisatiecode van de map waarin u aanlevert (GMnnnn, VRnn of POL).",
            raised_in=("pipeline.ingest.meta",),
        ),
        Edit(
            code=C.S05,
            severity=E,
            scope=D,
            title_nl="Periode niet te bepalen",
            fix_nl="Vermeld de periode (bijvoorbeeld 2025Q1) in het bestand of in de bestandsnaam.",
            expected_nl="Een periode als jjjjQk, bijvoorbeeld 2025Q1.",
            raised_in=("pipeline.ingest.meta",),
        ),
        Edit(
            code=C.W09,
            severity=W,
            scope=D,
            title_nl="Mogelijk verkeerd geadresseerd",
            fix_nl=(
                "Controleer of dit bestand van uw organisatie is; zo niet, verwijder het uit uw map en "
                "laat het de Taskforce weten."
            ),
            expected_nl="Een bestand dat alleen uw eigen organisatie aanlevert.",
            raised_in=("pipeline.night.steps",),
        ),
        Edit(
            code=C.E01,
            severity=E,
            scope=R,
            title_nl="Verplichte waarde ontbreekt",
            fix_nl="Vul de waarde in; zonder deze waarde kan het incident niet worden meegeteld.",
            expected_nl="Een ingevulde waarde.",
            raised_in=(HARMONISE,),
        ),
        Edit(
            code=C.E02,
            severity=E,
            scope=R,
            title_nl="Waarde niet in de codelijst",
            fix_nl="Gebruik een code of omschrijving uit de landelijke codelijst.",
            expected_nl="Een code of omschrijving uit de landelijke codelijst.",
            raised_in=(
                HARMONISE,
                VALIDATE,
            ),
            suggests_codes=True,
        ),
        Edit(
            code=C.E03,
            severity=E,
            scope=R,
            title_nl="Ongeldige datum of tijd",
            fix_nl="Schrijf datums als dd-mm-jjjj of jjjj-mm-dd en tijden als uu:mm.",
            expected_nl="Een datum als dd-mm-jjjj (bijvoorbeeld 31-03-2025) of een tijd als uu:mm.",
            raised_in=(HARMONISE,),
        ),
        Edit(
            code=C.E04,
            severity=E,
            scope=R,
            title_nl="Datum buiten bereik",
            fix_nl="Een incidentdatum ligt tussen 1-1-2010 en vandaag; controleer het jaartal.",
            expected_nl="Een datum vanaf 01-01-2010 en niet later dan vandaag.",
            checks=(RowCheck(F.INCIDENTDATUM, incidentdatum_out_of_range, Rows.RECEIVED),),
            raised_in=(VALIDATE,),
        ),
        Edit(
            code=C.E05,
            severity=E,
            scope=R,
            title_nl="Ongeldig getal",
            fix_nl="Vul een geheel getal in: aantal daders 1 of meer, verzuimdagen 0 of meer.",
            expected_nl=f"Een geheel getal: {F.AANTAL_DADERS} 1 of meer, {F.VERZUIM_DAGEN} 0 of meer.",
            raised_in=(
                HARMONISE,
                VALIDATE,
            ),
        ),
        Edit(
            code=C.E06,
            severity=E,
            scope=R,
            title_nl="Incidentnummer dubbel in de aanlevering",
            fix_nl="Geef elk incident een eigen nummer; alleen het eerste voorkomen wordt verwerkt.",
            expected_nl="Een incidentnummer dat maar één keer in de aanlevering voorkomt.",
            checks=(RowCheck(F.BRON_INCIDENTNUMMER, duplicate_number, Rows.RECEIVED),),
        ),
        Edit(
            code=C.W01,
            severity=W,
            scope=R,
            title_nl="VPT-markering zonder aangifte",
            fix_nl="Een VPT-markering hoort bij een aangifte; controleer aangifte en VPT-markering.",
            expected_nl=f"{F.VPT_MARKERING} 'ja' alleen bij {F.AANGIFTE} 'ja'.",
            checks=(RowCheck(F.VPT_MARKERING, vpt_without_aangifte),),
        ),
        Edit(
            code=C.W02,
            severity=W,
            scope=R,
            title_nl="Zwaar letsel bij alleen verbale agressie",
            fix_nl="Controleer het letsel of vul het gedragstype aan (bijvoorbeeld fysiek geweld).",
            expected_nl=(
                "Bij letsel 'medisch' of 'ernstig' ook een ander gedragstype dan alleen verbaal."
            ),
            checks=(RowCheck(F.LETSEL, serious_letsel_only_verbaal),),
        ),
        Edit(
            code=C.W03,
            severity=W,
            scope=R,
            title_nl="Verzuim onwaarschijnlijk hoog",
            fix_nl="Meer dan 365 verzuimdagen is ongebruikelijk; controleer het aantal.",
            expected_nl="Hoogstens 365 verzuimdagen.",
            checks=(RowCheck(F.VERZUIM_DAGEN, implausible_verzuim),),
        ),
        Edit(
            code=C.W04,
            severity=W,
            scope=R,
            title_nl="Incidentdatum buiten de periode van de aanlevering",
            fix_nl="Controleer de datum, of lever het incident aan bij de juiste periode.",
            expected_nl="Een incidentdatum binnen de periode van de aanlevering.",
            checks=(RowCheck(F.INCIDENTDATUM, outside_period),),
        ),
        Edit(
            code=C.W05,
            severity=W,
            scope=R,
            title_nl="Registratiedatum voor de incidentdatum",
            fix_nl="Controleer beide datums: een melding volgt op het incident.",
            expected_nl="Een registratiedatum op of na de incidentdatum.",
            checks=(RowCheck(F.REGISTRATIEDATUM, registered_before_incident),),
        ),
        Edit(
            code=C.W06,
            severity=W,
            scope=R,
            title_nl="Ongeldige waarde in een niet-verplicht veld, leeg geladen",
            fix_nl=(
                "Het incident telt mee, maar dit veld is leeg (of 'onbekend') geladen. Verbeter de "
                "waarde in uw registratie, zodat het bij de volgende aanlevering wel meetelt."
            ),
            expected_nl=(
                "Een code of omschrijving uit de landelijke codelijst, een geldige datum of een geheel "
                "getal."
            ),
            checks=(
                RowCheck(
                    F.REGISTRATIEDATUM, registratiedatum_out_of_range, Rows.RECEIVED, blanks=True
                ),
            ),
            raised_in=(HARMONISE,),
            suggests_codes=True,
        ),
        Edit(
            code=C.W07,
            severity=W,
            scope=D,
            title_nl="Periode afgeleid uit de incidentdatums",
            fix_nl=(
                "De bestandsnaam noemt geen periode; alle incidentdatums vallen in één kwartaal en dat "
                "is als periode genomen. Zet de periode voortaan in de bestandsnaam, bijvoorbeeld "
                "2025Q1."
            ),
            expected_nl="Een periode in de bestandsnaam, bijvoorbeeld 2025Q1 of 1e kwartaal 2025.",
            raised_in=(VALIDATE,),
        ),
        Edit(
            code=C.W08,
            severity=W,
            scope=R,
            title_nl="Beroepsgroep past niet bij de organisatie",
            fix_nl=(
                "Controleer de beroepsgroep: een gemeente levert boa's aan, een veiligheidsregio "
                "brandweer en de politie politie. Het incident telt mee met de ingevulde beroepsgroep."
            ),
            expected_nl=(
                "De beroepsgroep van uw organisatie (gemeente: boa, veiligheidsregio: brandweer, "
                "politie: politie)."
            ),
            raised_in=(HARMONISE,),
        ),
    )
}


def row_checks(rows: Rows) -> tuple[tuple[Edit, RowCheck], ...]:
    """Every row check on `rows`, with its edit, in the registry's order."""
    return tuple((e, c) for e in EDITS.values() for c in e.checks if c.rows is rows)
