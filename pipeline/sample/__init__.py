"""Deterministic national sample: deliveries in five source formats plus the ground truth."""

from pipeline.sample.generate import SampleSummary, default_sample_year, generate_sample
from pipeline.sample.model import SampleError, periode
from pipeline.sample.plan import SamplePlan, plan_sample, planned_volumes
from pipeline.sample.series import default_series

__all__ = [
    "SampleError",
    "SamplePlan",
    "SampleSummary",
    "default_sample_year",
    "default_series",
    "generate_sample",
    "periode",
    "plan_sample",
    "planned_volumes",
]
