"""The Dutch texts of the national template: how to fill it in, and a line per column."""

from __future__ import annotations

EXPLANATION = (
    "Landelijk aanleversjabloon agressie en geweld tegen hulpverleners",
    "",
    "Zo vult u het sjabloon in:",
    "1. Tabblad Aanlevering: vul de organisatiecode (bijvoorbeeld GM0363, VR13 of POL), de "
    "periode (jaar en kwartaal, bijvoorbeeld 2025Q1) en het aantal fte van uw beroepsgroep in.",
    "2. Tabblad Incidenten: vul per incident één regel in, vanaf regel 2. Laat de kopregel staan.",
    "3. Kies de codes uit de keuzelijsten in de cellen; alle codes met hun betekenis staan op het "
    "tabblad Codelijsten.",
    "4. Meerdere gedragstypen bij één incident scheidt u met een komma, bijvoorbeeld: "
    "verbaal, bedreiging.",
    "5. Datums als dd-mm-jjjj (bijvoorbeeld 05-01-2025), tijden als uu:mm (bijvoorbeeld 14:35).",
    "6. Weet u een waarde niet, laat de cel dan leeg of kies onbekend. 'Niet van toepassing' is "
    "geen 'ja': laat de cel dan leeg.",
    "7. Geen incidenten in deze periode? Zet geen_incidenten op het tabblad Aanlevering op ja en "
    "laat het tabblad Incidenten leeg. Ook dat is een aanlevering: lever het bestand dus in.",
    "",
    "Vul nooit namen, BSN, adressen, telefoonnummers of vrije tekst (omschrijvingen) in. Voor "
    "medewerker_id gebruikt u uw eigen personeelsnummer; het wordt bij ontvangst vervangen door "
    "een pseudoniem.",
    "",
    "Aanleveren: één bestand per organisatie per kwartaal, met de naam "
    "<organisatiecode>_<jaar>Q<kwartaal>.xlsx (bijvoorbeeld GM0363_2025Q1.xlsx), in de "
    "aanlevermap van uw organisatie. Een nieuw bestand voor hetzelfde kwartaal vervangt het "
    "eerdere: zo levert u correcties aan.",
    "",
)
FIELD_HELP = {
    "bron_incidentnummer": "Uw eigen nummer van het incident; uniek binnen uw organisatie.",
    "beroepsgroep": "De beroepsgroep van de getroffen medewerker (keuzelijst).",
    "incidentdatum": "Datum van het incident, dd-mm-jjjj; niet in de toekomst, niet voor 2010.",
    "incidenttijd": "Tijdstip van het incident, uu:mm (bijvoorbeeld 14:35).",
    "registratiedatum": "Datum waarop het incident bij u is gemeld, dd-mm-jjjj.",
    "gemeentecode_locatie": "Gemeente waar het gebeurde, als CBS-code GMnnnn (bijvoorbeeld "
    "GM0363).",
    "gedragstypen": "Een of meer gedragstypen uit de keuzelijst; meerdere scheidt u met een "
    "komma, bijvoorbeeld: verbaal, bedreiging.",
    "kanaal": "Hoe de agressie de medewerker bereikte (keuzelijst).",
    "context": "Tijdens welke taak het gebeurde (keuzelijst).",
    "wapen": "Is er een wapen gebruikt of getoond? ja, nee of onbekend.",
    "aantal_daders": "Aantal daders, een heel getal van 1 of meer. Nooit namen van daders.",
    "letsel": "Het zwaarste letsel van de medewerker (keuzelijst).",
    "verzuim_dagen": "Aantal dagen verzuim door het incident, een heel getal van 0 of meer.",
    "materiele_schade": "Is er materiële schade? ja, nee of onbekend.",
    "aangifte": "Is er aangifte gedaan? ja, nee of onbekend.",
    "vpt_markering": "Heeft de aangifte de markering Veilige Publieke Taak? ja, nee of onbekend.",
    "nazorg_aangeboden": "Is de medewerker nazorg aangeboden? ja, nee of onbekend.",
    "medewerker_id": "Uw personeelsnummer van de medewerker (wordt een pseudoniem). Geen naam.",
}
ORGANISATIECODE_HELP = "GMnnnn (gemeente), VRnn (veiligheidsregio) of POL (politie)"
NIL_HELP = "ja = geen incidenten in deze periode (laat Incidenten dan leeg), anders nee"
