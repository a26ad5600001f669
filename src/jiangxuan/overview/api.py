"""API: where a campaign stands (the overview page's tables) and the narratives alike, for
the campaign office and the leading group as on the pages (overview.views). A campaign
outside the caller's role answers 404. No personal data beyond nominees' names in the
pairs of alike narratives (the office's own nominees)."""

from __future__ import annotations

from ninja import Router, Schema
from ninja.responses import codes_4xx
from pydantic import Field

from jiangxuan.accounts.http import ApiRequest
from jiangxuan.campaigns.models import Campaign
from jiangxuan.core.api_errors import ErrorOut, not_found

from .selectors import acts_for_office, campaign_balance, campaign_overview, overview_campaign
from .similarity import similar_narratives

router = Router(tags=["活动总览"])


class ColumnOut(Schema):
    key: str = Field(description="状态或审核层级的代码")
    label: str


class UnitCountsOut(Schema):
    unit: str = Field(description="推荐单位名称")
    counts: list[int] = Field(description="按 columns 的顺序，各状态或层级的推荐数")


class AwardTallyOut(Schema):
    award: str = Field(description="奖项代码")
    award_name: str
    totals: list[int]
    units: list[UnitCountsOut]


class QuotaFillOut(Schema):
    unit: str
    award_name: str = Field(description="奖项名称；空表示各奖项合计")
    used: int
    minimum: int
    maximum: int | None
    status: str = Field(description="over 超出、full 已满、below 不足下限、open 尚可推荐")


class BalanceRowOut(Schema):
    label: str
    count: int
    share: float = Field(description="占比（百分数，一位小数）")


class BalanceOut(Schema):
    key: str = Field(description="sex、age、skill_level、industry、region、ownership")
    title: str
    rows: list[BalanceRowOut]


class OverviewOut(Schema):
    campaign: str
    live_count: int = Field(description="已提交的有效推荐数")
    columns: list[ColumnOut]
    awards: list[AwardTallyOut]
    quotas: list[QuotaFillOut]
    waiting_sign_offs: int
    notices_running: int
    open_objections: int
    checks_overdue: int
    balance: list[BalanceOut]


class SimilarPairOut(Schema):
    first: int = Field(description="本届推荐编号")
    first_name: str
    second: int = Field(description="另一推荐的编号（本届或往届）")
    second_name: str
    second_campaign: str
    earlier: bool = Field(description="另一推荐属于往届")
    similarity: int = Field(description="相似度（百分数）")
    passages: list[str] = Field(description="相同段落，最长的在前")


def _campaign(request: ApiRequest, code: str, *, office: bool = False) -> Campaign:
    campaign = overview_campaign(request.auth, code)
    if campaign is None or (office and not acts_for_office(request.auth, campaign)):
        raise not_found()
    return campaign


@router.get(
    "/campaigns/{code}/overview",
    response={200: OverviewOut, codes_4xx: ErrorOut},
    summary="活动总览",
)
def get_overview(request: ApiRequest, code: str) -> OverviewOut:
    """各奖项、各推荐单位在各状态和层级的推荐数，名额使用，待签署意见、公示、异议和
    逾期征求意见的数量，以及推荐对象结构（性别、年龄段、技能等级、行业、地区、单位性质）。"""
    campaign = _campaign(request, code)
    overview = campaign_overview(campaign)
    return OverviewOut(
        campaign=campaign.code,
        live_count=overview.live_count,
        columns=[ColumnOut(key=c.key, label=str(c.label)) for c in overview.columns],
        awards=[
            AwardTallyOut(
                award=t.award.code,
                award_name=t.award.name,
                totals=t.totals,
                units=[UnitCountsOut(unit=r.name, counts=r.counts) for r in t.rows],
            )
            for t in overview.awards
        ],
        quotas=[
            QuotaFillOut(
                unit=q.unit.name,
                award_name=q.award_name,
                used=q.usage.used,
                minimum=q.usage.minimum,
                maximum=q.usage.maximum,
                status=q.status,
            )
            for q in overview.quotas
        ],
        waiting_sign_offs=overview.waiting_count,
        notices_running=len(overview.notices),
        open_objections=overview.open_objection_count,
        checks_overdue=len(overview.checks_overdue),
        balance=[
            BalanceOut(
                key=t.key,
                title=t.title,
                rows=[BalanceRowOut(label=r.label, count=r.count, share=r.share) for r in t.rows],
            )
            for t in campaign_balance(campaign)
        ],
    )


@router.get(
    "/campaigns/{code}/similar-narratives",
    response={200: list[SimilarPairOut], codes_4xx: ErrorOut},
    summary="事迹雷同检查",
)
def list_similar_narratives(request: ApiRequest, code: str) -> list[SimilarPairOut]:
    """本届推荐之间、或与往届同一称号推荐之间事迹材料高度相似的组合（活动办公室），
    附相同段落；是需要核实的线索，不是结论。"""
    campaign = _campaign(request, code, office=True)
    return [
        SimilarPairOut(
            first=p.first.pk,
            first_name=p.first.name,
            second=p.second.pk,
            second_name=p.second.name,
            second_campaign=p.second.campaign.title,
            earlier=p.earlier,
            similarity=p.percent,
            passages=p.passages,
        )
        for p in similar_narratives(campaign)
    ]
