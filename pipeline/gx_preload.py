"""Importing this module imports Great Expectations (`pipeline.gx_import`): the workers' fork
server imports it (`pipeline.night.fork_server.PRELOAD`), so every worker starts with GX."""

from __future__ import annotations

from pipeline.gx_import import import_great_expectations

import_great_expectations()
