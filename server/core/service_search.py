"""Finding a service by what a visitor types at the kiosk.

Visitors type the way they speak and spell: "pasport", "pspor", "ijin usaha", "buat ktp",
"kk hilang", often a word at a time on a touch keyboard. So a query is read word by word:

- every text is normalised (case, accents and punctuation dropped; "e-ktp" is also "ektp"),
  and informal spellings are read as the official one (SPELLINGS: "ijin" is "izin");
- ordinary words of a request ("buat", "mau", "saya", STOP_WORDS) are dropped, unless
  nothing else was typed; "baru" is not one of them: it tells "KTP baru" from the others;
- each remaining word is matched against the words of every service's names (Indonesian and
  English), keywords, and its agency's names: exactly, as the start of a word (the visitor
  is still typing), by similarity (a typo; rapidfuzz's Indel ratio, only for words of four
  letters or more and above a threshold, so nonsense matches nothing), or inside a longer
  word ("dukcapil" in "dispendukcapil"); the last two only for a word that no service has
  as a word or the start of one (exact > prefix > similar);
- the services that match the most words come first, and only those (typing another word
  narrows the list, but a word that matches nothing does not empty it); among them, the
  better matches, then a query that is a whole keyword or name, then popular services, then
  the configuration's order.

The index is built once per configuration (the site is replaced whole when it changes).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from server.core.config import SiteConfig

# Words of a request, not of a service. Not "baru" (KTP baru, paspor baru, SKCK baru), not
# "hilang" (KK hilang), not "a" (SIM A), not "surat" or "nomor" (part of services' names).
STOP_WORDS = frozenset({
    "buat", "bikin", "membuat", "urus", "ngurus", "mengurus", "mau", "ingin", "pengen", "pingin",
    "saya", "aku", "kami", "sy", "tolong", "minta", "mohon", "untuk", "utk", "yang", "yg", "di",
    "ke", "dari", "dan", "atau", "dengan", "dong", "ya", "cara", "gimana", "bagaimana", "dimana",
    "mana", "apa", "bisa", "perlu", "loket", "layanan", "pelayanan", "antrian", "antrean",
    "the", "of", "for", "my", "want", "to", "make", "need", "get", "how", "please", "where",
})

# Informal or old spellings, read as the one the configuration uses (both in queries and in
# the configured words, so a keyword written "ijin" is found by "izin" too).
SPELLINGS = {
    "ijin": "izin", "perijinan": "perizinan", "akte": "akta", "sertipikat": "sertifikat",
    "praktek": "praktik", "pasport": "paspor", "pasfor": "paspor", "pasfort": "paspor",
    "ijasah": "ijazah", "nomer": "nomor", "fotocopy": "fotokopi", "license": "licence",
    "kartukeluarga": "kk", "ektp": "ktp", "ktpel": "ktp", "ilang": "hilang", "umroh": "umrah",
    "pam": "pdam",
}

# How much a match in each part of a service counts.
NAME, KEYWORD, AGENCY = 1.0, 1.0, 0.7  # a keyword is as good as the name: chosen for it
# How much each kind of word match counts (times the part's weight).
EXACT, PREFIX, SUBSTRING = 1.0, 0.9, 0.7
FUZZY, FUZZY_PREFIX = 0.85, 0.75  # times rapidfuzz's ratio / 100
FUZZY_MIN_LENGTH = 4  # shorter words are too alike ("sim", "sip") to forgive a typo
FUZZY_CUTOFF = 80.0  # "pspor"~"paspor" 91, "pasport"~"paspor" 92; "haji"~"hari" 75 is not one
FUZZY_PREFIX_CUTOFF = 85.0  # "pspo"~"paspo" 89, for a word still being typed
PHRASE_EXACT, PHRASE_CLOSE, PHRASE_CUTOFF = 0.15, 0.08, 88.0  # the whole query is a keyword or name
POPULAR = 0.02
MAX_QUERY_WORDS = 8


@dataclass(frozen=True)
class Match:
    service_id: str
    agency_id: str
    score: float  # higher is better; about 1 for an exact match of every word
    words_matched: int


@dataclass(frozen=True)
class _Entry:
    service_id: str
    agency_id: str
    popular: bool
    tokens: dict[int, float]  # index in the vocabulary -> weight of the part it comes from
    phrases: frozenset[str]


def _plain(text: str) -> str:
    """Lower case ASCII letters and digits; "e-ktp" -> "e-ktp" kept for `words` to split."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def _canonical(word: str) -> str:
    return SPELLINGS.get(word, word)


def words(text: str) -> list[str]:
    """The words of a query: joined across "-", "/" and "." ("e-ktp" -> "ektp" -> "ktp"), spelled
    the official way, stop words dropped unless nothing else is left."""
    joined = re.sub(r"(?<=[a-z0-9])[-/.'’](?=[a-z0-9])", "", _plain(text))
    found = [_canonical(word) for word in re.findall(r"[a-z0-9]+", joined)][:MAX_QUERY_WORDS]
    kept = [word for word in found if word not in STOP_WORDS]
    return kept or found


def _phrase_words(text: str) -> set[str]:
    """Every word a configured phrase can be found by: its parts and its joined forms."""
    plain = _plain(text)
    split = [_canonical(word) for word in re.findall(r"[a-z0-9]+", plain)]
    joined = [_canonical(word) for word in re.findall(r"[a-z0-9]+", re.sub(r"[-/.'’]", "", plain))]
    result = set(split) | set(joined)
    if len(split) > 1:
        result.add("".join(split))
    return result


def _phrase(text: str) -> str:
    return " ".join(words(text))


class ServiceSearch:
    """The search index of one configuration."""

    def __init__(self, config: SiteConfig) -> None:
        vocabulary: dict[str, int] = {}
        self.entries: list[_Entry] = []
        for agency in config.agencies:
            agency_parts = [agency.name, agency.short_name, agency.name_en or ""]
            for service in agency.services:
                tokens: dict[int, float] = {}
                parts = ((NAME, [service.name, service.name_en or ""]), (KEYWORD, service.keywords),
                         (AGENCY, agency_parts))
                for weight, texts in parts:
                    for text in texts:
                        for word in _phrase_words(text):
                            index = vocabulary.setdefault(word, len(vocabulary))
                            tokens[index] = max(tokens.get(index, 0.0), weight)
                phrases = frozenset(_phrase(text) for text in [service.name, service.name_en or "",
                                                                *service.keywords] if text)
                self.entries.append(_Entry(service.id, agency.id, service.popular, tokens, phrases))
        self.vocabulary = list(vocabulary)
        owners: dict[str, set[int]] = {}  # each phrase -> the entries that have it
        for order, entry in enumerate(self.entries):
            for phrase in entry.phrases:
                owners.setdefault(phrase, set()).add(order)
        self.phrases = list(owners)
        self.phrase_owners = [owners[phrase] for phrase in self.phrases]

    def _word_scores(self, word: str) -> dict[int, float]:
        """How well `word` matches each word of the vocabulary it matches at all."""
        scores: dict[int, float] = {}

        def offer(index: int, score: float) -> None:
            if score > scores.get(index, 0.0):
                scores[index] = score

        inside: list[int] = []
        for index, token in enumerate(self.vocabulary):
            if token == word:
                offer(index, EXACT)
            elif token.startswith(word):
                offer(index, PREFIX)
            elif word in token:
                inside.append(index)
        # A word some service has (or starts) is what the visitor meant: no typo to forgive,
        # and "emas" is not looked for inside "kemasyarakatan" nor "pegadaian" near "pengadilan".
        if scores or len(word) < FUZZY_MIN_LENGTH:
            return scores
        for index in inside:
            offer(index, SUBSTRING)
        for _token, ratio, index in process.extract(word, self.vocabulary, scorer=fuzz.ratio,
                                                    score_cutoff=FUZZY_CUTOFF, limit=None):
            offer(index, FUZZY * ratio / 100)
        for length in (len(word), len(word) + 1):  # a typo in a word not typed to its end
            starts = [token[:length] for token in self.vocabulary]
            for _token, ratio, index in process.extract(word, starts, scorer=fuzz.ratio,
                                                        score_cutoff=FUZZY_PREFIX_CUTOFF, limit=None):
                if len(self.vocabulary[index]) > length:
                    offer(index, FUZZY_PREFIX * ratio / 100)
        return scores

    def search(self, text: str, limit: int = 50) -> list[Match]:
        """The services that match `text`, best first; none for an empty or nonsense query."""
        query_words = words(text)
        if not query_words:
            return []
        per_word = [self._word_scores(word) for word in query_words]
        phrase = " ".join(query_words)
        close: set[int] = set()  # the entries with a phrase like the whole query
        for _phrase, _ratio, index in process.extract(phrase, self.phrases, scorer=fuzz.ratio,
                                                      score_cutoff=PHRASE_CUTOFF, limit=None):
            close |= self.phrase_owners[index]
        ranked: list[tuple[int, float, int, Match]] = []
        for order, entry in enumerate(self.entries):
            matched, total = 0, 0.0
            for scores in per_word:
                best = max((scores[i] * weight for i, weight in entry.tokens.items() if i in scores), default=0.0)
                if best > 0:
                    matched += 1
                    total += best
            if not matched:
                continue
            score = total / len(query_words)
            if phrase in entry.phrases:
                score += PHRASE_EXACT
            elif order in close:
                score += PHRASE_CLOSE
            if entry.popular:
                score += POPULAR
            ranked.append((matched, score, order, Match(entry.service_id, entry.agency_id, round(score, 3), matched)))
        if not ranked:
            return []
        most = max(item[0] for item in ranked)
        tier = sorted((item for item in ranked if item[0] == most), key=lambda item: (-item[1], item[2]))
        return [item[3] for item in tier[:limit]]


_cache_lock = threading.Lock()
_cache: tuple[SiteConfig, ServiceSearch] | None = None


def index_for(config: SiteConfig) -> ServiceSearch:
    """The index of `config`, built at its first search (one configuration is live at a time)."""
    global _cache
    with _cache_lock:
        if _cache is None or _cache[0] is not config:
            _cache = (config, ServiceSearch(config))
        return _cache[1]


def search(config: SiteConfig, text: str, limit: int = 50) -> list[Match]:
    """The services of `config` that match what a visitor typed, best first."""
    return index_for(config).search(text, limit)
