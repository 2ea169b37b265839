"""The last module the delivery workers' fork server imports (`isolation._PRELOAD`).

It moves everything imported so far (pandas, GX, the processing core: ~0.5 M objects) out of
the garbage collector's sight (`gc.freeze`). Every worker forks from this server, so a worker's
collections scan what the worker itself makes, not those objects again (~9% of a worker's time;
unpickling a list of deliveries is where it shows most). It also keeps their pages shared with
the fork server: a collection writes to every object it scans.
"""

from __future__ import annotations

import gc

gc.freeze()
