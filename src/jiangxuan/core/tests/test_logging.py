"""The logging filter that keeps personal data out of logs (docs/security.md check 22)."""

import io
import logging
import sys

import pytest
from django.conf import settings

from jiangxuan.core.logging import RedactPersonalData, redact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("身份证号 110105194912310021 已提交", "身份证号 [redacted] 已提交"),
        ("身份证号11010519491231002X。", "身份证号[redacted]。"),
        ("id=11010519491231002x&x=1", "id=[redacted]&x=1"),
        ("联系电话：13812345678", "联系电话：[redacted]"),
        ("tel 19912345678, 18812345678", "tel [redacted], [redacted]"),
        ("账号 6222021234567890123 开户行", "账号 [redacted] 开户行"),
        ("卡号 622202123456", "卡号 [redacted]"),
        (
            "推荐对象 42 第 3 页 2026-03-02 12345678901",
            "推荐对象 42 第 3 页 2026-03-02 12345678901",
        ),
        ("", ""),
    ],
    ids=[
        "id",
        "id-x-in-chinese-text",
        "id-lower-x-in-query",
        "phone",
        "two-phones",
        "bank-19",
        "bank-12",
        "ordinary-numbers-kept",
        "empty",
    ],
)
def test_redact(text, expected):
    assert redact(text) == expected


def _emit(message: str, *args) -> str:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactPersonalData())
    logger = logging.getLogger("jiangxuan.tests.redact")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning(message, *args)
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    return stream.getvalue()


def test_filter_redacts_arguments_of_a_log_call():
    output = _emit("提交失败：身份证号 %s，电话 %s", "110105194912310021", "13812345678")

    assert output == "提交失败：身份证号 [redacted]，电话 [redacted]\n"


def test_filter_leaves_clean_records_untouched():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "第 %d 页", (3,), None)

    assert RedactPersonalData().filter(record) is True
    assert (record.msg, record.args) == ("第 %d 页", (3,))


def test_every_configured_handler_redacts():
    handlers = settings.LOGGING["handlers"]

    assert handlers
    redacting = {name: "redact" in h.get("filters", []) for name, h in handlers.items()}
    assert redacting == dict.fromkeys(handlers, True)
    assert settings.LOGGING["filters"]["redact"] == {
        "()": f"{RedactPersonalData.__module__}.RedactPersonalData"
    }


def test_exception_text_is_redacted():
    logger = logging.getLogger("jiangxuan.test.redact")
    record = None
    try:
        raise ValueError("bad id 110105194912310029 phone 13912345678")
    except ValueError:
        record = logger.makeRecord(
            logger.name, logging.ERROR, __file__, 1, "failed", None, sys.exc_info()
        )
    RedactPersonalData().filter(record)
    text = logging.Formatter().format(record)
    assert "110105194912310029" not in text
    assert "13912345678" not in text
    assert "[redacted]" in text
