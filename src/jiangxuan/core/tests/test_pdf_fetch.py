"""A document's PDF fetches nothing but ``data:`` URIs (core.pdf): neither its HTML nor its
stylesheet can make the server ask another host or read a local file (no server-side
request forgery), while a form's photo, given as a ``data:`` URI, is still drawn."""

import base64
import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from PIL import Image

from jiangxuan.core.pdf import pdf_from_html


@pytest.fixture
def listener():
    """A local HTTP server that records the paths asked of it; yields (base URL, paths)."""
    asked: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            asked.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", asked
    server.shutdown()
    server.server_close()


def _png_data_uri() -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def test_the_html_and_the_stylesheet_fetch_no_url(listener, tmp_path):
    base, asked = listener
    secret = tmp_path / "secret.png"
    secret.write_bytes(base64.b64decode(_png_data_uri().split(",", 1)[1]))
    html = (
        f'<p>照片</p><img src="{base}/from-html.png">'
        f'<img src="file://{secret}"><link rel="stylesheet" href="{base}/linked.css">'
    )
    css = (
        f'@import url("{base}/imported.css"); '
        f'body {{ background: url("{base}/from-css.png") }} '
        f'p {{ background: url("file://{secret}") }}'
    )

    pdf = pdf_from_html(html, css)

    assert pdf.startswith(b"%PDF")
    assert asked == []
    assert b"/Subtype /Image" not in pdf


def test_a_data_uri_photo_is_drawn():
    pdf = pdf_from_html(f'<img src="{_png_data_uri()}">', "@page { size: A4 }")

    assert b"/Subtype /Image" in pdf
