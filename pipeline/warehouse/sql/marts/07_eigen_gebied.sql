-- mart.eigen_gebied. Reads: ref.organisatie.

-- The area each employer is responsible for, per niveau: nationaal NL for everyone; its region
-- for a gemeente or veiligheidsregio; itself for a gemeente. The politie has no area below NL.
CREATE OR REPLACE VIEW mart.eigen_gebied AS
SELECT organisatiecode, niveau, gebiedcode FROM (
    SELECT o.organisatiecode, n.niveau,
           CASE n.niveau WHEN 'nationaal' THEN 'NL'
                WHEN 'veiligheidsregio' THEN CASE WHEN o.soort IN ('gemeente', 'veiligheidsregio')
                                                  THEN o.veiligheidsregiocode END
                ELSE CASE WHEN o.soort = 'gemeente' THEN o.organisatiecode END END AS gebiedcode
    FROM ref.organisatie o
    CROSS JOIN (VALUES ('nationaal'), ('veiligheidsregio'), ('gemeente')) n(niveau))
WHERE gebiedcode IS NOT NULL;
COMMENT ON VIEW mart.eigen_gebied IS 'Per werkgever en niveau het gebied waarvoor zij verantwoordelijk is: Nederland voor iedereen, de eigen veiligheidsregio voor een gemeente of veiligheidsregio, de gemeente zelf voor een gemeente. De politie heeft geen eigen gebied onder het nationale niveau. Een stap naar mart.indicatoren.';
COMMENT ON COLUMN mart.eigen_gebied.organisatiecode IS 'Werkgever (GMnnnn, VRnn of POL).';
COMMENT ON COLUMN mart.eigen_gebied.niveau IS 'Niveau: nationaal, veiligheidsregio of gemeente.';
COMMENT ON COLUMN mart.eigen_gebied.gebiedcode IS 'Het gebied van de werkgever op dit niveau: NL, VRnn of GMnnnn.';
