"""Browser tests: headless Chromium driven by dash[testing]'s `dash_duo`.

Chromium and chromedriver come from the system packages (`make test` installs them as root).
Without them these tests skip locally and fail under CI=true, where they must run. The
browser's options live in tests/browser/chromium.py, which bench/page_speed.py uses too.
Outside public mode every page asks for sign-in, so a test starts its server with
`tests.accounts.start_signed_in` (a viewer unless it needs more) instead of
`dash_duo.start_server`.

`dash_duo` here is dash[testing]'s with one difference: the tests share one Chromium instead
of starting their own (a second each, 60 times over). Between tests it is emptied as a new one
would be: the page left, cookies, cache and the test server's storage cleared, other windows
closed, the console log read out; a Chromium that stops answering is replaced.
"""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from dash.testing.application_runners import ThreadedRunner
from dash.testing.composite import DashComposite
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.remote.webdriver import WebDriver

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


class SessionChromium:
    """The one Chromium of this test session (per xdist worker), started by the first test."""

    def __init__(self) -> None:
        self.driver: WebDriver | None = None

    def take(self, download_path: str) -> WebDriver | None:
        """The running Chromium with downloads going to `download_path`; None if there is none
        yet (dash[testing] starts it) or it stopped answering."""
        if self.driver is not None:
            try:
                self.driver.execute_cdp_cmd("Page.setDownloadBehavior",
                                            {"behavior": "allow", "downloadPath": download_path})
            except WebDriverException:
                self.quit()
        return self.driver

    def give_back(self, driver: WebDriver, origin: str) -> None:
        """Empty the browser for the next test as a new one would be, or quit it if it cannot
        be emptied."""
        try:
            driver.get("about:blank")
            first, *others = driver.window_handles
            for handle in others:
                driver.switch_to.window(handle)
                driver.close()
            driver.switch_to.window(first)
            # A screen size a test emulated (board mode's 1280x720 and 1920x1080) would
            # otherwise outlive it, whatever window size the next test asks for.
            driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
            driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
            driver.execute_cdp_cmd("Network.clearBrowserCache", {})
            if origin:
                driver.execute_cdp_cmd("Storage.clearDataForOrigin",
                                       {"origin": origin, "storageTypes": "all"})
            driver.get_log("browser")  # read out, so the next test's get_logs() starts empty
            self.driver = driver
        except WebDriverException:
            self.driver = driver
            self.quit()

    def quit(self) -> None:
        if self.driver is not None:
            try:
                self.driver.quit()
            except WebDriverException:
                pass
            self.driver = None


class SharedChromiumComposite(DashComposite):
    """dash[testing]'s DashComposite on the session's Chromium: it is handed back, not quit."""

    def __init__(self, chromium: SessionChromium, server: ThreadedRunner, **kwargs) -> None:
        self._chromium = chromium
        super().__init__(server, **kwargs)

    def get_webdriver(self) -> WebDriver:
        return self._chromium.take(self.download_path) or super().get_webdriver()

    def __exit__(self, exc_type, exc_val, traceback) -> None:
        started = getattr(self.server, "started", False)
        origin = self.server.url.rstrip("/") if started else ""
        self._chromium.give_back(self.driver, origin)


@pytest.fixture(scope="session")
def session_chromium() -> Iterator[SessionChromium]:
    chromium = SessionChromium()  # starts nothing until a test needs it
    yield chromium
    chromium.quit()


@pytest.fixture
def dash_duo(request: pytest.FixtureRequest, _browser_available: None,
             session_chromium: SessionChromium, dash_thread_server: ThreadedRunner,
             tmp_path: Path) -> Iterator[DashComposite]:
    """dash[testing]'s dash_duo (the same arguments) on the session's Chromium."""
    downloads = tmp_path / "download"
    downloads.mkdir()
    with SharedChromiumComposite(
        session_chromium,
        server=dash_thread_server,
        browser=request.config.getoption("webdriver"),
        remote=request.config.getoption("remote"),
        remote_url=request.config.getoption("remote_url"),
        headless=request.config.getoption("headless"),
        options=request.config.hook.pytest_setup_options(),
        download_path=str(downloads),
        percy_assets_root=request.config.getoption("percy_assets"),
        percy_finalize=request.config.getoption("nopercyfinalize"),
        pause=request.config.getoption("pause"),
    ) as duo:
        yield duo
