"""A Prefect flow whose plain parameters are stored as they are, without importing FastAPI.

Prefect stores a flow run's parameters as JSON. `Flow.serialize_parameters` converts each with
FastAPI's `jsonable_encoder`, and importing that imports FastAPI whole: ~0.1 s of CPU in the
run's process (41 modules), which needs FastAPI for nothing else, while Prefect's temporary
server starts on the same two cores. A string, a whole or real number, a truth value or None is
its own JSON: `PlainParameterFlow` stores those as they are, and hands a flow with any other
parameter to Prefect's conversion (as it does a method's flow: Prefect leaves out its bound
object). The same values are stored either way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from prefect import Flow

P = ParamSpec("P")
R = TypeVar("R")
PLAIN = (str, int, float, bool, type(None))  # these types exactly: a subclass (an Enum) is not


class PlainParameterFlow(Flow[P, R]):
    """A flow whose parameters, when all are plain, are stored without Prefect's conversion."""

    def serialize_parameters(self, parameters: dict[str, Any]) -> dict[str, Any]:
        """The parameters as Prefect stores them: plain ones as they are."""
        if self.ismethod or self.isclassmethod:
            return super().serialize_parameters(parameters)
        if all(type(value) in PLAIN for value in parameters.values()):
            return dict(parameters)
        return super().serialize_parameters(parameters)


def plain_parameter_flow(**options: Any) -> Callable[[Callable[P, R]], PlainParameterFlow[P, R]]:
    """As Prefect's `@flow(...)` with `options`, making a `PlainParameterFlow`."""

    def make(fn: Callable[P, R]) -> PlainParameterFlow[P, R]:
        return PlainParameterFlow(fn, **options)

    return make
