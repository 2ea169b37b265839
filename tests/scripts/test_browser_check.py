"""scripts/browser_check.py (Playwright, Debian's Chromium) on local files and a real HTTP server."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar

import pytest

from tests.script_module import load_script

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "browser_check.py"
CHROMIUM = Path("/usr/bin/chromium")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium ontbreekt")

CLEAN_PAGE = (
    '<!doctype html><html><body><h1>Hallo</h1><div style="height:1500px"></div></body></html>'
)
BROKEN_PAGES = {
    "console.html": "<!doctype html><body><script>console.error('x')</script></body>",
    "throw.html": "<!doctype html><body><script>throw new Error('y')</script></body>",
    "image.html": '<!doctype html><body><img src="missing.png"></body>',
}


def load_checker() -> ModuleType:
    """Import the script as a module, for its pure functions."""
    return load_script("scripts/browser_check.py", "browser_check")


def run_check(
    tmp_path: Path, *args: str, temp: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the script in its own process; TMPDIR is ``temp`` or a (long) dir under tmp_path."""
    if temp is None:
        temp = tmp_path / "tmp"  # longer than a Unix socket path allows: the script copes
        temp.mkdir(exist_ok=True)
    command = [sys.executable, str(SCRIPT), *args, "--screenshots", str(tmp_path / "shots")]
    env = {**os.environ, "TMPDIR": str(temp)}
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)


def write_pages(folder: Path, pages: dict[str, str]) -> list[str]:
    """Write HTML files; return their paths as command-line arguments."""
    for name, html in pages.items():
        (folder / name).write_text(html, encoding="utf-8")
    return [str(folder / name) for name in pages]


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    header = path.read_bytes()[:24]
    return int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")


@pytest.fixture
def short_tmpdir() -> Iterator[Path]:
    """A TMPDIR short enough for Chromium to use as is, so we can see it left empty."""
    path = Path(tempfile.mkdtemp(prefix="bc-test-", dir="/tmp"))
    yield path
    shutil.rmtree(path)


@needs_chromium
def test_clean_page_passes_with_a_full_page_screenshot(tmp_path: Path, short_tmpdir: Path) -> None:
    [page] = write_pages(tmp_path, {"schoon.html": CLEAN_PAGE})

    done = run_check(tmp_path, page, "--width", "1000", temp=short_tmpdir)

    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith(f"OK    {page} — geen fouten, schermafdruk: ")
    shot = tmp_path / "shots" / f"{page.strip('/').replace('/', '_')}.png"
    assert shot.read_bytes().startswith(PNG_SIGNATURE)
    width, height = png_size(shot)
    assert width == 1000
    assert height >= 1500  # the whole page, not just the 800-pixel viewport
    assert list(short_tmpdir.iterdir()) == []  # profile and Chromium's temp files removed


@needs_chromium
def test_console_error_exception_and_missing_image_are_each_reported(tmp_path: Path) -> None:
    pages = write_pages(tmp_path, {**BROKEN_PAGES, "schoon.html": CLEAN_PAGE})

    done = run_check(tmp_path, *pages, "--json")

    assert done.returncode == 1, done.stdout + done.stderr
    report = json.loads(done.stdout)
    errors = {Path(page["target"]).name: page["errors"] for page in report["pages"]}
    assert [(e["kind"], e["message"]) for e in errors["console.html"]] == [("console", "x")]
    [exception] = errors["throw.html"]
    assert exception["kind"] == "exception"
    assert "Error: y" in exception["message"]
    [image] = errors["image.html"]
    assert image["kind"] == "network"
    assert image["location"].endswith("/missing.png")
    assert errors["schoon.html"] == []  # errors stay with the page that caused them
    assert all(Path(page["screenshot"]).is_file() for page in report["pages"])


class SiteHandler(BaseHTTPRequestHandler):
    """Serves a page with a missing script, and a page whose script never arrives."""

    pages: ClassVar[dict[str, str]] = {
        "/index.html": '<!doctype html><body><script src="/missing.js"></script></body>',
        "/hangt.html": '<!doctype html><body><script src="/slow.js"></script></body>',
    }
    release = threading.Event()

    def do_GET(self) -> None:
        """Answer from ``pages``; hold /slow.js until the test ends; 404 for the rest."""
        if self.path == "/slow.js":
            self.release.wait(timeout=20)
        body = self.pages.get(self.path, "niet gevonden").encode()
        self.send_response(200 if self.path in self.pages else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test output quiet."""


@pytest.fixture
def site() -> Iterator[str]:
    """A real HTTP server on 127.0.0.1; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), SiteHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    SiteHandler.release.set()
    server.shutdown()
    server.server_close()


@needs_chromium
def test_script_404_and_a_page_that_never_loads_are_reported(tmp_path: Path, site: str) -> None:
    started = time.monotonic()

    done = run_check(
        tmp_path, f"{site}/index.html", f"{site}/hangt.html", "--timeout", "3", "--json"
    )

    assert done.returncode == 1, done.stdout + done.stderr
    index, hanging = json.loads(done.stdout)["pages"]
    assert [(e["kind"], e["message"], e["location"]) for e in index["errors"]] == [
        ("network", "HTTP 404 Not Found", f"{site}/missing.js")
    ]  # and not the browser's own request for /favicon.ico
    assert [e["kind"] for e in hanging["errors"]] == ["page"]
    assert "niet geladen binnen 3 s" in hanging["errors"][0]["message"]
    assert time.monotonic() - started < 20


def test_missing_chromium_is_exit_3_with_a_dutch_hint(tmp_path: Path) -> None:
    done = run_check(tmp_path, "x.html", "--chromium", str(tmp_path / "geen-chromium"))

    assert done.returncode == 3
    assert "Chromium niet gevonden: installeer het pakket 'chromium'" in done.stderr


def test_network_errors_are_reported_once_per_url_without_favicon() -> None:
    check = load_checker()
    url = "http://127.0.0.1:8000/a.png"
    found = [
        check.describe_response(404, "", url),
        check.describe_request_failure("net::ERR_X", url),
        check.describe_console("error", "Failed to load resource: 404", url, 0),
        check.describe_response(404, "", "http://h/favicon.ico"),
        check.describe_console("log", "1", "", 0),
        check.describe_request_failure("net::ERR_ABORTED", "http://h/b.js"),  # cancelled
    ]

    errors = check.collect_errors(found)

    assert [(e.kind, e.message, e.location) for e in errors] == [("network", "HTTP 404", url)]


def test_report_counts_errors_per_kind_in_dutch() -> None:
    check = load_checker()
    result = check.PageResult(target="a.html", url="file:///a.html", screenshot="s/a.html.png")
    result.errors = [check.PageError("console", "x"), check.PageError("console", "z")]
    result.errors.append(check.PageError("network", "HTTP 404", "http://h/b.js"))

    lines = check.format_report([result]).splitlines()

    assert lines[0].startswith(
        "FOUT  a.html — 2 consolefouten, 1 laadfout; schermafdruk: s/a.html.png"
    )
    assert lines[1:4] == [
        "      consolefout: x",
        "      consolefout: z",
        "      laadfout: HTTP 404  (http://h/b.js)",
    ]
    assert lines[-1] == "1 pagina gecontroleerd: 0 zonder fouten, 1 met fouten."
