"""A realistic synthetic Publication: 3 beroepsgroepen, 25 regions + onbekend, 4 quarters + year.

Counts come from a seeded generator; small counts (1 to k-1) are primary-suppressed and one more
cell per beroepsgroep × periode secondary-suppressed, as the publish step would. Brandweer is
under the coverage floor (incomplete) and a few organisation names are hostile (formula-like).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from pipeline.publication.published import Publication, PublishedTable

K, FLOOR = 5, 0.6
PERIODEN = ("2025Q1", "2025Q2", "2025Q3", "2025Q4")
GROEPEN = ("politie", "boa", "brandweer")
INCOMPLETE_GROUP = "brandweer"
REGIONS = ("Groningen", "Fryslân", "Drenthe", "IJsselland", "Twente", "Noord- en Oost-Gelderland",
           "Gelderland-Midden", "Gelderland-Zuid", "Utrecht", "Noord-Holland-Noord",
           "Zaanstreek-Waterland", "Kennemerland", "Amsterdam-Amstelland", "Gooi en Vechtstreek",
           "Haaglanden", "Hollands-Midden", "Rotterdam-Rijnmond", "Zuid-Holland-Zuid", "Zeeland",
           "Midden- en West-Brabant", "Brabant-Noord", "Brabant-Zuidoost", "Limburg-Noord",
           "Limburg-Zuid", "Flevoland")  # fmt: skip
REGION_CODES = {f"VR{i:02d}": name for i, name in enumerate(REGIONS, start=1)}
HOSTILE_NAME = '=HYPERLINK("http://example.invalid","klik")'
SCALE = {"politie": 120, "boa": 14, "brandweer": 4}  # mean incidents per region and quarter


def incidenten_regio(rng: np.random.Generator) -> PublishedTable:
    """Incidents and aangifte per beroepsgroep × region (+ onbekend for politie) × periode."""
    rows = []
    for groep in GROEPEN:
        regions = [
            *REGION_CODES.items(),
            *([("onbekend", "onbekend")] if groep == "politie" else []),
        ]
        for periode in (*PERIODEN, "2025"):
            factor = 4 if periode == "2025" else 1
            for code, naam in regions:
                n = int(rng.poisson(SCALE[groep] * factor))
                rows.append({"beroepsgroep": groep, "veiligheidsregiocode": code,
                             "veiligheidsregionaam": naam, "periode": periode, "incidenten": n,
                             "met_aangifte": int(rng.binomial(n, 0.3))})  # fmt: skip
    frame = pd.DataFrame(rows)
    frame["aangifte_pct"] = (100 * frame["met_aangifte"] / frame["incidenten"]).round(1)
    frame = suppress(frame, ["incidenten", "met_aangifte"], ["beroepsgroep", "periode"])
    hidden = frame["met_aangifte_status"].isin(["primair", "secundair"]) | frame[
        "incidenten_status"
    ].isin(["primair", "secundair"])
    frame["aangifte_pct_status"] = frame["met_aangifte_status"].where(hidden, "gepubliceerd")
    frame.loc[hidden, "aangifte_pct_status"] = "primair"
    frame["aangifte_pct"] = frame["aangifte_pct"].mask(hidden)
    for column in ("incidenten", "met_aangifte", "aangifte_pct"):  # brandweer under the floor
        status = f"{column}_status"
        incomplete = (frame["beroepsgroep"] == INCOMPLETE_GROUP) & (frame[status] == "gepubliceerd")
        frame.loc[incomplete, status] = "onvolledig"
    return PublishedTable(
        "incidenten_regio", "Incidenten en aangifte per veiligheidsregio",
        "Aantal incidenten en incidenten met aangifte per beroepsgroep, veiligheidsregio en periode.",
        frame, ("incidenten", "met_aangifte", "aangifte_pct"),
        {c: f"{c}_status" for c in ("incidenten", "met_aangifte", "aangifte_pct")},
    )  # fmt: skip


def suppress(frame: pd.DataFrame, columns: list[str], groups: list[str]) -> pd.DataFrame:
    """Primary: 1..k-1 hidden; secondary: a lone primary cell in a group takes the next smallest."""
    frame = frame.copy()
    for column in columns:
        status = pd.Series("gepubliceerd", index=frame.index)
        status[frame[column].between(1, K - 1)] = "primair"
        for _, part in frame.groupby(groups):
            primary = part.index[status[part.index] == "primair"]
            if len(primary) == 1:
                rest = part[column].drop(primary)
                status[rest[rest > 0].idxmin()] = "secundair"
        frame[f"{column}_status"] = status
        frame[column] = frame[column].astype("float").mask(status != "gepubliceerd")
    return frame


def incidenten_zwaarste(rng: np.random.Generator) -> PublishedTable:
    """National incidents per beroepsgroep × periode × most serious gedragstype."""
    types = ("verbaal", "bedreiging", "fysiek_geweld", "seksuele_intimidatie", "doxing")
    shares = {"verbaal": 0.5, "bedreiging": 0.25, "fysiek_geweld": 0.2,
              "seksuele_intimidatie": 0.004, "doxing": 0.002}  # fmt: skip
    rows = [{"beroepsgroep": g, "periode": p, "zwaarste_gedragstype": t,
             "incidenten": int(rng.poisson(SCALE[g] * 25 * shares[t] * (4 if p == "2025" else 1)))}
            for g in GROEPEN for p in (*PERIODEN, "2025") for t in types]  # fmt: skip
    frame = suppress(pd.DataFrame(rows), ["incidenten"], ["beroepsgroep", "periode"])
    return PublishedTable(
        "incidenten_zwaarste", "Incidenten naar zwaarste gedragstype",
        "Landelijk aantal incidenten per beroepsgroep, periode en zwaarste gedragstype.",
        frame, ("incidenten",), {"incidenten": "incidenten_status"},
    )  # fmt: skip


def build_publication(seed: int = 20251) -> Publication:
    """The synthetic publication the report tests render."""
    rng = np.random.default_rng(seed)
    regio, zwaarste = incidenten_regio(rng), incidenten_zwaarste(rng)
    year = regio.frame[regio.frame["periode"] == "2025"]
    kern = pd.DataFrame([
        {"beroepsgroep": g, "jaar": 2025,
         "incidenten": float(year.loc[year["beroepsgroep"] == g, "incidenten"].sum()),
         "aangifte_pct": round(float(rng.uniform(20, 45)), 1),
         "met_letsel": float(rng.integers(10, 300)) if g != "brandweer" else None,
         "per_1000_fte": round(float(rng.uniform(20, 90)), 1),
         "fte_pct": 48.2 if g == INCOMPLETE_GROUP else round(float(rng.uniform(75, 99)), 1),
         "volledig": g != INCOMPLETE_GROUP}
        for g in GROEPEN])  # fmt: skip
    trend_rows = []
    for g in GROEPEN:
        quarters = regio.frame[
            (regio.frame["beroepsgroep"] == g) & (regio.frame["periode"] != "2025")
        ]
        for periode, part in quarters.groupby("periode"):
            hidden = (g, periode) == ("boa", "2025Q2")  # as if secondary to a hidden region
            trend_rows.append({"beroepsgroep": g, "periode": periode,
                               "incidenten": None if hidden else float(part["incidenten"].sum()),
                               "incidenten_status": "secundair" if hidden else "gepubliceerd",
                               "per_1000_fte": None if hidden else round(float(part["incidenten"].sum()) / 9.5, 1),
                               "per_1000_fte_status": "secundair" if hidden else "gepubliceerd",
                               "volledig": g != INCOMPLETE_GROUP or periode == "2025Q1"})  # fmt: skip
    dekking = pd.DataFrame([
        {"beroepsgroep": g, "veiligheidsregiocode": code, "naam": naam, "periode": p,
         "organisaties_pct": round(float(rng.uniform(40, 100)), 1),
         "fte_pct": (fte := round(float(rng.uniform(35 if g == INCOMPLETE_GROUP else 62, 100)), 1)),
         "onder_drempel": fte < 100 * FLOOR}
        for g in GROEPEN for code, naam in REGION_CODES.items() for p in PERIODEN])  # fmt: skip
    kwaliteit = pd.DataFrame([
        {"organisatiecode": f"GM{i:04d}", "naam": HOSTILE_NAME if i == 7 else f"Gemeente {i}",
         "beroepsgroep": "boa", "jaar": 2025,
         "gemiddelde_score": round(float(rng.uniform(30, 100)), 1),
         "laagste_score": int(rng.integers(0, 90)), "kwartalen": int(rng.integers(1, 5)),
         "aandeel_foutloos": round(float(rng.uniform(0.5, 1)), 3),
         "aandeel_bekend": round(float(rng.uniform(0.3, 1)), 3),
         "tijdigheid": round(float(rng.uniform(0, 1)), 3)}
        for i in range(1, 41)])  # fmt: skip
    reeksbreuken = pd.DataFrame([
        {"organisatiecode": "GM0344", "naam": "Utrecht", "periode": "2025Q3",
         "soort": "registratiesysteem", "van": "SIMS", "naar": "@Meldpunt"},
        {"organisatiecode": "VR05", "naam": "Twente", "periode": "2025Q2",
         "soort": "indeling", "van": "oude codes", "naar": "landelijke codes"}])  # fmt: skip
    return Publication(
        generated_at=dt.datetime(2026, 1, 15, 3, 12, tzinfo=dt.UTC), perioden=PERIODEN, k=K,
        coverage_floor=FLOOR, kerncijfers=kern, trend=pd.DataFrame(trend_rows),
        dekking_regio=dekking, kwaliteit=kwaliteit, reeksbreuken=reeksbreuken,
        tables=(regio, zwaarste),
    )  # fmt: skip
