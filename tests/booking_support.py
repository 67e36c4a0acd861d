"""A small site that takes bookings, for the booking tests (this module holds no tests).

`ktp` (quota 10, 60 % bookable: 6 bookings, 4 walk-ins a day) in 30-minute slots of 2;
`kk` (no quota) in hour slots of 3. The hall opens 07:30-15:00 Monday to Friday (cut-off
30 minutes), Friday 07:30-14:00; the tests' clock starts Tuesday 1 December 2026, 09:00.
"""

from __future__ import annotations

from typing import Any

import yaml
from conftest import BUNDLED_CONFIG

from server.core import bookings
from server.core.config import SiteConfig
from server.core.config_load import parse_config

BOOKING_KTP = {"slot_minutes": 30, "capacity": 2, "quota_share": 0.6, "horizon_days": 7,
               "check_in_early_minutes": 30, "check_in_late_minutes": 15}
BOOKING_KK = {"slot_minutes": 60, "capacity": 3, "horizon_days": 14}


def booking_data(placement: str = "slot", **site_booking: Any) -> dict[str, Any]:
    bundled = yaml.safe_load(BUNDLED_CONFIG.read_text(encoding="utf-8"))
    return {
        "site": {**bundled["site"], "breaks": [], "holidays": [{"date": "2026-12-03", "name": "Libur Daerah"}],
                 "booking": {"placement": placement, "ask_phone": "optional", "ask_nik": "optional",
                             **site_booking}},
        "agencies": [
            {"id": "capil", "name": "Dinas Kependudukan", "short_name": "Dukcapil", "services": [
                {"id": "ktp", "name": "Perekaman KTP-el", "prefix": "A", "quota": 10, "booking": dict(BOOKING_KTP)},
                {"id": "kk", "name": "Kartu Keluarga", "prefix": "B", "booking": dict(BOOKING_KK)},
                {"id": "kia", "name": "KIA", "prefix": "C"},
            ]},
        ],
        "counters": [
            {"id": "loket-1", "name": "Loket 1", "agency": "capil", "services": ["ktp", "kk", "kia"]},
            {"id": "loket-2", "name": "Loket 2", "agency": "capil", "services": ["ktp"]},
        ],
        "printers": [{"id": "p1", "type": "virtual"}],
        "kiosks": [{"id": "kiosk-1", "name": "Kios 1", "printer": "p1"}],
        "server": {"rate_limit_per_minute": None, "kiosk_rate_limit_per_minute": None},
    }


def booking_config(placement: str = "slot", **site_booking: Any) -> SiteConfig:
    return parse_config(booking_data(placement, **site_booking), "booking.yaml")


def book(app: Any, slot_id: str, **options: Any) -> dict[str, Any]:
    with app.hall.store.write() as tx:
        return bookings.book(tx, app.site, app.clock.now(), slot_id, **options)


def check_in(app: Any, code: str, **options: Any) -> tuple[dict[str, Any], dict[str, Any], bool]:
    with app.hall.store.write() as tx:
        return bookings.check_in(tx, app.site, app.clock.now(), code, **options)
