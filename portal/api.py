"""The API for registration systems: check, deliver and list, with a Bearer token per organisation."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from portal import inbox, ledger
from portal.auth import principal_for_token
from portal.service import Portal, remove
from portal.state import Principal

router = APIRouter(prefix="/api/v1", tags=["api"])
bearer = HTTPBearer(auto_error=False, description="Het token van uw organisatie.")


def portal_of(request: Request) -> Portal:
    """The portal behind the application."""
    portal: Portal = request.app.state.portal
    return portal


def principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """The token's organisation: 401 without a valid token, 429 over the rate limit."""
    portal = portal_of(request)
    found = principal_for_token(portal.state, credentials.credentials) if credentials else None
    if found is None:
        portal.state.audit("onbekend", f"api {request.url.path}", "geweigerd: geen geldig token")
        raise HTTPException(401, "Geen geldig token: gebruik Authorization: Bearer <token>.",
                            headers={"WWW-Authenticate": "Bearer"})  # fmt: skip
    if not portal.limiter.allow(f"token:{found.token_id}"):
        raise HTTPException(429, "Te veel verzoeken: probeer het over een minuut opnieuw.",
                            headers={"Retry-After": "60"})  # fmt: skip
    return found


Caller = Annotated[Principal, Depends(principal)]


def organisation_only(caller: Principal) -> None:
    """403 for an admin token without an organisation of its own."""
    if caller.organisatiecode == "BEHEER":
        raise HTTPException(
            403, "Een beheertoken levert niet aan: gebruik het token van de organisatie."
        )


async def _receive(portal: Portal, caller: Principal, bestand: UploadFile) -> tuple[Any, str, int]:
    """Stream the upload to the portal's private folder (413 over the limit, 415 wrong type)."""
    try:
        return await inbox.save_upload(bestand, portal.pending_dir / caller.organisatiecode,
                                       portal.settings.portal_max_upload_bytes)  # fmt: skip
    except inbox.UploadTooLargeError as exc:
        portal.state.audit(f"token:{caller.token_id}:{caller.organisatiecode}", "upload",
                           "geweigerd: te groot")  # fmt: skip
        raise HTTPException(413, f"Bestand te groot: {exc}.") from exc
    except inbox.UploadRefusedError as exc:
        portal.state.audit(f"token:{caller.token_id}:{caller.organisatiecode}", "upload",
                           "geweigerd: bestandstype")  # fmt: skip
        raise HTTPException(415, f"Bestand geweigerd: {exc}.") from exc


@router.post("/check", summary="Controleer een bestand (zoals `monitor check --json`)")
async def check(request: Request, caller: Caller, bestand: UploadFile) -> dict[str, Any]:
    """Check the file exactly as the nightly run would, without delivering it."""
    organisation_only(caller)
    portal = portal_of(request)
    path, sha, _ = await _receive(portal, caller, bestand)
    try:
        result = await run_in_threadpool(portal.check, path, caller, bestand.filename or "", sha)
    finally:
        remove(path)  # no incident data stays outside the inbox
    report: dict[str, Any] = result["report"]
    return report


@router.post("/leveringen", status_code=201, summary="Lever een bestand definitief aan")
async def deliver(request: Request, caller: Caller, bestand: UploadFile) -> dict[str, Any]:
    """Store the file in the organisation's inbox; returns the receipt (sha256, time, name)."""
    organisation_only(caller)
    portal = portal_of(request)
    path, sha, size = await _receive(portal, caller, bestand)
    try:
        receipt = await run_in_threadpool(portal.deliver, caller, path, bestand.filename or "",
                                          sha, size, None)  # fmt: skip
    finally:
        remove(path)
    return receipt.as_dict()


@router.get("/leveringen", summary="Uw leveringen met hun status")
def deliveries(request: Request, caller: Caller) -> dict[str, Any]:
    """Every delivery of the token's organisation: ontvangen, verwerkt, afgekeurd or vervangen."""
    organisation_only(caller)
    portal = portal_of(request)
    receipts = portal.state.receipts(caller.organisatiecode)
    rows = ledger.deliveries(portal.settings.warehouse_path, caller.organisatiecode, receipts)
    return {"organisatiecode": caller.organisatiecode, "leveringen": rows}


@router.get("/leveringen/{receipt_id}", summary="Eén ontvangstbewijs")
def receipt(request: Request, caller: Caller, receipt_id: int) -> dict[str, Any]:
    """A receipt of the token's own organisation (404 for any other)."""
    for found in portal_of(request).state.receipts(caller.organisatiecode):
        if found.receipt_id == receipt_id:
            return found.as_dict()
    raise HTTPException(404, "Geen ontvangstbewijs met dit nummer voor uw organisatie.")


@router.get("/informatiepositie", summary="Wie leverde wat (alleen beheer)")
def informatiepositie(
    request: Request, caller: Caller, periode: str | None = None
) -> dict[str, Any]:
    """mart.levering for every organisation: only for an admin token (403 otherwise)."""
    if not caller.beheer:
        raise HTTPException(403, "Alleen met een beheertoken.")
    if periode is not None and not inbox.is_quarter(periode):
        raise HTTPException(
            422, f"Ongeldige periode {periode!r}: gebruik jjjjQk, bijvoorbeeld 2025Q1."
        )
    frame = ledger.informatiepositie(portal_of(request).settings.warehouse_path, periode)
    rows = (
        [] if frame is None else frame.astype(object).where(frame.notna(), None).to_dict("records")
    )
    return {"informatiepositie": rows}
