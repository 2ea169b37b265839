-- mart.dekking. Reads: mart.levering, ops.delivery_fte, ref.fte.

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
       count(*) FILTER (status = 'nog_niet_verwacht') AS organisaties_nog_niet_verwacht,
       round(100.0 * count(*) FILTER (geleverd) / count(*), 1) AS organisaties_pct,
       round(sum(fte), 1) AS fte_verwacht,
       round(coalesce(sum(fte) FILTER (geleverd), 0), 1) AS fte_gedekt,
       round(100.0 * coalesce(sum(fte) FILTER (geleverd), 0) / nullif(sum(fte), 0), 1) AS fte_pct
FROM fte
GROUP BY ALL;
COMMENT ON VIEW mart.dekking IS 'Dekking per beroepsgroep en kwartaal: organisaties en fte die geleverd hebben (nulleveringen en gedekte organisaties tellen mee) van het verwachte aantal, met te late en ontbrekende leveringen.';
COMMENT ON COLUMN mart.dekking.beroepsgroep IS 'Beroepsgroep.';
COMMENT ON COLUMN mart.dekking.periode IS 'Kwartaal, bijvoorbeeld 2025Q1.';
COMMENT ON COLUMN mart.dekking.organisaties_verwacht IS 'Aantal organisaties dat moet leveren.';
COMMENT ON COLUMN mart.dekking.organisaties_geleverd IS 'Organisaties die geleverd hebben (ook nullevering of gedekt).';
COMMENT ON COLUMN mart.dekking.organisaties_nullevering IS 'Organisaties met een nullevering.';
COMMENT ON COLUMN mart.dekking.organisaties_gedekt IS 'Organisaties waarvoor een andere organisatie levert.';
COMMENT ON COLUMN mart.dekking.organisaties_te_laat IS 'Organisaties die te laat leverden.';
COMMENT ON COLUMN mart.dekking.organisaties_ontbreekt IS 'Organisaties waarvan de levering ontbreekt (termijn verstreken).';
COMMENT ON COLUMN mart.dekking.organisaties_nog_niet_ontvangen IS 'Organisaties waarvan de levering nog niet binnen is (termijn loopt nog).';
COMMENT ON COLUMN mart.dekking.organisaties_nog_niet_verwacht IS 'Organisaties die nog niet hoeven te leveren: het kwartaal is nog niet voorbij.';
COMMENT ON COLUMN mart.dekking.organisaties_pct IS 'Percentage organisaties dat geleverd heeft.';
COMMENT ON COLUMN mart.dekking.fte_verwacht IS 'Fte van alle verwachte organisaties.';
COMMENT ON COLUMN mart.dekking.fte_gedekt IS 'Fte van de organisaties die geleverd hebben.';
COMMENT ON COLUMN mart.dekking.fte_pct IS 'Dekking in fte: 100 × fte_gedekt / fte_verwacht.';
