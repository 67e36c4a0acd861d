"""The start page a newcomer opens: every screen of the site, linked."""

from __future__ import annotations

from typing import Any


def test_start_page_links_every_screen(hall_app: Any) -> None:
    page = hall_app.client().get("/")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Mall Pelayanan Publik Kabupaten Jember" in text
    for link in ["/kiosk/kiosk-1", "/kiosk/kiosk-2", "/display/hall", "/display/lantai-1", "/counter", "/admin"]:
        assert f'href="{link}"' in text
