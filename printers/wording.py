"""The words on a ticket in Indonesian and English.

Dates are spelled out here rather than with `strftime("%A %B")`: those names come
from the process locale, which on a kiosk server is usually C/English, and
installing an id_ID locale is one more thing to get wrong on site.
"""

from __future__ import annotations

from datetime import datetime

from server.core.vocabulary import Priority

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
    },
    "en": {
        "number": "QUEUE NUMBER",
        "ahead": "People ahead of you: {n}",
        "priority": "PRIORITY: {name}",
        "counters": "Counter: {names}",
        "counters_many": "Counters: {names}",
        "place": "Served at: {place}",
        "scan": "Scan to follow your queue",
    },
}


def label(lang: str, key: str, **values: object) -> str:
    return LABELS[lang][key].format(**values)


def issued_line(moment: datetime, lang: str) -> str:
    """"Senin, 30 November 2026 08:15" in the ticket's own timezone."""
    day = DAYS[lang][moment.weekday()]
    month = MONTHS[lang][moment.month - 1]
    return f"{day}, {moment.day} {month} {moment.year} {moment:%H:%M}"


def wait_line(seconds: int | None, lang: str, plus_minus: str = "±") -> str | None:
    """"Perkiraan tunggu: ± 25 menit"; None when there is no estimate.

    `plus_minus` lets the renderer swap "±" for "+/-" on a printer without it.
    """
    if seconds is None:
        return None
    minutes = max(1, round(seconds / 60))  # "0 minutes" would read as "you are next"
    hours, rest = divmod(minutes, 60)
    if lang == "id":
        parts = ([f"{hours} jam"] if hours else []) + ([f"{rest} menit"] if rest else [])
        return f"Perkiraan tunggu: {plus_minus} {' '.join(parts)}"
    parts = ([f"{hours} hour{'s' if hours > 1 else ''}"] if hours else []) + (
        [f"{rest} minute{'s' if rest > 1 else ''}"] if rest else []
    )
    return f"Estimated wait: about {' '.join(parts)}"


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
