"""The DuckDB warehouse: its SQL (schemas, migrations, marts), the one load path and the ledger."""
