"""The Dutch texts of the national template: how to fill it in. (The line per column is the
field's description in the field catalogue, `schemas.fields`.)"""

from __future__ import annotations

from schemas.fields import FieldName

ORG, GEDRAG, MEDEWERKER = FieldName.ORGANISATIECODE, FieldName.GEDRAGSTYPEN, FieldName.MEDEWERKER_ID

EXPLANATION = (
    "Landelijk aanleversjabloon agressie en geweld tegen hulpverleners",
    "",
    "Zo vult u het sjabloon in:",
    f"1. Tabblad Aanlevering: vul de {ORG} (bijvoorbeeld GM0363, VR13 of POL), de "
    "periode (jaar en kwartaal, bijvoorbeeld 2025Q1) en het aantal fte van uw beroepsgroep in.",
    "2. Tabblad Incidenten: vul per incident één regel in, vanaf regel 2. Laat de kopregel staan.",
    "3. Kies de codes uit de keuzelijsten in de cellen; alle codes met hun betekenis staan op het "
    "tabblad Codelijsten.",
    f"4. Meerdere {GEDRAG} bij één incident scheidt u met een komma, bijvoorbeeld: "
    "verbaal, bedreiging.",
    "5. Datums als dd-mm-jjjj (bijvoorbeeld 05-01-2025), tijden als uu:mm (bijvoorbeeld 14:35).",
    "6. Weet u een waarde niet, laat de cel dan leeg of kies onbekend. 'Niet van toepassing' is "
    "geen 'ja': laat de cel dan leeg.",
    "7. Geen incidenten in deze periode? Zet geen_incidenten op het tabblad Aanlevering op ja en "
    "laat het tabblad Incidenten leeg. Ook dat is een aanlevering: lever het bestand dus in.",
    "",
    "Vul nooit namen, BSN, adressen, telefoonnummers of vrije tekst (omschrijvingen) in. Voor "
    f"{MEDEWERKER} gebruikt u uw eigen personeelsnummer; het wordt bij ontvangst vervangen door "
    "een pseudoniem.",
    "",
    "Aanleveren: één bestand per organisatie per kwartaal, met de naam "
    f"<{ORG}>_<jaar>Q<kwartaal>.xlsx (bijvoorbeeld GM0363_2025Q1.xlsx), in de "
    "aanlevermap van uw organisatie. Een nieuw bestand voor hetzelfde kwartaal vervangt het "
    "eerdere: zo levert u correcties aan.",
    "",
)
ORGANISATIECODE_HELP = "GMnnnn (gemeente), VRnn (veiligheidsregio) of POL (politie)"
NIL_HELP = "ja = geen incidenten in deze periode (laat Incidenten dan leeg), anders nee"
