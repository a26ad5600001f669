"""WeasyPrint is loaded when the first PDF is drawn, not when a worker starts (issue 17.5):
a fresh process that loads the settings and every URL holds no ``weasyprint`` module."""

import os
import subprocess
import sys

from jiangxuan.core.pdf import pdf_from_html

PROBE = """
import sys, django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns
print("weasyprint" in sys.modules)
"""


def test_loading_every_url_does_not_import_weasyprint(tmp_path):
    env = {
        **os.environ,
        "JX_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "jiangxuan.settings",
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False", result.stderr


def test_a_pdf_is_still_drawn():
    pdf = pdf_from_html("<p>测试</p>", "@page { size: A4 }")
    assert pdf.startswith(b"%PDF")
