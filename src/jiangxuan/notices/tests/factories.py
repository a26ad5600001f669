"""Factories for the notices tests: nominees ready for a notice, office users."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from jiangxuan.nominations.enums import NominationState
from jiangxuan.nominations.tests.factories import NominationFactory, UserFactory

from ..models import Objection


class NomineeFactory(NominationFactory):
    """A nomination in review that consented to publication (the usual notice entry).

    Built straight in its state: the chain that brought it there is not under test here.
    """

    state = NominationState.IN_REVIEW
    publication_consent = True


class ObjectionFactory(DjangoModelFactory[Objection]):
    """A received objection (``notice`` required)."""

    class Meta:
        model = Objection

    notice = None
    text = factory.Faker("paragraph", locale="zh_CN")
    anonymous = True


__all__ = ["NomineeFactory", "ObjectionFactory", "UserFactory"]
