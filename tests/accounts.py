"""Test users, and signing them in the way a person does: through the /sign-in form.

`ensure_user` adds a user to an app's database once (the shared demo database keeps them for
the session). `signed_in_client` is a Flask test client with a signed-in session;
`start_signed_in` starts a dash_duo server, signs in through the form in Chromium and opens the
dashboard. Every user's password is PASSWORD.
"""

from __future__ import annotations

from collections.abc import Iterable

from dash import Dash
from flask.testing import FlaskClient
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.support.ui import WebDriverWait

from server.warm import services_of
from config import Settings
from db import users
from db.engine import session_factory

PASSWORD = "a-test-password-long-enough"


def ensure_user(settings: Settings, name: str, role: str = "viewer",
                agencies: Iterable[str] = ()) -> None:
    with session_factory(settings)() as session, session.begin():
        if name not in {u.name for u in users.list_users(session)}:
            users.add_user(session, name, PASSWORD, role, list(agencies), actor="tests")


def signed_in_client(app: Dash, name: str = "viewer", role: str = "viewer",
                     agencies: Iterable[str] = ()) -> FlaskClient:
    """A test client signed in as `name` (added with `role` and `agencies` if new)."""
    ensure_user(services_of(app.server).settings, name, role, agencies)
    client = app.server.test_client()
    answer = client.post("/sign-in", data={"name": name, "password": PASSWORD})
    assert answer.status_code == 302, answer.get_data(as_text=True)
    return client


def sign_in_in_browser(driver, base_url: str, name: str, password: str = PASSWORD) -> None:
    """Fill in and send the sign-in form as a person would, and wait for the answer's page
    (the form's page gone), so the session cookie is set before anything else is opened."""
    driver.get(f"{base_url}/sign-in")
    driver.find_element("id", "sign-in-name").send_keys(name)
    driver.find_element("id", "sign-in-password").send_keys(password)
    submit = driver.find_element("id", "sign-in-submit")
    submit.click()
    WebDriverWait(driver, 15).until(_gone(submit))


def _gone(element):
    """A wait condition: the element's page has been replaced. Selenium's `staleness_of`, but
    ChromeDriver sometimes answers a check made while the new page arrives with "Node with
    given id does not belong to the document" instead of a stale element: that is gone too."""
    def check(_driver) -> bool:
        try:
            element.is_enabled()
        except StaleElementReferenceException:
            return True
        except WebDriverException as exc:
            if "does not belong to the document" in str(exc):
                return True
            raise
        return False

    return check


def start_signed_in(dash_duo, app: Dash, port: int, name: str = "viewer", role: str = "viewer",
                    agencies: Iterable[str] = ()) -> None:
    """dash_duo.start_server, signed in as `name` first; the browser is left on the dashboard's
    home page with the renderer loaded, as start_server leaves it."""
    ensure_user(services_of(app.server).settings, name, role, agencies)
    dash_duo.start_server(app, navigate=False, port=port)
    sign_in_in_browser(dash_duo.driver, dash_duo.server.url, name)
    dash_duo.server_url = dash_duo.server.url  # opens it and waits for the renderer
