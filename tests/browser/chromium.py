"""Headless Chromium as the browser tests and bench/page_speed.py drive it.

`chromium_options()` is what a root user on a machine with no network needs: no sandbox, no
background connections, headless. One place, so the benchmark measures the browser the tests
use. Imports selenium only.
"""

from __future__ import annotations

import os
import shutil

from selenium.webdriver.chrome.options import Options

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def chromium_binary() -> str | None:
    if os.environ.get("DASH_TEST_CHROMEPATH"):
        return os.environ["DASH_TEST_CHROMEPATH"]
    return next((path for name in CHROMIUM_NAMES if (path := shutil.which(name))), None)


def chromium_options() -> Options:
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


# The start of a page's "drawn" check (a script for driver.execute_script): false while Dash has
# a callback waiting or running or a loading spinner shows. Each test goes on with what its page
# must have drawn.
DASH_IDLE_JS = """
const store = window.store;
if (!store) return false;
const state = store.getState();
if (state.isLoading) return false;
const callbacks = Object.assign({}, state.callbacks);
delete callbacks.stored;
delete callbacks.completed;
if (Object.values(callbacks).some(list => list.length)) return false;
if (document.querySelector('._dash-loading, [class*="dash-spinner"], [data-dash-is-loading="true"]')) {
    return false;
}
"""
