"""A flow of one task, for tests of what happens around a flow run (the drain, the server)."""

from __future__ import annotations

from prefect import flow, task


@task
def one() -> int:
    return 1


@flow
def tiny() -> int:
    return one()
