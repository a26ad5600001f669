"""Factories for the portal tests: a nominee's photo (evidence of the form's 照片 item)."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from jiangxuan.nominations.models import Evidence
from jiangxuan.nominations.tests.factories import UserFactory


class PhotoFactory(DjangoModelFactory[Evidence]):
    """A PNG photo of ``nomination`` (required), as an upload leaves it: sniffed type,
    re-encoded image."""

    class Meta:
        model = Evidence

    nomination = None
    material = "photo"
    file = factory.django.ImageField(filename="photo.png", format="PNG", width=60, height=80)
    original_name = "照片.png"
    content_type = "image/png"
    size = 1024
    sha256 = "0" * 64
    uploaded_by = factory.SubFactory(UserFactory)
