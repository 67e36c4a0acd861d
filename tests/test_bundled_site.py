"""The bundled config.yaml (MPP Kabupaten Jember) loads and is internally consistent."""

from pathlib import Path

import pytest

from server.core.config_load import load_config

CONFIG = Path(__file__).resolve().parent.parent / "config.yaml"


@pytest.fixture(scope="module")
def site():
    return load_config(CONFIG)


def all_services(site):
    return [(agency, service) for agency in site.agencies for service in agency.services]


def test_agencies_and_services_count(site):
    assert len(site.agencies) == 33
    assert len(all_services(site)) == 144


def test_prefixes_unique_and_short(site):
    prefixes = [service.prefix for _, service in all_services(site)]
    assert len(prefixes) == len(set(prefixes))
    assert all(1 <= len(prefix) <= 3 for prefix in prefixes)


def test_counters_cover_every_service_of_their_own_agency(site):
    assert len(site.counters) >= 60
    owner = {service.id: agency.id for agency, service in all_services(site)}
    served = set()
    for counter in site.counters:
        for service_id in counter.services:
            assert owner[service_id] == counter.agency, (counter.id, service_id)
        served.update(counter.services)
    assert served == set(owner), sorted(set(owner) - served)


def test_counters_split_over_two_floors(site):
    floors = {counter.floor for counter in site.counters}
    assert floors == {1, 2}


def test_friday_break(site):
    assert any("fri" in b.days for b in site.site.breaks)


def test_kiosk_with_virtual_printer(site):
    printers = {printer.id: printer for printer in site.printers}
    assert any(k.printer and printers[k.printer].type == "virtual" for k in site.kiosks)


def test_three_displays_matching_floors(site):
    assert len(site.displays) == 3
    by_id = {display.id: display for display in site.displays}
    assert by_id["hall"].counters == "all"
    for floor in (1, 2):
        expected = [c.id for c in site.counters if c.floor == floor]
        assert by_id[f"lantai-{floor}"].counters == expected
