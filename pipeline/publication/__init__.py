"""What the public and analysts get: disclosure control, the report, its downloads, the dictionary."""
