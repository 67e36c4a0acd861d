"""Every screen's page is one shell: each template extends templates/base.html (directly or
through admin's base), and the pages carry the common boot data their scripts read."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "server" / "web" / "templates" / "base.html"
FOLDERS = [ROOT / "server" / "web" / "templates", *(ROOT / screen / "templates" for screen in
                                                   ("kiosk", "counter", "display", "admin"))]


def page_templates() -> list[Path]:
    """Whole pages: every template but the base itself and partials (`_name.html`)."""
    found = [path for folder in FOLDERS for path in folder.rglob("*.html")]
    return sorted(path for path in found if path != BASE and not path.name.startswith("_"))


def test_every_page_template_extends_the_base_template() -> None:
    pages = page_templates()
    assert len(pages) >= 19  # the kiosk's, phone's, survey's, counter's, display's, admin's and the index
    for path in pages:
        text = path.read_text(encoding="utf-8")
        parent = re.match(r'\s*(?:\{#.*?#\}\s*)?\{% extends "([^"]+)" %\}', text, re.S)
        assert parent, f"{path.relative_to(ROOT)} does not extend a base template"
        assert parent.group(1) in ("base.html", "admin/base.html"), path
        assert "<html" not in text and "<head>" not in text, f"{path.relative_to(ROOT)} writes its own shell"


def boot_of(html: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="boot">(.*?)</script>', html, re.S)
    assert found, "the page embeds the common boot data"
    return json.loads(found.group(1))  # type: ignore[no-any-return]


def test_pages_with_scripts_share_the_clock_and_the_vocabulary(hall_app: Any) -> None:
    client = hall_app.client()
    ticket = client.post("/api/v1/tickets", json={"service_id": "ktp-el-perekaman"}).json
    for path in ("/kiosk/kiosk-1", f"/t/{ticket['id']}", "/survey/loket-1", "/counter", "/display/hall", "/admin"):
        html = client.get(path).get_data(as_text=True)
        boot = boot_of(html)
        assert boot["server_time"] == int(hall_app.clock.now() * 1000), path
        assert boot["timezone"] == "Asia/Jakarta"
        assert boot["vocabulary"]["priorities"] == ["elderly", "disabled", "pregnant"]
        assert html.count("/static/common/antrean.js") == 1, path
    # Pages without scripts (not found, unknown) are plain: no boot data, no scripts.
    for path in ("/kiosk/nope", "/display/nope", "/survey/nope"):
        answer = client.get(path)
        assert answer.status_code == 404
        assert "<script" not in answer.get_data(as_text=True), path
