"""A bounded load test of the portal on loopback: many deliveries at once, nothing lost.

    .venv/bin/python bench/portal_load.py [--uploads 200] [--parallel 20] [--orgs 10] [--checks 0]

Starts the portal (uvicorn, its own process) on 127.0.0.1 over a temporary inbox and state,
makes one token per organisation, and delivers `--uploads` distinct small files through
`POST /api/v1/leveringen`, `--parallel` at a time (plus `--checks` isolated checks through
`POST /api/v1/check`). Then it asserts that every upload has its receipt, every receipt its
file in `inbox/<organisatiecode>/` with the same SHA-256, no file landed in another
organisation's folder, and `GET /api/v1/leveringen` lists exactly each organisation's own
deliveries. Prints p50/p95 latency and throughput; stops the portal and removes everything.
Exit 0 when all holds, 1 otherwise.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
ORGS = ("GM0363", "GM0014", "GM0344", "GM0599", "GM0518", "VR13", "VR01", "VR25", "POL", "GM0003",
        "GM0005", "GM0010", "GM0024", "GM0034", "GM0037", "GM0047", "GM0050", "GM0059")  # fmt: skip
HEADER = "bron_incidentnummer;incidentdatum;gedragstypen;kanaal;context\n"


def free_port() -> int:
    """A port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_portal(root: Path, port: int) -> subprocess.Popen[bytes]:
    """The portal in its own process, on loopback, over folders under `root`."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MONITOR_INBOX_DIR": str(root / "inbox"),
           "MONITOR_PORTAL_DIR": str(root / "portal"),
           "MONITOR_WAREHOUSE_PATH": str(root / "warehouse" / "monitor.duckdb"),
           "MONITOR_REFERENCE_DIR": str(ROOT / "data" / "reference"),
           "MONITOR_PORTAL_REQUESTS_PER_MINUTE": "100000"}  # fmt: skip
    command = [sys.executable, "-m", "uvicorn", "portal.app:app_from_env", "--factory",
               "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]  # fmt: skip
    server = subprocess.Popen(command, env=env, cwd=ROOT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/inloggen", timeout=2)
            return server
        except httpx.TransportError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("het portaal start niet binnen 60 s")


def make_tokens(root: Path, count: int) -> dict[str, str]:
    """One token per organisation, straight into the portal's state."""
    from portal.auth import create_token
    from portal.state import PortalState

    state = PortalState(root / "portal")
    return {org: create_token(state, org, 1)[1] for org in ORGS[:count]}


def upload(url: str, token: str, org: str, number: int, check: bool) -> dict[str, Any]:
    """Deliver (or check) one small distinct file; returns what is needed to verify it."""
    body = (HEADER + f"{org}-{number};01-04-2025;verbaal;fysiek;handhaving\n").encode()
    name = f"{org}_2025Q2_{number}.csv"
    started = time.monotonic()
    answer = httpx.post(f"{url}/api/v1/{'check' if check else 'leveringen'}",
                        headers={"Authorization": f"Bearer {token}"},
                        files={"bestand": (name, body)}, timeout=300)  # fmt: skip
    return {"org": org, "sha256": hashlib.sha256(body).hexdigest(), "status": answer.status_code,
            "seconds": time.monotonic() - started, "check": check,
            "receipt": answer.json() if answer.status_code in (200, 201) else None}  # fmt: skip


def verify(
    root: Path, url: str, tokens: dict[str, str], results: list[dict[str, Any]]
) -> list[str]:
    """Every problem found: lost files, lost receipts, files in the wrong folder."""
    problems = [f"{r['org']}: HTTP {r['status']}" for r in results if r["receipt"] is None]
    delivered = [r for r in results if not r["check"] and r["receipt"]]
    ids = [r["receipt"]["ontvangstbewijs"] for r in delivered]
    if len(set(ids)) != len(ids):
        problems.append("dubbele ontvangstbewijzen")
    for r in delivered:
        path = root / "inbox" / r["org"] / r["receipt"]["opgeslagen_als"]
        if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != r["sha256"]:
            problems.append(f"bestand kwijt of anders: {r['org']} {path.name}")
    for org, token in tokens.items():
        on_disk = {hashlib.sha256(p.read_bytes()).hexdigest() for p in (root / "inbox" / org).glob("*")} \
            if (root / "inbox" / org).is_dir() else set()  # fmt: skip
        expected = {r["sha256"] for r in delivered if r["org"] == org}
        if on_disk != expected:
            problems.append(
                f"{org}: inbox heeft {len(on_disk)} bestanden, verwacht {len(expected)}"
            )
        listed = httpx.get(
            f"{url}/api/v1/leveringen", headers={"Authorization": f"Bearer {token}"}
        ).json()
        if {row["sha256"] for row in listed["leveringen"]} != expected:
            problems.append(f"{org}: GET /api/v1/leveringen klopt niet")
    return problems


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the values lie."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run(uploads: int, parallel: int, orgs: int, checks: int) -> tuple[list[str], dict[str, float]]:
    """Run the load test; returns the problems found and the numbers."""
    root = Path(tempfile.mkdtemp(prefix="portal-load-"))
    port = free_port()
    server = start_portal(root, port)
    url = f"http://127.0.0.1:{port}"
    try:
        tokens = make_tokens(root, orgs)
        jobs = [
            (org, n, n < checks)
            for n in range(uploads + checks)
            for org in [list(tokens)[n % orgs]]
        ]
        started = time.monotonic()
        with ThreadPoolExecutor(parallel) as pool:
            results = list(pool.map(lambda job: upload(url, tokens[job[0]], *job), jobs))
        wall = time.monotonic() - started
        problems = verify(root, url, tokens, results)
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(root, ignore_errors=True)
    seconds = [r["seconds"] for r in results if not r["check"]]
    numbers = {"uploads": len(seconds), "p50_ms": 1000 * statistics.median(seconds),
               "p95_ms": 1000 * percentile(seconds, 0.95), "per_second": len(results) / wall}  # fmt: skip
    checked = [r["seconds"] for r in results if r["check"]]
    if checked:
        numbers["check_p50_ms"] = 1000 * statistics.median(checked)
    return problems, numbers


def main(argv: list[str] | None = None) -> int:
    """Parse the options, run, print the numbers and the problems."""
    parser = argparse.ArgumentParser(description="Belastingtest van het portaal op 127.0.0.1.")
    parser.add_argument("--uploads", type=int, default=200)
    parser.add_argument("--parallel", type=int, default=20)
    parser.add_argument("--orgs", type=int, default=10)
    parser.add_argument("--checks", type=int, default=0)
    options = parser.parse_args(argv)
    if not 1 <= options.orgs <= len(ORGS) or options.uploads < 1 or options.parallel < 1:
        parser.error(f"--orgs 1..{len(ORGS)}, --uploads en --parallel minstens 1")
    problems, numbers = run(options.uploads, options.parallel, options.orgs, options.checks)
    print(f"{numbers['uploads']} leveringen, {options.parallel} tegelijk, {options.orgs} organisaties: "
          f"p50 {numbers['p50_ms']:.0f} ms, p95 {numbers['p95_ms']:.0f} ms, "
          f"{numbers['per_second']:.1f} verzoeken/s"
          + (f"; controle p50 {numbers['check_p50_ms']:.0f} ms" if "check_p50_ms" in numbers else ""))  # fmt: skip
    for problem in problems:
        print(f"FOUT  {problem}")
    print("niets kwijt, organisaties gescheiden" if not problems else f"{len(problems)} fouten")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
