"""The printed ticket of a visit lists its services in order, in the visitor's language: read
back from the ESC/POS bytes the printer gets, for a ticket built from the database."""

from __future__ import annotations

from typing import Any

from rules import act, issue

from printers.decode import decode_escpos
from printers.render import render_ticket
from server.core import visits
from server.web.printing import build_ticket_print


def printed(app: Any, service_ids: list[str], lang: str, width_mm: int = 80) -> list[str]:
    with app.hall.store.write() as tx:
        row = visits.issue_visit(tx, app.site, app.clock.now(), service_ids, lang=lang)
    data = render_ticket(build_ticket_print(app.hall, row["id"], lang), width_mm)
    return [line.text for line in decode_escpos(data).lines]


def test_a_visits_ticket_lists_every_service_in_order_in_indonesian(small_app: Any) -> None:
    lines = printed(small_app, ["ktp", "pbb", "kk"], "id")
    start = lines.index("Urutan layanan Anda (3):")
    assert lines[start + 1:start + 4] == ["1. Perekaman KTP-el - Dukcapil", "2. PBB-P2 - Bapenda",
                                          "3. Kartu Keluarga - Dukcapil"]
    assert "A001" in lines and "Perekaman KTP-el" in lines  # the number and service of the first step


def test_in_english_and_on_narrow_paper(small_app: Any) -> None:
    lines = printed(small_app, ["kk", "pbb"], "en", width_mm=58)
    start = lines.index("Your services, in order (2):")
    assert lines[start + 1:start + 3] == ["1. Kartu Keluarga - Dukcapil", "2. PBB-P2 - Bapenda"]
    assert all(len(line) <= 32 for line in lines)


def test_a_reprint_halfway_marks_the_steps_behind_the_visitor(small_app: Any) -> None:
    with small_app.hall.store.write() as tx:
        row = visits.issue_visit(tx, small_app.site, small_app.clock.now(), ["kk", "pbb"])
    act(small_app, "call_next", "loket-1")
    act(small_app, "finish", "loket-1")
    lines = [line.text for line in decode_escpos(render_ticket(build_ticket_print(small_app.hall, row["id"], "id")))
             .lines]
    assert "1. Kartu Keluarga - Dukcapil (selesai)" in lines and "2. PBB-P2 - Bapenda" in lines


def test_a_ticket_of_one_service_prints_no_list(small_app: Any) -> None:
    plain = issue(small_app, "kk")
    lines = [line.text for line in decode_escpos(render_ticket(build_ticket_print(small_app.hall, plain["id"], "id")))
             .lines]
    assert not any(line.startswith("Urutan layanan") for line in lines)
