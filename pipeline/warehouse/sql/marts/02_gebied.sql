-- mart.gebied. Reads: ref.veiligheidsregio, ref.gemeente.

-- The areas of the picture with their names, per niveau.
CREATE OR REPLACE VIEW mart.gebied AS
SELECT 'nationaal' AS niveau, 'NL' AS gebiedcode, 'Nederland' AS gebiednaam,
       CAST(NULL AS VARCHAR) AS veiligheidsregiocode
UNION ALL
SELECT 'veiligheidsregio', veiligheidsregiocode, veiligheidsregionaam, veiligheidsregiocode
FROM ref.veiligheidsregio
UNION ALL
SELECT 'gemeente', gemeentecode, gemeentenaam, veiligheidsregiocode FROM ref.gemeente
UNION ALL
SELECT niveau, 'onbekend', 'Onbekend', NULL FROM (VALUES ('veiligheidsregio'), ('gemeente')) v(niveau);
COMMENT ON VIEW mart.gebied IS 'De gebieden van de indicatoren per niveau: Nederland, de veiligheidsregio''s en gemeenten van nu, en onbekend.';
COMMENT ON COLUMN mart.gebied.niveau IS 'Niveau: nationaal, veiligheidsregio of gemeente.';
COMMENT ON COLUMN mart.gebied.gebiedcode IS 'Code van het gebied: NL, VRnn, GMnnnn of onbekend.';
COMMENT ON COLUMN mart.gebied.gebiednaam IS 'Naam van het gebied.';
COMMENT ON COLUMN mart.gebied.veiligheidsregiocode IS 'Veiligheidsregio waarin het gebied ligt (leeg voor Nederland en onbekend).';
