"""No internal code, English word or authoring note in any generated document: values
print their Chinese labels (issue 14.5)."""

import datetime as dt
import re

import pytest

from jiangxuan.conftest import SEED_NUMBERS
from jiangxuan.documents.services import (
    render_nomination_docx,
    render_nomination_pdf,
    render_summary_xlsx,
)
from jiangxuan.documents.sheets import RENDERERS, build_sheet

from .helpers import docx_text, pdf_text, xlsx_sheet
from .test_seeds import seed_nomination

pytestmark = pytest.mark.django_db

#: snake_case or kebab-case identifiers (model_worker, provincial_class1, jilin-gongjiang).
IDENTIFIER_RE = re.compile(r"(?<![A-Za-z0-9@.])[a-z][a-z0-9]*(?:[_-][a-z0-9]+)+(?![A-Za-z0-9])")
#: Stored values that are single English words.
WORD_RE = re.compile(
    r"\b(invention|utility|design|skill|allowance|science|craftsman|other|city|county|"
    r"enterprise|provincial|national|gold|silver|bronze|excellence|technician|senior|junior)\b"
)


def internal_values(text: str) -> list[str]:
    """ASCII identifiers and stored English values found in ``text``."""
    return IDENTIFIER_RE.findall(text) + WORD_RE.findall(text)


def xlsx_text(data: bytes) -> str:
    sheet = xlsx_sheet(data)
    return "\n".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)


@pytest.mark.parametrize("number", SEED_NUMBERS)
def test_no_document_prints_an_internal_value(seed_campaign, make_user, number):
    campaign = seed_campaign(number)
    spec = campaign.specification
    honour = spec.honours[0] if spec.honours else None
    nomination = seed_nomination(
        campaign,
        make_user("cc-chaoyang-hrss"),
        name="赵春生",
        sex="男",
        birth_date=dt.date(1979, 6, 1),
        skill_level="senior_technician",
        professional_title="deputy_senior",
        honours=[
            {
                "code": honour.code if honour else "x-y",
                "name": honour.name if honour else "市劳动模范",
                "level": "provincial",
                "category": "model_worker",
                "year": 2019,
                "issuer": "",
            }
        ],
        patents=[
            {"name": "一种夹具", "kind": "invention", "number": "ZL201910001234.5", "year": 2019},
            {"name": "一种刀架", "kind": "utility", "number": "ZL201920001234.5", "year": 2020},
        ],
        contests=[
            {"name": "省职业技能大赛", "level": "provincial_class2", "rank": 2, "medal": "silver"}
        ],
        work_history=[{"period": "1999-2020", "workplace": "长春一汽", "witness": "李明"}],
    )
    texts = {
        "form.docx": docx_text(render_nomination_docx(nomination, unmasked=False)),
        "form.pdf": pdf_text(render_nomination_pdf(nomination, unmasked=False)),
        "summary.xlsx": xlsx_text(render_summary_xlsx(campaign, [nomination], unmasked_ids=set())),
    }
    readers = {"docx": docx_text, "pdf": pdf_text, "xlsx": xlsx_text}
    for document in spec.documents:
        if document.layout is None:
            continue
        sheet = build_sheet(campaign, document, nomination=nomination)
        for file_format in document.formats:
            data = RENDERERS[file_format](sheet)
            texts[f"{document.code}.{file_format}"] = readers[file_format](data)
    for name, text in texts.items():
        assert internal_values(text) == [], name
        assert "表头" not in text, name


def test_the_scanner_finds_what_it_looks_for():
    assert internal_values("类别 model_worker 发明 invention 省级 provincial_class2") == [
        "model_worker",
        "provincial_class2",
        "invention",
    ]
    assert internal_values("wangjg@example.com 0431-88522559 ZL201910001234.5") == []
