"""Giving memory back to the system after a document (issue 17.5).

Drawing a PDF lays out every page in Python objects, tens of megabytes that are freed when
the document is done; glibc's allocator keeps the freed pages in the process, so a web
worker that drew one document stays at its peak from then on (docs/benchmarks.md, "Worker
memory"). ``malloc_trim`` returns them.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable
from functools import cache


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None  # not glibc (musl, macOS): nothing to trim this way


def release_freed_memory() -> bool:
    """Return the heap pages freed so far to the operating system (glibc ``malloc_trim``);
    a few milliseconds. True when it could be asked, False where the C library is not
    glibc."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
