"""Flows: the Prefect wiring and the CLI. Prefect settings are fixed here, before prefect loads."""

from __future__ import annotations

import os

# Read by prefect at import time; a real environment (or CI) still wins.
PREFECT_DEFAULTS = {
    "PREFECT_SERVER_EPHEMERAL_ENABLED": "true",  # temporary local server when no PREFECT_API_URL
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",  # no server telemetry
    "DO_NOT_TRACK": "1",  # no client-side SDK analytics
    "PREFECT_LOGGING_LEVEL": "WARNING",  # no per-task chatter on the console ...
    "PREFECT_LOGGING_LOGGERS_PREFECT_FLOW_RUNS_LEVEL": "INFO",  # ... but the flow's own lines
    # the temporary server records task runs one by one by default: batch them
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE": "200",
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_FLUSH_INTERVAL": "1",
}
for _key, _value in PREFECT_DEFAULTS.items():
    os.environ.setdefault(_key, _value)
