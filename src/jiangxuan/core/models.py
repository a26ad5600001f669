"""Base model and the append-only, hash-chained audit trail."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    """Abstract base: creation and modification times (aware, stored in UTC)."""

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class AuditEntry(models.Model):
    """One audited event. Rows are never updated or deleted (enforced by a trigger on
    PostgreSQL); ``entry_hash`` chains each row to the previous one with HMAC-SM3 so that
    ``jiangxuan auditverify`` detects any edit (等保 安全审计 b-c; ASVS 16.2.1)."""

    occurred_at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField(_("操作人名称"), max_length=150, blank=True)
    actor_role = models.CharField(_("角色"), max_length=40, blank=True)
    object_type = models.CharField(_("对象类型"), max_length=60)
    object_id = models.CharField(_("对象编号"), max_length=40, blank=True)
    action = models.CharField(_("动作"), max_length=60)
    result = models.CharField(_("结果"), max_length=20, default="ok")
    before = models.JSONField(_("变更前"), default=dict, blank=True)
    after = models.JSONField(_("变更后"), default=dict, blank=True)
    source_ip = models.GenericIPAddressField(_("来源 IP"), null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        when = f"{self.occurred_at:%Y-%m-%d %H:%M:%S%z}"
        return f"{when} {self.action} {self.object_type}#{self.object_id}"


class AuditHead(models.Model):
    """A single row holding the newest chain hash; locking it serialises chain appends.

    ``base_hash`` is where verification starts: the genesis hash, or after a retention purge
    (``core.audit.purge_audit``) the hash of the last entry removed.
    """

    last_hash = models.CharField(max_length=64)
    base_hash = models.CharField(max_length=64, default="0" * 64)
    purged_before = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("审计链头")

    def __str__(self) -> str:
        return self.last_hash


class HolidayYear(BaseModel):
    """A year whose State Council holiday schedule an admin has entered by hand, for years
    the ``chinesecalendar`` package does not know yet. Days of such a year follow the
    weekday rule except those listed in :class:`WorkdayOverride`."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    source = models.CharField(_("依据"), max_length=200, help_text=_("如 国办发明电〔2026〕X号"))

    class Meta:
        verbose_name = _("节假日年度")
        verbose_name_plural = _("节假日年度")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class WorkdayOverride(BaseModel):
    """One day that differs from the weekday rule (a holiday on a weekday, or a make-up
    workday 调休 on a weekend). Also overrides the package for a known year."""

    day = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("上班"))
    note = models.CharField(_("说明"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("工作日调整")
        verbose_name_plural = _("工作日调整")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {'上班' if self.is_workday else '休息'}"
