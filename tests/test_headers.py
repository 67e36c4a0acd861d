"""Security headers on every answer, and every screen works under its content security policy.

The policy allows only the server's own scripts and styles: no inline script, no `style=`
attribute, no other site, and no framing. Each screen is opened in real Chromium and used a
little (a ticket taken at the kiosk, a call at the counter, a display hearing it, every admin
page, the survey tablet, the phone page); the browser's own `securitypolicyviolation` events
and console messages must report nothing."""

from __future__ import annotations

from typing import Any

import requests
from conftest import PASSWORD, LiveServer
from kiosk_support import Kiosk
from playwright.sync_api import Page, expect
from test_limits import DEFAULT_LIMITS

TIMEOUT = 15_000
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI || "inline"} ${e.sourceFile}:${e.lineNumber}`);
});
"""


def assert_security_headers(headers: Any) -> None:
    policy = headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"


def test_every_kind_of_answer_carries_the_headers(live_server: LiveServer) -> None:
    url = live_server.url
    ticket = requests.post(url + "/api/v1/tickets", json={"service_id": "kartu-keluarga"}, timeout=10).json()
    answers = [
        requests.get(url + "/", timeout=10),
        requests.get(url + "/kiosk/kiosk-1", timeout=10),
        requests.get(url + "/api/v1/health", timeout=10),
        requests.get(url + "/api/v1/no-such-route", timeout=10),  # an error
        requests.get(url + "/static/common/antrean.js", timeout=10),  # a file
        requests.get(f"{url}/kiosk/qr/{ticket['id']}.svg", timeout=10),
        requests.get(url + "/socket.io/?EIO=4&transport=polling", timeout=10),  # Socket.IO's own answer
        requests.get(url + "/no-such-page", timeout=10),
    ]
    for answer in answers:
        assert_security_headers(answer.headers)
    assert answers[3].status_code == 404 and answers[6].status_code == 200


class Watched:
    """Pages opened with the violation listener in place, and every console message kept."""

    def __init__(self, browser: Any) -> None:
        self.context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="id-ID")
        self.context.add_init_script(WATCH)
        self.console: list[str] = []
        self.pages: list[Page] = []

    def open(self, url: str) -> Page:
        page = self.context.new_page()
        page.on("console", lambda message: self.console.append(f"{page.url}: {message.text}"))
        self.pages.append(page)
        answer = page.goto(url)
        assert answer is not None
        assert_security_headers(answer.headers | {k.title(): v for k, v in answer.headers.items()})
        return page

    def violations(self) -> list[str]:
        found = [v for page in self.pages for v in page.evaluate("window.__violations || []")]
        return found + [m for m in self.console if "Content Security Policy" in m or "Refused to" in m]

    def close(self) -> None:
        self.context.close()


def login(page: Page, username: str, prefix: str = "login-") -> None:
    page.fill(f"#{prefix}username", username)
    page.fill(f"#{prefix}password", PASSWORD)
    page.click("#login-form button[type=submit]")


def test_every_screen_runs_under_the_content_security_policy(live_server_factory: Any, bundled_data: dict[str, Any],
                                                             browser: Any) -> None:
    server: LiveServer = live_server_factory({**bundled_data, "server": DEFAULT_LIMITS})  # the hall's own limits on
    server.add_user("kepala", "admin")
    server.add_user("siti", "officer", counters=["loket-5"])
    watched, office = Watched(browser), Watched(browser)
    try:
        watched.open(server.url + "/")
        display = watched.open(server.url + "/display/hall")
        expect(display.locator("body")).to_be_visible()

        kiosk_page = watched.open(server.url + "/kiosk/kiosk-1")
        kiosk = Kiosk(kiosk_page, server)
        expect(kiosk_page.locator(".agency-tile")).to_have_count(33, timeout=TIMEOUT)
        kiosk.touch(kiosk.agency("Dispendukcapil"))
        kiosk.touch(kiosk.service("Kartu Keluarga"))
        ticket = kiosk.shown_ticket()

        phone = watched.open(f"{server.url}/t/{ticket['id']}")
        expect(phone.locator("body")).to_contain_text(ticket["number"], timeout=TIMEOUT)

        counter = watched.open(server.url + "/counter/loket-5")
        login(counter, "siti", prefix="")
        counter.locator("[data-action=call-next]").click(timeout=TIMEOUT)
        expect(display.locator("body")).to_contain_text(ticket["number"], timeout=TIMEOUT)

        watched.open(server.url + "/survey/loket-5")
        watched.open(server.url + "/survey/no-such-counter")

        admin = office.open(server.url + "/admin")  # its own browser: the officer is signed in above
        login(admin, "kepala")
        admin.wait_for_selector(".nav", timeout=TIMEOUT)
        for path in ("/admin", "/admin/setup", "/admin/users", "/admin/operations", "/admin/reports",
                     "/admin/ikm", "/admin/audit"):
            page = office.open(server.url + path)
            page.wait_for_selector(".nav", timeout=TIMEOUT)
            page.wait_for_load_state("networkidle")
        for page in watched.pages + office.pages:
            page.wait_for_timeout(300)  # what the live updates draw, drawn
        found = watched.violations() + office.violations()
        assert not found, "\n".join(found)
    finally:
        watched.close()
        office.close()
