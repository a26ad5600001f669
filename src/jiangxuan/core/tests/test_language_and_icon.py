"""The page's language and icon (issue 15, points 5 and 16): English is not offered while no
complete English catalogue exists (polib checks any offered language's catalogue), so an
English browser gets whole Chinese pages; every page has an icon, and ``/favicon.ico``
(asked for by pages without an icon link) leads to it."""

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils.translation import to_locale

pytestmark = pytest.mark.django_db


def test_an_english_browser_gets_the_chinese_page_without_a_language_menu(client):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in html
    assert "登录" in html
    assert 'name="language"' not in html


def test_the_language_switch_url_is_gone(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    assert response.status_code == 404


@pytest.mark.parametrize("url_name", ["accounts:login", "portal:index"])
def test_every_page_links_the_icon_and_the_icon_exists(client, url_name):
    html = client.get(reverse(url_name)).content.decode()

    assert '<link rel="icon" href="/static/core/favicon.svg"' in html
    assert finders.find("core/favicon.svg") is not None


def test_favicon_ico_redirects_to_the_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"] == "/static/core/favicon.svg"


def _catalogue(code: str) -> polib.POFile | None:
    path = Path(settings.LOCALE_PATHS[0]) / to_locale(code) / "LC_MESSAGES" / "django.po"
    return polib.pofile(str(path)) if path.exists() else None


def _complete(catalogue: polib.POFile | None) -> bool:
    return (
        catalogue is not None
        and catalogue.percent_translated() == 100
        and not catalogue.fuzzy_entries()
        and not catalogue.obsolete_entries()
    )


def test_a_language_is_offered_only_with_a_complete_catalogue():
    # Issue 15.5: Chinese is the source language; any other language offered must have
    # every message translated (polib), English included the day it is added.
    for code, _name in settings.LANGUAGES:
        if code.startswith("zh"):
            continue
        assert _complete(_catalogue(code)), f"{code} is offered without a complete catalogue"


def test_english_is_offered_exactly_when_its_catalogue_is_complete():
    offered = any(code.startswith("en") for code, _name in settings.LANGUAGES)
    assert offered == _complete(_catalogue("en"))
