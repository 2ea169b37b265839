-- Voorbeeldvragen aan het warehouse van de landelijke monitor agressie en geweld tegen
-- hulpverleners, voor analisten van het ministerie, het WODC en de Taskforce.
--
-- Open het gepubliceerde warehouse alleen-lezen, bijvoorbeeld:
--   duckdb -readonly data/warehouse/monitor.duckdb
--   python: duckdb.connect('data/warehouse/monitor.duckdb', read_only=True).sql('...')
-- Wat elke tabel, view en kolom betekent staat in docs/data_dictionary.md.
--
-- Let op bij het publiceren: in gepubliceerde tabellen worden cellen onder de 5 verborgen
-- (plus secundaire onderdrukking); de marts zelf zijn niet onderdrukt. Een landelijk cijfer onder
-- de dekkingsdrempel (kolom onder_dekkingsdrempel) is niet volledig en wordt niet zo gepresenteerd.
--
-- Elke vraag begint met een regel '-- name: ...' (tests/flows/test_queries.py draait ze allemaal).

-- name: aangifte_boa_per_veiligheidsregio_2025
-- Aangiftepercentage van boa's per veiligheidsregio in 2025. Het percentage is berekend over de
-- incidenten waarvan bekend is of er aangifte is gedaan (ja of nee); 'onbekend' en leeg tellen
-- niet mee in de noemer. Met de fte-dekking, want een regio waar weinig gemeenten leverden zegt minder.
SELECT gebiedcode, gebiednaam, incidenten, met_aangifte, aangifte_bekend, aangifte_pct,
       aangifte_met_vpt, vpt_pct, fte_pct, onder_dekkingsdrempel
FROM mart.indicatoren
WHERE niveau = 'veiligheidsregio' AND beroepsgroep = 'boa'
  AND periodetype = 'jaar' AND periode = '2025'
ORDER BY gebiedcode;

-- name: incidenten_per_1000_fte_per_kwartaal
-- Incidenten per 1.000 fte per beroepsgroep per kwartaal (landelijk), met de dekking: welk deel
-- van de verwachte fte en organisaties geleverd heeft, en of het cijfer volledig is (boven de
-- dekkingsdrempel) of een reeksbreuk heeft.
SELECT beroepsgroep, periode, incidenten, per_1000_fte, fte_gedekt, fte_verwacht, fte_pct,
       organisaties_geleverd, organisaties_verwacht, organisaties_pct, dekkingsdrempel,
       volledig, reeksbreuk, verandering_vorige_periode_pct, verandering_vorig_jaar_pct
FROM mart.indicatoren
WHERE niveau = 'nationaal' AND periodetype = 'kwartaal'
ORDER BY beroepsgroep, periode;

-- name: gemeenten_2025q3_niet_geleverd
-- Welke gemeenten hebben 2025Q3 nog niet geleverd? Een nullevering ('geen incidenten') en een
-- gemeente waarvoor een andere organisatie levert (gedekt) tellen als geleverd; 'nog_niet_ontvangen'
-- betekent dat de uiterste leverdatum nog niet voorbij is, 'ontbreekt' dat hij verstreken is.
SELECT l.organisatiecode, l.naam, l.veiligheidsregiocode, vr.veiligheidsregionaam, l.status,
       l.uiterste_leverdatum, l.afgekeurde_leveringen
FROM mart.levering l
LEFT JOIN ref.veiligheidsregio vr USING (veiligheidsregiocode)
WHERE l.soort = 'gemeente' AND l.periode = '2025Q3' AND NOT l.geleverd
ORDER BY l.veiligheidsregiocode, l.naam;

-- name: zwaarste_gedragstype_brandweer
-- Zwaarste gedragstype van incidenten tegen brandweermensen, per jaar (landelijk). Elk incident
-- telt één keer, bij zijn zwaarste gedragstype (rangorde uit de codelijst, zoals het CBS telt);
-- de aandelen tellen dus op tot 100%.
SELECT z.periode, z.zwaarste_gedragstype, c.label, z.incidenten,
       round(100.0 * z.incidenten / sum(z.incidenten) OVER (PARTITION BY z.periode), 1) AS aandeel_pct
FROM mart.incidenten_zwaarste z
LEFT JOIN ref.code c ON c.lijst = 'gedragstype' AND c.code = z.zwaarste_gedragstype
WHERE z.niveau = 'nationaal' AND z.beroepsgroep = 'brandweer' AND z.periodetype = 'jaar'
ORDER BY z.periode, c.rank DESC;

-- name: herhaald_slachtofferschap_per_beroepsgroep
-- Herhaald slachtofferschap per beroepsgroep en jaar (landelijk): medewerkers (pseudoniemen) met
-- meer dan één incident, en hoeveel incidenten hen troffen. Alleen incidenten met een pseudoniem
-- tellen mee; niet elke werkgever levert het aan.
SELECT beroepsgroep, periode, incidenten, slachtoffers, herhaald_slachtoffers,
       round(100.0 * herhaald_slachtoffers / nullif(slachtoffers, 0), 1) AS herhaald_pct,
       incidenten_herhaald_slachtoffer
FROM mart.indicatoren
WHERE niveau = 'nationaal' AND periodetype = 'jaar'
ORDER BY beroepsgroep, periode;

-- name: afgekeurde_leveringen
-- Welke leveringen zijn afgekeurd en waarom? Een levering wordt als geheel afgekeurd op een
-- structuurcontrole (S-code); de melding is dezelfde als in de terugkoppeling aan de werkgever.
-- Een latere goede levering voor dezelfde periode telt wel mee (zie mart.levering).
SELECT d.delivery_id, d.organisatiecode_bron, o.naam, d.periode, d.bronbestand,
       d.received_at, r.code, e.title_nl AS controle, r.bericht
FROM ops.delivery d
JOIN ops.reject r ON r.delivery_id = d.delivery_id AND r.rij IS NULL
LEFT JOIN ref.edit e ON e.code = r.code
LEFT JOIN ref.organisatie o ON o.organisatiecode = coalesce(d.organisatiecode, d.organisatiecode_bron)
WHERE d.status = 'rejected'
ORDER BY d.received_at, d.delivery_id, r.code;

-- name: afgekeurde_rijen_per_controle
-- Afgekeurde rijen per foutcode en beroepsgroep: waar gaat het mis in geleverde bestanden?
-- (Een rij kan meerdere fouten hebben en telt dan bij elke code mee.)
SELECT o.beroepsgroep, r.code, e.title_nl AS controle, count(*) AS fouten,
       count(DISTINCT r.delivery_id) AS leveringen
FROM ops.reject r
JOIN ops.delivery d USING (delivery_id)
LEFT JOIN ref.edit e ON e.code = r.code
LEFT JOIN ref.organisatie o ON o.organisatiecode = coalesce(d.organisatiecode, d.organisatiecode_bron)
WHERE r.rij IS NOT NULL AND d.status <> 'superseded'
GROUP BY ALL
ORDER BY o.beroepsgroep, fouten DESC, r.code;

-- name: kwaliteit_per_werkgever_laagste_eerst
-- Kwaliteitsscore per werkgever in 2025, laagste eerst: welke werkgevers hebben hulp nodig bij
-- hun registratie? (Score 0-100: 50% rijen zonder fouten, 25% bekende kernvelden, 25% tijdigheid.)
SELECT organisatiecode, naam, beroepsgroep, kwartalen, gemiddelde_score, laagste_score,
       aandeel_foutloos, aandeel_bekend, tijdigheid
FROM mart.kwaliteit_organisatie_jaar
WHERE jaar = 2025
ORDER BY gemiddelde_score, laagste_score, organisatiecode
LIMIT 25;

-- name: reeksbreuken
-- Reeksbreuken: per organisatie en periode wat er veranderde (soort, van, naar), waardoor cijfers
-- vóór en na de breuk niet zonder meer vergelijkbaar zijn. In mart.indicatoren staat bij zo'n
-- periode reeksbreuk = true.
SELECT periode, organisatiecode, naam, soort, van, naar
FROM mart.reeksbreuk
ORDER BY periode, organisatiecode;

-- name: incidenten_per_gedragstype
-- Incidenten per gedragstype en beroepsgroep in 2025, zonder unnest: core.incident_gedragstype
-- heeft één rij per incident en gedragstype. Een incident met twee gedragstypen telt bij beide,
-- dus tel de rijen over gedragstypen heen niet op tot een aantal incidenten.
SELECT g.beroepsgroep, g.gedragstype, c.label, count(*) AS incidenten
FROM core.incident_gedragstype g
LEFT JOIN ref.code c ON c.lijst = 'gedragstype' AND c.code = g.gedragstype
WHERE g.periode LIKE '2025Q_'
GROUP BY ALL
ORDER BY g.beroepsgroep, incidenten DESC, g.gedragstype;

-- name: fysiek_geweld_politie_per_regio
-- Fysiek geweld tegen politiemensen per veiligheidsregio en kwartaal (de regio waar het incident
-- plaatsvond), naast alle incidenten in die regio en dat kwartaal.
SELECT g.gebiedcode, g.gebiednaam, g.periode, g.incidenten AS fysiek_geweld,
       i.incidenten AS alle_incidenten,
       round(100.0 * g.incidenten / nullif(i.incidenten, 0), 1) AS aandeel_pct
FROM mart.incidenten_gedragstype g
JOIN mart.indicatoren i USING (niveau, gebiedcode, beroepsgroep, periodetype, periode)
WHERE g.niveau = 'veiligheidsregio' AND g.beroepsgroep = 'politie'
  AND g.periodetype = 'kwartaal' AND g.gedragstype = 'fysiek_geweld'
ORDER BY g.gebiedcode, g.periode;

-- name: letsel_verzuim_nazorg_per_beroepsgroep
-- Letsel, verzuim en nazorg per beroepsgroep in 2025 (landelijk): het deel van de incidenten met
-- letsel, de verzuimdagen, en hoe vaak nazorg is aangeboden. Percentages over de incidenten
-- waarvan het antwoord bekend is.
SELECT beroepsgroep, incidenten, met_letsel, letsel_medisch_ernstig, letsel_bekend, letsel_pct,
       verzuim_dagen, incidenten_met_verzuim, nazorg_aangeboden, nazorg_bekend, nazorg_pct,
       volledig
FROM mart.indicatoren
WHERE niveau = 'nationaal' AND periodetype = 'jaar' AND periode = '2025'
ORDER BY beroepsgroep;

-- name: verandering_ten_opzichte_van_vorig_jaar
-- Verandering van het aantal incidenten ten opzichte van het jaar ervoor, per beroepsgroep
-- (landelijk). De verandering staat er alleen tussen twee volledige jaren (voorbij en boven de
-- dekkingsdrempel); vergelijk bovendien alleen jaren zonder
-- reeksbreuk. Een voorlopig cijfer kan nog veranderen door late leveringen of correcties.
SELECT j.beroepsgroep, j.periode AS jaar, j.incidenten, v.incidenten AS incidenten_vorig_jaar,
       j.verandering_vorig_jaar_pct, j.volledig, v.volledig AS vorig_jaar_volledig,
       j.reeksbreuk, j.cijferstatus
FROM mart.indicatoren j
LEFT JOIN mart.indicatoren v ON v.niveau = j.niveau AND v.gebiedcode = j.gebiedcode
 AND v.beroepsgroep = j.beroepsgroep AND v.periodetype = 'jaar'
 AND v.periode = CAST(CAST(j.periode AS INTEGER) - 1 AS VARCHAR)
WHERE j.niveau = 'nationaal' AND j.periodetype = 'jaar'
ORDER BY j.beroepsgroep, j.periode;

-- name: regios_onder_de_dekkingsdrempel
-- Welke veiligheidsregio's lagen in een kwartaal onder de dekkingsdrempel? Daar is het cijfer
-- een ondergrens en geen volledig totaal: te weinig fte (of organisaties) leverde.
SELECT beroepsgroep, periode, gebiedcode, gebiednaam, fte_pct, organisaties_geleverd,
       organisaties_verwacht, organisaties_pct, dekkingsdrempel, incidenten
FROM mart.indicatoren
WHERE niveau = 'veiligheidsregio' AND periodetype = 'kwartaal' AND gebiedcode <> 'onbekend'
  AND onder_dekkingsdrempel
ORDER BY beroepsgroep, periode, gebiedcode;
