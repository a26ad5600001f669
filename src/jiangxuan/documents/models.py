"""Documents generated in the background: bundles of many files in one ZIP."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiangxuan.core.models import BaseModel

from .enums import BundleKind, BundleState


class DocumentBundle(BaseModel):
    """Many documents of a campaign packed as one ZIP by a background task, with its
    progress (``done`` of ``total`` steps). ``fingerprint`` names what it holds (the
    certificates' ids and numbers; for the archive, the newest audit entry, since every
    write leaves one), so a finished bundle is handed out again until that changes."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="document_bundles"
    )
    kind = models.CharField(_("内容"), max_length=20, choices=BundleKind.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        _("状态"), max_length=12, choices=BundleState.choices, default=BundleState.QUEUED
    )
    fingerprint = models.CharField(max_length=64)
    total = models.PositiveIntegerField(_("步骤数"), default=0)
    done = models.PositiveIntegerField(_("已完成"), default=0)
    file = models.FileField(_("文件"), upload_to="bundles/%Y/", blank=True)
    error = models.CharField(_("失败原因"), max_length=200, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("文书包")
        verbose_name_plural = _("文书包")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.campaign} {self.get_kind_display()} {self.get_state_display()}"
