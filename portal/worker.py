"""The child process of an isolated check: `python -m portal.worker FILE ORG [FEEDBACK.xlsx]`.

Reads the settings as JSON on stdin, checks the file exactly as `monitor check` does, writes the
feedback files when asked, and prints one JSON object: the `monitor check --json` report and the
feedback (summary, edits, batch checks). The parent (portal/isolation.py) sets its limits.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import pandas as pd


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A frame as JSON-ready records (missing values as None)."""
    clean = frame.astype(object).where(frame.notna(), None)
    return [{k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
            for row in clean.to_dict(orient="records")]  # fmt: skip


def check(
    path: Path, organisatiecode: str, payload_json: str, feedback: Path | None
) -> dict[str, Any]:
    """Check one file; the report plus the feedback content as plain data.

    The payload holds the settings and what the portal read from the published warehouse
    (history for B03, the loaded deliveries a file would replace).
    """
    from pipeline.night.check import (
        Replaced,
        WarehouseView,
        check_feedback,
        check_file,
        check_report,
        replaced_delivery,
    )
    from pipeline.settings import Settings

    payload = json.loads(payload_json)
    settings = Settings.model_validate(payload["settings"])
    view = payload["warehouse"]
    published = WarehouseView(
        {org: list(sizes) for org, sizes in view["history"].items()},
        {(org, periode): Replaced(delivery_id, periode, rows)
         for org, periode, delivery_id, rows in view["loaded"]},
    )  # fmt: skip
    now = dt.datetime.now(dt.UTC)
    processed = check_file(path, organisatiecode, settings, now.date(), warehouse=published)
    vervangt = replaced_delivery(processed, published)
    content = check_feedback(processed, settings, now, vervangt=vervangt)
    if feedback is not None:
        from pipeline.employers.feedback_writer import write_feedback_files

        write_feedback_files(feedback, content)
    return {
        "report": check_report(processed, vervangt),
        "summary": [list(line) for line in content.summary],
        "edits": _records(content.edits),
        "checks": _records(content.checks),
    }


def main(argv: list[str]) -> int:
    """Run one check; print its JSON; exit 0 (the parent reads `readable` from the JSON)."""
    feedback = Path(argv[2]) if len(argv) > 2 else None
    result = check(Path(argv[0]), argv[1], sys.stdin.read(), feedback)
    sys.stdout.write(json.dumps(result, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
