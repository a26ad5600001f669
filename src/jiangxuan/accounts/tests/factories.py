"""factory_boy factory for organization units, for tests that need a unit or a small tree
but not the four real trees of specs/orgs (the ``orgs`` fixture).

    province = OrgUnitFactory(kind=OrgKind.REGION, level=OrgLevel.PROVINCE)
    bureau = OrgUnitFactory(parent=province, kind=OrgKind.HR_BUREAU, level=OrgLevel.CITY)
"""

from __future__ import annotations

from typing import Any

import factory
from factory.django import DjangoModelFactory

from jiangxuan.accounts.enums import OrgKind, OrgLevel
from jiangxuan.accounts.models import OrgUnit


class OrgUnitFactory(DjangoModelFactory):
    """A unit of the organization tree: a root, or the child of ``parent=`` (an OrgUnit).

    Units are added through treebeard (the manager's ``add_root`` / ``add_child``), so the
    tree's paths and child counts stay valid. Default: a workplace enterprise.
    """

    class Meta:
        model = OrgUnit

    code = factory.Sequence(lambda n: f"test-unit-{n}")
    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = OrgKind.ENTERPRISE
    level = OrgLevel.WORKPLACE

    @classmethod
    def _create(cls, model_class: type[OrgUnit], *args: Any, **kwargs: Any) -> OrgUnit:
        parent = kwargs.pop("parent", None)
        if parent is None:
            return model_class.objects.add_root(kwargs)
        # treebeard reads the parent's path and child count: use the stored ones.
        return model_class.objects.add_child(model_class.objects.get(pk=parent.pk), kwargs)
