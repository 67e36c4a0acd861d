"""The booking keys of config.yaml: validated with the key named, editable through the admin
configuration API, and the bundled site takes bookings for its busiest services."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from admin_api_support import CONFIG_URL, admin_fixture, service_value, site_fixture  # noqa: F401
from booking_support import booking_data

from server.core.config_load import ConfigError, load_config, parse_config
from tests.conftest import BUNDLED_CONFIG


def ktp(data: dict[str, Any]) -> dict[str, Any]:
    service: dict[str, Any] = data["agencies"][0]["services"][0]
    return service


BROKEN = [
    (lambda d: ktp(d)["booking"].update(quota_share=0.05),
     "agencies[0].services[0]: got dict; booking.quota_share 0.05 of quota 10 leaves no place to book"),
    (lambda d: ktp(d)["booking"].update(capasity=3), "agencies[0].services[0].booking.capasity: unknown key"),
    (lambda d: ktp(d)["booking"].update(slot_minutes=2), "agencies[0].services[0].booking.slot_minutes: got 2"),
    (lambda d: ktp(d)["booking"].update(quota_share=0), "agencies[0].services[0].booking.quota_share: got 0"),
    (lambda d: ktp(d)["booking"].update(horizon_days=-1), "agencies[0].services[0].booking.horizon_days: got -1"),
    (lambda d: ktp(d)["booking"].update(check_in_late_minutes="lama"),
     "agencies[0].services[0].booking.check_in_late_minutes: got 'lama'"),
    (lambda d: d["site"]["booking"].update(placement="arrival"),
     "site.booking.placement: got 'arrival'; input should be 'check_in' or 'slot'"),
    (lambda d: d["site"]["booking"].update(ask_phone=True), "site.booking.ask_phone: got True"),
    (lambda d: d["site"]["booking"].update(per_phone_per_day=0), "site.booking.per_phone_per_day: got 0"),
    (lambda d: d["site"]["booking"].update(keep_contact_days=0), "site.booking.keep_contact_days: got 0"),
]


@pytest.mark.parametrize(("change", "expected"), BROKEN)
def test_a_broken_booking_block_is_named(change: Any, expected: str) -> None:
    data = booking_data()
    change(data)
    with pytest.raises(ConfigError) as caught:
        parse_config(data)
    assert any(expected in problem for problem in caught.value.problems), caught.value.problems


def test_an_unquoted_off_in_yaml_is_the_word_off() -> None:
    text = yaml.safe_dump(booking_data()).replace("ask_nik: optional", "ask_nik: off")
    assert "ask_nik: off" in text
    assert parse_config(yaml.safe_load(text)).site.booking.ask_nik == "off"


def test_the_bundled_site_takes_bookings_for_its_busiest_services() -> None:
    config = load_config(BUNDLED_CONFIG)
    bookable = {s.id for a in config.agencies for s in a.services if s.booking is not None}
    assert {"ktp-el-perekaman", "kartu-keluarga", "paspor-baru"} <= bookable
    assert config.site.booking.ask_phone == "optional" and config.site.booking.ask_nik == "off"


def test_admin_edits_a_services_booking_and_the_sites_booking_block(site: Any, admin: Any) -> None:
    client = site.client()
    fields = client.get(CONFIG_URL, headers=admin).json["fields"]
    assert fields["service_booking"]["capacity"] == {"type": "integer", "minimum": 1, "maximum": 1000,
                                                     "optional": True, "default": 4}
    assert fields["booking"]["placement"]["enum"] == ["check_in", "slot"]
    value = service_value(site, "kk", booking={"slot_minutes": 20, "capacity": 3})
    answer = client.put(f"{CONFIG_URL}/services/kk", headers=admin, json={"value": value})
    assert answer.status_code == 200, answer.json
    assert client.get("/api/v1/services/kk/slots").json["slots"][0]["capacity"] == 3  # live at once
    answer = client.put(f"{CONFIG_URL}/booking", headers=admin,
                        json={"value": {"placement": "check_in", "ask_phone": "required"}})
    assert answer.status_code == 200, answer.json
    assert answer.json["sections"]["booking"] == {"placement": "check_in", "ask_phone": "required"}
    assert load_config(site.path).site.booking.ask_phone == "required"
    answer = client.put(f"{CONFIG_URL}/booking", headers=admin,
                        json={"value": {"placement": "slot", "per_phone_per_day": None}})
    assert answer.status_code == 200, answer.json
    assert load_config(site.path).site.booking.per_phone_per_day is None  # empty: no limit, not the default
    answer = client.put(f"{CONFIG_URL}/booking", headers=admin, json={"value": {"ask_nik": "kadang"}})
    assert answer.status_code == 422 and answer.json["error"]["field"] == "site.booking.ask_nik"
