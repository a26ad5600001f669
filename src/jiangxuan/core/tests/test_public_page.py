"""Public pages from the cache in one read while fresh (issue 17.2): the version is asked
at most every VERSION_SECONDS, the page is rendered again only when its version changed
or it is older than PUBLIC_MAX_AGE, and a page that is not public is a remembered 404."""

import pytest
import time_machine
from django.core.cache import cache
from django.http import Http404

from jiangxuan.core import caching
from jiangxuan.core.caching import PUBLIC_MAX_AGE, VERSION_SECONDS, public_page

START = 1_800_000_000


class Counting:
    """The cache, counting the reads."""

    def __init__(self) -> None:
        self.reads = 0

    def get(self, key):
        self.reads += 1
        return cache.get(key)

    def set(self, key, value, timeout):
        cache.set(key, value, timeout)


@pytest.fixture
def world(monkeypatch):
    cache.clear()
    counting = Counting()
    state = {"version": "v1", "renders": 0, "versions": 0, "text": "甲"}

    def render(template_name, context):
        state["renders"] += 1
        return f"<p>{context['text']}</p>"

    monkeypatch.setattr(caching, "cache", counting)
    monkeypatch.setattr(caching, "render_to_string", render)

    def get():
        def version():
            state["versions"] += 1
            return state["version"]

        response = public_page(
            ("page", 1), version, "t.html", lambda: {"text": state["text"]}, missing="没有"
        )
        return response.content.decode()

    return get, state, counting


def test_a_fresh_page_costs_one_cache_read_and_no_version_check(world):
    get, state, counting = world
    with time_machine.travel(START, tick=False):
        assert get() == "<p>甲</p>"
        counting.reads = state["versions"] = 0
        for _ in range(5):
            assert get() == "<p>甲</p>"
    assert counting.reads == 5
    assert state["versions"] == 0
    assert state["renders"] == 1


def test_a_new_version_is_seen_after_the_check_interval(world):
    get, state, _counting = world
    with time_machine.travel(START, tick=False) as traveller:
        get()
        state["version"], state["text"] = "v2", "乙"
        assert get() == "<p>甲</p>"  # within VERSION_SECONDS
        traveller.shift(VERSION_SECONDS + 1)
        assert get() == "<p>乙</p>"
    assert state["renders"] == 2


def test_the_same_version_keeps_the_page_until_it_is_too_old(world):
    get, state, _counting = world
    with time_machine.travel(START, tick=False) as traveller:
        get()
        state["text"] = "丙"  # a change no version tracks (a window opening on time)
        traveller.shift(VERSION_SECONDS + 1)
        assert get() == "<p>甲</p>"
        assert state["renders"] == 1
        traveller.shift(PUBLIC_MAX_AGE)
        assert get() == "<p>丙</p>"


def test_a_page_that_is_not_public_is_a_remembered_404(world):
    get, state, _counting = world
    state["version"] = None
    with time_machine.travel(START, tick=False):
        with pytest.raises(Http404, match="没有"):
            get()
        with pytest.raises(Http404, match="没有"):
            get()
    assert state["versions"] == 1
    assert state["renders"] == 0


def test_an_entry_from_a_later_clock_is_checked_again(world):
    # Another node's clock ahead of this one's: its entry must not look fresh for ever.
    get, state, _counting = world
    with time_machine.travel(START + 3600, tick=False):
        get()
    state["version"], state["text"] = "v2", "丁"
    with time_machine.travel(START, tick=False):
        assert get() == "<p>丁</p>"
