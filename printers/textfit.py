"""Make any text safe for a thermal printer's font: transliterate and wrap.

Printers in the field have whatever code page table their DIP switches or
utility left selected (or a Chinese double-byte mode), so the only characters
that print the same everywhere are printable ASCII. We send ASCII, plus the few
symbols the ticket's own wording needs from the CP437 table that the renderer
selects explicitly (ESC t 0). Anything else is transliterated ("é" -> "e",
"–" -> "-", "“" -> '"'), so a name never comes out as garbage or as escape codes.
"""

from __future__ import annotations

import textwrap
import unicodedata

# Letters and signs that NFKD does not reduce to ASCII.
_SPECIAL = {
    "\u2013": "-", "\u2014": "-", "\u2012": "-", "\u2010": "-", "\u2011": "-", "\u2212": "-",
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"', "\u2039": "'", "\u203a": "'",
    "\u2026": "...", "\u2022": "*", "\u00b7": ".", "\u00d7": "x", "\u00f7": "/",
    "\u00b0": " deg", "\u20ac": "EUR", "\u00a3": "GBP", "\u00a5": "JPY", "\u00a9": "(c)",
    "\u00ae": "(R)", "\u2122": "TM", "\u00b1": "+/-", "\u2264": "<=", "\u2265": ">=",
    "\u2192": "->", "\u2190": "<-", "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u200b": "",
    "\u00df": "ss", "\u00e6": "ae", "\u00c6": "AE", "\u0153": "oe", "\u0152": "OE",
    "\u00f8": "o", "\u00d8": "O", "\u0142": "l", "\u0141": "L", "\u0111": "d", "\u0110": "D",
    "\u00f0": "d", "\u00d0": "D", "\u00fe": "th", "\u00de": "Th", "\u0131": "i", "\u0127": "h",
    "\u0126": "H", "\t": " ",
}


def transliterate(text: str, keep: frozenset[str] = frozenset()) -> str:
    """Printable ASCII (and the characters in `keep`); line breaks become spaces."""
    out: list[str] = []
    for char in text:
        if " " <= char <= "~" or char in keep:
            out.append(char)
        elif char in _SPECIAL:
            out.append(_SPECIAL[char])
        elif char in "\r\n":
            out.append(" ")
        elif unicodedata.category(char).startswith("C"):
            continue  # control and format characters: never let ESC reach the printer
        else:
            ascii_form = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
            out.append(ascii_form if ascii_form.strip() else "?")
    return "".join(out)


def fit(text: str, columns: int, keep: frozenset[str] = frozenset()) -> list[str]:
    """Transliterated lines of at most `columns` characters; explicit line breaks are kept."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        safe = transliterate(paragraph, keep).strip()
        lines += textwrap.wrap(safe, max(1, columns), break_long_words=True) or [""]
    return lines
