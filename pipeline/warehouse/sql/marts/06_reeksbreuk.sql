-- mart.reeksbreuk. Reads: ops.delivery, ref.organisatie.

-- Series breaks (DESIGN §8): an organisation's counting delivery for a quarter (the last loaded
-- one) comes from another registration system (profile), another profile version or another
-- code-list version than its previous loaded quarter with incidents (nil returns are skipped).
-- A change of system is not also reported as a change of profile version.
CREATE OR REPLACE VIEW mart.reeksbreuk AS
WITH telt AS (
    SELECT organisatiecode, periode, profile_id, profile_version, codelijst_versie
    FROM ops.delivery
    WHERE status = 'loaded' AND organisatiecode IS NOT NULL AND periode IS NOT NULL
      AND NOT geen_incidenten  -- a nil return (often via the template) is no change of system
    QUALIFY row_number() OVER (PARTITION BY organisatiecode, periode ORDER BY delivery_id DESC) = 1),
     met_vorige AS (
    SELECT *, lag(periode) OVER w AS vorige_periode, lag(profile_id) OVER w AS vorig_profiel,
           lag(profile_version) OVER w AS vorige_versie,
           lag(codelijst_versie) OVER w AS vorige_codelijst
    FROM telt WINDOW w AS (PARTITION BY organisatiecode ORDER BY periode)),
     breuk AS (
    SELECT organisatiecode, periode, 'registratiesysteem' AS soort, vorig_profiel AS van,
           profile_id AS naar
    FROM met_vorige
    WHERE vorige_periode IS NOT NULL AND profile_id IS DISTINCT FROM vorig_profiel
    UNION ALL
    SELECT organisatiecode, periode, 'profielversie', CAST(vorige_versie AS VARCHAR),
           CAST(profile_version AS VARCHAR)
    FROM met_vorige
    WHERE vorige_periode IS NOT NULL AND profile_id IS NOT DISTINCT FROM vorig_profiel
      AND profile_version <> vorige_versie
    UNION ALL
    SELECT organisatiecode, periode, 'codelijst', CAST(vorige_codelijst AS VARCHAR),
           CAST(codelijst_versie AS VARCHAR)
    FROM met_vorige
    WHERE vorige_periode IS NOT NULL AND codelijst_versie <> vorige_codelijst)
SELECT b.organisatiecode, o.naam, b.periode, b.soort, b.van, b.naar
FROM breuk b
LEFT JOIN ref.organisatie o ON o.organisatiecode = b.organisatiecode;
COMMENT ON VIEW mart.reeksbreuk IS 'Breuken in de reeks: per organisatie en kwartaal waarin de meetellende levering uit een ander registratiesysteem (profiel), een andere profielversie of een andere codelijstversie komt dan in het vorige geleverde kwartaal. Cijfers over zo''n breuk heen zijn niet zonder meer vergelijkbaar.';
COMMENT ON COLUMN mart.reeksbreuk.organisatiecode IS 'Organisatie (werkgever) met de breuk.';
COMMENT ON COLUMN mart.reeksbreuk.naam IS 'Naam van de organisatie.';
COMMENT ON COLUMN mart.reeksbreuk.periode IS 'Eerste kwartaal na de breuk.';
COMMENT ON COLUMN mart.reeksbreuk.soort IS 'Soort breuk: registratiesysteem, profielversie of codelijst.';
COMMENT ON COLUMN mart.reeksbreuk.van IS 'Systeem of versie in het vorige geleverde kwartaal.';
COMMENT ON COLUMN mart.reeksbreuk.naar IS 'Systeem of versie vanaf dit kwartaal.';
