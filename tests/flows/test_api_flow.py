"""API sources in the nightly flow: the first night pulls all, the next only what changed."""

from __future__ import annotations

import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

import duckdb
import pytest
import yaml

from pipeline.settings import Settings
from tests.conftest import TEST_KEY
from tests.connectors.test_api import PATH, TOKEN, Registration, handler_for, incident


def test_nightly_flow_pulls_api_sources_incrementally(tmp_path: Path, prefect_harness: None,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    from flows.nightly import run_nightly

    registration = Registration()
    registration.put(*(incident(n, f"2026-11-0{n}T10:00:00Z") for n in range(1, 6)))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(registration))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sources = tmp_path / "sources"
    sources.mkdir()
    config = {"id": "politie_api", "organisatiecode": "POL", "profile": "politie_jsonl",
              "base_url": f"http://127.0.0.1:{server.server_address[1]}", "path": PATH,
              "page_size": 2, "token_env": "MONITOR_API_TOKEN_TEST", "backoff_seconds": 0.01}  # fmt: skip
    (sources / "politie_api.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    monkeypatch.setenv("MONITOR_API_TOKEN_TEST", TOKEN)
    monkeypatch.setenv("MONITOR_PSEUDONYM_KEY", TEST_KEY.decode())
    monkeypatch.setenv("MONITOR_API_SOURCES", '["politie_api"]')  # the flow reads its settings
    monkeypatch.setenv("MONITOR_API_SOURCES_DIR", str(sources))
    (tmp_path / "inbox").mkdir()
    settings = Settings(
        inbox_dir=tmp_path / "inbox", warehouse_path=tmp_path / "wh" / "monitor.duckdb"
    )
    try:
        first = run_nightly(settings)
        second = run_nightly(settings)
        registration.put(incident(3, "2026-11-20T10:00:00Z", modus="telefonisch"))
        third = run_nightly(settings)
    finally:
        server.shutdown()
        server.server_close()

    assert [(p.status, p.rows_loaded) for p in first.api_pulls] == [("loaded", 5)]
    assert [p.status for p in second.api_pulls] == ["unchanged"]
    assert [(p.status, p.rows_loaded) for p in third.api_pulls] == [("loaded", 1)]
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        rows = con.execute(
            "SELECT kanaal FROM core.incident WHERE bron_incidentnummer = 'PL-3'"
        ).fetchall()
        total = con.execute("SELECT count(*) FROM core.incident").fetchone()
        ledger = con.execute("SELECT DISTINCT voorlopig, geen_incidenten FROM ops.delivery "
                             "WHERE bronbestand LIKE 'politie_api%'").fetchall()  # fmt: skip
    assert rows == [("telefonisch",)]
    assert total == (5,)
    assert ledger == [(False, False)]  # a pull is never provisional, never a nil return


def test_an_unknown_api_source_is_a_configuration_error(tmp_path: Path) -> None:
    from pipeline.night.steps import enabled_api_sources
    from schemas.errors import ConfigurationError

    with pytest.raises(ConfigurationError, match="geen_bron"):
        enabled_api_sources(Settings(api_sources=["geen_bron"]))
    assert enabled_api_sources(Settings()) == []
