-- mart.kwaliteit_organisatie_jaar. Reads: mart.kwaliteit_organisatie.

CREATE OR REPLACE VIEW mart.kwaliteit_organisatie_jaar AS
SELECT organisatiecode, naam, beroepsgroep, CAST(left(periode, 4) AS INTEGER) AS jaar,
       count(*) AS kwartalen, round(avg(kwaliteitsscore), 1) AS gemiddelde_score,
       min(kwaliteitsscore) AS laagste_score, round(avg(aandeel_foutloos), 3) AS aandeel_foutloos,
       round(avg(aandeel_bekend), 3) AS aandeel_bekend, round(avg(tijdigheid), 3) AS tijdigheid
FROM mart.kwaliteit_organisatie
GROUP BY ALL;
COMMENT ON VIEW mart.kwaliteit_organisatie_jaar IS 'Kwaliteitsscore per organisatie en jaar: gemiddelde en laagste kwartaalscore met de onderdelen.';
COMMENT ON COLUMN mart.kwaliteit_organisatie_jaar.organisatiecode IS 'Organisatie.';
COMMENT ON COLUMN mart.kwaliteit_organisatie_jaar.naam IS 'Naam van de organisatie.';
COMMENT ON COLUMN mart.kwaliteit_organisatie_jaar.beroepsgroep IS 'Beroepsgroep van de organisatie.';
COMMENT ON COLUMN mart.kwaliteit_organisatie_jaar.jaar IS 'Jaar.';
COMMENT ON COLUMN mart.kwaliteit_organisatie_jaar.kwartalen IS 'Aantal kwartalen met een score.';
COMMENT ON COLUMN mart.kwaliteit_organisatie_jaar.gemiddelde_score IS 'Gemiddelde kwartaalscore.';
COMMENT ON COLUMN mart.kwaliteit_organisatie_jaar.laagste_score IS 'Laagste kwartaalscore.';
COMMENT ON COLUMN mart.kwaliteit_organisatie_jaar.aandeel_foutloos IS 'Gemiddeld aandeel rijen zonder fout.';
COMMENT ON COLUMN mart.kwaliteit_organisatie_jaar.aandeel_bekend IS 'Gemiddeld aandeel bekende kernvelden.';
COMMENT ON COLUMN mart.kwaliteit_organisatie_jaar.tijdigheid IS 'Gemiddelde tijdigheid.';
