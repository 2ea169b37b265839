"""What the nightly run publishes on the sample: no small counts anywhere, nothing recoverable.

The attacker here is written independently of `pipeline/disclosure.py`: it reads only the
published CSV files, rebuilds every additive relation a reader knows (regions and 'onbekend' add
up to NL, quarters to the year, zwaarste gedragstypen to the total), and for each hidden cell asks
an LP for its smallest and largest possible value.
"""

from __future__ import annotations

from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook
from scipy.linalg import null_space
from scipy.optimize import linprog

from pipeline.warehouse import open_published

K = 5
COUNT_COLUMNS = ("incidenten", "herhaald_slachtoffers", "verzuim_dagen")
COUNT_HEADERS = {"Incidenten", "Herhaald slachtoffer", "Verzuimdagen"}


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
            assert value[frame[column] == "verborgen"].isna().all(), (path.name, column)
    assert statuses == {"gepubliceerd", "verborgen"}


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


def published_cells(report_dir: Path) -> dict[str, dict[tuple[str, ...], float | None]]:
    """Per beroepsgroep: (table, gebied, periode, category) → published value or None (hidden)."""
    cells: dict[str, dict[tuple[str, ...], float | None]] = defaultdict(dict)
    read = lambda name: pd.read_csv(report_dir / "csv" / f"{name}.csv", sep=";", dtype=str)  # noqa: E731
    for name, category in (("indicatoren", None), ("incidenten_zwaarste", "zwaarste_gedragstype"),
                           ("incidenten_gedragstype", "gedragstype")):  # fmt: skip
        for row in read(name).to_dict("records"):
            table = "gedrag" if name == "incidenten_gedragstype" else "zwaarste"
            cat = row[category] if category else "totaal"
            value = None if pd.isna(row["incidenten"]) else float(row["incidenten"])
            cells[row["beroepsgroep"]][(table, row["gebiedcode"], row["periode"], cat)] = value
    return cells


def relations(
    cells: dict[tuple[str, ...], float | None],
) -> list[tuple[tuple[str, ...], list[tuple[str, ...]]]]:
    """Every additive relation a reader of the tables knows."""
    found = []
    keys = set(cells)
    for table, area, period, cat in keys:
        if area == "NL":
            parts = [
                k for k in keys if k[0] == table and k[2] == period and k[3] == cat and k[1] != "NL"
            ]
            found.append(((table, area, period, cat), parts))
        if "Q" not in period:
            parts = [
                k
                for k in keys
                if k[:2] == (table, area) and k[3] == cat and k[2].startswith(f"{period}Q")
            ]
            found.append(((table, area, period, cat), parts))
        if table == "zwaarste" and cat == "totaal":
            parts = [k for k in keys if k[:3] == (table, area, period) and k[3] != "totaal"]
            found.append(((table, area, period, cat), parts))
    return [(total, parts) for total, parts in found if parts]  # no parts published: no relation


def equations(
    cells: dict[tuple[str, ...], float | None],
) -> list[tuple[dict[tuple[str, ...], float], float]]:
    """Each relation as {hidden cell: coefficient} = constant, over the hidden cells only."""
    found = []
    for total, parts in relations(cells):
        coefficients: dict[tuple[str, ...], float] = defaultdict(float)
        constant = 0.0
        for key, sign in [(total, 1.0), *((p, -1.0) for p in parts)]:
            value = cells[key]
            if value is None:
                coefficients[key] += sign
            else:
                constant -= sign * value
        if any(coefficients.values()):
            found.append((dict(coefficients), constant))
    return found


def components(eqs: list[tuple[dict[tuple[str, ...], float], float]]) -> list[list[int]]:
    """Groups of equations that share hidden cells (solved separately: much smaller LPs)."""
    parent = list(range(len(eqs)))
    find = lambda i: i if parent[i] == i else find(parent[i])  # noqa: E731
    owner: dict[tuple[str, ...], int] = {}
    for i, (coefficients, _) in enumerate(eqs):
        for key in coefficients:
            if key in owner:
                parent[find(i)] = find(owner[key])
            owner[key] = i
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(eqs)):
        groups[find(i)].append(i)
    return list(groups.values())


def attack(cells: dict[tuple[str, ...], float | None],
           truth: dict[tuple[str, ...], float] | None = None) -> list[tuple[str, ...]]:  # fmt: skip
    """The hidden cells whose value the published cells and relations pin to a single number.

    Per component of linked relations: with `truth` showing every hidden value > 0, the true
    solution lies inside the non-negativity bounds, so a cell is pinned exactly when the
    equations alone fix it (its row of the null space is zero); otherwise an LP per cell.
    """
    eqs = equations(cells)
    recovered = []
    for group in components(eqs):
        hidden = sorted({key for i in group for key in eqs[i][0]})
        index = {key: j for j, key in enumerate(hidden)}
        a_eq = np.zeros((len(group), len(hidden)))
        for row, i in enumerate(group):
            for key, coefficient in eqs[i][0].items():
                a_eq[row, index[key]] = coefficient
        b_eq = np.array([eqs[i][1] for i in group])
        if truth is not None and all(truth.get(key, 0) > 0 for key in hidden):
            free = np.linalg.norm(null_space(a_eq), axis=1) > 1e-9
            recovered += [key for key, is_free in zip(hidden, free, strict=True) if not is_free]
        else:
            recovered += _pinned_by_lp(hidden, a_eq, b_eq)
    return recovered


def _pinned_by_lp(
    hidden: list[tuple[str, ...]], a_eq: np.ndarray, b_eq: np.ndarray
) -> list[tuple[str, ...]]:
    """Minimise and maximise each hidden cell subject to the relations and non-negativity."""
    pinned = []
    for j, key in enumerate(hidden):
        objective = np.zeros(len(hidden))
        objective[j] = 1
        low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        assert low.status == 0, "the published tables are inconsistent"
        if high.status == 0 and (-high.fun) - low.fun < 0.5:
            pinned.append(key)
    return pinned


def true_values(nightly_run: dict[str, Any]) -> dict[str, dict[tuple[str, ...], float]]:
    """The counts behind the published cells, from the warehouse (the test may know them)."""
    where = "WHERE niveau IN ('nationaal', 'veiligheidsregio')"
    queries = {
        "zwaarste": f"SELECT beroepsgroep, gebiedcode, periode, zwaarste_gedragstype AS c, incidenten "
                    f"FROM mart.incidenten_zwaarste {where} UNION ALL SELECT beroepsgroep, gebiedcode, "
                    f"periode, 'totaal', incidenten FROM mart.indicatoren {where}",
        "gedrag": f"SELECT beroepsgroep, gebiedcode, periode, gedragstype AS c, incidenten "
                  f"FROM mart.incidenten_gedragstype {where}",
    }  # fmt: skip
    truth: dict[str, dict[tuple[str, ...], float]] = defaultdict(dict)
    with open_published(nightly_run["settings"].warehouse_path) as wh:
        for table, sql in queries.items():
            for row in wh.query(sql).itertuples(index=False):
                truth[row.beroepsgroep][(table, row.gebiedcode, str(row.periode), row.c)] = float(
                    row.incidenten
                )
    return truth


def test_the_recovery_attack_recovers_no_hidden_cell(
    report_dir: Path, nightly_run: dict[str, Any]
) -> None:
    by_group = published_cells(report_dir)
    truth = true_values(nightly_run)
    assert set(by_group) == {"boa", "brandweer", "politie"}
    hidden = sum(v is None for cells in by_group.values() for v in cells.values())
    assert hidden > 50  # the sample has small cells: the attack has something to attack
    for group, cells in by_group.items():
        assert attack(cells, truth[group]) == [], group


def test_the_attacker_recovers_a_naively_protected_table() -> None:
    cells: dict[tuple[str, ...], float | None] = {
        ("zwaarste", "NL", "2025", "totaal"): 20.0,
        ("zwaarste", "NL", "2025", "verbaal"): 17.0,
        ("zwaarste", "NL", "2025", "fysiek_geweld"): None,  # 3, hidden alone: 20 - 17
    }
    assert attack(cells) == [("zwaarste", "NL", "2025", "fysiek_geweld")]


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
