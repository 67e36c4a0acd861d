"""The words on a ticket in Indonesian and English.

Dates are spelled out here rather than with `strftime("%A %B")`: those names come
from the process locale, which on a kiosk server is usually C/English, and
installing an id_ID locale is one more thing to get wrong on site.
"""

from __future__ import annotations

from datetime import datetime

from server.core.vocabulary import WAIT_NO_COUNTER, WAIT_UNKNOWN, Priority, WaitEstimate

DAYS = {
    "id": ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
MONTHS = {
    "id": ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli",
           "Agustus", "September", "Oktober", "November", "Desember"),
    "en": ("January", "February", "March", "April", "May", "June", "July",
           "August", "September", "October", "November", "December"),
}
# Keyed by the vocabulary's priorities; a test checks that each has its words in both languages.
PRIORITY_NAMES: dict[str, dict[Priority, str]] = {
    "id": {"elderly": "Lansia", "disabled": "Penyandang Disabilitas", "pregnant": "Ibu Hamil"},
    "en": {"elderly": "Elderly", "disabled": "Person with disability", "pregnant": "Pregnant woman"},
}
# The word a counter's name starts with, left out when every counter on the ticket has it.
COUNTER_WORD = {"id": "Loket ", "en": "Counter "}
LABELS = {
    "id": {
        "number": "NOMOR ANTREAN",
        "ahead": "Antrean di depan Anda: {n}",
        "priority": "PRIORITAS: {name}",
        "counters": "Loket: {names}",
        "place": "Dilayani di: {place}",
        "scan": "Pindai untuk memantau antrean",
        "steps": "Urutan layanan Anda ({n}):",
        "step": "{position}. {service} - {agency}",
        "step_done": "{position}. {service} - {agency} (selesai)",
    },
    "en": {
        "number": "QUEUE NUMBER",
        "ahead": "People ahead of you: {n}",
        "priority": "PRIORITY: {name}",
        "counters": "Counter: {names}",
        "counters_many": "Counters: {names}",
        "place": "Served at: {place}",
        "scan": "Scan to follow your queue",
        "steps": "Your services, in order ({n}):",
        "step": "{position}. {service} - {agency}",
        "step_done": "{position}. {service} - {agency} (done)",
    },
}


def label(lang: str, key: str, **values: object) -> str:
    return LABELS[lang][key].format(**values)


def step_line(position: int, service: str, agency: str, done: bool, lang: str) -> str:
    """"2. PBB-P2 - Bapenda" (", (selesai)" once that step is behind the visitor)."""
    return label(lang, "step_done" if done else "step", position=position, service=service, agency=agency)


def issued_line(moment: datetime, lang: str) -> str:
    """"Senin, 30 November 2026 08:15" in the ticket's own timezone."""
    day = DAYS[lang][moment.weekday()]
    month = MONTHS[lang][moment.month - 1]
    return f"{day}, {moment.day} {month} {moment.year} {moment:%H:%M}"


WAIT_WORDS = {
    "id": {"lead": "Perkiraan tunggu: ", "under": "kurang dari 1 menit", "minutes": "{pm} {n} menit",
           "minute": "{pm} 1 menit", "no_counter": "belum ada loket yang buka"},
    "en": {"lead": "Estimated wait: ", "under": "less than a minute", "minutes": "about {n} minutes",
           "minute": "about 1 minute", "no_counter": "no counter open yet"},
}


def wait_line(wait: WaitEstimate | None, lang: str, plus_minus: str = "±") -> str | None:
    """"Perkiraan tunggu: ± 25 menit", the same words as the kiosk screen and the phone page
    (kiosk/static/ticket-text.js) from the same figure (`WaitEstimate.minutes`); "belum ada
    loket yang buka" when no counter of the service is open; None when nothing is known.

    `plus_minus` lets the renderer swap "±" for "+/-" on a printer without it.
    """
    if wait is None or wait.status == WAIT_UNKNOWN:
        return None
    words = WAIT_WORDS[lang]
    if wait.status == WAIT_NO_COUNTER or wait.minutes is None:
        return words["lead"] + words["no_counter"]
    if wait.minutes == 0:
        return words["lead"] + words["under"]
    key = "minute" if wait.minutes == 1 else "minutes"
    return words["lead"] + words[key].format(pm=plus_minus, n=wait.minutes)


def priority_line(priority: Priority | None, lang: str) -> str | None:
    if priority is None:
        return None
    return label(lang, "priority", name=PRIORITY_NAMES[lang][priority])


def counters_line(names: list[str], lang: str) -> str | None:
    """"Loket: 3, 4, 5" when every name is "Loket N" ("Counter: 3" in English); the full names otherwise.

    `names` are already in the ticket's language (a counter's `name_en` on an English ticket).
    """
    if not names:
        return None
    shared = COUNTER_WORD[lang]
    if all(name.startswith(shared) and len(name) > len(shared) for name in names):
        names = [name[len(shared):] for name in names]
    joined = ", ".join(names)
    if lang == "en" and len(names) > 1:
        return label(lang, "counters_many", names=joined)
    return label(lang, "counters", names=joined)
