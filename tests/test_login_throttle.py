"""Login throttling through the API on a real database, with a clock the test moves: an
address that keeps guessing waits longer and longer (429 login_throttled, Retry-After) while
another address logs in at once; many addresses lock an account (429 account_locked) for a
bounded time, even for the right password, until it expires or an admin lifts it; one
address alone cannot lock it; every step is in the audit log. The live-server side (other
processes, restarts, real addresses, the loop) is in test_login_live.py."""

from __future__ import annotations

from typing import Any

from server.core import login_throttle
from server.core.config import LoginSettings
from tests.conftest import PASSWORD

ATTACKER = "10.9.9.9"
OFFICE = "10.1.1.7"


def try_login(app: Any, username: str, password: str, address: str) -> Any:
    return app.client().post("/api/v1/session", json={"username": username, "password": password},
                             environ_base={"REMOTE_ADDR": address})


def audit_rows(app: Any) -> list[dict[str, Any]]:
    with app.hall.store.read() as tx:
        return tx.all("SELECT actor, action, target, address, detail FROM audit_log ORDER BY id")


def test_an_address_that_keeps_guessing_waits_longer_and_others_log_in_at_once(small_app: Any) -> None:
    small_app.add_user("budi", "officer", counters=["loket-1"])
    for _ in range(5):  # login.free_failures: typing mistakes cost nothing
        assert try_login(small_app, "budi", "tebakan-salah", ATTACKER).status_code == 401
    refused = try_login(small_app, "budi", "tebakan-salah", ATTACKER)
    assert (refused.status_code, refused.json["error"]["code"]) == (429, "login_throttled")
    assert refused.headers["Retry-After"] == "1"
    # Refused before the password is read: even the right one waits, and nothing more is counted.
    assert try_login(small_app, "budi", PASSWORD, ATTACKER).status_code == 429
    # The officer at their own counter PC is not slowed down by someone else's guessing.
    officer = try_login(small_app, "budi", PASSWORD, OFFICE)
    assert officer.status_code == 200 and officer.json["user"]["username"] == "budi"

    waits = []
    for _ in range(4):
        small_app.clock.advance(int(try_login(small_app, "budi", "x" * 8, ATTACKER).headers["Retry-After"]))
        assert try_login(small_app, "budi", "tebakan-salah", ATTACKER).status_code == 401  # its turn: one more try
        waits.append(int(try_login(small_app, "budi", "x" * 8, ATTACKER).headers["Retry-After"]))
    assert waits == [2, 4, 8, 16]

    throttled = [r for r in audit_rows(small_app) if r["action"] == "login_throttled"]
    assert [r["target"] for r in throttled] == [ATTACKER] * 5
    assert '"retry_after": 16' in throttled[-1]["detail"] and '"failures": 9' in throttled[-1]["detail"]
    # The guesses are forgotten after the window: the address starts afresh.
    small_app.clock.advance(15 * 60 + 1)
    assert try_login(small_app, "budi", "tebakan-salah", ATTACKER).status_code == 401


def test_guesses_from_many_addresses_lock_the_account_for_a_while_and_an_admin_lifts_it(small_app: Any) -> None:
    small_app.add_user("budi", "officer", counters=["loket-1"])
    admin = small_app.add_user("kepala", "admin")
    for machine in range(4):  # four machines, five guesses each: 20 wrong passwords for budi
        for _ in range(5):
            assert try_login(small_app, "budi", "tebakan-salah", f"10.9.9.{machine}").status_code == 401
    locked = try_login(small_app, "budi", PASSWORD, OFFICE)  # the right password, from a clean address
    assert (locked.status_code, locked.json["error"]["code"]) == (429, "account_locked")
    assert locked.headers["Retry-After"] == str(15 * 60)
    assert try_login(small_app, "kepala", PASSWORD, OFFICE).status_code == 200  # other accounts go on

    listed = {u["username"]: u for u in small_app.client().get("/api/v1/admin/users", headers=admin).json["users"]}
    assert listed["budi"]["locked_until"] == "2026-12-01T09:15:00+07:00"
    assert listed["kepala"]["locked_until"] is None
    unlocked = small_app.client().post("/api/v1/admin/users/budi/unlock", headers=admin)
    assert unlocked.status_code == 200
    assert try_login(small_app, "budi", PASSWORD, OFFICE).status_code == 200
    assert small_app.client().post("/api/v1/admin/users/nobody/unlock", headers=admin).status_code == 404

    rows = audit_rows(small_app)
    lock = next(r for r in rows if r["action"] == "account_locked")
    assert (lock["actor"], lock["target"], lock["address"]) == (None, "budi", "10.9.9.3")
    assert '"failures": 20' in lock["detail"]
    assert [(r["actor"], r["target"]) for r in rows if r["action"] == "account_unlocked"] == [("kepala", "budi")]
    assert sum(r["action"] == "login_failed" for r in rows) == 20


def test_a_lockout_ends_by_itself(small_app: Any) -> None:
    small_app.add_user("budi", "officer", counters=["loket-1"])
    for machine in range(4):
        for _ in range(5):
            try_login(small_app, "budi", "tebakan-salah", f"10.9.9.{machine}")
    small_app.clock.advance(15 * 60 - 5)
    assert try_login(small_app, "budi", PASSWORD, OFFICE).headers["Retry-After"] == "5"
    small_app.clock.advance(5)
    assert try_login(small_app, "budi", PASSWORD, OFFICE).status_code == 200
    # A fresh count after it: one more wrong password does not lock it again at once.
    assert try_login(small_app, "budi", "tebakan-salah", "10.9.9.50").status_code == 401
    assert try_login(small_app, "budi", PASSWORD, OFFICE).status_code == 200


def test_an_unknown_name_is_refused_like_a_known_one(small_app: Any) -> None:
    """Throttling and lockouts apply to names that do not exist, so they tell nothing apart."""
    for machine in range(4):
        for _ in range(5):
            assert try_login(small_app, "tidak-ada", "tebakan-salah", f"10.9.9.{machine}").status_code == 401
    answer = try_login(small_app, "tidak-ada", "tebakan-salah", OFFICE)
    assert (answer.status_code, answer.json["error"]["code"]) == (429, "account_locked")


def test_one_address_alone_cannot_lock_an_account_with_the_defaults(small_app: Any) -> None:
    """The fastest a single machine can guess (each try the moment its wait ends), for an
    hour: it never reaches the lockout, so the officer's own login keeps working."""
    small_app.add_user("budi", "officer", counters=["loket-1"])
    settings = LoginSettings()
    hall, start = small_app.hall, small_app.clock.now()
    while small_app.clock.now() - start < 3600:
        now = small_app.clock.now()
        try:
            with hall.store.write() as tx:
                attempt = login_throttle.begin(tx, settings, "budi", ATTACKER, now)
                login_throttle.failed(tx, settings, attempt, now)
        except login_throttle.Throttled as refused:
            assert refused.code == "login_throttled"
            small_app.clock.advance(refused.retry_after)
    with hall.store.read() as tx:
        assert login_throttle.locked_until(tx, "budi", small_app.clock.now()) is None
        guesses = tx.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'login_failed'")
    assert 15 <= guesses <= 60  # about fifty an hour, never twenty within fifteen minutes
    assert try_login(small_app, "budi", PASSWORD, OFFICE).status_code == 200


def test_the_login_throttle_is_in_the_openapi_document(small_app: Any) -> None:
    paths = small_app.client().get("/api/v1/openapi.json").json["paths"]
    refused = paths["/api/v1/session"]["post"]["responses"]["429"]
    assert "login_throttled" in refused["description"] and "account_locked" in refused["description"]
    assert "Retry-After" in refused["headers"]
    assert "/api/v1/admin/users/{username}/unlock" in paths
