"""The `monitor` command's entry point. `monitor run` starts Prefect's temporary server before
anything else is imported: the server takes ~4 s of one core before the flow may start, and the
command line's own imports (Typer, Rich: ~0.15 s) would come first."""

from __future__ import annotations

import sys


def main() -> None:
    """Start the temporary server for `monitor run` (`flows.temporary_server`), then the CLI,
    with room on the frame stack (`pipeline.frame_room`: its imports and the night go deep and
    up again all along; ~13 ms to make, after the server's start). A run ends its process
    without the interpreter freeing its objects one by one (`flows.process_end`)."""
    run = sys.argv[1:2] == ["run"] and "--help" not in sys.argv[2:]
    if run:
        from flows.temporary_server import start_before_prefect_loads

        start_before_prefect_loads()
    from pipeline.frame_room import with_room

    if not run:
        with_room(_cli)
        return
    from flows.process_end import end_process

    try:
        with_room(_cli)
    except SystemExit as exit_:
        end_process(exit_.code)
    end_process(0)


def _cli() -> None:
    from flows.cli import app

    app()
