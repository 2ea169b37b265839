"""The one exception tree of the pipeline."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from schemas.edit_codes import EditCode


class PipelineError(Exception):
    """Something in the monitoring pipeline went wrong."""


class ProfileError(PipelineError):
    """A mapping profile is invalid or cannot be found."""


class ReferenceDataError(PipelineError):
    """Reference data (organisations, herindelingen, FTE) is missing or inconsistent."""


class DeliveryError(PipelineError):
    """A delivery cannot be processed as a whole (an S edit, named by its `EditCode`)."""

    def __init__(self, code: EditCode, message: str, *, file: str = "", detail: str = "") -> None:
        super().__init__(f"{code} {file}: {message}" if file else f"{code}: {message}")
        self.code = code
        self.message = message
        self.file = file
        self.detail = detail

    def __reduce__(self) -> tuple[object, ...]:
        """Picklable with its keyword arguments (it crosses from a worker process)."""
        return (_delivery_error, (self.code, self.message, self.file, self.detail))


def _delivery_error(code: EditCode, message: str, file: str, detail: str) -> DeliveryError:
    """Rebuild a DeliveryError after pickling."""
    return DeliveryError(code, message, file=file, detail=detail)


class WarehouseError(PipelineError):
    """The DuckDB warehouse is unavailable or inconsistent."""


class ConfigurationError(PipelineError):
    """Settings are missing or invalid (e.g. no pseudonym key)."""
