-- The national monitoring picture of DESIGN §8, as views over core, ops and ref.
-- Periods are the delivery's quarter (core.incident.periode) and its year. Areas are on today's
-- boundaries: an incident counts in exactly one gemeente and one veiligheidsregio (possibly
-- 'onbekend'), so gemeenten and regions add up to the national figure.

-- Per incident the area it counts in. Gemeente: the location, else the employer when that is a
-- gemeente, else 'onbekend'. Veiligheidsregio: the region of that gemeente, else the employer's
-- own region when that is a veiligheidsregio, else 'onbekend' (politie without a location).
CREATE OR REPLACE VIEW mart.incident_regio AS
SELECT i.*,
       CASE WHEN g.gemeentecode IS NOT NULL THEN g.gemeentecode
            WHEN o.soort = 'gemeente' THEN o.organisatiecode
            ELSE 'onbekend' END AS gemeentecode,
       coalesce(g.veiligheidsregiocode,
                CASE WHEN o.soort IN ('gemeente', 'veiligheidsregio') THEN o.veiligheidsregiocode END,
                'onbekend') AS veiligheidsregiocode
FROM core.incident i
LEFT JOIN ref.gemeente g ON g.gemeentecode = i.gemeentecode_locatie
LEFT JOIN ref.organisatie o ON o.organisatiecode = i.organisatiecode;
COMMENT ON VIEW mart.incident_regio IS 'Elk geladen incident met de gemeente en veiligheidsregio waar het meetelt (grenzen van nu): de plaats van het incident, anders de werkgever als dat een gemeente is (regio: anders de eigen regio van een veiligheidsregio), anders onbekend.';
COMMENT ON COLUMN mart.incident_regio.delivery_id IS 'Levering waaruit het incident komt (ops.delivery).';
COMMENT ON COLUMN mart.incident_regio.periode IS 'Kwartaal van de levering, bijvoorbeeld 2025Q1.';
COMMENT ON COLUMN mart.incident_regio.organisatiecode IS 'Werkgever (GMnnnn, VRnn of POL), met de code van nu.';
COMMENT ON COLUMN mart.incident_regio.organisatiecode_bron IS 'Organisatiecode zoals aangeleverd (kan een oude gemeentecode zijn).';
COMMENT ON COLUMN mart.incident_regio.beroepsgroep IS 'Beroepsgroep: politie, boa, brandweer, ambulance of overig.';
COMMENT ON COLUMN mart.incident_regio.bron_incidentnummer IS 'Eigen incidentnummer van de werkgever.';
COMMENT ON COLUMN mart.incident_regio.incidentdatum IS 'Datum van het incident.';
COMMENT ON COLUMN mart.incident_regio.incidenttijd IS 'Tijd van het incident (als bekend).';
COMMENT ON COLUMN mart.incident_regio.registratiedatum IS 'Datum waarop het incident bij de werkgever is gemeld.';
COMMENT ON COLUMN mart.incident_regio.gemeentecode_locatie IS 'Gemeente waar het incident plaatsvond, met de code van nu (leeg als onbekend).';
COMMENT ON COLUMN mart.incident_regio.gemeentecode_locatie_bron IS 'Gemeentecode van de plaats zoals aangeleverd.';
COMMENT ON COLUMN mart.incident_regio.gedragstypen IS 'Alle gedragstypen van het incident.';
COMMENT ON COLUMN mart.incident_regio.zwaarste_gedragstype IS 'Zwaarste gedragstype volgens de ernstvolgorde van de codelijst.';
COMMENT ON COLUMN mart.incident_regio.kanaal IS 'Kanaal: fysiek, telefonisch, schriftelijk, online of onbekend.';
COMMENT ON COLUMN mart.incident_regio.context IS 'Context van het incident, bijvoorbeeld handhaving of hulpverlening.';
COMMENT ON COLUMN mart.incident_regio.wapen IS 'Wapen gebruikt of getoond: ja, nee of onbekend.';
COMMENT ON COLUMN mart.incident_regio.aantal_daders IS 'Aantal daders (nooit hun identiteit).';
COMMENT ON COLUMN mart.incident_regio.letsel IS 'Letsel: geen, licht, medisch, ernstig of onbekend.';
COMMENT ON COLUMN mart.incident_regio.verzuim_dagen IS 'Aantal dagen verzuim door het incident.';
COMMENT ON COLUMN mart.incident_regio.materiele_schade IS 'Materiële schade: ja, nee of onbekend.';
COMMENT ON COLUMN mart.incident_regio.aangifte IS 'Aangifte gedaan: ja, nee of onbekend.';
COMMENT ON COLUMN mart.incident_regio.vpt_markering IS 'Aangifte gemarkeerd als Veilige Publieke Taak: ja, nee of onbekend.';
COMMENT ON COLUMN mart.incident_regio.nazorg_aangeboden IS 'Nazorg aangeboden: ja, nee of onbekend.';
COMMENT ON COLUMN mart.incident_regio.medewerker_pseudoniem IS 'Pseudoniem (HMAC) van de medewerker, voor herhaald slachtofferschap.';
COMMENT ON COLUMN mart.incident_regio.bronbestand IS 'Bestand waaruit het incident komt.';
COMMENT ON COLUMN mart.incident_regio.tabblad IS 'Tabblad in het bronbestand (bij Excel).';
COMMENT ON COLUMN mart.incident_regio.rij IS 'Rijnummer in het bronbestand.';
COMMENT ON COLUMN mart.incident_regio.gemeentecode IS 'Gemeente waar het incident meetelt (grenzen van nu), of onbekend.';
COMMENT ON COLUMN mart.incident_regio.veiligheidsregiocode IS 'Veiligheidsregio waar het incident meetelt, of onbekend.';

-- The areas of the picture with their names, per niveau.
CREATE OR REPLACE VIEW mart.gebied AS
SELECT 'nationaal' AS niveau, 'NL' AS gebiedcode, 'Nederland' AS gebiednaam,
       CAST(NULL AS VARCHAR) AS veiligheidsregiocode
UNION ALL
SELECT 'veiligheidsregio', veiligheidsregiocode, veiligheidsregionaam, veiligheidsregiocode
FROM ref.veiligheidsregio
UNION ALL
SELECT 'gemeente', gemeentecode, gemeentenaam, veiligheidsregiocode FROM ref.gemeente
UNION ALL
SELECT niveau, 'onbekend', 'Onbekend', NULL FROM (VALUES ('veiligheidsregio'), ('gemeente')) v(niveau);
COMMENT ON VIEW mart.gebied IS 'De gebieden van de indicatoren per niveau: Nederland, de veiligheidsregio''s en gemeenten van nu, en onbekend.';
COMMENT ON COLUMN mart.gebied.niveau IS 'Niveau: nationaal, veiligheidsregio of gemeente.';
COMMENT ON COLUMN mart.gebied.gebiedcode IS 'Code van het gebied: NL, VRnn, GMnnnn of onbekend.';
COMMENT ON COLUMN mart.gebied.gebiednaam IS 'Naam van het gebied.';
COMMENT ON COLUMN mart.gebied.veiligheidsregiocode IS 'Veiligheidsregio waarin het gebied ligt (leeg voor Nederland en onbekend).';

-- Every incident once per niveau (nationaal, veiligheidsregio, gemeente) and once per period
-- type (its quarter and its year): the one source the three indicator views group.
CREATE OR REPLACE VIEW mart.incident_gebied AS
SELECT n.niveau,
       CASE n.niveau WHEN 'nationaal' THEN 'NL'
                     WHEN 'veiligheidsregio' THEN i.veiligheidsregiocode
                     ELSE i.gemeentecode END AS gebiedcode,
       i.beroepsgroep, p.periodetype,
       CASE p.periodetype WHEN 'kwartaal' THEN i.periode ELSE left(i.periode, 4) END AS periode,
       i.organisatiecode, i.bron_incidentnummer, i.gedragstypen, i.zwaarste_gedragstype,
       coalesce(i.context, 'onbekend') AS context, i.letsel, i.verzuim_dagen, i.aangifte,
       i.vpt_markering, i.nazorg_aangeboden, i.medewerker_pseudoniem
FROM mart.incident_regio i
CROSS JOIN (VALUES ('nationaal'), ('veiligheidsregio'), ('gemeente')) n(niveau)
CROSS JOIN (VALUES ('kwartaal'), ('jaar')) p(periodetype);
COMMENT ON VIEW mart.incident_gebied IS 'Elk incident één keer per niveau (nationaal, veiligheidsregio, gemeente) en per periodetype (kwartaal, jaar), met het gebied waar het meetelt: de basis van de indicatoren.';
COMMENT ON COLUMN mart.incident_gebied.niveau IS 'Niveau: nationaal, veiligheidsregio of gemeente.';
COMMENT ON COLUMN mart.incident_gebied.gebiedcode IS 'Gebied waar het incident op dit niveau meetelt: NL, VRnn, GMnnnn of onbekend.';
COMMENT ON COLUMN mart.incident_gebied.beroepsgroep IS 'Beroepsgroep van het slachtoffer.';
COMMENT ON COLUMN mart.incident_gebied.periodetype IS 'Periodetype: kwartaal of jaar.';
COMMENT ON COLUMN mart.incident_gebied.periode IS 'Kwartaal van de levering (2025Q1) of het jaar daarvan (2025).';
COMMENT ON COLUMN mart.incident_gebied.organisatiecode IS 'Werkgever (GMnnnn, VRnn of POL).';
COMMENT ON COLUMN mart.incident_gebied.bron_incidentnummer IS 'Eigen incidentnummer van de werkgever.';
COMMENT ON COLUMN mart.incident_gebied.gedragstypen IS 'Alle gedragstypen van het incident.';
COMMENT ON COLUMN mart.incident_gebied.zwaarste_gedragstype IS 'Zwaarste gedragstype van het incident.';
COMMENT ON COLUMN mart.incident_gebied.context IS 'Context van het incident (onbekend als die niet is vastgelegd).';
COMMENT ON COLUMN mart.incident_gebied.letsel IS 'Letsel: geen, licht, medisch, ernstig of onbekend.';
COMMENT ON COLUMN mart.incident_gebied.verzuim_dagen IS 'Aantal dagen verzuim door het incident.';
COMMENT ON COLUMN mart.incident_gebied.aangifte IS 'Aangifte gedaan: ja, nee of onbekend.';
COMMENT ON COLUMN mart.incident_gebied.vpt_markering IS 'VPT-markering op de aangifte: ja, nee of onbekend.';
COMMENT ON COLUMN mart.incident_gebied.nazorg_aangeboden IS 'Nazorg aangeboden: ja, nee of onbekend.';
COMMENT ON COLUMN mart.incident_gebied.medewerker_pseudoniem IS 'Pseudoniem van de medewerker (HMAC).';

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

-- Series breaks (DESIGN §8): an organisation's counting delivery for a quarter (the last loaded
-- one) comes from another registration system (profile), another profile version or another
-- code-list version than its previous loaded quarter with incidents (nil returns are skipped).
-- A change of system is not also reported as a change of profile version.
CREATE OR REPLACE VIEW mart.reeksbreuk AS
WITH telt AS (
    SELECT organisatiecode, periode, profile_id, profile_version, codelijst_versie
    FROM ops.delivery
    WHERE status = 'loaded' AND organisatiecode IS NOT NULL AND periode IS NOT NULL
      AND NOT geen_incidenten  -- a nil return (often via the template) is no change of system
    QUALIFY row_number() OVER (PARTITION BY organisatiecode, periode ORDER BY delivery_id DESC) = 1),
     met_vorige AS (
    SELECT *, lag(periode) OVER w AS vorige_periode, lag(profile_id) OVER w AS vorig_profiel,
           lag(profile_version) OVER w AS vorige_versie,
           lag(codelijst_versie) OVER w AS vorige_codelijst
    FROM telt WINDOW w AS (PARTITION BY organisatiecode ORDER BY periode)),
     breuk AS (
    SELECT organisatiecode, periode, 'registratiesysteem' AS soort, vorig_profiel AS van,
           profile_id AS naar
    FROM met_vorige
    WHERE vorige_periode IS NOT NULL AND profile_id IS DISTINCT FROM vorig_profiel
    UNION ALL
    SELECT organisatiecode, periode, 'profielversie', CAST(vorige_versie AS VARCHAR),
           CAST(profile_version AS VARCHAR)
    FROM met_vorige
    WHERE vorige_periode IS NOT NULL AND profile_id IS NOT DISTINCT FROM vorig_profiel
      AND profile_version <> vorige_versie
    UNION ALL
    SELECT organisatiecode, periode, 'codelijst', CAST(vorige_codelijst AS VARCHAR),
           CAST(codelijst_versie AS VARCHAR)
    FROM met_vorige
    WHERE vorige_periode IS NOT NULL AND codelijst_versie <> vorige_codelijst)
SELECT b.organisatiecode, o.naam, b.periode, b.soort, b.van, b.naar
FROM breuk b
LEFT JOIN ref.organisatie o ON o.organisatiecode = b.organisatiecode;
COMMENT ON VIEW mart.reeksbreuk IS 'Breuken in de reeks: per organisatie en kwartaal waarin de meetellende levering uit een ander registratiesysteem (profiel), een andere profielversie of een andere codelijstversie komt dan in het vorige geleverde kwartaal. Cijfers over zo''n breuk heen zijn niet zonder meer vergelijkbaar.';
COMMENT ON COLUMN mart.reeksbreuk.organisatiecode IS 'Organisatie (werkgever) met de breuk.';
COMMENT ON COLUMN mart.reeksbreuk.naam IS 'Naam van de organisatie.';
COMMENT ON COLUMN mart.reeksbreuk.periode IS 'Eerste kwartaal na de breuk.';
COMMENT ON COLUMN mart.reeksbreuk.soort IS 'Soort breuk: registratiesysteem, profielversie of codelijst.';
COMMENT ON COLUMN mart.reeksbreuk.van IS 'Systeem of versie in het vorige geleverde kwartaal.';
COMMENT ON COLUMN mart.reeksbreuk.naar IS 'Systeem of versie vanaf dit kwartaal.';

-- The indicators per niveau × area × beroepsgroep × quarter and year. Rows: every area with
-- incidents, and every area with its own expected employers (a true 0 is shown). Coverage
-- (organisaties_*, fte_*) is that of the employers responsible for the area (gemeente: itself;
-- veiligheidsregio: its gemeenten and its brandweer; nationaal: all); where no employer of the
-- beroepsgroep has the area as its own (brandweer per gemeente, politie below national, onbekend)
-- it is that of the region of the gemeente, else the national one, and fte_* are NULL.
CREATE OR REPLACE VIEW mart.indicatoren AS
WITH telling AS (
    SELECT niveau, gebiedcode, beroepsgroep, periodetype, periode,
           count(*) AS incidenten,
           count(*) FILTER (aangifte = 'ja') AS met_aangifte,
           count(*) FILTER (aangifte IN ('ja', 'nee')) AS aangifte_bekend,
           count(*) FILTER (aangifte = 'ja' AND vpt_markering = 'ja') AS aangifte_met_vpt,
           count(*) FILTER (aangifte = 'ja' AND vpt_markering IN ('ja', 'nee')) AS vpt_bekend,
           count(*) FILTER (letsel IN ('licht', 'medisch', 'ernstig')) AS met_letsel,
           count(*) FILTER (letsel IN ('medisch', 'ernstig')) AS letsel_medisch_ernstig,
           count(*) FILTER (letsel <> 'onbekend') AS letsel_bekend,
           CAST(coalesce(sum(verzuim_dagen), 0) AS BIGINT) AS verzuim_dagen,
           count(*) FILTER (verzuim_dagen > 0) AS incidenten_met_verzuim,
           count(*) FILTER (nazorg_aangeboden = 'ja') AS nazorg_aangeboden,
           count(*) FILTER (nazorg_aangeboden IN ('ja', 'nee')) AS nazorg_bekend
    FROM mart.incident_gebied GROUP BY ALL),
     per_slachtoffer AS (
    SELECT niveau, gebiedcode, beroepsgroep, periodetype, periode, medewerker_pseudoniem,
           count(*) AS n
    FROM mart.incident_gebied WHERE medewerker_pseudoniem IS NOT NULL GROUP BY ALL),
     slachtoffer AS (
    SELECT niveau, gebiedcode, beroepsgroep, periodetype, periode,
           count(*) AS slachtoffers,
           count(*) FILTER (n >= 2) AS herhaald_slachtoffers,
           CAST(coalesce(sum(n) FILTER (n >= 2), 0) AS BIGINT) AS incidenten_herhaald_slachtoffer
    FROM per_slachtoffer GROUP BY ALL),
     levering AS (  -- every expected organisation and quarter with its FTE, as in mart.dekking
    SELECT l.organisatiecode, l.beroepsgroep, l.periode, l.geleverd,
           coalesce(df.fte, rf.fte) AS fte
    FROM mart.levering l
    LEFT JOIN ops.delivery_fte df
           ON df.delivery_id = l.delivery_id AND df.beroepsgroep = l.beroepsgroep
    LEFT JOIN ref.fte rf
           ON rf.organisatiecode = l.organisatiecode AND rf.beroepsgroep = l.beroepsgroep
          AND rf.jaar = CAST(left(l.periode, 4) AS INTEGER)),
     eigen_gebied AS (  -- the area each employer is responsible for, per niveau
    SELECT organisatiecode, niveau, gebiedcode FROM (
        SELECT o.organisatiecode, n.niveau,
               CASE n.niveau WHEN 'nationaal' THEN 'NL'
                    WHEN 'veiligheidsregio' THEN CASE WHEN o.soort IN ('gemeente', 'veiligheidsregio')
                                                      THEN o.veiligheidsregiocode END
                    ELSE CASE WHEN o.soort = 'gemeente' THEN o.organisatiecode END END AS gebiedcode
        FROM ref.organisatie o
        CROSS JOIN (VALUES ('nationaal'), ('veiligheidsregio'), ('gemeente')) n(niveau))
    WHERE gebiedcode IS NOT NULL),
     levering_gebied AS (
    SELECT e.niveau, e.gebiedcode, l.* FROM levering l JOIN eigen_gebied e USING (organisatiecode)),
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
    GROUP BY ALL),
     dekking AS (
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
    GROUP BY k.niveau, k.gebiedcode, k.beroepsgroep, j.periode),
     breuk_organisatie AS (
    SELECT organisatiecode, 'kwartaal' AS periodetype, periode FROM mart.reeksbreuk
    UNION
    SELECT organisatiecode, 'jaar', left(periode, 4) FROM mart.reeksbreuk),
     breuk_incident AS (  -- an employer with incidents in the row had a break
    SELECT DISTINCT i.niveau, i.gebiedcode, i.beroepsgroep, i.periodetype, i.periode
    FROM mart.incident_gebied i
    JOIN breuk_organisatie b ON b.organisatiecode = i.organisatiecode
     AND b.periodetype = i.periodetype AND b.periode = i.periode),
     breuk_dekking AS (  -- an employer responsible for the (coverage) area had a break
    SELECT DISTINCT e.niveau, e.gebiedcode, o.beroepsgroep, b.periodetype, b.periode
    FROM breuk_organisatie b
    JOIN eigen_gebied e ON e.organisatiecode = b.organisatiecode
    JOIN ref.organisatie o ON o.organisatiecode = b.organisatiecode),
     rijen AS (
    SELECT niveau, gebiedcode, beroepsgroep, periodetype, periode FROM telling
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
     rij AS (
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
           coalesce(s.slachtoffers, 0) AS slachtoffers,
           coalesce(s.herhaald_slachtoffers, 0) AS herhaald_slachtoffers,
           coalesce(s.incidenten_herhaald_slachtoffer, 0) AS incidenten_herhaald_slachtoffer,
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
    LEFT JOIN telling t ON t.niveau = k.niveau AND t.gebiedcode = k.gebiedcode
     AND t.beroepsgroep = k.beroepsgroep AND t.periodetype = k.periodetype AND t.periode = k.periode
    LEFT JOIN slachtoffer s ON s.niveau = k.niveau AND s.gebiedcode = k.gebiedcode
     AND s.beroepsgroep = k.beroepsgroep AND s.periodetype = k.periodetype AND s.periode = k.periode
    LEFT JOIN dekking d ON d.niveau = k.dekkingsniveau AND d.gebiedcode = k.dekkingsgebied
     AND d.beroepsgroep = k.beroepsgroep AND d.periodetype = k.periodetype AND d.periode = k.periode
    LEFT JOIN breuk_incident bi ON bi.niveau = k.niveau AND bi.gebiedcode = k.gebiedcode
     AND bi.beroepsgroep = k.beroepsgroep AND bi.periodetype = k.periodetype
     AND bi.periode = k.periode
    LEFT JOIN breuk_dekking bd ON bd.niveau = k.dekkingsniveau AND bd.gebiedcode = k.dekkingsgebied
     AND bd.beroepsgroep = k.beroepsgroep AND bd.periodetype = k.periodetype
     AND bd.periode = k.periode
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

-- Provisional or final (DESIGN §12), per row of the indicators: for the count views below.
CREATE OR REPLACE VIEW mart.cijferstatus AS
SELECT niveau, gebiedcode, beroepsgroep, periodetype, periode, cijferstatus FROM mart.indicatoren;
COMMENT ON VIEW mart.cijferstatus IS 'Per gebied, beroepsgroep en periode of het cijfer voorlopig of definitief is (uit mart.indicatoren).';
COMMENT ON COLUMN mart.cijferstatus.niveau IS 'Niveau: nationaal, veiligheidsregio of gemeente.';
COMMENT ON COLUMN mart.cijferstatus.gebiedcode IS 'Gebied: NL, VRnn, GMnnnn of onbekend.';
COMMENT ON COLUMN mart.cijferstatus.beroepsgroep IS 'Beroepsgroep.';
COMMENT ON COLUMN mart.cijferstatus.periodetype IS 'Periodetype: kwartaal of jaar.';
COMMENT ON COLUMN mart.cijferstatus.periode IS 'Kwartaal (2025Q1) of jaar (2025).';
COMMENT ON COLUMN mart.cijferstatus.cijferstatus IS 'voorlopig of definitief (zie mart.indicatoren.cijferstatus).';

CREATE OR REPLACE VIEW mart.incidenten_gedragstype AS
SELECT i.niveau, i.gebiedcode, g.gebiednaam, i.beroepsgroep, i.periodetype, i.periode,
       i.gedragstype, count(*) AS incidenten, any_value(coalesce(s.cijferstatus, 'voorlopig')) AS cijferstatus
FROM (SELECT *, unnest(list_distinct(gedragstypen)) AS gedragstype FROM mart.incident_gebied) i
LEFT JOIN mart.gebied g ON g.niveau = i.niveau AND g.gebiedcode = i.gebiedcode
LEFT JOIN mart.cijferstatus s ON s.niveau = i.niveau AND s.gebiedcode = i.gebiedcode
 AND s.beroepsgroep = i.beroepsgroep AND s.periodetype = i.periodetype AND s.periode = i.periode
GROUP BY i.niveau, i.gebiedcode, g.gebiednaam, i.beroepsgroep, i.periodetype, i.periode, i.gedragstype;
COMMENT ON VIEW mart.incidenten_gedragstype IS 'Aantal incidenten per gebied (nationaal, veiligheidsregio, gemeente), beroepsgroep, kwartaal of jaar en gedragstype. Een incident met meerdere gedragstypen telt bij elk daarvan één keer mee, dus de rijen tellen niet op tot het aantal incidenten. Alleen combinaties die voorkomen.';
COMMENT ON COLUMN mart.incidenten_gedragstype.niveau IS 'Niveau: nationaal, veiligheidsregio of gemeente.';
COMMENT ON COLUMN mart.incidenten_gedragstype.gebiedcode IS 'Gebied: NL, VRnn, GMnnnn of onbekend (grenzen van nu).';
COMMENT ON COLUMN mart.incidenten_gedragstype.gebiednaam IS 'Naam van het gebied.';
COMMENT ON COLUMN mart.incidenten_gedragstype.beroepsgroep IS 'Beroepsgroep van het slachtoffer.';
COMMENT ON COLUMN mart.incidenten_gedragstype.periodetype IS 'Periodetype: kwartaal of jaar.';
COMMENT ON COLUMN mart.incidenten_gedragstype.periode IS 'Kwartaal van de levering (2025Q1) of het jaar (2025).';
COMMENT ON COLUMN mart.incidenten_gedragstype.gedragstype IS 'Gedragstype (codelijst gedragstype).';
COMMENT ON COLUMN mart.incidenten_gedragstype.incidenten IS 'Aantal incidenten met dit gedragstype.';
COMMENT ON COLUMN mart.incidenten_gedragstype.cijferstatus IS 'voorlopig of definitief, als in mart.indicatoren voor hetzelfde gebied en dezelfde periode.';

CREATE OR REPLACE VIEW mart.incidenten_zwaarste AS
SELECT i.niveau, i.gebiedcode, g.gebiednaam, i.beroepsgroep, i.periodetype, i.periode,
       i.zwaarste_gedragstype, count(*) AS incidenten,
       any_value(coalesce(s.cijferstatus, 'voorlopig')) AS cijferstatus
FROM mart.incident_gebied i
LEFT JOIN mart.gebied g ON g.niveau = i.niveau AND g.gebiedcode = i.gebiedcode
LEFT JOIN mart.cijferstatus s ON s.niveau = i.niveau AND s.gebiedcode = i.gebiedcode
 AND s.beroepsgroep = i.beroepsgroep AND s.periodetype = i.periodetype AND s.periode = i.periode
GROUP BY i.niveau, i.gebiedcode, g.gebiednaam, i.beroepsgroep, i.periodetype, i.periode,
         i.zwaarste_gedragstype;
COMMENT ON VIEW mart.incidenten_zwaarste IS 'Aantal incidenten per gebied (nationaal, veiligheidsregio, gemeente), beroepsgroep, kwartaal of jaar en zwaarste gedragstype: elk incident telt één keer, dus de rijen tellen op tot het aantal incidenten van het gebied.';
COMMENT ON COLUMN mart.incidenten_zwaarste.niveau IS 'Niveau: nationaal, veiligheidsregio of gemeente.';
COMMENT ON COLUMN mart.incidenten_zwaarste.gebiedcode IS 'Gebied: NL, VRnn, GMnnnn of onbekend (grenzen van nu).';
COMMENT ON COLUMN mart.incidenten_zwaarste.gebiednaam IS 'Naam van het gebied.';
COMMENT ON COLUMN mart.incidenten_zwaarste.beroepsgroep IS 'Beroepsgroep van het slachtoffer.';
COMMENT ON COLUMN mart.incidenten_zwaarste.periodetype IS 'Periodetype: kwartaal of jaar.';
COMMENT ON COLUMN mart.incidenten_zwaarste.periode IS 'Kwartaal van de levering (2025Q1) of het jaar (2025).';
COMMENT ON COLUMN mart.incidenten_zwaarste.zwaarste_gedragstype IS 'Zwaarste gedragstype van het incident (ernstvolgorde van de codelijst).';
COMMENT ON COLUMN mart.incidenten_zwaarste.incidenten IS 'Aantal incidenten met dit zwaarste gedragstype.';
COMMENT ON COLUMN mart.incidenten_zwaarste.cijferstatus IS 'voorlopig of definitief, als in mart.indicatoren voor hetzelfde gebied en dezelfde periode.';

CREATE OR REPLACE VIEW mart.incidenten_context AS
SELECT i.niveau, i.gebiedcode, g.gebiednaam, i.beroepsgroep, i.periodetype, i.periode,
       i.context, count(*) AS incidenten,
       any_value(coalesce(s.cijferstatus, 'voorlopig')) AS cijferstatus
FROM mart.incident_gebied i
LEFT JOIN mart.gebied g ON g.niveau = i.niveau AND g.gebiedcode = i.gebiedcode
LEFT JOIN mart.cijferstatus s ON s.niveau = i.niveau AND s.gebiedcode = i.gebiedcode
 AND s.beroepsgroep = i.beroepsgroep AND s.periodetype = i.periodetype AND s.periode = i.periode
GROUP BY i.niveau, i.gebiedcode, g.gebiednaam, i.beroepsgroep, i.periodetype, i.periode, i.context;
COMMENT ON VIEW mart.incidenten_context IS 'Aantal incidenten per gebied (nationaal, veiligheidsregio, gemeente), beroepsgroep, kwartaal of jaar en context (handhaving, hulpverlening, ...): elk incident telt één keer, dus de rijen tellen op tot het aantal incidenten van het gebied. Alleen combinaties die voorkomen.';
COMMENT ON COLUMN mart.incidenten_context.niveau IS 'Niveau: nationaal, veiligheidsregio of gemeente.';
COMMENT ON COLUMN mart.incidenten_context.gebiedcode IS 'Gebied: NL, VRnn, GMnnnn of onbekend (grenzen van nu).';
COMMENT ON COLUMN mart.incidenten_context.gebiednaam IS 'Naam van het gebied.';
COMMENT ON COLUMN mart.incidenten_context.beroepsgroep IS 'Beroepsgroep van het slachtoffer.';
COMMENT ON COLUMN mart.incidenten_context.periodetype IS 'Periodetype: kwartaal of jaar.';
COMMENT ON COLUMN mart.incidenten_context.periode IS 'Kwartaal van de levering (2025Q1) of het jaar (2025).';
COMMENT ON COLUMN mart.incidenten_context.context IS 'Context van het incident (codelijst context; onbekend als die niet is vastgelegd).';
COMMENT ON COLUMN mart.incidenten_context.incidenten IS 'Aantal incidenten in deze context.';
COMMENT ON COLUMN mart.incidenten_context.cijferstatus IS 'voorlopig of definitief, als in mart.indicatoren voor hetzelfde gebied en dezelfde periode.';

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
