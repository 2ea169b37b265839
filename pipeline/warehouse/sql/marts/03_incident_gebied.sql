-- mart.incident_gebied. Reads: mart.incident_regio.

-- Every incident once per niveau (nationaal, veiligheidsregio, gemeente) and once per period
-- type (its quarter and its year): the one source the three indicator views group.
CREATE OR REPLACE VIEW mart.incident_gebied AS
SELECT n.niveau,
       CASE n.niveau WHEN 'nationaal' THEN 'NL'
                     WHEN 'veiligheidsregio' THEN i.veiligheidsregiocode
                     ELSE i.gemeentecode END AS gebiedcode,
       i.beroepsgroep, p.periodetype,
       CASE p.periodetype WHEN 'kwartaal' THEN i.periode ELSE left(i.periode, 4) END AS periode,
       i.organisatiecode, i.bron_incidentnummer, i.gedragstypen, i.zwaarste_gedragstype,
       coalesce(i.context, 'onbekend') AS context, i.letsel, i.verzuim_dagen, i.aangifte,
       i.vpt_markering, i.nazorg_aangeboden, i.medewerker_pseudoniem
FROM mart.incident_regio i
CROSS JOIN (VALUES ('nationaal'), ('veiligheidsregio'), ('gemeente')) n(niveau)
CROSS JOIN (VALUES ('kwartaal'), ('jaar')) p(periodetype);
COMMENT ON VIEW mart.incident_gebied IS 'Elk incident één keer per niveau (nationaal, veiligheidsregio, gemeente) en per periodetype (kwartaal, jaar), met het gebied waar het meetelt: de basis van de indicatoren.';
COMMENT ON COLUMN mart.incident_gebied.niveau IS 'Niveau: nationaal, veiligheidsregio of gemeente.';
COMMENT ON COLUMN mart.incident_gebied.gebiedcode IS 'Gebied waar het incident op dit niveau meetelt: NL, VRnn, GMnnnn of onbekend.';
COMMENT ON COLUMN mart.incident_gebied.beroepsgroep IS 'Beroepsgroep van het slachtoffer.';
COMMENT ON COLUMN mart.incident_gebied.periodetype IS 'Periodetype: kwartaal of jaar.';
COMMENT ON COLUMN mart.incident_gebied.periode IS 'Kwartaal van de levering (2025Q1) of het jaar daarvan (2025).';
COMMENT ON COLUMN mart.incident_gebied.organisatiecode IS 'Werkgever (GMnnnn, VRnn of POL).';
COMMENT ON COLUMN mart.incident_gebied.bron_incidentnummer IS 'Eigen incidentnummer van de werkgever.';
COMMENT ON COLUMN mart.incident_gebied.gedragstypen IS 'Alle gedragstypen van het incident.';
COMMENT ON COLUMN mart.incident_gebied.zwaarste_gedragstype IS 'Zwaarste gedragstype van het incident.';
COMMENT ON COLUMN mart.incident_gebied.context IS 'Context van het incident (onbekend als die niet is vastgelegd).';
COMMENT ON COLUMN mart.incident_gebied.letsel IS 'Letsel: geen, licht, medisch, ernstig of onbekend.';
COMMENT ON COLUMN mart.incident_gebied.verzuim_dagen IS 'Aantal dagen verzuim door het incident.';
COMMENT ON COLUMN mart.incident_gebied.aangifte IS 'Aangifte gedaan: ja, nee of onbekend.';
COMMENT ON COLUMN mart.incident_gebied.vpt_markering IS 'VPT-markering op de aangifte: ja, nee of onbekend.';
COMMENT ON COLUMN mart.incident_gebied.nazorg_aangeboden IS 'Nazorg aangeboden: ja, nee of onbekend.';
COMMENT ON COLUMN mart.incident_gebied.medewerker_pseudoniem IS 'Pseudoniem van de medewerker (HMAC).';
