-- The first indicators of DESIGN §8, as views over core and ops. Periods are the delivery's
-- quarter; regions are on today's boundaries: the incident's location, else the employer's region.

CREATE OR REPLACE VIEW mart.incident_regio AS
SELECT i.*,
       coalesce(g.veiligheidsregiocode, o.veiligheidsregiocode) AS veiligheidsregiocode
FROM core.incident i
LEFT JOIN ref.gemeente g ON g.gemeentecode = i.gemeentecode_locatie
LEFT JOIN ref.organisatie o ON o.organisatiecode = i.organisatiecode;
COMMENT ON VIEW mart.incident_regio IS 'Incidenten met de veiligheidsregio waar het incident plaatsvond (anders die van de werkgever).';

CREATE OR REPLACE VIEW mart.incidenten_gedragstype AS
SELECT i.beroepsgroep, i.veiligheidsregiocode, i.periode, g.gedragstype,
       count(*) AS incidenten
FROM mart.incident_regio i, unnest(i.gedragstypen) AS g(gedragstype)
GROUP BY ALL;
COMMENT ON VIEW mart.incidenten_gedragstype IS 'Aantal incidenten per beroepsgroep, veiligheidsregio, kwartaal en gedragstype (een incident kan meerdere gedragstypen hebben).';

CREATE OR REPLACE VIEW mart.incidenten_zwaarste AS
SELECT beroepsgroep, veiligheidsregiocode, periode, zwaarste_gedragstype, count(*) AS incidenten
FROM mart.incident_regio
GROUP BY ALL;
COMMENT ON VIEW mart.incidenten_zwaarste IS 'Aantal incidenten per beroepsgroep, veiligheidsregio, kwartaal en zwaarste gedragstype.';

CREATE OR REPLACE VIEW mart.indicatoren AS
SELECT beroepsgroep, veiligheidsregiocode, periode,
       count(*) AS incidenten,
       count(*) FILTER (aangifte = 'ja') AS met_aangifte,
       count(*) FILTER (aangifte IN ('ja', 'nee')) AS aangifte_bekend,
       round(100.0 * count(*) FILTER (aangifte = 'ja')
             / nullif(count(*) FILTER (aangifte IN ('ja', 'nee')), 0), 1) AS aangifte_pct,
       count(*) FILTER (aangifte = 'ja' AND vpt_markering = 'ja') AS aangifte_met_vpt,
       round(100.0 * count(*) FILTER (aangifte = 'ja' AND vpt_markering = 'ja')
             / nullif(count(*) FILTER (aangifte = 'ja' AND vpt_markering IN ('ja', 'nee')), 0), 1)
           AS vpt_pct,
       count(*) FILTER (letsel IN ('licht', 'medisch', 'ernstig')) AS met_letsel,
       sum(verzuim_dagen) AS verzuim_dagen,
       round(100.0 * count(*) FILTER (nazorg_aangeboden = 'ja')
             / nullif(count(*) FILTER (nazorg_aangeboden IN ('ja', 'nee')), 0), 1) AS nazorg_pct
FROM mart.incident_regio
GROUP BY ALL;
COMMENT ON VIEW mart.indicatoren IS 'Kerncijfers per beroepsgroep, veiligheidsregio en kwartaal. Percentages over de incidenten waarvan het antwoord bekend is (ja of nee).';

-- Every expected organisation × every period seen: delivered (nil returns included) or not.
CREATE OR REPLACE VIEW mart.levering AS
WITH perioden AS (SELECT DISTINCT periode FROM ops.delivery WHERE periode IS NOT NULL),
     geleverd AS (
        SELECT organisatiecode, periode, bool_or(geen_incidenten) AS geen_incidenten,
               max(delivery_id) AS delivery_id
        FROM ops.delivery WHERE status = 'loaded' GROUP BY ALL)
SELECT o.organisatiecode, o.naam, o.soort, o.beroepsgroep, o.veiligheidsregiocode, p.periode,
       g.delivery_id IS NOT NULL AS geleverd,
       coalesce(g.geen_incidenten, false) AS geen_incidenten,
       CASE WHEN g.delivery_id IS NULL THEN 'ontbreekt'
            WHEN g.geen_incidenten THEN 'nullevering'
            ELSE 'geleverd' END AS status,
       g.delivery_id
FROM ref.organisatie o CROSS JOIN perioden p
LEFT JOIN geleverd g USING (organisatiecode, periode);
COMMENT ON VIEW mart.levering IS 'Per verwachte organisatie en kwartaal: geleverd, nullevering (geen incidenten) of ontbreekt.';

CREATE OR REPLACE VIEW mart.dekking AS
WITH fte AS (
    SELECT l.*, coalesce(df.fte, rf.fte) AS fte
    FROM mart.levering l
    LEFT JOIN ops.delivery_fte df
           ON df.delivery_id = l.delivery_id AND df.beroepsgroep = l.beroepsgroep
    LEFT JOIN ref.fte rf
           ON rf.organisatiecode = l.organisatiecode AND rf.beroepsgroep = l.beroepsgroep
          AND rf.jaar = CAST(left(l.periode, 4) AS INTEGER))
SELECT beroepsgroep, periode,
       count(*) AS organisaties_verwacht,
       count(*) FILTER (geleverd) AS organisaties_geleverd,
       round(100.0 * count(*) FILTER (geleverd) / count(*), 1) AS organisaties_pct,
       round(sum(fte), 1) AS fte_verwacht,
       round(sum(fte) FILTER (geleverd), 1) AS fte_gedekt,
       round(100.0 * sum(fte) FILTER (geleverd) / nullif(sum(fte), 0), 1) AS fte_pct
FROM fte
GROUP BY ALL;
COMMENT ON VIEW mart.dekking IS 'Dekking per beroepsgroep en kwartaal: organisaties en fte die geleverd hebben (nulleveringen tellen mee) van het verwachte aantal.';

CREATE OR REPLACE VIEW mart.samenvatting AS
SELECT o.beroepsgroep,
       count(DISTINCT d.delivery_id) FILTER (d.status = 'loaded') AS leveringen,
       CAST(coalesce(sum(d.rows_in) FILTER (d.status = 'loaded'), 0) AS BIGINT) AS rijen_ontvangen,
       CAST(coalesce(sum(d.rows_loaded) FILTER (d.status = 'loaded'), 0) AS BIGINT) AS rijen_geladen,
       CAST(coalesce(sum(d.rows_rejected) FILTER (d.status = 'loaded'), 0) AS BIGINT) AS rijen_afgekeurd
FROM (SELECT DISTINCT beroepsgroep FROM ref.organisatie) o
LEFT JOIN ref.organisatie ro ON ro.beroepsgroep = o.beroepsgroep
LEFT JOIN ops.delivery d ON d.organisatiecode = ro.organisatiecode
GROUP BY ALL ORDER BY o.beroepsgroep;
COMMENT ON VIEW mart.samenvatting IS 'Per beroepsgroep: geldige leveringen en rijen ontvangen, geladen en afgekeurd.';
