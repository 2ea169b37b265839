"""A check of an uploaded file in its own process, with a time and a memory limit.

A hostile file (a zip bomb, a sheet claiming a million rows, JSON nested a hundred thousand
deep) can only exhaust its own child: the child gets an address-space limit (RLIMIT_AS), a CPU
limit and a wall-clock time-out, and is killed with its process group when it overruns. The
portal then answers with an S01 edit and keeps serving. One call, no pool: it can later be
swapped for the bounded workers of the nightly run.
"""

from __future__ import annotations

import json
import logging
import os
import resource
import signal
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.settings import Settings
from schemas.edit_codes import EditCode
from schemas.edits import EDITS, Severity

log = logging.getLogger(__name__)
PROJECT_ROOT = Path(__file__).resolve().parents[1]
MAX_OUTPUT_BYTES = 64 * 2**20


@dataclass(frozen=True)
class Limits:
    """The bounds of one check."""

    seconds: float
    memory_mb: int


def limits_for(settings: Settings) -> Limits:
    """The check limits from the settings."""
    return Limits(settings.portal_check_seconds, settings.portal_check_memory_mb)


def _set_limits(limits: Limits) -> Callable[[], None]:
    """The function the child runs before it starts: address space, CPU time, file size."""

    def apply() -> None:
        memory = limits.memory_mb * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        cpu = int(limits.seconds) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        resource.setrlimit(resource.RLIMIT_FSIZE, (256 * 2**20, 256 * 2**20))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return apply


def failed_check(file_name: str, organisatiecode: str, reason: str) -> dict[str, Any]:
    """The outcome of a check that could not finish: one S01 edit, nothing read."""
    message = EDITS[EditCode.S01].headline(reason)
    report = {"file": file_name, "organisatiecode": None, "organisatiecode_bron": organisatiecode,
              "periode": None, "profile": None, "readable": False, "rows_in": 0,
              "rows_loaded": 0, "rows_rejected": 0, "rows_warned": 0,
              "edits": [{"code": EditCode.S01, "severity": Severity.ERROR.value, "row": None, "field": None,
                         "message": message}]}  # fmt: skip
    edit = {"code": EditCode.S01, "ernst": Severity.ERROR.nl, "rij": None, "melding": message,
            "oplossing": "Lever een kleiner of eenvoudiger bestand aan, bijvoorbeeld het landelijke sjabloon."}  # fmt: skip
    return {"report": report, "summary": [["Bestand", file_name], ["Uitkomst", "niet verwerkt"]],
            "edits": [edit], "checks": []}  # fmt: skip


def _child_env() -> dict[str, str]:
    """The environment of the child: ours, with this project first on the path."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PROJECT_ROOT), env.get("PYTHONPATH")) if p)
    return env


def warehouse_view(published: Path) -> dict[str, Any]:
    """What the check needs from the published warehouse, read here, in the portal: the bounded
    child never opens DuckDB (its address-space limit is too tight for DuckDB's threads)."""
    from pipeline.night.check import read_warehouse

    view = read_warehouse(published)
    return {"history": view.history,
            "loaded": [[org, periode, r.delivery_id, r.rows_loaded]
                       for (org, periode), r in view.loaded.items()]}  # fmt: skip


def run_check(
    path: Path, organisatiecode: str, settings: Settings, feedback: Path | None, file_name: str
) -> dict[str, Any]:
    """Check `path` in a bounded child; `file_name` (the employer's) is used in messages only."""
    limits = limits_for(settings)
    command = [sys.executable, "-m", "portal.worker", str(path), organisatiecode]
    if feedback is not None:
        command.append(str(feedback))
    payload = json.dumps({"settings": json.loads(settings.model_dump_json(exclude={"pseudonym_key"})),
                          "warehouse": warehouse_view(settings.warehouse_path)})  # fmt: skip
    with subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, env=_child_env(), cwd=PROJECT_ROOT,
                          preexec_fn=_set_limits(limits), start_new_session=True) as child:  # fmt: skip
        try:
            out, err = child.communicate(payload.encode(), timeout=limits.seconds)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.communicate()
            log.warning("check of %s killed after %.0f s", file_name, limits.seconds)
            return failed_check(file_name, organisatiecode,
                                f"de controle duurde langer dan {limits.seconds:.0f} seconden")  # fmt: skip
    if child.returncode != 0 or len(out) > MAX_OUTPUT_BYTES:
        tail = err.decode("utf-8", "replace")[-300:]
        log.warning("check of %s failed (exit %s): %s", file_name, child.returncode, tail)
        reason = (f"de controle had meer dan {limits.memory_mb} MB geheugen of te veel "
                  "rekentijd nodig, of het bestand is beschadigd")  # fmt: skip
        return failed_check(file_name, organisatiecode, reason)
    result: dict[str, Any] = json.loads(out)
    result["report"]["file"] = file_name  # the employer's name, not the portal's private one
    result["summary"] = [[k, file_name if k == "Bestand" else v] for k, v in result["summary"]]
    return result
