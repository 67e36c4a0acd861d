"""The setup forms draw their inputs from the models that validate config.yaml: the admin
config answer says each field's type, bounds and allowed values, and the form follows."""

from __future__ import annotations

from typing import Any

import pytest
from test_admin_browser import TIMEOUT, eventually, login

from server.core.config import Display, Printer, Service
from server.core.config_load import load_config


def test_the_config_answer_describes_each_field_from_the_models(small_app: Any) -> None:
    admin = small_app.add_user("kepala", "admin")
    fields = small_app.client().get("/api/v1/admin/config", headers=admin).json["fields"]
    assert set(fields) == {"agencies", "services", "counters", "kiosks", "displays", "printers", "service_booking",
                           "booking"}
    assert set(fields["services"]) == set(Service.model_fields)
    assert fields["services"]["quota"] == {"type": "integer", "minimum": 1, "optional": True}
    assert fields["services"]["popular"]["type"] == "boolean"
    assert fields["displays"]["sound"]["enum"] == list(Display.model_fields["sound"].annotation.__args__)
    assert fields["printers"]["width_mm"]["enum"] == [58, 80]
    assert (fields["printers"]["port"]["minimum"], fields["printers"]["port"]["maximum"]) == (1, 65535)
    assert set(fields["printers"]) == set(Printer.model_fields)


@pytest.mark.browser
def test_the_printer_form_offers_the_models_widths_and_saves_a_number(live_server: Any, page: Any) -> None:
    live_server.add_user("kepala", "admin")
    login(page, f"{live_server.url}/admin/setup#printers", "kepala")
    page.click('#items-table tr[data-id="printer-kios-1"]', timeout=TIMEOUT)
    form = page.locator("#item-form")
    width = form.locator('select[name="width_mm"]')
    assert width.locator("option").all_inner_texts() == ["58 mm", "80 mm"]
    port = form.locator('input[name="port"]')
    bounds = (port.get_attribute("type"), port.get_attribute("min"), port.get_attribute("max"))
    assert bounds == ("number", "1", "65535")
    width.select_option("58")
    page.click("#save-item")
    page.wait_for_selector("#notice:not([hidden])", timeout=TIMEOUT)
    eventually(lambda: load_config(live_server.config_path).printers[0].width_mm == 58)

    page.click('[data-tab="services"]', timeout=TIMEOUT)
    page.click('#items-table tbody tr >> nth=0', timeout=TIMEOUT)
    quota = page.locator('#item-form input[name="quota"]')
    assert (quota.get_attribute("type"), quota.get_attribute("min")) == ("number", "1")
    assert page.locator('#item-form input[name="popular"]').get_attribute("type") == "checkbox"
