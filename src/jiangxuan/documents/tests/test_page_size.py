"""Each PDF's first page, rendered with poppler's pdftoppm, has the paper size the notice
asks for (issue 14.6): A4 portrait, A4 landscape for wide sheets, A3 for seed 002's form."""

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from PIL import Image

from jiangxuan.conftest import SEED_NUMBERS
from jiangxuan.documents.services import render_nomination_pdf
from jiangxuan.documents.sheets import build_sheet, render_sheet_pdf

from .test_seeds import seed_nomination

pytestmark = pytest.mark.django_db

#: Points at 72 dpi: A4 595 × 842, A3 842 × 1191.
SIZES = {("A4", False): (595, 842), ("A4", True): (842, 595), ("A3", False): (842, 1191)}


def first_page_size(pdf: bytes) -> tuple[int, int]:
    """Width and height in pixels of page 1 rendered at 72 dpi (= points)."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "in.pdf"
        source.write_bytes(pdf)
        tool = shutil.which("pdftoppm") or "pdftoppm"
        page = str(Path(folder) / "page")
        args = ["-r", "72", "-f", "1", "-l", "1", "-png", "-singlefile", str(source), page]
        subprocess.run([tool, *args], check=True)  # noqa: S603 - fixed tool and arguments
        with Image.open(Path(folder) / "page.png") as image:
            return image.size


def close(size: tuple[int, int], expected: tuple[int, int]) -> bool:
    return all(abs(a - b) <= 1 for a, b in zip(size, expected, strict=True))


@pytest.mark.parametrize("number", SEED_NUMBERS)
def test_every_pdf_has_its_paper_size(seed_campaign, make_user, number):
    campaign = seed_campaign(number)
    spec = campaign.specification
    nomination = seed_nomination(campaign, make_user("cc-chaoyang-hrss"), name="孙海峰")
    form = render_nomination_pdf(nomination, unmasked=False)
    assert close(first_page_size(form), SIZES[(spec.form.paper, False)]), "form"
    for document in spec.documents:
        if document.layout is None or "pdf" not in document.formats:
            continue
        sheet = build_sheet(campaign, document, nomination=nomination)
        expected = SIZES[(document.layout.paper, document.layout.landscape)]
        assert close(first_page_size(render_sheet_pdf(sheet)), expected), document.code
