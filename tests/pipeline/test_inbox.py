"""Inbox discipline (issue 9, point 3): no symlink followed, no stray or temporary file read,
identity by sha256 per organisation, and the same bytes from two organisations flagged."""

from __future__ import annotations

from pathlib import Path

import duckdb

from connectors import discover_inbox
from pipeline.ingest.process import ProcessingInputs, process_file
from pipeline.night.steps import flag_misdirected, misdirected_files, new_files
from pipeline.warehouse.store import Warehouse

CSV = "ID;Datum\nV1;01-01-2025\n"


def deliver(inbox: Path, folder: str, name: str, text: str = CSV) -> Path:
    path = inbox / folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_only_real_files_directly_in_an_organisation_folder_are_listed(tmp_path: Path) -> None:
    real = deliver(tmp_path, "GM0014", "incidenten_GM0014_2025Q1.csv")
    other = deliver(tmp_path, "GM1969", "incidenten_GM1969_2025Q1.csv", CSV + "V2;02-01-2025\n")
    for name in (".verborgen.csv", "~$incidenten.xlsx", "download.csv.part", "x.crdownload",
                 "export.tmp"):  # fmt: skip
        deliver(tmp_path, "GM0014", name)
    deliver(tmp_path, "GM0014/sub", "dieper.csv")
    (tmp_path / "los.csv").write_text(CSV, encoding="utf-8")
    (tmp_path / "GM0014" / "link.csv").symlink_to(other)
    (tmp_path / "GM0363").symlink_to(tmp_path / "GM1969", target_is_directory=True)

    files = {(f.folder, f.path.name): f for f in discover_inbox(tmp_path)}

    assert set(files) == {("GM0014", real.name), ("GM1969", other.name), ("GM0014", "link.csv")}
    link = files[("GM0014", "link.csv")]
    assert link.symlink and link.size == 0
    assert link.sha256 != files[("GM1969", other.name)].sha256  # the target was never read


def test_hidden_folders_in_the_inbox_are_never_read(tmp_path: Path) -> None:
    real = deliver(tmp_path, "GM0014", "incidenten_GM0014_2025Q1.csv")
    deliver(tmp_path, ".portaal-wachtrij/GM0014", "controle.csv")  # the portal's waiting uploads
    deliver(tmp_path, ".portaal-wachtrij", "los.csv")

    assert [(f.folder, f.path.name) for f in discover_inbox(tmp_path)] == [("GM0014", real.name)]


def test_a_symlink_is_an_s01_for_its_folder_and_its_target_is_not_read(
    tmp_path: Path, processing_inputs: ProcessingInputs
) -> None:
    target = deliver(tmp_path / "elders", "GM1969", "incidenten_GM1969_2025Q1.csv")
    (tmp_path / "inbox" / "GM0014").mkdir(parents=True)
    (tmp_path / "inbox" / "GM0014" / "incidenten_GM0014_2025Q1.csv").symlink_to(target)
    (link,) = discover_inbox(tmp_path / "inbox")
    processed = process_file(link, processing_inputs)
    assert processed.failure is not None and processed.failure.code == "S01"
    assert "symbolische link" in processed.failure.message
    assert processed.rows_in == 0 and processed.profile is None


def test_identity_is_the_sha256_within_an_organisation(tmp_path: Path) -> None:
    deliver(tmp_path, "GM0014", "a.csv")
    deliver(tmp_path, "GM1969", "b.csv")
    deliver(tmp_path, "GM1969", "kopie.csv")  # the same bytes twice in one folder: one delivery
    files = discover_inbox(tmp_path)
    sha = files[0].sha256
    assert {f.sha256 for f in files} == {sha}

    fresh, skipped = new_files(tmp_path, set())
    assert sorted(f.folder for f in fresh) == ["GM0014", "GM1969"] and skipped == 1

    fresh, skipped = new_files(tmp_path, {("GM0014", sha)})
    assert [f.folder for f in fresh] == ["GM1969"] and skipped == 2


def test_the_same_bytes_from_two_organisations_are_flagged_to_both(
    tmp_path: Path, processing_inputs: ProcessingInputs
) -> None:
    deliver(tmp_path, "GM0014", "a.csv")
    deliver(tmp_path, "GM1969", "b.csv")
    deliver(tmp_path, "GM0363", "eigen.csv", CSV + "V9;03-01-2025\n")
    files = discover_inbox(tmp_path)
    sha = next(f.sha256 for f in files if f.folder == "GM0014")

    flagged = misdirected_files(files, set())
    assert flagged == {("GM0014", sha): ["GM1969"], ("GM1969", sha): ["GM0014"]}
    later = misdirected_files([f for f in files if f.folder == "GM1969"], {("GM0014", sha)})
    assert later == {("GM1969", sha): ["GM0014"]}

    file = next(f for f in files if f.folder == "GM1969")
    processed = flag_misdirected(process_file(file, processing_inputs), ["GM0014"])
    w09 = processed.edits[processed.edits["code"] == "W09"]
    assert len(w09) == 1 and "GM0014" in w09["bericht"].iloc[0]
    assert w09["severity"].iloc[0] == "warning"


# schema.sql as it was before numbered migrations (tests/pipeline/test_migrations.py)
HEAD_SCHEMA = Path(__file__).parents[1] / "fixtures" / "warehouse_head" / "schema.sql"
OLD_LEDGER_ROW = (
    "INSERT INTO ops.delivery (delivery_id, organisatiecode_bron, bronbestand, sha256, "
    "received_at, loaded_at, status, rows_in, rows_loaded, rows_rejected) "
    "VALUES (?, ?, 'a.csv', 'abc', now(), now(), 'loaded', 0, 0, 0)"
)


def test_a_ledger_from_before_takes_the_same_bytes_from_another_organisation(
    tmp_path: Path,
) -> None:
    schema = HEAD_SCHEMA.read_text(encoding="utf-8")
    old = schema.replace("sha256               VARCHAR NOT NULL,",
                         "sha256               VARCHAR NOT NULL UNIQUE,").replace(
        ",\n    UNIQUE (organisatiecode_bron, sha256)", "")  # fmt: skip
    assert old != schema
    con = duckdb.connect(str(tmp_path / "oud.duckdb"))
    con.execute(old)
    con.execute(OLD_LEDGER_ROW, [1, "GM0014"])
    warehouse = Warehouse(con, tmp_path / "oud.duckdb")
    warehouse.ensure_schema()
    con.execute(OLD_LEDGER_ROW, [2, "GM1969"])
    assert warehouse.known_files() == {("GM0014", "abc"), ("GM1969", "abc")}
    try:
        con.execute(OLD_LEDGER_ROW, [3, "GM1969"])
    except duckdb.ConstraintException:
        pass
    else:
        raise AssertionError("the same file twice from one organisation was accepted")
