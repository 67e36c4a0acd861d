"""Printer types come from one table: the configuration refuses what it does not list, each
transport class is found by its type, and the setup page's form offers exactly those types."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from printers import connections
from printers.transports import TRANSPORTS, transport_for
from server.core.config import PRINTER_TYPES, Printer, SiteConfig
from server.core.config_load import ConfigError, parse_config

DOCS = Path(__file__).resolve().parent.parent / "docs"
# A value for every key some type needs (the test's data; which keys a type needs is the table's).
SAMPLE = {"host": "192.168.1.50", "vendor_id": 0x0416, "product_id": 0x5011, "device": "/dev/usb/lp0",
          "cups_name": "kiosk"}


def site_with(printer: dict[str, Any]) -> SiteConfig:
    return parse_config({
        "site": {"name": "MPP Jember", "hours": {"open": "07:30", "close": "15:00"}},
        "agencies": [{"id": "capil", "name": "Dinas Kependudukan", "short_name": "Dukcapil",
                      "services": [{"id": "ktp", "name": "Perekaman KTP-el", "prefix": "A"}]}],
        "counters": [{"id": "loket-1", "name": "Loket 1", "agency": "capil", "services": ["ktp"]}],
        "printers": [printer],
    })


def problems(printer: dict[str, Any]) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        site_with(printer)
    return caught.value.problems


def test_every_configured_type_has_one_transport_and_no_transport_is_unlisted() -> None:
    assert list(TRANSPORTS) and set(TRANSPORTS) == set(PRINTER_TYPES)
    for name, transport in TRANSPORTS.items():
        assert transport.type == name
        assert transport.needs() == PRINTER_TYPES[name].needs


def test_an_unknown_type_is_refused_by_name_with_the_known_types() -> None:
    assert problems({"id": "p", "type": "bluetooth"}) == [
        "printers[0].type: got 'bluetooth'; expected a printer type: network, usb, serial, file, cups, virtual"
    ]
    (listed,) = problems({"id": "p", "type": ["network"]})
    assert listed.startswith("printers[0].type: got list; expected a printer type")


@pytest.mark.parametrize("kind", [name for name, kind in PRINTER_TYPES.items() if kind.needs])
def test_each_type_needs_its_keys_and_the_error_names_them(kind: str) -> None:
    needs = PRINTER_TYPES[kind].needs
    assert problems({"id": "p", "type": kind}) == [f"printers[0]: got dict; a {kind} printer needs {', '.join(needs)}"]
    for left_out in needs:  # each key on its own is required
        given = {key: SAMPLE[key] for key in needs if key != left_out}
        refused = problems({"id": "p", "type": kind, **given})
        assert refused == [f"printers[0]: got dict; a {kind} printer needs {left_out}"]
    printer = site_with({"id": "p", "type": kind, **{key: SAMPLE[key] for key in needs}}).printers[0]
    assert transport_for(printer).type == kind


@pytest.mark.parametrize(("cfg", "named"), [
    ({"type": "network", "host": "192.168.1.50", "port": 9100}, "printer-x (192.168.1.50:9100)"),
    ({"type": "usb", "vendor_id": 0x0416, "product_id": 0x5011}, "printer-x (USB 0416:5011)"),
    ({"type": "serial", "device": "/dev/ttyUSB0"}, "printer-x (serial /dev/ttyUSB0)"),
    ({"type": "file", "device": "/dev/usb/lp0"}, "printer-x (/dev/usb/lp0)"),
    ({"type": "cups", "cups_name": "kiosk"}, "printer-x (CUPS queue kiosk)"),
    ({"type": "virtual"}, "printer-x (virtual)"),
])
def test_messages_name_each_printer_by_where_it_is(cfg: dict[str, Any], named: str) -> None:
    assert connections.describe(Printer(id="printer-x", **cfg)) == named


def test_the_docs_list_every_type_and_the_keys_it_needs() -> None:
    row = next(line for line in (DOCS / "config.md").read_text(encoding="utf-8").splitlines()
               if line.startswith("| `printers[].type`"))
    listed = re.findall(r"`([a-z]+)`", row.split("|")[2])
    assert listed == list(PRINTER_TYPES)
    for kind in PRINTER_TYPES.values():
        assert all(f"`{key}`" in row for key in kind.needs)


def test_the_setup_answer_carries_the_types_with_both_languages_labels(small_app: Any) -> None:
    headers = small_app.add_user("kepala", "admin")
    answer = small_app.client().get("/api/v1/admin/config", headers=headers)
    assert answer.status_code == 200
    types = answer.json["printer_types"]
    assert [t["type"] for t in types] == list(PRINTER_TYPES)
    network = types[0]
    assert network == {"type": "network", "label": "Jaringan", "label_en": "Network", "needs": ["host"]}
    assert {t["type"]: t["needs"] for t in types}["usb"] == ["vendor_id", "product_id"]


@pytest.mark.browser
def test_the_setup_form_offers_the_servers_types_in_the_chosen_language(live_server: Any, page: Any) -> None:
    from test_admin_browser import TIMEOUT, login

    live_server.add_user("kepala", "admin")
    login(page, f"{live_server.url}/admin/setup#printers", "kepala")
    page.click('#items-table tr[data-id="printer-kios-1"]', timeout=TIMEOUT)
    select = page.locator('#item-form select[name="type"]')
    assert select.input_value() == "virtual"
    options = select.locator("option")
    values = [options.nth(i).get_attribute("value") for i in range(options.count())]
    assert values == list(PRINTER_TYPES)
    assert options.all_inner_texts() == [kind.label for kind in PRINTER_TYPES.values()]
    assert "Jaringan" in options.all_inner_texts()
    page.click("#lang-switch")
    page.click('#items-table tr[data-id="printer-kios-1"]', timeout=TIMEOUT)
    english = page.locator('#item-form select[name="type"] option').all_inner_texts()
    assert english == [kind.label_en for kind in PRINTER_TYPES.values()]
    assert "Virtual (files in the data folder)" in english
