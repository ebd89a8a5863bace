"""The OAuth authorize page in a real headless Chromium against a running server."""

import os
from contextlib import contextmanager
from urllib.parse import parse_qs, urlencode, urlsplit

import requests
from playwright.sync_api import sync_playwright

from tests.factories import PASSWORD, UserFactory


@contextmanager
def browser_page():
    """A page in headless Chromium. Playwright runs an event loop in this thread, during
    which Django refuses ORM calls: set up rows before, assert on the database after."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
            args=["--no-sandbox", "--headless", "--disable-gpu"])
        try:
            yield browser.new_page()
        finally:
            browser.close()


def register_app(server, redirect_uri: str) -> dict:
    response = requests.post(f"{server.url}/api/v1/apps", data={
        "client_name": "Browser client", "redirect_uris": redirect_uri, "scopes": "read write"},
        timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def log_in(page, server, app: dict, redirect_uri: str, *, password: str = PASSWORD, state: str = ""):
    query = {"response_type": "code", "client_id": app["client_id"], "redirect_uri": redirect_uri,
             "scope": "read write", **({"state": state} if state else {})}
    page.goto(f"{server.url}/oauth/authorize?{urlencode(query)}")
    assert page.locator("h1").inner_text() == "Log in to Browser client"
    page.fill("#name", "walter")
    page.fill("#password", password)
    page.click("#authorize")


def exchange(server, app: dict, code: str, redirect_uri: str) -> dict:
    response = requests.post(f"{server.url}/oauth/token", data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
        "client_id": app["client_id"], "client_secret": app["client_secret"]}, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


class TestAuthorizePage:
    """GET/POST /oauth/authorize in a browser"""

    def test_out_of_band_code_is_shown_and_exchanged_for_a_token(self, running_server):
        UserFactory(nickname="walter")
        oob = "urn:ietf:wg:oauth:2.0:oob"
        app = register_app(running_server, oob)
        with browser_page() as page:
            log_in(page, running_server, app, oob)
            page.wait_for_selector("#code")
            code = page.locator("#code").inner_text().strip()
        token = exchange(running_server, app, code, oob)
        assert token["scope"] == "read write"
        me = requests.get(f"{running_server.url}/api/v1/accounts/verify_credentials", timeout=30,
                          headers={"Authorization": f"Bearer {token['access_token']}"})
        assert me.status_code == 200
        assert me.json()["username"] == "walter"

    def test_redirects_to_the_app_with_code_and_state(self, running_server):
        UserFactory(nickname="walter")
        callback = f"{running_server.url}/oauth-callback"
        app = register_app(running_server, callback)
        with browser_page() as page:
            log_in(page, running_server, app, callback, state="xyz")
            page.wait_for_url(f"{callback}?*")
            landed = urlsplit(page.url)
        params = parse_qs(landed.query)
        assert params["state"] == ["xyz"]
        token = exchange(running_server, app, params["code"][0], callback)
        assert token["access_token"]

    def test_a_wrong_password_shows_the_form_again(self, running_server):
        UserFactory(nickname="walter")
        oob = "urn:ietf:wg:oauth:2.0:oob"
        app = register_app(running_server, oob)
        with browser_page() as page:
            log_in(page, running_server, app, oob, password="wrong")
            page.wait_for_selector("p.error")
            assert page.locator("p.error").inner_text() == "Invalid username or password."
            assert page.locator("#password").count() == 1
