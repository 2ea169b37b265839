-- Migration 1: the warehouse as it stood when numbered migrations began (DESIGN §7): the schemas,
-- the ledger and its companions (ops), the incidents (core) and the empty reference tables the
-- marts need before the first nightly run has written them (ref).
-- Idempotent (IF NOT EXISTS), like migrations 2 and 3: a warehouse made before numbered
-- migrations already holds some or all of them and is upgraded by running them again.
CREATE SCHEMA IF NOT EXISTS ref;
CREATE SCHEMA IF NOT EXISTS ops;
CREATE SCHEMA IF NOT EXISTS core;
CREATE SCHEMA IF NOT EXISTS mart;

CREATE SEQUENCE IF NOT EXISTS ops.delivery_seq START 1;
CREATE SEQUENCE IF NOT EXISTS ops.run_seq START 1;

CREATE TABLE IF NOT EXISTS ops.run (
    run_id          INTEGER PRIMARY KEY,
    started_at      TIMESTAMPTZ NOT NULL,
    finished_at     TIMESTAMPTZ,
    status          VARCHAR NOT NULL,
    files_seen      INTEGER,
    files_new       INTEGER,
    files_skipped   INTEGER
);

CREATE TABLE IF NOT EXISTS ops.delivery (
    delivery_id          INTEGER PRIMARY KEY,
    organisatiecode      VARCHAR,
    organisatiecode_bron VARCHAR NOT NULL,
    periode              VARCHAR,
    profile_id           VARCHAR,
    profile_version      INTEGER,
    bronbestand          VARCHAR NOT NULL,
    sha256               VARCHAR NOT NULL,
    size_bytes           BIGINT,
    received_at          TIMESTAMPTZ NOT NULL,
    loaded_at            TIMESTAMPTZ NOT NULL,
    run_id               INTEGER,
    status               VARCHAR NOT NULL CHECK (status IN ('loaded', 'rejected', 'superseded')),
    superseded_by        INTEGER,
    geen_incidenten      BOOLEAN NOT NULL DEFAULT false,
    rows_in              INTEGER NOT NULL,
    rows_loaded          INTEGER NOT NULL,
    rows_rejected        INTEGER NOT NULL,
    rows_warned          INTEGER NOT NULL DEFAULT 0,
    CHECK (rows_in = rows_loaded + rows_rejected),
    UNIQUE (organisatiecode_bron, sha256)
);

CREATE TABLE IF NOT EXISTS ops.delivery_fte (
    delivery_id  INTEGER NOT NULL,
    beroepsgroep VARCHAR NOT NULL,
    fte          DOUBLE NOT NULL,
    bron         VARCHAR NOT NULL  -- 'aanlevering' (declared) or 'referentie' (fte_<jaar>.csv)
);

CREATE TABLE IF NOT EXISTS ops.edit (
    delivery_id INTEGER NOT NULL,
    bronbestand VARCHAR NOT NULL,
    tabblad     VARCHAR,
    rij         INTEGER,           -- NULL for an edit on the whole delivery (S codes)
    veld        VARCHAR,
    code        VARCHAR NOT NULL,
    severity    VARCHAR NOT NULL,
    waarde      VARCHAR,
    bericht     VARCHAR NOT NULL
);

CREATE OR REPLACE VIEW ops.reject AS SELECT * FROM ops.edit WHERE severity = 'error';
CREATE OR REPLACE VIEW ops.warning AS SELECT * FROM ops.edit WHERE severity = 'warning';

-- The quality score of a delivery, fixed when it was processed (pipeline/employers/quality.py).
CREATE TABLE IF NOT EXISTS ops.delivery_kwaliteit (
    delivery_id      INTEGER PRIMARY KEY,
    aandeel_foutloos DOUBLE NOT NULL,   -- rows without an error / rows received
    aandeel_bekend   DOUBLE NOT NULL,   -- key-field values filled and not "onbekend"
    tijdigheid       DOUBLE NOT NULL,   -- 1 on time, falling to 0 at 60 days late
    dagen_te_laat    INTEGER NOT NULL,
    kwaliteitsscore  INTEGER NOT NULL   -- 0-100: 50% foutloos, 25% bekend, 25% tijdig
);

-- Reference tables the marts need; the nightly run replaces them with the current data.
CREATE TABLE IF NOT EXISTS ref.periode (
    periode VARCHAR, jaar INTEGER, kwartaal INTEGER, begindatum DATE, einddatum DATE,
    uiterste_leverdatum DATE, verwacht BOOLEAN
);
CREATE TABLE IF NOT EXISTS ref.levert_voor (
    leverancier VARCHAR, organisatiecode VARCHAR, vanaf VARCHAR, tot VARCHAR, toelichting VARCHAR
);

CREATE TABLE IF NOT EXISTS ops.dq_result (
    delivery_id INTEGER NOT NULL,
    code        VARCHAR NOT NULL,
    kolom       VARCHAR,
    expectation VARCHAR NOT NULL,
    success     BOOLEAN,          -- NULL: skipped (not enough rows or history)
    observed    VARCHAR,
    threshold   VARCHAR,
    bericht     VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS core.incident (
    delivery_id               INTEGER NOT NULL,
    periode                   VARCHAR NOT NULL,
    organisatiecode           VARCHAR NOT NULL,
    organisatiecode_bron      VARCHAR NOT NULL,
    beroepsgroep              VARCHAR NOT NULL,
    bron_incidentnummer       VARCHAR NOT NULL,
    incidentdatum             DATE NOT NULL,
    incidenttijd              TIME,
    registratiedatum          DATE,
    gemeentecode_locatie      VARCHAR,
    gemeentecode_locatie_bron VARCHAR,
    gedragstypen              VARCHAR[] NOT NULL,
    zwaarste_gedragstype      VARCHAR NOT NULL,
    kanaal                    VARCHAR,
    context                   VARCHAR,
    wapen                     VARCHAR,
    aantal_daders             INTEGER,
    letsel                    VARCHAR,
    verzuim_dagen             INTEGER,
    materiele_schade          VARCHAR,
    aangifte                  VARCHAR,
    vpt_markering             VARCHAR,
    nazorg_aangeboden         VARCHAR,
    medewerker_pseudoniem     VARCHAR,
    bronbestand               VARCHAR NOT NULL,
    tabblad                   VARCHAR,
    rij                       INTEGER NOT NULL
);

-- One row per incident and gedragstype: count by behaviour without unnesting tricks.
CREATE OR REPLACE VIEW core.incident_gedragstype AS
SELECT delivery_id, periode, organisatiecode, beroepsgroep, bron_incidentnummer, incidentdatum,
       gemeentecode_locatie, unnest(gedragstypen) AS gedragstype
FROM core.incident;

-- Per API source, how far it has been pulled: moved in the same transaction as the data it covers.
CREATE TABLE IF NOT EXISTS ops.api_cursor (
    source_id  VARCHAR PRIMARY KEY,
    cursor     VARCHAR,
    updated_at TIMESTAMPTZ NOT NULL
);
