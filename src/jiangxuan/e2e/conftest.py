"""Browser tests: pytest-playwright driving Debian's Chromium against ``live_server``.

Never run ``playwright install`` (docs/testing.md, browser tests): the browser is /usr/bin/chromium.
Chromium writes crash reports and caches under HOME even with a temporary profile, so
its HOME and XDG directories point at a temporary directory for the session. The root
conftest sets DJANGO_ALLOW_ASYNC_UNSAFE, which the Playwright sync API needs.
"""

import os
import tempfile

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--lang=zh-CN",
]


@pytest.fixture(scope="session")
def browser_home():
    """A throwaway HOME for Chromium's crash reports, dconf and caches."""
    with tempfile.TemporaryDirectory(prefix="jx-chromium-") as home:
        yield home


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, browser_home):
    """Launch Debian's Chromium instead of a Playwright-downloaded browser."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
        "env": {
            **os.environ,
            "HOME": browser_home,
            "XDG_CONFIG_HOME": os.path.join(browser_home, ".config"),
            "XDG_CACHE_HOME": os.path.join(browser_home, ".cache"),
        },
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """Downloads are accepted; the UI is Simplified Chinese in Beijing time."""
    return {
        **browser_context_args,
        "accept_downloads": True,
        "locale": "zh-CN",
        "timezone_id": "Asia/Shanghai",
        "viewport": {"width": 1280, "height": 900},
    }


@pytest.fixture(scope="session")
def base_url():
    """No base URL: tests use ``live_server.url``. Overrides pytest-base-url's fixture,
    whose definition trips pytest's PytestRemovedIn10Warning (warnings are errors here)."""
    return None
