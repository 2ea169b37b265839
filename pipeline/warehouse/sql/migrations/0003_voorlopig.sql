-- Migration 3 (issue 9): a delivery for the running quarter is voorlopig. Idempotent: see 0001.
ALTER TABLE ops.delivery ADD COLUMN IF NOT EXISTS voorlopig BOOLEAN DEFAULT false;
