-- mart.cijferstatus. Reads: mart.indicatoren.

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
