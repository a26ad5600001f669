"""factory_boy factory for review panels (评审组).

``PanelFactory()`` makes a panel of a new :class:`CampaignFactory` campaign; pass
``campaign=`` (and ``award=``) for a panel of another campaign. The panel is written
directly, as drawn panels' tests need it; ``services.create_panel`` has its own tests.
"""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from jiangxuan.campaigns.tests.factories import CampaignFactory
from jiangxuan.experts.models import Panel


class PanelFactory(DjangoModelFactory):
    """A panel of five experts and two reserves, no mix, of the whole campaign."""

    class Meta:
        model = Panel

    campaign = factory.SubFactory(CampaignFactory)
    award = None
    name = factory.Sequence(lambda n: f"评审组{n + 1}")
    size = 5
    reserves = 2
    mix = factory.LazyFunction(dict)
