"""Importing this module freezes the importing process's objects
(`pipeline.gc_pause.freeze_imports`): it is the last module the delivery workers' fork server
imports (`pipeline.night.fork_server.PRELOAD`), so every worker forks with its imports frozen."""

from __future__ import annotations

from pipeline.gc_pause import freeze_imports

freeze_imports()
