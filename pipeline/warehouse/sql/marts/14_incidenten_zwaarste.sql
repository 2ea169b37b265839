-- mart.incidenten_zwaarste. Reads: mart.incident_gebied, mart.gebied, mart.cijferstatus.

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
