"""The booking page and the booking slip, without a browser: the page needs no session and
tells its script which services take bookings; the QR image carries the booking's address;
the slip says what a visitor needs and cannot pass for a queue number; the slip route prints
only a booking still booked, on a kiosk's own printer, once."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from printers.decode import decode_escpos
from printers.slip import BookingSlip, render_slip
from server.core import print_queue
from server.core.print_queue import PrinterHealth

JAKARTA = ZoneInfo("Asia/Jakarta")
KTP = "ktp-el-perekaman"


def boot(html: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="boot">(.*?)</script>', html, re.S)
    assert found
    return json.loads(found.group(1))  # type: ignore[no-any-return]


def make_booking(client: Any, lang: str = "id") -> dict[str, Any]:
    slots = client.get(f"/api/v1/services/{KTP}/slots?from=2026-12-02&to=2026-12-02").json["slots"]
    answer = client.post("/api/v1/bookings", json={"slot_id": slots[0]["id"], "lang": lang})
    assert answer.status_code == 201, answer.json
    return answer.json  # type: ignore[no-any-return]


def test_the_booking_page_needs_no_session_and_knows_the_bookable_services(hall_app: Any) -> None:
    client = hall_app.client()
    page = client.get("/booking")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<html lang="id">' in html and 'data-i18n="title"' in html
    settings = boot(html)["booking"]
    assert {KTP, "kartu-keluarga", "paspor-baru"} <= set(settings["services"])
    assert "akta-kematian" not in settings["services"]
    assert settings["services"][KTP] == {"early_minutes": 30, "late_minutes": 15}
    assert settings["ask_phone"] == "optional" and settings["ask_nik"] == "off"
    # Its own assets come from /booking/static (a proxy may publish /booking alone) and the server.
    assets = [asset for asset in re.findall(r'(?:src|href)="([^"]+)"', html) if not asset.startswith(("#", "data:"))]
    assert all(asset.startswith(("/booking/static/", "/static/", "/booking")) for asset in assets), assets
    script = client.get("/booking/static/booking.js")
    assert script.status_code == 200
    script.close()  # a file response holds the file open until closed
    assert client.get("/booking/K7M3QA").status_code == 200  # the page says "not found" itself


def test_the_qr_image_carries_the_booking_address(hall_app: Any) -> None:
    client = hall_app.client()
    booking = make_booking(client)
    image = client.get(f"/booking/qr/{booking['code']}.svg")
    assert image.status_code == 200 and image.mimetype == "image/svg+xml"
    assert b"<svg" in image.data
    assert client.get(f"/booking/qr/{booking['code'].lower()}.svg").status_code == 200  # any case
    assert client.get("/booking/qr/ACDEFG.svg").status_code == 404


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_slip_says_code_time_and_window_and_is_no_queue_number(lang: str) -> None:
    at = datetime(2026, 12, 2, 9, 30, tzinfo=JAKARTA)
    slip = BookingSlip(site_name="MPP Jember", agency_name="Dispendukcapil", service_name="Perekaman KTP-el",
                       code="K7M3QA", start=at, end=at.replace(minute=59), check_in_from=at.replace(hour=9, minute=0),
                       check_in_until=at.replace(minute=45), url="http://hall/booking/K7M3QA", footer="Terima kasih",
                       lang=lang)
    paper = decode_escpos(render_slip(slip))
    text = paper.text()
    assert "K7M3QA" in text and paper.qr_payloads == ["http://hall/booking/K7M3QA"] and paper.cuts == 1
    if lang == "id":
        assert "SLIP PESANAN" in text and "Jadwal: Rabu, 2 Desember 2026, 09:30-09:59" in text
        assert "Check-in di kios: 09:00-09:45" in text and "Ini bukan nomor antrean." in text
    else:
        assert "BOOKING SLIP" in text and "Time: Wednesday, 2 December 2026, 09:30-09:59" in text
        assert "Check in at a kiosk: 09:00-09:45" in text
    assert "NOMOR ANTREAN" not in text and "QUEUE NUMBER" not in text
    with pytest.raises(ValueError):
        BookingSlip(**{**slip.__dict__, "start": at.replace(tzinfo=None)})


class Running:
    """The print service as the rules ask it: every printer is running."""

    def health(self, printer_id: str) -> PrinterHealth:
        return PrinterHealth(running=True)


def test_a_slip_is_queued_once_per_booking_and_printer(hall_app: Any) -> None:
    booking = make_booking(hall_app.client())
    site, now = hall_app.site, hall_app.clock.now()
    with hall_app.hall.store.write() as tx:
        first = print_queue.print_slip(tx, site, now, booking["code"], "kiosk-1", "id", Running())
        again = print_queue.print_slip(tx, site, now, booking["code"], "kiosk-1", "id", Running())
        job = tx.one("SELECT * FROM print_jobs WHERE id = ?", (first,))
        assert print_queue.slip_state(tx, booking["code"])["status"] == "queued"
    assert again == first
    assert job["ticket_id"] is None and print_queue.slip_code(job) == booking["code"]
    assert print_queue.slip_code({"purpose": "ticket"}) is None


def test_the_slip_route_refuses_what_it_cannot_print(hall_app: Any) -> None:
    client = hall_app.client()
    booking = make_booking(client)
    code = booking["code"]
    unknown = client.post("/api/v1/bookings/ACDEFG/print", json={"kiosk_id": "kiosk-1"})
    assert unknown.status_code == 404 and unknown.json["error"]["code"] == "booking_not_found"
    no_kiosk = client.post(f"/api/v1/bookings/{code}/print", json={"kiosk_id": "kios-x"})
    assert no_kiosk.status_code == 404 and no_kiosk.json["error"]["code"] == "unknown_kiosk"
    missing = client.post(f"/api/v1/bookings/{code}/print", json={})
    assert missing.status_code == 422 and missing.json["error"]["field"] == "kiosk_id"
    # This test app runs no print service: the kiosk keeps the code on its screen.
    not_running = client.post(f"/api/v1/bookings/{code}/print", json={"kiosk_id": "kiosk-1"})
    assert not_running.status_code == 409 and not_running.json["error"]["code"] == "no_printer"
    assert client.delete(f"/api/v1/bookings/{code}").status_code == 200
    cancelled = client.post(f"/api/v1/bookings/{code}/print", json={"kiosk_id": "kiosk-1"})
    assert cancelled.status_code == 409 and cancelled.json["error"]["code"] == "booking_cancelled"
    with hall_app.hall.store.read() as tx:
        assert tx.one("SELECT COUNT(*) AS n FROM print_jobs")["n"] == 0
