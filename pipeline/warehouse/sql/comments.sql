-- Dutch comments on the tables and views of the migrations (ops, core), for the analysts: they
-- show in duckdb_tables(), duckdb_views() and duckdb_columns() and in docs/data_dictionary.md.
-- Warehouse.ensure_schema runs this after the migrations (sql/migrations/), so a comment is
-- changed here, not by a migration. The reference tables the nightly run writes (CREATE OR
-- REPLACE drops comments) get theirs from ref_comments.sql; each mart view in its own file
-- (sql/marts/).

-- ops.run ---------------------------------------------------------------------------------------
COMMENT ON TABLE ops.run IS 'Nachtelijke runs: wanneer gestart en klaar, met de status en het aantal gevonden, nieuwe en overgeslagen bestanden.';
COMMENT ON COLUMN ops.run.run_id IS 'Volgnummer van de run.';
COMMENT ON COLUMN ops.run.started_at IS 'Begin van de run (UTC).';
COMMENT ON COLUMN ops.run.finished_at IS 'Einde van de run (UTC); leeg als de run niet is afgerond.';
COMMENT ON COLUMN ops.run.status IS 'running of completed.';
COMMENT ON COLUMN ops.run.files_seen IS 'Aantal bestanden in de inbox.';
COMMENT ON COLUMN ops.run.files_new IS 'Aantal nieuwe bestanden (sha256 nog niet in het grootboek), verwerkt in deze run.';
COMMENT ON COLUMN ops.run.files_skipped IS 'Aantal bestanden dat al eerder was verwerkt (zelfde sha256) en is overgeslagen.';

-- ops.schema_migratie --------------------------------------------------------------------------
COMMENT ON TABLE ops.schema_migratie IS 'De schemawijzigingen (migraties) die op dit warehouse zijn toegepast, elk één keer, in volgorde: pipeline/warehouse/sql/migrations/NNNN_naam.sql.';
COMMENT ON COLUMN ops.schema_migratie.versie IS 'Nummer van de migratie (NNNN in de bestandsnaam).';
COMMENT ON COLUMN ops.schema_migratie.naam IS 'Naam van de migratie (de rest van de bestandsnaam).';
COMMENT ON COLUMN ops.schema_migratie.toegepast_op IS 'Moment waarop de migratie op dit warehouse is toegepast (UTC).';

-- ops.delivery ----------------------------------------------------------------------------------
COMMENT ON TABLE ops.delivery IS 'Het grootboek van leveringen: één rij per ontvangen bestand of API-ophaalslag, met status en rijtelling (rows_in = rows_loaded + rows_rejected). Een nieuwere levering voor dezelfde organisatie en periode vervangt de eerdere (superseded).';
COMMENT ON COLUMN ops.delivery.delivery_id IS 'Volgnummer van de levering; verwijst naar core.incident, ops.edit, ops.dq_result en ops.delivery_fte.';
COMMENT ON COLUMN ops.delivery.organisatiecode IS 'De leverende organisatie op de huidige indeling (GMnnnn, VRnn of POL); leeg als onbekend (S04).';
COMMENT ON COLUMN ops.delivery.organisatiecode_bron IS 'De organisatiecode zoals aangeleverd (map, bestand of blad), vóór herindeling.';
COMMENT ON COLUMN ops.delivery.periode IS 'Leveringsperiode, een kwartaal als 2025Q1; leeg als niet te bepalen (S05).';
COMMENT ON COLUMN ops.delivery.profile_id IS 'Het mappingprofiel waarmee het bestand is gelezen (connectors/profiles/<id>.yaml).';
COMMENT ON COLUMN ops.delivery.profile_version IS 'Versie van dat mappingprofiel.';
COMMENT ON COLUMN ops.delivery.bronbestand IS 'Bestandsnaam zoals ontvangen.';
COMMENT ON COLUMN ops.delivery.sha256 IS 'SHA-256 van het bestand: de identiteit van de levering (hetzelfde bestand nogmaals wordt overgeslagen).';
COMMENT ON COLUMN ops.delivery.size_bytes IS 'Grootte van het bestand in bytes.';
COMMENT ON COLUMN ops.delivery.received_at IS 'Moment van ontvangst (wijzigingstijd van het bestand); bepaalt welke levering de nieuwste is.';
COMMENT ON COLUMN ops.delivery.loaded_at IS 'Moment waarop de levering in het warehouse is verwerkt.';
COMMENT ON COLUMN ops.delivery.run_id IS 'De run die de levering verwerkte (ops.run).';
COMMENT ON COLUMN ops.delivery.status IS 'loaded (telt mee), rejected (afgekeurd op een S-controle) of superseded (vervangen door een nieuwere levering).';
COMMENT ON COLUMN ops.delivery.superseded_by IS 'Bij status superseded: de delivery_id van de levering die deze vervangt.';
COMMENT ON COLUMN ops.delivery.geen_incidenten IS 'Nullevering: de organisatie verklaart geen incidenten in deze periode te hebben. Telt als geleverd.';
COMMENT ON COLUMN ops.delivery.rows_in IS 'Aantal niet-lege gegevensrijen in het bestand.';
COMMENT ON COLUMN ops.delivery.rows_loaded IS 'Aantal rijen zonder fout, geladen als incident.';
COMMENT ON COLUMN ops.delivery.rows_rejected IS 'Aantal rijen met minstens één fout (E-controle), afgekeurd.';
COMMENT ON COLUMN ops.delivery.rows_warned IS 'Aantal geladen rijen met minstens één waarschuwing (W-controle).';
COMMENT ON COLUMN ops.delivery.codelijst_versie IS 'Versie van de landelijke codelijsten waarmee de levering is verwerkt.';
COMMENT ON COLUMN ops.delivery.voorlopig IS 'Waar als de levering een kwartaal betreft dat bij ontvangst nog liep: de cijfers zijn voorlopig.';

-- ops.delivery_fte ------------------------------------------------------------------------------
COMMENT ON TABLE ops.delivery_fte IS 'Fte per levering en beroepsgroep: de noemer voor incidenten per 1.000 fte en voor de fte-dekking.';
COMMENT ON COLUMN ops.delivery_fte.delivery_id IS 'De levering (ops.delivery).';
COMMENT ON COLUMN ops.delivery_fte.beroepsgroep IS 'Beroepsgroep (codelijst beroepsgroep).';
COMMENT ON COLUMN ops.delivery_fte.fte IS 'Aantal fte van de beroepsgroep bij de organisatie.';
COMMENT ON COLUMN ops.delivery_fte.bron IS 'Herkomst van het getal: aanlevering (opgegeven in de levering) of referentie (jaarbestand fte_<jaar>.csv van de Taskforce).';

-- ops.edit, ops.reject, ops.warning -------------------------------------------------------------
COMMENT ON TABLE ops.edit IS 'Uitkomsten van de genummerde controles (S, E, W) per levering en rij; een rij kan meerdere controles hebben. Zie ref.edit voor de betekenis van de codes.';
COMMENT ON COLUMN ops.edit.delivery_id IS 'De levering (ops.delivery).';
COMMENT ON COLUMN ops.edit.bronbestand IS 'Bestandsnaam zoals ontvangen.';
COMMENT ON COLUMN ops.edit.tabblad IS 'Tabblad van het bestand (leeg bij csv en jsonl).';
COMMENT ON COLUMN ops.edit.rij IS 'Rijnummer in het bestand zoals de werkgever het ziet; leeg bij een controle op de hele levering (S-codes).';
COMMENT ON COLUMN ops.edit.veld IS 'Het veld van het landelijke model waar de controle over gaat.';
COMMENT ON COLUMN ops.edit.code IS 'Controlecode, zoals E02 of W01 (ref.edit).';
COMMENT ON COLUMN ops.edit.severity IS 'error (rij of levering afgekeurd) of warning (rij geladen, gemeld aan de werkgever).';
COMMENT ON COLUMN ops.edit.waarde IS 'De aangeleverde waarde die de controle trof.';
COMMENT ON COLUMN ops.edit.bericht IS 'De Nederlandse melding voor de werkgever.';

COMMENT ON VIEW ops.reject IS 'De fouten uit ops.edit (severity error): waarom rijen of leveringen zijn afgekeurd.';
COMMENT ON COLUMN ops.reject.delivery_id IS 'De levering (ops.delivery).';
COMMENT ON COLUMN ops.reject.bronbestand IS 'Bestandsnaam zoals ontvangen.';
COMMENT ON COLUMN ops.reject.tabblad IS 'Tabblad van het bestand (leeg bij csv en jsonl).';
COMMENT ON COLUMN ops.reject.rij IS 'Rijnummer in het bestand; leeg bij een fout in de hele levering (S-codes).';
COMMENT ON COLUMN ops.reject.veld IS 'Het veld van het landelijke model waar de fout in zit.';
COMMENT ON COLUMN ops.reject.code IS 'Foutcode, zoals S03 of E02 (ref.edit).';
COMMENT ON COLUMN ops.reject.severity IS 'Altijd error.';
COMMENT ON COLUMN ops.reject.waarde IS 'De aangeleverde waarde die is afgekeurd.';
COMMENT ON COLUMN ops.reject.bericht IS 'De Nederlandse melding voor de werkgever.';

COMMENT ON VIEW ops.warning IS 'De waarschuwingen uit ops.edit (severity warning): rijen die wel zijn geladen maar gemeld aan de werkgever.';
COMMENT ON COLUMN ops.warning.delivery_id IS 'De levering (ops.delivery).';
COMMENT ON COLUMN ops.warning.bronbestand IS 'Bestandsnaam zoals ontvangen.';
COMMENT ON COLUMN ops.warning.tabblad IS 'Tabblad van het bestand (leeg bij csv en jsonl).';
COMMENT ON COLUMN ops.warning.rij IS 'Rijnummer in het bestand.';
COMMENT ON COLUMN ops.warning.veld IS 'Het veld van het landelijke model waar de waarschuwing over gaat.';
COMMENT ON COLUMN ops.warning.code IS 'Waarschuwingscode, zoals W01 (ref.edit).';
COMMENT ON COLUMN ops.warning.severity IS 'Altijd warning.';
COMMENT ON COLUMN ops.warning.waarde IS 'De aangeleverde waarde die de waarschuwing gaf.';
COMMENT ON COLUMN ops.warning.bericht IS 'De Nederlandse melding voor de werkgever.';

-- ops.delivery_kwaliteit ------------------------------------------------------------------------
COMMENT ON TABLE ops.delivery_kwaliteit IS 'Kwaliteitsscore per levering, vastgelegd bij verwerking (een latere correctie herschrijft de geschiedenis niet).';
COMMENT ON COLUMN ops.delivery_kwaliteit.delivery_id IS 'De levering (ops.delivery).';
COMMENT ON COLUMN ops.delivery_kwaliteit.aandeel_foutloos IS 'Aandeel rijen zonder fout van de ontvangen rijen (0-1).';
COMMENT ON COLUMN ops.delivery_kwaliteit.aandeel_bekend IS 'Aandeel ingevulde en niet-onbekende waarden van de kernvelden kanaal, context, letsel en aangifte (0-1).';
COMMENT ON COLUMN ops.delivery_kwaliteit.tijdigheid IS '1 als op tijd geleverd, lineair dalend tot 0 bij 60 dagen te laat.';
COMMENT ON COLUMN ops.delivery_kwaliteit.dagen_te_laat IS 'Dagen na de uiterste leverdatum (0 als op tijd).';
COMMENT ON COLUMN ops.delivery_kwaliteit.kwaliteitsscore IS 'Score 0-100: 50% aandeel_foutloos, 25% aandeel_bekend, 25% tijdigheid.';

-- ops.dq_result ---------------------------------------------------------------------------------
COMMENT ON TABLE ops.dq_result IS 'Uitkomsten van de batchcontroles (B-codes, Great Expectations) per levering: waarschuwingen, nooit afkeuringen.';
COMMENT ON COLUMN ops.dq_result.delivery_id IS 'De levering (ops.delivery).';
COMMENT ON COLUMN ops.dq_result.code IS 'Batchcontrole, zoals B01 (pipeline/ingest/batch_checks.yaml).';
COMMENT ON COLUMN ops.dq_result.kolom IS 'Het gecontroleerde veld; leeg bij een controle op de hele levering (B03 volume).';
COMMENT ON COLUMN ops.dq_result.expectation IS 'Het type Great Expectations-verwachting.';
COMMENT ON COLUMN ops.dq_result.success IS 'true geslaagd, false niet geslaagd, leeg niet gecontroleerd (te weinig rijen of geschiedenis).';
COMMENT ON COLUMN ops.dq_result.observed IS 'De gemeten waarde, als tekst.';
COMMENT ON COLUMN ops.dq_result.threshold IS 'De drempel waartegen is getoetst, als tekst.';
COMMENT ON COLUMN ops.dq_result.bericht IS 'De Nederlandse melding voor de werkgever.';

-- ops.api_cursor --------------------------------------------------------------------------------
COMMENT ON TABLE ops.api_cursor IS 'Per API-bron hoe ver die is opgehaald; verschuift in dezelfde transactie als de gegevens.';
COMMENT ON COLUMN ops.api_cursor.source_id IS 'De API-bron (connectors/sources/<id>.yaml).';
COMMENT ON COLUMN ops.api_cursor.cursor IS 'De updated_since-cursor van de laatste geslaagde ophaalslag.';
COMMENT ON COLUMN ops.api_cursor.updated_at IS 'Moment waarop de cursor is verschoven.';

-- core.incident ---------------------------------------------------------------------------------
COMMENT ON TABLE core.incident IS 'Alle geldige incidenten van de leveringen die meetellen (status loaded), in het landelijke model (schemaversie 1), met herkomst: levering, bestand, tabblad en rij.';
COMMENT ON COLUMN core.incident.delivery_id IS 'De levering waaruit het incident komt (ops.delivery).';
COMMENT ON COLUMN core.incident.periode IS 'Kwartaal van de levering, als 2025Q1 (niet per se het kwartaal van de incidentdatum: zie W04).';
COMMENT ON COLUMN core.incident.organisatiecode_bron IS 'De organisatiecode zoals aangeleverd, vóór herindeling.';
COMMENT ON COLUMN core.incident.gemeentecode_locatie_bron IS 'De gemeentecode van de locatie zoals aangeleverd, vóór herindeling.';
COMMENT ON COLUMN core.incident.bronbestand IS 'Herkomst: bestandsnaam van de levering.';
COMMENT ON COLUMN core.incident.tabblad IS 'Herkomst: tabblad (leeg bij csv en jsonl).';
COMMENT ON COLUMN core.incident.rij IS 'Herkomst: rijnummer in het bestand.';

-- core.incident_gedragstype ---------------------------------------------------------------------
COMMENT ON VIEW core.incident_gedragstype IS 'Eén rij per incident en gedragstype, om per gedragstype te tellen zonder unnest. Een incident met twee gedragstypen telt in beide mee: tel incidenten over gedragstypen niet op.';
COMMENT ON COLUMN core.incident_gedragstype.delivery_id IS 'De levering waaruit het incident komt (ops.delivery).';
COMMENT ON COLUMN core.incident_gedragstype.periode IS 'Kwartaal van de levering, als 2025Q1.';
COMMENT ON COLUMN core.incident_gedragstype.organisatiecode IS 'De werkgever op de huidige indeling.';
COMMENT ON COLUMN core.incident_gedragstype.beroepsgroep IS 'Beroepsgroep van de getroffen medewerker.';
COMMENT ON COLUMN core.incident_gedragstype.bron_incidentnummer IS 'Het eigen incidentnummer van de werkgever; met organisatiecode de sleutel van het incident.';
COMMENT ON COLUMN core.incident_gedragstype.incidentdatum IS 'Datum van het incident.';
COMMENT ON COLUMN core.incident_gedragstype.gemeentecode_locatie IS 'Gemeente waar het incident plaatsvond, op de huidige indeling.';
COMMENT ON COLUMN core.incident_gedragstype.gedragstype IS 'Eén gedragstype van het incident (codelijst gedragstype).';
