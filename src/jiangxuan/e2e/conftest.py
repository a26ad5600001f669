"""Browser tests: pytest-playwright driving Debian's Chromium against ``live_server``.

Never run ``playwright install`` (docs/testing.md, browser tests): the browser is Debian's
/usr/bin/chromium-headless-shell, Chromium's headless build (the one Playwright itself uses
for headless runs), which spends about a fifth less CPU than the full /usr/bin/chromium.
Chromium writes crash reports and caches under HOME even with a temporary profile, so
its HOME and XDG directories point at a temporary directory for the session. The root
conftest sets DJANGO_ALLOW_ASYNC_UNSAFE, which the Playwright sync API needs.
"""

import logging
import os
import tempfile
from collections.abc import Iterator

import pytest

from jiangxuan.core.logging import PATTERNS

CHROMIUM = "/usr/bin/chromium-headless-shell"
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
    """Launch Debian's Chromium (headless shell) instead of a Playwright-downloaded browser."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium-headless-shell)")
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


@pytest.fixture(autouse=True)
def _no_personal_data_logged() -> Iterator[None]:
    """docs/security.md check 22: while a browser walks the pages (the live server's
    requests, errors and tasks included), nothing the code logs holds an ID number, a
    mobile number or a bank account. Records are read as they are made, before any
    handler's redacting filter rewrites them: that filter is only the safety net."""
    texts: list[str] = []
    factory = logging.getLogRecordFactory()

    def recording(*args, **kwargs) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        try:
            text = record.getMessage()
        except (TypeError, ValueError):
            text = str(record.msg)
        if record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)
        texts.append(text)
        return record

    logging.setLogRecordFactory(recording)
    try:
        yield
    finally:
        logging.setLogRecordFactory(factory)
    leaks = [(p.pattern, t[:200]) for t in texts for p in PATTERNS if p.search(t)]
    assert not leaks, leaks
