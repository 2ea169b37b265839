-- mart.samenvatting. Reads: ops.delivery, ref.organisatie.

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
COMMENT ON COLUMN mart.samenvatting.beroepsgroep IS 'Beroepsgroep.';
COMMENT ON COLUMN mart.samenvatting.leveringen IS 'Aantal geldige (geladen) leveringen.';
COMMENT ON COLUMN mart.samenvatting.rijen_ontvangen IS 'Rijen ontvangen in geladen leveringen.';
COMMENT ON COLUMN mart.samenvatting.rijen_geladen IS 'Rijen geladen.';
COMMENT ON COLUMN mart.samenvatting.rijen_afgekeurd IS 'Rijen afgekeurd in geladen leveringen.';
