"""An ASGI application that answers every request with what its process's garbage collector
holds (tests/flows/test_server_process.py starts it as the temporary server's command would)."""

from __future__ import annotations

import gc
import json
import sys
from collections.abc import Awaitable, Callable
from typing import Any


def create() -> Callable[..., Awaitable[None]]:
    """uvicorn's --factory: the application."""
    return _app


async def _app(scope: dict[str, Any], receive: Callable[..., Awaitable[dict[str, Any]]],
               send: Callable[[dict[str, Any]], Awaitable[None]]) -> None:  # fmt: skip
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    body = json.dumps({"frozen": gc.get_freeze_count(), "collecting": gc.isenabled(),
                       "oldest_collections": gc.get_stats()[2]["collections"],
                       "prefect_server": "prefect.server.api.server" in sys.modules}).encode()  # fmt: skip
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json")]})  # fmt: skip
    await send({"type": "http.response.body", "body": body})
