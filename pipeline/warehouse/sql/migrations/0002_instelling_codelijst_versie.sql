-- Migration 2 (issue 5): indicator settings (the coverage floor) and the code-list version a
-- delivery was read with (series breaks). Idempotent: see 0001.
CREATE TABLE IF NOT EXISTS ref.instelling (naam VARCHAR, waarde DOUBLE);
ALTER TABLE ops.delivery ADD COLUMN IF NOT EXISTS codelijst_versie INTEGER;
