"""The counter blueprint's server side: the page, its assets and the hall's clock."""

from __future__ import annotations

import json
import re
from typing import Any

from conftest import TUESDAY_9AM


def test_the_page_is_served_at_counter_and_per_counter(hall_app: Any) -> None:
    client = hall_app.client()
    for path, counter_id in (("/counter", ""), ("/counter/loket-3", "loket-3")):
        answer = client.get(path)
        assert answer.status_code == 200
        html = answer.get_data(as_text=True)
        assert f'data-counter-id="{counter_id}"' in html
        assert '<html lang="id">' in html
        assert "Mall Pelayanan Publik Kabupaten Jember" in html
        # No inline handlers or scripts: the page works under a strict Content-Security-Policy.
        assert not re.search(r"\son[a-z]+=", html)
        assert not re.search(r"<script>(?!</script>)", html)


def test_the_page_carries_the_halls_clock_not_the_devices(hall_app: Any) -> None:
    html = hall_app.client().get("/counter").get_data(as_text=True)
    boot = json.loads(re.search(r'<script type="application/json" id="boot">(.*?)</script>', html, re.S).group(1))
    assert boot["server_time"] == int(TUESDAY_9AM.timestamp() * 1000)  # milliseconds, as every page
    hall_app.clock.advance(90)
    answer = hall_app.client().get("/time.json")
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.json == {"server_time": int((TUESDAY_9AM.timestamp() + 90) * 1000)}


def test_the_assets_are_served_by_the_blueprint(hall_app: Any) -> None:
    client = hall_app.client()
    names = ("counter.js", "counter-session.js", "counter-work.js", "counter-current.js", "counter-queue.js",
             "counter-transfer.js", "counter-keys.js", "strings.js")
    for name, kind in (*((name, "javascript") for name in names), ("counter.css", "css")):
        answer = client.get(f"/counter/static/{name}")
        assert answer.status_code == 200, name
        assert kind in answer.headers["Content-Type"]
        answer.close()
