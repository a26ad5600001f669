"""PDFs are drawn by a renderer process of each server process, so WeasyPrint's memory
stays out of web workers and goes back to the system when no PDF is drawn for a while
(issue 17.5; core.pdf, core.pdf_renderer)."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from jiangxuan.core.pdf import PdfRenderError, pdf_from_html, renderer_pid

PROBE = """
import json, os, sys, django
django.setup()
from jiangxuan.core.pdf import pdf_from_html, renderer_pid
pdf = pdf_from_html("<p>推荐表</p>", "@page { size: A4 }")
print(json.dumps({
    "pdf": pdf[:5].decode(),
    "weasyprint": "weasyprint" in sys.modules,
    "renderer": renderer_pid() is not None and renderer_pid() != os.getpid(),
}))
"""


def _probe(tmp_path, renderer: str) -> dict:
    env = {
        **os.environ,
        "JX_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "jiangxuan.settings",
        "JX_PDF_RENDERER": renderer,
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


def test_a_server_process_draws_a_pdf_without_loading_weasyprint(tmp_path):
    assert _probe(tmp_path, "process") == {"pdf": "%PDF-", "weasyprint": False, "renderer": True}


def test_inline_draws_in_the_process_itself(tmp_path):
    assert _probe(tmp_path, "inline") == {"pdf": "%PDF-", "weasyprint": True, "renderer": False}


@pytest.fixture(autouse=True)
def _renderer_process(settings):
    # The tests below are about the renderer process, whatever JX_PDF_RENDERER the run has.
    settings.JX_PDF_RENDERER = "process"


def _end_renderer() -> None:
    pid = renderer_pid()
    if pid is not None:
        os.kill(pid, signal.SIGKILL)


def _wait_for_no_renderer(seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if renderer_pid() is None:
            return True
        time.sleep(0.05)
    return False


def test_a_killed_renderer_is_replaced_and_the_pdf_still_drawn():
    assert pdf_from_html("<p>一</p>", "").startswith(b"%PDF")
    first = renderer_pid()
    assert first is not None
    os.kill(first, signal.SIGKILL)
    assert pdf_from_html("<p>二</p>", "").startswith(b"%PDF")
    assert renderer_pid() not in (None, first)


def test_an_idle_renderer_ends_and_the_next_pdf_starts_a_new_one(settings):
    settings.JX_PDF_RENDERER_IDLE_SECONDS = 0.3
    _end_renderer()
    assert pdf_from_html("<p>一</p>", "").startswith(b"%PDF")
    first = renderer_pid()
    assert first is not None
    assert _wait_for_no_renderer(10), "the idle renderer did not end"
    assert pdf_from_html("<p>二</p>", "").startswith(b"%PDF")
    assert renderer_pid() not in (None, first)
    _end_renderer()


def test_a_document_the_renderer_cannot_draw_raises_with_its_reason():
    with pytest.raises(PdfRenderError, match="OverflowError"):
        pdf_from_html("<p style='font-size: 1e308px'>x</p>", "")
    # The renderer survives a failed document.
    assert pdf_from_html("<p>好</p>", "").startswith(b"%PDF")
