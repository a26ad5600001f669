"""HTML and CSS to PDF with WeasyPrint: the one place every document's PDF is drawn.

WeasyPrint (with its fonts and Pango bindings) costs ≈ 52 MB of memory when imported, so
it is imported when the first PDF is drawn, not when a worker starts: most requests never
draw one (issue 17.5; docs/benchmarks.md "Worker memory").
"""

from __future__ import annotations

import ssl
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from weasyprint.text.fonts import FontConfiguration


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


def pdf_from_html(html: str, css: str) -> bytes:
    """PDF bytes of ``html`` styled by ``css``.

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
