-- mart.indicator_telling. Reads: mart.incident_gebied.

-- The counts of the indicators per niveau × area × beroepsgroep × quarter and year, over the
-- areas with incidents: answers known and given, and the victims (pseudonyms) with two or more.
CREATE OR REPLACE VIEW mart.indicator_telling AS
WITH telling AS (
    SELECT niveau, gebiedcode, beroepsgroep, periodetype, periode,
           count(*) AS incidenten,
           count(*) FILTER (aangifte = 'ja') AS met_aangifte,
           count(*) FILTER (aangifte IN ('ja', 'nee')) AS aangifte_bekend,
           count(*) FILTER (aangifte = 'ja' AND vpt_markering = 'ja') AS aangifte_met_vpt,
           count(*) FILTER (aangifte = 'ja' AND vpt_markering IN ('ja', 'nee')) AS vpt_bekend,
           count(*) FILTER (letsel IN ('licht', 'medisch', 'ernstig')) AS met_letsel,
           count(*) FILTER (letsel IN ('medisch', 'ernstig')) AS letsel_medisch_ernstig,
           count(*) FILTER (letsel <> 'onbekend') AS letsel_bekend,
           CAST(coalesce(sum(verzuim_dagen), 0) AS BIGINT) AS verzuim_dagen,
           count(*) FILTER (verzuim_dagen > 0) AS incidenten_met_verzuim,
           count(*) FILTER (nazorg_aangeboden = 'ja') AS nazorg_aangeboden,
           count(*) FILTER (nazorg_aangeboden IN ('ja', 'nee')) AS nazorg_bekend
    FROM mart.incident_gebied GROUP BY ALL),
     per_slachtoffer AS (
    SELECT niveau, gebiedcode, beroepsgroep, periodetype, periode, medewerker_pseudoniem,
           count(*) AS n
    FROM mart.incident_gebied WHERE medewerker_pseudoniem IS NOT NULL GROUP BY ALL),
     slachtoffer AS (
    SELECT niveau, gebiedcode, beroepsgroep, periodetype, periode,
           count(*) AS slachtoffers,
           count(*) FILTER (n >= 2) AS herhaald_slachtoffers,
           CAST(coalesce(sum(n) FILTER (n >= 2), 0) AS BIGINT) AS incidenten_herhaald_slachtoffer
    FROM per_slachtoffer GROUP BY ALL)
SELECT t.*, s.slachtoffers, s.herhaald_slachtoffers, s.incidenten_herhaald_slachtoffer
FROM telling t
LEFT JOIN slachtoffer s ON s.niveau = t.niveau AND s.gebiedcode = t.gebiedcode
 AND s.beroepsgroep = t.beroepsgroep AND s.periodetype = t.periodetype AND s.periode = t.periode;
COMMENT ON VIEW mart.indicator_telling IS 'De tellingen van de indicatoren per niveau, gebied, beroepsgroep en kwartaal of jaar, alleen voor gebieden met incidenten. Een stap naar mart.indicatoren, dat er percentages, dekking en status bij zet.';
COMMENT ON COLUMN mart.indicator_telling.niveau IS 'Niveau: nationaal, veiligheidsregio of gemeente.';
COMMENT ON COLUMN mart.indicator_telling.gebiedcode IS 'Gebied: NL, VRnn, GMnnnn of onbekend.';
COMMENT ON COLUMN mart.indicator_telling.beroepsgroep IS 'Beroepsgroep van het slachtoffer.';
COMMENT ON COLUMN mart.indicator_telling.periodetype IS 'Periodetype: kwartaal of jaar.';
COMMENT ON COLUMN mart.indicator_telling.periode IS 'Kwartaal van de levering (2025Q1) of het jaar (2025).';
COMMENT ON COLUMN mart.indicator_telling.incidenten IS 'Aantal incidenten.';
COMMENT ON COLUMN mart.indicator_telling.met_aangifte IS 'Incidenten met aangifte ja.';
COMMENT ON COLUMN mart.indicator_telling.aangifte_bekend IS 'Incidenten met aangifte ja of nee.';
COMMENT ON COLUMN mart.indicator_telling.aangifte_met_vpt IS 'Aangiftes met VPT-markering ja.';
COMMENT ON COLUMN mart.indicator_telling.vpt_bekend IS 'Aangiftes met VPT-markering ja of nee.';
COMMENT ON COLUMN mart.indicator_telling.met_letsel IS 'Incidenten met letsel licht, medisch of ernstig.';
COMMENT ON COLUMN mart.indicator_telling.letsel_medisch_ernstig IS 'Incidenten met letsel medisch of ernstig.';
COMMENT ON COLUMN mart.indicator_telling.letsel_bekend IS 'Incidenten waarvan het letsel ingevuld en niet onbekend is.';
COMMENT ON COLUMN mart.indicator_telling.verzuim_dagen IS 'Som van de bekende verzuimdagen.';
COMMENT ON COLUMN mart.indicator_telling.incidenten_met_verzuim IS 'Incidenten met meer dan 0 verzuimdagen.';
COMMENT ON COLUMN mart.indicator_telling.nazorg_aangeboden IS 'Incidenten met nazorg aangeboden ja.';
COMMENT ON COLUMN mart.indicator_telling.nazorg_bekend IS 'Incidenten met nazorg aangeboden ja of nee.';
COMMENT ON COLUMN mart.indicator_telling.slachtoffers IS 'Aantal verschillende medewerkers (pseudoniemen); leeg als geen incident een pseudoniem heeft.';
COMMENT ON COLUMN mart.indicator_telling.herhaald_slachtoffers IS 'Medewerkers met twee of meer incidenten in deze periode en dit gebied.';
COMMENT ON COLUMN mart.indicator_telling.incidenten_herhaald_slachtoffer IS 'Incidenten van die medewerkers.';
