-- mart.incident_regio. Reads: core.incident, ref.gemeente, ref.organisatie.

-- Per incident the area it counts in. Gemeente: the location, else the employer when that is a
-- gemeente, else 'onbekend'. Veiligheidsregio: the region of that gemeente, else the employer's
-- own region when that is a veiligheidsregio, else 'onbekend' (politie without a location).
CREATE OR REPLACE VIEW mart.incident_regio AS
SELECT i.*,
       CASE WHEN g.gemeentecode IS NOT NULL THEN g.gemeentecode
            WHEN o.soort = 'gemeente' THEN o.organisatiecode
            ELSE 'onbekend' END AS gemeentecode,
       coalesce(g.veiligheidsregiocode,
                CASE WHEN o.soort IN ('gemeente', 'veiligheidsregio') THEN o.veiligheidsregiocode END,
                'onbekend') AS veiligheidsregiocode
FROM core.incident i
LEFT JOIN ref.gemeente g ON g.gemeentecode = i.gemeentecode_locatie
LEFT JOIN ref.organisatie o ON o.organisatiecode = i.organisatiecode;
COMMENT ON VIEW mart.incident_regio IS 'Elk geladen incident met de gemeente en veiligheidsregio waar het meetelt (grenzen van nu): de plaats van het incident, anders de werkgever als dat een gemeente is (regio: anders de eigen regio van een veiligheidsregio), anders onbekend.';
COMMENT ON COLUMN mart.incident_regio.delivery_id IS 'Levering waaruit het incident komt (ops.delivery).';
COMMENT ON COLUMN mart.incident_regio.periode IS 'Kwartaal van de levering, bijvoorbeeld 2025Q1.';
COMMENT ON COLUMN mart.incident_regio.organisatiecode IS 'Werkgever (GMnnnn, VRnn of POL), met de code van nu.';
COMMENT ON COLUMN mart.incident_regio.organisatiecode_bron IS 'Organisatiecode zoals aangeleverd (kan een oude gemeentecode zijn).';
COMMENT ON COLUMN mart.incident_regio.beroepsgroep IS 'Beroepsgroep: politie, boa, brandweer, ambulance of overig.';
COMMENT ON COLUMN mart.incident_regio.bron_incidentnummer IS 'Eigen incidentnummer van de werkgever.';
COMMENT ON COLUMN mart.incident_regio.incidentdatum IS 'Datum van het incident.';
COMMENT ON COLUMN mart.incident_regio.incidenttijd IS 'Tijd van het incident (als bekend).';
COMMENT ON COLUMN mart.incident_regio.registratiedatum IS 'Datum waarop het incident bij de werkgever is gemeld.';
COMMENT ON COLUMN mart.incident_regio.gemeentecode_locatie IS 'Gemeente waar het incident plaatsvond, met de code van nu (leeg als onbekend).';
COMMENT ON COLUMN mart.incident_regio.gemeentecode_locatie_bron IS 'Gemeentecode van de plaats zoals aangeleverd.';
COMMENT ON COLUMN mart.incident_regio.gedragstypen IS 'Alle gedragstypen van het incident.';
COMMENT ON COLUMN mart.incident_regio.zwaarste_gedragstype IS 'Zwaarste gedragstype volgens de ernstvolgorde van de codelijst.';
COMMENT ON COLUMN mart.incident_regio.kanaal IS 'Kanaal: fysiek, telefonisch, schriftelijk, online of onbekend.';
COMMENT ON COLUMN mart.incident_regio.context IS 'Context van het incident, bijvoorbeeld handhaving of hulpverlening.';
COMMENT ON COLUMN mart.incident_regio.wapen IS 'Wapen gebruikt of getoond: ja, nee of onbekend.';
COMMENT ON COLUMN mart.incident_regio.aantal_daders IS 'Aantal daders (nooit hun identiteit).';
COMMENT ON COLUMN mart.incident_regio.letsel IS 'Letsel: geen, licht, medisch, ernstig of onbekend.';
COMMENT ON COLUMN mart.incident_regio.verzuim_dagen IS 'Aantal dagen verzuim door het incident.';
COMMENT ON COLUMN mart.incident_regio.materiele_schade IS 'Materiële schade: ja, nee of onbekend.';
COMMENT ON COLUMN mart.incident_regio.aangifte IS 'Aangifte gedaan: ja, nee of onbekend.';
COMMENT ON COLUMN mart.incident_regio.vpt_markering IS 'Aangifte gemarkeerd als Veilige Publieke Taak: ja, nee of onbekend.';
COMMENT ON COLUMN mart.incident_regio.nazorg_aangeboden IS 'Nazorg aangeboden: ja, nee of onbekend.';
COMMENT ON COLUMN mart.incident_regio.medewerker_pseudoniem IS 'Pseudoniem (HMAC) van de medewerker, voor herhaald slachtofferschap.';
COMMENT ON COLUMN mart.incident_regio.bronbestand IS 'Bestand waaruit het incident komt.';
COMMENT ON COLUMN mart.incident_regio.tabblad IS 'Tabblad in het bronbestand (bij Excel).';
COMMENT ON COLUMN mart.incident_regio.rij IS 'Rijnummer in het bronbestand.';
COMMENT ON COLUMN mart.incident_regio.gemeentecode IS 'Gemeente waar het incident meetelt (grenzen van nu), of onbekend.';
COMMENT ON COLUMN mart.incident_regio.veiligheidsregiocode IS 'Veiligheidsregio waar het incident meetelt, of onbekend.';
