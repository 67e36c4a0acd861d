"""The login forms and the users screen in real Chromium against a live server: a locked
account and a throttled device are told how long to wait, in Bahasa Indonesia and in
English, on the counter and the admin pages; an admin sees the lockout in the users screen
and lifts it; a page's login makes no bearer token, and its cookie is dead after logout."""

from __future__ import annotations

import re
import sqlite3
from typing import Any

import pytest
import requests
from login_support import audit, client_from, log_in
from playwright.sync_api import expect

from tests.conftest import PASSWORD, screenshot

pytestmark = pytest.mark.browser
WAIT_MS = 15_000
# Three free failures per address, ten-minute waits, six failures lock an account.
LOGIN = {"free_failures": 3, "first_delay_seconds": 600, "max_delay_seconds": 600, "lockout_failures": 6}
THROTTLED_ID = re.compile(r"Terlalu banyak kata sandi salah dari perangkat ini\. Coba lagi dalam 10 menit\.")


@pytest.fixture
def hall(live_server_factory: Any, bundled_data: dict[str, Any]) -> Any:
    server = live_server_factory({**bundled_data, "login": LOGIN})
    server.add_user("siti", "officer", counters=["loket-1"])
    server.add_user("kepala", "admin")
    return server


def new_page(browser: Any) -> Any:
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    return page


def counter_login(page: Any, username: str, password: str = PASSWORD) -> None:
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#login-submit")


def admin_login(page: Any, username: str, password: str = PASSWORD) -> None:
    page.fill("#login-username", username)
    page.fill("#login-password", password)
    page.click("#login-form button[type=submit]")


def test_a_locked_account_is_told_to_wait_and_an_admin_unlocks_it(hall: Any, browser: Any) -> None:
    for machine in (2, 3):  # two machines guess siti's password: six failures lock the account
        for _ in range(3):
            assert log_in(client_from(f"127.0.0.{machine}"), hall.url, "siti", "tebakan-salah").status_code == 401

    counter = new_page(browser)
    counter.goto(hall.url + "/counter")
    counter_login(counter, "siti")  # the right password, and still refused
    message = counter.locator("#login-message")
    expect(message).to_have_text(re.compile(r"Akun ini dikunci sementara.*Coba lagi dalam 15 menit"))
    screenshot(counter, "counter-login-locked")
    counter.click("#lang-switch")
    counter_login(counter, "siti")
    expect(message).to_have_text(re.compile(r"This account is locked for a while.*Try again in 15 minutes"))

    admin = new_page(browser)
    admin.goto(hall.url + "/admin/users")
    admin_login(admin, "kepala")
    row = admin.locator('#users-table tr[data-username="siti"]')
    expect(row.locator(".user-locked")).to_have_text(re.compile(r"Terkunci sampai \d\d:\d\d"))
    row.locator("button").click()
    expect(admin.locator("#unlock-user")).to_be_visible()
    screenshot(admin, "admin-users-locked")
    admin.click("#unlock-user")
    expect(admin.locator("#notice")).to_have_text("siti bisa masuk lagi.")
    expect(row.locator(".user-locked")).to_have_count(0)
    expect(admin.locator("#unlock-user")).to_be_hidden()

    counter_login(counter, "siti")
    expect(counter.locator('body[data-view="work"]')).to_be_attached()
    with sqlite3.connect(hall.db_path) as db:  # the page's login made no bearer token
        assert db.execute("SELECT COUNT(*) FROM api_tokens WHERE username = 'siti'").fetchone()[0] == 0
    cookies = {c["name"]: c["value"] for c in counter.context.cookies()}
    assert requests.get(hall.url + "/api/v1/session", cookies=cookies, timeout=10).status_code == 200
    counter.click("#logout")
    expect(counter.locator("#login-view")).to_be_visible()
    assert requests.get(hall.url + "/api/v1/session", cookies=cookies, timeout=10).status_code == 401

    token = {"Authorization": f"Bearer {log_in(requests.Session(), hall.url, 'kepala').json()['token']}"}
    (unlocked,) = audit(hall.url, token, "account_unlocked")
    assert (unlocked["actor"], unlocked["target"]) == ("kepala", "siti")
    for page in (counter, admin):
        page.context.close()


def test_a_throttled_device_is_told_how_long_to_wait_on_both_login_forms(hall: Any, browser: Any) -> None:
    for _ in range(3):  # this machine (127.0.0.1, the browser's too) mistypes three times
        assert log_in(client_from("127.0.0.1"), hall.url, "siti", "tebakan-salah").status_code == 401

    counter = new_page(browser)
    counter.goto(hall.url + "/counter")
    counter_login(counter, "siti")
    expect(counter.locator("#login-message")).to_have_text(THROTTLED_ID)

    admin = new_page(browser)
    admin.goto(hall.url + "/admin")
    admin_login(admin, "kepala")
    error = admin.locator("#login-error")
    expect(error).to_have_text(THROTTLED_ID)
    screenshot(admin, "admin-login-throttled")
    admin.click("#lang-switch")
    admin_login(admin, "kepala")
    expect(error).to_have_text(re.compile(r"Too many wrong passwords from this device\. Try again in 10 minutes"))
    # Another machine is not slowed down: the admin logs in from there.
    assert log_in(client_from("127.0.0.5"), hall.url, "kepala").status_code == 200
    for page in (counter, admin):
        page.context.close()
