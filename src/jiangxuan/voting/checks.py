"""Start-up check of the SMS backend (issue 16.7; docs/security.md check 26)."""

from django.conf import settings
from django.core import checks

#: Backends that leave phone numbers and valid codes readable outside the gateway.
LOCAL_BACKENDS = {
    "jiangxuan.voting.sms.ConsoleBackend",
    "jiangxuan.voting.sms.FileBackend",
}


@checks.register(checks.Tags.security)
def sms_backend_in_production(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """With ``DEBUG`` off, refuse the console and file backends unless
    ``JX_SMS_FILE_ALLOWED`` says this is a drill or a benchmark."""
    if settings.DEBUG or settings.JX_SMS_FILE_ALLOWED:
        return []
    if settings.JX_SMS_BACKEND in LOCAL_BACKENDS:
        return [
            checks.Error(
                f"生产环境不能使用 {settings.JX_SMS_BACKEND} 发送短信验证码："
                "手机号码和有效验证码会留在文件或日志中。",
                hint="把 JX_SMS_BACKEND 设为短信服务商的发送类；演练或压测时才设 "
                "JX_SMS_FILE_ALLOWED=1。",
                id="jiangxuan.E010",
            )
        ]
    return []
