"""Deterministic national sample: deliveries in five source formats plus the ground truth."""

from pipeline.sample.generate import SampleSummary, default_sample_year, generate_sample
from pipeline.sample.model import SampleError
from pipeline.sample.plan import SamplePlan, plan_sample, planned_volumes

__all__ = [
    "SampleError",
    "SamplePlan",
    "SampleSummary",
    "default_sample_year",
    "generate_sample",
    "plan_sample",
    "planned_volumes",
]
