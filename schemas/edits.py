"""The catalogue of numbered edits (DESIGN §6), as data. Versioned with the schema."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict

EDIT_CATALOGUE_VERSION = 2  # 2: W06 (optional value loaded as missing), W07, W08, W09


class Severity(StrEnum):
    """What an edit does: reject the delivery or row, or only warn."""

    ERROR = "error"
    WARNING = "warning"


class Scope(StrEnum):
    """What an edit applies to."""

    DELIVERY = "delivery"
    ROW = "row"
    BATCH = "batch"


class Edit(BaseModel):
    """One numbered check, with its Dutch text for the employer."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str
    severity: Severity
    scope: Scope
    title_nl: str
    fix_nl: str
    expected_nl: str  # what a correct value or file looks like, for the feedback's "verwacht"


def _edit(code: str, severity: Severity, scope: Scope, title: str, fix: str, expected: str) -> Edit:
    return Edit(code=code, severity=severity, scope=scope, title_nl=title, fix_nl=fix,
                expected_nl=expected)  # fmt: skip


E, W = Severity.ERROR, Severity.WARNING
D, R = Scope.DELIVERY, Scope.ROW

EDITS: dict[str, Edit] = {
    e.code: e
    for e in (
        _edit(
            "S01",
            E,
            D,
            "Bestand onleesbaar",
            "Lever het bestand opnieuw aan als .xlsx, .csv of .jsonl, niet beveiligd en niet beschadigd.",
            "Een leesbaar .xlsx-, .csv- of .jsonl-bestand, niet beveiligd met een wachtwoord.",
        ),
        _edit(
            "S02",
            E,
            D,
            "Geen tabel of kopregel gevonden",
            "Zorg dat het gegevensblad een kopregel met kolomnamen heeft, zoals in het landelijke sjabloon.",
            "Een blad met één kopregel met kolomnamen, daaronder één regel per incident.",
        ),
        _edit(
            "S03",
            E,
            D,
            "Verplichte kolom ontbreekt",
            "Voeg de ontbrekende kolom toe of gebruik het landelijke sjabloon.",
            "Alle verplichte kolommen van het landelijke sjabloon (zie het blad Toelichting).",
        ),
        _edit(
            "S04",
            E,
            D,
            "Organisatie onbekend of niet passend bij de map",
            "Gebruik de CBS-code van uw organisatie (GMnnnn, VRnn of POL) en lever aan in uw eigen map.",
            "De organisatiecode van de map waarin u aanlevert (GMnnnn, VRnn of POL).",
        ),
        _edit(
            "S05",
            E,
            D,
            "Periode niet te bepalen",
            "Vermeld de periode (bijvoorbeeld 2025Q1) in het bestand of in de bestandsnaam.",
            "Een periode als jjjjQk, bijvoorbeeld 2025Q1.",
        ),
        _edit(
            "W09",
            W,
            D,
            "Mogelijk verkeerd geadresseerd",
            "Controleer of dit bestand van uw organisatie is; zo niet, verwijder het uit uw map "
            "en laat het de Taskforce weten.",
            "Een bestand dat alleen uw eigen organisatie aanlevert.",
        ),
        _edit(
            "E01",
            E,
            R,
            "Verplichte waarde ontbreekt",
            "Vul de waarde in; zonder deze waarde kan het incident niet worden meegeteld.",
            "Een ingevulde waarde.",
        ),
        _edit(
            "E02",
            E,
            R,
            "Waarde niet in de codelijst",
            "Gebruik een code of omschrijving uit de landelijke codelijst.",
            "Een code of omschrijving uit de landelijke codelijst.",
        ),
        _edit(
            "E03",
            E,
            R,
            "Ongeldige datum of tijd",
            "Schrijf datums als dd-mm-jjjj of jjjj-mm-dd en tijden als uu:mm.",
            "Een datum als dd-mm-jjjj (bijvoorbeeld 31-03-2025) of een tijd als uu:mm.",
        ),
        _edit(
            "E04",
            E,
            R,
            "Datum buiten bereik",
            "Een incidentdatum ligt tussen 1-1-2010 en vandaag; controleer het jaartal.",
            "Een datum vanaf 01-01-2010 en niet later dan vandaag.",
        ),
        _edit(
            "E05",
            E,
            R,
            "Ongeldig getal",
            "Vul een geheel getal in: aantal daders 1 of meer, verzuimdagen 0 of meer.",
            "Een geheel getal: aantal_daders 1 of meer, verzuim_dagen 0 of meer.",
        ),
        _edit(
            "E06",
            E,
            R,
            "Incidentnummer dubbel in de aanlevering",
            "Geef elk incident een eigen nummer; alleen het eerste voorkomen wordt verwerkt.",
            "Een incidentnummer dat maar één keer in de aanlevering voorkomt.",
        ),
        _edit(
            "W01",
            W,
            R,
            "VPT-markering zonder aangifte",
            "Een VPT-markering hoort bij een aangifte; controleer aangifte en VPT-markering.",
            "vpt_markering 'ja' alleen bij aangifte 'ja'.",
        ),
        _edit(
            "W02",
            W,
            R,
            "Zwaar letsel bij alleen verbale agressie",
            "Controleer het letsel of vul het gedragstype aan (bijvoorbeeld fysiek geweld).",
            "Bij letsel 'medisch' of 'ernstig' ook een ander gedragstype dan alleen verbaal.",
        ),
        _edit(
            "W03",
            W,
            R,
            "Verzuim onwaarschijnlijk hoog",
            "Meer dan 365 verzuimdagen is ongebruikelijk; controleer het aantal.",
            "Hoogstens 365 verzuimdagen.",
        ),
        _edit(
            "W04",
            W,
            R,
            "Incidentdatum buiten de periode van de aanlevering",
            "Controleer de datum, of lever het incident aan bij de juiste periode.",
            "Een incidentdatum binnen de periode van de aanlevering.",
        ),
        _edit(
            "W05",
            W,
            R,
            "Registratiedatum voor de incidentdatum",
            "Controleer beide datums: een melding volgt op het incident.",
            "Een registratiedatum op of na de incidentdatum.",
        ),
        _edit(
            "W06",
            W,
            R,
            "Ongeldige waarde in een niet-verplicht veld, leeg geladen",
            "Het incident telt mee, maar dit veld is leeg (of 'onbekend') geladen. Verbeter de "
            "waarde in uw registratie, zodat het bij de volgende aanlevering wel meetelt.",
            "Een code of omschrijving uit de landelijke codelijst, een geldige datum of een geheel getal.",
        ),
        _edit(
            "W07",
            W,
            D,
            "Periode afgeleid uit de incidentdatums",
            "De bestandsnaam noemt geen periode; alle incidentdatums vallen in één kwartaal en dat "
            "is als periode genomen. Zet de periode voortaan in de bestandsnaam, bijvoorbeeld 2025Q1.",
            "Een periode in de bestandsnaam, bijvoorbeeld 2025Q1 of 1e kwartaal 2025.",
        ),
        _edit(
            "W08",
            W,
            R,
            "Beroepsgroep past niet bij de organisatie",
            "Controleer de beroepsgroep: een gemeente levert boa's aan, een veiligheidsregio "
            "brandweer en de politie politie. Het incident telt mee met de ingevulde beroepsgroep.",
            "De beroepsgroep van uw organisatie (gemeente: boa, veiligheidsregio: brandweer, politie: politie).",
        ),
    )
}
