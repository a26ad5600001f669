"""Background tasks of core (django.tasks): they take plain values and call a service."""

from __future__ import annotations

from django.tasks import task

from . import stored_files


@task
def purge_orphan_files() -> int:
    """Remove uploaded files no row refers to, older than ``JX_ORPHAN_FILE_GRACE_HOURS``
    (issue 16.8), for a periodic scheduler; returns how many were removed. Safe to run at
    any time and more than once."""
    return len(stored_files.purge_orphan_files().removed)
