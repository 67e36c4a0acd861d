"""`antrean serve --demo`: a separate database, every service open, a simulated morning
that fills the screens, and demo accounts a trainee can log in with."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

import requests

from server.core.site import SiteIndex
from server.web.demo import ACTOR, DEMO_PASSWORD, DemoSettings, DemoSimulation, pick_trainee_counters


def run_simulation(hall_app: Any, settings: DemoSettings, real_seconds: int) -> DemoSimulation:
    """Step the simulation second by second on the test's clock."""
    trainee = pick_trainee_counters(hall_app.site, settings.trainee_counters)
    simulation = DemoSimulation(hall_app.hall, settings, trainee)
    for _ in range(real_seconds):
        simulation.step(hall_app.clock.now())
        hall_app.clock.advance(1)
    return simulation


def test_trainee_counters_serve_popular_lines_that_others_also_serve(bundled_config: Any) -> None:
    site = SiteIndex(bundled_config)
    trainee = pick_trainee_counters(site, 3)
    assert len(trainee) == 3
    popular = [c for c in trainee if any(site.services[s].popular for s in site.counters[c].services)]
    assert len(popular) == 3  # lines that fill up, so the trainee has visitors to call
    for counter_id in trainee:
        for service_id in site.counters[counter_id].services:  # no visitor depends on the trainee alone
            assert set(site.counters_of_service[service_id]) - set(trainee)


def test_the_simulated_morning_uses_every_counter_action_and_stays_bounded(hall_app: Any) -> None:
    settings = DemoSettings(ticket_cap=300, seed=7)
    simulation = run_simulation(hall_app, settings, real_seconds=900)
    with hall_app.hall.store.read() as tx:
        issued = tx.scalar("SELECT count(*) FROM tickets WHERE booking_code IS NULL")  # walk-ins; check-ins
        # are bounded by the slots' capacity
        kinds = Counter(r["kind"] for r in tx.all("SELECT kind FROM ticket_events"))
        actors = {r["actor"] for r in tx.all("SELECT DISTINCT actor FROM ticket_events WHERE actor IS NOT NULL")}
        trainee_work = tx.scalar(
            f"SELECT count(*) FROM ticket_events WHERE counter_id IN ({','.join('?' * len(simulation.trainee))})",
            tuple(simulation.trainee),
        )
        priority = tx.scalar("SELECT count(*) FROM tickets WHERE priority IS NOT NULL")
        services = tx.scalar("SELECT count(DISTINCT issued_service_id) FROM tickets")
    assert issued == 300  # the cap holds
    assert 10 <= priority <= 60  # about one in ten
    assert services > 40  # spread over the site, not one line
    for kind in ("issued", "called", "started", "done", "recalled", "no_show", "transferred"):
        assert kinds[kind] > 0, kind
    assert actors == {ACTOR}
    assert trainee_work == 0  # the trainee's counters are left alone


def test_demo_server_fills_the_screens_and_lets_a_trainee_work(live_server_factory: Any) -> None:
    server = live_server_factory(demo=True)
    deadline = time.monotonic() + 15
    state: dict[str, Any] = {}
    while time.monotonic() < deadline:
        state = requests.get(server.url + "/api/v1/displays/hall/state", timeout=5).json()
        if state["calling"] and sum(state["waiting"].values()) > 0:
            break
        time.sleep(0.5)
    assert state["calling"], "no counter called anyone"
    assert sum(state["waiting"].values()) > 0, "nobody is waiting"

    log = (server.folder / "server.log").read_text()
    assert f"password {DEMO_PASSWORD}" in log
    for username in ("demo", "supervisor", "admin"):
        answer = requests.post(server.url + "/api/v1/session",
                               json={"username": username, "password": DEMO_PASSWORD}, timeout=5)
        assert answer.status_code == 200, (username, answer.text)
    login = requests.post(server.url + "/api/v1/session", json={"username": "demo", "password": DEMO_PASSWORD},
                          timeout=5).json()
    counter_id = login["user"]["counters"][0]
    headers = {"Authorization": f"Bearer {login['token']}"}
    called = requests.post(f"{server.url}/api/v1/counters/{counter_id}/call-next", headers=headers, timeout=5)
    assert called.status_code == 200
    assert called.json()["ticket"]["status"] == "called"  # the trainee has visitors to call

    data = server.folder / "data"
    assert (data / "antrean-demo.db").exists()
    assert not (data / "antrean.db").exists()  # the real database is never touched


def test_the_demo_admin_edits_a_copy_never_the_sites_config_file(live_server_factory: Any) -> None:
    """The demo's admin account saves a service's new name through the admin API: the demo
    shows it at once (the kiosk's catalog), and the site's own config.yaml is not touched."""
    server = live_server_factory(demo=True)
    real = server.config_path.read_bytes()
    login = requests.post(server.url + "/api/v1/session", json={"username": "admin", "password": DEMO_PASSWORD},
                          timeout=5).json()
    headers = {"Authorization": f"Bearer {login['token']}"}
    config = requests.get(server.url + "/api/v1/admin/config", headers=headers, timeout=10).json()
    agency = config["sections"]["agencies"][0]
    service = {**agency["services"][0], "name": "Layanan Uji Coba Demo"}
    answer = requests.put(f"{server.url}/api/v1/admin/config/services/{service['id']}", headers=headers,
                          json={"value": service, "version": config["version"]}, timeout=30)
    assert answer.status_code == 200, answer.text

    assert server.config_path.read_bytes() == real  # the site's file, byte for byte
    catalog = requests.get(server.url + "/api/v1/agencies", timeout=5).json()
    names = {s["id"]: s["name"] for a in catalog["agencies"] for s in a["services"]}
    assert names[service["id"]] == "Layanan Uji Coba Demo"  # the demo shows the edit
    copy = server.config_path.with_name("config.demo.yaml")
    assert "Layanan Uji Coba Demo" in copy.read_text(encoding="utf-8")
    assert not list((server.folder / "data" / "config-history").glob("config-*.yaml"))  # nor the site's history


def test_the_simulated_morning_answers_surveys_so_the_ikm_page_has_figures(hall_app: Any) -> None:
    """About three in ten served visitors answer the survey, with the scores a service hall
    usually gets (IKM grade B or A): the IKM report the admin page shows is not empty."""
    run_simulation(hall_app, DemoSettings(ticket_cap=300, seed=5), real_seconds=1200)
    with hall_app.hall.store.read() as tx:
        served = tx.scalar("SELECT count(*) FROM tickets WHERE status = 'done'")
    admin = hall_app.add_user("kepala", "admin")
    report = hall_app.client().get("/api/v1/reports/ikm", headers=admin).json
    assert served > 50
    assert 0.15 * served <= report["respondents"] <= 0.45 * served, (report["respondents"], served)
    assert 80 <= report["ikm"] <= 92 and report["grade"] in ("A", "B")
    assert min(report["elements"].values()) == report["elements"]["u3"]  # the wait is what visitors rate lowest
    assert report["by_service"] and report["by_agency"]


def test_the_simulated_morning_has_visits_of_several_steps_and_bookings_checked_in(hall_app: Any) -> None:
    """A prospect sees what the hall does beyond one ticket: visitors going through two or three
    agencies on one number, an officer sending one elsewhere and back, and the next hour's
    slots booked ahead, checked in at the kiosks, and a few bookings never checked in."""
    settings = DemoSettings(ticket_cap=400, seed=11, add_step_share=0.2)
    run_simulation(hall_app, settings, real_seconds=2400)
    with hall_app.hall.store.read() as tx:
        stepped = tx.scalar("SELECT count(*) FROM tickets WHERE step IS NOT NULL")
        agencies = tx.all("SELECT ticket_id, count(DISTINCT agency_id) AS n FROM ticket_steps GROUP BY ticket_id")
        kinds = Counter(r["kind"] for r in tx.all("SELECT kind FROM ticket_events"))
        returns = tx.scalar("SELECT count(*) FROM ticket_steps WHERE only_counter_id IS NOT NULL")
        by_status = Counter(r["status"] for r in tx.all("SELECT status FROM bookings"))
        checked_in = tx.all("SELECT b.code, t.booking_code, b.service_id, t.issued_service_id FROM bookings b "
                            "JOIN tickets t ON t.id = b.ticket_id")
    assert 15 <= stepped <= 120, stepped  # about one visitor in eight of 400
    assert all(row["n"] >= 2 for row in agencies)  # each step at another agency
    assert kinds["step_finished"] > 0 and kinds["step_added"] > 0 and returns > 0
    assert by_status["checked_in"] > 5 and by_status["booked"] + by_status["expired"] > 0, by_status
    assert all(r["code"] == r["booking_code"] and r["service_id"] == r["issued_service_id"] for r in checked_in)
