-- mart.reeksbreuk_gebied. Reads: mart.reeksbreuk, mart.incident_gebied, mart.eigen_gebied,
-- ref.organisatie.

-- Where a series break (mart.reeksbreuk) touches the indicators, per niveau × area ×
-- beroepsgroep × quarter and year: via 'incidenten' where an employer with incidents in the row
-- had a break; via 'dekking' where an employer responsible for the area had one.
CREATE OR REPLACE VIEW mart.reeksbreuk_gebied AS
WITH breuk_organisatie AS (
    SELECT organisatiecode, 'kwartaal' AS periodetype, periode FROM mart.reeksbreuk
    UNION
    SELECT organisatiecode, 'jaar', left(periode, 4) FROM mart.reeksbreuk)
SELECT DISTINCT i.niveau, i.gebiedcode, i.beroepsgroep, i.periodetype, i.periode,
       'incidenten' AS via
FROM mart.incident_gebied i
JOIN breuk_organisatie b ON b.organisatiecode = i.organisatiecode
 AND b.periodetype = i.periodetype AND b.periode = i.periode
UNION ALL
SELECT DISTINCT e.niveau, e.gebiedcode, o.beroepsgroep, b.periodetype, b.periode, 'dekking'
FROM breuk_organisatie b
JOIN mart.eigen_gebied e ON e.organisatiecode = b.organisatiecode
JOIN ref.organisatie o ON o.organisatiecode = b.organisatiecode;
COMMENT ON VIEW mart.reeksbreuk_gebied IS 'Waar een reeksbreuk (mart.reeksbreuk) de indicatoren raakt: per niveau, gebied, beroepsgroep en kwartaal of jaar, via de incidenten (een werkgever met incidenten in het gebied had een breuk) of via de dekking (een werkgever die voor het gebied verantwoordelijk is had een breuk). Een stap naar mart.indicatoren.';
COMMENT ON COLUMN mart.reeksbreuk_gebied.niveau IS 'Niveau: nationaal, veiligheidsregio of gemeente.';
COMMENT ON COLUMN mart.reeksbreuk_gebied.gebiedcode IS 'Gebied: NL, VRnn, GMnnnn of onbekend.';
COMMENT ON COLUMN mart.reeksbreuk_gebied.beroepsgroep IS 'Beroepsgroep.';
COMMENT ON COLUMN mart.reeksbreuk_gebied.periodetype IS 'Periodetype: kwartaal of jaar.';
COMMENT ON COLUMN mart.reeksbreuk_gebied.periode IS 'Kwartaal (2025Q1) of jaar (2025) van de breuk.';
COMMENT ON COLUMN mart.reeksbreuk_gebied.via IS 'incidenten (een werkgever met incidenten in dit gebied) of dekking (een werkgever die voor dit gebied verantwoordelijk is).';
