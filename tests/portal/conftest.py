"""A real portal on uvicorn at 127.0.0.1 (a free port, in a thread), with tokens and files."""

from __future__ import annotations

import datetime as dt
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from pipeline.settings import Settings
from portal.auth import create_token
from portal.state import PortalState
from tests.conftest import REFERENCE_DIR, TEST_KEY, write_xlsx

INCIDENT_HEADER = ["bron_incidentnummer", "beroepsgroep", "incidentdatum", "incidenttijd",
                   "registratiedatum", "gemeentecode_locatie", "gedragstypen", "kanaal", "context",
                   "wapen", "aantal_daders", "letsel", "verzuim_dagen", "materiele_schade",
                   "aangifte", "vpt_markering", "nazorg_aangeboden", "medewerker_id"]  # fmt: skip


@dataclass
class RunningPortal:
    """A portal serving on loopback: its base URL, settings and state."""

    url: str
    settings: Settings
    state: PortalState

    def token(self, org: str, days: int = 30, beheer: bool = False) -> str:
        """A new token for an organisation."""
        return create_token(self.state, org, days, beheer)[1]

    def client(self, token: str | None = None) -> httpx.Client:
        """An HTTP client, with the Bearer token when given."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=120)


def free_port() -> int:
    """A port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def portal_settings(root: Path, **overrides: Any) -> Settings:
    """Settings with everything under `root` and the test pseudonym key."""
    values: dict[str, Any] = {
        "inbox_dir": root / "inbox", "warehouse_path": root / "warehouse" / "monitor.duckdb",
        "reference_dir": REFERENCE_DIR, "portal_dir": root / "portal",
        "pseudonym_key": TEST_KEY.decode(), "portal_max_upload_bytes": 2 * 2**20,
        "portal_check_seconds": 30, "portal_check_memory_mb": 1536,
        "portal_requests_per_minute": 1000,
    }  # fmt: skip
    return Settings(**{**values, **overrides})


@contextmanager
def serve_portal(settings: Settings) -> Iterator[RunningPortal]:
    """Start uvicorn with the portal in a thread; stop it afterwards."""
    import uvicorn

    from portal.app import create_app

    port = free_port()
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("portal did not start")
        time.sleep(0.05)
    try:
        yield RunningPortal(f"http://127.0.0.1:{port}", settings, PortalState(settings.portal_dir))
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningPortal]:
    """One portal per test module, on its own folders."""
    with serve_portal(portal_settings(tmp_path_factory.mktemp("portal"))) as running:
        yield running


def delivery_xlsx(path: Path, org: str = "GM0363", periode: str = "2025Q2",
                  rows: list[list[Any]] | None = None) -> Path:  # fmt: skip
    """A delivery in the national template layout: two good incidents and one that cannot be
    counted (an unknown gedragstype: E02)."""
    good = [["INC-1", "boa", dt.date(2025, 4, 3), "10:00", dt.date(2025, 4, 3), org, "verbaal",
             "fysiek", "handhaving", "nee", 1, "geen", 0, "nee", "nee", "nee", "ja", "P1"],
            ["INC-2", "boa", dt.date(2025, 5, 9), "11:30", dt.date(2025, 5, 9), org, "bedreiging",
             "fysiek", "handhaving", "nee", 2, "geen", 0, "nee", "ja", "ja", "ja", "P2"]]  # fmt: skip
    bad = [["INC-3", "boa", dt.date(2025, 5, 10), "12:00", dt.date(2025, 5, 10), org, "per duif",
            "fysiek", "handhaving", "nee", 1, "geen", 0, "nee", "nee", "nee", "ja", "P3"]]  # fmt: skip
    sheets = {"Aanlevering": [["veld", "waarde"], ["organisatiecode", org], ["periode", periode],
                              ["fte_boa", 40], ["geen_incidenten", "nee"]],
              "Incidenten": [INCIDENT_HEADER, *(rows if rows is not None else good + bad)]}  # fmt: skip
    write_xlsx(path, sheets)
    return path


CHROMIUM = Path("/usr/bin/chromium")
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's chromium ontbreekt (apt-get install -y chromium)"
)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """pytest-playwright launches Debian's Chromium: Playwright's own browsers are not downloaded."""
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": ["--no-sandbox"]}
