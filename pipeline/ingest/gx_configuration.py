"""One GX validation builds each expectation's configuration once, not once per read.

GX Core 1.x builds an expectation's `configuration` anew (a pydantic `.dict()` of the
expectation, then an `ExpectationConfiguration`) every time it is read, and one validation
reads it ~25 times per expectation: once for every keyword it looks up. That was ~0.08 s of the
~0.2 s a validation of the batch checks takes, on every `monitor check` and on the night's
judging of all its deliveries.

`read_once()` keeps, for the validation running in this thread, the configuration each
expectation built first, and hands it out again (as long as that expectation object lives; the
validation makes its expectation objects from the suite and drops them after). Other threads,
and this one outside the block, read GX's own property. Only where GX's `configuration` is the
property this module knows; else nothing changes. `tests/pipeline/test_gx_configuration.py` holds
a validation's report with and without it side by side.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

_ACTIVE = threading.local()  # .built: {id(expectation): (expectation, configuration)}
_INSTALLED = threading.Lock()


@contextlib.contextmanager
def read_once() -> Iterator[None]:
    """Within the block, each expectation's configuration is built once (this thread only)."""
    _install()
    _ACTIVE.built = {}
    try:
        yield
    finally:
        _ACTIVE.built = None


def _install() -> None:
    """Put the remembering property in place of GX's, once per process (GX is imported by now)."""
    from great_expectations.expectations.expectation import Expectation

    with _INSTALLED:
        gx_property = Expectation.__dict__.get("configuration")
        if not isinstance(gx_property, property) or gx_property.fget is None:
            return  # a GX that changed it: left as it is
        if getattr(gx_property.fget, "remembers", False):
            return
        build = gx_property.fget

        def configuration(self: Any) -> Any:
            built: dict[int, tuple[Any, Any]] | None = getattr(_ACTIVE, "built", None)
            if built is None:
                return build(self)
            held = built.get(id(self))
            if held is None or held[0] is not self:
                held = built[id(self)] = (self, build(self))
            return held[1]

        configuration.remembers = True  # type: ignore[attr-defined]
        Expectation.configuration = property(configuration, doc=gx_property.__doc__)  # type: ignore[method-assign,assignment]
