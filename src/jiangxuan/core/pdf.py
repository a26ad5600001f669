"""HTML and CSS to PDF: the one way every document's PDF is drawn (with WeasyPrint).

WeasyPrint (with its fonts and Pango bindings) costs ≈ 52 MB of memory when imported, and
a few forms laid out leave the process ≈ 120 MB larger. So a server process does not draw
PDFs itself: it hands them to a renderer process of its own (:mod:`.pdf_renderer`), started
with the first PDF and ended after ``JX_PDF_RENDERER_IDLE_SECONDS`` without one; most
requests never draw one (issue 17.5; docs/benchmarks.md "Worker memory").
``JX_PDF_RENDERER=inline`` draws in the process itself.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import subprocess
import sys
import threading
from pathlib import Path

from .pdf_renderer import ANSWER, OK, REQUEST, draw_pdf, read_exact


class PdfRenderError(RuntimeError):
    """The renderer process could not draw the PDF (its message says why) or could not be
    started or reached twice in a row."""


def pdf_from_html(html: str, css: str) -> bytes:
    """PDF bytes of ``html`` styled by ``css``, drawn by this process's renderer process
    (or here, with ``JX_PDF_RENDERER=inline``); see :func:`.pdf_renderer.draw_pdf`.

    Raises:
        PdfRenderError: the renderer failed (the drawing's own error, or the process).
    """
    from django.conf import settings

    if settings.JX_PDF_RENDERER == "inline":
        return draw_pdf(html, css)
    return _RENDERER.draw(html, css, idle_seconds=settings.JX_PDF_RENDERER_IDLE_SECONDS)


class _Renderer:
    """This process's renderer process (:mod:`.pdf_renderer`): started when first needed,
    started again when it has ended (idle, or killed), one request at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._owner = 0

    def draw(self, html: str, css: str, *, idle_seconds: float) -> bytes:
        html_bytes, css_bytes = html.encode(), css.encode()
        request = REQUEST.pack(len(html_bytes), len(css_bytes)) + html_bytes + css_bytes
        with self._lock:
            try:
                return self._exchange(request, idle_seconds)
            except (OSError, EOFError):
                # The renderer ended since the last PDF (its idle time, a kill): the
                # request goes once more, to a new one.
                self.stop()
            try:
                return self._exchange(request, idle_seconds)
            except (OSError, EOFError) as exc:
                self.stop()
                raise PdfRenderError(f"PDF renderer unavailable: {exc}") from exc

    def _exchange(self, request: bytes, idle_seconds: float) -> bytes:
        process = self._running(idle_seconds)
        if process.stdin is None or process.stdout is None:
            raise OSError("the PDF renderer has no pipes")
        process.stdin.write(request)
        process.stdin.flush()
        answers = process.stdout.fileno()
        status, size = ANSWER.unpack(_read(answers, ANSWER.size))
        data = _read(answers, size)
        if status != OK:
            raise PdfRenderError(data.decode(errors="replace"))
        return data

    @property
    def pid(self) -> int | None:
        """The renderer's process id while one runs for this process, else None."""
        process = self._alive()
        return process.pid if process is not None else None

    def _alive(self) -> subprocess.Popen[bytes] | None:
        process = self._process
        # A forked child (a server's worker) must not share its parent's pipes.
        if process is None or self._owner != os.getpid() or process.poll() is not None:
            return None
        return process

    def _running(self, idle_seconds: float) -> subprocess.Popen[bytes]:
        process = self._alive()
        if process is None:
            self.stop()
            package_root = str(Path(__file__).resolve().parents[2])
            path = os.pathsep.join(p for p in (package_root, os.environ.get("PYTHONPATH")) if p)
            process = subprocess.Popen(  # noqa: S603 - this interpreter, our own module
                [sys.executable, "-m", "jiangxuan.core.pdf_renderer", str(idle_seconds)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env={**os.environ, "PYTHONPATH": path},
            )
            self._process, self._owner = process, os.getpid()
        return process

    def stop(self) -> None:
        """End this process's renderer, if it runs (it ends when its input closes)."""
        process, self._process = self._process, None
        if process is None or self._owner != os.getpid():
            return
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):  # a pipe the renderer's end left broken
                    stream.close()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _read(fd: int, size: int) -> bytes:
    data = read_exact(fd, size)
    if data is None:
        raise EOFError("the PDF renderer ended")
    return data


_RENDERER = _Renderer()
# At exit the renderer's input is closed, so it ends, and it is waited for.
atexit.register(_RENDERER.stop)


def renderer_pid() -> int | None:
    """The process id of this process's running PDF renderer, or None (none started yet,
    or it ended after its idle time)."""
    return _RENDERER.pid
