"""Browser tests: headless Chromium driven by dash[testing]'s `dash_duo`.

Chromium and chromedriver come from the system packages (`make test` installs them as root).
Without them these tests skip locally and fail under CI=true, where they must run. The
options below are what a root user on a machine with no network needs: no sandbox, no
background connections, headless.
"""

from __future__ import annotations

import os
import shutil
import socket

import pytest
from selenium.webdriver.chrome.options import Options

IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def chromium_binary() -> str | None:
    if os.environ.get("DASH_TEST_CHROMEPATH"):
        return os.environ["DASH_TEST_CHROMEPATH"]
    return next((path for name in CHROMIUM_NAMES if (path := shutil.which(name))), None)


def pytest_setup_options() -> Options:
    options = Options()
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1280,1024",
    ):
        options.add_argument(argument)
    binary = chromium_binary()
    if binary:
        options.binary_location = binary
    return options


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
