"""The display blueprint in-process: the page, the unknown-display page, boot data,
the media loop's files (and what it refuses to serve), and the announcement audio."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import TUESDAY_9AM, HallApp, make_hall_app
from PIL import Image

from server.app import create_app
from server.core.clock import FixedClock
from server.core.config_load import parse_config
from tests.rules import seed_sequence

PACKS = Path(__file__).resolve().parent.parent / "display" / "voicepacks"


def fetch(client: Any, path: str) -> tuple[int, str, bytes]:
    """Status, media type and body of a GET, with the (file) response closed."""
    answer = client.get(path, follow_redirects=True)
    try:
        return answer.status_code, answer.mimetype, answer.get_data()
    finally:
        answer.close()


def boot_of(html: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="boot">(.*?)</script>', html, re.S)
    assert found, "the page embeds its boot data"
    return json.loads(found.group(1))


def test_page_renders_with_its_boot_data_and_only_local_assets(hall_app: HallApp) -> None:
    client = hall_app.client()
    answer = client.get("/display/lantai-1")
    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    assert '<html lang="id">' in html and "Layar Lantai 1" in html
    boot = boot_of(html)
    assert boot["display"] == {"id": "lantai-1", "name": "Layar Lantai 1", "sound": "voice",
                               "speaks": [f"loket-{n}" for n in range(1, 33)]}
    assert boot["site"]["timezone"] == "Asia/Jakarta"
    assert boot["server_time"] == int(hall_app.clock.now() * 1000)
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets and not [a for a in assets if a.startswith(("http:", "https:", "//"))]
    for asset in assets:
        if asset.startswith("/"):
            assert fetch(client, asset)[0] == 200, asset
    assert "onclick" not in html.lower() and "<script>" not in html  # no inline handlers or code


def test_english_page(hall_app: HallApp) -> None:
    html = hall_app.client().get("/display/hall?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html and 'data-lang="en"' in html
    html = hall_app.client().get("/display/hall?lang=xx").get_data(as_text=True)
    assert '<html lang="id">' in html


def test_boot_lists_only_this_displays_counters_and_their_services(hall_app: HallApp) -> None:
    site = hall_app.site
    boot = hall_app.client().get("/display/lantai-2/boot.json").json
    assert list(boot["counters"]) == site.display_counters("lantai-2")
    assert boot["counters"]["loket-33"]["name"] == "Loket 33"
    assert "loket-1" not in boot["counters"]
    served = {s for c in site.display_counters("lantai-2") for s in site.counters[c].services}
    assert set(boot["services"]) == served
    some = next(iter(boot["services"].values()))
    assert set(some) == {"name", "name_en", "prefix", "agency"}
    assert boot["site"]["running_text"].startswith("Selamat datang di Mall Pelayanan Publik")
    assert boot["site"]["running_text_en"].startswith("Welcome to the Public Service Mall")
    assert boot["media"] == []
    hall = hall_app.client().get("/display/hall/boot.json").json
    assert len(hall["counters"]) == len(site.counters)


@pytest.mark.parametrize("path", ["/display/nope", "/display/static", "/display/HALL"])
def test_unknown_display_is_a_friendly_page(hall_app: HallApp, path: str) -> None:
    answer = hall_app.client().get(path)
    assert answer.status_code == 404
    html = answer.get_data(as_text=True)
    assert "tidak ditemukan" in html and "There is no display" in html
    for display_id in ("hall", "lantai-1", "lantai-2"):
        assert f'href="/display/{display_id}"' in html
    assert hall_app.client().get("/display/nope/boot.json").status_code == 404


def test_display_index_lists_the_displays(hall_app: HallApp) -> None:
    answer = hall_app.client().get("/display")
    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    assert "Layar Aula Utama" in html and 'href="/display/lantai-2"' in html


# --- the media loop ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def media_app(bundled_data: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The bundled site with a media folder (relative to its config file) on lantai-1."""
    tmp_path = tmp_path_factory.mktemp("media")
    data = copy.deepcopy(bundled_data)
    data["displays"][1]["media_folder"] = "media/lantai-1"
    site_dir = tmp_path / "site"
    folder = site_dir / "media" / "lantai-1"
    (folder / "sub").mkdir(parents=True)
    Image.new("RGB", (32, 18), "navy").save(folder / "b-poster.png")
    Image.new("RGB", (32, 18), "red").save(folder / "A-Info.JPG")
    (folder / "c-film.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42")
    (folder / "notes.txt").write_text("not media")
    Image.new("RGB", (8, 8)).save(folder / ".hidden.png")
    Image.new("RGB", (8, 8)).save(folder / "sub" / "deep.png")
    (site_dir / "config.yaml").write_text("secret: yes")
    app, _ = create_app(parse_config(data), data_dir=tmp_path / "data", clock=FixedClock(TUESDAY_9AM),
                        config_path=site_dir / "config.yaml", start_printing=False)
    yield app
    app.extensions["antrean"].store.close()


def test_media_loop_lists_images_and_videos_by_name(media_app: Any) -> None:
    boot = media_app.test_client().get("/display/lantai-1/boot.json").json
    assert boot["media"] == [
        {"url": "/display/media/lantai-1/A-Info.JPG", "kind": "image", "name": "A-Info.JPG"},
        {"url": "/display/media/lantai-1/b-poster.png", "kind": "image", "name": "b-poster.png"},
        {"url": "/display/media/lantai-1/c-film.mp4", "kind": "video", "name": "c-film.mp4"},
    ]
    assert media_app.test_client().get("/display/lantai-2/boot.json").json["media"] == []
    client = media_app.test_client()
    for item in boot["media"]:
        assert fetch(client, item["url"])[0] == 200, item
    assert fetch(client, "/display/media/lantai-1/b-poster.png")[1] == "image/png"
    assert fetch(client, "/display/media/lantai-1/c-film.mp4")[1] == "video/mp4"


@pytest.mark.parametrize(
    "path",
    [
        "/display/media/lantai-1/notes.txt",
        "/display/media/lantai-1/.hidden.png",
        "/display/media/lantai-1/sub/deep.png",
        "/display/media/lantai-1/../../config.yaml",
        "/display/media/lantai-1/..%2f..%2fconfig.yaml",
        "/display/media/lantai-1/%2e%2e/%2e%2e/config.yaml",
        "/display/media/lantai-1//etc/passwd",
        "/display/media/lantai-2/b-poster.png",
        "/display/media/nope/b-poster.png",
        "/display/media/lantai-1/missing.png",
    ],
)
def test_media_route_serves_nothing_else(media_app: Any, path: str) -> None:
    status, _, body = fetch(media_app.test_client(), path)
    assert status == 404, path
    assert b"secret" not in body


def test_missing_media_folder_is_an_empty_loop(bundled_data: dict[str, Any], tmp_path: Path) -> None:
    data = copy.deepcopy(bundled_data)
    data["displays"][0]["media_folder"] = "no-such-folder"
    app, _ = create_app(parse_config(data), data_dir=tmp_path / "data", clock=FixedClock(TUESDAY_9AM),
                        config_path=tmp_path / "config.yaml", start_printing=False)
    try:
        assert app.test_client().get("/display/hall/boot.json").json["media"] == []
    finally:
        app.extensions["antrean"].store.close()


# --- announcement audio ------------------------------------------------------------------


def test_chime_and_sentence_are_wav(hall_app: HallApp) -> None:
    client = hall_app.client()
    status, mimetype, body = fetch(client, "/audio/chime.wav")
    assert (status, mimetype, body[:4]) == (200, "audio/wav", b"RIFF")
    call = call_with_sequence(hall_app, "loket-3", "ktp-el-perekaman", 7)
    assert call["announcement"]["audio"][1] == "/audio/call/loket-3/A007.wav"
    status, mimetype, body = fetch(client, "/audio/call/loket-3/A007.wav")
    assert (status, mimetype, body[:4]) == (200, "audio/wav", b"RIFF")
    # Spoken by the speech helper program: espeak-ng (GPL) is never loaded into the server.
    assert "libespeak-ng" not in Path("/proc/self/maps").read_text()
    assert fetch(client, "/audio/call/loket-999/A007.wav")[0] == 404
    assert fetch(client, "/audio/call/loket-3/not-a-number.wav")[0] == 404
    assert fetch(client, "/audio/call/loket-2/A007.wav")[0] == 404  # not called at that counter


def test_voice_pack_site_plays_the_packs_own_chime(bundled_data: dict[str, Any], tmp_path: Path) -> None:
    data = copy.deepcopy(bundled_data)
    data["site"]["announcement"] = {"voice": "pack", "number_style": "words"}
    app, _ = create_app(parse_config(data), data_dir=tmp_path / "data", clock=FixedClock(TUESDAY_9AM),
                        start_printing=False)
    try:
        client = app.test_client()
        assert fetch(client, "/audio/chime.wav")[::2] == (200, (PACKS / "espeak-id" / "chime.wav").read_bytes())
        clip = (PACKS / "espeak-id" / "clips" / "tujuh.wav").read_bytes()
        assert fetch(client, "/audio/pack/tujuh.wav")[::2] == (200, clip)
        assert fetch(client, "/audio/pack/no-such-word.wav")[0] == 404
    finally:
        app.extensions["antrean"].store.close()


def call_with_sequence(app: HallApp, counter_id: str, service_id: str, seq: int) -> dict[str, Any]:
    """Call the `seq`-th ticket of the day of a service at a counter (the sequence is moved on
    in the database first); the display's `calling` entry for it."""
    headers = app.add_user(f"petugas-{counter_id}-{seq}", "officer", counters=[counter_id])
    day = app.site.service_day(app.clock.now())
    seed_sequence(app.hall.store, day, service_id, seq - 1)
    client = app.client()
    assert client.post("/api/v1/tickets", json={"service_id": service_id}).status_code == 201
    assert client.post(f"/api/v1/counters/{counter_id}/call-next", headers=headers).status_code == 200
    display_id = app.site.displays_of_counter[counter_id][0]
    return dict(client.get(f"/api/v1/displays/{display_id}/state").json["calling"][0])


@pytest.mark.parametrize("voice", ["espeak", "pack"])
def test_a_four_digit_call_is_announced_and_every_sound_of_it_answers(
    bundled_data: dict[str, Any], tmp_path: Path, voice: str
) -> None:
    data = copy.deepcopy(bundled_data)
    data["site"]["announcement"] = {"voice": voice, "number_style": "words"}
    app = make_hall_app(parse_config(data), tmp_path / "data", FixedClock(TUESDAY_9AM))
    try:
        call = call_with_sequence(app, "loket-5", "kartu-keluarga", 1002)  # a service without a quota
        assert call["number"] == "C1002"
        announcement = call["announcement"]
        assert announcement["text"] == "Nomor antrean C1002, silakan menuju Loket 5, lantai 1"
        words = "nomor antrean ce seribu dua silakan menuju loket lima lantai satu".split()
        expected = [f"/audio/pack/{w}.wav" for w in words] if voice == "pack" else ["/audio/call/loket-5/C1002.wav"]
        assert announcement["audio"] == ["/audio/chime.wav", *expected]
        client = app.client()
        for url in announcement["audio"]:
            status, mimetype, body = fetch(client, url)
            assert (status, mimetype, body[:4]) == (200, "audio/wav", b"RIFF"), url
    finally:
        app.hall.store.close()


def test_the_sentence_route_reads_long_numbers_and_only_their_own_spelling(hall_app: HallApp) -> None:
    client = hall_app.client()
    for seq in (1000, 1002, 10000):  # a service without a quota, called at loket-3
        call_with_sequence(hall_app, "loket-3", "aktivasi-ikd", seq)
    for number in ("IKD1000", "IKD1002", "IKD10000"):
        status, mimetype, body = fetch(client, f"/audio/call/loket-3/{number}.wav")
        assert (status, mimetype, body[:4]) == (200, "audio/wav", b"RIFF"), number
    one_thousand = fetch(client, "/audio/call/loket-3/IKD1000.wav")[2]
    assert fetch(client, "/audio/call/loket-3/IKD1002.wav")[2] != one_thousand  # another sentence
    for other in ("ikd1000", "IKD 1000", "IKD1", "1000"):  # one URL per sound: the payload's spelling only
        assert fetch(client, f"/audio/call/loket-3/{other}.wav")[0] == 404, other


def test_a_config_change_changes_what_is_said(hall_app: HallApp, bundled_data: dict[str, Any]) -> None:
    first = call_with_sequence(hall_app, "loket-1", "ktp-el-perekaman", 7)
    assert first["announcement"]["text"] == "A007, Loket 1, lantai 1"  # the bundled short style
    client = hall_app.client()
    before = fetch(client, "/audio/call/loket-1/A007.wav")[2]
    data = copy.deepcopy(bundled_data)
    data["site"]["announcement"] = {"include_agency": True}
    data["site"]["language"] = "en"
    hall_app.hall.replace_config(parse_config(data))
    state = client.get("/api/v1/displays/lantai-1/state").json
    agency = hall_app.site.agencies[hall_app.site.counters["loket-1"].agency].short_name
    assert state["calling"][0]["announcement"]["text"] == (
        f"Ticket number A007, please proceed to Counter 1 at {agency}, floor 1"
    )
    after = fetch(client, "/audio/call/loket-1/A007.wav")
    assert after[0] == 200 and after[2] != before  # the sound follows the words


def test_a_call_reaches_the_displays_when_the_voice_cannot_speak(hall_app: HallApp) -> None:
    """The speech helper is a program that fails at once (a broken install, a full disk for its
    cache): the call still reaches the displays, with its text and an estimated length, and
    the sentence's sound answers 503 rather than the call being lost."""
    from display.speech.synthesizer import SynthHelper

    hall_app.hall.announcer.audio.synthesizer.helper = SynthHelper(["false"])
    call = call_with_sequence(hall_app, "loket-1", "ktp-el-perekaman", 7)
    assert call["number"] == "A007" and call["announcement"]["text"] == "A007, Loket 1, lantai 1"
    assert call["announcement"]["speak"] == ["lantai-1"]
    sound = hall_app.client().get("/audio/call/loket-1/A007.wav")
    assert sound.status_code == 503, sound.status_code
