"""Background work of the imports app, through django.tasks and `finsam worker`. A task is one more
interface: it takes the run's id and calls the service."""

from __future__ import annotations

from django.tasks import task

from finsam.imports import services


@task()
def run_import(run_id: int) -> None:
    """The task of a run, enqueued when the run is committed and done by `finsam worker`. Idempotent: a run
    already claimed (or finished, or failed) is left alone."""
    services.run_execute(run_id)
