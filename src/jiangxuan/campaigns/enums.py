"""Ordered vocabularies the campaign specifications and nomination forms share.

Orders matter: rules compare levels (``skill_level >= senior``), so each enum carries its
rank in declaration order; ``rank()`` gives it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RankedChoices(models.TextChoices):
    """TextChoices whose declaration order is a rank (0 = lowest)."""

    @classmethod
    def rank(cls, value: str | None) -> int:
        """Rank of ``value``; -1 for empty or unknown values."""
        ranks = cls.__dict__.get("_rank_table")
        if ranks is None:  # worked out once per class: the rules ask it for every nominee
            ranks = {v: i for i, v in enumerate(cls.values)}
            setattr(cls, "_rank_table", ranks)  # noqa: B010 (an enum class takes no annotations)
        return ranks.get(value, -1) if value is not None else -1


class SkillLevel(RankedChoices):
    """技能等级 (职业资格 / 职业技能等级), lowest first."""

    NONE = "none", _("无")
    JUNIOR = "junior", _("初级工（五级）")
    INTERMEDIATE = "intermediate", _("中级工（四级）")
    SENIOR = "senior", _("高级工（三级）")
    TECHNICIAN = "technician", _("技师（二级）")
    SENIOR_TECHNICIAN = "senior_technician", _("高级技师（一级）")
    SPECIAL_TECHNICIAN = "special_technician", _("特级技师")
    CHIEF_TECHNICIAN = "chief_technician", _("首席技师")


class ProfessionalTitle(RankedChoices):
    """职称, lowest first."""

    NONE = "none", _("无")
    JUNIOR = "junior", _("初级职称")
    INTERMEDIATE = "intermediate", _("中级职称")
    DEPUTY_SENIOR = "deputy_senior", _("副高级职称")
    SENIOR = "senior", _("正高级职称")


class HonourLevel(RankedChoices):
    """Level of the body that gave an honour, lowest first."""

    ENTERPRISE = "enterprise", _("企业级")
    COUNTY = "county", _("县级")
    CITY = "city", _("市级")
    PROVINCIAL = "provincial", _("省级")
    NATIONAL = "national", _("国家级")


class ContestLevel(models.TextChoices):
    """职业技能竞赛的类别."""

    WORLD = "world", _("世界技能大赛")
    NATIONAL_GAMES = "national_games", _("全国职业技能大赛")
    NATIONAL_CLASS1 = "national_class1", _("国家一类职业技能竞赛")
    NATIONAL_CLASS2 = "national_class2", _("国家二类职业技能竞赛")
    PROVINCIAL_CLASS1 = "provincial_class1", _("省级一类职业技能竞赛")
    PROVINCIAL_CLASS2 = "provincial_class2", _("省级二类职业技能竞赛")
    CITY = "city", _("市级职工职业技能竞赛")


class HonourCategory(models.TextChoices):
    """What kind of honour a catalogue entry is (the rules test it; documents print the
    label)."""

    SKILL = "skill", _("技能类")
    MODEL_WORKER = "model_worker", _("劳模类")
    ALLOWANCE = "allowance", _("政府特殊津贴")
    SCIENCE = "science", _("科技类")
    CRAFTSMAN = "craftsman", _("工匠类")
    OTHER = "other", _("其他")


class PatentKind(models.TextChoices):
    """专利类型 (专利法第二条)."""

    INVENTION = "invention", _("发明专利")
    UTILITY = "utility", _("实用新型专利")
    DESIGN = "design", _("外观设计专利")


class Medal(RankedChoices):
    """竞赛奖牌, lowest first."""

    NONE = "none", _("无")
    EXCELLENCE = "excellence", _("优胜奖")
    BRONZE = "bronze", _("铜牌")
    SILVER = "silver", _("银牌")
    GOLD = "gold", _("金牌")


class CampaignState(models.TextChoices):
    """The state the office sets on a campaign (stored): a draft, published, or archived
    once its work is over. Where a published campaign stands in its life (open, in review,
    decided) follows from its timeline and its decision: see :class:`CampaignStage`."""

    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    CLOSED = "closed", _("已归档")


class SpecChange(models.TextChoices):
    """How a version of a campaign's specification came about (issue 12.6)."""

    CREATE = "create", _("新建活动")
    LOAD = "load", _("由文件导入")
    EDIT = "edit", _("在线修改")
    EXTENSION = "extension", _("整体延期")


class CampaignStage(models.TextChoices):
    """Where a campaign stands in its life (campaigns.lifecycle.campaign_stage), in order:
    draft → published → open → review → decided → archived."""

    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布，尚未开始受理")
    OPEN = "open", _("受理中")
    REVIEW = "review", _("评审中")
    DECIDED = "decided", _("已发布表彰决定")
    ARCHIVED = "archived", _("已归档")


class NoticeDayUnit(models.TextChoices):
    """How a public notice's length is counted."""

    WORKING = "working", _("工作日")
    CALENDAR = "calendar", _("自然日")


class Signer(models.TextChoices):
    """Which body signs (盖章) at a review level."""

    WORKPLACE = "workplace", _("所在单位")
    WORKPLACE_UNION = "workplace_union", _("所在单位工会")
    UNION = "union", _("工会")
    HR_BUREAU = "hr_bureau", _("人社部门")
    NOMINATING_UNIT = "nominating_unit", _("推荐单位")
    GOVERNMENT = "government", _("党委政府")


class StepKind(models.TextChoices):
    """Steps of a campaign's procedure after (or beside) the level-by-level review."""

    QUALIFICATION_REVIEW = "qualification_review", _("资格审核")
    BACKGROUND_CHECK = "background_check", _("征求意见")
    PUBLIC_VOTE = "public_vote", _("网络投票")
    EXPERT_REVIEW = "expert_review", _("专家评审")
    SITE_INSPECTION = "site_inspection", _("实地考察")
    LEADING_GROUP_APPROVAL = "leading_group_approval", _("领导小组审定")
    SOCIAL_NOTICE = "social_notice", _("社会公示")
    GOVERNMENT_APPROVAL = "government_approval", _("上级审定")
    DECISION = "decision", _("发布表彰决定")


class ExpertMethod(models.TextChoices):
    """How an expert panel decides."""

    SCORING = "scoring", _("综合打分")
    BALLOT = "ballot", _("投票")
    SCORING_AND_BALLOT = "scoring_and_ballot", _("打分并投票")


class RuleStatus(models.TextChoices):
    """Outcome of one eligibility rule for one nomination."""

    PASSED = "passed", _("符合")
    FAILED = "failed", _("不符合")
    NEEDS_EVIDENCE = "needs_evidence", _("待核实")
