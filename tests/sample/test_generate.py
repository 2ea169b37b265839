"""Tests of the national sample: determinism, coverage, truth consistency, formats, volumes."""

from __future__ import annotations

import csv
import hashlib
import json
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from io import BytesIO
from pathlib import Path

import openpyxl
import pytest
import yaml
from python_calamine import CalamineWorkbook

from pipeline.employers.template import (
    Aanlevering,
    build_template,
    incident_columns,
    save_reproducibly,
)
from pipeline.sample import (
    SampleError,
    generate_sample,
    plan_sample,
    planned_volumes,
)
from pipeline.sample.formats import FORMATS

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "data" / "reference"
YEAR = 2025
SCALE = 0.05
SHEETS = {
    "nationaal_sjabloon": ("Incidenten", 2),
    "gir_gemeente": ("Export", 6),
    "brandweer_vr": ("Registraties", 2),
}
VOLUME_TARGETS = {"politie": 12_500, "boa": 9_000, "brandweer": 3_500}


def read_csv(path: Path) -> list[dict[str, str]]:
    """Read a UTF-8 CSV with a header row."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def read_truth(out: Path, name: str) -> list[dict[str, str]]:
    """Read one truth CSV."""
    return read_csv(out / "truth" / f"{name}.csv")


def file_digests(out: Path) -> dict[str, str]:
    """Return the SHA-256 of every file under `out`, keyed by relative path."""
    return {
        path.relative_to(out).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(out.rglob("*"))
        if path.is_file()
    }


def inbox_path(out: Path, delivery: dict[str, str]) -> Path:
    """Return where a delivery of deliveries.csv sits in the inbox."""
    return out / "inbox" / delivery["organisatiecode_bron"] / delivery["bronbestand"]


def data_rows(path: Path, profiel: str) -> list[tuple[int, str]]:
    """Return (employer-facing row number, incident number as read) for every data row."""
    if profiel == "vendor_csv":
        lines = path.read_bytes().decode("cp1252").split("\r\n")
        records = list(csv.reader(lines[1:-1], delimiter=";"))
        return [(index + 2, record[0]) for index, record in enumerate(records)]
    if profiel == "politie_jsonl":
        lines = path.read_text(encoding="utf-8").splitlines()
        return [
            (i + 1, json.loads(line)["registratienummer"] or "") for i, line in enumerate(lines)
        ]
    sheet, first = SHEETS[profiel]
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()
    return [(first + index, str(row[0])) for index, row in enumerate(rows[first - 1 :])]


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Generate the small sample once for the module."""
    out = tmp_path_factory.mktemp("sample")
    generate_sample(out, YEAR, seed=7, scale=SCALE, reference_dir=REFERENCE)
    return out


@pytest.fixture(scope="module")
def deliveries(sample: Path) -> list[dict[str, str]]:
    """Return the expected ledger of the small sample."""
    return read_truth(sample, "deliveries")


@pytest.fixture(scope="module")
def manifest(sample: Path) -> dict[str, object]:
    """Return the manifest of the small sample."""
    loaded: dict[str, object] = json.loads((sample / "sample.json").read_text(encoding="utf-8"))
    return loaded


def test_same_arguments_give_identical_bytes_and_mtimes(sample: Path, tmp_path: Path) -> None:
    """A second run with the same arguments writes byte-identical files with the same mtimes."""
    summary = generate_sample(tmp_path, YEAR, seed=7, scale=SCALE, reference_dir=REFERENCE)
    assert file_digests(tmp_path) == file_digests(sample)
    for path in (tmp_path / "inbox").rglob("*.*"):
        assert path.stat().st_mtime == (sample / path.relative_to(tmp_path)).stat().st_mtime
    assert summary.truth_incidents == len(read_truth(sample, "incidents"))


def test_another_seed_gives_another_sample(sample: Path, tmp_path: Path) -> None:
    """The seed matters: another seed draws other incidents."""
    generate_sample(tmp_path, YEAR, seed=8, scale=SCALE, reference_dir=REFERENCE)
    assert (
        file_digests(tmp_path)["truth/incidents.csv"] != file_digests(sample)["truth/incidents.csv"]
    )


def test_manifest_lists_every_file_with_its_hash(sample: Path, manifest: dict) -> None:
    """The manifest holds the arguments, allows the demo key and hashes every file."""
    assert (manifest["year"], manifest["seed"], manifest["scale"]) == (YEAR, 7, SCALE)
    assert manifest["demo_key_allowed"] is True
    listed = {entry["path"]: entry["sha256"] for entry in manifest["files"]}
    actual = file_digests(sample)
    del actual["sample.json"]
    assert listed == actual


def test_every_organisation_delivers_every_quarter_but_one(
    deliveries: list[dict[str, str]], manifest: dict
) -> None:
    """368 organisations × 4 quarters are delivered, except the missing quarter and the
    gemeente another organisation delivers for."""
    covered = {
        (d["organisatiecode"], d["periode"]) for d in deliveries if d["status"] != "rejected"
    }
    gemeenten = [row["gemeentecode"] for row in read_csv(REFERENCE / "gemeenten.csv")]
    regios = [f"VR{n:02d}" for n in range(1, 26)]
    expected = {(code, f"{YEAR}Q{q}") for code in [*gemeenten, *regios, "POL"] for q in range(1, 5)}
    missing = manifest["cases"]["missing_quarter"]
    (relation,) = manifest["cases"]["levert_voor"]
    gedekt = {(relation["organisatiecode"], f"{YEAR}Q{q}") for q in range(1, 5)}
    assert expected - covered == {(missing["organisatiecode"], missing["periode"])} | gedekt
    assert covered <= expected
    assert missing["periode"] == f"{YEAR}Q3"


def test_row_counts_agree_with_truth_files(sample: Path, deliveries: list[dict[str, str]]) -> None:
    """rows_in = loaded + rejected per delivery, and the sums match the truth files."""
    for d in deliveries:
        assert int(d["rows_in"]) == int(d["rows_loaded"]) + int(d["rows_rejected"]), d
    loaded = sum(int(d["rows_loaded"]) for d in deliveries if d["status"] == "loaded")
    rejected = sum(int(d["rows_rejected"]) for d in deliveries)
    row_rejects = [r for r in read_truth(sample, "rejects") if r["rij"]]
    assert loaded == len(read_truth(sample, "incidents"))
    assert rejected == len(row_rejects)
    per_file = Counter(r["bronbestand"] for r in read_truth(sample, "incidents"))
    for d in deliveries:
        if d["status"] == "loaded":
            assert per_file[d["bronbestand"]] == int(d["rows_loaded"]), d["bronbestand"]


def test_every_edit_code_is_present(sample: Path, deliveries: list[dict[str, str]]) -> None:
    """S01, E01–E04, E06 and W01–W06 all occur; E03 and W06 occur in every format.

    E05 no longer rejects: every number is an optional field, so a bad one is a W06."""
    rejects = read_truth(sample, "rejects")
    warnings = read_truth(sample, "warnings")
    assert {r["code"] for r in rejects} == {"S01", "E01", "E02", "E03", "E04", "E06"}
    assert {w["code"] for w in warnings} == {f"W0{n}" for n in range(1, 7)}
    profiles = {d["bronbestand"]: d["profiel"] for d in deliveries}
    every = set(SHEETS) | {"vendor_csv", "politie_jsonl"}
    assert {profiles[r["bronbestand"]] for r in rejects if r["code"] == "E03"} == every
    assert {profiles[w["bronbestand"]] for w in warnings if w["code"] == "W06"} == every
    assert all(r["veld"] for r in rejects if r["code"] != "S01")


def test_row_numbers_point_at_the_rows_in_the_files(
    sample: Path, deliveries: list[dict[str, str]]
) -> None:
    """Every file holds rows_in data rows, and each reject/warning row holds its number."""
    expected = {}
    for record in [*read_truth(sample, "rejects"), *read_truth(sample, "warnings")]:
        if record["rij"]:
            expected[(record["bronbestand"], int(record["rij"]))] = record["bron_incidentnummer"]
    seen = 0
    for d in deliveries:
        if d["status"] == "rejected":
            continue
        rows = dict(data_rows(inbox_path(sample, d), d["profiel"]))
        assert len(rows) == int(d["rows_in"]), d["bronbestand"]
        for (file_name, rij), number in expected.items():
            if file_name == d["bronbestand"]:
                assert rows[rij] == number, (file_name, rij)
                seen += 1
    assert seen == len(expected)


def _violations(incident: dict[str, str]) -> set[str]:
    """Return the W codes an incident of the truth triggers."""
    start = date(int(incident["periode"][:4]), 3 * int(incident["periode"][-1]) - 2, 1)
    end = (start.replace(day=28) + timedelta(days=70)).replace(day=1) - timedelta(days=1)
    day = date.fromisoformat(incident["incidentdatum"])
    registered = incident["registratiedatum"]
    found = set()
    if incident["vpt_markering"] == "ja" and incident["aangifte"] == "nee":
        found.add("W01")
    if incident["letsel"] in ("medisch", "ernstig") and incident["gedragstypen"] == "verbaal":
        found.add("W02")
    if incident["verzuim_dagen"] and int(incident["verzuim_dagen"]) > 365:
        found.add("W03")
    if not start <= day <= end:
        found.add("W04")
    if registered and date.fromisoformat(registered) < day:
        found.add("W05")
    return found


def test_only_injected_rows_trigger_warnings(sample: Path) -> None:
    """Normal incidents trigger no warning; each warned incident triggers exactly its own."""
    warned = {
        (w["bronbestand"], w["bron_incidentnummer"]): w["code"]
        for w in read_truth(sample, "warnings")
    }
    for incident in read_truth(sample, "incidents"):
        code = warned.get((incident["bronbestand"], incident["bron_incidentnummer"]))
        expected = {code} if code and code != "W06" else set()  # W06: see test_w06_rows_…
        assert _violations(incident) == expected, incident


def test_w06_rows_load_their_optional_field_as_missing_or_onbekend(sample: Path) -> None:
    """Each W06 incident is in the truth, with its invalid field empty or `onbekend`."""
    w06 = {(w["bronbestand"], w["bron_incidentnummer"]) for w in read_truth(sample, "warnings")
           if w["code"] == "W06"}  # fmt: skip
    incidents = {(i["bronbestand"], i["bron_incidentnummer"]): i
                 for i in read_truth(sample, "incidents")}  # fmt: skip
    assert len(w06) >= 10
    assert w06 <= set(incidents)


def test_truth_uses_the_national_code_lists(sample: Path) -> None:
    """Gedragstypen are sorted in code list order; zwaarste has the highest rank."""
    lists = yaml.safe_load((ROOT / "schemas" / "codelists.yaml").read_text(encoding="utf-8"))
    order = [entry["code"] for entry in lists["lists"]["gedragstype"]]
    rank = {entry["code"]: entry["rank"] for entry in lists["lists"]["gedragstype"]}
    kanalen = {entry["code"] for entry in lists["lists"]["kanaal"]} | {""}
    for incident in read_truth(sample, "incidents"):
        codes = incident["gedragstypen"].split("|")
        assert codes == sorted(codes, key=order.index) and len(set(codes)) == len(codes)
        assert incident["zwaarste_gedragstype"] == max(codes, key=rank.__getitem__)
        assert incident["kanaal"] in kanalen
        assert incident["incidenttijd"] == "" or len(incident["incidenttijd"]) == 8


def test_xlsx_formats_have_their_sheets_and_headers(
    sample: Path, deliveries: list[dict[str, str]]
) -> None:
    """Template, GIR and brandweer workbooks open with calamine and carry their layout."""
    first = {d["profiel"]: d for d in reversed(deliveries) if d["status"] == "loaded"}
    template = CalamineWorkbook.from_path(str(inbox_path(sample, first["nationaal_sjabloon"])))
    assert template.sheet_names == ["Toelichting", "Aanlevering", "Incidenten", "Codelijsten"]
    aanlevering = template.get_sheet_by_name("Aanlevering").to_python()
    assert [row[0] for row in aanlevering][:3] == ["veld", "organisatiecode", "periode"]
    assert template.get_sheet_by_name("Incidenten").to_python()[0][:3] == [
        "bron_incidentnummer", "beroepsgroep", "incidentdatum",
    ]  # fmt: skip
    gir = CalamineWorkbook.from_path(str(inbox_path(sample, first["gir_gemeente"])))
    rows = gir.get_sheet_by_name("Export").to_python()
    assert gir.sheet_names == ["Export"] and rows[0][0].startswith("Incidentregistratie")
    assert rows[2][0].startswith("Periode: ") and rows[4][:2] == ["Meldingsnummer", "Datum voorval"]
    assert isinstance(rows[5][1], date)
    brandweer = CalamineWorkbook.from_path(str(inbox_path(sample, first["brandweer_vr"])))
    assert brandweer.sheet_names == ["Uitleg", "Registraties"]
    assert brandweer.get_sheet_by_name("Registraties").to_python()[0][0] == "Incidentnr"


def test_csv_and_jsonl_formats(sample: Path, deliveries: list[dict[str, str]]) -> None:
    """The vendor CSV is cp1252 with `;` and CRLF; the police export is JSON lines."""
    csv_file = next(d for d in deliveries if d["profiel"] == "vendor_csv")
    raw = inbox_path(sample, csv_file).read_bytes()
    text = raw.decode("cp1252")
    assert text.startswith("ID;Datum;Tijd;Gemeld op;Plaats CBS;Gedrag;") and text.endswith("\r\n")
    assert text.count("\r\n") == text.count("\n")
    every_csv = b"".join(
        inbox_path(sample, d).read_bytes() for d in deliveries if d["profiel"] == "vendor_csv"
    )
    assert b"\x80" in every_csv or b"\xe9" in every_csv
    police = next(d for d in deliveries if d["profiel"] == "politie_jsonl")
    first = json.loads(inbox_path(sample, police).read_text(encoding="utf-8").splitlines()[0])
    assert list(first)[:3] == ["registratienummer", "pleegdatum", "pleegtijd"]


def test_special_cases(sample: Path, deliveries: list[dict[str, str]], manifest: dict) -> None:
    """Redelivery, pre-2023 code, nil return and unreadable file are where the manifest says."""
    by_file = {d["bronbestand"]: d for d in deliveries}
    cases = manifest["cases"]
    original = by_file[cases["redelivery"]["superseded"][0]["bronbestand"]]
    correction = by_file[cases["redelivery"]["correction"][0]["bronbestand"]]
    assert original["status"] == "superseded" and correction["status"] == "loaded"
    assert Path(correction["bronbestand"]).stem == Path(original["bronbestand"]).stem + "_correctie"
    old = {n for _, n in data_rows(inbox_path(sample, original), original["profiel"])}
    new = {n for _, n in data_rows(inbox_path(sample, correction), correction["profiel"])}
    assert len(old - new) == 1 and len(new - old) == 1
    incidents = read_truth(sample, "incidents")
    assert not [i for i in incidents if i["bronbestand"] == original["bronbestand"]]
    legacy = by_file[cases["pre_2023_code"][0]["bronbestand"]]
    assert (legacy["organisatiecode_bron"], legacy["organisatiecode"]) == ("GM0501", "GM1992")
    assert inbox_path(sample, legacy).parent.name == "GM0501"
    from_legacy = [i for i in incidents if i["bronbestand"] == legacy["bronbestand"]]
    assert len(from_legacy) >= 3  # incident rows under the old code, not a nil return
    assert {(i["organisatiecode"], i["organisatiecode_bron"]) for i in from_legacy} == {
        ("GM1992", "GM0501")
    }
    nil = [d for d in deliveries if d["geen_incidenten"] == "ja"]
    assert nil and all(d["rows_in"] == "0" and d["status"] == "loaded" for d in nil)


def test_unreadable_file_sits_beside_an_earlier_valid_delivery(
    sample: Path, deliveries: list[dict[str, str]]
) -> None:
    """The S01 file is not a zip, arrives before the valid delivery and is in rejects.csv."""
    broken = [d for d in deliveries if d["status"] == "rejected"]
    assert len(broken) == 1
    path = inbox_path(sample, broken[0])
    assert path.suffix == ".xlsx" and not path.read_bytes().startswith(b"PK")
    valid = next(
        d
        for d in deliveries
        if (d["organisatiecode"], d["periode"])
        == (broken[0]["organisatiecode"], broken[0]["periode"])
        and d["status"] == "loaded"
    )
    assert path.stat().st_mtime < inbox_path(sample, valid).stat().st_mtime
    s01 = [r for r in read_truth(sample, "rejects") if r["code"] == "S01"]
    assert [(r["bronbestand"], r["rij"]) for r in s01] == [(broken[0]["bronbestand"], "")]


def test_received_time_is_ten_days_after_the_quarter(
    sample: Path, deliveries: list[dict[str, str]]
) -> None:
    """Politie (the last organisation) delivers Q1 on 10 April, 09:00 UTC plus 367 minutes."""
    police = next(d for d in deliveries if d["bronbestand"] == f"POL_{YEAR}Q1.jsonl")
    mtime = datetime.fromtimestamp(inbox_path(sample, police).stat().st_mtime, UTC)
    assert mtime == datetime(YEAR, 4, 10, 9, 0, tzinfo=UTC) + timedelta(minutes=367)


def test_template_deliveries_use_the_generated_template(
    sample: Path, deliveries: list[dict[str, str]]
) -> None:
    """Template deliveries carry the generated template's explanation and validations."""
    first = next(
        d for d in deliveries if d["profiel"] == "nationaal_sjabloon" and d["rows_in"] != "0"
    )
    workbook = openpyxl.load_workbook(inbox_path(sample, first))
    empty = openpyxl.load_workbook(BytesIO(template_bytes()))
    assert workbook.sheetnames == empty.sheetnames
    explanation = [row for row in workbook["Toelichting"].iter_rows(values_only=True)]
    assert explanation == list(empty["Toelichting"].iter_rows(values_only=True))
    incidents = workbook["Incidenten"]
    assert incidents.freeze_panes == "A2"
    validations = incidents.data_validations.dataValidation
    assert len(validations) == len(empty["Incidenten"].data_validations.dataValidation)
    assert incidents.max_row == int(first["rows_in"]) + 1


def test_sample_template_columns_are_the_generated_templates() -> None:
    """The sample spells template rows in the columns the generated template has."""
    assert FORMATS["nationaal_sjabloon"].columns == incident_columns()


def template_bytes() -> bytes:
    """An empty template for boa, as bytes."""
    buffer = BytesIO()
    save_reproducibly(build_template(Aanlevering(beroepsgroep="boa")), buffer, datetime(2025, 1, 1))
    return buffer.getvalue()


def test_levert_voor_relation_and_covered_gemeente_without_files(
    sample: Path, deliveries: list[dict[str, str]], manifest: dict
) -> None:
    """One covered-by relation in reference/levert_voor.csv; the covered gemeente has no files,
    its leverancier delivers every quarter, both in the same veiligheidsregio."""
    rows = read_csv(sample / "reference" / "levert_voor.csv")
    assert list(rows[0]) == ["leverancier", "organisatiecode", "vanaf", "tot", "toelichting"]
    assert len(rows) == 1 and rows[0]["vanaf"] == f"{YEAR}Q1" and rows[0]["tot"] == ""
    assert rows[0]["toelichting"].startswith("Gezamenlijke handhavingsdienst")
    (relation,) = manifest["cases"]["levert_voor"]
    assert relation == {
        k: rows[0][k] or None for k in ("leverancier", "organisatiecode", "vanaf", "tot")
    }
    covered, leverancier = relation["organisatiecode"], relation["leverancier"]
    assert not (sample / "inbox" / covered).exists()
    assert not [d for d in deliveries if d["organisatiecode"] == covered]
    assert not [i for i in read_truth(sample, "incidents") if i["organisatiecode"] == covered]
    own = {
        d["periode"]
        for d in deliveries
        if d["organisatiecode"] == leverancier and d["status"] == "loaded"
    }
    assert own == {f"{YEAR}Q{q}" for q in range(1, 5)}
    regio = {
        g["gemeentecode"]: g["veiligheidsregiocode"] for g in read_csv(REFERENCE / "gemeenten.csv")
    }
    assert regio[covered] == regio[leverancier] and covered != "GM1969"
    special = {c["organisatiecode"] for name in ("pre_2023_code", "nil_returns", "unreadable")
               for c in manifest["cases"][name]}  # fmt: skip
    assert not {covered, leverancier} & special


def test_late_delivery_arrives_fifty_days_after_its_quarter(
    sample: Path, deliveries: list[dict[str, str]], manifest: dict
) -> None:
    """The late delivery's mtime and received_at lie 50 days after its quarter; others 10."""
    (late,) = manifest["cases"]["late"]
    delivery = next(d for d in deliveries if d["bronbestand"] == late["bronbestand"])
    mtime = datetime.fromtimestamp(inbox_path(sample, delivery).stat().st_mtime, UTC)
    assert mtime == datetime.fromisoformat(late["received_at"])
    assert mtime == datetime.fromisoformat(delivery["received_at"])
    quarter = int(late["periode"][-1])
    end = date(YEAR, 12, 31) if quarter == 4 else date(YEAR, 3 * quarter + 1, 1) - timedelta(days=1)
    assert mtime.date() == end + timedelta(days=50)
    assert delivery["profiel"] in ("nationaal_sjabloon", "gir_gemeente", "vendor_csv")
    assert delivery["geen_incidenten"] == "nee"


def test_every_delivery_has_its_received_time(
    sample: Path, deliveries: list[dict[str, str]]
) -> None:
    """truth/deliveries.csv holds received_at (ISO 8601, UTC) = the file's mtime."""
    for d in deliveries:
        received = datetime.fromisoformat(d["received_at"])
        assert received.utcoffset() == timedelta(0)
        assert inbox_path(sample, d).stat().st_mtime == received.timestamp(), d["bronbestand"]


def test_fte_reference_covers_every_organisation(sample: Path) -> None:
    """The FTE file has one positive FTE per organisation and beroepsgroep."""
    rows = read_csv(sample / "reference" / f"fte_{YEAR}.csv")
    assert len(rows) == 368 and len({r["organisatiecode"] for r in rows}) == 368
    assert all(float(r["fte"]) > 0 for r in rows)


def test_volumes_at_scale_one_are_within_ten_percent() -> None:
    """The plan at scale 1 draws about 12,500 politie, 9,000 boa and 3,500 brandweer incidents."""
    volumes = planned_volumes(plan_sample(YEAR, reference_dir=REFERENCE))
    for beroepsgroep, target in VOLUME_TARGETS.items():
        assert abs(volumes[beroepsgroep] - target) <= 0.1 * target, beroepsgroep


def test_refuses_a_foreign_non_empty_folder(tmp_path: Path) -> None:
    """A folder that holds other files and no sample.json is never emptied."""
    (tmp_path / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(SampleError):
        generate_sample(tmp_path, YEAR, scale=SCALE, reference_dir=REFERENCE)
    assert (tmp_path / "notes.txt").exists()


def test_refuses_bad_arguments(tmp_path: Path) -> None:
    """A zero scale or an absurd year is refused before anything is written."""
    with pytest.raises(SampleError):
        generate_sample(tmp_path / "a", YEAR, scale=0, reference_dir=REFERENCE)
    with pytest.raises(SampleError):
        generate_sample(tmp_path / "b", 1999, reference_dir=REFERENCE)
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()
