""""Your turn is near" by SMS: the visitor's number (validated, kept with the ticket, erased by the
night care), the message written once per ticket and step into gammu-smsd's outbox in its files
backend's format, what gammu-smsd reports read back, and a hall without gammu that goes on."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import HallApp, make_hall_app
from near_support import gammu_folders, near_site
from rules import act, issue

from server.core import near, retention, sms
from server.core.config import SiteConfig
from server.core.errors import RuleError
from server.web.sms_worker import SmsWorker

# gammu-smsd-files(7): OUT<priority><date>_<time>_<serial>_<number>_<anything>.txt
GAMMU_NAME = re.compile(r"OUT[A-Z]\d{8}_\d{6}_\d{2}_(\+?\d+)_[^_]*\.txt")


@pytest.fixture
def spool(tmp_path: Path) -> Path:
    return tmp_path / "spool"


@pytest.fixture
def sms_app(small_config: SiteConfig, tmp_path: Path, spool: Path, clock: Any) -> Iterator[HallApp]:
    made = make_hall_app(near_site(small_config, places=1, sms=gammu_folders(spool)), tmp_path / "data", clock)
    yield made
    made.hall.store.close()


def _key(app: HallApp, ticket_id: str) -> str:
    with app.hall.store.read() as tx:
        return str(tx.scalar("SELECT survey_secret FROM tickets WHERE id = ?", (ticket_id,)))


def _ask(app: HallApp, ticket_id: str, phone: Any, key: str | None = "own") -> Any:
    body = {"phone": phone, "key": _key(app, ticket_id) if key == "own" else key}
    return app.client().post(f"/api/v1/tickets/{ticket_id}/sms", json=body)


@pytest.mark.parametrize(("typed", "kept"), [
    ("0812 3456 7890", "+6281234567890"),
    ("+62 812-3456-789", "+628123456789"),
    ("62 85 1234 5678", "+628512345678"),
    ("(0813) 1234.5678", "+6281312345678"),
    ("0062 878 1234 5678", "+6287812345678"),
])
def test_indonesian_mobile_numbers_are_kept_in_one_form(typed: str, kept: str) -> None:
    assert sms.normalize_phone(typed) == kept


@pytest.mark.parametrize(("typed", "says"), [
    ("", "expected a mobile number"),
    ("0331 123456", "not a mobile number"),  # a Jember landline takes no SMS
    ("081234", "10 to 13"),
    ("08123456789012345", "10 to 13"),
    ("+1 202 555 0100", "not an Indonesian number"),
    ("0812-abc-7890", "other than digits"),
])
def test_a_number_that_cannot_take_an_sms_is_refused_clearly(typed: str, says: str) -> None:
    with pytest.raises(RuleError) as refused:
        sms.normalize_phone(typed)
    assert refused.value.field == "phone" and says in refused.value.message


def test_the_visitor_gives_a_number_with_the_tickets_secret_only(sms_app: HallApp) -> None:
    mine = issue(sms_app, "ktp")
    assert _ask(sms_app, mine["id"], "081234567890", key=None).json["error"]["code"] == "sms_forbidden"
    refused = _ask(sms_app, mine["id"], "0331 123456")
    assert refused.status_code == 422 and refused.json["error"]["field"] == "phone"
    answer = _ask(sms_app, mine["id"], "0812 3456 7890")
    assert answer.status_code == 200
    assert answer.json == {"ticket_id": mine["id"], "phone": "+62812*****890", "sms": True}
    forgotten = _ask(sms_app, mine["id"], None)
    assert forgotten.json["sms"] is False
    with sms_app.hall.store.read() as tx:
        assert tx.scalar("SELECT count(*) FROM ticket_contacts") == 0


def test_a_hall_without_sms_says_so_and_keeps_no_number(hall_app: HallApp) -> None:
    mine = issue(hall_app, next(iter(hall_app.site.services)))
    answer = _ask(hall_app, mine["id"], "081234567890")
    assert (answer.status_code, answer.json["error"]["code"]) == (409, "sms_off")
    assert hall_app.client().get(f"/t/{mine['id']}").data.count(b'data-sms="off"') == 1


def _outbox(spool: Path) -> list[Path]:
    return sorted((spool / "outbox").iterdir())


def test_the_message_is_written_once_per_step_in_gammus_outbox_format(sms_app: HallApp, spool: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    first, second, third = (issue(sms_app, "ktp") for _ in range(3))
    _ask(sms_app, third["id"], "0812 3456 7890")
    worker = SmsWorker(sms_app.hall)
    worker.run_once()
    assert _outbox(spool) == []  # two ahead: not near yet (places 1)
    act(sms_app, "call_next", "loket-1")
    worker.run_once()
    worker.run_once()  # nothing doubled by a second round
    files = _outbox(spool)
    assert len(files) == 1
    match = GAMMU_NAME.fullmatch(files[0].name)
    assert match and match.group(1) == "+6281234567890"
    content = files[0].read_bytes()
    assert content[:2] == b"\xfe\xff"  # the byte order mark gammu-smsd reads as "Unicode"
    text = content[2:].decode("utf-16-be")
    assert "A003" in text and "1 orang lagi" in text and "Loket 1-2" in text
    assert len(text) <= 160 and text.isascii()  # one 7-bit SMS
    with sms_app.hall.store.read() as tx:
        assert tx.all("SELECT status, step FROM sms_messages") == [{"status": "written", "step": 0}]

    # The visit's next step waits in another line: the alert comes again, once.
    monkeypatch.setattr(near, "current_step", lambda tx, row: 1)
    worker.run_once()
    worker.run_once()
    assert len(_outbox(spool)) == 2
    assert {p.name.rsplit("-", 1)[1] for p in _outbox(spool)} == {"0.txt", "1.txt"}


def test_what_gammu_moved_is_read_back_and_a_stalled_daemon_is_told(sms_app: HallApp, spool: Path) -> None:
    mine = issue(sms_app, "ktp")
    _ask(sms_app, mine["id"], "081234567890")
    worker = SmsWorker(sms_app.hall)
    worker.run_once()
    (written,) = _outbox(spool)
    assert worker.status()["state"] == "ok"
    sms_app.clock.advance(4 * 60)  # past sms.stalled_minutes (3) and still in the outbox
    stalled = worker.status()
    assert stalled["state"] == "stalled" and "gammu-smsd is not taking them" in stalled["detail"]
    written.rename(spool / "error" / written.name)  # what gammu-smsd does with a message it could not send
    worker.run_once()
    status = worker.status()
    assert status["today"]["error"] == 1 and status["state"] == "ok"
    assert status["recent"][0]["detail"].startswith("gammu-smsd could not send it")
    assert status["recent"][0]["phone"] == "+62812*****890"  # the admin sees whose, masked


def test_no_gammu_folders_no_sms_and_the_hall_goes_on(sms_app: HallApp, spool: Path) -> None:
    for name in ("sent", "error", "outbox", "inbox"):
        (spool / name).rmdir()
    mine = issue(sms_app, "ktp")
    _ask(sms_app, mine["id"], "081234567890")
    worker = SmsWorker(sms_app.hall)
    worker.run_once()
    status = worker.status()
    assert status["state"] == "no_outbox" and "does not exist" in status["detail"]
    assert status["today"]["pending"] == 1  # kept: it goes out once the folders are there
    act(sms_app, "call_next", "loket-1")  # the queue itself goes on
    gammu_folders(spool)
    worker.run_once()
    assert _outbox(spool) == []  # called meanwhile: too late for "near", not sent
    assert worker.status()["today"]["skipped"] == 1


def test_the_admin_sees_why_no_sms_go_out(sms_app: HallApp, spool: Path) -> None:
    headers = sms_app.add_user("admin-sms", "admin")
    (spool / "outbox").rmdir()
    SmsWorker(sms_app.hall).run_once()
    answer = sms_app.client().get("/api/v1/admin/sms", headers=headers)
    assert answer.status_code == 200
    assert answer.json["state"] == "no_outbox" and "sms.outbox" in answer.json["detail"]
    officer = sms_app.add_user("petugas-sms", "officer", counters=["loket-1"])
    assert sms_app.client().get("/api/v1/admin/sms", headers=officer).status_code == 403


def test_the_night_care_erases_the_numbers_after_the_day(sms_app: HallApp, spool: Path) -> None:
    mine = issue(sms_app, "ktp")
    _ask(sms_app, mine["id"], "081234567890")
    worker = SmsWorker(sms_app.hall)
    worker.run_once()
    (written,) = _outbox(spool)
    written.rename(spool / "sent" / written.name)
    worker.run_once()
    today = sms_app.site.local(sms_app.clock.now()).date()
    path = sms_app.hall.store.path
    assert retention.erase_numbers(path, today, 0, [spool / "sent", spool / "error"]) == 0  # its day is today
    assert (spool / "sent" / written.name).exists()
    erased = retention.erase_numbers(path, today + timedelta(days=1), 0, [spool / "sent", spool / "error"])
    assert erased == 1
    with sms_app.hall.store.read() as tx:
        assert tx.scalar("SELECT count(*) FROM ticket_contacts") == 0
        (name,) = [r["file_name"] for r in tx.all("SELECT file_name FROM sms_messages")]
        assert "81234567890" not in name and "erased" in name
        assert tx.scalar("SELECT status FROM sms_messages") == "sent"
    assert not (spool / "sent" / written.name).exists()
