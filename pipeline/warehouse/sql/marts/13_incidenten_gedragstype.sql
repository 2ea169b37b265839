-- mart.incidenten_gedragstype. Reads: mart.incident_gebied, mart.gebied, mart.cijferstatus.

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
