"""The portal's pages for employers and the admin: Dutch, server-rendered, no scripts needed.

Every form carries the session's CSRF token; the login form a double-submit token of its own.
Templates autoescape, so an employer's file name is shown as text, never as markup.
"""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Form, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.background import BackgroundTask
from starlette.exceptions import HTTPException as StarletteHTTPException

from pipeline.employers.quality_rules import LOCAL_TIME
from portal import inbox, ledger
from portal.auth import (
    SESSION_COOKIE,
    Session,
    csrf_ok,
    principal_for_token,
    session_for_cookie,
    start_session,
)
from portal.service import Portal, remove

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")


def dutch_date(value: Any) -> str:
    """A date as dd-mm-jjjj, a moment as dd-mm-jjjj uu:mm in Dutch local time; empty for none."""
    if value is None or value != value or value == "":
        return ""
    moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    if isinstance(moment, dt.datetime) and moment.tzinfo is not None:
        return str(moment.astimezone(LOCAL_TIME).strftime("%d-%m-%Y %H:%M"))
    if isinstance(moment, dt.datetime) and moment.time() != dt.time(0):
        return str(moment.strftime("%d-%m-%Y %H:%M"))
    return str(moment.strftime("%d-%m-%Y")) if hasattr(moment, "strftime") else str(value)


templates.env.filters["datum"] = dutch_date
LOGIN_COOKIE = "monitor_inlog"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class PageError(Exception):
    """A page that cannot be shown: status and a Dutch explanation."""

    def __init__(self, status: int, message: str) -> None:
        """Keep the status and the message."""
        super().__init__(message)
        self.status, self.message = status, message


def portal_of(request: Request) -> Portal:
    """The portal behind the application."""
    portal: Portal = request.app.state.portal
    return portal


def render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    """A page from its template, with the session (for the menu and the CSRF field)."""
    base = {"session": getattr(request.state, "session", None)}
    return templates.TemplateResponse(request, name, {**base, **context}, status_code=status)


def session_of(request: Request, *, organisation: bool = True) -> Session:
    """The logged-in session (else back to the login page), rate-limited per session."""
    portal = portal_of(request)
    session = session_for_cookie(portal.state, request.cookies.get(SESSION_COOKIE))
    if session is None:
        raise PageError(401, "U bent niet (meer) ingelogd.")
    request.state.session = session
    if not portal.limiter.allow(f"token:{session.principal.token_id}"):
        raise PageError(429, "Te veel verzoeken: probeer het over een minuut opnieuw.")
    if organisation and session.principal.organisatiecode == "BEHEER":
        raise PageError(403, "Deze pagina is voor organisaties; u bent ingelogd als beheer.")
    return session


def checked_form(request: Request, csrf: str | None) -> Session:
    """The session of a form post whose CSRF token is right (403 otherwise)."""
    session = session_of(request)
    if not csrf_ok(session, csrf):
        portal_of(request).state.audit(f"token:{session.principal.token_id}", request.url.path,
                                       "geweigerd: CSRF-token ontbreekt of klopt niet")  # fmt: skip
        raise PageError(
            403,
            "Dit formulier is verlopen of niet door het portaal gemaakt. Laad de pagina opnieuw.",
        )
    return session


@router.get("/")
def home(request: Request) -> Response:
    """To the deliveries when logged in, else to the login page."""
    session = session_for_cookie(portal_of(request).state, request.cookies.get(SESSION_COOKIE))
    target = (
        "/inloggen" if session is None else "/beheer" if session.principal.beheer else "/leveringen"
    )
    return RedirectResponse(target, 303)


@router.get("/inloggen")
def login_page(request: Request, melding: str | None = None) -> Response:
    """The login form, with a fresh double-submit token."""
    token = secrets.token_urlsafe(24)
    response = render(request, "inloggen.html", {"login_csrf": token, "melding": melding})
    response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="strict",
                        secure=portal_of(request).settings.portal_secure_cookie, path="/inloggen")  # fmt: skip
    return response


@router.post("/inloggen")
def login(
    request: Request, token: Annotated[str, Form()], csrf: Annotated[str, Form()]
) -> Response:
    """Exchange a token for a session cookie."""
    portal = portal_of(request)
    client = request.client.host if request.client else "?"
    if not portal.login_limiter.allow(f"login:{client}"):
        raise PageError(429, "Te veel inlogpogingen: probeer het over een minuut opnieuw.")
    expected = request.cookies.get(LOGIN_COOKIE) or ""
    if not expected or not secrets.compare_digest(expected, csrf):
        raise PageError(403, "Het inlogformulier is verlopen. Laad de pagina opnieuw.")
    principal = principal_for_token(portal.state, token.strip())
    if principal is None:
        portal.state.audit(f"client:{client}", "inloggen", "geweigerd")
        return RedirectResponse("/inloggen?melding=onjuist", 303)
    cookie, _ = start_session(portal.state, principal)
    portal.state.audit(
        f"token:{principal.token_id}:{principal.organisatiecode}", "inloggen", "gelukt"
    )
    response = RedirectResponse("/beheer" if principal.beheer else "/leveringen", 303)
    response.set_cookie(SESSION_COOKIE, cookie, httponly=True, samesite="strict",
                        secure=portal.settings.portal_secure_cookie, max_age=8 * 3600)  # fmt: skip
    response.delete_cookie(LOGIN_COOKIE, path="/inloggen")
    return response


@router.post("/uitloggen")
def logout(request: Request, csrf: Annotated[str, Form()]) -> Response:
    """End the session."""
    session = checked_form(request, csrf)
    from portal.auth import digest

    portal_of(request).state.end_session(digest(request.cookies.get(SESSION_COOKIE, "")))
    portal_of(request).state.audit(f"token:{session.principal.token_id}", "uitloggen", "gelukt")
    response = RedirectResponse("/inloggen", 303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/controleren")
def check_page(request: Request) -> Response:
    """The upload form of "Bestand controleren"."""
    session_of(request)
    return render(request, "controleren.html", {"result": None})


@router.post("/controleren")
async def check_upload(
    request: Request, bestand: UploadFile, csrf: Annotated[str, Form()]
) -> Response:
    """Check an uploaded file in isolation; show the feedback; keep it briefly for delivery."""
    session = checked_form(request, csrf)
    portal, org = portal_of(request), session.principal.organisatiecode
    portal.expire_pending()
    name = bestand.filename or "(zonder naam)"
    try:
        path, sha, size = await inbox.save_upload(bestand, portal.pending_dir / org,
                                                  portal.settings.portal_max_upload_bytes)  # fmt: skip
    except inbox.UploadTooLargeError as exc:
        raise PageError(413, f"Bestand te groot: {exc}.") from exc
    except inbox.UploadRefusedError as exc:
        return render(request, "controleren.html", {"result": None, "melding": str(exc)}, 415)
    pending_id = secrets.token_hex(16)
    kept = path.with_name(pending_id + path.suffix)
    path.rename(kept)
    feedback = kept.with_name(f"{pending_id}-terugkoppeling.xlsx")
    try:
        result = await run_in_threadpool(portal.check, kept, session.principal, name, sha, feedback)
    except Exception:
        remove(kept)  # no incident data left behind when the check itself breaks
        remove(feedback)
        raise
    report = result["report"]
    if report["readable"]:
        portal.state.add_pending(
            pending_id, org, name, kept.suffix, sha, size, report["periode"], True
        )
    else:
        remove(kept)  # nothing to deliver: the file itself goes
    has_feedback = feedback.is_file()
    if has_feedback:
        for extra in (feedback.with_suffix(".csv"), feedback.with_suffix(".html")):
            remove(extra)
    return render(request, "controleren.html", {"result": result, "report": report, "sha256": sha,
                  "pending_id": pending_id if report["readable"] else None,
                  "feedback": has_feedback})  # fmt: skip


@router.get("/controleren/{pending_id}/terugkoppeling.xlsx")
def check_feedback(request: Request, pending_id: str) -> Response:
    """The feedback workbook of a check, for the organisation that made it (404 otherwise)."""
    session = session_of(request)
    if not pending_id.isalnum() or len(pending_id) != 32:
        raise PageError(404, "Deze terugkoppeling bestaat niet (meer).")
    path = (
        portal_of(request).pending_dir
        / session.principal.organisatiecode
        / f"{pending_id}-terugkoppeling.xlsx"
    )
    if not path.is_file():
        raise PageError(404, "Deze terugkoppeling bestaat niet (meer).")
    return FileResponse(path, media_type=XLSX, filename="terugkoppeling-controle.xlsx")


@router.post("/aanleveren")
def deliver(
    request: Request, controle: Annotated[str, Form()], csrf: Annotated[str, Form()]
) -> Response:
    """Deliver a file that was just checked: into the inbox, and show the receipt."""
    session = checked_form(request, csrf)
    portal, org = portal_of(request), session.principal.organisatiecode
    pending = portal.state.take_pending(controle, org) if controle.isalnum() else None
    path = portal.pending_dir / org / f"{controle}{pending['suffix']}" if pending else None
    if pending is None or path is None or not path.is_file():
        raise PageError(
            404, "Dit gecontroleerde bestand is niet (meer) beschikbaar: controleer het opnieuw."
        )
    receipt = portal.deliver(session.principal, path, pending["bestandsnaam"], pending["sha256"],
                             pending["size_bytes"], pending["periode"])  # fmt: skip
    remove(path.with_name(f"{controle}-terugkoppeling.xlsx"))
    return render(request, "ontvangstbewijs.html", {"receipt": receipt})


@router.get("/aanleveren")
def deliver_page(request: Request) -> Response:
    """Delivery starts with a check."""
    session_of(request)
    return RedirectResponse("/controleren", 303)


@router.get("/nulmelding")
def nil_page(request: Request) -> Response:
    """The form of a nil return: which quarter, and optionally the fte."""
    session_of(request)
    return render(request, "nulmelding.html", {"quarters": inbox.last_quarters(dt.date.today())})


@router.post("/nulmelding")
def nil_return(request: Request, periode: Annotated[str, Form()], csrf: Annotated[str, Form()],
               fte: Annotated[str, Form()] = "") -> Response:  # fmt: skip
    """Declare no incidents in a quarter that has ended; show the receipt."""
    session = checked_form(request, csrf)
    if periode not in inbox.last_quarters(dt.date.today(), 8):
        raise PageError(422, f"Kies een kwartaal dat voorbij is, niet {periode!r}.")
    try:
        value = float(fte.replace(",", ".")) if fte.strip() else None
    except ValueError as exc:
        raise PageError(
            422, f"Aantal fte {fte!r} is geen getal; laat het leeg of vul bijvoorbeeld 12,5 in."
        ) from exc
    if value is not None and value < 0:
        raise PageError(422, "Aantal fte kan niet negatief zijn.")
    receipt = portal_of(request).nil_return(session.principal, periode, value)
    return render(request, "ontvangstbewijs.html", {"receipt": receipt})


@router.get("/sjabloon")
def template(request: Request, periode: str | None = None) -> Response:
    """The national template, filled in for the organisation and the next due period."""
    session = session_of(request)
    portal = portal_of(request)
    if periode is not None and not inbox.is_quarter(periode):
        raise PageError(422, f"Ongeldige periode {periode!r}: gebruik jjjjQk, bijvoorbeeld 2025Q1.")
    periode = periode or portal.next_due_period(session.principal, dt.date.today())
    path = portal.template_for(session.principal, periode)
    name = f"{session.principal.organisatiecode}_{periode}.xlsx"
    return FileResponse(
        path, media_type=XLSX, filename=name, background=BackgroundTask(remove, path)
    )


@router.get("/leveringen")
def deliveries(request: Request) -> Response:
    """Mijn leveringen: status from the ledger, counts, the nightly feedback files."""
    session = session_of(request)
    portal, org = portal_of(request), session.principal.organisatiecode
    rows = ledger.deliveries(portal.settings.warehouse_path, org, portal.state.receipts(org))
    files = [p.name for p in ledger.feedback_files(portal.settings.feedback_directory, org)]
    return render(request, "leveringen.html", {"rows": rows, "files": files,
                  "next_period": portal.next_due_period(session.principal, dt.date.today())})  # fmt: skip


@router.get("/terugkoppeling/{name}")
def feedback_file(request: Request, name: str) -> Response:
    """A nightly feedback file of the organisation's own folder (404 for anything else)."""
    session = session_of(request)
    portal = portal_of(request)
    files = {p.name: p for p in ledger.feedback_files(portal.settings.feedback_directory,
                                                      session.principal.organisatiecode)}  # fmt: skip
    if name not in files:
        raise PageError(404, "Dit bestand bestaat niet voor uw organisatie.")
    kinds = {".xlsx": XLSX, ".csv": "text/csv; charset=utf-8", ".html": "text/plain; charset=utf-8"}
    return FileResponse(files[name], media_type=kinds[files[name].suffix], filename=name)


@router.get("/beheer")
def admin(request: Request, periode: str | None = None) -> Response:
    """Who delivered what per period, who is late or missing (admin token only)."""
    session = session_of(request, organisation=False)
    if not session.principal.beheer:
        raise PageError(403, "Deze pagina is alleen voor beheer.")
    if periode is not None and periode != "" and not inbox.is_quarter(periode):
        raise PageError(422, f"Ongeldige periode {periode!r}: gebruik jjjjQk, bijvoorbeeld 2025Q1.")
    frame = ledger.informatiepositie(portal_of(request).settings.warehouse_path, periode or None)
    rows = (
        [] if frame is None else frame.astype(object).where(frame.notna(), None).to_dict("records")
    )
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    late = sum(1 for row in rows if row["te_laat"])
    return render(request, "beheer.html", {"rows": rows, "counts": counts, "late": late,
                  "periode": periode or "", "warehouse": frame is not None})  # fmt: skip


def install_error_pages(app: FastAPI) -> None:
    """Dutch error pages; a missing session goes back to the login page."""

    async def page_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, PageError)
        if exc.status == 401:
            return RedirectResponse("/inloggen", 303)
        return render(
            request, "fout.html", {"status": exc.status, "message": exc.message}, exc.status
        )

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if request.url.path.startswith("/api/"):
            from fastapi.exception_handlers import http_exception_handler

            return await http_exception_handler(request, exc)
        message = "Deze pagina bestaat niet." if exc.status_code == 404 else str(exc.detail)
        return render(
            request, "fout.html", {"status": exc.status_code, "message": message}, exc.status_code
        )

    async def invalid_form(request: Request, exc: Exception) -> Response:
        if request.url.path.startswith("/api/"):
            from fastapi.exception_handlers import request_validation_exception_handler

            assert isinstance(exc, RequestValidationError)
            return await request_validation_exception_handler(request, exc)
        message = "Het formulier is niet volledig ingevuld: kies een bestand of vul de velden in."
        return render(request, "fout.html", {"status": 422, "message": message}, 422)

    app.add_exception_handler(RequestValidationError, invalid_form)
    app.add_exception_handler(PageError, page_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
