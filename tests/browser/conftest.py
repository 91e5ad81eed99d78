"""Browser tests: headless Chromium driven by dash[testing]'s `dash_duo`.

Chromium and chromedriver come from the system packages (`make test` installs them as root).
Without them these tests skip locally and fail under CI=true, where they must run. The
browser's options live in tests/browser/chromium.py, which bench/page_speed.py uses too.
Outside public mode every page asks for sign-in, so a test starts its server with
`tests.accounts.start_signed_in` (a viewer unless it needs more) instead of
`dash_duo.start_server`.
"""

from __future__ import annotations

import os
import shutil
import socket

import pytest
from selenium.webdriver.chrome.options import Options

from tests.browser.chromium import chromium_binary, chromium_options

IN_CI = os.environ.get("CI", "").lower() == "true"


def pytest_setup_options() -> Options:
    """dash[testing]'s hook for the browser's options."""
    return chromium_options()


@pytest.fixture(autouse=True)
def _browser_available() -> None:
    """Runs before `dash_duo` starts a browser, so a missing one is reported plainly."""
    missing = [name for name, found in (("chromium", chromium_binary()),
                                        ("chromedriver", shutil.which("chromedriver")))
               if not found]
    if missing:
        message = f"browser tests need {' and '.join(missing)} (make test installs them as root)"
        if IN_CI:
            pytest.fail(message + "; under CI=true they must run")
        pytest.skip(message)


@pytest.fixture
def free_port() -> int:
    """A loopback port nobody is using, so a test server never meets `make run`'s."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
