"""The portal's own small state: tokens, sessions and receipts (SQLite), and the audit log.

Only hashes of tokens and session ids are stored. The audit log is JSON lines, opened for
appending only. Nothing here holds incident data: that stays in the inbox.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS token (
    token_id    INTEGER PRIMARY KEY,
    hash        TEXT NOT NULL UNIQUE,
    organisatiecode TEXT NOT NULL,
    beheer      INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    revoked_at  TEXT
);
CREATE TABLE IF NOT EXISTS session (
    hash        TEXT PRIMARY KEY,
    token_id    INTEGER NOT NULL REFERENCES token(token_id),
    csrf        TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS receipt (
    receipt_id  INTEGER PRIMARY KEY,
    organisatiecode TEXT NOT NULL,
    token_id    INTEGER NOT NULL,
    soort       TEXT NOT NULL CHECK (soort IN ('levering', 'nulmelding')),
    bestandsnaam TEXT NOT NULL,
    opgeslagen_als TEXT NOT NULL UNIQUE,
    sha256      TEXT NOT NULL,
    size_bytes  INTEGER NOT NULL,
    periode     TEXT,
    ontvangen_op TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS pending (
    pending_id  TEXT PRIMARY KEY,
    organisatiecode TEXT NOT NULL,
    bestandsnaam TEXT NOT NULL,
    suffix      TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    size_bytes  INTEGER NOT NULL,
    periode     TEXT,
    readable    INTEGER NOT NULL,
    created_at  TEXT NOT NULL
);
"""


def now() -> dt.datetime:
    """The current time in UTC, to the second."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


@dataclass(frozen=True)
class Principal:
    """Who is asking: a token of one organisation, or an admin token (beheer)."""

    token_id: int
    organisatiecode: str
    beheer: bool


@dataclass(frozen=True)
class Receipt:
    """The receipt of a delivery or nil return made through the portal."""

    receipt_id: int
    organisatiecode: str
    soort: str
    bestandsnaam: str  # the name the employer gave the file (shown escaped, never used as a path)
    opgeslagen_als: str  # the safe generated name in inbox/<organisatiecode>/
    sha256: str
    size_bytes: int
    periode: str | None
    ontvangen_op: str

    def as_dict(self) -> dict[str, Any]:
        """The receipt as the API returns it."""
        return {"ontvangstbewijs": self.receipt_id, "organisatiecode": self.organisatiecode,
                "soort": self.soort, "bestandsnaam": self.bestandsnaam,
                "opgeslagen_als": self.opgeslagen_als, "sha256": self.sha256,
                "grootte_bytes": self.size_bytes, "periode": self.periode,
                "ontvangen_op": self.ontvangen_op}  # fmt: skip


class PortalState:
    """The portal's SQLite database and audit log under one directory."""

    def __init__(self, directory: Path) -> None:
        """Create the directory and the tables when they do not exist."""
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self.db_path = directory / "portaal.sqlite"
        self.audit_path = directory / "audit.jsonl"
        with self.connect() as con:
            con.execute("PRAGMA journal_mode=WAL")
            con.executescript(SCHEMA)

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        """One connection per use (threads never share one); commits on success."""
        con = sqlite3.connect(self.db_path, timeout=30)
        con.row_factory = sqlite3.Row
        try:
            with con:
                yield con
        finally:
            con.close()

    # tokens -------------------------------------------------------------------------------
    def add_token(self, digest: str, organisatiecode: str, beheer: bool, days: int) -> int:
        """Store a token's hash; returns its id."""
        created = now()
        expires = created + dt.timedelta(days=days)
        with self.connect() as con:
            cursor = con.execute(
                "INSERT INTO token (hash, organisatiecode, beheer, created_at, expires_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (digest, organisatiecode, int(beheer), created.isoformat(), expires.isoformat()),
            )
            return int(cursor.lastrowid or 0)

    def revoke_token(self, token_id: int) -> bool:
        """Revoke a token and end its sessions; False when there is no such token."""
        with self.connect() as con:
            done = con.execute(
                "UPDATE token SET revoked_at = ? WHERE token_id = ? AND revoked_at IS NULL",
                (now().isoformat(), token_id),
            ).rowcount
            con.execute("DELETE FROM session WHERE token_id = ?", (token_id,))
        return done == 1

    def principal_for_hash(self, digest: str) -> Principal | None:
        """The valid (not revoked, not expired) token with this hash."""
        with self.connect() as con:
            row = con.execute(
                "SELECT token_id, organisatiecode, beheer FROM token WHERE hash = ? "
                "AND revoked_at IS NULL AND expires_at > ?",
                (digest, now().isoformat()),
            ).fetchone()
        return Principal(row[0], row[1], bool(row[2])) if row else None

    def tokens(self) -> list[dict[str, Any]]:
        """Every token without its hash (for `monitor portal token --lijst`)."""
        with self.connect() as con:
            rows = con.execute("SELECT token_id, organisatiecode, beheer, created_at, "
                               "expires_at, revoked_at FROM token ORDER BY token_id").fetchall()  # fmt: skip
        return [dict(row) for row in rows]

    # sessions -----------------------------------------------------------------------------
    def add_session(self, digest: str, token_id: int, csrf: str, hours: int) -> None:
        """Store a session's hash with its CSRF token."""
        expires = now() + dt.timedelta(hours=hours)
        with self.connect() as con:
            con.execute("DELETE FROM session WHERE expires_at <= ?", (now().isoformat(),))
            con.execute("INSERT INTO session VALUES (?, ?, ?, ?)",
                        (digest, token_id, csrf, expires.isoformat()))  # fmt: skip

    def session(self, digest: str) -> tuple[Principal, str] | None:
        """The principal and CSRF token of a live session whose token is still valid."""
        with self.connect() as con:
            row = con.execute(
                "SELECT t.token_id, t.organisatiecode, t.beheer, s.csrf FROM session s "
                "JOIN token t USING (token_id) WHERE s.hash = ? AND s.expires_at > ? "
                "AND t.revoked_at IS NULL AND t.expires_at > ?",
                (digest, now().isoformat(), now().isoformat()),
            ).fetchone()
        return (Principal(row[0], row[1], bool(row[2])), row[3]) if row else None

    def end_session(self, digest: str) -> None:
        """Log out."""
        with self.connect() as con:
            con.execute("DELETE FROM session WHERE hash = ?", (digest,))

    # receipts -----------------------------------------------------------------------------
    def add_receipt(self, principal: Principal, soort: str, bestandsnaam: str, stored: str,
                    sha256: str, size: int, periode: str | None, received: dt.datetime) -> Receipt:  # fmt: skip
        """Store the receipt of a file written to the inbox."""
        values = (principal.organisatiecode, principal.token_id, soort, bestandsnaam, stored,
                  sha256, size, periode, received.isoformat())  # fmt: skip
        with self.connect() as con:
            cursor = con.execute(
                "INSERT INTO receipt (organisatiecode, token_id, soort, bestandsnaam, "
                "opgeslagen_als, sha256, size_bytes, periode, ontvangen_op) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                values,
            )
            receipt_id = int(cursor.lastrowid or 0)
        return Receipt(receipt_id, principal.organisatiecode, soort, bestandsnaam, stored, sha256,
                       size, periode, received.isoformat())  # fmt: skip

    def receipts(self, organisatiecode: str | None = None) -> list[Receipt]:
        """The receipts of one organisation (all when None), newest first."""
        query = ("SELECT receipt_id, organisatiecode, soort, bestandsnaam, opgeslagen_als, "
                 "sha256, size_bytes, periode, ontvangen_op FROM receipt")  # fmt: skip
        where, params = (
            (" WHERE organisatiecode = ?", [organisatiecode]) if organisatiecode else ("", [])
        )
        with self.connect() as con:
            rows = con.execute(query + where + " ORDER BY receipt_id DESC", params).fetchall()
        return [Receipt(*row) for row in rows]

    # checked files waiting to be delivered ----------------------------------------------------
    def add_pending(self, pending_id: str, organisatiecode: str, bestandsnaam: str, suffix: str,
                    sha256: str, size: int, periode: str | None, readable: bool) -> None:  # fmt: skip
        """Remember a checked file (kept in the portal's private folder for a short while)."""
        with self.connect() as con:
            con.execute("INSERT INTO pending VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (pending_id, organisatiecode, bestandsnaam, suffix, sha256, size, periode,
                         int(readable), now().isoformat()))  # fmt: skip

    def take_pending(self, pending_id: str, organisatiecode: str) -> dict[str, Any] | None:
        """The checked file of this organisation, removed from the list (None if unknown)."""
        with self.connect() as con:
            row = con.execute("SELECT * FROM pending WHERE pending_id = ? AND organisatiecode = ?",
                              (pending_id, organisatiecode)).fetchone()  # fmt: skip
            con.execute("DELETE FROM pending WHERE pending_id = ? AND organisatiecode = ?",
                        (pending_id, organisatiecode))  # fmt: skip
        return dict(row) if row else None

    def expire_pending(self, older_than: dt.datetime) -> list[dict[str, Any]]:
        """Forget checked files older than a moment; returns them (to delete their files)."""
        with self.connect() as con:
            rows = con.execute("SELECT * FROM pending WHERE created_at < ?",
                               (older_than.isoformat(),)).fetchall()  # fmt: skip
            con.execute("DELETE FROM pending WHERE created_at < ?", (older_than.isoformat(),))
        return [dict(row) for row in rows]

    # audit log ----------------------------------------------------------------------------
    def audit(self, wie: str, wat: str, uitkomst: str, **details: Any) -> None:
        """Append one line: when, who, what, outcome and details (sha256, file, ...)."""
        line = {"wanneer": now().isoformat(), "wie": wie, "wat": wat, "uitkomst": uitkomst,
                **details}  # fmt: skip
        text = json.dumps(line, ensure_ascii=False, default=str) + "\n"
        with self.audit_path.open("a", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            handle.write(text)
            handle.flush()
            fcntl.flock(handle, fcntl.LOCK_UN)
