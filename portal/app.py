"""The FastAPI application of the employers' portal: one factory that wires pages, API and guards.

Guards for every request: security headers (a CSP without inline scripts, no framing, nosniff,
no referrer), and a body limit that answers 413 from the Content-Length before anything is read,
or as soon as a body without one passes the limit while it streams in.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pipeline.settings import Settings
from portal.service import Portal

log = logging.getLogger(__name__)
STATIC_DIR = Path(__file__).parent / "static"
FORM_OVERHEAD = 64 * 1024  # multipart boundaries and the other form fields
SECURITY_HEADERS = [
    (b"content-security-policy", b"default-src 'none'; style-src 'self'; img-src 'self'; "
     b"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
    (b"cross-origin-opener-policy", b"same-origin"),
]  # fmt: skip
DOCS_CSP = (b"default-src 'none'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
            b"style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; img-src 'self' data: "
            b"https://fastapi.tiangolo.com; connect-src 'self'; frame-ancestors 'none'")  # fmt: skip


class BodyTooLargeError(Exception):
    """The request body passed the limit while it was streaming in."""


class GuardMiddleware:
    """Security headers on every response; 413 for a request body over the limit."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        """Wrap the application."""
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Guard one request."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length", b"")
        if length.isdigit() and int(length) > self.limit:
            await self._too_large(send, scope)
            return
        state = {"started": False, "seen": 0, "over": False, "replaced": False}
        docs = scope["path"] in ("/docs", "/redoc")

        async def counted() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                state["seen"] += len(message.get("body", b""))
                if state["seen"] > self.limit:
                    state["over"] = True  # the framework may turn this into a 400: we answer 413
                    raise BodyTooLargeError
            return message

        async def guarded_send(message: Message) -> None:
            if state["replaced"]:
                return
            if message["type"] == "http.response.start":
                if state["over"]:
                    state["replaced"] = True
                    await self._too_large(send, scope)
                    return
                state["started"] = True
                extra = [(k, DOCS_CSP if docs and k == b"content-security-policy" else v)
                         for k, v in SECURITY_HEADERS]  # fmt: skip
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        try:
            await self.app(scope, counted, guarded_send)
        except BodyTooLargeError:
            if not state["started"] and not state["replaced"]:
                await self._too_large(send, scope)

    async def _too_large(self, send: Send, scope: Scope) -> None:
        """Answer 413 in Dutch (JSON for the API, text for pages)."""
        api = scope["path"].startswith("/api/")
        body = (
            b'{"detail":"Bestand te groot: de grens is '
            if api
            else b"Bestand te groot: de grens is "
        )
        body += f"{self.limit // 2**20} MB".encode() + (b'."}' if api else b".")
        kind = b"application/json" if api else b"text/plain; charset=utf-8"
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", kind), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close"), *SECURITY_HEADERS]})  # fmt: skip
        await send({"type": "http.response.body", "body": body})


def create_app(settings: Settings) -> FastAPI:
    """The portal for these settings: pages, API (/api/v1, docs at /docs) and static files."""
    from portal import api, pages

    app = FastAPI(title="Portaal landelijke monitor agressie en geweld",
                  description="Aanleveren, zelf controleren en volgen. Gebruik een Bearer-token "
                  "per organisatie (`monitor portal token`).", version="1",
                  redoc_url=None)  # fmt: skip
    portal = Portal(settings)
    app.state.portal = portal
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    pages.install_error_pages(app)
    app.add_middleware(GuardMiddleware, limit=settings.portal_max_upload_bytes + FORM_OVERHEAD)
    return app


def serve(settings: Settings, host: str, port: int, **options: Any) -> None:
    """Run the portal on uvicorn until stopped."""
    import uvicorn

    uvicorn.run(create_app(settings), host=host, port=port, proxy_headers=True,
                forwarded_allow_ips="127.0.0.1", server_header=False, **options)  # fmt: skip


def app_from_env() -> FastAPI:
    """The portal for the settings in the environment (`uvicorn portal.app:app_from_env --factory`)."""
    from pipeline.settings import load_settings

    return create_app(load_settings())
