"""The kiosk blueprint's server side: pages exist, unknown ids get a real 404 page, the QR image."""

from __future__ import annotations

import io
from typing import Any

import qrcode
import qrcode.image.svg
from conftest import HallApp


def take(hall_app: HallApp, service_id: str = "ktp-el-perekaman", **extra: Any) -> dict[str, Any]:
    answer = hall_app.client().post("/api/v1/tickets", json={"service_id": service_id, **extra})
    assert answer.status_code == 201, answer.json
    return answer.json  # type: ignore[no-any-return]


def test_the_kiosk_page_loads_its_scripts_and_assets_from_this_server(hall_app: HallApp) -> None:
    answer = hall_app.client().get("/kiosk/kiosk-1")
    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    assert 'data-kiosk-id="kiosk-1"' in html
    assert "user-scalable=no" in html
    assert "http://" not in html and "https://" not in html  # nothing from the internet
    for asset in ("/kiosk/static/kiosk.js", "/kiosk/static/kiosk.css", "/static/common/antrean.js",
                  "/static/vendor/socket.io/socket.io.min.js"):
        assert asset in html
        static = hall_app.client().get(asset)
        assert static.status_code == 200
        static.close()  # static files are streamed: close the file


def test_an_unknown_kiosk_gets_a_404_page_in_both_languages(hall_app: HallApp) -> None:
    answer = hall_app.client().get("/kiosk/tidak-ada")
    assert answer.status_code == 404
    html = answer.get_data(as_text=True)
    assert "Kios tidak ditemukan" in html and "Kiosk not found" in html
    assert "tidak-ada" in html


def test_an_unknown_ticket_gets_a_friendly_not_found_page(hall_app: HallApp) -> None:
    answer = hall_app.client().get("/t/000000000000")
    assert answer.status_code == 404
    html = answer.get_data(as_text=True)
    assert "Tiket tidak ditemukan" in html and "Ticket not found" in html


def test_the_phone_page_of_a_ticket_has_the_survey_container(hall_app: HallApp) -> None:
    ticket = take(hall_app)
    answer = hall_app.client().get(f"/t/{ticket['id']}")
    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    assert f'<section id="survey" data-ticket-id="{ticket["id"]}"' in html
    assert 'name="viewport"' in html


def test_the_qr_image_is_drawn_on_the_server_from_the_status_url(hall_app: HallApp) -> None:
    ticket = take(hall_app)
    # The kiosk asks with the ticket's survey secret (its qr_url's k): the code carries qr_url.
    key = ticket["qr_url"].split("?k=")[1]
    answer = hall_app.client().get(f"/kiosk/qr/{ticket['id']}.svg?k={key}")
    assert answer.status_code == 200
    assert answer.mimetype == "image/svg+xml"
    expected = io.BytesIO()
    qrcode.make(ticket["qr_url"], image_factory=qrcode.image.svg.SvgPathImage, box_size=10,
                border=2).save(expected)
    assert answer.data == expected.getvalue()
    # Anyone else (no k, or a guessed one) gets the code of the bare status_url, which grants nothing.
    bare = io.BytesIO()
    qrcode.make(ticket["status_url"], image_factory=qrcode.image.svg.SvgPathImage, box_size=10,
                border=2).save(bare)
    for query in ("", "?k=guess"):
        assert hall_app.client().get(f"/kiosk/qr/{ticket['id']}.svg{query}").data == bare.getvalue()
    assert hall_app.client().get("/kiosk/qr/000000000000.svg").status_code == 404
