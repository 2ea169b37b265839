"""Importing this module pauses the cyclic garbage collector until the process freezes its imports
(`pipeline.gc_pause.pause_until_frozen`): the first module of the workers' fork server's preload
(`pipeline.night.fork_server.PRELOAD`); its last, `pipeline.warm`, freezes what the preload
imported and turns collection back on. Measured in a new interpreter (CPU of one core): pandas and
the processing core 0.8 → 0.6–0.8 s; GX's import pauses the collector itself (1.4 → 1.0 s)."""

from __future__ import annotations

from pipeline.gc_pause import pause_until_frozen

pause_until_frozen()
