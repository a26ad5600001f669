"""Choices of the documents domain."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BundleKind(models.TextChoices):
    """What a document bundle holds: every certificate of the decision (issue 14 三), the
    campaign's whole file (归档, issue 14.7), both as one ZIP, or the summary sheet (汇总表)
    of every nominating unit as one XLSX, made in the background when it is large (issue
    17.4)."""

    CERTIFICATES = "certificates", _("全部荣誉证书")
    ARCHIVE = "archive", _("活动归档（全部文书）")
    SUMMARY = "summary", _("汇总表")

    @property
    def file_format(self) -> str:
        """The file's extension: ``xlsx`` for the summary sheet, ``zip`` for the others."""
        return "xlsx" if self is BundleKind.SUMMARY else "zip"


class BundleState(models.TextChoices):
    """A bundle packed by a background task (issue 15.15: long work shows its progress)."""

    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("生成失败")
