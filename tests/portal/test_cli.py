"""`monitor portal token`: printed once as the last line, only its hash stored, revocable."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from portal.auth import principal_for_token
from portal.state import PortalState

runner = CliRunner()


def test_token_is_printed_last_and_only_its_hash_is_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MONITOR_PORTAL_DIR", str(tmp_path))

    made = runner.invoke(app, ["portal", "token", "--org", "gm0363", "--dagen", "10"])

    assert made.exit_code == 0, made.output
    token = made.output.splitlines()[-1]
    state = PortalState(tmp_path)
    principal = principal_for_token(state, token)
    assert principal is not None and principal.organisatiecode == "GM0363"
    with sqlite3.connect(state.db_path) as con:
        [(stored, _expires)] = con.execute("SELECT hash, expires_at FROM token").fetchall()
    assert stored == hashlib.sha256(token.encode()).hexdigest()
    assert token.encode() not in state.db_path.read_bytes()
    assert token not in state.audit_path.read_text()
    revoked = runner.invoke(app, ["portal", "token", "--revoke", str(principal.token_id)])
    assert revoked.exit_code == 0 and "ingetrokken" in revoked.output
    assert principal_for_token(state, token) is None
    again = runner.invoke(app, ["portal", "token", "--revoke", str(principal.token_id)])
    assert again.exit_code == 2


def test_a_bad_organisation_code_makes_no_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MONITOR_PORTAL_DIR", str(tmp_path))

    bad = runner.invoke(app, ["portal", "token", "--org", "Amsterdam"])
    nothing = runner.invoke(app, ["portal", "token"])
    admin = runner.invoke(app, ["portal", "token", "--beheer"])

    assert bad.exit_code == 2 and "heeft niet de vorm GM0363" in bad.output
    assert nothing.exit_code == 2
    assert admin.exit_code == 0
    assert PortalState(tmp_path).tokens()[0]["organisatiecode"] == "BEHEER"
    assert len(PortalState(tmp_path).tokens()) == 1
