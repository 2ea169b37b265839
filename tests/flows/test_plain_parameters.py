"""The nightly flow's plain parameters are stored as Prefect stores them, without FastAPI
(`flows.plain_parameters`): the same values, ~0.1 s less CPU in the run's process."""

from __future__ import annotations

import datetime as dt
import enum
import json
import subprocess
import sys
from pathlib import Path

from prefect import Flow

from flows.plain_parameters import PlainParameterFlow, plain_parameter_flow


def night(inbox: str, warehouse: str | None = None, sample_mode: bool = False) -> None:
    """A flow function with the nightly flow's kind of parameters."""


class Colour(enum.StrEnum):
    RED = "rood"


def test_plain_parameters_are_stored_as_they_are_without_importing_fastapi() -> None:
    script = (
        "import json, sys\n"
        "from flows.plain_parameters import plain_parameter_flow\n"
        "def night(inbox, warehouse=None, sample_mode=False, runs=1, share=0.5): pass\n"
        "f = plain_parameter_flow(name='nacht')(night)\n"
        "stored = f.serialize_parameters({'inbox': '/data/inbox', 'warehouse': None,\n"
        "                                 'sample_mode': True, 'runs': 3, 'share': 0.25})\n"
        "print(json.dumps({'stored': stored, 'fastapi': 'fastapi' in sys.modules}))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True, cwd=Path(__file__).resolve().parents[2])  # fmt: skip

    answer = json.loads(done.stdout.splitlines()[-1])
    assert answer == {"stored": {"inbox": "/data/inbox", "warehouse": None, "sample_mode": True,
                                 "runs": 3, "share": 0.25}, "fastapi": False}  # fmt: skip


def test_other_parameters_go_to_prefects_own_conversion() -> None:
    ours = plain_parameter_flow(name="nacht")(night)
    prefects = Flow(night, name="nacht")
    parameters = {"inbox": Path("/data/inbox"), "warehouse": dt.date(2025, 4, 1),
                  "sample_mode": Colour.RED}  # fmt: skip

    stored = ours.serialize_parameters(parameters)

    assert stored == prefects.serialize_parameters(parameters)
    assert stored == {"inbox": "/data/inbox", "warehouse": "2025-04-01", "sample_mode": "rood"}
    # one plain and one other: all through Prefect's (an Enum is not plain, though a str)
    mixed = {"inbox": "/data/inbox", "warehouse": None, "sample_mode": Colour.RED}
    assert ours.serialize_parameters(mixed) == {"inbox": "/data/inbox", "warehouse": None,
                                                "sample_mode": "rood"}  # fmt: skip


def test_the_nightly_flow_is_one() -> None:
    from flows.nightly import nightly

    assert isinstance(nightly, PlainParameterFlow) and nightly.name == "nightly"
