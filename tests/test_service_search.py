"""The kiosk search on the bundled site: what visitors really type (typos, informal spellings,
ordinary words, English, agencies' names, short forms like "kk") and the service that must
come first; nonsense finds nothing; the API route that the kiosk asks as the visitor types."""

from __future__ import annotations

from typing import Any

import pytest
from api_support import check, document_fixture  # noqa: F401  (document_fixture: the module's fixture)

from server.core import service_search
from server.core.config import SiteConfig

# (what a visitor types, the service that must be first)
QUERIES = [
    # typos
    ("pasport", "paspor-baru"),
    ("pspor", "paspor-baru"),
    ("pspo", "paspor-baru"),  # a typo in a word not typed to its end
    ("pasport hilang", "paspor-hilang-rusak"),
    ("sertifkat tanah", "pengecekan-sertifikat"),
    ("pajek motor", "pkb-tahunan"),
    ("kartu keluaga", "kartu-keluarga"),
    ("perpanjangan skc", "skck-perpanjangan"),
    # informal and old spellings
    ("ijin usaha", "oss-nib"),
    ("ijin bangunan", "pbg"),
    ("ijin praktek", "sip-nakes"),
    ("akte lahir", "akta-kelahiran"),
    ("akte kematian", "akta-kematian"),
    ("sertipikat tanah", "pengecekan-sertifikat"),
    ("ktp ilang", "ktp-el-penggantian"),
    ("paspor umroh", "paspor-baru"),
    ("air pam", "pasang-baru-air"),
    # phrases with ordinary words
    ("buat ktp", "ktp-el-perekaman"),
    ("ktp baru", "ktp-el-perekaman"),
    ("kk hilang", "kartu-keluarga"),
    ("mau urus kk", "kartu-keluarga"),
    ("bikin paspor", "paspor-baru"),
    ("saya mau bayar pajak motor", "pkb-tahunan"),
    ("perpanjang sim", "sim-perpanjangan"),
    ("perpanjang paspor", "paspor-penggantian"),
    ("paspor hilang", "paspor-hilang-rusak"),
    ("ktp hilang", "ktp-el-penggantian"),
    ("akta mati", "akta-kematian"),
    ("bpjs mati", "jkn-reaktivasi"),
    ("daftar bpjs", "jkn-pendaftaran"),
    ("cairkan jht", "klaim-jht"),
    ("lapor hilang", "surat-kehilangan"),
    ("pindah alamat", "pindah-datang"),
    ("listrik mati", "pengaduan-pln"),
    ("tagihan air", "pengaduan-pdam"),
    ("bayar tilang", "tilang"),
    ("pajak kendaraan", "pkb-tahunan"),
    ("cek sertifikat", "pengecekan-sertifikat"),
    # short forms and numbers
    ("kk", "kartu-keluarga"),
    ("ktp", "ktp-el-perekaman"),
    ("skck", "skck-baru"),
    ("sim", "sim-perpanjangan"),
    ("stnk", "pkb-tahunan"),
    ("npwp", "npwp"),
    ("imb", "pbg"),
    ("ak1", "kartu-kuning"),
    ("5 tahunan", "pkb-lima-tahunan"),
    ("e ktp", "ktp-el-perekaman"),
    ("pas", "paspor-baru"),  # still typing
    # English
    ("passport", "paspor-baru"),
    ("birth certificate", "akta-kelahiran"),
    ("family card", "kartu-keluarga"),
    ("driving licence", "sim-perpanjangan"),
    ("driver license", "sim-perpanjangan"),
    ("police clearance", "skck-baru"),
    ("tax return", "spt-tahunan"),
    ("new passport", "paspor-baru"),
    # agencies' names
    ("imigrasi", "paspor-baru"),
    ("samsat", "pkb-tahunan"),
    ("dukcapil", "ktp-el-perekaman"),
    ("pegadaian", "gadai"),
    ("kemenag", "pendaftaran-haji"),
    ("pdam", "pasang-baru-air"),
    ("pln", "pasang-baru-listrik"),
    ("bank jatim", "bank-jatim-pajak"),
    ("polres", "skck-baru"),
    ("kejaksaan", "tilang"),
    ("pengadilan agama", "pendaftaran-perkara-pa"),
]

NONSENSE = ["zzq", "qwerty", "asdfgh", "xkcd", "blablabla", "mmmm", "1234"]


def test_the_table_is_big_enough() -> None:
    assert len(QUERIES) >= 40


@pytest.mark.parametrize(("query", "first"), QUERIES)
def test_what_visitors_type_finds_the_right_service_first(bundled_config: SiteConfig, query: str,
                                                          first: str) -> None:
    found = service_search.search(bundled_config, query)
    assert found, f"{query!r} found nothing"
    assert found[0].service_id == first, f"{query!r}: {[m.service_id for m in found[:5]]}"


@pytest.mark.parametrize("query", NONSENSE)
def test_nonsense_finds_nothing(bundled_config: SiteConfig, query: str) -> None:
    assert service_search.search(bundled_config, query) == []


def test_another_word_narrows_the_list_and_a_word_that_matches_nothing_keeps_it(bundled_config: SiteConfig) -> None:
    paspor = [m.service_id for m in service_search.search(bundled_config, "paspor")]
    lost = [m.service_id for m in service_search.search(bundled_config, "paspor hilang")]
    assert lost == ["paspor-hilang-rusak"] and len(paspor) > 1
    kept = [m.service_id for m in service_search.search(bundled_config, "paspor zzq")]
    assert sorted(kept) == sorted(paspor) and kept[0] == "paspor-baru"


def test_ordinary_words_alone_are_still_searched(bundled_config: SiteConfig) -> None:
    assert service_search.words("saya mau buat KTP-el") == ["ktp"]
    assert service_search.words("buat") == ["buat"]


def test_the_index_follows_a_new_configuration(bundled_data: dict[str, Any]) -> None:
    data = {**bundled_data}
    data["agencies"] = [{**bundled_data["agencies"][0]}]
    data["agencies"][0]["services"] = [{**bundled_data["agencies"][0]["services"][0], "keywords": ["lumbung"]}]
    changed = SiteConfig.model_validate(data)
    assert [m.service_id for m in service_search.search(changed, "lumbung")] == ["ktp-el-perekaman"]


# --- the route ---------------------------------------------------------------------------


def test_the_route_answers_the_first_result_and_the_words(hall_app: Any, document: dict[str, Any]) -> None:
    answer = hall_app.client().get("/api/v1/services/search?q=buat%20pasport")
    assert answer.status_code == 200
    check(document, "/api/v1/services/search", "get", answer)
    assert answer.json["words"] == ["paspor"]
    assert answer.json["results"][0]["service_id"] == "paspor-baru"
    assert answer.json["results"][0]["agency_id"] == "imigrasi"


def test_the_route_answers_nothing_for_nonsense_or_nothing_typed(hall_app: Any, document: dict[str, Any]) -> None:
    for path in ["/api/v1/services/search?q=zzq", "/api/v1/services/search", "/api/v1/services/search?q="]:
        answer = hall_app.client().get(path)
        assert answer.status_code == 200 and answer.json["results"] == []
        check(document, "/api/v1/services/search", "get", answer)


def test_the_route_keeps_to_the_limit(hall_app: Any) -> None:
    answer = hall_app.client().get("/api/v1/services/search?q=k&limit=3")
    assert answer.status_code == 200 and len(answer.json["results"]) == 3


@pytest.mark.parametrize(("query", "field"), [("q=" + "a" * 65, "q"), ("q=ktp&limit=0", "limit"),
                                               ("q=ktp&limit=abc", "limit"), ("q=ktp&limit=201", "limit")])
def test_the_route_refuses_bad_input_naming_it(hall_app: Any, document: dict[str, Any], query: str,
                                               field: str) -> None:
    answer = hall_app.client().get(f"/api/v1/services/search?{query}")
    assert answer.status_code == 422
    check(document, "/api/v1/services/search", "get", answer)
    assert answer.json["error"]["code"] == "invalid_request" and answer.json["error"]["field"] == field
