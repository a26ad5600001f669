"""Drawing a PDF with WeasyPrint (:func:`draw_pdf`), and the PDF renderer process that does it
for a server process: ``python -m jiangxuan.core.pdf_renderer IDLE_SECONDS``.

:func:`jiangxuan.core.pdf.pdf_from_html` starts one per server process when that process
first draws a PDF, and sends it the documents to draw, so WeasyPrint, Pango and the CJK
fonts (≈ 120 MB once a few forms are drawn) live here and not in the web worker (issue
17.5; docs/benchmarks.md "Worker memory"). It imports no Django: it gets HTML and CSS, and
gives back the PDF.

Protocol, on standard input and output: a request is two big-endian 32-bit lengths, then
that many bytes of UTF-8 HTML and CSS; the answer is a status byte (0 the PDF follows, 1 a
UTF-8 error message follows) and a 32-bit length, then the bytes. The process ends when its
input closes (the server process ended) or after ``IDLE_SECONDS`` without a request, which
hands its memory back to the system; the next PDF starts a new one.
"""

from __future__ import annotations

import logging
import os
import select
import ssl
import struct
import sys
from functools import cache
from typing import TYPE_CHECKING

from jiangxuan.core.memory import release_freed_memory

if TYPE_CHECKING:
    from weasyprint.text.fonts import FontConfiguration

REQUEST = struct.Struct(">II")
ANSWER = struct.Struct(">BI")
OK, FAILED = 0, 1


@cache
def _font_config() -> FontConfiguration:
    # One fontconfig setup per process: building it per document costs more than the page.
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


@cache
def _no_ca_tls() -> ssl.SSLContext:
    # WeasyPrint's fetcher sets up an HTTPS handler even where https is refused, and its
    # default context reads the system's CA certificates (≈ 10 ms, twice a document). This
    # one reads none: https stays refused, and would fail verification if it were not.
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


def draw_pdf(html: str, css: str) -> bytes:
    """PDF bytes of ``html`` styled by ``css``, drawn in this process.

    Fonts are set up once per process; nothing is fetched while rendering but ``data:``
    URIs (a form's photo), so a document cannot make the server fetch a URL (no SSRF).
    """
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    font_config = _font_config()
    # A fetcher per document: WeasyPrint's keeps the request being fetched in itself.
    fetcher = URLFetcher(allowed_protocols={"data"}, ssl_context=_no_ca_tls())
    stylesheet = CSS(string=css, font_config=font_config, url_fetcher=fetcher)
    return HTML(string=html, url_fetcher=fetcher).write_pdf(
        stylesheets=[stylesheet], font_config=font_config
    )


def read_exact(fd: int, size: int) -> bytes | None:
    """``size`` bytes from file descriptor ``fd``, or None if it closes first."""
    chunks: list[bytes] = []
    while size:
        chunk = os.read(fd, min(size, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def serve(idle_seconds: float) -> None:
    """Answer requests on standard input until it closes or stays idle ``idle_seconds``."""
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    # The answers go to the original standard output; anything a library prints goes to
    # standard error instead of into an answer.
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    requests = sys.stdin.fileno()
    while True:
        ready, _, _ = select.select([requests], [], [], idle_seconds)
        if not ready:
            return
        header = read_exact(requests, REQUEST.size)
        if header is None:
            return
        html_size, css_size = REQUEST.unpack(header)
        body = read_exact(requests, html_size + css_size)
        if body is None:
            return
        html, css = body[:html_size].decode(), body[html_size:].decode()
        try:
            status, data = OK, draw_pdf(html, css)
        except Exception as exc:  # every failure goes back to the caller
            status, data = FAILED, f"{type(exc).__name__}: {exc}".encode()
        answers.write(ANSWER.pack(status, len(data)) + data)
        answers.flush()
        # The layout's pages are free now; without this the renderer keeps the peak of
        # its largest document until it ends (core.memory).
        release_freed_memory()


if __name__ == "__main__":
    serve(float(sys.argv[1]))
