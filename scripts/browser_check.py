"""Check HTML pages in a real headless Chromium and save a full-page screenshot of each.

Every page (a local HTML file, or an http://127.0.0.1 URL) is opened in the Chromium from the
distribution's packages. The check waits for the load event plus a short settle time for
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

Chromium is driven with the Chrome DevTools Protocol over ``--remote-debugging-pipe``: it reads
commands from file descriptor 3 and writes replies and events to descriptor 4, each one a JSON
message ended by a NUL byte. Standard library only; Linux (POSIX) only.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import fcntl
import json
import math
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--remote-debugging-pipe",
)
COMMAND_TIMEOUT = 10.0  # seconds for a DevTools command that does no page work
VIEWPORT_HEIGHT = 800
MAX_SCREENSHOT_HEIGHT = 16384
MAX_TEMP_BASE_LENGTH = 40  # Chromium's socket in $TMPDIR must fit in 107 bytes; else /tmp
EXIT_OK, EXIT_PAGE_ERRORS, EXIT_NO_CHROMIUM = 0, 1, 3
NOT_FOUND_MESSAGE = (
    "Chromium niet gevonden: installeer het pakket 'chromium' (apt-get install chromium) "
    "of geef het pad met --chromium; gezocht: {path}"
)
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
    """Chromium started but did not answer on the DevTools pipe."""


class ChromiumGoneError(BrowserCheckError):
    """Chromium closed the DevTools pipe (it crashed or was killed)."""


class CdpError(BrowserCheckError):
    """A DevTools command was answered with an error, or the page failed to navigate."""


class CdpTimeoutError(BrowserCheckError):
    """A DevTools reply or an awaited event did not arrive in time."""


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


class DevToolsPipe:
    """A running Chromium and its DevTools connection; events are kept per session id."""

    def __init__(self, process: subprocess.Popen[bytes], write_fd: int, read_fd: int) -> None:
        self.process = process
        self.events: dict[str, list[dict[str, Any]]] = {}
        self._write_fd = write_fd
        self._messages: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._responses: dict[int, dict[str, Any]] = {}
        self._last_id = 0
        threading.Thread(target=self._read_messages, args=(read_fd,), daemon=True).start()

    def _read_messages(self, read_fd: int) -> None:
        """Reader thread: split the byte stream on NUL and queue each message; None at EOF."""
        pending = bytearray()
        try:
            while chunk := os.read(read_fd, 1 << 20):
                first, *rest = chunk.split(b"\0")
                pending += first
                for part in rest:
                    self._messages.put(json.loads(pending))
                    pending = bytearray(part)
        finally:
            os.close(read_fd)
            self._messages.put(None)

    def _pump(self, deadline: float) -> bool:
        """File one incoming message as reply or event; False when the deadline passed first."""
        try:
            message = self._messages.get(timeout=max(deadline - time.monotonic(), 0.0))
        except queue.Empty:
            return False
        if message is None:
            self._messages.put(None)  # later calls must see the end of the pipe too
            raise ChromiumGoneError("Chromium is onverwacht gestopt (DevTools-verbinding dicht)")
        if "id" in message:
            self._responses[message["id"]] = message
        else:
            self.events.setdefault(message.get("sessionId", ""), []).append(message)
        return True

    def send(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        session_id: str = "",
        timeout: float = COMMAND_TIMEOUT,
    ) -> dict[str, Any]:
        """Send one command and wait for its reply; return the result, raise on error."""
        self._last_id += 1
        command_id = self._last_id
        message: dict[str, Any] = {"id": command_id, "method": method, "params": params or {}}
        if session_id:
            message["sessionId"] = session_id
        self._write(json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while command_id not in self._responses:
            if not self._pump(deadline):
                raise CdpTimeoutError(f"geen antwoord op {method} binnen {timeout:g} s")
        reply = self._responses.pop(command_id)
        if "error" in reply:
            raise CdpError(f"{method} mislukt: {reply['error'].get('message', reply['error'])}")
        return reply.get("result", {})

    def _write(self, data: bytes) -> None:
        """Write all bytes to Chromium's command pipe."""
        view = memoryview(data)
        try:
            while view:
                view = view[os.write(self._write_fd, view) :]
        except BrokenPipeError:
            raise ChromiumGoneError("Chromium is onverwacht gestopt (pijp gesloten)") from None

    def wait_for_event(self, session_id: str, method: str, deadline: float, seen: int) -> bool:
        """Wait for an event ``method`` after the first ``seen`` events; False at the deadline."""
        while True:
            events = self.events.get(session_id, [])
            if any(event["method"] == method for event in events[seen:]):
                return True
            seen = len(events)
            if not self._pump(deadline):
                return False

    def collect_until(self, deadline: float) -> None:
        """Keep filing incoming events until the deadline."""
        while time.monotonic() < deadline:
            self._pump(deadline)

    def close(self) -> None:
        """Ask Chromium to quit, then kill its whole process group and reap it."""
        with contextlib.suppress(BrowserCheckError, OSError):
            self.send("Browser.close", timeout=3)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=2)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)  # renderers, zygote, GPU process
        self.process.wait()
        with contextlib.suppress(OSError):
            os.close(self._write_fd)


def find_chromium(path: str) -> str:
    """Return the Chromium executable to use, or raise ChromiumNotFoundError."""
    found = shutil.which(path)
    if found is None:
        raise ChromiumNotFoundError(NOT_FOUND_MESSAGE.format(path=path))
    return found


def start_chromium(executable: str, workdir: Path, timeout: float) -> DevToolsPipe:
    """Start headless Chromium on a fresh profile in ``workdir`` and check that it answers."""
    commands_read, commands_write = os.pipe()
    events_read, events_write = os.pipe()

    def place_pipe_ends() -> None:
        """In the child: put the pipe ends on fds 3 and 4, inheritable over exec."""
        high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (commands_read, events_write)]
        for target_fd, fd in zip((3, 4), high, strict=True):
            os.dup2(fd, target_fd)
            os.close(fd)

    # Its crash database and GTK settings follow XDG, its singleton socket TMPDIR: keep all inside.
    env = {**os.environ, "XDG_CONFIG_HOME": str(workdir), "XDG_CACHE_HOME": str(workdir)}
    env["TMPDIR"] = str(workdir)
    log_path = workdir / "chromium.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [executable, *CHROMIUM_FLAGS, f"--user-data-dir={workdir / 'profile'}"],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            close_fds=False,  # fds 3 and 4 must survive; our other fds are close-on-exec
            preexec_fn=place_pipe_ends,  # runs before exec; no threads yet
            start_new_session=True,
        )
    os.close(commands_read)
    os.close(events_write)
    browser = DevToolsPipe(process, commands_write, events_read)
    try:
        browser.send("Browser.getVersion", timeout=timeout)
    except BrowserCheckError as error:
        browser.close()
        tail = log_path.read_text(errors="replace")[-800:].strip()
        output = f"\nUitvoer van Chromium:\n{tail}" if tail else ""
        raise ChromiumStartError(f"Chromium start niet: {error}{output}") from None
    return browser


def make_workdir() -> Path:
    """A fresh temp dir for profile, log and Chromium's own temp files; /tmp if TMPDIR is long."""
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


def set_viewport(browser: DevToolsPipe, session_id: str, width: int, height: int) -> None:
    """Emulate a desktop viewport of the given size."""
    metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}
    browser.send("Emulation.setDeviceMetricsOverride", metrics, session_id)


def load_page(
    browser: DevToolsPipe, session_id: str, url: str, options: argparse.Namespace
) -> None:
    """Enable the domains we listen to, navigate, wait for the load event and settle."""
    for domain in ("Page", "Runtime", "Log", "Network"):
        browser.send(f"{domain}.enable", session_id=session_id)
    set_viewport(browser, session_id, options.width, VIEWPORT_HEIGHT)
    deadline = time.monotonic() + options.timeout
    timed_out = CdpTimeoutError(f"pagina niet geladen binnen {options.timeout:g} s (time-out)")
    earlier_events = len(browser.events.get(session_id, []))
    try:
        navigation = browser.send("Page.navigate", {"url": url}, session_id, options.timeout)
    except CdpTimeoutError:
        raise timed_out from None
    if navigation.get("errorText"):
        raise CdpError(f"pagina niet te openen: {navigation['errorText']}")
    if not browser.wait_for_event(session_id, "Page.loadEventFired", deadline, earlier_events):
        raise timed_out
    browser.collect_until(time.monotonic() + options.settle)


def save_screenshot(
    browser: DevToolsPipe, session_id: str, path: Path, options: argparse.Namespace
) -> None:
    """Save a PNG of the whole page: the viewport is stretched to the content height first."""
    metrics = browser.send("Page.getLayoutMetrics", session_id=session_id)
    content = metrics.get("cssContentSize") or metrics["contentSize"]
    height = min(max(math.ceil(content["height"]), 1), MAX_SCREENSHOT_HEIGHT)
    set_viewport(browser, session_id, options.width, height)
    params = {"format": "png", "captureBeyondViewport": True}
    shot = browser.send("Page.captureScreenshot", params, session_id, timeout=options.timeout)
    path.write_bytes(base64.b64decode(shot["data"]))


def check_page(
    browser: DevToolsPipe, target: str, screenshot: Path, options: argparse.Namespace
) -> PageResult:
    """Open one page in a new tab, collect its errors, save its screenshot, close the tab."""
    started = time.monotonic()
    result = PageResult(target=target, url=target)
    try:
        result.url = resolve_url(target)
    except FileNotFoundError as error:
        result.errors.append(PageError("page", str(error)))
        return result
    target_id = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    attach = {"targetId": target_id, "flatten": True}
    session_id = browser.send("Target.attachToTarget", attach)["sessionId"]
    problems: list[PageError] = []
    try:
        load_page(browser, session_id, result.url, options)
        save_screenshot(browser, session_id, screenshot, options)
        result.screenshot = str(screenshot)
    except (CdpError, CdpTimeoutError) as error:
        problems.append(PageError("page", str(error)))
    finally:
        with contextlib.suppress(CdpError, CdpTimeoutError):
            browser.send("Target.closeTarget", {"targetId": target_id})
    result.errors = problems + collect_errors(browser.events.pop(session_id, []))
    result.seconds = round(time.monotonic() - started, 2)
    return result


def describe_console_call(params: dict[str, Any]) -> PageError | None:
    """A console.error or failed console.assert call, else None."""
    if params.get("type") not in ("error", "assert"):
        return None
    texts = [
        str(arg.get("value", arg.get("description", arg.get("type")))) for arg in params["args"]
    ]
    message = " ".join(texts) or "(leeg)"
    if params["type"] == "assert":
        message = f"Assertion failed: {message}"
    frames = params.get("stackTrace", {}).get("callFrames", [])
    location = f"{frames[0]['url']}:{frames[0]['lineNumber'] + 1}" if frames else ""
    return PageError("console", message, location)


def describe_exception(params: dict[str, Any]) -> PageError:
    """An uncaught JavaScript exception, with the first line of its description."""
    details = params["exceptionDetails"]
    description = details.get("exception", {}).get("description") or details.get("text", "")
    location = f"{details['url']}:{details['lineNumber'] + 1}" if details.get("url") else ""
    return PageError("exception", description.splitlines()[0] if description else "?", location)


def describe_log_entry(params: dict[str, Any]) -> PageError | None:
    """A browser log entry of level error, else None."""
    entry = params["entry"]
    if entry.get("level") != "error":
        return None
    return PageError("log", entry.get("text", ""), entry.get("url", ""))


def describe_response(params: dict[str, Any]) -> PageError | None:
    """An HTTP response with status 400 or higher, else None."""
    response = params["response"]
    if response.get("status", 0) < 400:
        return None
    status = f"HTTP {response['status']} {response.get('statusText', '')}".strip()
    return PageError("network", status, response.get("url", ""))


def describe_loading_failure(params: dict[str, Any], urls: dict[str, str]) -> PageError | None:
    """A resource that failed to load (not one the page itself cancelled), else None."""
    if params.get("canceled") and not params.get("blockedReason"):
        return None
    reason = params.get("errorText", "") + (
        f" ({params['blockedReason']})" if params.get("blockedReason") else ""
    )
    return PageError("network", reason or "laden mislukt", urls.get(params["requestId"], ""))


def is_implicit_favicon(error: PageError) -> bool:
    """True for a failed ``/favicon.ico``: the browser asks every server for it on its own."""
    return error.kind in ("network", "log") and urlsplit(error.location).path == "/favicon.ico"


def collect_errors(events: list[dict[str, Any]]) -> list[PageError]:
    """Turn a page's DevTools events into errors; one network error per URL, no duplicates."""
    urls = {
        event["params"]["requestId"]: event["params"]["request"]["url"]
        for event in events
        if event["method"] == "Network.requestWillBeSent"
    }
    describers = {
        "Runtime.consoleAPICalled": describe_console_call,
        "Runtime.exceptionThrown": describe_exception,
        "Log.entryAdded": describe_log_entry,
        "Network.responseReceived": describe_response,
        "Network.loadingFailed": lambda params: describe_loading_failure(params, urls),
    }
    found = [describers[e["method"]](e["params"]) for e in events if e["method"] in describers]
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
    """Start one Chromium, check every page in order, always stop Chromium and clean up."""
    executable = find_chromium(options.chromium)
    options.screenshots.mkdir(parents=True, exist_ok=True)
    names = screenshot_names(options.targets)
    workdir = make_workdir()
    browser: DevToolsPipe | None = None
    try:
        browser = start_chromium(executable, workdir, options.timeout)
        return [
            check_page(browser, target, options.screenshots / name, options)
            for target, name in zip(options.targets, names, strict=True)
        ]
    finally:
        if browser is not None:
            browser.close()
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
