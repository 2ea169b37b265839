"""The portal's API against a real uvicorn server on 127.0.0.1: access, isolation, abuse."""

from __future__ import annotations

import hashlib
import json
import socket
import sqlite3
import subprocess
import sys
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from portal.auth import create_token
from tests.portal.conftest import RunningPortal, delivery_xlsx, portal_settings, serve_portal

ROOT = Path(__file__).resolve().parents[2]


def audit_lines(portal: RunningPortal) -> list[dict[str, object]]:
    """The audit log as records."""
    text = portal.state.audit_path.read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


def test_check_returns_the_same_json_as_monitor_check(
    portal: RunningPortal, tmp_path: Path
) -> None:
    file = delivery_xlsx(tmp_path / "GM0363_2025Q2.xlsx")
    token = portal.token("GM0363")

    with portal.client(token) as client, file.open("rb") as handle:
        answer = client.post("/api/v1/check", files={"bestand": (file.name, handle)})

    assert answer.status_code == 200, answer.text
    cli = subprocess.run([sys.executable, "-m", "flows.cli", "check", str(file), "--org", "GM0363",
                          "--json"], capture_output=True, text=True, cwd=ROOT, timeout=120,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin",
                              "MONITOR_REFERENCE_DIR": str(portal.settings.reference_dir)})  # fmt: skip
    expected = json.loads(cli.stdout)
    got = answer.json()
    assert got["vervangt"] is None  # nothing loaded yet for GM0363 2025Q2
    assert got == expected
    assert [(e["code"], e["row"], e["field"]) for e in got["edits"]] == [("E02", 4, "gedragstypen")]
    assert (got["rows_in"], got["rows_loaded"], got["rows_rejected"]) == (3, 2, 1)
    assert (
        list((portal.settings.inbox_dir / ".portaal-wachtrij" / "GM0363").iterdir()) == []
    )  # deleted
    assert not (portal.settings.inbox_dir / "GM0363").exists()  # a check delivers nothing
    [line] = [a for a in audit_lines(portal) if a["wat"] == "controle"]
    assert line["sha256"] == hashlib.sha256(file.read_bytes()).hexdigest()
    assert line["uitkomst"] == "leesbaar" and str(line["wie"]).endswith(":GM0363")


def test_delivery_receipt_listing_and_isolation_between_organisations(
    portal: RunningPortal, tmp_path: Path
) -> None:
    file = delivery_xlsx(tmp_path / "x.xlsx", org="GM0014")
    hostile_name = "../../GM0363/<b>evil</b>.xlsx"
    groningen, utrecht = portal.token("GM0014"), portal.token("GM0344")

    with portal.client(groningen) as client:
        answer = client.post("/api/v1/leveringen",
                             files={"bestand": (hostile_name, file.read_bytes())})  # fmt: skip
        listing = client.get("/api/v1/leveringen").json()
    receipt = answer.json()

    assert answer.status_code == 201, answer.text
    assert receipt["sha256"] == hashlib.sha256(file.read_bytes()).hexdigest()
    assert receipt["bestandsnaam"] == hostile_name  # kept in the receipt only
    stored = portal.settings.inbox_dir / "GM0014" / receipt["opgeslagen_als"]
    assert stored.read_bytes() == file.read_bytes()
    assert receipt["opgeslagen_als"].startswith("GM0014_portaal")
    assert not (portal.settings.inbox_dir / "GM0363").exists()
    assert receipt["ontvangen_op"].startswith("20")
    assert [(r["ontvangstbewijs"], r["status"]) for r in listing["leveringen"]] == [
        (receipt["ontvangstbewijs"], "ontvangen")
    ]
    with portal.client(utrecht) as client:
        other = client.get("/api/v1/leveringen").json()
        mine = client.get(f"/api/v1/leveringen/{receipt['ontvangstbewijs']}")
    assert other == {"organisatiecode": "GM0344", "leveringen": []}
    assert mine.status_code == 404


def test_missing_wrong_revoked_and_expired_tokens_get_401(portal: RunningPortal) -> None:
    token_id, revoked = create_token(portal.state, "GM0363", 30)
    portal.state.revoke_token(token_id)
    expired_id, expired = create_token(portal.state, "GM0363", 1)
    with sqlite3.connect(portal.state.db_path) as con:
        con.execute("UPDATE token SET expires_at = '2020-01-01T00:00:00+00:00' WHERE token_id = ?",
                    (expired_id,))  # fmt: skip

    answers = {}
    for name, token in {"geen": None, "fout": "mon_verzonnen", "ingetrokken": revoked,
                        "verlopen": expired}.items():  # fmt: skip
        with portal.client(token) as client:
            answers[name] = client.get("/api/v1/leveringen")

    assert {name: a.status_code for name, a in answers.items()} == dict.fromkeys(answers, 401)
    assert all(a.headers["www-authenticate"] == "Bearer" for a in answers.values())
    assert "Geen geldig token" in answers["verlopen"].json()["detail"]


def test_admin_only_resources_are_403_for_an_organisation(portal: RunningPortal) -> None:
    with portal.client(portal.token("GM0363")) as client:
        assert client.get("/api/v1/informatiepositie").status_code == 403
    with portal.client(portal.token("BEHEER", beheer=True)) as client:
        answer = client.get("/api/v1/informatiepositie")
        deliver = client.post("/api/v1/leveringen", files={"bestand": ("a.csv", b"x")})
    assert answer.status_code == 200 and answer.json() == {"informatiepositie": []}  # no run yet
    assert deliver.status_code == 403


def test_over_size_upload_is_413_from_content_length_without_reading(portal: RunningPortal) -> None:
    token = portal.token("GM0363")
    limit = portal.settings.portal_max_upload_bytes
    host, port = portal.url.removeprefix("http://").split(":")
    request = (f"POST /api/v1/leveringen HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n"
               f"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: {limit * 10}\r\n\r\n")  # fmt: skip

    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(request.encode())  # headers only: the body never comes
        reply = b""
        while chunk := sock.recv(4096):  # the portal closes the connection after answering
            reply += chunk
    reply_text = reply.decode()

    assert reply_text.startswith("HTTP/1.1 413"), reply_text
    assert "Bestand te groot" in reply_text


def test_over_size_upload_without_content_length_is_413_while_streaming(
    portal: RunningPortal,
) -> None:
    limit = portal.settings.portal_max_upload_bytes
    chunk = b"a" * 65536

    def body():  # type: ignore[no-untyped-def]
        yield b'--x\r\nContent-Disposition: form-data; name="bestand"; filename="a.csv"\r\n\r\n'
        for _ in range(limit // len(chunk) + 50):
            yield chunk

    with portal.client(portal.token("GM0363")) as client:
        answer = client.post("/api/v1/leveringen", content=body(),
                             headers={"Content-Type": "multipart/form-data; boundary=x"})  # fmt: skip

    assert answer.status_code == 413
    assert not (portal.settings.inbox_dir / "GM0363").exists()


def test_security_headers_on_pages_and_api(portal: RunningPortal) -> None:
    with portal.client() as client:
        for path in ("/inloggen", "/api/v1/leveringen"):
            headers = client.get(path).headers
            assert "frame-ancestors 'none'" in headers["content-security-policy"]
            assert "script-src" not in headers["content-security-policy"]  # none at all
            assert headers["x-frame-options"] == "DENY"
            assert headers["x-content-type-options"] == "nosniff"
            assert headers["referrer-policy"] == "no-referrer"
        assert client.get("/openapi.json").json()["paths"].keys() >= {
            "/api/v1/check",
            "/api/v1/leveringen",
        }


def zip_bomb(path: Path, template: Path) -> Path:
    """The national template whose Incidenten sheet unzips to ~90 MB of rows."""
    row = (
        "<row>"
        + "".join(f'<c t="inlineStr"><is><t>{"x" * 20}</t></is></c>' for _ in range(18))
        + "</row>"
    )
    with (
        zipfile.ZipFile(template) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for info in source.infolist():
            data = source.read(info.filename)
            if b"<sheetData>" in data and b"bron_incidentnummer" in data:
                head, _, _ = data.partition(b"<sheetData>")
                with out.open(info.filename, "w") as member:
                    member.write(head + b"<sheetData>")
                    block = (row * 1000).encode()
                    for _ in range(100):  # ~90 MB unzipped from well under 1 MB
                        member.write(block)
                    member.write(b"</sheetData></worksheet>")
            else:
                out.writestr(info, data)
    return path


def far_cell(path: Path, template: Path) -> Path:
    """The template with a cell at ZZ900000 in its first row (calamine places a cell by its own
    reference: 900,000 rows × 702 columns)."""
    with (
        zipfile.ZipFile(template) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                data = data.replace(b"</row>", b'<c r="ZZ900000"><v>1</v></c></row>', 1)
            out.writestr(info, data)
    return path


def test_hostile_uploads_get_an_s_edit_and_the_portal_keeps_answering(tmp_path: Path) -> None:
    from pipeline.employers.template import write_template

    settings = portal_settings(tmp_path, portal_check_seconds=20, portal_check_memory_mb=1024,
                               portal_max_upload_bytes=8 * 2**20)  # fmt: skip
    template = tmp_path / "sjabloon.xlsx"
    write_template(template, organisatiecode="POL", periode="2025Q1")
    bomb = zip_bomb(tmp_path / "POL_2025Q1.xlsx", template)
    deep = tmp_path / "POL_2025Q1.jsonl"
    deep.write_text("[" * 100_000 + "]" * 100_000 + "\n")
    wide = far_cell(tmp_path / "POL_2025Q3.xlsx", template)
    normal = delivery_xlsx(tmp_path / "POL_2025Q2.xlsx", org="POL", rows=[])
    with (
        serve_portal(settings) as portal,
        portal.client(portal.token("POL")) as client,
        ThreadPoolExecutor(4) as pool,  # all at once: the portal answers meanwhile
    ):
        posts = [pool.submit(client.post, "/api/v1/check",
                             files={"bestand": (f.name, f.read_bytes())})
                 for f in (bomb, deep, wide, normal)]  # fmt: skip
        time.sleep(1)
        asked = time.monotonic()
        alive = client.get("/api/v1/leveringen").status_code
        answered_in = time.monotonic() - asked
        outcomes = [post.result().json() for post in posts]

    bad = outcomes[:3]  # the far cell is refused before calamine allocates its area
    assert [o["readable"] for o in bad] == [False, False, False], bad
    assert all(o["edits"][0]["code"] == "S01" for o in bad)
    assert outcomes[3]["readable"] and outcomes[3]["periode"] == "2025Q2"
    assert alive == 200 and answered_in < 5
    assert list((settings.inbox_dir / ".portaal-wachtrij" / "POL").iterdir()) == []


def test_requests_over_the_rate_limit_get_429(tmp_path: Path) -> None:
    settings = portal_settings(tmp_path, portal_requests_per_minute=5)
    with serve_portal(settings) as portal, portal.client(portal.token("GM0363")) as client:
        codes = [client.get("/api/v1/leveringen").status_code for _ in range(7)]
        with portal.client(portal.token("GM0014")) as other:
            assert other.get("/api/v1/leveringen").status_code == 200  # per token
    assert codes == [200] * 5 + [429] * 2


def test_a_file_type_the_monitor_does_not_read_is_415(portal: RunningPortal) -> None:
    with portal.client(portal.token("GM0363")) as client:
        answer = client.post("/api/v1/leveringen", files={"bestand": ("virus.exe", b"MZ")})
    assert answer.status_code == 415
    assert ".xlsx" in answer.json()["detail"]
