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

-- The informatiepositie: every expected organisation × every period from the first to the last
-- period anyone delivered for. A period's status: geleverd, nullevering, gedekt (another
-- organisation delivers for it, ref.levert_voor), nog_niet_ontvangen (deadline not passed) or
-- ontbreekt. Late: the first usable delivery arrived after the deadline (ref.periode).
CREATE OR REPLACE VIEW mart.levering AS
WITH bereik AS (SELECT min(periode) AS eerste, max(periode) AS laatste
                FROM ops.delivery WHERE periode IS NOT NULL AND status <> 'rejected'),
     perioden AS (
        SELECT rp.* FROM ref.periode rp, bereik b WHERE rp.periode BETWEEN b.eerste AND b.laatste
        UNION
        SELECT rp.* FROM ref.periode rp
        WHERE rp.periode IN (SELECT periode FROM ops.delivery WHERE status <> 'rejected')),
     eigen AS (
        SELECT organisatiecode, periode,
               max(delivery_id) FILTER (status = 'loaded') AS delivery_id,
               bool_or(geen_incidenten) FILTER (status = 'loaded') AS geen_incidenten,
               min(received_at) FILTER (status <> 'rejected') AS eerst_ontvangen,
               count(*) FILTER (status = 'rejected') AS afgekeurde_leveringen
        FROM ops.delivery WHERE organisatiecode IS NOT NULL GROUP BY ALL),
     gedekt AS (
        SELECT lv.organisatiecode, e.periode, min(lv.leverancier) AS gedekt_door
        FROM ref.levert_voor lv
        JOIN eigen e ON e.organisatiecode = lv.leverancier AND e.delivery_id IS NOT NULL
         AND e.periode >= coalesce(lv.vanaf, '0000Q1') AND e.periode <= coalesce(lv.tot, '9999Q4')
        GROUP BY ALL),
     basis AS (
        SELECT o.organisatiecode, o.naam, o.soort, o.beroepsgroep, o.veiligheidsregiocode,
               p.periode, p.uiterste_leverdatum, e.delivery_id, e.geen_incidenten,
               e.eerst_ontvangen, coalesce(e.afgekeurde_leveringen, 0) AS afgekeurde_leveringen,
               g.gedekt_door,
               CAST(timezone('Europe/Amsterdam', e.eerst_ontvangen) AS DATE) AS ontvangen_op
        FROM ref.organisatie o CROSS JOIN perioden p
        LEFT JOIN eigen e ON e.organisatiecode = o.organisatiecode AND e.periode = p.periode
        LEFT JOIN gedekt g ON g.organisatiecode = o.organisatiecode AND g.periode = p.periode)
SELECT organisatiecode, naam, soort, beroepsgroep, veiligheidsregiocode, periode,
       CASE WHEN delivery_id IS NOT NULL AND geen_incidenten THEN 'nullevering'
            WHEN delivery_id IS NOT NULL THEN 'geleverd'
            WHEN gedekt_door IS NOT NULL THEN 'gedekt'
            WHEN current_date <= uiterste_leverdatum THEN 'nog_niet_ontvangen'
            ELSE 'ontbreekt' END AS status,
       delivery_id IS NOT NULL OR gedekt_door IS NOT NULL AS geleverd,
       coalesce(geen_incidenten, false) AS geen_incidenten,
       gedekt_door,
       ontvangen_op,
       uiterste_leverdatum,
       coalesce(ontvangen_op > uiterste_leverdatum, false) AS te_laat,
       CASE WHEN ontvangen_op > uiterste_leverdatum
            THEN CAST(date_diff('day', uiterste_leverdatum, ontvangen_op) AS INTEGER) END AS dagen_te_laat,
       afgekeurde_leveringen,
       delivery_id
FROM basis;
COMMENT ON VIEW mart.levering IS 'Informatiepositie: per verwachte organisatie en kwartaal geleverd, nullevering (geen incidenten), gedekt (een andere organisatie levert voor haar), nog_niet_ontvangen (termijn loopt nog) of ontbreekt; te laat als de eerste bruikbare levering na de uiterste leverdatum binnenkwam.';

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
       count(*) FILTER (status = 'nullevering') AS organisaties_nullevering,
       count(*) FILTER (status = 'gedekt') AS organisaties_gedekt,
       count(*) FILTER (te_laat) AS organisaties_te_laat,
       count(*) FILTER (status = 'ontbreekt') AS organisaties_ontbreekt,
       count(*) FILTER (status = 'nog_niet_ontvangen') AS organisaties_nog_niet_ontvangen,
       round(100.0 * count(*) FILTER (geleverd) / count(*), 1) AS organisaties_pct,
       round(sum(fte), 1) AS fte_verwacht,
       round(coalesce(sum(fte) FILTER (geleverd), 0), 1) AS fte_gedekt,
       round(100.0 * coalesce(sum(fte) FILTER (geleverd), 0) / nullif(sum(fte), 0), 1) AS fte_pct
FROM fte
GROUP BY ALL;
COMMENT ON VIEW mart.dekking IS 'Dekking per beroepsgroep en kwartaal: organisaties en fte die geleverd hebben (nulleveringen en gedekte organisaties tellen mee) van het verwachte aantal, met te late en ontbrekende leveringen.';

CREATE OR REPLACE VIEW mart.kwaliteit_levering AS
SELECT d.delivery_id, d.organisatiecode, o.naam, o.beroepsgroep, d.periode, d.bronbestand,
       d.status, d.received_at AS ontvangen, d.rows_in AS rijen_ontvangen,
       d.rows_rejected AS rijen_afgekeurd, d.rows_warned AS rijen_met_waarschuwing,
       k.aandeel_foutloos, k.aandeel_bekend, k.tijdigheid, k.dagen_te_laat, k.kwaliteitsscore
FROM ops.delivery d
JOIN ops.delivery_kwaliteit k USING (delivery_id)
LEFT JOIN ref.organisatie o ON o.organisatiecode = coalesce(d.organisatiecode, d.organisatiecode_bron);
COMMENT ON VIEW mart.kwaliteit_levering IS 'Kwaliteitsscore per levering (0-100): 50% aandeel rijen zonder fouten, 25% aandeel bekende kernvelden (kanaal, context, letsel, aangifte), 25% tijdigheid.';

CREATE OR REPLACE VIEW mart.kwaliteit_organisatie AS
WITH telt AS (  -- per organisation and period: the delivery that counts, else the last rejected one
    SELECT *, row_number() OVER (PARTITION BY organisatiecode, periode
                                 ORDER BY status = 'loaded' DESC, ontvangen DESC) AS volgorde
    FROM mart.kwaliteit_levering WHERE status <> 'superseded' AND periode IS NOT NULL)
SELECT organisatiecode, naam, beroepsgroep, periode, delivery_id, status, kwaliteitsscore,
       aandeel_foutloos, aandeel_bekend, tijdigheid, dagen_te_laat
FROM telt WHERE volgorde = 1;
COMMENT ON VIEW mart.kwaliteit_organisatie IS 'Kwaliteitsscore per organisatie en kwartaal, van de levering die meetelt (anders de laatste afgekeurde): zo ziet de Taskforce welke werkgevers hulp nodig hebben.';

CREATE OR REPLACE VIEW mart.kwaliteit_organisatie_jaar AS
SELECT organisatiecode, naam, beroepsgroep, CAST(left(periode, 4) AS INTEGER) AS jaar,
       count(*) AS kwartalen, round(avg(kwaliteitsscore), 1) AS gemiddelde_score,
       min(kwaliteitsscore) AS laagste_score, round(avg(aandeel_foutloos), 3) AS aandeel_foutloos,
       round(avg(aandeel_bekend), 3) AS aandeel_bekend, round(avg(tijdigheid), 3) AS tijdigheid
FROM mart.kwaliteit_organisatie
GROUP BY ALL;
COMMENT ON VIEW mart.kwaliteit_organisatie_jaar IS 'Kwaliteitsscore per organisatie en jaar: gemiddelde en laagste kwartaalscore met de onderdelen.';

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
