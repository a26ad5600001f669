"""The notification list, mark-as-read, mark-all-read, and the nav's unread count."""

import pytest
from django.urls import reverse

from .. import selectors
from ..models import Notification
from .factories import NotificationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return UserFactory()


def badge(response) -> str:
    """The nav link's text with its unread badge."""
    html = response.text
    start = html.index('class="nav-notifications"')
    return html[start : html.index("</a>", start)]


def test_list_shows_own_notifications_only(client, user):
    mine = NotificationFactory(recipient=user, title="推荐被退回修改：王建国")
    NotificationFactory(recipient=UserFactory(), title="别人的通知")
    client.force_login(user)

    response = client.get(reverse("notifications:list"))

    assert response.status_code == 200
    assert response.context["notifications"] == [mine]
    assert "推荐被退回修改：王建国" in response.text
    assert "别人的通知" not in response.text


def test_list_needs_login(client):
    response = client.get(reverse("notifications:list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_mark_read_then_open_goes_to_the_link(client, user):
    note = NotificationFactory(recipient=user, link="/nominations/")
    client.force_login(user)

    response = client.post(reverse("notifications:read", args=[note.pk]), {"open": "1"})

    assert response.status_code == 302
    assert response["Location"] == "/nominations/"
    note.refresh_from_db()
    assert note.is_read


def test_mark_read_ignores_an_offsite_link(client, user):
    note = NotificationFactory(recipient=user, link="https://evil.example/")
    client.force_login(user)

    response = client.post(reverse("notifications:read", args=[note.pk]), {"open": "1"})

    assert response["Location"] == reverse("notifications:list")


def test_mark_read_of_another_users_notification_is_404(client, user):
    other = NotificationFactory(recipient=UserFactory())
    client.force_login(user)

    response = client.post(reverse("notifications:read", args=[other.pk]))

    assert response.status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_mark_read_needs_post(client, user):
    note = NotificationFactory(recipient=user)
    client.force_login(user)

    response = client.get(reverse("notifications:read", args=[note.pk]))

    assert response.status_code == 405
    note.refresh_from_db()
    assert note.read_at is None


def test_mark_all_read_leaves_other_users_alone(client, user):
    NotificationFactory.create_batch(2, recipient=user)
    other = NotificationFactory(recipient=UserFactory())
    client.force_login(user)

    response = client.post(reverse("notifications:read_all"), follow=True)

    assert "已将2条通知标为已读" in response.text
    assert Notification.objects.filter(recipient=user, read_at__isnull=True).count() == 0
    other.refresh_from_db()
    assert other.read_at is None


def test_nav_count_follows_reads(client, user):
    first, _second = NotificationFactory.create_batch(2, recipient=user)
    client.force_login(user)

    before = client.get(reverse("notifications:list"))
    client.post(reverse("notifications:read", args=[first.pk]))
    after_one = client.get(reverse("notifications:list"))
    client.post(reverse("notifications:read_all"))
    after_all = client.get(reverse("notifications:list"))

    assert 'title="未读通知">2</span>' in badge(before)
    assert 'title="未读通知">1</span>' in badge(after_one)
    assert "未读通知" not in badge(after_all)


def test_nav_count_is_not_shown_to_anonymous_visitors(client):
    response = client.get(reverse("accounts:login"))

    assert "nav-notifications" not in response.text


def test_unread_count_is_one_count_query_then_cached(user, django_assert_num_queries):
    NotificationFactory.create_batch(3, recipient=user)

    with django_assert_num_queries(1):
        assert selectors.unread_count(user) == 3
    with django_assert_num_queries(0):
        assert selectors.unread_count(user) == 3


@pytest.mark.parametrize("rows", [1, 3])
def test_list_queries_do_not_grow(client, user, rows, django_assert_num_queries):
    NotificationFactory.create_batch(rows, recipient=user)
    client.force_login(user)
    client.get(reverse("notifications:list"))  # the first request also writes the session

    # session, user, notifications (with campaigns), memberships (outbox link)
    with django_assert_num_queries(4):
        response = client.get(reverse("notifications:list"))

    assert len(response.context["notifications"]) == rows


def test_sign_in_primes_the_nav_count(client, user, django_assert_num_queries):
    NotificationFactory(recipient=user)
    client.force_login(user)

    with django_assert_num_queries(0):
        assert selectors.unread_count(user) == 1
