"""The portal in a real Chromium (Playwright, Debian's package): the employer's whole journey.

Log in, upload a file with errors, read the feedback, deliver, see the receipt; the nightly run
processes the delivery from the inbox the portal wrote to, and "Mijn leveringen" shows it as
verwerkt with its counts and feedback files; the admin sees the informatiepositie. Screenshots
of the main pages go to $MONITOR_SCREENSHOTS (`make browser-check`) or the test's tmp dir.
"""

from __future__ import annotations

import contextvars
import hashlib
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from tests.conftest import TEST_KEY
from tests.portal.conftest import (
    RunningPortal,
    delivery_xlsx,
    needs_chromium,
    portal_settings,
    serve_portal,
)

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def journey(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningPortal]:
    """A portal of its own: this test runs the nightly flow on its inbox."""
    with serve_portal(portal_settings(tmp_path_factory.mktemp("reis"))) as running:
        yield running


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """Where the screenshots go."""
    folder = Path(os.environ.get("MONITOR_SCREENSHOTS") or tmp_path / "schermafdrukken")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def log_in(page: Page, url: str, token: str) -> None:
    """Log in through the form."""
    page.goto(f"{url}/inloggen")
    page.get_by_label("Token").fill(token)
    page.get_by_role("button", name="Inloggen").click()


def watch_console(page: Page) -> list[str]:
    """Collect console errors (a CSP violation by an inline script or style would be one)."""
    errors: list[str] = []

    def record(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", record)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def test_employer_checks_delivers_and_later_sees_the_nightly_status(
    journey: RunningPortal,
    browser: Browser,
    tmp_path: Path,
    shots: Path,
    prefect_harness: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MONITOR_PSEUDONYM_KEY", TEST_KEY.decode())  # the flow reads its key here
    file = delivery_xlsx(tmp_path / "mijn incidenten Q2.xlsx", org="GM0363", periode="2025Q2")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = watch_console(page)

    log_in(page, journey.url, journey.token("GM0363"))
    expect(page).to_have_url(f"{journey.url}/leveringen")
    page.screenshot(path=shots / "portaal-inloggen-gelukt.png", full_page=True)
    page.get_by_role("link", name="Bestand controleren").click()
    page.get_by_label("Bestand (.xlsx, .csv of .jsonl)").set_input_files(file)
    page.get_by_role("button", name="Controleren").click()
    expect(
        page.get_by_role("heading", name="Uitkomst voor mijn incidenten Q2.xlsx")
    ).to_be_visible()
    edits = page.locator("table.meldingen tbody tr")
    expect(edits).to_have_count(1)
    expect(edits.first).to_contain_text("E02")
    expect(edits.first).to_contain_text("per duif")
    expect(page.get_by_text("2 van 3 rijen worden geladen, 1 afgekeurd")).to_be_visible()
    bestand = page.locator("table.samenvatting tr").filter(
        has=page.locator('th:text-is("Bestand")')
    )
    expect(bestand.locator("td")).to_have_text("mijn incidenten Q2.xlsx")
    page.screenshot(path=shots / "portaal-controle.png", full_page=True)

    page.get_by_role("button", name="Definitief aanleveren").click()
    expect(page.get_by_role("heading", name="Ontvangstbewijs")).to_be_visible()
    sha = hashlib.sha256(file.read_bytes()).hexdigest()
    expect(page.locator("td.hash")).to_have_text(sha)
    page.screenshot(path=shots / "portaal-ontvangstbewijs.png", full_page=True)
    page.get_by_role("link", name="Naar Mijn leveringen").click()
    expect(page.locator("table.leveringen tbody tr").first).to_contain_text("ontvangen")

    run_nightly_on(journey)
    page.reload()
    row = page.locator("table.leveringen tbody tr").first
    expect(row).to_contain_text("verwerkt")
    expect(row.locator("td").nth(5)).to_have_text("3")  # rows in
    expect(row.locator("td").nth(6)).to_have_text("2")  # loaded
    expect(row.locator("td").nth(7)).to_have_text("1")  # rejected
    expect(page.locator("ul.bestanden a").first).to_contain_text("levering-000001_GM0363_2025Q2")
    page.screenshot(path=shots / "portaal-mijn-leveringen.png", full_page=True)
    assert errors == []

    page.goto(f"{journey.url}/controleren")  # a correction for the same quarter: the warning
    page.get_by_label("Bestand (.xlsx, .csv of .jsonl)").set_input_files(file)
    page.get_by_role("button", name="Controleren").click()
    expect(page.locator("p.let-op")).to_contain_text("dit bestand vervangt levering 1 voor 2025Q2")


def test_admin_sees_who_delivered(journey: RunningPortal, browser: Browser, shots: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = watch_console(page)
    log_in(page, journey.url, journey.token("BEHEER", beheer=True))
    expect(page).to_have_url(f"{journey.url}/beheer")
    page.get_by_label("Kwartaal (leeg = alle)").fill("2025Q2")
    page.get_by_role("button", name="Toon").click()
    gm0363 = page.locator("table.beheer tbody tr", has_text="GM0363")
    expect(gm0363).to_contain_text("geleverd")
    expect(page.locator("table.beheer tbody tr", has_text="GM0014")).to_contain_text("ontbreekt")
    page.screenshot(path=shots / "portaal-beheer.png", full_page=False)
    assert errors == []


def run_nightly_on(portal: RunningPortal) -> None:
    """The next nightly run over the inbox the portal wrote to.

    In a thread of its own, with this context (Prefect's test harness settings): Playwright's
    sync API keeps an event loop running in this one, and Prefect would then hand back coroutines.
    """
    from flows.nightly import run_nightly

    context = contextvars.copy_context()
    with ThreadPoolExecutor(1) as pool:
        summary = pool.submit(context.run, run_nightly, portal.settings).result(timeout=600)
    assert [d.status for d in summary.deliveries] == ["loaded"]
