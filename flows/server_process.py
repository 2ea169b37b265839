"""The process of Prefect's temporary server (`flows.temporary_server` starts it): uvicorn serving
Prefect's server application, as `python -m uvicorn` with the same options would, with the
server's modules imported first and unscanned by the garbage collector
(`pipeline.gc_pause.imports_unscanned`). Unlike `python -m uvicorn` there, it is started with
`-P` (no module of the working folder) and with this project first on PYTHONPATH
(`flows.temporary_server.server_environment`).

Importing `prefect.server.api.server` makes ~0.45 M objects the server keeps while it lives
(FastAPI's routes, the database models, pydantic's schemas), and the collector scanned them
again and again while they piled up. The start is on the way of every `monitor run` with a
temporary server: the flow may start only once the server answers. Measured on these machines
(`python -m uvicorn` against this, alternating, five starts each, CPU time of the server's
process until it answered its health check): median 3.2 s against 2.6 s.

    python -m flows.server_process <uvicorn's options>
"""

from __future__ import annotations

import sys

from pipeline.gc_pause import imports_unscanned


def main(arguments: list[str]) -> None:
    """Import Prefect's server, then run uvicorn's command line with `arguments` (it exits with
    uvicorn's exit code: 3 when the server could not start, as when its port was taken)."""
    with imports_unscanned():
        import prefect.server.api.server  # noqa: F401  # uvicorn's --factory finds it imported
        from uvicorn.main import main as uvicorn_main
    uvicorn_main(args=arguments, prog_name="uvicorn")


if __name__ == "__main__":
    main(sys.argv[1:])
