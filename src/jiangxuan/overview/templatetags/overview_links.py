"""``{% load overview_links %}``: whether to offer a campaign's overview to the user."""

from django import template

from jiangxuan.accounts.models import User
from jiangxuan.campaigns.models import Campaign
from jiangxuan.campaigns.selectors import office_campaign_ids

from ..selectors import OVERVIEW_ROLES

register = template.Library()


@register.filter
def may_see_overview(campaign: Campaign, user: User) -> bool:
    """``{% if campaign|may_see_overview:user %}``: True for the campaign's office and
    leading group, who may open overview:campaign (everyone else gets a 404 there)."""
    return campaign.id in office_campaign_ids(user, OVERVIEW_ROLES)
