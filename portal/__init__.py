"""The employers portal: deliver, self-check and follow up in the browser, and an API."""
