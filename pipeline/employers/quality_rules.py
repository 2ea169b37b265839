"""The rules of the quality score, as constants: what the score weighs and how lateness counts.

Apart from `pipeline/employers/quality.py` (which scores a processed delivery) so the report and the
portal can explain the score without importing the processing stack.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from schemas.fields import FieldName

# The fields whose "onbekend" weakens the picture (the share known is part of the score).
KEY_FIELDS = tuple(f.value for f in (FieldName.KANAAL, FieldName.CONTEXT, FieldName.LETSEL,
                                     FieldName.AANGIFTE))  # fmt: skip
WEIGHTS = {"aandeel_foutloos": 0.50, "aandeel_bekend": 0.25, "tijdigheid": 0.25}
DAYS_LATE_FOR_ZERO = 60  # punctuality falls linearly from 1 at the deadline to 0 this much later
LOCAL_TIME = ZoneInfo("Europe/Amsterdam")
