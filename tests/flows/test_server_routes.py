"""Prefect's temporary server skips the included routers a request's path cannot reach
(`flows.server_routes`): requests are answered as before, and the routers before the one with
the route are not built."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest
from fastapi import APIRouter, FastAPI, WebSocket
from fastapi.routing import APIRoute, _IncludedRouter
from starlette.routing import Match
from starlette.types import Receive, Scope, Send

from flows import server_routes

with warnings.catch_warnings():  # Starlette's test client asks for httpx2; Prefect brings httpx
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient
from flows.server_routes import literal_prefixes, skip_unreachable_routers


@pytest.fixture
def skipping(monkeypatch: pytest.MonkeyPatch) -> None:
    """The skip installed for one test: FastAPI's own matching restored after it."""
    monkeypatch.setattr(_IncludedRouter, "_match", _IncludedRouter._match)
    assert skip_unreachable_routers()


class Anywhere(APIRoute):
    """A route of its own kind: matches every path under /api/elders (its own path says /z)."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["path"].startswith("/api/elders"):
            return Match.FULL, {"route": self, "endpoint": self.endpoint, "path_params": {}}
        return Match.NONE, {}


async def _mounted(scope: Scope, receive: Receive, send: Send) -> None:
    """A mounted application: answers with the path it was given."""
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": f"mounted: {scope['path']}".encode()})


def _app() -> FastAPI:
    first, second = APIRouter(prefix="/a"), APIRouter(prefix="/b")
    outer, inner = APIRouter(prefix="/c"), APIRouter(prefix="/d")
    odd = APIRouter(prefix="/odd")

    @first.get("/items/{item_id}")
    def item(item_id: int) -> dict[str, int]:
        return {"item": item_id}

    @first.post("/things")
    def add() -> dict[str, str]:
        return {"added": "yes"}

    @second.get("/x")
    def x() -> dict[str, str]:
        return {"x": "yes"}

    @second.websocket("/ws")
    async def ws(websocket: WebSocket) -> None:
        await websocket.accept()
        await websocket.send_text("hallo")
        await websocket.close()

    @inner.get("/y")
    def y() -> dict[str, str]:
        return {"y": "yes"}

    second.mount("/files", _mounted)
    odd.routes.append(Anywhere("/z", lambda: {"anywhere": "yes"}))
    outer.include_router(inner)
    app = FastAPI()
    for router in (first, second, outer, odd):
        app.include_router(router, prefix="/api")
    return app


def _inclusions(app: FastAPI) -> dict[str, Any]:
    return {
        r.original_router.prefix: r for r in app.router.routes if isinstance(r, _IncludedRouter)
    }


@pytest.mark.usefixtures("skipping")
def test_requests_are_answered_as_by_fastapi() -> None:
    client = TestClient(_app())
    assert client.get("/api/a/items/3").json() == {"item": 3}
    assert client.post("/api/a/things").json() == {"added": "yes"}
    assert client.get("/api/a/things").status_code == 405  # a path of /a, another method
    assert client.get("/api/files/report.txt").text.startswith("mounted: ")  # no /b: as mounted
    assert client.get("/api/b/x").json() == {"x": "yes"}
    with client.websocket_connect("/api/b/ws") as websocket:
        assert websocket.receive_text() == "hallo"
    assert client.get("/api/c/d/y").json() == {"y": "yes"}  # a router included in one
    assert client.get("/api/b/x/", follow_redirects=False).status_code == 307  # to /api/b/x
    assert client.get("/api/elders/1").json() == {"anywhere": "yes"}  # a route of its own kind
    assert client.get("/api/nothing").status_code == 404
    assert client.get("/api/a").status_code == 404


@pytest.mark.usefixtures("skipping")
def test_the_routers_before_the_route_are_not_built() -> None:
    app = _app()
    client = TestClient(app)
    assert client.get("/api/c/d/y").json() == {"y": "yes"}
    inclusions = _inclusions(app)
    assert inclusions["/a"]._effective_candidates_version is None
    assert inclusions["/b"]._effective_candidates_version is None
    assert inclusions["/c"]._effective_candidates_version is not None  # it has the route
    assert client.get("/api/b/x").json() == {"x": "yes"}
    assert inclusions["/a"]._effective_candidates_version is None


def test_fastapi_builds_them_all_without_it() -> None:
    """What the skip saves, and that the test above can tell (FastAPI's own matching)."""
    app = _app()
    assert TestClient(app).get("/api/c/d/y").json() == {"y": "yes"}
    assert _inclusions(app)["/a"]._effective_candidates_version is not None


def test_prefixes_up_to_the_first_parameter_and_none_for_a_route_of_its_own() -> None:
    inclusions = _inclusions(_app())
    assert literal_prefixes(inclusions["/a"]) == ("/api/a/items/", "/api/a/things")
    assert literal_prefixes(inclusions["/b"]) == ("/api/b/x", "/api/b/ws", "/api/files/")
    assert literal_prefixes(inclusions["/c"]) == ("/api/c/d/y",)
    assert literal_prefixes(inclusions["/odd"]) is None


@pytest.mark.usefixtures("skipping")
def test_installed_once() -> None:
    wrapped = _IncludedRouter._match
    assert skip_unreachable_routers()
    assert _IncludedRouter._match is wrapped


@pytest.mark.parametrize("missing", ["_INCLUDED", "_ROUTE_PATH"])  # FastAPI's, Starlette's
def test_another_fastapi_or_starlette_is_left_alone(
    monkeypatch: pytest.MonkeyPatch, missing: str
) -> None:
    monkeypatch.setattr(server_routes, missing, None)
    original = _IncludedRouter._match
    assert not skip_unreachable_routers()
    assert _IncludedRouter._match is original


_PREFECTS_API = """
import json
from fastapi.routing import _IncludedRouter
from prefect.server.api.server import create_app
from flows.server_routes import literal_prefixes

app = create_app(ephemeral=True)
api = next(route.app for route in app.router.routes if getattr(route, "path", "") == "/api")
inclusions = [r for r in api.router.routes if isinstance(r, _IncludedRouter)]
print(json.dumps({r.original_router.prefix: literal_prefixes(r) for r in inclusions}))
"""


def test_every_router_of_prefects_api_can_be_skipped(tmp_path: Path) -> None:
    """Prefect's server as the night's temporary server serves it (in a process of its own, as
    there): each of its included routers has routes whose paths the skip can read (a Prefect that
    adds another kind shows here)."""
    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(tmp_path / "prefect"), PYTHONPATH=str(root))
    done = subprocess.run([sys.executable, "-c", _PREFECTS_API], cwd=root, env=env, text=True,
                          capture_output=True, timeout=300, check=True)  # fmt: skip
    prefixes = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(prefixes) > 20
    assert all(found for found in prefixes.values()), prefixes
    assert "/flow_runs/" in prefixes["/flow_runs"]
