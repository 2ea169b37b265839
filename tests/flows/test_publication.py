"""What the nightly run publishes on the sample: no small counts anywhere, nothing narrowed.

The attacker (`tests/attacker.py`) is written apart from `pipeline/publication/disclosure*.py`: it reads only
the published CSV files and the public code list, rebuilds every relation a reader knows
(regions and 'onbekend' add up to NL, quarters to the year, zwaarste gedragstypen and contexts
to the total, numerator <= denominator <= its base, the gedragstype links and the severity
order), knows that a hidden count is at least 1 (zeros are published), and asks an integer
program for every hidden count's smallest and largest value.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from openpyxl import load_workbook

from tests.attacker import CATEGORY_TABLES, Knowledge, intervals, knowledge_from_tables

K = 5
COUNT_COLUMNS = (
    "incidenten",
    "met_aangifte",
    "aangifte_bekend",
    "aangifte_met_vpt",
    "vpt_bekend",
    "met_letsel",
    "letsel_bekend",
    "nazorg_aangeboden",
    "nazorg_bekend",
)
COUNT_HEADERS = {"Incidenten", "Met aangifte"}


@pytest.fixture(scope="module")
def report_dir(nightly_run: dict[str, Any]) -> Path:
    directory = Path(nightly_run["first"].report).parent
    assert (directory / "index.html").is_file()
    return directory


def small(values: pd.Series) -> pd.Series:
    numbers = pd.to_numeric(values, errors="coerce")
    return numbers.between(1, K - 1)


def test_no_csv_or_parquet_cell_holds_a_count_from_1_to_k_minus_1(report_dir: Path) -> None:
    checked = 0
    for path in sorted((report_dir / "csv").glob("*.csv")):
        frame = pd.read_csv(path, sep=";", dtype=str)
        for column in [c for c in COUNT_COLUMNS if c in frame.columns]:
            assert not small(frame[column]).any(), (path.name, column)
            checked += frame[column].notna().sum()
        parquet = pd.read_parquet(report_dir / "parquet" / f"{path.stem}.parquet")
        for column in [c for c in COUNT_COLUMNS if c in parquet.columns]:
            assert not small(parquet[column]).any(), (path.stem, column)
    assert checked > 1000


def test_hidden_cells_say_only_verborgen(report_dir: Path) -> None:
    statuses = set()
    for path in (report_dir / "csv").glob("*.csv"):
        frame = pd.read_csv(path, sep=";", dtype=str)
        for column in [c for c in frame.columns if c.endswith("_status")]:
            statuses |= set(frame[column].dropna())
            value = frame[column.removesuffix("_status")]
            hidden = frame[column].isin(["verborgen", "niet_gepubliceerd"])
            assert value[hidden].isna().all(), (path.name, column)
    # niet_gepubliceerd: a regional rate per quarter, never published (not a suppressed cell)
    assert statuses == {"gepubliceerd", "verborgen", "niet_gepubliceerd"}


def test_no_excel_cell_holds_a_small_count(report_dir: Path) -> None:
    book = load_workbook(report_dir / "monitor.xlsx", read_only=True)
    checked = 0
    for sheet in book.worksheets:
        rows = sheet.iter_rows(values_only=True)
        header: tuple[Any, ...] = ()
        for candidate in rows:  # the header row sits below the sheet's title and description
            if COUNT_HEADERS & set(candidate) or set(COUNT_COLUMNS) & set(candidate):
                header = candidate
                break
        names = set(COUNT_COLUMNS) | COUNT_HEADERS
        positions = [i for i, name in enumerate(header) if name in names]
        for row in rows:
            for i in positions:
                value = row[i]
                assert not (isinstance(value, int | float) and 1 <= value < K), (
                    sheet.title,
                    header[i],
                    row,
                )
                checked += 1
    assert checked > 1000


class _Tables(HTMLParser):
    """Collects every table's column headers and cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict[str, Any]] = []
        self._cell: list[str] | None = None
        self._in_head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append({"header": [], "rows": []})
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"].append([])
        elif tag in ("td", "th"):
            self._cell = []
            self._in_head = tag == "th" and ("scope", "col") in attrs

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self.tables:
            text = "".join(self._cell).strip()
            table = self.tables[-1]
            (table["header"] if self._in_head else table["rows"][-1]).append(text)
            self._cell = None


def test_no_html_table_cell_holds_a_small_count(report_dir: Path) -> None:
    parser = _Tables()
    parser.feed((report_dir / "index.html").read_text(encoding="utf-8"))
    checked = 0
    for table in parser.tables:
        counted = [
            i
            for i, name in enumerate(table["header"])
            if name in COUNT_HEADERS or name[:6].isdigit()
        ]
        for row in (r for r in table["rows"] if len(r) == len(table["header"])):
            for i in counted:
                text = row[i].replace(".", "").replace("*", "").strip()
                assert not (text.isdigit() and 1 <= int(text) < K), (table["header"][i], row)
                checked += 1
    assert checked > 500


def read_published(report_dir: Path, name: str) -> pd.DataFrame:
    """A published CSV as Dutch Excel reads it: `;`, decimal comma, UTF-8 with BOM."""
    return pd.read_csv(report_dir / "csv" / f"{name}.csv", sep=";", dtype=str, encoding="utf-8-sig")


def knowledge(report_dir: Path) -> dict[str, Knowledge]:
    """Per beroepsgroep, what a reader of the published CSV files knows."""
    categories = {name: read_published(report_dir, name) for name in CATEGORY_TABLES}
    return knowledge_from_tables(read_published(report_dir, "indicatoren"), categories)


def findings(intervals_found: dict[Any, tuple[float, float]]) -> list[Any]:
    """Quantities an attacker narrows to less than k: exact, or pinned inside [1, k-1]."""
    return [key for key, (lo, hi) in intervals_found.items() if hi - lo < K - 1e-6]


@pytest.fixture(scope="module")
def published_knowledge(report_dir: Path) -> dict[str, Knowledge]:
    return knowledge(report_dir)


def test_the_integer_attacker_narrows_no_hidden_figure(
    published_knowledge: dict[str, Knowledge],
) -> None:
    """From the published CSVs alone (hidden >= 1, as zeros are published), no hidden count,
    and no rest of a hidden rate, has a feasible interval narrower than k."""
    assert set(published_knowledge) == {"boa", "brandweer", "politie"}
    hidden = sum(v is None for kn in published_knowledge.values() for v in kn.values.values())
    assert hidden > 200  # the test sample has many small cells: the attack has work to do
    for group, known in published_knowledge.items():
        found = intervals(known, K)
        assert len(found) >= sum(v is None for v in known.values.values())
        assert findings(found) == [], group


def test_no_hidden_cell_stands_alone(published_knowledge: dict[str, Knowledge]) -> None:
    """A hidden count that shares no relation with another hidden count could only be small:
    every hidden count has a hidden partner in some equality."""
    for group, known in published_knowledge.items():
        partnered = set()
        for terms in known.equalities:
            hidden = [c for c in terms if known.values[c] is None]
            if len(hidden) >= 2:
                partnered.update(hidden)
        alone = [c for c, v in known.values.items() if v is None and c not in partnered]
        assert alone == [], group


def test_a_change_never_sits_next_to_a_hidden_count(report_dir: Path) -> None:
    """The change on the previous period is published only when both counts are."""
    frame = read_published(report_dir, "indicatoren")
    hidden = frame["incidenten_status"] != "gepubliceerd"
    assert hidden.any()
    assert frame.loc[hidden, "verandering_vorige_periode_pct"].isna().all()


def test_the_attacker_recovers_a_naively_protected_table() -> None:
    """Hiding only the small cell and one complement in its row is not enough: the attacker
    finds both (with hidden >= 1 and the linked total)."""
    known = Knowledge(values={("t", "NL", "2025"): 20.0, ("z", "verbaal", "2025"): 16.0,
                              ("z", "fysiek_geweld", "2025"): None,  # 3
                              ("z", "overig", "2025"): None})  # 1  # fmt: skip
    known.total(
        ("t", "NL", "2025"), [("z", c, "2025") for c in ("verbaal", "fysiek_geweld", "overig")]
    )
    assert sorted(findings(intervals(known, K)), key=repr) == [
        ("z", "fysiek_geweld", "2025"), ("z", "overig", "2025")]  # fmt: skip


def test_the_report_is_complete_and_renders_in_chromium(report_dir: Path, tmp_path: Path) -> None:
    import json
    import shutil
    import subprocess
    import sys

    page = (report_dir / "index.html").read_text(encoding="utf-8")
    assert "Landelijke monitor agressie en geweld tegen hulpverleners" in page
    assert "http://" not in page and "https://" not in page and "<script src" not in page
    assert {p.stem for p in (report_dir / "parquet").glob("*.parquet")} >= {
        "indicatoren", "incidenten_zwaarste", "incidenten_gedragstype", "kerncijfers", "trend"}  # fmt: skip
    if shutil.which("chromium") is None and not Path("/usr/bin/chromium").exists():
        pytest.skip("Chromium is not installed (Debian package chromium)")
    script = Path(__file__).resolve().parents[2] / "scripts" / "browser_check.py"
    done = subprocess.run([sys.executable, str(script), str(report_dir / "index.html"), "--screenshots",
                           str(tmp_path), "--json"], capture_output=True, text=True, timeout=120)  # fmt: skip
    result = json.loads(done.stdout)
    assert done.returncode == 0 and result["ok"], result
    assert next(tmp_path.glob("*.png")).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
