-- mart.incidenten_context. Reads: mart.incident_gebied, mart.gebied, mart.cijferstatus.

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
