"""The public report after a nightly run: key messages, charts, downloads, no named employer,
and a top of the page that shows the key messages and a rate chart in headless Chromium."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

CHROMIUM = Path("/usr/bin/chromium")
GEMEENTECODE = re.compile(r"GM\d{4}")
QUALITY_COLUMNS = {"kwaliteitsscore", "gemiddelde_score", "laagste_score", "aandeel_foutloos"}
VIEWPORT = (1280, 1000)


@pytest.fixture(scope="module")
def report_dir(nightly_run: dict[str, Any]) -> Path:
    return Path(nightly_run["first"].report).parent


@pytest.fixture(scope="module")
def page(report_dir: Path) -> str:
    return (report_dir / "index.html").read_text(encoding="utf-8")


def texts_of(path: Path) -> list[str]:
    """Every text a file holds: CSV/HTML as text, xlsx as its XML parts, Parquet as its values."""
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as book:
            return [book.read(name).decode("utf-8") for name in book.namelist()]
    if path.suffix == ".parquet":
        frame = pd.read_parquet(path)
        return [" ".join(map(str, frame.columns)), frame.astype(str).to_csv(index=False)]
    return [path.read_text(encoding="utf-8-sig")]


def test_no_public_file_holds_a_gemeentecode_or_a_quality_score(report_dir: Path) -> None:
    files = [p for p in report_dir.rglob("*") if p.is_file()]
    assert len(files) >= 10
    for path in files:
        for text in texts_of(path):
            assert not GEMEENTECODE.search(text), (path.name, GEMEENTECODE.search(text))
            assert not QUALITY_COLUMNS & set(re.findall(r"[a-z_]+", text)), path.name
            assert "Kwaliteitsscore" not in text, path.name


def test_quality_per_employer_is_in_the_internal_report(nightly_run: dict[str, Any]) -> None:
    internal = nightly_run["settings"].reports_directory / "intern"
    page = (internal / "index.html").read_text(encoding="utf-8")
    assert "Kwaliteitsscore" in page and GEMEENTECODE.search(page)
    quality = pd.read_csv(internal / "kwaliteit.csv", sep=";", encoding="utf-8-sig")
    assert quality["organisatiecode"].str.match(r"GM\d{4}|VR\d{2}|POL").all()


class _Messages(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.items: list[str] = []
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "section" and ("id", "kernboodschappen") in attrs:
            self._depth = 1
        elif self._depth and tag == "li":
            self.items.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "section":
            self._depth = 0

    def handle_data(self, data: str) -> None:
        if self._depth and self.items:
            self.items[-1] += data


def test_key_messages_come_first_and_say_something(page: str) -> None:
    parser = _Messages()
    parser.feed(page)
    assert 3 <= len(parser.items) <= 6, parser.items
    assert any(re.search(r"\d", item) and "incidenten" in item for item in parser.items)
    assert page.index('id="kernboodschappen"') < page.index('id="kerncijfers"')


def test_charts_with_captions_tables_and_downloads(page: str, report_dir: Path) -> None:
    keys = re.findall(r'<figure class="chart-box" id="grafiek-([a-z-]+)">', page)
    assert {"per-fte", "aantal", "aangifte", "vpt", "gedragstype", "regio"} <= set(keys)
    assert page.count('<svg role="img"') == len(keys) == page.count("Tabel bij de grafiek")
    assert "Totaal alle beroepsgroepen" in page
    assert "<script" not in page.lower() and "http://" not in page and "https://" not in page
    links = set(re.findall(r'href="((?:csv|parquet)/[^"]+|monitor\.xlsx)"', page))
    on_disk = {p.relative_to(report_dir).as_posix() for p in report_dir.rglob("*.*")}
    assert links == on_disk - {"index.html"}
    assert page.count("<details>") >= 5 and page.count('class="voetnoot"') >= 5


def probe_layout(html_file: Path, workdir: Path) -> dict[str, Any]:
    """Where the key messages and the rate chart sit in a 1280×1000 viewport (a test copy of
    the page with a probe script; the published page has no scripts)."""
    probe = ("<script>const r=s=>document.querySelector(s).getBoundingClientRect();"
             "document.title=JSON.stringify({kern:r('#kernboodschappen ul.kern'),"
             "grafiek:r('#grafiek-per-fte svg'),hoogte:innerHeight});</script>")  # fmt: skip
    copy = workdir / "probe.html"
    copy.write_text(html_file.read_text(encoding="utf-8").replace("</body>", probe + "</body>"))
    dom = subprocess.run(
        [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu",
         f"--window-size={VIEWPORT[0]},{VIEWPORT[1]}", f"--user-data-dir={workdir / 'profiel'}",
         "--dump-dom", copy.as_uri()],
        capture_output=True, text=True, timeout=120, check=True,
    ).stdout  # fmt: skip
    title = re.search(r"<title>(.*?)</title>", dom, re.S)
    assert title is not None, dom[:500]
    return json.loads(title.group(1).replace("&quot;", '"'))


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium")
def test_the_top_of_the_page_shows_key_messages_and_a_rate_chart(
    report_dir: Path, tmp_path: Path
) -> None:
    layout = probe_layout(report_dir / "index.html", tmp_path)
    assert layout["kern"]["height"] > 40 and layout["grafiek"]["height"] > 150
    assert layout["kern"]["bottom"] <= layout["grafiek"]["top"]
    assert layout["grafiek"]["bottom"] <= VIEWPORT[1], layout  # both fully in the first screen
    shot = tmp_path / "rapport-boven.png"
    subprocess.run(
        [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
         f"--window-size={VIEWPORT[0]},{VIEWPORT[1]}", f"--user-data-dir={tmp_path / 'p2'}",
         f"--screenshot={shot}", (report_dir / "index.html").as_uri()],
        capture_output=True, timeout=120, check=True,
    )  # fmt: skip
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == VIEWPORT
    screenshots = report_dir.parent / "screenshots"
    screenshots.mkdir(exist_ok=True)
    shutil.copy(shot, screenshots / shot.name)  # kept beside the report for people to look at
