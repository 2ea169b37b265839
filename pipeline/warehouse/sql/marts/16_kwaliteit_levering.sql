-- mart.kwaliteit_levering. Reads: ops.delivery, ops.delivery_kwaliteit, ref.organisatie.

CREATE OR REPLACE VIEW mart.kwaliteit_levering AS
SELECT d.delivery_id, d.organisatiecode, o.naam, o.beroepsgroep, d.periode, d.bronbestand,
       d.status, d.received_at AS ontvangen, d.rows_in AS rijen_ontvangen,
       d.rows_rejected AS rijen_afgekeurd, d.rows_warned AS rijen_met_waarschuwing,
       k.aandeel_foutloos, k.aandeel_bekend, k.tijdigheid, k.dagen_te_laat, k.kwaliteitsscore
FROM ops.delivery d
JOIN ops.delivery_kwaliteit k USING (delivery_id)
LEFT JOIN ref.organisatie o ON o.organisatiecode = coalesce(d.organisatiecode, d.organisatiecode_bron);
COMMENT ON VIEW mart.kwaliteit_levering IS 'Kwaliteitsscore per levering (0-100): 50% aandeel rijen zonder fouten, 25% aandeel bekende kernvelden (kanaal, context, letsel, aangifte), 25% tijdigheid.';
COMMENT ON COLUMN mart.kwaliteit_levering.delivery_id IS 'Levering (ops.delivery).';
COMMENT ON COLUMN mart.kwaliteit_levering.organisatiecode IS 'Organisatie die leverde.';
COMMENT ON COLUMN mart.kwaliteit_levering.naam IS 'Naam van de organisatie.';
COMMENT ON COLUMN mart.kwaliteit_levering.beroepsgroep IS 'Beroepsgroep van de organisatie.';
COMMENT ON COLUMN mart.kwaliteit_levering.periode IS 'Kwartaal van de levering.';
COMMENT ON COLUMN mart.kwaliteit_levering.bronbestand IS 'Naam van het geleverde bestand.';
COMMENT ON COLUMN mart.kwaliteit_levering.status IS 'Status: loaded, rejected of superseded.';
COMMENT ON COLUMN mart.kwaliteit_levering.ontvangen IS 'Moment van ontvangst.';
COMMENT ON COLUMN mart.kwaliteit_levering.rijen_ontvangen IS 'Aantal ontvangen rijen.';
COMMENT ON COLUMN mart.kwaliteit_levering.rijen_afgekeurd IS 'Aantal afgekeurde rijen.';
COMMENT ON COLUMN mart.kwaliteit_levering.rijen_met_waarschuwing IS 'Aantal rijen met een waarschuwing.';
COMMENT ON COLUMN mart.kwaliteit_levering.aandeel_foutloos IS 'Aandeel rijen zonder fout.';
COMMENT ON COLUMN mart.kwaliteit_levering.aandeel_bekend IS 'Aandeel ingevulde en bekende kernvelden.';
COMMENT ON COLUMN mart.kwaliteit_levering.tijdigheid IS 'Tijdigheid: 1 op tijd, aflopend tot 0 bij 60 dagen te laat.';
COMMENT ON COLUMN mart.kwaliteit_levering.dagen_te_laat IS 'Aantal dagen te laat.';
COMMENT ON COLUMN mart.kwaliteit_levering.kwaliteitsscore IS 'Kwaliteitsscore 0-100.';
