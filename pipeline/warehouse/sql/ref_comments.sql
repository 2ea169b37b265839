-- Dutch comments on the reference tables (schema ref), for the analysts. The nightly run rewrites
-- these tables from the reference data (CREATE OR REPLACE drops comments), so
-- Warehouse.refresh_marts runs this file again before it (re)creates the marts.

COMMENT ON TABLE ref.organisatie IS 'Alle organisaties die verwacht worden te leveren: 342 gemeenten (werkgever van boa''s), 25 veiligheidsregio''s (brandweer) en de Nationale Politie.';
COMMENT ON COLUMN ref.organisatie.organisatiecode IS 'GMnnnn (gemeente, CBS-code), VRnn (veiligheidsregio) of POL (Nationale Politie).';
COMMENT ON COLUMN ref.organisatie.naam IS 'Naam van de organisatie (CBS-schrijfwijze).';
COMMENT ON COLUMN ref.organisatie.soort IS 'gemeente, veiligheidsregio of politie.';
COMMENT ON COLUMN ref.organisatie.veiligheidsregiocode IS 'De veiligheidsregio waarin de organisatie ligt (VRnn); leeg bij de politie.';
COMMENT ON COLUMN ref.organisatie.provinciecode IS 'De provincie (PVnn); leeg bij de politie.';
COMMENT ON COLUMN ref.organisatie.beroepsgroep IS 'De beroepsgroep waarvoor de organisatie levert: boa (gemeente), brandweer (veiligheidsregio) of politie.';

COMMENT ON TABLE ref.gemeente IS 'De 342 gemeenten van de indeling 2025 met provincie en veiligheidsregio (data/reference/gemeenten.csv; bronnen in SOURCES.md).';
COMMENT ON COLUMN ref.gemeente.gemeentecode IS 'CBS-gemeentecode, GMnnnn.';
COMMENT ON COLUMN ref.gemeente.gemeentenummer IS 'De viercijferige code zonder GM, zoals in BRP-tabellen.';
COMMENT ON COLUMN ref.gemeente.gemeentenaam IS 'Naam van de gemeente (CBS-schrijfwijze).';
COMMENT ON COLUMN ref.gemeente.provinciecode IS 'Provinciecode, PVnn.';
COMMENT ON COLUMN ref.gemeente.provincienaam IS 'Naam van de provincie (CBS-schrijfwijze).';
COMMENT ON COLUMN ref.gemeente.veiligheidsregiocode IS 'De veiligheidsregio waarin de gemeente ligt, VRnn.';
COMMENT ON COLUMN ref.gemeente.veiligheidsregionaam IS 'Naam van die veiligheidsregio (CBS-schrijfwijze).';
COMMENT ON COLUMN ref.gemeente.inwoners_ca_2022 IS 'Inwonertal rond 1 januari 2022 (benadering, als tekst).';
COMMENT ON COLUMN ref.gemeente.indeling_jaar IS 'Jaar van de gemeentelijke indeling (2025).';

COMMENT ON TABLE ref.veiligheidsregio IS 'De 25 veiligheidsregio''s (werkgever van de brandweer), indeling 2025 (data/reference/veiligheidsregios.csv).';
COMMENT ON COLUMN ref.veiligheidsregio.veiligheidsregiocode IS 'Code van de veiligheidsregio, VRnn.';
COMMENT ON COLUMN ref.veiligheidsregio.veiligheidsregionaam IS 'Naam van de veiligheidsregio (CBS-schrijfwijze).';
COMMENT ON COLUMN ref.veiligheidsregio.naam_alternatief IS 'Andere gangbare schrijfwijze van de naam, als die afwijkt.';
COMMENT ON COLUMN ref.veiligheidsregio.provinciecode IS 'De provincie waarin de regio ligt, PVnn.';
COMMENT ON COLUMN ref.veiligheidsregio.provincienaam IS 'Naam van die provincie.';
COMMENT ON COLUMN ref.veiligheidsregio.aantal_gemeenten IS 'Aantal gemeenten in de regio (als tekst).';
COMMENT ON COLUMN ref.veiligheidsregio.inwoners_ca_2022 IS 'Inwonertal rond 1 januari 2022 (som van de gemeenten, benadering, als tekst).';

COMMENT ON TABLE ref.herindeling IS 'Gemeentelijke herindelingen 2018-2025: een oude gemeentecode wordt omgezet naar de huidige gemeente (ketens worden gevolgd); tijdreeksen staan op de huidige grenzen.';
COMMENT ON COLUMN ref.herindeling.datum_ingang IS 'Datum waarop de herindeling inging (JJJJ-MM-DD, als tekst).';
COMMENT ON COLUMN ref.herindeling.jaar IS 'Jaar van de herindeling (als tekst).';
COMMENT ON COLUMN ref.herindeling.oude_gemeentecode IS 'De opgeheven gemeente, GMnnnn.';
COMMENT ON COLUMN ref.herindeling.oude_gemeentenaam IS 'Naam van de opgeheven gemeente.';
COMMENT ON COLUMN ref.herindeling.nieuwe_gemeentecode IS 'De gemeente waarin zij (of een deel ervan) opging, GMnnnn.';
COMMENT ON COLUMN ref.herindeling.nieuwe_gemeentenaam IS 'Naam van die gemeente.';
COMMENT ON COLUMN ref.herindeling.soort IS 'samenvoeging tot nieuwe gemeente, opgegaan in bestaande gemeente of opsplitsing.';
COMMENT ON COLUMN ref.herindeling.deel IS 'geheel, of gedeeltelijk bij een gesplitste gemeente (één rij per ontvangende gemeente).';
COMMENT ON COLUMN ref.herindeling.veiligheidsregio_oud IS 'Veiligheidsregio van de oude gemeente (alleen vanaf 2021 bekend).';
COMMENT ON COLUMN ref.herindeling.veiligheidsregio_nieuw IS 'Veiligheidsregio van de ontvangende gemeente.';
COMMENT ON COLUMN ref.herindeling.toelichting IS 'Toelichting, zoals welke dorpen naar welke gemeente gingen.';
COMMENT ON COLUMN ref.herindeling.bron IS 'Sleutel van de bron (zie data/reference/SOURCES.md).';

COMMENT ON TABLE ref.code IS 'De landelijke codelijsten van het model (schemas/codelists.yaml): per lijst de codes met label en omschrijving.';
COMMENT ON COLUMN ref.code.lijst IS 'Naam van de codelijst: beroepsgroep, gedragstype, kanaal, context, janee of letsel.';
COMMENT ON COLUMN ref.code.volgorde IS 'Volgorde van de code in de lijst (vanaf 0).';
COMMENT ON COLUMN ref.code.code IS 'De code zoals die in core.incident staat.';
COMMENT ON COLUMN ref.code.label IS 'Nederlands label voor tabellen en rapporten.';
COMMENT ON COLUMN ref.code.description IS 'Nederlandse omschrijving van de code.';
COMMENT ON COLUMN ref.code.rank IS 'Alleen bij gedragstype: zwaarte (hoger is zwaarder), bepaalt zwaarste_gedragstype.';
COMMENT ON COLUMN ref.code.synonyms IS 'Andere schrijfwijzen die als deze code worden gelezen (hoofdletters, accenten, leestekens en spaties tellen niet mee).';
COMMENT ON COLUMN ref.code.versie IS 'Versie van de codelijsten.';

COMMENT ON TABLE ref.edit IS 'De catalogus van genummerde controles (S structuur, E fout in een veld, W waarschuwing) met de Nederlandse teksten voor de werkgever.';
COMMENT ON COLUMN ref.edit.code IS 'Controlecode, zoals S03, E02 of W01.';
COMMENT ON COLUMN ref.edit.severity IS 'error (afkeuren) of warning (melden, rij blijft).';
COMMENT ON COLUMN ref.edit.scope IS 'Waarop de controle werkt: delivery (hele levering) of row (één rij).';
COMMENT ON COLUMN ref.edit.title_nl IS 'Korte titel van de controle.';
COMMENT ON COLUMN ref.edit.fix_nl IS 'Hoe de werkgever het oplost.';
COMMENT ON COLUMN ref.edit.expected_nl IS 'Hoe een goede waarde of een goed bestand eruitziet.';
COMMENT ON COLUMN ref.edit.versie IS 'Versie van de catalogus.';

COMMENT ON TABLE ref.fte IS 'Fte per organisatie, beroepsgroep en jaar uit de jaarbestanden fte_<jaar>.csv van de Taskforce: de noemer als een levering zelf geen fte opgeeft.';
COMMENT ON COLUMN ref.fte.organisatiecode IS 'De organisatie (ref.organisatie).';
COMMENT ON COLUMN ref.fte.beroepsgroep IS 'Beroepsgroep (codelijst beroepsgroep).';
COMMENT ON COLUMN ref.fte.jaar IS 'Het jaar waarvoor het fte-getal geldt.';
COMMENT ON COLUMN ref.fte.fte IS 'Aantal fte.';

COMMENT ON TABLE ref.levert_voor IS 'Wie levert voor wie (bijvoorbeeld een gedeelde handhavingsdienst voor meerdere gemeenten): de gedekte organisatie telt dan als geleverd.';
COMMENT ON COLUMN ref.levert_voor.leverancier IS 'De organisatie die levert.';
COMMENT ON COLUMN ref.levert_voor.organisatiecode IS 'De organisatie waarvoor zij levert.';
COMMENT ON COLUMN ref.levert_voor.vanaf IS 'Eerste kwartaal waarvoor dit geldt (2025Q1); leeg: altijd.';
COMMENT ON COLUMN ref.levert_voor.tot IS 'Laatste kwartaal waarvoor dit geldt; leeg: doorlopend.';
COMMENT ON COLUMN ref.levert_voor.toelichting IS 'Toelichting van de Taskforce.';

COMMENT ON TABLE ref.periode IS 'Kalender van kwartalen met begin- en einddatum en uiterste leverdatum.';
COMMENT ON COLUMN ref.periode.periode IS 'Het kwartaal, als 2025Q1.';
COMMENT ON COLUMN ref.periode.jaar IS 'Jaar.';
COMMENT ON COLUMN ref.periode.kwartaal IS 'Kwartaal 1-4.';
COMMENT ON COLUMN ref.periode.begindatum IS 'Eerste dag van het kwartaal.';
COMMENT ON COLUMN ref.periode.einddatum IS 'Laatste dag van het kwartaal.';
COMMENT ON COLUMN ref.periode.uiterste_leverdatum IS 'Laatste dag waarop de levering op tijd is (standaard 30 dagen na het kwartaal).';
COMMENT ON COLUMN ref.periode.verwacht IS 'Waar vanaf de startperiode (MONITOR_START_PERIODE): elke organisatie moet dit kwartaal leveren zodra het voorbij is; leeg als er geen startperiode is ingesteld (dan vanaf het eerste geleverde kwartaal).';

COMMENT ON TABLE ref.instelling IS 'Instellingen van de indicatoren, door de nachtelijke run vastgelegd (zoals de dekkingsdrempel).';
COMMENT ON COLUMN ref.instelling.naam IS 'Naam van de instelling, zoals dekkingsdrempel (aandeel fte dat geleverd moet zijn voordat een cijfer als volledig geldt).';
COMMENT ON COLUMN ref.instelling.waarde IS 'Waarde van de instelling (de dekkingsdrempel als aandeel, standaard 0,6).';
