"""The document libraries are loaded when the first document is drawn, not when a worker
starts (issue 17.5): a fresh process that loads the settings and every URL holds none of
them. Pillow is not in the list: django-simple-captcha imports it with its settings."""

import os
import subprocess
import sys

from jiangxuan.core.pdf import pdf_from_html

PROBE = """
import sys, django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns
print(sorted(name for name in HEAVY if name in sys.modules))
"""

#: Libraries only documents need, and what each costs (MB of RSS in an empty interpreter on
#: the development machine, 2026-12-04): WeasyPrint 52, python-docx 17, docxtpl 20 (with
#: docx), XlsxWriter 12, qrcode 6.
HEAVY = ("weasyprint", "docx", "docxtpl", "xlsxwriter", "qrcode")


def test_loading_every_url_imports_no_document_library(tmp_path):
    env = {
        **os.environ,
        "JX_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "jiangxuan.settings",
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", f"HEAVY = {HEAVY!r}\n{PROBE}"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "[]", result.stderr


def test_a_pdf_is_still_drawn():
    pdf = pdf_from_html("<p>测试</p>", "@page { size: A4 }")
    assert pdf.startswith(b"%PDF")
