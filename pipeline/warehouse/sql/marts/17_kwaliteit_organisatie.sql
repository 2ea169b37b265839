-- mart.kwaliteit_organisatie. Reads: mart.kwaliteit_levering.

CREATE OR REPLACE VIEW mart.kwaliteit_organisatie AS
WITH telt AS (  -- per organisation and period: the delivery that counts, else the last rejected one
    SELECT *, row_number() OVER (PARTITION BY organisatiecode, periode
                                 ORDER BY status = 'loaded' DESC, ontvangen DESC) AS volgorde
    FROM mart.kwaliteit_levering WHERE status <> 'superseded' AND periode IS NOT NULL)
SELECT organisatiecode, naam, beroepsgroep, periode, delivery_id, status, kwaliteitsscore,
       aandeel_foutloos, aandeel_bekend, tijdigheid, dagen_te_laat
FROM telt WHERE volgorde = 1;
COMMENT ON VIEW mart.kwaliteit_organisatie IS 'Kwaliteitsscore per organisatie en kwartaal, van de levering die meetelt (anders de laatste afgekeurde): zo ziet de Taskforce welke werkgevers hulp nodig hebben.';
COMMENT ON COLUMN mart.kwaliteit_organisatie.organisatiecode IS 'Organisatie.';
COMMENT ON COLUMN mart.kwaliteit_organisatie.naam IS 'Naam van de organisatie.';
COMMENT ON COLUMN mart.kwaliteit_organisatie.beroepsgroep IS 'Beroepsgroep van de organisatie.';
COMMENT ON COLUMN mart.kwaliteit_organisatie.periode IS 'Kwartaal.';
COMMENT ON COLUMN mart.kwaliteit_organisatie.delivery_id IS 'De levering waarvan de score is (die meetelt, anders de laatste afgekeurde).';
COMMENT ON COLUMN mart.kwaliteit_organisatie.status IS 'Status van die levering.';
COMMENT ON COLUMN mart.kwaliteit_organisatie.kwaliteitsscore IS 'Kwaliteitsscore 0-100.';
COMMENT ON COLUMN mart.kwaliteit_organisatie.aandeel_foutloos IS 'Aandeel rijen zonder fout.';
COMMENT ON COLUMN mart.kwaliteit_organisatie.aandeel_bekend IS 'Aandeel ingevulde en bekende kernvelden.';
COMMENT ON COLUMN mart.kwaliteit_organisatie.tijdigheid IS 'Tijdigheid: 1 op tijd, aflopend tot 0 bij 60 dagen te laat.';
COMMENT ON COLUMN mart.kwaliteit_organisatie.dagen_te_laat IS 'Aantal dagen te laat.';
