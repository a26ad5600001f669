"""Every staff page on a phone (issue 15.7): clerks and reviewers of small units work on
phones, so each page a clerk, a reviewer, the campaign office and an expert can open reads
at 360 px without the page scrolling sideways. Wide tables may scroll inside their own
``.table-scroll`` box; the document may not.

The pages are every named URL of the URL sweep (core/tests/test_url_sweep.py) that needs a
sign-in, filled with the real objects of seed 002 (焦作工匠) in the demo taken to its
published decision as the URL × role sweep fills them (core/tests/sweep_world.py), plus
the pages of the clerk's draft and of the reviewer's batch. The live server reads a
throwaway copy of that demo (``decided_demo_copy``). Each person signs in once, in a
browser context of their own, and opens every page answering them 200 with HTML.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Browser, expect

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import User
from jiangxuan.core.tests.sweep_world import CODE, build_world, release, url_kwargs
from jiangxuan.core.tests.test_url_sweep import PUBLIC, ROUTES
from jiangxuan.demo.build import DEMO_PASSWORD
from jiangxuan.nominations.enums import NominationState
from jiangxuan.nominations.models import Nomination
from jiangxuan.nominations.review_selectors import forward_batches

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTH, HEIGHT = 360, 740

#: Named URLs that answer a file or JSON, or end the session: not requested (the files
#: take seconds to render; every other URL is requested and kept if it answers a page).
NOT_PAGES = {
    "accounts:logout",
    "accounts:logout_all",
    "nominations:autosave",
    "nominations:forward_summary",
    "nominations:evidence_download",
    "nominations:evidence_poster",
    "nominations:forward_letter",
    "nominations:forward_document",
    "notices:objection_attachment",
    "notices:background_check_form_pdf",
    "notices:background_check_scan",
    "experts:scoring_evidence",
    "decisions:document",
    "decisions:payments",
    "experts:draw_record",
    "documents:nomination_docx",
    "documents:nomination_pdf",
    "documents:summary_xlsx",
    "documents:sheet",
    "documents:bundle_file",
    "documents:bundle_sheet",
}

#: The document's overflow, and the innermost elements reaching past the right edge outside
#: a ``.table-scroll`` box (what to fix), or null when nothing scrolls sideways.
OVERFLOW = """() => {
  const width = window.innerWidth;
  if (document.documentElement.scrollWidth <= width + 1) return null;
  // Inside a .table-scroll box only what is positioned out of it can widen the page.
  const sticksOut = (el) => el.getBoundingClientRect().right > width + 1
    && !(el.parentElement && el.parentElement.closest('.table-scroll')
      && !['absolute', 'fixed'].includes(getComputedStyle(el).position));
  const name = (el) => el.tagName.toLowerCase()
    + (el.id ? '#' + el.id : '')
    + (el.classList.length ? '.' + [...el.classList].join('.') : '');
  const culprits = [...document.body.querySelectorAll('*')]
    .filter((el) => sticksOut(el) && ![...el.children].some(sticksOut))
    .slice(0, 3)
    .map((el) => [el.parentElement, el].filter(Boolean).map(name).join(' > ')
      + ' ' + JSON.stringify((el.textContent || '').trim().slice(0, 20))
      + ' ' + Math.round(el.getBoundingClientRect().right) + 'px');
  return {scrollWidth: document.documentElement.scrollWidth, culprits};
}"""


@pytest.fixture
def world(decided_demo_copy):
    """Seed 002 in the copy of the decided demo (see ``build_world``)."""
    return build_world()


def _people(world: dict) -> dict[str, tuple[str, list[str]]]:
    """Who walks the pages, with the pages of their own work besides the sweep's: seed
    002's office; the clerk of one of its drafts (its form); a reviewer whose body has
    nominations ready to forward (the demo's practice campaign: the seed campaigns are
    decided), with the forwarding page and one nomination's pages; an expert of seed 002's
    panel. ``{role: (username, paths)}``."""
    draft = Nomination.objects.filter(campaign__code=CODE, state=NominationState.DRAFT).first()
    assert draft is not None, "seed 002 has no draft in the demo"
    clerk = User.objects.filter(
        memberships__role=Role.CLERK, memberships__org_unit=draft.nominating_unit
    ).first()
    assert clerk is not None, "the draft's unit has no clerk"
    reviewers = User.objects.filter(memberships__role=Role.REVIEWER).order_by("username")
    reviewer, batch = next((u, b) for u in reviewers for b in forward_batches(u)[:1])
    waiting = Nomination.objects.filter(
        campaign=batch.campaign, workplace=batch.body, state=NominationState.IN_REVIEW
    ).first()
    assert waiting is not None
    return {
        "office": ("jiaozuo_office", []),
        "clerk": (
            clerk.username,
            [
                reverse(name, kwargs={"pk": draft.pk})
                for name in ("nominations:detail", "nominations:edit")
            ],
        ),
        "reviewer": (
            reviewer.username,
            [
                reverse(
                    "nominations:forward",
                    kwargs={"level": batch.level.code, "body_id": batch.body.pk},
                )
                + f"?campaign={batch.campaign.code}",
                *(
                    reverse(name, kwargs={"pk": waiting.pk})
                    for name in ("nominations:detail", "nominations:sign_off")
                ),
            ],
        ),
        "expert": (world["member"].expert.user.username, []),
    }


def _pages(world: dict) -> list[str]:
    """The paths of every signed-in page, with seed 002's objects in them."""
    paths = []
    for name, _route in ROUTES:
        if name in PUBLIC or name in NOT_PAGES:
            continue
        kwargs = url_kwargs(name, world["ids"])
        if kwargs is not None:
            paths.append(reverse(name, kwargs=kwargs))
    return paths


def _openable(username: str, paths: list[str]) -> list[str]:
    """The paths that answer ``username`` with a page (200, HTML), asked through Django's
    test client: the browser then opens only those (it stops on an empty 405 or 403)."""
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(username=username))
    found = []
    for path in paths:
        response = client.get(path)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            found.append(path)
        release(response)
    return found


def test_every_staff_page_reads_at_360_px_without_scrolling_sideways(
    browser: Browser, browser_context_args, live_server, world
):
    pages = _pages(world)
    problems, measured = [], {}
    for role, (username, own) in _people(world).items():
        context = browser.new_context(
            **{**browser_context_args, "viewport": {"width": WIDTH, "height": HEIGHT}}
        )
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", DEMO_PASSWORD)
        page.get_by_role("button", name="登录").click()
        expect(page.get_by_role("heading", name="我的工作台", exact=True)).to_be_visible()
        openable = _openable(username, own + pages)
        assert set(own) <= set(openable), f"{role} cannot open {set(own) - set(openable)}"
        measured[role] = len(openable)
        for path in openable:
            response = page.goto(live_server.url + path)
            assert response is not None, path
            assert response.status == 200, path
            overflow = page.evaluate(OVERFLOW)
            if overflow:
                problems.append(
                    f"{role} {path}: {overflow['scrollWidth']}px wide; "
                    + "; ".join(overflow["culprits"])
                )
        context.close()
    assert problems == [], f"{len(problems)} pages scroll sideways at {WIDTH}px:\n" + "\n".join(
        problems
    )
    # Each person opened their own pages (the walk cannot pass by measuring nothing).
    assert min(measured.values()) >= 5, measured
    assert sum(measured.values()) > 60, measured
