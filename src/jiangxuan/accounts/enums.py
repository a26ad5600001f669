"""Kinds of organizations, administrative levels and roles."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    """What an organization is (docs/glossary.md: union, HR bureau, enterprise ...)."""

    REGION = "region", _("行政区")
    UNION = "union", _("工会")
    HR_BUREAU = "hr_bureau", _("人社部门")
    GOVERNMENT = "government", _("党委政府")
    DEPARTMENT = "department", _("机关部门")
    ENTERPRISE = "enterprise", _("企业")
    INSTITUTION = "institution", _("事业单位")
    SCHOOL = "school", _("技工院校")
    SOCIAL_ORG = "social_org", _("社会团体")


class OrgLevel(models.TextChoices):
    """Administrative level a node sits at. ``SUBDISTRICT`` is below county: streets,
    townships, industrial zones and parks (街道, 乡镇, 产业功能区, 园区) and their unions;
    ``WORKPLACE`` is the employer, below either."""

    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县级")
    SUBDISTRICT = "subdistrict", _("乡镇（街道）级")
    WORKPLACE = "workplace", _("基层")


class Role(models.TextChoices):
    """Roles a user holds in an organization (optionally for one campaign)."""

    CAMPAIGN_OFFICE = "campaign_office", _("领导小组办公室")
    CLERK = "clerk", _("推荐单位经办人")
    REVIEWER = "reviewer", _("审核人")
    EXPERT = "expert", _("评审专家")
    LEADING_GROUP = "leading_group", _("领导小组成员")
    FINANCE = "finance", _("财务")
    AUDITOR = "auditor", _("审计员")
    PLATFORM_ADMIN = "platform_admin", _("平台管理员")


class TokenScope(models.TextChoices):
    """What an API token may do (issue 16.13): read only, or read and write."""

    READ = "read", _("只读")
    READ_WRITE = "read_write", _("读写")
