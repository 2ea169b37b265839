"""Check HTML pages in a real headless Chromium and save a full-page screenshot of each.

Every page (a local HTML file, or an http://127.0.0.1 URL) is opened in the Chromium from the
distribution's packages, driven by Playwright (``executable_path``: Playwright's own browsers
are never downloaded). The check waits for the load event plus a short settle time for
scripts, then collects every console error (``console.error``/``console.assert``), uncaught
JavaScript exception, browser error message and failed resource load (network errors and
HTTP 4xx/5xx). A page that does not load within the time-out is an error, not a hang.

Usage::

    python scripts/browser_check.py datadocs/index.html --screenshots /tmp/shots
    python scripts/browser_check.py a.html http://127.0.0.1:8000/ --screenshots shots --json

Options: ``--timeout`` seconds per page (30), ``--width`` viewport width in pixels (1280),
``--settle`` seconds to wait after the load event (0.5), ``--chromium`` path to the executable
(default ``$CHROMIUM`` or ``/usr/bin/chromium``). Screenshots are PNG files named after the page,
at most 16384 pixels high (taller pages are cut off there).

Exit codes: 0 no errors on any page, 1 at least one page had errors, 2 wrong arguments,
3 Chromium missing, not startable or gone during the check.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync")  # fmt: skip
VIEWPORT_HEIGHT = 800
MAX_SCREENSHOT_HEIGHT = 16384
MAX_TEMP_BASE_LENGTH = 40  # Chromium's socket in $TMPDIR must fit in 107 bytes; else /tmp
EXIT_OK, EXIT_PAGE_ERRORS, EXIT_NO_CHROMIUM = 0, 1, 3
NOT_FOUND_MESSAGE = (
    "Chromium niet gevonden: installeer het pakket 'chromium' (apt-get install chromium) "
    "of geef het pad met --chromium; gezocht: {path}"
)
BROWSER_LOG_PREFIX = "Failed to load resource"  # Chromium's own console line for a failed load
KIND_LABELS = {  # kind: (singular, plural), in Dutch for the analyst
    "page": ("paginafout", "paginafouten"),
    "console": ("consolefout", "consolefouten"),
    "exception": ("JavaScript-fout", "JavaScript-fouten"),
    "log": ("browserfout", "browserfouten"),
    "network": ("laadfout", "laadfouten"),
}


class BrowserCheckError(Exception):
    """The check itself could not be done (as opposed to an error found on a page)."""


class ChromiumNotFoundError(BrowserCheckError):
    """The Chromium executable does not exist or is not executable."""


class ChromiumStartError(BrowserCheckError):
    """Chromium did not start under Playwright."""


@dataclass
class PageError:
    """One error found on a page; ``kind`` is a key of KIND_LABELS."""

    kind: str
    message: str
    location: str = ""


@dataclass
class PageResult:
    """What the check found on one page given on the command line."""

    target: str
    url: str
    errors: list[PageError] = field(default_factory=list)
    screenshot: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when nothing went wrong on the page."""
        return not self.errors


def find_chromium(path: str) -> str:
    """Return the Chromium executable to use, or raise ChromiumNotFoundError."""
    found = shutil.which(path)
    if found is None:
        raise ChromiumNotFoundError(NOT_FOUND_MESSAGE.format(path=path))
    return found


def make_workdir() -> Path:
    """A fresh temp dir for Chromium's own temp files; /tmp if TMPDIR is long."""
    base = tempfile.gettempdir()
    if len(base) > MAX_TEMP_BASE_LENGTH:
        base = "/tmp"
    return Path(tempfile.mkdtemp(prefix="browser_check-", dir=base))


def resolve_url(target: str) -> str:
    """Return the URL to open for a command-line target: an http(s) URL or an existing file."""
    if urlsplit(target).scheme in ("http", "https"):
        return target
    path = Path(target).resolve()
    if not path.is_file():
        raise FileNotFoundError(f"bestand niet gevonden: {target}")
    return path.as_uri()


def screenshot_names(targets: list[str]) -> list[str]:
    """One readable, unique PNG name per target: ``datadocs/x.html`` → ``datadocs_x.html.png``."""
    names: list[str] = []
    for target in targets:
        parts = urlsplit(target)
        raw = parts.netloc + parts.path if parts.scheme in ("http", "https") else target
        stem = re.sub(r"[^A-Za-z0-9._-]+", "_", raw).strip("_.")[:120] or "pagina"
        name, number = f"{stem}.png", 1
        while name in names:
            number += 1
            name = f"{stem}-{number}.png"
        names.append(name)
    return names


def describe_console(kind: str, text: str, url: str, line: int) -> PageError | None:
    """A console.error or failed console.assert (or Chromium's own error line), else None."""
    if kind not in ("error", "assert"):
        return None
    location = f"{url}:{line + 1}" if url else ""
    if kind == "error" and text.startswith(BROWSER_LOG_PREFIX):
        return PageError("log", text, url)
    message = text or "(leeg)"
    if kind == "assert" and not message.startswith("Assertion failed"):
        message = f"Assertion failed: {message}"
    return PageError("console", message, location)


def describe_exception(name: str, message: str, stack: str) -> PageError:
    """An uncaught JavaScript exception, with the first line of its description."""
    first = (stack or f"{name}: {message}").splitlines()[0]
    return PageError("exception", first or "?")


def describe_response(status: int, status_text: str, url: str) -> PageError | None:
    """An HTTP response with status 400 or higher, else None."""
    if status < 400:
        return None
    return PageError("network", f"HTTP {status} {status_text}".strip(), url)


def describe_request_failure(failure: str | None, url: str) -> PageError | None:
    """A resource that failed to load (not one the page itself cancelled), else None."""
    if failure == "net::ERR_ABORTED":
        return None
    return PageError("network", failure or "laden mislukt", url)


def is_implicit_favicon(error: PageError) -> bool:
    """True for a failed ``/favicon.ico``: the browser asks every server for it on its own."""
    return error.kind in ("network", "log") and urlsplit(error.location).path == "/favicon.ico"


def collect_errors(found: list[PageError | None]) -> list[PageError]:
    """A page's errors without duplicates: one network error per URL, no implicit favicon."""
    errors = [error for error in found if error is not None and not is_implicit_favicon(error)]
    failed_urls = {error.location for error in errors if error.kind == "network"}
    unique: list[PageError] = []
    reported_urls: set[str] = set()
    for error in errors:
        if error.kind == "log" and error.location in failed_urls:
            continue  # Chromium also logs "Failed to load resource" for these URLs
        if error.kind == "network":
            if error.location in reported_urls:
                continue  # one error per URL: e.g. a 404 image also ends as a failed load
            reported_urls.add(error.location)
        unique.append(error)
    return unique


def listen(page: Any, found: list[PageError | None], open_: list[bool]) -> None:
    """Record the page's console errors, exceptions, failed loads and HTTP errors."""

    def record(error: PageError | None) -> None:
        if open_[0]:
            found.append(error)

    def console(message: Any) -> None:
        where = message.location or {}
        record(describe_console(message.type, message.text, where.get("url", ""),
                                where.get("lineNumber", 0)))  # fmt: skip

    page.on("console", console)
    page.on("pageerror", lambda exc: record(describe_exception(exc.name, exc.message, exc.stack)))
    page.on("response", lambda r: record(describe_response(r.status, r.status_text, r.url)))
    page.on("requestfailed", lambda r: record(describe_request_failure(r.failure, r.url)))


def save_screenshot(page: Any, path: Path, width: int) -> None:
    """A PNG of the whole page, cut off at MAX_SCREENSHOT_HEIGHT pixels."""
    height = page.evaluate("() => document.documentElement.scrollHeight") or VIEWPORT_HEIGHT
    if height > MAX_SCREENSHOT_HEIGHT:
        clip = {"x": 0, "y": 0, "width": width, "height": MAX_SCREENSHOT_HEIGHT}
        page.screenshot(path=str(path), full_page=True, clip=clip)
    else:
        page.screenshot(path=str(path), full_page=True)


def check_page(
    browser: Any, target: str, screenshot: Path, options: argparse.Namespace
) -> PageResult:
    """Open one page in a fresh context, collect its errors, save its screenshot, close it."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    started = time.monotonic()
    result = PageResult(target=target, url=target)
    try:
        result.url = resolve_url(target)
    except FileNotFoundError as error:
        result.errors.append(PageError("page", str(error)))
        return result
    context = browser.new_context(viewport={"width": options.width, "height": VIEWPORT_HEIGHT})
    page, found, open_ = context.new_page(), [], [True]
    listen(page, found, open_)
    problems: list[PageError] = []
    try:
        page.goto(result.url, wait_until="load", timeout=options.timeout * 1000)
        page.wait_for_timeout(options.settle * 1000)
        save_screenshot(page, screenshot, options.width)
        result.screenshot = str(screenshot)
    except PlaywrightTimeout:
        problems.append(
            PageError("page", f"pagina niet geladen binnen {options.timeout:g} s (time-out)")
        )
    except PlaywrightError as error:
        problems.append(
            PageError("page", f"pagina niet te openen: {error.message.splitlines()[0]}")
        )
    finally:
        open_[0] = False  # what closing the page cancels is not the page's fault
        with contextlib.suppress(PlaywrightError):
            context.close()
    result.errors = problems + collect_errors(found)
    result.seconds = round(time.monotonic() - started, 2)
    return result


def count_label(count: int, kind: str) -> str:
    """``2 consolefouten``, ``1 laadfout``: a count with the Dutch label for the kind."""
    singular, plural = KIND_LABELS[kind]
    return f"{count} {singular if count == 1 else plural}"


def short_location(location: str) -> str:
    """Show a file:// location as a path relative to the working directory when possible."""
    if not location.startswith("file://"):
        return location
    path = unquote(urlsplit(location).path)
    with contextlib.suppress(ValueError):
        return os.path.relpath(path)
    return path


def format_result(result: PageResult) -> list[str]:
    """The Dutch report lines for one page: a summary line, then one line per error."""
    shot = f"schermafdruk: {result.screenshot}" if result.screenshot else "geen schermafdruk"
    if result.ok:
        return [f"OK    {result.target} — geen fouten, {shot} ({result.seconds:.1f} s)"]
    counts = {kind: sum(e.kind == kind for e in result.errors) for kind in KIND_LABELS}
    summary = ", ".join(count_label(n, kind) for kind, n in counts.items() if n)
    lines = [f"FOUT  {result.target} — {summary}; {shot} ({result.seconds:.1f} s)"]
    for error in result.errors:
        where = f"  ({short_location(error.location)})" if error.location else ""
        lines.append(f"      {KIND_LABELS[error.kind][0]}: {error.message}{where}")
    return lines


def format_report(results: list[PageResult]) -> str:
    """The full Dutch report: every page, then one closing line with the totals."""
    lines = [line for result in results for line in format_result(result)]
    bad = sum(not result.ok for result in results)
    pages = "1 pagina" if len(results) == 1 else f"{len(results)} pagina's"
    lines.append(f"{pages} gecontroleerd: {len(results) - bad} zonder fouten, {bad} met fouten.")
    return "\n".join(lines)


def format_json(results: list[PageResult]) -> str:
    """The report for machines: overall ``ok`` and per page its errors and screenshot."""
    pages = [{**asdict(result), "ok": result.ok} for result in results]
    return json.dumps({"ok": all(r.ok for r in results), "pages": pages}, indent=2)


def run_checks(options: argparse.Namespace) -> list[PageResult]:
    """Start one Chromium under Playwright, check every page in order, always stop it."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    executable = find_chromium(options.chromium)
    options.screenshots.mkdir(parents=True, exist_ok=True)
    names = screenshot_names(options.targets)
    workdir = make_workdir()
    env = {**os.environ, "TMPDIR": str(workdir), "XDG_CONFIG_HOME": str(workdir),
           "XDG_CACHE_HOME": str(workdir)}  # fmt: skip
    try:
        with sync_playwright() as playwright:
            try:
                browser = playwright.chromium.launch(executable_path=executable, args=list(CHROMIUM_ARGS),
                                                     env=env, timeout=options.timeout * 1000)  # fmt: skip
            except PlaywrightError as error:
                raise ChromiumStartError(
                    f"Chromium start niet: {error.message.splitlines()[0]}"
                ) from None
            try:
                return [check_page(browser, target, options.screenshots / name, options)
                        for target, name in zip(options.targets, names, strict=True)]  # fmt: skip
            finally:
                browser.close()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(
        description="Open HTML-pagina's in headless Chromium, meld fouten, maak schermafdrukken."
    )
    parser.add_argument("targets", nargs="+", metavar="PAD_OF_URL", help="HTML-bestand of URL")
    parser.add_argument("--screenshots", type=Path, required=True, metavar="MAP")
    parser.add_argument("--json", action="store_true", help="uitvoer als JSON")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconden per pagina")
    parser.add_argument("--width", type=int, default=1280, help="breedte in pixels")
    parser.add_argument("--settle", type=float, default=0.5, help="wachttijd na laden (s)")
    parser.add_argument(
        "--chromium", default=os.environ.get("CHROMIUM") or DEFAULT_CHROMIUM, metavar="PAD"
    )
    options = parser.parse_args(argv)
    if options.timeout <= 0 or options.width <= 0 or options.settle < 0:
        parser.error("--timeout en --width moeten positief zijn, --settle niet negatief")
    return options


def main(argv: list[str] | None = None) -> int:
    """Run the check; print the report; return the exit code."""
    options = parse_args(argv)
    try:
        results = run_checks(options)
    except BrowserCheckError as error:
        print(f"FOUT  {error}", file=sys.stderr)
        if options.json:
            print(json.dumps({"ok": False, "error": str(error), "pages": []}, indent=2))
        return EXIT_NO_CHROMIUM
    print(format_json(results) if options.json else format_report(results))
    return EXIT_OK if all(result.ok for result in results) else EXIT_PAGE_ERRORS


if __name__ == "__main__":
    sys.exit(main())
