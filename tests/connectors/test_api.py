"""The API connector against a real HTTP server on 127.0.0.1, loading into a real DuckDB file."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import duckdb
import pytest

from connectors.api import ApiAuthError, ApiError, fetch_changes
from connectors.sources import SOURCE_DIR, SourceConfig, load_source_configs
from pipeline.ingest.process import ProcessingInputs
from pipeline.night.api_sync import SyncResult, quarter, sync_source
from pipeline.warehouse.store import Warehouse, build_next_version

PATH = "/registratie/v1/incidenten"
TOKEN = "geheim-token"
NOW = dt.datetime(2026, 11, 29, 2, 0, tzinfo=dt.UTC)
POLITIE_FIELDS = ("pleegtijd", "registratiedatum", "omstandigheid", "wapen", "schade", "nazorg",
                  "aantal_verdachten", "letsel", "verzuimdagen", "mo_omschrijving")  # fmt: skip


def incident(number: int, changed: str, **extra: Any) -> dict[str, Any]:
    """One incident object as the politie API returns it: every politie_jsonl field, null if empty."""
    return {**dict.fromkeys(POLITIE_FIELDS), "registratienummer": f"PL-{number}", "pleegdatum": f"2026-0{number % 9 + 1}-1{number % 10}",
            "gemeente_cbs": "GM0599", "feitcategorieen": ["bedreiging"], "modus": "fysiek",
            "aangifte": True, "vpt": True, "medewerker_id": f"M{number}",
            "gewijzigd_op": changed, **extra}  # fmt: skip


@dataclass
class Registration:
    """The registration system behind the fake API: its incidents and planned misbehaviour."""

    incidents: dict[str, dict[str, Any]] = field(default_factory=dict)
    failures: dict[int, list[tuple[int, dict[str, str]]]] = field(default_factory=dict)
    slow: dict[int, float] = field(default_factory=dict)  # page → one-shot delay in seconds
    requests: list[str] = field(default_factory=list)

    def put(self, *records: dict[str, Any]) -> None:
        for record in records:
            self.incidents[record["registratienummer"]] = record

    def page(self, query: dict[str, list[str]]) -> tuple[int, dict[str, str], dict[str, Any]]:
        """The answer to one page request: filter by cursor, order, slice, link the next page."""
        number, size = int(query.get("page", ["1"])[0]), int(query["page_size"][0])
        if self.failures.get(number):
            status, headers = self.failures[number].pop(0)
            return status, headers, {"fout": status}
        since = query.get("updated_since", [""])[0]
        rows = sorted((r for r in self.incidents.values() if r["gewijzigd_op"] > since),
                      key=lambda r: (r["gewijzigd_op"], r["registratienummer"]))  # fmt: skip
        chunk = rows[(number - 1) * size : number * size]
        more = number * size < len(rows)
        nxt = "?" + urlencode({**{k: v[0] for k, v in query.items()}, "page": number + 1})
        return 200, {}, {"data": chunk, "next": nxt if more else None}


def handler_for(registration: Registration) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            registration.requests.append(self.path)
            parts = urlsplit(self.path)
            query = parse_qs(parts.query)
            if parts.path != PATH:
                return self.answer(404, {}, {"fout": "onbekend pad"})
            if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                return self.answer(401, {}, {"fout": "niet geautoriseerd"})
            number = int(query.get("page", ["1"])[0])
            delay = registration.slow.pop(number, 0.0)
            time.sleep(delay)
            self.answer(*registration.page(query))

        def answer(self, status: int, headers: dict[str, str], body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            try:
                self.send_response(status)
                for key, value in {"Content-Type": "application/json", **headers}.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):  # the client timed out and left
                pass

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            return

    return Handler


@pytest.fixture
def registration() -> Registration:
    registration = Registration()
    registration.put(*(incident(n, f"2026-11-0{n}T10:00:00Z") for n in range(1, 6)))
    return registration


@pytest.fixture
def config(registration: Registration) -> Iterator[SourceConfig]:
    """A source config pointing at a fresh server on 127.0.0.1 (port chosen by the OS)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(registration))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield SourceConfig(id="politie_api", organisatiecode="POL", profile="politie_jsonl",
                       base_url=f"http://127.0.0.1:{server.server_address[1]}", path=PATH,
                       page_size=2, token_env="MONITOR_API_TOKEN_TEST", timeout_seconds=0.5,
                       max_retries=3, backoff_seconds=0.01)  # fmt: skip
    server.shutdown()
    server.server_close()


def night(published: Path, config: SourceConfig, inputs: ProcessingInputs,
          token: str = TOKEN) -> SyncResult:  # fmt: skip
    """One nightly sync of the source into the next version of the warehouse."""
    with build_next_version(published) as warehouse:
        return sync_source(warehouse, config, inputs, warehouse.start_run(NOW), token)


def rows(published: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(published), read_only=True) as con:
        return con.execute(sql).fetchall()


CURSOR = "SELECT cursor FROM ops.api_cursor WHERE source_id = 'politie_api'"


def test_the_example_source_config_loads_and_names_an_existing_profile(
    processing_inputs: ProcessingInputs,
) -> None:
    configs = load_source_configs(SOURCE_DIR)
    assert [c.id for c in configs] == ["politie_api"]
    assert configs[0].profile in {p.id for p in processing_inputs.profiles}


def test_a_config_with_an_unknown_key_fails_when_it_loads() -> None:
    with pytest.raises(ValueError, match="extra"):
        SourceConfig.model_validate({"id": "x", "organisatiecode": "POL", "profile": "p",
                                     "base_url": "https://x", "path": "/i", "token_env": "T",
                                     "wachtwoord": "nee"})  # fmt: skip


def test_fetch_follows_the_pages_and_keeps_the_latest_cursor(
    config: SourceConfig, registration: Registration
) -> None:
    pull = fetch_changes(config, None, TOKEN)
    assert pull.pages == 3 and len(registration.requests) == 3
    assert list(pull.table.cells["registratienummer"]) == [f"PL-{n}" for n in range(1, 6)]
    assert list(pull.table.cells["_rij"]) == [1, 2, 3, 4, 5]
    assert pull.table.cells["feitcategorieen"][0] == "bedreiging"  # json_cell, as JSON lines
    assert pull.cursor == "2026-11-05T10:00:00Z"
    later = fetch_changes(config, "2026-11-03T10:00:00Z", TOKEN)
    assert [r["registratienummer"] for r in later.records] == ["PL-4", "PL-5"]


def test_a_server_error_mid_run_and_a_429_and_a_time_out_are_retried(
    config: SourceConfig, registration: Registration
) -> None:
    registration.failures = {2: [(500, {}), (429, {"Retry-After": "0"})]}
    registration.slow = {3: 1.0}  # longer than the 0.5 s time-out, once
    pull = fetch_changes(config, None, TOKEN)
    assert len(pull.records) == 5
    pages = [parse_qs(urlsplit(p).query).get("page", ["1"])[0] for p in registration.requests]
    assert pages == ["1", "2", "2", "2", "3", "3"]


def test_a_server_that_keeps_failing_gives_up_after_the_retries(
    config: SourceConfig, registration: Registration
) -> None:
    registration.failures = {1: [(503, {})] * 10}
    with pytest.raises(ApiError, match=r"HTTP 503.*4 pogingen"):
        fetch_changes(config, None, TOKEN)
    assert len(registration.requests) == config.max_retries + 1


def test_first_night_loads_every_page_and_keeps_the_cursor(
    tmp_path: Path, config: SourceConfig, processing_inputs: ProcessingInputs
) -> None:
    published = tmp_path / "monitor.duckdb"
    result = night(published, config, processing_inputs)
    assert (result.status, result.rows_in, result.rows_loaded) == ("loaded", 5, 5)
    assert rows(published, "SELECT count(*) FROM core.incident") == [(5,)]
    assert rows(published, CURSOR) == [("2026-11-05T10:00:00Z",)]
    ledger = rows(published, "SELECT periode, status, rows_in FROM ops.delivery")
    pulled_in = quarter(dt.datetime.now(dt.UTC).date()).code  # a pull's ledger period
    assert ledger == [(pulled_in, "loaded", 5)]
    incident_periods = rows(published, "SELECT DISTINCT periode FROM core.incident ORDER BY 1")
    assert ("2026Q1",) in incident_periods  # each incident in the quarter it happened


def test_second_night_pulls_only_what_changed_and_replaces_the_earlier_version(
    tmp_path: Path, config: SourceConfig, registration: Registration,
    processing_inputs: ProcessingInputs,
) -> None:  # fmt: skip
    published = tmp_path / "monitor.duckdb"
    night(published, config, processing_inputs)
    quiet = night(published, config, processing_inputs)
    assert quiet.status == "unchanged" and quiet.cursor_after == "2026-11-05T10:00:00Z"
    assert rows(published, "SELECT count(*) FROM ops.delivery") == [(1,)]  # no empty ledger row
    registration.put(incident(2, "2026-11-20T09:00:00Z", aangifte=False, vpt=False),
                     incident(6, "2026-11-21T09:00:00Z"))  # fmt: skip
    registration.requests.clear()
    changed = night(published, config, processing_inputs)
    assert "updated_since=2026-11-05T10%3A00%3A00Z" in registration.requests[0]
    assert (changed.status, changed.rows_in, changed.rows_loaded) == ("loaded", 2, 2)
    assert rows(published, "SELECT count(*) FROM core.incident") == [(6,)]
    assert rows(published, "SELECT aangifte, delivery_id FROM core.incident "
                           "WHERE bron_incidentnummer = 'PL-2'") == [("nee", changed.delivery_id)]  # fmt: skip
    assert rows(published, CURSOR) == [("2026-11-21T09:00:00Z",)]
    assert rows(published, "SELECT count(*) FROM ops.delivery WHERE status = 'loaded'") == [(2,)]


def test_a_wrong_token_fails_clearly_and_moves_no_cursor(
    tmp_path: Path, config: SourceConfig, registration: Registration,
    processing_inputs: ProcessingInputs,
) -> None:  # fmt: skip
    published = tmp_path / "monitor.duckdb"
    night(published, config, processing_inputs)
    registration.put(incident(7, "2026-11-22T09:00:00Z"))
    registration.requests.clear()
    with pytest.raises(ApiAuthError, match=r"politie_api.*HTTP 401.*MONITOR_API_TOKEN_TEST"):
        night(published, config, processing_inputs, token="verkeerd")
    assert rows(published, CURSOR) == [("2026-11-05T10:00:00Z",)]
    assert len(registration.requests) == 1  # a 401 is not retried


def test_a_failed_load_leaves_data_and_cursor_where_they_were(
    tmp_path: Path, config: SourceConfig, registration: Registration,
    processing_inputs: ProcessingInputs, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    published = tmp_path / "monitor.duckdb"
    night(published, config, processing_inputs)
    registration.put(incident(2, "2026-11-20T09:00:00Z", aangifte=False))
    original = Warehouse._append

    def failing(self: Warehouse, table: str, frame: Any, columns: tuple[str, ...]) -> None:
        if table == "ops.delivery_fte":
            raise duckdb.IOException("schijf vol")
        original(self, table, frame, columns)

    with build_next_version(published) as warehouse:
        monkeypatch.setattr(Warehouse, "_append", failing)
        with pytest.raises(Exception, match="schijf vol"):
            sync_source(warehouse, config, processing_inputs, warehouse.start_run(NOW), TOKEN)
        monkeypatch.setattr(Warehouse, "_append", original)
        assert warehouse.api_cursor("politie_api") == "2026-11-05T10:00:00Z"
        assert warehouse.query("SELECT count(*) AS n FROM ops.delivery")["n"][0] == 1
        assert warehouse.query("SELECT aangifte FROM core.incident "
                               "WHERE bron_incidentnummer = 'PL-2'")["aangifte"][0] == "ja"  # fmt: skip
    retried = night(published, config, processing_inputs)  # the next night catches up
    assert (retried.status, retried.rows_loaded) == ("loaded", 1)
    assert rows(published, CURSOR) == [("2026-11-20T09:00:00Z",)]
