"""The process of Prefect's temporary server (`flows.temporary_server` starts it): uvicorn serving
Prefect's server application with the options `python -m uvicorn` takes for it, with the
server's modules imported first and unscanned by the garbage collector
(`pipeline.gc_pause.imports_unscanned`), and a server that stops as soon as it is asked to
(`PromptServer`), whose requests build only the included routers that may have their route
(`flows.server_routes`). Unlike `python -m uvicorn` there, it is started with `-P` (no module
of the working folder) and with this project first on PYTHONPATH
(`flows.temporary_server.server_environment`).

Importing `prefect.server.api.server` makes ~0.45 M objects the server keeps while it lives
(FastAPI's routes, the database models, pydantic's schemas), and the collector scanned them
again and again while they piled up. The start is on the way of every `monitor run` with a
temporary server: the flow may start only once the server answers. Measured on these machines
(`python -m uvicorn` against this, alternating, five starts each, CPU time of the server's
process until it answered its health check): median 3.2 s against 2.6 s.

    python -m flows.server_process APP --factory --app-dir DIR --host HOST --port PORT
                                   --log-level LEVEL --lifespan on|off|auto
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import socket
import sys
from collections.abc import Collection
from types import FrameType

import uvicorn
from uvicorn.config import STARTUP_FAILURE  # 3: the run moves to another port on it

from pipeline.frame_room import with_room
from pipeline.gc_pause import imports_unscanned

log = logging.getLogger("uvicorn.error")
TICK_SECONDS = 0.1  # uvicorn's: its date header and limits are looked at on every tick
CLOSE_GRACE_SECONDS = 0.1  # uvicorn's: what connections asked to close get before it waits


class PromptServer(uvicorn.Server):
    """uvicorn's server, stopping as soon as it is asked to.

    uvicorn notices a stop request (SIGTERM, as the run stops its server) on its next tick, up to
    0.1 s later, and then gives the connections it asked to close 0.1 s, even when none is open:
    ~0.15 s at the end of every run, in which the run waits for the server and does nothing else.
    Here a stop request ends the tick's wait at once, and the connections are given until they
    have closed, `CLOSE_GRACE_SECONDS` at most; then, as in uvicorn, the server waits for
    responses still being sent (up to its graceful timeout) and for the application's shutdown
    (Prefect's services flush what they hold)."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._asked = asyncio.Event()

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        """uvicorn's, and the tick's wait ends now (safe from a signal handler; nothing to end
        before the loop of ticks has begun or once its event loop is closed)."""
        super().handle_exit(sig, frame)
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._asked.set)

    async def main_loop(self) -> None:
        """uvicorn's loop of ticks, each ended early by a stop request."""
        self._loop = asyncio.get_running_loop()
        counter = 0
        should_exit = await self.on_tick(counter)
        while not should_exit:
            counter = (counter + 1) % 864_000
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._asked.wait(), TICK_SECONDS)
            should_exit = await self.on_tick(counter)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        """uvicorn's shutdown, but for its fixed pause: no new connections, the open ones asked
        to close and given until they have (`CLOSE_GRACE_SECONDS` at most), responses still
        being sent waited for (up to the graceful timeout, then cancelled), the application's
        shutdown."""
        log.info("Shutting down")
        for server in self.servers:
            server.close()
        for sock in sockets or []:
            sock.close()
        for connection in list(self.server_state.connections):
            connection.shutdown()
        await _until_closed(self.server_state.connections, CLOSE_GRACE_SECONDS)
        try:
            async with asyncio.timeout(self.config.timeout_graceful_shutdown):
                await self._wait_tasks_to_complete()
        except TimeoutError:
            log.error("Cancel %s running task(s), timeout graceful shutdown exceeded",
                      len(self.server_state.tasks))  # fmt: skip
            for task in self.server_state.tasks:
                task.cancel(msg="Task cancelled, timeout graceful shutdown exceeded")
        if not self.force_exit:
            await self.lifespan.shutdown()


async def _until_closed(connections: Collection[object], seconds: float) -> None:
    """Until `connections` is empty (each removes itself once closed), `seconds` at most."""
    deadline = asyncio.get_running_loop().time() + seconds
    while connections and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.005)


def parse_options(arguments: list[str]) -> argparse.Namespace:
    """The options of uvicorn's command line the temporary server is started with."""
    parser = argparse.ArgumentParser(prog="flows.server_process")
    parser.add_argument("app")
    parser.add_argument("--factory", action="store_true")
    parser.add_argument("--app-dir")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--log-level", default="info")
    parser.add_argument("--lifespan", choices=("auto", "on", "off"), default="auto")
    return parser.parse_args(arguments)


def main(arguments: list[str]) -> None:
    """Import Prefect's server, then serve the application as uvicorn's command line would with
    these options; exits with uvicorn's exit code 3 when the server could not start (as when its
    port was taken)."""
    options = parse_options(arguments)
    with imports_unscanned():
        import prefect.server.api.server  # noqa: F401  # the factory finds it imported; frozen

        from flows.server_routes import skip_unreachable_routers
    if options.app_dir is not None:
        sys.path.insert(0, options.app_dir)  # as uvicorn's --app-dir
    config = uvicorn.Config(options.app, factory=options.factory, host=options.host,
                            port=options.port, log_level=options.log_level,
                            lifespan=options.lifespan)  # fmt: skip
    skip_unreachable_routers()  # a request builds only the routers that may have its route
    server = PromptServer(config)
    server.run()
    if not server.started:
        sys.exit(STARTUP_FAILURE)


if __name__ == "__main__":
    with_room(main, sys.argv[1:])  # its imports and its requests: room on the frame stack
