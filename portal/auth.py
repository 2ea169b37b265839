"""Tokens, sessions, CSRF and rate limits of the portal.

A token is 32 random bytes (URL-safe text) shown once; only its SHA-256 is stored. The browser
exchanges it for a session cookie (HttpOnly, SameSite=Strict, Secure behind TLS) whose id is
stored hashed too; each session carries a CSRF token that every form must send back.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass

from portal.state import PortalState, Principal
from schemas.fields import ORGANISATIECODE_PATTERN

TOKEN_PREFIX = "mon_"
SESSION_HOURS = 8
SESSION_COOKIE = "monitor_sessie"
ADMIN_CODE = "BEHEER"  # the organisation of an admin token made without --org


class PortalAuthError(ValueError):
    """A token or organisation code that the portal cannot accept."""


def digest(secret: str) -> str:
    """The stored form of a token or session id."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(
    state: PortalState, organisatiecode: str, days: int = 365, beheer: bool = False
) -> tuple[int, str]:
    """A new token for an organisation (or an admin token); returns (id, the secret once)."""
    code = organisatiecode.strip().upper()
    if not (beheer and code == ADMIN_CODE) and not re.match(ORGANISATIECODE_PATTERN, code):
        raise PortalAuthError(
            f"organisatiecode {organisatiecode!r} heeft niet de vorm GM0363, VR13 of POL"
        )
    if days < 1:
        raise PortalAuthError(f"--dagen moet 1 of meer zijn, niet {days}")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token_id = state.add_token(digest(secret), code, beheer, days)
    return token_id, secret


def principal_for_token(state: PortalState, secret: str) -> Principal | None:
    """The organisation behind a valid token; None for an unknown, revoked or expired one."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    return state.principal_for_hash(digest(secret))


@dataclass(frozen=True)
class Session:
    """A logged-in browser: who, and the CSRF token its forms must carry."""

    principal: Principal
    csrf: str


def start_session(state: PortalState, principal: Principal) -> tuple[str, Session]:
    """A new session; returns the cookie value (shown to the browser only) and the session."""
    cookie, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    state.add_session(digest(cookie), principal.token_id, csrf, SESSION_HOURS)
    return cookie, Session(principal, csrf)


def session_for_cookie(state: PortalState, cookie: str | None) -> Session | None:
    """The live session of a cookie, None when there is none (or its token was revoked)."""
    if not cookie or len(cookie) > 200:
        return None
    found = state.session(digest(cookie))
    return Session(*found) if found else None


def csrf_ok(session: Session, sent: str | None) -> bool:
    """True when a form sent back its session's CSRF token (compared in constant time)."""
    return bool(sent) and hmac.compare_digest(session.csrf.encode(), str(sent).encode())


class RateLimiter:
    """At most `limit` requests per key in any 60-second window (in memory, per process)."""

    def __init__(self, limit: int, window: float = 60.0) -> None:
        """Set the limit per window."""
        self.limit, self.window = limit, window
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        """Count one request for `key`; False when it is over the limit."""
        moment = time.monotonic()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= moment - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return False
            hits.append(moment)
            return True
