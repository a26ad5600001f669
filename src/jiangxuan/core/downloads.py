"""The one way a file goes to a person as a download."""

from __future__ import annotations

import io
from typing import IO

from django.http import FileResponse

from .memory import release_freed_memory


def download(content: bytes | IO[bytes], filename: str, content_type: str) -> FileResponse:
    """An attachment of ``content`` (bytes, or an open binary file, closed with the
    response) named ``filename`` — Chinese names written as ``filename*=UTF-8''…`` by
    FileResponse (RFC 6266) — never cached (it may hold personal data, ASVS 14.3.2).

    The memory that drawing the document took (its pages laid out, its rows) is free by
    now and is handed back to the system, so a worker does not keep the peak of its
    largest document (issue 17.5; docs/benchmarks.md "Worker memory")."""
    release_freed_memory()
    stream = io.BytesIO(content) if isinstance(content, bytes) else content
    response = FileResponse(
        stream, as_attachment=True, filename=filename, content_type=content_type
    )
    response["Cache-Control"] = "no-store"
    return response
