"""Reading an API source: the incidents changed since a cursor, paged JSON over HTTPS.

The contract the connector expects of a registration system's API (documented for employers):
- `GET <base_url><path>?page_size=N[&updated_since=<cursor>]` with `Authorization: Bearer <token>`;
- the answer is `{"data": [<incident object>, ...], "next": <url of the next page or null>}`;
  `next` may be absolute or relative to the page it came from, and the client follows it
  as given (the server carries the filter and the position in it);
- `updated_since` is exclusive: only incidents whose cursor field (e.g. `gewijzigd_op`) is
  later than the cursor; the cursor field is ISO 8601 in one notation, so text order is time order.

5xx answers and time-outs are retried with exponential backoff; a 429 waits its Retry-After;
401/403 fail at once with `ApiAuthError`. The pulled objects become a `RawTable` exactly as
JSON lines do (`json_cell`), `_rij` being the position in the pull (1-based).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

import httpx

from connectors.base import RawTable, frame_from_rows
from connectors.jsonl import json_cell
from connectors.sources import SourceConfig
from schemas.errors import PipelineError

log = logging.getLogger(__name__)
RETRY_STATUSES = frozenset({500, 502, 503, 504})


class ApiError(PipelineError):
    """A registration system's API could not be read (after retries)."""

    def __init__(self, source_id: str, message: str) -> None:
        super().__init__(f"API-bron {source_id}: {message}")
        self.source_id = source_id
        self.message = message


class ApiAuthError(ApiError):
    """The API refused the token (401/403): fix the token, retrying will not help."""


@dataclass(frozen=True)
class ApiPull:
    """The incidents one pull brought, and the cursor to keep once they are loaded."""

    source_id: str
    records: list[dict[str, Any]]
    table: RawTable
    since: str | None  # the cursor the pull started from
    cursor: str | None  # the latest cursor field seen; `since` when nothing changed
    pulled_at: dt.datetime
    pages: int

    @property
    def canonical(self) -> bytes:
        """The records as canonical JSON: what the pull's identity is computed over."""
        return json.dumps(self.records, ensure_ascii=False, sort_keys=True,
                          separators=(",", ":")).encode()  # fmt: skip

    @property
    def sha256(self) -> str:
        """The identity of the pull in the ledger (the same records twice are the same pull)."""
        return hashlib.sha256(self.canonical).hexdigest()


def fetch_changes(
    config: SourceConfig,
    since: str | None,
    token: str,
    *,
    client: httpx.Client | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> ApiPull:
    """Pull every incident changed after `since` (all of them when None), page by page."""
    own = client is None
    http = client or httpx.Client(timeout=config.timeout_seconds)
    params: dict[str, str | int] = {"page_size": config.page_size}
    if since is not None:
        params["updated_since"] = since
    records: list[dict[str, Any]] = []
    url: str | None = str(httpx.URL(config.url, params=params))
    pages, seen = 0, set()
    try:
        while url is not None:
            if pages >= config.max_pages or url in seen:
                raise ApiError(config.id, f"paginering stopt niet (pagina {pages + 1}: {url})")
            seen.add(url)
            body = _get_page(http, url, config, token, sleep)
            records.extend(_page_records(body, config, url))
            pages += 1
            nxt = body.get("next")
            url = urljoin(url, nxt) if isinstance(nxt, str) and nxt else None
    finally:
        if own:
            http.close()
    cursor = _latest_cursor(records, config, since)
    log.info("%s: %d incidenten in %d pagina's, cursor %s → %s", config.id, len(records), pages,
             since, cursor)  # fmt: skip
    return ApiPull(config.id, records, records_table(records, config.id), since, cursor,
                   dt.datetime.now(dt.UTC), pages)  # fmt: skip


def records_table(records: list[dict[str, Any]], source_id: str) -> RawTable:
    """Pulled objects as raw cells, the same conversion as JSON lines; `_rij` 1-based."""
    header = list(dict.fromkeys(k for r in records for k in r))
    rows = [[json_cell(r.get(k)) for k in header] for r in records]
    numbers = list(range(1, len(records) + 1))
    return RawTable(cells=frame_from_rows(header, rows, numbers), file=source_id)


def _get_page(http: httpx.Client, url: str, config: SourceConfig, token: str,
              sleep: Callable[[float], None]) -> dict[str, Any]:  # fmt: skip
    """One page, with retries on 5xx, time-outs and 429; a clear error on 401/403."""
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    problem = ""
    for attempt in range(config.max_retries + 1):
        if attempt:
            log.warning("%s: %s; poging %d van %d", config.id, problem, attempt + 1,
                        config.max_retries + 1)  # fmt: skip
        try:
            response = http.get(url, headers=headers, timeout=config.timeout_seconds)
        except (httpx.TimeoutException, httpx.NetworkError) as exc:
            problem = f"geen antwoord ({type(exc).__name__})"
            sleep(config.backoff_seconds * 2**attempt)
            continue
        status = response.status_code
        if status in (401, 403):
            raise ApiAuthError(config.id, f"toegang geweigerd (HTTP {status}); controleer het "
                                          f"token in {config.token_env}")  # fmt: skip
        if status == 429:
            problem = "te veel verzoeken (HTTP 429)"
            sleep(_retry_after(response, config, attempt))
            continue
        if status in RETRY_STATUSES:
            problem = f"serverfout (HTTP {status})"
            sleep(config.backoff_seconds * 2**attempt)
            continue
        if status != 200:
            raise ApiError(config.id, f"onverwacht antwoord HTTP {status} op {url}")
        return _json_body(response, config, url)
    raise ApiError(config.id, f"{problem}, ook na {config.max_retries + 1} pogingen ({url})")


def _retry_after(response: httpx.Response, config: SourceConfig, attempt: int) -> float:
    """Seconds to wait after a 429: its Retry-After (seconds), else the backoff; capped."""
    try:
        wait = float(response.headers.get("Retry-After", ""))
    except ValueError:
        wait = config.backoff_seconds * 2**attempt
    return min(max(wait, 0.0), config.max_retry_after_seconds)


def _json_body(response: httpx.Response, config: SourceConfig, url: str) -> dict[str, Any]:
    """The page as a JSON object."""
    try:
        body = response.json()
    except ValueError as exc:
        raise ApiError(config.id, f"antwoord is geen geldige JSON ({url})") from exc
    if not isinstance(body, dict):
        raise ApiError(config.id, f"antwoord is geen JSON-object met 'data' ({url})")
    return body


def _page_records(body: dict[str, Any], config: SourceConfig, url: str) -> list[dict[str, Any]]:
    """The incident objects on one page."""
    data = body.get("data")
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise ApiError(config.id, f"'data' is geen lijst van JSON-objecten ({url})")
    return data


def _latest_cursor(
    records: list[dict[str, Any]], config: SourceConfig, since: str | None
) -> str | None:
    """The latest cursor field among the records; every record must carry one."""
    values = [json_cell(r.get(config.cursor_field)) for r in records]
    if any(v is None for v in values):
        raise ApiError(config.id, f"een incident mist het veld '{config.cursor_field}'")
    return max([v for v in values if v is not None] + ([since] if since else []), default=None)
