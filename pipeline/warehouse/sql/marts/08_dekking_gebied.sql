-- mart.dekking_gebied. Reads: mart.levering, ops.delivery_fte, ref.fte, mart.eigen_gebied.

-- Coverage per niveau × area × beroepsgroep × quarter and year: of the employers responsible for
-- the area (mart.eigen_gebied), how many delivered and how much FTE they have. A quarter's FTE is
-- the declared one, else ref.fte, as in mart.dekking. A year: its organisations delivered every
-- expected quarter; its percentages and FTE are the averages of its quarters. Unrounded.
CREATE OR REPLACE VIEW mart.dekking_gebied AS
WITH levering AS (  -- every expected organisation and quarter with its FTE
    SELECT l.organisatiecode, l.beroepsgroep, l.periode, l.geleverd,
           coalesce(df.fte, rf.fte) AS fte
    FROM mart.levering l
    LEFT JOIN ops.delivery_fte df
           ON df.delivery_id = l.delivery_id AND df.beroepsgroep = l.beroepsgroep
    LEFT JOIN ref.fte rf
           ON rf.organisatiecode = l.organisatiecode AND rf.beroepsgroep = l.beroepsgroep
          AND rf.jaar = CAST(left(l.periode, 4) AS INTEGER)),
     levering_gebied AS (
    SELECT e.niveau, e.gebiedcode, l.* FROM levering l JOIN mart.eigen_gebied e USING (organisatiecode)),
     kwartaal_dekking AS (
    SELECT niveau, gebiedcode, beroepsgroep, periode,
           count(*) AS organisaties_verwacht,
           count(*) FILTER (geleverd) AS organisaties_geleverd,
           100.0 * count(*) FILTER (geleverd) / count(*) AS organisaties_pct,
           sum(fte) AS fte_verwacht,
           CASE WHEN sum(fte) IS NOT NULL
                THEN coalesce(sum(fte) FILTER (geleverd), 0) END AS fte_gedekt
    FROM levering_gebied GROUP BY ALL),
     jaar_organisaties AS (  -- delivered for the year: every expected quarter delivered
    SELECT niveau, gebiedcode, beroepsgroep, periode,
           count(*) AS organisaties_verwacht,
           count(*) FILTER (alle_kwartalen) AS organisaties_geleverd
    FROM (SELECT niveau, gebiedcode, beroepsgroep, left(periode, 4) AS periode, organisatiecode,
                 bool_and(geleverd) AS alle_kwartalen
          FROM levering_gebied GROUP BY ALL)
    GROUP BY ALL)
SELECT niveau, gebiedcode, beroepsgroep, 'kwartaal' AS periodetype, periode,
       organisaties_verwacht, organisaties_geleverd, organisaties_pct,
       fte_verwacht, fte_gedekt, 100.0 * fte_gedekt / nullif(fte_verwacht, 0) AS fte_pct
FROM kwartaal_dekking
UNION ALL
SELECT k.niveau, k.gebiedcode, k.beroepsgroep, 'jaar', j.periode,
       any_value(j.organisaties_verwacht), any_value(j.organisaties_geleverd),
       avg(k.organisaties_pct), avg(k.fte_verwacht), avg(k.fte_gedekt),
       avg(100.0 * k.fte_gedekt / nullif(k.fte_verwacht, 0))
FROM kwartaal_dekking k
JOIN jaar_organisaties j ON j.niveau = k.niveau AND j.gebiedcode = k.gebiedcode
 AND j.beroepsgroep = k.beroepsgroep AND j.periode = left(k.periode, 4)
GROUP BY k.niveau, k.gebiedcode, k.beroepsgroep, j.periode;
COMMENT ON VIEW mart.dekking_gebied IS 'Dekking per niveau, gebied, beroepsgroep en kwartaal of jaar: hoeveel van de werkgevers die voor het gebied verantwoordelijk zijn (mart.eigen_gebied) geleverd hebben, en met hoeveel fte. Niet afgerond. Een stap naar mart.indicatoren.';
COMMENT ON COLUMN mart.dekking_gebied.niveau IS 'Niveau: nationaal, veiligheidsregio of gemeente.';
COMMENT ON COLUMN mart.dekking_gebied.gebiedcode IS 'Gebied: NL, VRnn of GMnnnn.';
COMMENT ON COLUMN mart.dekking_gebied.beroepsgroep IS 'Beroepsgroep van de werkgevers.';
COMMENT ON COLUMN mart.dekking_gebied.periodetype IS 'Periodetype: kwartaal of jaar.';
COMMENT ON COLUMN mart.dekking_gebied.periode IS 'Kwartaal (2025Q1) of jaar (2025).';
COMMENT ON COLUMN mart.dekking_gebied.organisaties_verwacht IS 'Aantal werkgevers dat voor het gebied moet leveren.';
COMMENT ON COLUMN mart.dekking_gebied.organisaties_geleverd IS 'Werkgevers die geleverd hebben (ook nullevering of gedekt); jaar: die elk verwacht kwartaal van het jaar geleverd hebben.';
COMMENT ON COLUMN mart.dekking_gebied.organisaties_pct IS '100 × geleverd / verwacht; jaar: gemiddelde van de kwartaalpercentages.';
COMMENT ON COLUMN mart.dekking_gebied.fte_verwacht IS 'Fte van alle verwachte werkgevers (leeg zonder fte); jaar: gemiddelde van de kwartalen.';
COMMENT ON COLUMN mart.dekking_gebied.fte_gedekt IS 'Fte van de werkgevers die geleverd hebben; jaar: gemiddelde van de kwartalen.';
COMMENT ON COLUMN mart.dekking_gebied.fte_pct IS 'Dekking in fte: 100 × fte_gedekt / fte_verwacht; jaar: gemiddelde van de kwartaalpercentages.';
