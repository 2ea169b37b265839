"""What the pages and the API both do: check an upload, deliver it, declare a nil return.

Every action is written to the audit log with who, what, the sha256 and the outcome.
"""

from __future__ import annotations

import datetime as dt
import secrets
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.ingest.reference import load_reference
from pipeline.settings import Settings
from portal import inbox, isolation, ledger
from portal.auth import RateLimiter
from portal.state import PortalState, Principal, Receipt, now

PENDING_HOURS = 1  # a checked file waits this long for "Definitief aanleveren"
MAX_PARALLEL_CHECKS = 2  # isolated checks at the same time; more wait their turn
PENDING_FOLDER = ".portaal-wachtrij"  # inside the inbox, hidden: never read as a delivery


@dataclass
class Portal:
    """The portal's settings, state and limits, shared by every request."""

    settings: Settings
    state: PortalState = field(init=False)
    limiter: RateLimiter = field(init=False)
    login_limiter: RateLimiter = field(init=False)
    checks: threading.BoundedSemaphore = field(
        default_factory=lambda: threading.BoundedSemaphore(MAX_PARALLEL_CHECKS)
    )

    def __post_init__(self) -> None:
        """Open the state and set the rate limits."""
        self.state = PortalState(self.settings.portal_dir)
        self.limiter = RateLimiter(self.settings.portal_requests_per_minute)
        self.login_limiter = RateLimiter(10)

    @property
    def pending_dir(self) -> Path:
        """Uploads being checked or waiting to be delivered: a hidden folder inside the inbox
        (no raw incident data outside the inbox; the nightly run never reads hidden folders)."""
        folder = self.settings.inbox_dir / PENDING_FOLDER
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        return folder

    def organisation(self, code: str) -> tuple[str | None, str | None]:
        """The organisation's name and beroepsgroep from the reference data."""
        orgs = _organisations(self.settings.reference_dir)
        return orgs.get(code, (None, None))

    def check(self, path: Path, principal: Principal, file_name: str, sha256: str,
              feedback: Path | None = None) -> dict[str, Any]:  # fmt: skip
        """Check a stored upload in an isolated child (with the `vervangt` warning); audit it."""
        with self.checks:
            result = isolation.run_check(
                path, principal.organisatiecode, self.settings, feedback, file_name
            )
        report = result["report"]
        outcome = "leesbaar" if report["readable"] else "onleesbaar"
        self.state.audit(_who(principal), "controle", outcome, sha256=sha256, bestandsnaam=file_name,
                         fouten=sum(e["severity"] == "error" for e in report["edits"]))  # fmt: skip
        return result

    def deliver(self, principal: Principal, path: Path, file_name: str, sha256: str, size: int,
                periode: str | None, soort: str = "levering") -> Receipt:  # fmt: skip
        """Move a file into the inbox under a generated name; store and audit the receipt."""
        received = now()
        periode = periode or _period_in_name(file_name)
        suffix = inbox.extension_of(path.name)
        kind = "nulmelding" if soort == "nulmelding" else "portaal"
        name = inbox.stored_name(
            principal.organisatiecode, periode, file_name, suffix, received, kind
        )
        inbox.place_in_inbox(path, self.settings.inbox_dir, principal.organisatiecode, name)
        receipt = self.state.add_receipt(
            principal, soort, file_name, name, sha256, size, periode, received
        )
        self.state.audit(_who(principal), soort, "ontvangen", sha256=sha256, bestandsnaam=file_name,
                         opgeslagen_als=name, ontvangstbewijs=receipt.receipt_id)  # fmt: skip
        return receipt

    def nil_return(self, principal: Principal, periode: str, fte: float | None) -> Receipt:
        """Write the national template with geen_incidenten = ja and deliver it."""
        _, beroepsgroep = self.organisation(principal.organisatiecode)
        path = self.pending_dir / f".nulmelding-{secrets.token_hex(8)}.xlsx"
        inbox.write_nil_return(path, principal.organisatiecode, periode, beroepsgroep, fte, now())
        sha, size = _sha256(path), path.stat().st_size
        return self.deliver(
            principal, path, f"nulmelding {periode}", sha, size, periode, "nulmelding"
        )

    def template_for(self, principal: Principal, periode: str) -> Path:
        """A pre-filled template in a private temporary file (the caller deletes it)."""
        _, beroepsgroep = self.organisation(principal.organisatiecode)
        path = self.pending_dir / f".sjabloon-{secrets.token_hex(8)}.xlsx"
        inbox.write_prefilled_template(path, principal.organisatiecode, periode, beroepsgroep)
        return path

    def next_due_period(self, principal: Principal, today: dt.date) -> str:
        """The oldest of the last four ended quarters not yet delivered, else the last ended."""
        done = ledger.delivered_periods(self.settings.warehouse_path, principal.organisatiecode)
        done |= {r.periode for r in self.state.receipts(principal.organisatiecode) if r.periode}
        quarters = inbox.last_quarters(today)
        open_ = [q for q in quarters if q not in done]
        return open_[-1] if open_ else quarters[0]

    def expire_pending(self) -> None:
        """Delete checked files and their feedback that waited longer than PENDING_HOURS."""
        for row in self.state.expire_pending(now() - dt.timedelta(hours=PENDING_HOURS)):
            folder = self.pending_dir / row["organisatiecode"]
            for path in folder.glob(f"{row['pending_id']}*"):
                path.unlink(missing_ok=True)


def _who(principal: Principal) -> str:
    """The audit log's name of a token."""
    return f"token:{principal.token_id}:{principal.organisatiecode}"


def _period_in_name(file_name: str) -> str | None:
    """A period written in the employer's file name in any Dutch spelling (2025Q1, Q1-2025,
    1e kwartaal 2025, jan-mrt 2025, …), if any."""
    from connectors.periods import period_in_text

    found = period_in_text(Path(file_name).stem)
    return f"{found[0]}Q{found[1]}" if found else None


def _sha256(path: Path) -> str:
    """The sha256 of a file."""
    from connectors.base import sha256_file

    return sha256_file(path)


_ORG_CACHE: dict[Path, dict[str, tuple[str | None, str | None]]] = {}


def _organisations(reference_dir: Path) -> dict[str, tuple[str | None, str | None]]:
    """Organisatiecode → (name, beroepsgroep), read once per reference folder."""
    if reference_dir not in _ORG_CACHE:
        orgs = load_reference(reference_dir).organisations()
        _ORG_CACHE[reference_dir] = {
            row.organisatiecode: (str(row.naam), str(row.beroepsgroep))
            for row in orgs.itertuples(index=False)
        }
    return _ORG_CACHE[reference_dir]


def remove(path: Path | None) -> None:
    """Delete a temporary upload or folder, whatever happened."""
    if path is None:
        return
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
