"""Importing this module pauses the cyclic garbage collector until the process freezes its imports
(`pipeline.gc_pause.pause_until_frozen`): the first module of the workers' fork server's preload
(`pipeline.night.fork_server.PRELOAD`); its last, `pipeline.warm`, freezes what the preload
imported and turns collection back on. The preload's imports (pandas, GX, the processing core)
then take about a fifth less CPU (`pipeline.gc_pause`)."""

from __future__ import annotations

from pipeline.gc_pause import pause_until_frozen

pause_until_frozen()
