"""A counter's English name: `counters[].name_en`, or one rule over its Indonesian name,
sent with every answer that names a counter and printed on English tickets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import make_hall_app
from rules import act, issue

from printers import wording
from server.core.clock import FixedClock
from server.core.config import SiteConfig, english_counter_name
from server.core.config_load import parse_config
from server.web.printing import build_ticket_print


@pytest.mark.parametrize(("name", "english"), [
    ("Loket 3", "Counter 3"),
    ("LOKET 12", "COUNTER 12"),
    ("loket 1", "counter 1"),
    ("Loket Pajak", "Counter Pajak"),
    ("Meja Informasi", "Meja Informasi"),  # no word to translate: the name as it is
    ("Loketan 2", "Loketan 2"),  # only the whole word
])
def test_the_one_rule_for_an_english_counter_name(name: str, english: str) -> None:
    assert english_counter_name(name) == english


def test_the_public_list_and_a_counter_carry_the_english_name(small_app: Any) -> None:
    counters = {c["id"]: c for c in small_app.client().get("/api/v1/counters").json["counters"]}
    assert (counters["loket-1"]["name"], counters["loket-1"]["name_en"]) == ("Loket 1", "Counter 1")
    officer = small_app.add_user("budi", "officer", counters=["loket-1"])
    counter = small_app.client().get("/api/v1/counters/loket-1", headers=officer).json
    assert (counter["name"], counter["name_en"]) == ("Loket 1", "Counter 1")


def test_a_ticket_a_call_and_the_display_name_the_counter_in_english(small_app: Any) -> None:
    ticket = issue(small_app, "ktp")
    act(small_app, "call_next", "loket-2", "budi")
    view = small_app.client().get(f"/api/v1/tickets/{ticket['id']}").json
    assert (view["counter_name"], view["counter_name_en"]) == ("Loket 2", "Counter 2")
    assert (view["counter_names"], view["counter_names_en"]) == (["Loket 1", "Loket 2"], ["Counter 1", "Counter 2"])
    state = small_app.client().get("/api/v1/displays/hall/state").json
    assert [(c["counter_name"], c["counter_name_en"]) for c in state["calling"]] == [("Loket 2", "Counter 2")]
    names = {c["id"]: c["name_en"] for c in state["counters"]}
    assert names == {"loket-1": "Counter 1", "loket-2": "Counter 2", "loket-3": "Counter 3"}


def test_an_english_ticket_prints_the_english_names(small_app: Any) -> None:
    ticket = issue(small_app, "ktp", lang="en")
    english = build_ticket_print(small_app.hall, ticket["id"], "en")
    indonesian = build_ticket_print(small_app.hall, ticket["id"], "id")
    assert english.counter_names == ["Counter 1", "Counter 2"]
    assert wording.counters_line(english.counter_names, "en") == "Counters: 1, 2"
    assert wording.counters_line(indonesian.counter_names, "id") == "Loket: 1, 2"


def test_a_configured_name_en_wins(small_config: SiteConfig, tmp_path: Path, clock: FixedClock) -> None:
    data = small_config.model_dump(mode="json", exclude_none=True)
    data["counters"][2]["name_en"] = "Tax desk"
    config = parse_config(data, "named.yaml")
    app = make_hall_app(config, tmp_path / "data", clock)
    try:
        counters = {c["id"]: c["name_en"] for c in app.client().get("/api/v1/counters").json["counters"]}
        assert counters == {"loket-1": "Counter 1", "loket-2": "Counter 2", "loket-3": "Tax desk"}
        ticket = issue(app, "pbb", lang="en")
        assert build_ticket_print(app.hall, ticket["id"], "en").counter_names == ["Tax desk"]
        assert wording.counters_line(["Tax desk"], "en") == "Counter: Tax desk"
    finally:
        app.hall.store.close()
