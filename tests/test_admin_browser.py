"""The admin pages, reports and the survey in real Chromium against a live server.

- editing a service in the setup page changes the kiosk live and config.yaml on disk;
  an invalid edit is refused with the key named;
- a supervisor sees only their agency; an officer cannot open the admin pages;
- (the survey on the phone page and the counter tablet: tests/test_survey_browser.py);
- CSV and XLSX downloads open and hold the report's figures;
- screenshots of the dashboard, the report with its charts, the IKM and the survey.
"""

from __future__ import annotations

import contextlib
import csv
import io
import random
import re
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from openpyxl import load_workbook
from playwright.sync_api import expect

from server.core import counters, survey, tickets
from server.core.config_load import load_config
from server.core.errors import RuleError
from server.core.site import SiteIndex
from server.core.store import Store
from tests.conftest import PASSWORD, TUESDAY_9AM, screenshot

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "admin" / "static"
TIMEOUT = 10_000


def login(page: Any, url: str, username: str) -> None:
    """Open `url`, log in on the form it shows, and wait for the page behind it."""
    page.goto(url)
    page.fill("#login-username", username)
    page.fill("#login-password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector(".nav, .no-access", timeout=TIMEOUT)


def eventually(check: Any, seconds: float = 10) -> None:
    """Wait until `check()` is true (polling briefly), for effects outside the browser."""
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "the change did not arrive in time"
        time.sleep(0.1)


def api(server: Any, method: str, path: str, headers: dict[str, str] | None = None, **kwargs: Any) -> Any:
    answer = requests.request(method, server.url + path, headers=headers, timeout=10, **kwargs)
    assert answer.status_code < 400, answer.text
    return answer.json()


def finish_ticket(server: Any, headers: dict[str, str], service_id: str, counter_id: str) -> dict[str, Any]:
    """A visitor takes a ticket and is served to the end at `counter_id`."""
    api(server, "POST", "/api/v1/tickets", json={"service_id": service_id})
    called = api(server, "POST", f"/api/v1/counters/{counter_id}/call-next", headers)["ticket"]
    api(server, "POST", f"/api/v1/counters/{counter_id}/start", headers)
    api(server, "POST", f"/api/v1/counters/{counter_id}/finish", headers)
    return called


# --- seeding a realistic morning straight into the database ---------------------------------------

LINES = {  # service → counters serving it in the bundled site, mean service minutes
    "ktp-el-perekaman": (["loket-1", "loket-2", "loket-3"], 9),
    "kartu-keluarga": (["loket-5", "loket-6"], 12),
    "pbb-p2": (["loket-10", "loket-11"], 7),
    "skck-baru": (["loket-15", "loket-16"], 10),
    "pkb-tahunan": (["loket-18", "loket-19", "loket-20"], 6),
}


def arrivals_per_minute(moment: datetime) -> float:
    """Busier from 08:00 to 10:00, as halls are."""
    hour = moment.hour + moment.minute / 60
    return 0.25 if hour < 8 else 0.9 if hour < 10 else 0.5


def seed_morning(store: Store, site: SiteIndex, start: datetime, end: datetime, rng: random.Random) -> list[str]:
    """Visitors arrive, wait, walk up and are served, every 20 s of simulated time; returns finished ids."""
    busy: dict[str, tuple[str, float]] = {}  # counter → (phase, when it ends)
    finished: list[str] = []
    counter_ids = sorted({c for counter_list, _ in LINES.values() for c in counter_list})
    mean_service = {c: m for _, (cs, m) in LINES.items() for c in cs}
    moment = start
    while moment < end:
        now = moment.timestamp()
        with store.write() as tx:
            for _ in range(sum(rng.random() < arrivals_per_minute(moment) / 3 for _ in range(3))):
                with contextlib.suppress(RuleError):  # a quota used up is part of a real morning
                    tickets.issue_ticket(tx, site, now, rng.choice(list(LINES)))
            for counter_id in counter_ids:
                phase, until = busy.get(counter_id, ("idle", 0.0))
                if phase == "called" and now >= until:
                    counters.start(tx, site, now, counter_id, "petugas-" + counter_id)
                    busy[counter_id] = ("serving", now + rng.expovariate(1 / (mean_service[counter_id] * 60)))
                elif phase == "serving" and now >= until:
                    finished.append(counters.finish(tx, site, now, counter_id, "petugas-" + counter_id)["id"])
                    busy[counter_id] = ("idle", 0.0)
                elif phase == "idle" and rng.random() < 0.9:
                    if rng.random() < 0.04:
                        ticket = counters.call_next(tx, site, now, counter_id, "petugas-" + counter_id)
                        if ticket:
                            counters.no_show(tx, site, now, counter_id, "petugas-" + counter_id)
                        continue
                    if counters.call_next(tx, site, now, counter_id, "petugas-" + counter_id):
                        busy[counter_id] = ("called", now + rng.uniform(20, 90))
        moment += timedelta(seconds=20)
    return finished


def seed_surveys(store: Store, site: SiteIndex, ticket_ids: list[str], when: datetime, rng: random.Random) -> None:
    comments = ["Pelayanan cepat dan ramah, terima kasih.", "Ruang tunggu agak panas siang hari.",
                "Petugas menjelaskan persyaratan dengan jelas.", None, None]
    with store.write() as tx:
        for ticket_id in ticket_ids:
            answers = {f"u{i}": rng.choices([2, 3, 4], weights=[1, 5, 4])[0] for i in range(1, 10)}
            key = tickets.get_row(tx, ticket_id)["survey_secret"]  # the visitor's QR code
            survey.answer(tx, site, when.timestamp(), ticket_id, answers, rng.choice(comments), key)


@pytest.fixture
def busy_hall(live_server_factory: Any) -> Any:
    """The bundled site with last Tuesday's and this morning's visitors, served at 09:00."""
    server = live_server_factory()
    # Written from this process while the server runs, as `antrean user add` does: SQLite
    # (WAL, busy timeout) takes both; the pages fetch what they show, so no event is needed.
    config = load_config(server.config_path)
    site, store, rng = SiteIndex(config), Store(server.db_path), random.Random(7)
    last_week = TUESDAY_9AM - timedelta(days=7)
    done = seed_morning(store, site, last_week.replace(hour=7, minute=30), last_week.replace(hour=11), rng)
    seed_surveys(store, site, done[:25], last_week.replace(hour=11), rng)
    today = seed_morning(store, site, TUESDAY_9AM.replace(hour=7, minute=30), TUESDAY_9AM, rng)
    seed_surveys(store, site, today[:15], TUESDAY_9AM - timedelta(minutes=1), rng)
    store.close()
    server.add_user("kepala", "admin")
    return server


# --- texts -------------------------------------------------------------------------------------------


def test_every_admin_text_exists_in_both_languages() -> None:
    text = (STATIC / "admin-strings.js").read_text(encoding="utf-8")
    key = re.compile(r"(?:^|[\s{,])([a-z][a-z0-9_]*):\s*\"", re.M)
    indonesian = set(key.findall(text[text.index("id: {"):text.index("  en: {")]))
    english = set(key.findall(text[text.index("  en: {"):]))
    assert indonesian == english
    used: set[str] = set()
    for template in (ROOT / "admin" / "templates" / "admin").glob("*.html"):
        used |= set(re.findall(r'data-i18n(?:-placeholder|-title)?="([a-z0-9_]+)"', template.read_text()))
    for script in STATIC.glob("*.js"):
        source = script.read_text()
        used |= set(re.findall(r'\btr\("([a-z0-9_]+)"', source))
        used |= set(re.findall(r'(?:label|hint): "([a-z0-9_]+)"', source))
    assert used - indonesian == set()


# --- setup: a service edit goes to the kiosk and to config.yaml ------------------------------------


def test_editing_a_service_changes_the_kiosk_live_and_the_file(live_server: Any, browser: Any, page: Any) -> None:
    live_server.add_user("kepala", "admin")
    kiosk = browser.new_context(viewport={"width": 1080, "height": 1920}, locale="id-ID").new_page()
    kiosk.goto(f"{live_server.url}/kiosk/kiosk-1")
    tile = kiosk.locator('#popular .service-tile[data-service-id="kartu-keluarga"]')
    tile.wait_for(timeout=TIMEOUT)
    assert tile.locator(".tile-closed").count() == 0

    login(page, f"{live_server.url}/admin/setup", "kepala")
    page.click('#items-table tr[data-id="kartu-keluarga"]')
    form = page.locator("#item-form")
    form.locator('input[name="hours__open"]').fill("07:30")
    form.locator('input[name="hours__close"]').fill("08:30")
    page.click("#save-item")
    page.wait_for_selector("#notice:not([hidden])", timeout=TIMEOUT)
    assert "config.yaml" in page.inner_text("#notice")

    # The kiosk, in its own browser window, shows the service closed without a reload.
    kiosk.locator('#popular .service-tile[data-service-id="kartu-keluarga"] .tile-closed').wait_for(timeout=TIMEOUT)
    assert "Jam layanan sudah berakhir" in tile.inner_text()
    on_disk = {s.id: s for a in load_config(live_server.config_path).agencies for s in a.services}
    assert (f"{on_disk['kartu-keluarga'].hours.open:%H:%M}", f"{on_disk['kartu-keluarga'].hours.close:%H:%M}") == (
        "07:30", "08:30")
    assert len(list((live_server.folder / "data" / "config-history").glob("config-*.yaml"))) == 1

    # An invalid prefix is refused with the key named, and the prefix box is pointed at.
    before = live_server.config_path.read_bytes()
    form.locator('input[name="prefix"]').fill("c!")
    page.click("#save-item")
    error = page.locator("#item-error")
    error.wait_for(timeout=TIMEOUT)
    assert "agencies[0].services[3].prefix" in error.inner_text()
    assert "prefix" in error.inner_text() and "c!" in error.inner_text()
    assert "invalid" in (form.locator('input[name="prefix"]').get_attribute("class") or "")
    assert live_server.config_path.read_bytes() == before
    screenshot(page, "admin-setup-invalid-prefix")
    kiosk.context.close()


def test_holiday_and_running_text_are_saved_from_their_tab(live_server: Any, page: Any) -> None:
    live_server.add_user("kepala", "admin")
    login(page, f"{live_server.url}/admin/setup#running_text", "kepala")
    panel = page.locator('section[data-section="running_text"]')
    panel.locator('textarea[name="running_text"]').fill("Selamat datang di MPP Jember. Layanan hari ini GRATIS.")
    panel.locator("button[type=submit]").click()
    page.wait_for_selector("#notice:not([hidden])", timeout=TIMEOUT)
    assert load_config(live_server.config_path).site.running_text.startswith("Selamat datang di MPP Jember.")

    page.click('#tabs button[data-tab="hours"]')
    holidays = page.locator('section[data-section="holidays"]')
    holidays.locator("button", has_text="Tambah baris").click()
    row = holidays.locator("tbody tr").last
    row.locator('input[name="date"]').fill("2026-12-31")
    holidays.locator("button", has_text="Simpan").click()
    error = holidays.locator(".form-error")
    error.wait_for(timeout=TIMEOUT)  # a holiday without a name is refused, and the row is marked
    assert "site.holidays[" in error.inner_text() and ".name" in error.inner_text()
    row.locator('input[name="name"]').fill("Libur Akhir Tahun")
    holidays.locator("button", has_text="Simpan").click()
    eventually(lambda: "Libur Akhir Tahun" in {h.name for h in load_config(live_server.config_path).site.holidays})
    services = api(live_server, "GET", "/api/v1/services")["services"]
    assert all(s["open"] for s in services if s["id"] == "kartu-keluarga")  # 31 Dec is not today


# --- who may see what -------------------------------------------------------------------------------


def test_an_officer_cannot_open_the_admin_pages(live_server: Any, page: Any) -> None:
    live_server.add_user("siti", "officer", counters=["loket-1"])
    login(page, f"{live_server.url}/admin", "siti")
    assert page.locator("h1").inner_text() == "Tidak ada akses"
    # The page's texts are put in once its scripts have run (the selector above appears before).
    expect(page.locator("main")).to_contain_text(re.compile("petugas", re.I))
    assert page.locator(".nav").count() == 0
    answer = page.goto(f"{live_server.url}/admin/reports")
    assert answer.status == 403
    assert page.locator("a[href='/counter']").count() == 1


def test_a_supervisor_sees_only_their_agency(live_server: Any, page: Any) -> None:
    live_server.add_user("kepala-bapenda", "supervisor", agency="bapenda")
    live_server.add_user("kepala", "admin")
    admin = live_server.login("kepala")
    finish_ticket(live_server, admin, "pbb-p2", "loket-10")
    finish_ticket(live_server, admin, "kartu-keluarga", "loket-5")

    login(page, f"{live_server.url}/admin/reports", "kepala-bapenda")
    page.locator("#by-service tbody tr").first.wait_for(timeout=TIMEOUT)
    expect(page.locator("#agency")).to_be_disabled()
    expect(page.locator("#agency")).to_have_value("bapenda")
    rows = page.locator("#by-service tbody tr").all_inner_texts()
    assert any("PBB-P2" in row for row in rows) and not any("Kartu Keluarga" in row for row in rows)
    assert page.locator("#fig-served").inner_text() == "1"
    # Asking for another agency from this session is refused by the API itself.
    status = page.evaluate("fetch('/api/v1/reports/summary?agency_id=dispendukcapil').then(r => r.status)")
    assert status == 403

    page.goto(f"{live_server.url}/admin")
    page.locator("#counter-grid .counter-tile").first.wait_for(timeout=TIMEOUT)
    tiles = page.locator("#counter-grid .counter-tile").evaluate_all("nodes => nodes.map(n => n.dataset.counterId)")
    assert tiles == ["loket-10", "loket-11", "loket-12"]
    page.goto(f"{live_server.url}/admin/setup")
    page.locator("#read-only").wait_for(timeout=TIMEOUT)
    assert page.locator("#add-item").is_hidden()
    assert page.locator('.nav a[href="/admin/audit"]').count() == 0


# --- the busy morning: dashboard, report with charts, downloads, IKM ---------------------------------


def test_dashboard_reports_and_downloads(busy_hall: Any, page: Any, tmp_path: Path) -> None:
    login(page, f"{busy_hall.url}/admin", "kepala")
    page.locator("#counter-grid .counter-tile").first.wait_for(timeout=TIMEOUT)
    page.wait_for_function("() => document.getElementById('served-today').textContent !== '—'", timeout=TIMEOUT)
    admin = busy_hall.login("kepala")
    overview = api(busy_hall, "GET", "/api/v1/admin/overview", admin)
    assert page.inner_text("#waiting-total") == str(overview["waiting"])
    assert overview["served_today"]["usual"] is not None  # last Tuesday is the comparison
    assert "biasanya" in page.inner_text("#served-sub")
    # Live: a new ticket raises "waiting now" without a reload.
    api(busy_hall, "POST", "/api/v1/tickets", json={"service_id": "pbb-p2"})
    expected = overview["waiting"] + 1
    page.wait_for_function(f"() => document.getElementById('waiting-total').textContent === '{expected}'",
                           timeout=TIMEOUT)
    # Served at 09:00 with every service open: no quiet moment yet, so no daily backup.
    page.locator("#backups-panel").wait_for(timeout=TIMEOUT)
    assert page.inner_text("#backups-status").startswith("Belum ada cadangan harian")
    assert page.inner_text("#backups-folder").endswith(str(busy_hall.folder / "data" / "backups"))
    screenshot(page, "admin-dashboard")

    # A visit through three agencies and a booking for later today: the report's own panels.
    api(busy_hall, "POST", "/api/v1/tickets",
        json={"service_ids": ["ktp-el-perekaman", "pbb-p2", "oss-nib"]})
    api(busy_hall, "POST", "/api/v1/bookings", json={"slot_id": "ktp-el-perekaman@2026-12-01T1100"})
    page.goto(f"{busy_hall.url}/admin/reports")
    page.locator("#by-service tbody tr").first.wait_for(timeout=TIMEOUT)
    summary = api(busy_hall, "GET", "/api/v1/reports/summary?from=2026-12-01", admin)
    assert page.inner_text("#fig-issued") == str(summary["issued"])
    page.wait_for_function("() => document.getElementById('visits-count').textContent.startsWith('1 kunjungan')",
                           timeout=TIMEOUT)
    assert page.locator("#visits-table tbody tr").count() == 6
    booked = page.locator("#bookings-table tbody tr").first.locator("td").all_inner_texts()
    assert booked == ["Perekaman KTP-el", "1", "0", "0", "0", "1"]
    for chart in ("chart-hours", "chart-wait", "chart-queue"):
        assert page.evaluate(f"Chart.getChart(document.getElementById('{chart}')).data.datasets[0].data.length") > 0
    page.set_viewport_size({"width": 1920, "height": 1500})  # the figures and all three charts in one picture
    screenshot(page, "admin-report")
    page.set_viewport_size({"width": 1920, "height": 1080})

    with page.expect_download() as csv_download:
        page.click("#download-csv")
    text = Path(csv_download.value.path()).read_text(encoding="utf-8-sig")
    total = list(csv.reader(io.StringIO(text)))[-1]
    assert total[1] == "Semua layanan" and total[2:4] == [str(summary["issued"]), str(summary["served"])]
    with page.expect_download() as xlsx_download:
        page.click("#download-xlsx")
    assert xlsx_download.value.suggested_filename == "laporan-2026-12-01.xlsx"
    book = load_workbook(io.BytesIO(Path(xlsx_download.value.path()).read_bytes()))
    figures = {row[0]: row[1] for row in book["Ringkasan"].iter_rows(min_row=2, values_only=True)}
    assert figures["Dilayani"] == summary["served"]
    assert figures["Tunggu median (jam:menit:detik)"] == timedelta(seconds=summary["wait"]["median"])

    page.goto(f"{busy_hall.url}/admin/ikm")
    page.fill("#from", "2026-11-01")
    page.click("#filters button[type=submit]")
    page.wait_for_function("() => document.getElementById('ikm-respondents').textContent === '40'", timeout=TIMEOUT)
    ikm = api(busy_hall, "GET", "/api/v1/reports/ikm?from=2026-11-01&to=2026-12-01", admin)
    assert page.inner_text("#ikm-grade") == ikm["grade"]
    assert page.inner_text("#ikm-value") == f"{ikm['ikm']:.2f}".replace(".", ",")
    screenshot(page, "admin-ikm")
