"""Factories for the notifications tests."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from jiangxuan.nominations.tests.factories import UserFactory

from ..enums import NotificationKind, OutboxState
from ..models import Notification, OutboxMessage


class NotificationFactory(DjangoModelFactory[Notification]):
    """An unread notification (``recipient`` required)."""

    class Meta:
        model = Notification

    recipient = None
    kind = NotificationKind.OTHER
    title = factory.Faker("sentence", locale="zh_CN")
    body = factory.Faker("paragraph", locale="zh_CN")


class OutboxMessageFactory(DjangoModelFactory[OutboxMessage]):
    """A draft e-mail to a nominee (``campaign`` required)."""

    class Meta:
        model = OutboxMessage

    campaign = None
    to_email = factory.Faker("email")
    to_name = factory.Faker("name", locale="zh_CN")
    subject = factory.Faker("sentence", locale="zh_CN")
    body = factory.Faker("paragraph", locale="zh_CN")
    state = OutboxState.DRAFT


__all__ = ["NotificationFactory", "OutboxMessageFactory", "UserFactory"]
