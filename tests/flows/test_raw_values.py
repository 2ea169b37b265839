"""A column shift puts employee ids where values are checked: none may be kept (issue 9 point 6).

The whole night runs (real flow, real DuckDB, Data Docs, report, feedback); then every place it
writes is searched for the raw ids: the warehouse, the feedback (xlsx, csv, html), the Data Docs,
the report and the Prefect database.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from pipeline.settings import Settings
from pipeline.warehouse.store import open_published
from tests.conftest import TEST_KEY, write_source

HEADER = ("ID;Datum;Tijd;Gemeld op;Plaats CBS;Gedrag;Kanaal;Situatie;Wapen;Daders;Letsel;"
          "Verzuimdagen;Schade;Aangifte;VPT;Nazorg;Medewerker;Toelichting")  # fmt: skip
IDS = ["MW-7731", "MW-7732", "4401234", "4401235", "MW-7733"]
ROWS = [
    # Verzuimdagen left out: every later value moves one column left, the id lands in Nazorg
    f"R1;03-07-2025;22:10;04-07-2025;0344;VB;F;HH;N;2;0;N;J;J;J;{IDS[0]};geen",
    f"R2;04-07-2025;;;0344;VB;F;HH;N;1;0;N;N;N;N;{IDS[1]};",
    f"R3;05-07-2025;;;0344;VB;F;HH;N;1;0;N;N;N;N;{IDS[2]};",
    # Kanaal left out: the id lands in Nazorg too, the codes one column early
    f"R4;06-07-2025;;;0344;VB;HH;N;1;0;0;N;N;N;N;{IDS[3]};",
    # an id typed one column early, in Aangifte (a code)
    f"R5;07-07-2025;;;0344;VB;F;HH;N;1;0;0;N;{IDS[4]};N;N;x;",
]


def places(root: Path) -> dict[str, bytes]:
    """Every file the night wrote under root, xlsx unpacked, as bytes to search."""
    found = {}
    for path in root.rglob("*"):
        if not path.is_file() or path.suffix == ".duckdb" or "inbox" in path.parts:
            continue
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as book:
                found[str(path)] = b"".join(book.read(n) for n in book.namelist())
        else:
            found[str(path)] = path.read_bytes()
    return found


def test_no_raw_employee_id_survives_a_column_shift(
    tmp_path: Path, prefect_harness: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prefect.settings import PREFECT_API_DATABASE_CONNECTION_URL

    from flows.nightly import run_nightly

    monkeypatch.setenv("MONITOR_PSEUDONYM_KEY", TEST_KEY.decode())
    text = "\r\n".join([HEADER, *ROWS]) + "\r\n"
    write_source({"folder": "GM0344", "file_name": "incidenten_GM0344_2025Q3.csv",
                  "encoding": "cp1252", "text": text}, tmp_path / "inbox")  # fmt: skip
    settings = Settings(inbox_dir=tmp_path / "inbox", warehouse_path=tmp_path / "wh" / "m.duckdb")

    summary = run_nightly(settings)

    assert summary.files_new == 1 and summary.deliveries[0].rows_in == 5
    with open_published(settings.warehouse_path) as wh:
        edits = wh.query("SELECT veld, waarde, bericht FROM ops.edit")
        assert "[verwijderd]" in set(edits["waarde"])  # the shifted values were there
        tables = wh.query(
            "SELECT table_schema || '.' || table_name AS t FROM information_schema.tables "
            "WHERE table_schema IN ('core', 'ops', 'mart')"
        )["t"].tolist()
        leaks = {table: wh.query(f"SELECT * FROM {table}").astype(str) for table in tables}
    for raw in IDS:
        holding = [t for t, frame in leaks.items() if frame.isin([raw]).any().any()
                   or frame.apply(lambda col, r=raw: col.str.contains(r, regex=False)).any().any()]  # fmt: skip
        assert holding == [], raw
    written = places(tmp_path)
    assert any("datadocs" in p for p in written) and any(p.endswith(".html") for p in written)
    database = Path(PREFECT_API_DATABASE_CONNECTION_URL.value().split("///", 1)[1])
    for suffix in ("", "-wal"):
        if database.with_name(database.name + suffix).is_file():
            written[f"prefect{suffix}"] = database.with_name(database.name + suffix).read_bytes()
    for raw in IDS:
        assert [p for p, data in written.items() if raw.encode() in data] == [], raw
