-- mart.indicatoren. Reads: mart.indicator_telling (counts), mart.dekking_gebied (coverage),
-- mart.reeksbreuk_gebied (breaks), mart.gebied, ref.instelling, ref.periode.

-- The indicators per niveau × area × beroepsgroep × quarter and year. Rows: every area with
-- incidents, and every area with its own expected employers (a true 0 is shown). Coverage
-- (organisaties_*, fte_*) is that of the employers responsible for the area (gemeente: itself;
-- veiligheidsregio: its gemeenten and its brandweer; nationaal: all); where no employer of the
-- beroepsgroep has the area as its own (brandweer per gemeente, politie below national, onbekend)
-- it is that of the region of the gemeente, else the national one, and fte_* are NULL.
CREATE OR REPLACE VIEW mart.indicatoren AS
WITH dekking AS MATERIALIZED (SELECT * FROM mart.dekking_gebied),
     rijen AS (  -- every area with incidents, and every area with its own expected employers
    SELECT niveau, gebiedcode, beroepsgroep, periodetype, periode FROM mart.indicator_telling
    UNION
    SELECT niveau, gebiedcode, beroepsgroep, periodetype, periode FROM dekking),
     keuze AS (  -- whose coverage the row shows: its own employers', else its region's, else NL
    SELECT r.*, g.gebiednaam,
           CASE WHEN e.gebiedcode IS NOT NULL THEN r.niveau
                WHEN v.gebiedcode IS NOT NULL THEN 'veiligheidsregio'
                ELSE 'nationaal' END AS dekkingsniveau,
           coalesce(e.gebiedcode, v.gebiedcode, 'NL') AS dekkingsgebied,
           CASE WHEN r.periodetype = 'jaar' THEN CAST(CAST(r.periode AS INTEGER) - 1 AS VARCHAR)
                WHEN right(r.periode, 1) = '1'
                THEN CAST(CAST(left(r.periode, 4) AS INTEGER) - 1 AS VARCHAR) || 'Q4'
                ELSE left(r.periode, 5) || CAST(CAST(right(r.periode, 1) AS INTEGER) - 1 AS VARCHAR)
           END AS vorige_periode,
           CASE WHEN r.periodetype = 'jaar' THEN CAST(CAST(r.periode AS INTEGER) - 1 AS VARCHAR)
                ELSE CAST(CAST(left(r.periode, 4) AS INTEGER) - 1 AS VARCHAR) || right(r.periode, 2)
           END AS periode_vorig_jaar
    FROM rijen r
    LEFT JOIN mart.gebied g ON g.niveau = r.niveau AND g.gebiedcode = r.gebiedcode
    LEFT JOIN dekking e ON e.niveau = r.niveau AND e.gebiedcode = r.gebiedcode
     AND e.beroepsgroep = r.beroepsgroep AND e.periodetype = r.periodetype AND e.periode = r.periode
    LEFT JOIN dekking v ON v.niveau = 'veiligheidsregio' AND v.gebiedcode = g.veiligheidsregiocode
     AND v.beroepsgroep = r.beroepsgroep AND v.periodetype = r.periodetype AND v.periode = r.periode),
     drempel AS (
    SELECT coalesce(max(waarde) FILTER (naam = 'dekkingsdrempel'), 0.6) AS dekkingsdrempel
    FROM ref.instelling),
     termijn AS (  -- the end and delivery deadline of a quarter, and of a year (its last quarter's)
    SELECT 'kwartaal' AS periodetype, periode, einddatum, uiterste_leverdatum FROM ref.periode
    UNION ALL
    SELECT 'jaar', CAST(jaar AS VARCHAR), max(einddatum), max(uiterste_leverdatum)
    FROM ref.periode GROUP BY jaar),
     rij AS (  -- the counts, the coverage shown, the break flag and the status of each row
    SELECT k.niveau, k.gebiedcode, coalesce(k.gebiednaam, k.gebiedcode) AS gebiednaam,
           k.beroepsgroep, k.periodetype, k.periode,
           coalesce(t.incidenten, 0) AS incidenten,
           coalesce(t.met_aangifte, 0) AS met_aangifte,
           coalesce(t.aangifte_bekend, 0) AS aangifte_bekend,
           round(100.0 * t.met_aangifte / nullif(t.aangifte_bekend, 0), 1) AS aangifte_pct,
           coalesce(t.aangifte_met_vpt, 0) AS aangifte_met_vpt,
           coalesce(t.vpt_bekend, 0) AS vpt_bekend,
           round(100.0 * t.aangifte_met_vpt / nullif(t.vpt_bekend, 0), 1) AS vpt_pct,
           coalesce(t.met_letsel, 0) AS met_letsel,
           coalesce(t.letsel_medisch_ernstig, 0) AS letsel_medisch_ernstig,
           coalesce(t.letsel_bekend, 0) AS letsel_bekend,
           round(100.0 * t.met_letsel / nullif(t.letsel_bekend, 0), 1) AS letsel_pct,
           coalesce(t.verzuim_dagen, 0) AS verzuim_dagen,
           coalesce(t.incidenten_met_verzuim, 0) AS incidenten_met_verzuim,
           coalesce(t.nazorg_aangeboden, 0) AS nazorg_aangeboden,
           coalesce(t.nazorg_bekend, 0) AS nazorg_bekend,
           round(100.0 * t.nazorg_aangeboden / nullif(t.nazorg_bekend, 0), 1) AS nazorg_pct,
           coalesce(t.slachtoffers, 0) AS slachtoffers,
           coalesce(t.herhaald_slachtoffers, 0) AS herhaald_slachtoffers,
           coalesce(t.incidenten_herhaald_slachtoffer, 0) AS incidenten_herhaald_slachtoffer,
           k.dekkingsgebied,
           CASE WHEN k.dekkingsniveau = k.niveau THEN d.fte_gedekt END AS fte_gedekt,
           CASE WHEN k.dekkingsniveau = k.niveau THEN d.fte_verwacht END AS fte_verwacht,
           CASE WHEN k.dekkingsniveau = k.niveau THEN d.fte_pct END AS fte_pct,
           d.organisaties_verwacht, d.organisaties_geleverd, d.organisaties_pct,
           dr.dekkingsdrempel,
           bi.niveau IS NOT NULL OR bd.niveau IS NOT NULL AS reeksbreuk,
           CASE WHEN current_date > tm.uiterste_leverdatum
                 AND d.organisaties_geleverd = d.organisaties_verwacht
                THEN 'definitief' ELSE 'voorlopig' END AS cijferstatus,
           coalesce(current_date > tm.einddatum, false) AS afgelopen,
           k.vorige_periode, k.periode_vorig_jaar
    FROM keuze k
    CROSS JOIN drempel dr
    LEFT JOIN mart.indicator_telling t ON t.niveau = k.niveau AND t.gebiedcode = k.gebiedcode
     AND t.beroepsgroep = k.beroepsgroep AND t.periodetype = k.periodetype AND t.periode = k.periode
    LEFT JOIN dekking d ON d.niveau = k.dekkingsniveau AND d.gebiedcode = k.dekkingsgebied
     AND d.beroepsgroep = k.beroepsgroep AND d.periodetype = k.periodetype AND d.periode = k.periode
    LEFT JOIN mart.reeksbreuk_gebied bi ON bi.via = 'incidenten' AND bi.niveau = k.niveau
     AND bi.gebiedcode = k.gebiedcode AND bi.beroepsgroep = k.beroepsgroep
     AND bi.periodetype = k.periodetype AND bi.periode = k.periode
    LEFT JOIN mart.reeksbreuk_gebied bd ON bd.via = 'dekking' AND bd.niveau = k.dekkingsniveau
     AND bd.gebiedcode = k.dekkingsgebied AND bd.beroepsgroep = k.beroepsgroep
     AND bd.periodetype = k.periodetype AND bd.periode = k.periode
    LEFT JOIN termijn tm ON tm.periodetype = k.periodetype AND tm.periode = k.periode),
     beoordeeld AS (
    SELECT *,
           coalesce(fte_pct / 100 < dekkingsdrempel, organisaties_pct / 100 < dekkingsdrempel, true)
               AS onder_dekkingsdrempel
    FROM rij),
     volledig_rij AS (  -- a complete total: coverage at or above the floor, the period is over
    SELECT *, NOT onder_dekkingsdrempel AND afgelopen AS volledig FROM beoordeeld),
     vergeleken AS (  -- a change only between two complete totals
    SELECT b.*,
           CASE WHEN b.volledig AND vp.volledig AND vp.incidenten > 0
                THEN round(100.0 * (b.incidenten - vp.incidenten) / vp.incidenten, 1)
           END AS verandering_vorige_periode_pct,
           CASE WHEN b.volledig AND vj.volledig AND vj.incidenten > 0
                THEN round(100.0 * (b.incidenten - vj.incidenten) / vj.incidenten, 1)
           END AS verandering_vorig_jaar_pct
    FROM volledig_rij b
    LEFT JOIN volledig_rij vp ON vp.niveau = b.niveau AND vp.gebiedcode = b.gebiedcode
     AND vp.beroepsgroep = b.beroepsgroep AND vp.periodetype = b.periodetype
     AND vp.periode = b.vorige_periode
    LEFT JOIN volledig_rij vj ON vj.niveau = b.niveau AND vj.gebiedcode = b.gebiedcode
     AND vj.beroepsgroep = b.beroepsgroep AND vj.periodetype = b.periodetype
     AND vj.periode = b.periode_vorig_jaar)
SELECT niveau, gebiedcode, gebiednaam, beroepsgroep, periodetype, periode, incidenten,
       met_aangifte, aangifte_bekend, aangifte_pct, aangifte_met_vpt, vpt_bekend, vpt_pct,
       met_letsel, letsel_medisch_ernstig, letsel_bekend, letsel_pct,
       verzuim_dagen, incidenten_met_verzuim, nazorg_aangeboden, nazorg_bekend, nazorg_pct,
       slachtoffers, herhaald_slachtoffers, incidenten_herhaald_slachtoffer,
       dekkingsgebied, round(fte_gedekt, 1) AS fte_gedekt, round(fte_verwacht, 1) AS fte_verwacht,
       round(fte_pct, 1) AS fte_pct, organisaties_verwacht, organisaties_geleverd,
       round(organisaties_pct, 1) AS organisaties_pct,
       round(1000.0 * incidenten / nullif(fte_gedekt, 0), 1) AS per_1000_fte,
       dekkingsdrempel, onder_dekkingsdrempel, volledig, reeksbreuk,
       cijferstatus,
       verandering_vorige_periode_pct,
       CASE WHEN periodetype = 'jaar' THEN verandering_vorige_periode_pct
            ELSE verandering_vorig_jaar_pct END AS verandering_vorig_jaar_pct
FROM vergeleken;
COMMENT ON VIEW mart.indicatoren IS 'Kerncijfers (DESIGN §8) per niveau (nationaal, veiligheidsregio, gemeente), gebied, beroepsgroep en kwartaal of jaar, op de grenzen van nu. Een incident telt per niveau in precies één gebied (eventueel onbekend). Percentages over de incidenten waarvan het antwoord bekend is. Dekking is die van de werkgevers die voor het gebied verantwoordelijk zijn (zie dekkingsgebied); onder de dekkingsdrempel is een cijfer nooit een volledig totaal.';
COMMENT ON COLUMN mart.indicatoren.niveau IS 'Niveau: nationaal, veiligheidsregio of gemeente.';
COMMENT ON COLUMN mart.indicatoren.gebiedcode IS 'Gebied: NL, VRnn, GMnnnn of onbekend. Het gebied van een incident is de gemeente waar het plaatsvond, anders de werkgevende gemeente; de regio is die van die gemeente, anders de werkgevende veiligheidsregio.';
COMMENT ON COLUMN mart.indicatoren.gebiednaam IS 'Naam van het gebied (Nederland, regio- of gemeentenaam, Onbekend).';
COMMENT ON COLUMN mart.indicatoren.beroepsgroep IS 'Beroepsgroep: politie, boa of brandweer.';
COMMENT ON COLUMN mart.indicatoren.periodetype IS 'Periodetype: kwartaal of jaar.';
COMMENT ON COLUMN mart.indicatoren.periode IS 'Kwartaal van de levering (2025Q1) of het jaar (2025).';
COMMENT ON COLUMN mart.indicatoren.incidenten IS 'Aantal incidenten.';
COMMENT ON COLUMN mart.indicatoren.met_aangifte IS 'Incidenten waarvan aangifte is gedaan (aangifte ja).';
COMMENT ON COLUMN mart.indicatoren.aangifte_bekend IS 'Incidenten waarvan bekend is of er aangifte is gedaan (ja of nee).';
COMMENT ON COLUMN mart.indicatoren.aangifte_pct IS 'Percentage met aangifte: 100 × met_aangifte / aangifte_bekend (1 decimaal).';
COMMENT ON COLUMN mart.indicatoren.aangifte_met_vpt IS 'Aangiftes met VPT-markering (aangifte ja en vpt_markering ja).';
COMMENT ON COLUMN mart.indicatoren.vpt_bekend IS 'Aangiftes waarvan de VPT-markering bekend is (ja of nee).';
COMMENT ON COLUMN mart.indicatoren.vpt_pct IS 'Percentage aangiftes met VPT-markering: 100 × aangifte_met_vpt / vpt_bekend.';
COMMENT ON COLUMN mart.indicatoren.met_letsel IS 'Incidenten met letsel (licht, medisch of ernstig).';
COMMENT ON COLUMN mart.indicatoren.letsel_medisch_ernstig IS 'Incidenten met medisch of ernstig letsel.';
COMMENT ON COLUMN mart.indicatoren.letsel_bekend IS 'Incidenten waarvan het letsel bekend is (ingevuld en niet onbekend).';
COMMENT ON COLUMN mart.indicatoren.letsel_pct IS 'Percentage met letsel: 100 × met_letsel / letsel_bekend.';
COMMENT ON COLUMN mart.indicatoren.verzuim_dagen IS 'Som van de bekende verzuimdagen (0 als er geen bekend zijn).';
COMMENT ON COLUMN mart.indicatoren.incidenten_met_verzuim IS 'Incidenten met meer dan 0 verzuimdagen.';
COMMENT ON COLUMN mart.indicatoren.nazorg_aangeboden IS 'Incidenten waarbij nazorg is aangeboden (ja).';
COMMENT ON COLUMN mart.indicatoren.nazorg_bekend IS 'Incidenten waarvan bekend is of nazorg is aangeboden (ja of nee).';
COMMENT ON COLUMN mart.indicatoren.nazorg_pct IS 'Percentage met nazorg: 100 × nazorg_aangeboden / nazorg_bekend.';
COMMENT ON COLUMN mart.indicatoren.slachtoffers IS 'Aantal verschillende medewerkers (pseudoniemen) met een incident.';
COMMENT ON COLUMN mart.indicatoren.herhaald_slachtoffers IS 'Medewerkers met twee of meer incidenten in deze periode en dit gebied.';
COMMENT ON COLUMN mart.indicatoren.incidenten_herhaald_slachtoffer IS 'Incidenten van medewerkers met twee of meer incidenten in deze periode en dit gebied.';
COMMENT ON COLUMN mart.indicatoren.dekkingsgebied IS 'Gebied waarvan de dekking wordt getoond: het gebied zelf, of (als geen werkgever van de beroepsgroep het als eigen gebied heeft: brandweer per gemeente, politie onder nationaal, onbekend) de regio van de gemeente, anders NL.';
COMMENT ON COLUMN mart.indicatoren.fte_gedekt IS 'Fte van de werkgevers die geleverd hebben (nulleveringen en gedekte organisaties tellen mee); jaar: gemiddelde van de kwartalen. Leeg als de dekking niet die van het gebied zelf is.';
COMMENT ON COLUMN mart.indicatoren.fte_verwacht IS 'Fte van alle verwachte werkgevers van het gebied; jaar: gemiddelde van de kwartalen. Leeg als de dekking niet die van het gebied zelf is.';
COMMENT ON COLUMN mart.indicatoren.fte_pct IS 'Dekking in fte: 100 × fte_gedekt / fte_verwacht; jaar: gemiddelde van de kwartaalpercentages.';
COMMENT ON COLUMN mart.indicatoren.organisaties_verwacht IS 'Aantal werkgevers dat voor het dekkingsgebied moet leveren.';
COMMENT ON COLUMN mart.indicatoren.organisaties_geleverd IS 'Werkgevers die geleverd hebben (ook nullevering of gedekt); jaar: die elk verwacht kwartaal van het jaar geleverd hebben.';
COMMENT ON COLUMN mart.indicatoren.organisaties_pct IS 'Dekking in organisaties: 100 × organisaties_geleverd / organisaties_verwacht; jaar: gemiddelde van de kwartaalpercentages.';
COMMENT ON COLUMN mart.indicatoren.per_1000_fte IS 'Incidenten per 1.000 fte: 1000 × incidenten / fte_gedekt (leeg zonder fte; politie alleen nationaal).';
COMMENT ON COLUMN mart.indicatoren.dekkingsdrempel IS 'Dekkingsdrempel als fractie (ref.instelling, standaard 0,6).';
COMMENT ON COLUMN mart.indicatoren.onder_dekkingsdrempel IS 'Waar als de dekking onder de drempel ligt: fte_pct, of organisaties_pct als er geen fte is; ook waar als de dekking onbekend is.';
COMMENT ON COLUMN mart.indicatoren.volledig IS 'Waar als het cijfer als volledig totaal getoond mag worden: de periode is voorbij en de dekking ligt niet onder de dekkingsdrempel. Een lopend kwartaal of jaar is nooit volledig.';
COMMENT ON COLUMN mart.indicatoren.cijferstatus IS 'voorlopig zolang de uiterste leverdatum van het kwartaal (jaar: van het vierde kwartaal) niet voorbij is of nog niet elke verwachte werkgever van het dekkingsgebied geleverd heeft (een late levering kan het cijfer nog veranderen); anders definitief.';
COMMENT ON COLUMN mart.indicatoren.reeksbreuk IS 'Waar als een werkgever die in deze rij meetelt (met incidenten of als verantwoordelijke voor het dekkingsgebied) in deze periode een reeksbreuk had (mart.reeksbreuk).';
COMMENT ON COLUMN mart.indicatoren.verandering_vorige_periode_pct IS 'Verandering van het aantal incidenten in procenten ten opzichte van het vorige kwartaal (jaar: het vorige jaar), zelfde niveau, gebied en beroepsgroep; alleen tussen twee volledige cijfers, anders leeg (ook als het eerdere 0 was).';
COMMENT ON COLUMN mart.indicatoren.verandering_vorig_jaar_pct IS 'Verandering in procenten ten opzichte van hetzelfde kwartaal een jaar eerder (jaar: het vorige jaar); alleen tussen twee volledige cijfers, anders leeg (ook als het eerdere 0 was).';
