"""Issue 16.7: the SMS backends. Production refuses the console and file backends unless
allowed for a drill; the file backend's messages are 0600 and purged after the code expires;
a gateway that cannot send answers 503 in Chinese."""

import json
import stat
import time

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client

from jiangxuan.voting import sms
from jiangxuan.voting.models import VerificationCode

from .conftest import DURING

PHONE = "13912345678"


@pytest.mark.parametrize("backend", ["FileBackend", "ConsoleBackend"])
def test_production_refuses_local_sms_backends(settings, backend):
    settings.DEBUG = False
    settings.JX_SMS_BACKEND = f"jiangxuan.voting.sms.{backend}"

    with pytest.raises(SystemCheckError, match=r"jiangxuan\.E010"):
        call_command("check")


def test_production_file_backend_allowed_for_a_drill(settings):
    settings.DEBUG = False
    settings.JX_SMS_BACKEND = "jiangxuan.voting.sms.FileBackend"
    settings.JX_SMS_FILE_ALLOWED = True

    call_command("check")


def test_production_default_is_the_disabled_backend(settings):
    settings.DEBUG = False
    settings.JX_SMS_BACKEND = "jiangxuan.voting.sms.DisabledBackend"

    call_command("check")
    with pytest.raises(sms.SMSUnavailable):
        sms.send_sms(PHONE, "x")


def test_file_backend_writes_owner_only_files(settings, tmp_path):
    settings.JX_SMS_BACKEND = "jiangxuan.voting.sms.FileBackend"
    settings.JX_SMS_FILE_PATH = folder = tmp_path / "sms"

    sms.send_sms(PHONE, "验证码为123456")

    (message,) = folder.iterdir()
    assert stat.S_IMODE(message.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert sms.latest_file_message(PHONE, folder) == "验证码为123456"


def test_file_backend_purges_expired_messages(settings, tmp_path):
    settings.JX_SMS_BACKEND = "jiangxuan.voting.sms.FileBackend"
    settings.JX_SMS_FILE_PATH = folder = tmp_path / "sms"
    settings.JX_VOTE_CODE_TTL = 300
    folder.mkdir()
    expired = folder / f"13800000000-{time.time_ns() - 301 * 10**9}.txt"
    fresh = folder / f"13700000000-{time.time_ns() - 10 * 10**9}.txt"
    expired.write_text("验证码为111111")
    fresh.write_text("验证码为222222")

    sms.send_sms(PHONE, "验证码为333333")

    assert not expired.exists()
    assert fresh.exists()
    assert sms.latest_file_message(PHONE, folder) == "验证码为333333"


@pytest.mark.django_db
def test_gateway_failure_answers_503_in_chinese_and_keeps_no_code(settings, vote):
    settings.JX_SMS_BACKEND = "jiangxuan.voting.sms.DisabledBackend"

    with time_machine.travel(DURING, tick=False):
        response = Client().post(
            "/api/v1/votes/weihai-gongjiang-2023/codes",
            json.dumps({"phone": PHONE}),
            content_type="application/json",
        )

    assert response.status_code == 503
    assert response.json()["code"] == "sms_unavailable"
    assert response.json()["detail"].startswith("短信验证码暂时无法发送")
    assert not VerificationCode.objects.exists()
