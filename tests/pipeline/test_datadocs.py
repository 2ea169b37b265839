"""Data Docs of the batch checks: a capped report store and an offline site built by GX itself."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pandas as pd
import pytest

from pipeline.employers.datadocs import DataDocsError, _make_offline, build_data_docs, store_reports
from pipeline.ingest.batch import DeliveryLabel, validate_batch

# A page's own loads and links: src/href attributes, and url(...) in inline or vendored CSS.
REFERENCE = re.compile(
    r"""(?:\b(?:src|href)=["']([^"']+)["'])|(?:url\(\s*["']?([^"')]+)["']?\s*\))"""
)
REMOTE_LOAD = re.compile(
    r"<(?:script|img)\b[^>]*\bsrc=[\"']https?:|<link\b[^>]*\bhref=[\"']https?:|url\(\s*[\"']?https?:",
    re.IGNORECASE,
)


def _delivery(rows: int, days: int, kanaal: str) -> pd.DataFrame:
    """A small harmonised delivery with enough rows for every check to run."""
    start = dt.date(2025, 1, 1)
    return pd.DataFrame(
        {
            "bron_incidentnummer": [f"INC-{i}" for i in range(rows)],
            "incidentdatum": [start + dt.timedelta(days=i % days) for i in range(rows)],
            "kanaal": [kanaal] * rows,
            "context": ["handhaving"] * rows,
            "letsel": ["geen"] * rows,
            "aangifte": ["ja"] * rows,
        }
    )


@pytest.fixture(scope="module")
def reports() -> list[dict[str, Any]]:
    """Five real GX reports, oldest first, of deliveries GM0001 … GM0005."""
    made = []
    for i in range(5):
        label = DeliveryLabel(f"GM{i + 1:04d}", "2025Q1", f"incidenten {i + 1}.xlsx")
        frame = _delivery(12 + i, 1 + i, "onbekend" if i % 2 else "fysiek")
        report = validate_batch(frame, [12, 14] if i % 2 else [], label).report
        assert report is not None
        made.append(report)
    return made


def _stored_organisations(reports_dir: Path) -> list[str]:
    return sorted(p.name.split("_")[1] for p in (reports_dir / "gx" / "validations").glob("*"))


def test_store_keeps_only_the_newest(tmp_path: Path, reports: list[dict[str, Any]]) -> None:
    assert store_reports(tmp_path, reports, keep=3) == 3
    assert _stored_organisations(tmp_path) == ["GM0003", "GM0004", "GM0005"]


def test_storing_a_report_twice_keeps_one_copy(
    tmp_path: Path, reports: list[dict[str, Any]]
) -> None:
    store_reports(tmp_path, reports[:2], keep=10)
    assert store_reports(tmp_path, reports[:2], keep=10) == 2


def _validation_links(index: Path) -> set[str]:
    """The validation pages the index links to (GX puts them in its table data)."""
    return {unquote(m) for m in re.findall(r"validations/[^'\"]+?\.html", index.read_text())}


def _local_references(site: Path) -> list[tuple[Path, str]]:
    """(page, reference) for every relative file a page or vendored stylesheet names."""
    found = []
    for page in [*site.rglob("*.html"), *site.rglob("*.css")]:
        for match in REFERENCE.finditer(page.read_text(encoding="utf-8")):
            ref = match.group(1) or match.group(2)
            if not re.match(r"(?:[a-z]+:|#|\{)", ref):  # not remote, data:, an anchor, a template
                found.append((page, unquote(ref.split("?")[0].split("#")[0])))
    return found


def test_site_shows_the_stored_reports_and_works_offline(
    tmp_path: Path, reports: list[dict[str, Any]]
) -> None:
    store_reports(tmp_path, reports, keep=3)
    index = build_data_docs(tmp_path)
    site = tmp_path / "datadocs"
    assert index == site / "index.html"
    pages = {p.relative_to(site).as_posix() for p in site.glob("validations/**/*.html")}
    assert _validation_links(index) == pages
    assert len(pages) == 3
    assert {page.split(" ")[0].split("/")[-1] for page in pages} == {"GM0003", "GM0004", "GM0005"}
    assert "GM0004 2025Q1 incidenten 4.xlsx" in index.read_text()
    html = {p: p.read_text(encoding="utf-8") for p in site.rglob("*.html")}
    assert [p for p, text in html.items() if REMOTE_LOAD.search(text)] == []
    missing = [(p, ref) for p, ref in _local_references(site) if not (p.parent / ref).exists()]
    assert missing == []
    assert list(site.glob("expectations/*.html"))


def test_rebuild_drops_pruned_reports(tmp_path: Path, reports: list[dict[str, Any]]) -> None:
    store_reports(tmp_path, reports, keep=3)
    build_data_docs(tmp_path)
    store_reports(tmp_path, [], keep=1)
    index = build_data_docs(tmp_path)
    assert len(_validation_links(index)) == 1
    assert len(list((tmp_path / "datadocs").glob("validations/**/*.html"))) == 1
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".datadocs")] == []


def test_an_unknown_cdn_reference_fails_the_build(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text(
        '<html><head><script src="https://cdn.example.org/new.js"></script></head></html>'
    )
    with pytest.raises(DataDocsError, match=r"index\.html: .*cdn\.example\.org"):
        _make_offline(tmp_path)


def test_a_report_that_is_not_gx_json_fails_the_build(tmp_path: Path) -> None:
    store = tmp_path / "gx" / "validations"
    store.mkdir(parents=True)
    (store / "20250101T000000.000000Z_GM0001_2025Q1_abc.json").write_text('{"oops": 1}')
    with pytest.raises(DataDocsError, match="not a GX validation result"):
        build_data_docs(tmp_path)


def test_a_relative_reports_dir_builds_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`make run` passes data/reports, relative to the working directory."""
    monkeypatch.chdir(tmp_path)
    index = build_data_docs(Path("data/reports"))
    assert index.is_absolute() and index.is_file()
