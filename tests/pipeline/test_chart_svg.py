"""The report's charts as SVG (`pipeline.publication.chart_svg`), on rows written out by hand:
well-formed, labelled, to scale, Dutch numbers, and hidden or incomplete values marked."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

import pandas as pd
import pytest

from pipeline.publication.chart_svg import bar_chart_svg, line_chart_svg, nice_ticks

NS = ""  # the charts are inline SVG without a namespace declaration


def _rows(
    records: list[tuple[str, str, float | None, str, str]], x: str, series: str
) -> pd.DataFrame:
    frame = pd.DataFrame(records, columns=[series, x, "waarde", "status", "teken"])
    frame["waarde"] = frame["waarde"].astype("float64")
    return frame


def _texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()).strip() for t in root.iter("text")]


@pytest.mark.parametrize(("maximum", "ticks"), [
    (37, [0, 10, 20, 30, 40]),
    (1234, [0, 250, 500, 750, 1000, 1250]),
    (4, [0, 1, 2, 3, 4]),
    (0, [0, 0.2, 0.4, 0.6, 0.8, 1.0]),
    (float("nan"), [0, 0.2, 0.4, 0.6, 0.8, 1.0]),
])  # fmt: skip
def test_ticks_are_round_numbers_from_zero_past_the_maximum(
    maximum: float, ticks: list[float]
) -> None:
    assert nice_ticks(maximum) == pytest.approx(ticks)


def test_line_chart_marks_hidden_and_incomplete_values() -> None:
    rows = _rows([
        ("Boa", "2025Q1", 10.0, "volledig", ""),
        ("Boa", "2025Q2", 12.5, "onvolledig", "*"),
        ("Boa", "2025Q3", 30.0, "volledig", ""),
        ("Politie <&>", "2025Q1", 20.0, "volledig", ""),
        ("Politie <&>", "2025Q2", None, "verborgen", "x"),
        ("Politie <&>", "2025Q3", 25.0, "volledig", ""),
    ], "periode", "beroepsgroep")  # fmt: skip
    svg = line_chart_svg(
        rows, "periode", "beroepsgroep", "Incidenten per 1.000 fte", "per 1.000 fte"
    )
    assert svg.startswith('<svg role="img" aria-label="Incidenten per 1.000 fte" class="chart" ')
    root = ET.fromstring(svg)  # well-formed: every text escaped
    texts = _texts(root)
    assert texts[0] == "Incidenten per 1.000 fte"
    assert [t for t in texts if t.isdigit()] == ["0", "10", "20", "30"]  # the y ticks
    periods = [t for t in texts if t.startswith("2025Q")]
    assert periods == ["2025Q1", "2025Q2", "2025Q3"]
    assert "Politie <&>" in texts and "onvolledig* (dekking onder de drempel)" in texts
    tips = [t.text for t in root.iter("title")]
    assert "Boa, 2025Q2: 12,5 (onvolledig)" in tips
    assert "Politie <&>, 2025Q2: geen waarde (verborgen)" in tips
    incomplete = [e for e in root if e.findtext("title") == "Boa, 2025Q2: 12,5 (onvolledig)"]
    assert [e.get("fill") for e in incomplete] == ["#9bb7d4"]  # the light colour
    marks = [e for e in root.iter("text") if e.findtext("title", "").endswith("(verborgen)")]
    assert [m.text for m in marks] == [None] and "".join(marks[0].itertext()).endswith("x")
    # Boa's line through its three points; Politie's hidden value leaves two single points
    lines = [e.get("points", "").split() for e in root.iter("polyline")]
    assert sorted(len(line) for line in lines) == [3]
    ys = {tip: float(e.get("cy")) for e in root.iter("circle") if (tip := e.findtext("title"))}
    lowest, top = _axis(root)
    assert ys["Boa, 2025Q3: 30,0 (volledig)"] == pytest.approx(top, abs=0.11)
    assert ys["Boa, 2025Q1: 10,0 (volledig)"] == pytest.approx(
        lowest - (lowest - top) / 3, abs=0.11
    )


def _axis(root: ET.Element) -> tuple[float, float]:
    """The y of the value 0 and of the highest tick (the grid lines)."""
    ys = sorted(float(e.get("y1", "nan")) for e in root.iter("line"))
    ys = [y for y in ys if not math.isnan(y)]
    return ys[-1], ys[0]


def test_bar_chart_panels_have_their_own_scale() -> None:
    rows = _rows([
        ("Boa", "Verbale agressie", 20.0, "volledig", ""),
        ("Boa", "Bedreiging", 40.0, "volledig", ""),
        ("Politie", "Verbale agressie", 4000.0, "volledig", ""),
        ("Politie", "Bedreiging", None, "verborgen", "x"),
    ], "gedragstype", "beroepsgroep")  # fmt: skip
    svg = bar_chart_svg(rows, "gedragstype", "beroepsgroep", "Naar gedragstype", "incidenten")
    root = ET.fromstring(svg)
    texts = _texts(root)
    assert {"Boa", "Politie", "4.000", "40", "incidenten"} <= set(texts)
    assert texts.count("Verbale agressie") == 2  # every category in every panel
    widths = {
        e.findtext("title"): float(e.get("width")) for e in root.iter("rect") if e.findtext("title")
    }
    assert widths["Boa, Bedreiging: 40,0 (volledig)"] == pytest.approx(190, abs=0.11)
    assert widths["Boa, Verbale agressie: 20,0 (volledig)"] == pytest.approx(95, abs=0.11)
    assert widths["Politie, Verbale agressie: 4.000,0 (volledig)"] == pytest.approx(190, abs=0.11)
    assert "Politie, Bedreiging: geen waarde (verborgen)" not in widths  # no bar, a mark
    marks = [e for e in root.iter("text") if e.findtext("title", "").endswith("(verborgen)")]
    assert len(marks) == 1 and "".join(marks[0].itertext()).endswith("x")


def test_a_chart_without_any_value_is_still_drawn() -> None:
    rows = _rows([("Boa", "2025Q1", None, "niet te berekenen", ".")], "periode", "beroepsgroep")
    root = ET.fromstring(line_chart_svg(rows, "periode", "beroepsgroep", "Leeg", "aantal"))
    marks = [t for t in _texts(root) if t.endswith("(niet te berekenen).")]  # tooltip, then '.'
    assert marks == ["Boa, 2025Q1: geen waarde (niet te berekenen)."] and root.get("role") == "img"
