"""In-app notifications and the e-mail outbox."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiangxuan.core.models import BaseModel

from .enums import NotificationKind, OutboxState


class Notification(BaseModel):
    """One message shown to one user in the platform until read.

    ``key`` makes reminders idempotent: a non-empty key is unique per recipient (e.g.
    ``deadline:12:3`` for campaign 12, three days ahead), so a second run adds nothing.
    Title and body never carry ID numbers, phones or bank accounts.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("类型"), max_length=20, choices=NotificationKind.choices)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("评选活动"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    object_ref = models.CharField(_("相关对象"), max_length=80, blank=True)
    key = models.CharField(_("去重键"), max_length=120, blank=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], condition=~Q(key=""), name="notification_unique_key"
            )
        ]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class OutboxMessage(BaseModel):
    """One e-mail, kept with its state so that the office can review what goes out.

    ``recipient`` is set for mail to a platform user (created approved and sent at once);
    mail to nominees and units has none and starts as a draft.
    """

    to_email = models.EmailField(_("收件地址"))
    to_name = models.CharField(_("收件人"), max_length=120, blank=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("平台用户"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    subject = models.CharField(_("主题"), max_length=200)
    body = models.TextField(_("正文"))
    kind = models.CharField(
        _("类型"), max_length=20, choices=NotificationKind.choices, default=NotificationKind.OTHER
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("评选活动"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    object_ref = models.CharField(_("相关对象"), max_length=80, blank=True)
    state = models.CharField(
        _("状态"), max_length=10, choices=OutboxState.choices, default=OutboxState.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    error = models.CharField(_("错误"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("待发邮件")
        verbose_name_plural = _("待发邮件")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["campaign", "state"])]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to_email}"
