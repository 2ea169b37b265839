"""The portal's pages over real HTTP (no browser): login, CSRF, check, deliver, nil return."""

from __future__ import annotations

import io
import re
from contextlib import closing
from pathlib import Path

import httpx
from openpyxl import load_workbook

from tests.portal.conftest import RunningPortal, delivery_xlsx

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(page: httpx.Response) -> str:
    """The CSRF token in a page's form."""
    found = CSRF.search(page.text)
    assert found, page.text
    return found.group(1)


def logged_in(portal: RunningPortal, token: str) -> tuple[httpx.Client, str]:
    """A client with a session cookie, and the session's CSRF token."""
    client = portal.client()
    login = client.get("/inloggen")
    answer = client.post("/inloggen", data={"token": token, "csrf": csrf_of(login)})
    assert answer.status_code == 303, answer.text
    assert "httponly" in answer.headers["set-cookie"].lower()
    assert "samesite=strict" in answer.headers["set-cookie"].lower()
    return client, csrf_of(client.get("/controleren"))


def test_login_with_a_wrong_token_or_without_login_csrf_fails(portal: RunningPortal) -> None:
    with portal.client() as client:
        page = client.get("/inloggen")
        wrong = client.post("/inloggen", data={"token": "mon_fout", "csrf": csrf_of(page)})
        forged = client.post(
            "/inloggen", data={"token": portal.token("GM0363"), "csrf": "verzonnen"}
        )
        anonymous = client.get("/leveringen")
    assert wrong.status_code == 303 and wrong.headers["location"] == "/inloggen?melding=onjuist"
    assert forged.status_code == 403
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/inloggen"


def test_a_form_without_the_session_csrf_token_is_refused(portal: RunningPortal) -> None:
    client, _ = logged_in(portal, portal.token("GM0363"))
    with closing(client):
        answer = client.post("/nulmelding", data={"periode": "2025Q1", "csrf": "verkeerd"})
        missing = client.post("/nulmelding", data={"periode": "2025Q1"})
    assert answer.status_code == 403 and "formulier is verlopen" in answer.text
    assert missing.status_code == 422 and "niet volledig ingevuld" in missing.text
    assert not (portal.settings.inbox_dir / "GM0363").exists()


def test_check_deliver_and_receipt_in_the_pages(portal: RunningPortal, tmp_path: Path) -> None:
    file = delivery_xlsx(tmp_path / "GM0344_2025Q2.xlsx", org="GM0344")
    client, csrf = logged_in(portal, portal.token("GM0344"))
    name = '<img src=x onerror="alert(1)">.xlsx'
    with closing(client):
        checked = client.post("/controleren", data={"csrf": csrf},
                              files={"bestand": (name, file.read_bytes())})  # fmt: skip
        pending = re.search(r'name="controle" value="([0-9a-f]+)"', checked.text)
        assert pending, checked.text
        feedback = client.get(f"/controleren/{pending.group(1)}/terugkoppeling.xlsx")
        receipt = client.post("/aanleveren", data={"csrf": csrf, "controle": pending.group(1)})
        again = client.post("/aanleveren", data={"csrf": csrf, "controle": pending.group(1)})

    assert checked.status_code == 200
    assert "<img src=x" not in checked.text and "&lt;img src=x onerror=" in checked.text
    assert "E02" in checked.text and "per duif" in checked.text  # the edit, with its value
    assert (
        load_workbook(io.BytesIO(feedback.content), read_only=True).sheetnames[0] == "Samenvatting"
    )
    assert receipt.status_code == 200 and "Ontvangstbewijs" in receipt.text
    [stored] = (portal.settings.inbox_dir / "GM0344").iterdir()
    assert stored.read_bytes() == file.read_bytes()
    assert stored.name.startswith("GM0344_2025Q2_portaal")
    assert again.status_code == 404  # a checked file is delivered once
    assert list((portal.settings.inbox_dir / ".portaal-wachtrij" / "GM0344").iterdir()) == []


def test_nil_return_writes_the_template_with_geen_incidenten(portal: RunningPortal) -> None:
    client, csrf = logged_in(portal, portal.token("VR13"))
    with closing(client):
        form = client.get("/nulmelding")
        periode = re.findall(r'<option value="(\d{4}Q[1-4])">', form.text)[-1]
        receipt = client.post("/nulmelding", data={"csrf": csrf, "periode": periode, "fte": "12,5"})
        future = client.post("/nulmelding", data={"csrf": csrf, "periode": "2099Q1"})
    assert receipt.status_code == 200 and "nulmelding is ontvangen" in receipt.text
    assert future.status_code == 422
    [stored] = (portal.settings.inbox_dir / "VR13").iterdir()
    assert stored.name.startswith(f"VR13_{periode}_nulmelding")
    sheet = load_workbook(stored, read_only=True)["Aanlevering"]
    values = {row[0]: row[1] for row in sheet.iter_rows(values_only=True)}
    assert values["organisatiecode"] == "VR13" and values["periode"] == periode
    assert values["geen_incidenten"] == "ja" and values["fte_brandweer"] == 12.5


def test_template_is_prefilled_and_other_organisations_files_are_404(portal: RunningPortal) -> None:
    feedback = portal.settings.feedback_directory / "GM0014"
    feedback.mkdir(parents=True)
    (feedback / "levering-000001_x.html").write_text("<p>van Groningen</p>")
    client, _ = logged_in(portal, portal.token("GM0363"))
    with closing(client):
        template = client.get("/sjabloon?periode=2025Q3")
        other = client.get("/terugkoppeling/levering-000001_x.html")
        traversal = client.get("/terugkoppeling/..%2F..%2Fportal%2Fportaal.sqlite")
        admin = client.get("/beheer")
    sheet = load_workbook(io.BytesIO(template.content), read_only=True)["Aanlevering"]
    values = {row[0]: row[1] for row in sheet.iter_rows(values_only=True)}
    assert (values["organisatiecode"], values["periode"]) == ("GM0363", "2025Q3")
    assert "fte_boa" in values and "fte_politie" not in values
    assert other.status_code == 404 and traversal.status_code == 404
    assert admin.status_code == 403


def test_every_login_is_in_the_audit_log(portal: RunningPortal) -> None:
    client, _ = logged_in(portal, portal.token("GM0003"))
    client.close()
    lines = portal.state.audit_path.read_text(encoding="utf-8").splitlines()
    assert any(
        '"wat": "inloggen"' in line and "GM0003" in line and "gelukt" in line for line in lines
    )
