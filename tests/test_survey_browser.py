"""The satisfaction survey in real Chromium against a live server: the visitor's phone page
opened from the ticket's QR code, and the counter's survey tablet, enrolled once by staff.

Only the holder of the ticket answers: the phone page sends the `k` of its address (the QR
code's), the tablet the secret the server gives to a tablet enrolled at that counter.
(Moved here from tests/test_admin_browser.py, which had grown past 400 lines.)
"""

from __future__ import annotations

from typing import Any

import pytest
import requests
from playwright.sync_api import expect

from tests.conftest import PASSWORD, screenshot
from tests.test_admin_browser import TIMEOUT, api, finish_ticket

pytestmark = pytest.mark.browser


def answer_survey(page: Any, scores: list[int], comment: str | None = None) -> None:
    for index, score in enumerate(scores, start=1):
        page.locator(f'.survey-step[data-element="u{index}"] .survey-face[data-score="{score}"]').click()
    if comment:
        page.fill(".survey-comment", comment)
    page.click(".survey-send")
    page.locator(".survey-thanks").wait_for(timeout=TIMEOUT)


def test_survey_on_the_phone_page(live_server: Any, browser: Any) -> None:
    live_server.add_user("kepala", "admin")
    admin = live_server.login("kepala")
    ticket = api(live_server, "POST", "/api/v1/tickets", json={"service_id": "akta-kelahiran"})
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="id-ID", is_mobile=True).new_page()
    phone.goto(ticket["qr_url"])  # the address of the ticket's QR code: the phone page with the survey secret
    assert phone.locator("#survey .survey").count() == 0  # nothing to answer while waiting
    api(live_server, "POST", "/api/v1/counters/loket-7/call-next", admin)
    api(live_server, "POST", "/api/v1/counters/loket-7/start", admin)
    api(live_server, "POST", "/api/v1/counters/loket-7/finish", admin)
    phone.locator("#survey .survey-step[data-element='u1']").wait_for(timeout=TIMEOUT)
    assert ticket["number"] in phone.inner_text("#survey")
    screenshot(phone, "survey-phone")
    # The same page opened from the bare address (an id read off a screen) offers no survey.
    stranger = browser.new_context(viewport={"width": 390, "height": 844}, locale="id-ID").new_page()
    stranger.goto(ticket["status_url"])
    expect(stranger.locator("#survey .survey-scan")).to_contain_text("memindai kode QR", timeout=TIMEOUT)
    assert stranger.locator("#survey .survey-face").count() == 0
    stranger.context.close()
    answer_survey(phone, [4, 4, 3, 4, 3, 4, 4, 3, 4], "Petugasnya ramah.")
    assert "Terima kasih" in phone.inner_text("#survey")
    screenshot(phone, "survey-phone-thanks")
    status = api(live_server, "GET", f"/api/v1/tickets/{ticket['id']}/survey")
    assert status["answered"] is True
    ikm = api(live_server, "GET", "/api/v1/reports/ikm", admin)
    assert ikm["respondents"] == 1 and ikm["elements"]["u3"] == 3.0
    phone.context.close()


def test_survey_on_the_counter_tablet_in_english(live_server: Any, browser: Any) -> None:
    live_server.add_user("kepala", "admin")
    admin = live_server.login("kepala")
    tablet = browser.new_context(viewport={"width": 1280, "height": 800}, locale="id-ID", has_touch=True).new_page()
    tablet.goto(f"{live_server.url}/survey/loket-5?thanks=1")
    assert "Loket 5" in tablet.inner_text(".tablet-head")
    enrol_tablet(tablet, "kepala")
    tablet.locator("#idle").wait_for(timeout=TIMEOUT)
    screenshot(tablet, "survey-tablet-waiting")
    served = finish_ticket(live_server, admin, "kartu-keluarga", "loket-5")
    step = tablet.locator("#tablet-survey .survey-step[data-element='u1']")
    step.wait_for(timeout=TIMEOUT)
    assert served["number"] in tablet.inner_text("#tablet-survey")
    expect(tablet.locator("#idle")).to_be_hidden()
    tablet.click("#lang-switch")
    assert "Requirements" in step.inner_text()
    tablet.locator('.survey-face[data-score="3"]').first.click()
    screenshot(tablet, "survey-tablet")
    answer_survey_from(tablet, 2, [4, 4, 2, 3, 4, 4, 4, 3])
    assert "Thank you" in tablet.inner_text("#tablet-survey")
    tablet.locator("#idle").wait_for(timeout=TIMEOUT)  # back to waiting for the next visitor
    expect(tablet.locator("#tablet-survey")).to_be_hidden()
    # Someone who read the ticket's id off a screen cannot answer it (no secret), and nobody twice.
    again = requests.post(f"{live_server.url}/api/v1/tickets/{served['id']}/survey", timeout=5,
                          json={"answers": {f"u{i}": 1 for i in range(1, 10)}})
    assert again.status_code == 403 and again.json()["error"]["code"] == "survey_forbidden"
    status = api(live_server, "GET", f"/api/v1/tickets/{served['id']}/survey")
    assert status["answered"] is True
    tablet.context.close()


def enrol_tablet(tablet: Any, username: str) -> None:
    """A staff member enrols the tablet once on its enrol form; it then keeps no staff session."""
    tablet.locator("#enrol-form").wait_for(timeout=TIMEOUT)
    expect(tablet.locator("#idle")).to_be_hidden()
    screenshot(tablet, "survey-tablet-enrol")
    tablet.fill("#enrol-username", username)
    tablet.fill("#enrol-password", PASSWORD)
    tablet.click("#enrol-button")
    expect(tablet.locator("#enrol")).to_be_hidden(timeout=TIMEOUT)
    cookies = {c["name"]: c for c in tablet.context.cookies()}
    assert cookies["antrean_survey_tablet"]["httpOnly"] is True
    assert tablet.evaluate("fetch('/api/v1/session').then(r => r.status)") == 401


def answer_survey_from(page: Any, first: int, scores: list[int]) -> None:
    for index, score in enumerate(scores, start=first):
        page.locator(f'.survey-step[data-element="u{index}"] .survey-face[data-score="{score}"]').click()
    page.click(".survey-send")
    page.locator(".survey-thanks").wait_for(timeout=TIMEOUT)
