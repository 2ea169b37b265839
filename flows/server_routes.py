"""Routing in Prefect's temporary server without building the routes a request cannot reach.

FastAPI 0.150 builds an included router's routes lazily: the first request that looks into an
included router builds every route of it for that inclusion (its dependencies, its response
model's validator and serializer), and a request looks into every included router before the
one that has its route. Prefect's API includes 31 routers (191 routes) in a fixed order; a
night's first requests (its client asks `/admin/version`, the last of them) built 184 routes in
the temporary server (0.23 s of its CPU, measured in a night), while the night uses 8 routers
(60 routes, 0.11 s, with this module). The run waits for those first answers (the flow's start,
its artifacts, the drain at its end): the server's CPU then is time of the night.

`skip_unreachable_routers` lets an included router answer "no match" at once when the request's
path cannot start like any of its routes' paths (their text up to the first path parameter):
none of its routes could match, so it need not build them. Any other request is matched by
FastAPI's own code, unchanged. A router with a route whose path this cannot read (a host route,
a static front end, a kind of route FastAPI adds later) is always matched by FastAPI. Only in the
temporary server's process (`flows.server_process`); where FastAPI's included routers or
Starlette's route paths are not what this module knows (another release), nothing is changed.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
from collections.abc import Callable
from types import ModuleType
from typing import Any

import fastapi.routing
from fastapi.routing import APIRoute, APIWebSocketRoute
from starlette.routing import Match, Mount, Route, WebSocketRoute

_INCLUDED = getattr(fastapi.routing, "_IncludedRouter", None)  # FastAPI's (0.150) included router


def _module(name: str) -> ModuleType | None:
    """A module, None where it is not (a private module of a later release)."""
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


_ROUTE_PATH = getattr(_module("starlette._utils"), "get_route_path", None)  # the path matched
_PREFIXES = "_monitor_literal_prefixes"  # (routes version, prefixes or None), per inclusion
# the `matches` of FastAPI's and Starlette's routes that match a request on the route's whole
# path (a subclass that keeps one of them, as Prefect's routes do, is matched so too)
_WHOLE_PATH_MATCHES = frozenset(
    {Route.matches, WebSocketRoute.matches, APIRoute.matches, APIWebSocketRoute.matches}
)


def skip_unreachable_routers() -> bool:
    """Let FastAPI's included routers skip requests no route of theirs can match; whether it
    is done (False: FastAPI's routing is not the one this module knows, and is left alone)."""
    if _INCLUDED is None or _ROUTE_PATH is None or not _known(_INCLUDED):
        return False
    if not getattr(_INCLUDED._match, "skips_unreachable", False):
        _INCLUDED._match = _skipping(_INCLUDED._match, _ROUTE_PATH)
    return True


def _known(included: type) -> bool:
    """Whether FastAPI's included router has what this module uses (methods, and dataclass
    fields its instances have)."""
    fields = getattr(included, "__dataclass_fields__", {})
    names = ("_match", "matches", "effective_candidates", "original_router", "include_context")
    return all(hasattr(included, name) or name in fields for name in names)


def _skipping(match: Callable[..., Any], route_path: Callable[[Any], str]) -> Callable[..., Any]:
    @functools.wraps(match)
    def skipping_match(self: Any, scope: Any) -> Any:
        prefixes = literal_prefixes(self)
        if prefixes is not None and not route_path(scope).startswith(prefixes):
            return Match.NONE, {}, None, None
        return match(self, scope)

    skipping_match.skips_unreachable = True  # type: ignore[attr-defined]
    return skipping_match


def literal_prefixes(included: Any) -> tuple[str, ...] | None:
    """How every path one of this inclusion's routes matches begins (its text up to the first
    path parameter), kept until the router's routes change; None when a route is of a kind
    whose paths this cannot tell."""
    version = included.original_router._get_routes_version()
    kept = getattr(included, "__dict__", {}).get(_PREFIXES)
    if kept is not None and kept[0] == version:
        return kept[1]
    prefixes = _prefixes(included.original_router.routes, included.include_context.prefix)
    with contextlib.suppress(AttributeError):  # kept where the inclusion can keep it
        vars(included)[_PREFIXES] = (version, prefixes)
    return prefixes


def _prefixes(routes: list[Any], prefix: str) -> tuple[str, ...] | None:
    found: list[str] = []
    for route in routes:
        included = _INCLUDED is not None and isinstance(route, _INCLUDED)
        if included:  # a router included in the included one: its prefix added
            inner = _prefixes(route.original_router.routes, prefix + route.include_context.prefix)
            if inner is None:
                return None
            found += inner
        elif type(route).matches is Mount.matches:  # matches its path followed by "/"
            found.append(_literal(prefix + route.path.rstrip("/") + "/"))
        elif type(route).matches in _WHOLE_PATH_MATCHES:  # matched on its whole path
            found.append(_literal(prefix + route.path))
        else:  # a host, a front end, a route matching its own way
            return None
    return tuple(found)


def _literal(path: str) -> str:
    """The text of a route's path up to its first parameter (`{name}` or `{name:type}`)."""
    return path.partition("{")[0]
