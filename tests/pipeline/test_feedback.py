"""Employer feedback: content, formula escaping, and `monitor check --feedback`."""

from __future__ import annotations

import csv
import datetime as dt
import io
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from flows.cli import app
from pipeline.employers.feedback import CHECK_COLUMNS, EDIT_COLUMNS, Feedback
from pipeline.employers.feedback_writer import (
    _html_table,
    escape_cell,
    write_feedback_files,
    write_xlsx,
)
from pipeline.employers.quality import days_late, delivery_quality
from pipeline.night.check import check_feedback, check_file
from pipeline.settings import Settings
from pipeline.warehouse.ledger import FteRow
from tests.conftest import PROFILE_FIXTURES, REFERENCE_DIR, load_spec, write_source

HOSTILE = '=HYPERLINK("http://example.invalid","klik")'
HEADER = "ID;Datum;Tijd;Gemeld op;Plaats CBS;Gedrag;Kanaal;Situatie;Wapen;Daders;Letsel;Verzuimdagen;Schade;Aangifte;VPT;Nazorg;Medewerker;Toelichting"


def hostile_delivery(tmp_path: Path) -> Path:
    """A vendor CSV whose Kanaal cells hold a formula, a '+' and an '@' value."""
    rows = [
        f"V1;03-07-2025;22:10;04-07-2025;0344;VB;{HOSTILE};HH;N;2;0;0;N;J;J;J;M-1;",
        "V2;04-07-2025;;;0344;VB;+31612345678;HH;N;1;0;0;N;N;N;N;M-2;",
        "V3;05-07-2025;;;0344;VB;@SUM(A1);HH;N;1;0;0;N;N;N;N;M-3;",
        "V4;06-07-2025;;;0344;VB;F;HH;N;1;0;-3;N;N;N;N;M-4;",
        "V5;07-07-2025;;;0344;VB;<script>alert(document.cookie)</script>;HH;N;1;0;0;N;N;N;N;M-5;",
    ]
    spec = {"folder": "GM0344", "file_name": "incidenten_GM0344_2025Q3.csv", "encoding": "cp1252",
            "text": "\r\n".join([HEADER, *rows]) + "\r\n"}  # fmt: skip
    return write_source(spec, tmp_path)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(reference_dir=REFERENCE_DIR, inbox_dir=tmp_path / "inbox",
                    warehouse_path=tmp_path / "wh" / "monitor.duckdb")  # fmt: skip


@pytest.mark.parametrize("value", ["=1+1", "+31", "-3", "@SUM(A1)", "\tx", "\rx"])
def test_formula_like_text_is_escaped(value: str) -> None:
    assert escape_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["gewoon", "3", 5, None, "a=b"])
def test_other_values_are_left_alone(value: object) -> None:
    assert escape_cell(value) == value


def test_hostile_values_come_back_escaped_in_xlsx_csv_and_html(
    tmp_path: Path, settings: Settings
) -> None:
    path = hostile_delivery(tmp_path)
    processed = check_file(path, "GM0344", settings, dt.date(2025, 10, 20))
    feedback = check_feedback(processed, settings, dt.datetime(2025, 10, 20, tzinfo=dt.UTC))
    out = write_feedback_files(tmp_path / "out" / "terugkoppeling.xlsx", feedback)

    sheet = load_workbook(out)["Meldingen"]
    header = [c.value for c in sheet[1]]
    waarde = header.index("waarde")
    cells = {row[header.index("rij")].value: row[waarde] for row in sheet.iter_rows(min_row=2)}
    assert cells[2].value == "'" + HOSTILE and cells[2].data_type == "s"
    # a phone number and a value mixing letters and digits look like identifiers: not kept
    assert cells[3].value == "[verwijderd]" and cells[4].value == "[verwijderd]"
    assert cells[5].value == "'-3"  # W06 on verzuim_dagen
    assert not any(
        c.data_type == "f"
        for row in load_workbook(out).worksheets
        for r in row.iter_rows()
        for c in r
    )

    lines = [
        x
        for x in out.with_suffix(".csv").read_text("utf-8-sig").splitlines()
        if not x.startswith("#")
    ]
    values = [r["waarde"] for r in csv.DictReader(io.StringIO("\n".join(lines)), delimiter=";")]
    assert "'" + HOSTILE in values and all(not v.startswith(("=", "+", "@", "-")) for v in values)

    page = out.with_suffix(".html").read_text("utf-8")
    assert "<script" not in page and "&lt;script&gt;alert(document.cookie)&lt;/script&gt;" in page


def test_a_page_row_that_recurs_is_written_for_its_own_table() -> None:
    """Rows of texts are remembered from page to page in a process; the same row in a table
    whose `ernst` column is marked and in one without gets the class only in the first."""
    frame = pd.DataFrame({"ernst": ["fout"], "melding": ["<b>"], "veld": [None]}, dtype=object)
    for _ in range(2):
        marked, plain = _html_table(frame, mark="ernst"), _html_table(frame)
        assert '<tr><td class="fout">fout</td><td>&lt;b&gt;</td><td></td></tr>' in marked
        assert "<tr><td>fout</td><td>&lt;b&gt;</td><td></td></tr>" in plain
        assert "class" not in plain


def test_the_workbook_keeps_hostile_text_as_plain_strings(tmp_path: Path) -> None:
    """A formula or a link stays inert text; the header, widths, frozen row and filter hold."""
    url = "http://evil.example"
    edits = pd.DataFrame(
        [["E05", "fout", 2, "V1", None, "Kanaal", "kanaal", HOSTILE, "een code", "x", "y" * 61],
         ["W06", "waarschuwing", 3, "V2", None, "Kanaal", "kanaal", url, "een code", "x", "z"]],
        columns=list(EDIT_COLUMNS),
    ).astype({"rij": "Int64"})  # fmt: skip
    feedback = Feedback("f", "GM0344", (("Bestand", url), ("Let op", HOSTILE)), edits,
                        pd.DataFrame(columns=list(CHECK_COLUMNS)))  # fmt: skip
    write_xlsx(tmp_path / "f.xlsx", feedback)

    book = load_workbook(tmp_path / "f.xlsx")
    assert book.sheetnames == ["Samenvatting", "Meldingen", "Controles", "Uitleg"]
    sheet = book["Meldingen"]
    header = [c.value for c in sheet[1]]
    assert header == list(EDIT_COLUMNS)
    waarde = header.index("waarde") + 1
    formula, link = sheet.cell(2, waarde), sheet.cell(3, waarde)
    assert formula.value == "'" + HOSTILE and formula.data_type == "s"
    assert link.value == url and link.data_type == "s"
    summary = book["Samenvatting"]
    assert [(c.value, c.data_type) for c in summary["B"][1:]] == [(url, "s"), ("'" + HOSTILE, "s")]
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert not any(c.hyperlink or c.data_type == "f" for c in cells)
    assert not any(ws._hyperlinks for ws in book.worksheets)
    assert (sheet["C2"].value, sheet["C2"].data_type) == (2, "n")  # rij stays a number
    assert sheet["K2"].alignment.wrap_text and not sheet["K3"].alignment.wrap_text
    assert sheet["K3"].alignment.vertical == "top"

    head = sheet["A1"]
    assert head.font.b and head.font.color.rgb.endswith("FFFFFF")
    assert head.fill.fgColor.rgb.endswith("1F4E79")
    assert all(ws.freeze_panes == "A2" for ws in book.worksheets)
    assert sheet.auto_filter.ref == "A1:K3"
    assert book["Controles"].auto_filter.ref is None  # no rows, no filter
    widths = [summary.column_dimensions["A"].width, summary.column_dimensions["B"].width]
    assert widths == [pytest.approx(50, abs=1), pytest.approx(60, abs=1)]
    assert sheet.column_dimensions["K"].width == pytest.approx(80, abs=1)  # melding


def test_feedback_names_row_column_expected_value_and_fix(
    tmp_path: Path, settings: Settings
) -> None:
    spec = load_spec(PROFILE_FIXTURES / "vendor_csv" / "source.yaml")
    processed = check_file(write_source(spec, tmp_path), "GM0344", settings, dt.date(2025, 10, 20))
    feedback = check_feedback(processed, settings, dt.datetime(2025, 10, 20, tzinfo=dt.UTC))
    by_row = {(r.rij, r.code): r for r in feedback.edits.itertuples()}

    w06 = by_row[(4, "W06")]  # an invalid optional value keeps the incident (issue 12)
    assert (w06.kolom, w06.veld, w06.waarde, w06.incidentnummer) == (
        "Daders", "aantal_daders", "twee", "V3")  # fmt: skip
    assert "geheel getal" in w06.verwacht and w06.oplossing.startswith("Het incident telt mee")
    gemeente = by_row[(7, "W06")]
    assert (gemeente.kolom, gemeente.incidentnummer) == ("Plaats CBS", "V5")
    e03 = by_row[(3, "E03")]
    assert (e03.kolom, e03.incidentnummer, e03.waarde) == ("Datum", "V2", "31-09-2025")
    summary = dict(feedback.summary)
    assert list(summary)[:2] == ["In het kort", "Eerst verbeteren"]
    assert summary["In het kort"].startswith("5 van de 6 incidenten tellen mee, 1 afgekeurd")
    assert summary["Eerst verbeteren"].startswith("E03 Ongeldige datum")
    assert summary["Organisatie"] == "GM0344 (Utrecht)"
    assert (summary["Rijen ontvangen"], summary["Rijen geladen"], summary["Rijen afgekeurd"]) == (
        "6",
        "5",
        "1",
    )
    assert summary["Tijdigheid"].startswith("niet beoordeeld")
    assert summary["Status"].startswith("gecontroleerd")
    assert int(summary["Kwaliteitsscore (0-100)"]) < 100


def test_the_feedback_workers_get_the_same_feedback_without_the_rows(
    tmp_path: Path, settings: Settings
) -> None:
    """The night sends each loaded delivery to the feedback workers without its rows (its
    incidents and FTE): the feedback built from it is the one built from the whole delivery."""
    from pipeline.employers.feedback import DeliveryOutcome, build_feedback

    spec = load_spec(PROFILE_FIXTURES / "vendor_csv" / "source.yaml")
    processed = check_file(write_source(spec, tmp_path), "GM0344", settings, dt.date(2025, 10, 20))
    assert processed.meta is not None
    meta = replace(processed.meta, fte=(FteRow("boa", 12.5, "fte.csv"),))
    processed = replace(processed, meta=meta)
    light = processed.for_feedback()
    assert len(processed.incidents) == 5 and len(light.incidents) == 0
    assert list(light.incidents.columns) == list(processed.incidents.columns)
    assert light.meta is not None and light.meta.fte == () and len(meta.fte) == 1
    assert light.meta.periode == meta.periode
    # one empty frame for every delivery with these columns (made ~1,500 times a night)
    assert processed.for_feedback().incidents is light.incidents
    outcome = DeliveryOutcome(7, "loaded", dt.datetime(2025, 10, 20, tzinfo=dt.UTC),
                              delivery_quality(processed, None, 30))  # fmt: skip
    names = {"GM0344": "Utrecht"}
    full, kept = build_feedback(processed, outcome, names), build_feedback(light, outcome, names)
    assert kept.summary == full.summary
    pd.testing.assert_frame_equal(kept.edits, full.edits)
    pd.testing.assert_frame_equal(kept.checks, full.checks)


def test_quality_score_weighs_errors_unknowns_and_lateness(
    tmp_path: Path, settings: Settings
) -> None:
    spec = load_spec(PROFILE_FIXTURES / "vendor_csv" / "source.yaml")
    processed = check_file(write_source(spec, tmp_path), "GM0344", settings, dt.date(2025, 10, 20))
    on_time = delivery_quality(processed, dt.datetime(2025, 10, 30, 12, tzinfo=dt.UTC), 30)
    late = delivery_quality(processed, dt.datetime(2025, 11, 29, 12, tzinfo=dt.UTC), 30)
    very_late = delivery_quality(processed, dt.datetime(2026, 3, 1, tzinfo=dt.UTC), 30)

    assert on_time.aandeel_foutloos == pytest.approx(5 / 6, abs=0.001)
    assert (on_time.dagen_te_laat, late.dagen_te_laat) == (0, 30)
    assert (
        on_time.tijdigheid == 1
        and late.tijdigheid == pytest.approx(0.5)
        and very_late.tijdigheid == 0
    )
    expected = round(100 * (0.5 * on_time.aandeel_foutloos + 0.25 * on_time.aandeel_bekend + 0.25))
    assert on_time.kwaliteitsscore == expected
    assert late.kwaliteitsscore < on_time.kwaliteitsscore


def test_the_share_known_is_counted_per_frame_when_many_are_counted_at_once() -> None:
    """A load batch counts its deliveries' known key-field values in one pass: each delivery
    must still get its own share, whatever sits next to it."""
    from pipeline.employers.quality import known_shares

    mixed = pd.DataFrame({"kanaal": ["fysiek", "onbekend"], "context": [None, "handhaving"],
                          "letsel": ["geen", "geen"], "aangifte": ["ja", pd.NA]})  # fmt: skip
    empty = mixed.iloc[:0]
    no_aangifte = pd.DataFrame({"kanaal": [["a", "b"]], "context": ["x"], "letsel": ["onbekend"]})

    # mixed: onbekend, None and NA are 3 of 8 values; no_aangifte: "onbekend" and the missing
    # field are 2 of 4 (a list is never "onbekend"); no incidents: all known
    assert known_shares([mixed, empty, no_aangifte]) == [5 / 8, 1.0, 2 / 4]
    assert [known_shares([f])[0] for f in (no_aangifte, mixed, empty)] == [2 / 4, 5 / 8, 1.0]
    assert known_shares([]) == []


def test_lateness_counts_dutch_calendar_days() -> None:
    due = dt.date(2025, 10, 30)  # winter time: UTC+1
    assert (
        days_late(dt.datetime(2025, 10, 30, 23, 30, tzinfo=dt.UTC), due) == 1
    )  # 00:30 on the 31st
    assert (
        days_late(dt.datetime(2025, 10, 30, 22, 30, tzinfo=dt.UTC), due) == 0
    )  # 23:30 on the 30th


def test_check_feedback_option_writes_the_three_files(tmp_path: Path) -> None:
    path = hostile_delivery(tmp_path)
    out = tmp_path / "feedback" / "mijn_controle.xlsx"
    result = CliRunner().invoke(
        app, ["check", str(path), "--org", "GM0344", "--feedback", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert (
        out.is_file() and out.with_suffix(".csv").is_file() and out.with_suffix(".html").is_file()
    )
    assert load_workbook(out).sheetnames == ["Samenvatting", "Meldingen", "Controles", "Uitleg"]


def test_hints_fit_the_file_type(tmp_path: Path, settings: Settings) -> None:
    spec = {"folder": "GM0344", "file_name": "incidenten_GM0344_2025Q3.csv", "encoding": "cp1252",
            "text": "ID;Datum\r\nV1;03-07-2025\r\n"}  # fmt: skip
    processed = check_file(write_source(spec, tmp_path), "GM0344", settings, dt.date(2025, 10, 20))
    feedback = check_feedback(processed, settings, dt.datetime(2025, 10, 20, tzinfo=dt.UTC))

    text = " ".join(str(v) for row in feedback.edits.itertuples() for v in row)
    assert processed.failure is not None and processed.failure.code == "S03"
    assert "blad" not in text.lower() and "toelichting bij het landelijke sjabloon" in text


def test_a_self_check_does_not_score_punctuality(tmp_path: Path, settings: Settings) -> None:
    spec = load_spec(PROFILE_FIXTURES / "vendor_csv" / "source.yaml")
    processed = check_file(write_source(spec, tmp_path), "GM0344", settings, dt.date(2026, 6, 1))
    unscored = delivery_quality(processed, None, 30)
    late = delivery_quality(processed, dt.datetime(2026, 6, 1, tzinfo=dt.UTC), 30)

    assert unscored.dagen_te_laat == 0 and unscored.tijdigheid != unscored.tijdigheid  # NaN
    expected = round(
        100 * (0.5 * unscored.aandeel_foutloos + 0.25 * unscored.aandeel_bekend) / 0.75
    )
    assert unscored.kwaliteitsscore == expected and late.tijdigheid == 0


def test_a_self_check_uses_the_history_and_names_the_delivery_it_replaces(
    tmp_path: Path, settings: Settings
) -> None:
    from pipeline.night.check import Replaced, WarehouseView, check_report, replaced_delivery

    spec = load_spec(PROFILE_FIXTURES / "vendor_csv" / "source.yaml")
    path = write_source(spec, tmp_path)
    view = WarehouseView(
        {"GM0344": [100, 110, 104]}, {("GM0344", "2025Q3"): Replaced(7, "2025Q3", 104)}
    )

    processed = check_file(path, "GM0344", settings, dt.date(2025, 10, 20), warehouse=view)
    vervangt = replaced_delivery(processed, view)
    report = check_report(processed, vervangt)
    feedback = check_feedback(processed, settings, dt.datetime(2025, 10, 20, tzinfo=dt.UTC),
                              vervangt=vervangt)  # fmt: skip

    b03 = processed.dq[processed.dq["code"] == "B03"].iloc[0]
    assert b03["success"] is not None and not bool(b03["success"])  # 5 against about 105
    assert report["vervangt"] == {"delivery_id": 7, "periode": "2025Q3", "rows_loaded": 104}
    note = dict(feedback.summary)["Let op"]
    assert "vervangt levering 7 voor 2025Q3" in note
    assert "104 incidenten" in note and "2025Q3 5 incidenten" in note
    alone = check_file(path, "GM0344", settings, dt.date(2025, 10, 20))  # no warehouse: no B03
    assert check_report(alone)["vervangt"] is None


def test_feedback_is_written_by_workers_while_the_night_goes_on_and_published_after(
    tmp_path: Path, settings: Settings
) -> None:
    """120 deliveries in chunks of 50 on two worker processes: the block (publishing the version,
    the report) runs while they write beside the feedback folder; nothing is in the folder before
    `publish`, and after it every delivery has its three files there, and one whose feedback
    cannot be built is left out without stopping the others."""

    from pipeline.ingest.reference import load_reference
    from pipeline.night.feedback_run import staged_feedback
    from pipeline.night.steps import LoadResult

    spec = load_spec(PROFILE_FIXTURES / "vendor_csv" / "source.yaml")
    processed = check_file(write_source(spec, tmp_path), "GM0344", settings, dt.date(2025, 10, 20))
    quality = delivery_quality(processed, None, 30)
    outcomes = []
    for i in range(1, 121):
        copy = replace(processed, file=replace(processed.file, path=tmp_path / f"lev_{i}.csv"))
        result = LoadResult(f"lev_{i}.csv", "GM0344", "2025Q3", "vendor_csv", "loaded", 6, 5, 1,
                            1, delivery_id=i, quality=None if i == 60 else quality)  # fmt: skip
        outcomes.append((copy.for_feedback(), result))
    root = tmp_path / "feedback"
    (root / "GM0344").mkdir(parents=True)
    (root / "GM0344" / "eerder.xlsx").write_bytes(b"an earlier night's feedback")

    with staged_feedback(root, outcomes, load_reference(REFERENCE_DIR), workers=2) as staged:
        assert staged.count is None  # the block runs before the workers are waited for
        staged.futures[0].result()  # a chunk is written, but not where employers look
        assert [p.name for p in (root / "GM0344").iterdir()] == ["eerder.xlsx"]
        assert staged.publish() == 119
    files = sorted(p.name for p in (root / "GM0344").iterdir())
    assert len(files) == 3 * 119 + 1 and "eerder.xlsx" in files
    assert "levering-000060_lev_60.xlsx" not in files and "levering-000061_lev_61.xlsx" in files
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no staging


def test_edits_beyond_a_sheet_are_left_out_of_it_and_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Excel holds 1,048,575 rows below a header (here 3 for the test): the rest stay in the CSV."""
    from pipeline.employers import feedback_writer

    monkeypatch.setattr(feedback_writer, "MAX_SHEET_ROWS", 3)
    rows = [["W06", "waarschuwing", i, f"V{i}", None, "Daders", "aantal_daders", "twee",
             "een geheel getal", "x", "y"] for i in range(2, 7)]  # fmt: skip
    edits = pd.DataFrame(rows, columns=list(EDIT_COLUMNS))
    feedback = Feedback("f", "GM0344", (("Bestand", "f.csv"),), edits,
                        pd.DataFrame(columns=list(CHECK_COLUMNS)))  # fmt: skip
    out = write_feedback_files(tmp_path / "f.xlsx", feedback)

    book = load_workbook(out)
    assert book["Meldingen"].max_row == 1 + 3
    note = book["Samenvatting"]["B2"].value
    assert book["Samenvatting"]["A2"].value == "Let op" and "eerste 3 van 5 meldingen" in note
    csv_rows = [x for x in out.with_suffix(".csv").read_text("utf-8-sig").splitlines()
                if not x.startswith("#")]  # fmt: skip
    assert len(csv_rows) == 1 + 5


def test_a_file_name_that_is_not_utf8_still_gets_its_feedback(tmp_path: Path) -> None:
    """A name that is not UTF-8 reaches Python with lone surrogates; they become "?"."""
    name = b"incidenten_\xff.csv".decode("utf-8", "surrogateescape")
    feedback = Feedback("f", "GM0344", (("Bestand", name),),
                        pd.DataFrame(columns=list(EDIT_COLUMNS)),
                        pd.DataFrame(columns=list(CHECK_COLUMNS)))  # fmt: skip
    out = write_feedback_files(tmp_path / "f.xlsx", feedback)

    assert load_workbook(out)["Samenvatting"]["B2"].value == "incidenten_?.csv"
    assert "incidenten_?.csv" in out.with_suffix(".csv").read_text("utf-8-sig")
    assert "incidenten_?.csv" in out.with_suffix(".html").read_text("utf-8")


def test_a_report_that_fails_does_not_wait_for_all_feedback(
    tmp_path: Path, settings: Settings
) -> None:
    """The error of the block comes through, the chunks no worker has started are cancelled
    instead of written first (eight chunks; without the cancel all eight are written), and
    nothing written reaches the feedback folder: a run that fails publishes no feedback."""

    from pipeline.ingest.reference import load_reference
    from pipeline.night.feedback_run import staged_feedback

    outcomes = loaded_copies(tmp_path, settings, 400)
    root = tmp_path / "feedback"

    reference = load_reference(REFERENCE_DIR)
    started = time.monotonic()
    with (pytest.raises(RuntimeError, match="rapport"),
          staged_feedback(root, outcomes, reference, workers=2) as staged):  # fmt: skip
        raise RuntimeError("rapport mislukt")
    done = [f for f in staged.futures if f.done() and not f.cancelled()]
    assert len(done) <= 5  # of 8 chunks: what two workers and the executor's queue (3) held
    assert any(f.cancelled() for f in staged.futures)
    assert not root.exists() or not any(root.rglob("*.xlsx"))  # nothing published
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # staging gone
    assert time.monotonic() - started < 120


def test_a_killed_runs_staged_feedback_is_removed_by_the_next(
    tmp_path: Path, settings: Settings
) -> None:
    """A run killed while its feedback was staged leaves the staging folder (and nothing in the
    feedback folder); the next run that stages feedback removes it."""
    from pipeline.ingest.reference import load_reference
    from pipeline.night.feedback_run import staged_feedback

    stale = tmp_path / ".feedback-4242.nieuw" / "GM0344"
    stale.mkdir(parents=True)
    (stale / "levering-000001_lev_1.xlsx").write_bytes(b"half")
    other = tmp_path / ".feedbackx-1.nieuw"  # not this folder's
    other.mkdir()
    outcomes = loaded_copies(tmp_path, settings, 100)
    with staged_feedback(tmp_path / "feedback", outcomes, load_reference(REFERENCE_DIR),
                         workers=2) as staged:  # fmt: skip
        assert not stale.parent.exists() and other.exists()
        assert staged.publish() == 100


def loaded_copies(tmp_path: Path, settings: Settings, count: int) -> list[tuple[Any, Any]]:
    """`count` loaded deliveries of one vendor CSV, each under its own file name, as the night
    hands them to its feedback."""
    from pipeline.night.steps import LoadResult

    spec = load_spec(PROFILE_FIXTURES / "vendor_csv" / "source.yaml")
    processed = check_file(write_source(spec, tmp_path), "GM0344", settings, dt.date(2025, 10, 20))
    light, quality = processed.for_feedback(), delivery_quality(processed, None, 30)
    return [(replace(light, file=replace(light.file, path=tmp_path / f"lev_{i}.csv")),
             LoadResult(f"lev_{i}.csv", "GM0344", "2025Q3", "vendor_csv", "loaded", 6, 5, 1, 1,
                        delivery_id=i, quality=quality)) for i in range(1, count + 1)]  # fmt: skip
