-- mart.levering. Reads: ops.delivery, ref.periode, ref.organisatie, ref.levert_voor.

-- The informatiepositie by the calendar (DESIGN §12): every expected organisation × every
-- quarter from the start period (ref.periode.verwacht, MONITOR_START_PERIODE) up to the one
-- running today; without a start period, from the first to the last period anyone delivered for.
-- A period's status: geleverd, nullevering, gedekt (another organisation delivers for it,
-- ref.levert_voor), nog_niet_verwacht (the quarter has not ended), nog_niet_ontvangen (deadline
-- not passed) or ontbreekt. Late: the first usable delivery arrived after the deadline.
CREATE OR REPLACE VIEW mart.levering AS
WITH bereik AS (SELECT min(periode) AS eerste, max(periode) AS laatste
                FROM ops.delivery WHERE periode IS NOT NULL AND status <> 'rejected'),
     start AS (SELECT min(periode) FILTER (verwacht) AS startperiode FROM ref.periode),
     perioden AS (
        SELECT rp.* FROM ref.periode rp, bereik b, start s
        WHERE (s.startperiode IS NULL AND rp.periode BETWEEN b.eerste AND b.laatste)
           OR (rp.periode >= s.startperiode AND rp.begindatum <= current_date)
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
               p.periode, p.einddatum, p.uiterste_leverdatum, e.delivery_id, e.geen_incidenten,
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
            WHEN current_date <= einddatum THEN 'nog_niet_verwacht'
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
COMMENT ON VIEW mart.levering IS 'Informatiepositie: per verwachte organisatie en kwartaal (vanaf de startperiode tot vandaag) geleverd, nullevering (geen incidenten), gedekt (een andere organisatie levert voor haar), nog_niet_verwacht (kwartaal nog niet voorbij), nog_niet_ontvangen (termijn loopt nog) of ontbreekt; te laat als de eerste bruikbare levering na de uiterste leverdatum binnenkwam.';
COMMENT ON COLUMN mart.levering.organisatiecode IS 'Verwachte organisatie (GMnnnn, VRnn of POL).';
COMMENT ON COLUMN mart.levering.naam IS 'Naam van de organisatie.';
COMMENT ON COLUMN mart.levering.soort IS 'Soort organisatie: gemeente, veiligheidsregio of politie.';
COMMENT ON COLUMN mart.levering.beroepsgroep IS 'Beroepsgroep waarvoor de organisatie levert.';
COMMENT ON COLUMN mart.levering.veiligheidsregiocode IS 'Veiligheidsregio van de organisatie (leeg voor politie).';
COMMENT ON COLUMN mart.levering.periode IS 'Kwartaal, bijvoorbeeld 2025Q1.';
COMMENT ON COLUMN mart.levering.status IS 'Status: geleverd, nullevering, gedekt, nog_niet_verwacht (kwartaal nog niet voorbij), nog_niet_ontvangen (termijn loopt nog) of ontbreekt.';
COMMENT ON COLUMN mart.levering.geleverd IS 'Waar als er een bruikbare levering is (ook nullevering) of een andere organisatie voor haar levert.';
COMMENT ON COLUMN mart.levering.geen_incidenten IS 'Waar bij een nullevering (geen incidenten in het kwartaal).';
COMMENT ON COLUMN mart.levering.gedekt_door IS 'Organisatie die voor deze organisatie levert (ref.levert_voor).';
COMMENT ON COLUMN mart.levering.ontvangen_op IS 'Datum waarop de eerste bruikbare levering binnenkwam.';
COMMENT ON COLUMN mart.levering.uiterste_leverdatum IS 'Uiterste leverdatum van het kwartaal.';
COMMENT ON COLUMN mart.levering.te_laat IS 'Waar als de eerste bruikbare levering na de uiterste leverdatum binnenkwam.';
COMMENT ON COLUMN mart.levering.dagen_te_laat IS 'Aantal dagen na de uiterste leverdatum (leeg als op tijd).';
COMMENT ON COLUMN mart.levering.afgekeurde_leveringen IS 'Aantal afgekeurde leveringen voor dit kwartaal.';
COMMENT ON COLUMN mart.levering.delivery_id IS 'De levering die meetelt (ops.delivery).';
