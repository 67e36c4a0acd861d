"""Every message a printer's check or a failed print gives, with a code, in Indonesian and English.

The words live here and nowhere else: a transport says `say(code, **values)` and gets the
English text, which goes on as the printer's `detail` or the job's error (logs, the command
line and the API's `detail` read it as before). The screens get both languages from the
server: `words(text)` finds the message a text was made from, with its code and its
Indonesian wording (the values inside, such as an address or the system's own error text,
stay as they are). A message inside another ("Printer X {reason}") is translated as well.
"""

from __future__ import annotations

import re
from typing import NamedTuple

# code: (Bahasa Indonesia, English). Values in braces; {printer} is "printer-lobi (192.168.1.50:9100)".
MESSAGES: dict[str, tuple[str, str]] = {
    # what a check says of any printer
    "not_checked": ("belum diperiksa", "not checked yet"),
    "no_status": ("printer jenis ini tidak melaporkan statusnya", "this kind of printer reports no status"),
    "silent": ("menerima tiket tetapi tidak menjawab permintaan status, jadi kertasnya tidak dapat diperiksa",
               "accepts tickets but does not answer status requests, so its paper cannot be checked"),
    "paper_out": ("kertas habis: pasang gulungan baru", "out of paper: load a new roll"),
    "paper_low": ("kertas hampir habis", "paper is running low"),
    "status_check_failed": ("pemeriksaan status gagal: {error}", "status check failed: {error}"),
    # a network printer's own report
    "cover_open": ("penutup terbuka: tutup kembali; tiket yang menunggu tercetak dengan sendirinya",
                   "cover open: close it; waiting tickets print by themselves"),
    "printer_error": ("melaporkan galat (kertas macet, pemotong, atau kepala cetak): buka, bersihkan kertasnya "
                      "lalu tutup, atau matikan lalu nyalakan lagi",
                      "error reported (paper jam, cutter or print head): open it, clear the paper and close it, "
                      "or switch it off and on"),
    "offline_button": ("tidak siap (tombol feed ditahan, atau sedang pulih dari galat)",
                       "offline (its feed button held, or recovering from an error)"),
    # a network printer that cannot be reached or does not take the ticket
    "network_failed": ("Printer {printer} {reason}", "Printer {printer} {reason}"),
    "server_stopping": ("pencetakan terhenti karena server sedang berhenti",
                        "printing was interrupted because the server is stopping"),
    "host_unknown": ("alamat {host} tidak dapat ditemukan: periksa host printer di config.yaml",
                     "the address {host} cannot be resolved: check the printer's host in config.yaml"),
    "no_answer": ("tidak menjawab dalam {seconds} detik: pastikan printer menyala dan terhubung ke jaringan",
                  "did not answer within {seconds} s: check that it is switched on and connected to the network"),
    "refused": ("menolak sambungan: pastikan printer menyala, tidak ada perangkat lain yang sedang mencetak ke "
                "sana, dan port-nya {port}",
                "refused the connection: check that it is switched on, that nothing else is printing to it, "
                "and that its port is {port}"),
    "unreachable": ("tidak dapat dijangkau dari server ini: periksa kabel jaringan dan alamatnya di config.yaml",
                    "cannot be reached from this server: check the network cable and that its address in "
                    "config.yaml is right"),
    "connect_failed": ("tidak dapat disambungkan ({error}): pastikan printer menyala dan terhubung ke jaringan",
                       "could not be connected to ({error}): check that it is switched on and connected to the "
                       "network"),
    "stalled": ("menerima sambungan tetapi tidak menerima data selama {seconds} detik: mungkin macet, sibuk, "
                "atau kehabisan kertas; periksa printernya",
                "accepted the connection but took no data for {seconds} s: it may be jammed, busy or out of "
                "paper; check it"),
    "closed_while_receiving": ("memutus sambungan saat menerima tiket: periksa printernya, lalu tiket tercetak "
                               "lagi dengan sendirinya",
                               "closed the connection while receiving the ticket: check the printer, then the "
                               "ticket prints again by itself"),
    "closed_without_answer": ("memutus sambungan tanpa menjawab: periksa printernya, lalu tiket tercetak lagi "
                              "dengan sendirinya",
                              "closed the connection without answering: check the printer, then the ticket "
                              "prints again by itself"),
    "closed_mid_ticket": ("memutus sambungan saat menerima tiket", "closed the connection while receiving the ticket"),
    "reset_mid_ticket": ("memutus sambungan sebelum seluruh tiket diterima: periksa printernya, lalu tiket "
                         "tercetak lagi dengan sendirinya",
                         "reset the connection before taking the whole ticket: check the printer, then the "
                         "ticket prints again by itself"),
    "stopped_during_ticket": ("berhenti saat mencetak tiket ({detail}); tiket tercetak lagi setelah printer siap",
                              "stopped during the ticket ({detail}); the ticket prints again once the printer "
                              "is ready"),
    "not_ready": ("belum siap ({detail}); tiket belum dikirim dan tercetak dengan sendirinya setelah printer siap",
                  "is not ready ({detail}); the ticket was not sent and prints by itself once it is ready"),
    "not_reading": ("menerima sambungan tetapi tidak membaca apa pun (tidak menjawab permintaan status dan "
                    "tidak menutup sambungan saat kami menutupnya): mungkin macet, sibuk, atau kartu "
                    "jaringannya hang; matikan lalu nyalakan lagi. Tiket belum dikirim; tiket yang menunggu "
                    "tercetak dengan sendirinya setelah printer membaca lagi",
                    "accepts the connection but reads nothing (it answers no status request and does not "
                    "close when we do): it may be jammed, busy or its network card hung; switch it off and on. "
                    "The ticket was not sent; waiting tickets print by themselves once it reads again"),
    "not_confirmed": ("menerima data tiket tetapi tidak mengonfirmasinya dalam {seconds} detik, lalu berhenti "
                      "membaca: periksa printernya (macet, sibuk, penutup); tiket tetap dalam antrean dan "
                      "tercetak dengan sendirinya setelah printer membaca lagi",
                      "took the ticket's bytes but did not confirm them within {seconds} s, so it stopped "
                      "reading: check it (jammed, busy, cover); the ticket stays queued and prints by itself "
                      "once it reads again"),
    # a printer on a device file (USB line printer, serial port)
    "device_absent": ("{device} tidak ada: periksa kabelnya dan pastikan printer menyala",
                      "{device} does not exist: check the cable and that the printer is on"),
    "device_present": ("perangkat terpasang; printer jenis ini tidak melaporkan statusnya",
                       "the device is present; this kind of printer reports no status"),
    "device_missing": ("Printer {printer}: {device} tidak ada: pastikan printer tercolok dan menyala",
                       "Printer {printer}: {device} does not exist: check that the printer is plugged in and "
                       "switched on"),
    "device_permission": ("Printer {printer}: tidak ada izin menulis ke {device}: masukkan pengguna server ke "
                          "grup perangkat itu (biasanya lp)",
                          "Printer {printer}: no permission to write to {device}: add the server's user to the "
                          "device's group (often lp)"),
    "device_unopened": ("Printer {printer}: {device} tidak dapat dibuka ({error})",
                        "Printer {printer}: {device} cannot be opened ({error})"),
    "device_interrupted": ("Printer {printer}: pencetakan terhenti (server sedang berhenti)",
                           "Printer {printer}: printing was interrupted (server stopping)"),
    "device_no_data": ("Printer {printer} tidak menerima data selama {seconds} detik: pastikan printer menyala "
                       "dan ada kertasnya",
                       "Printer {printer} took no data for {seconds} s: check that it is switched on and has "
                       "paper"),
    "device_stopped": ("Printer {printer} berhenti menerima data ({error}): periksa kabelnya dan pastikan "
                       "printer menyala",
                       "Printer {printer} stopped taking data ({error}): check its cable and that it is "
                       "switched on"),
    # CUPS
    "cups_missing": ("klien CUPS belum terpasang: pasang paket Debian cups-client (lp, lpstat) atau gunakan "
                     "printer jaringan atau USB",
                     "CUPS client not installed: install Debian's cups-client (lp, lpstat) or use a network "
                     "or usb printer"),
    "cups_failed": ("Printer {printer}: {detail}", "Printer {printer}: {detail}"),
    "cups_unknown_queue": ("Printer {printer}: {detail}: cocokkan cups_name dengan `lpstat -p`",
                           "Printer {printer}: {detail}: check cups_name against `lpstat -p`"),
    "cups_refused": ("Printer {printer}: CUPS tidak menerima tiket ({said}): pastikan CUPS berjalan dan "
                     "antreannya aktif",
                     "Printer {printer}: CUPS did not take the ticket ({said}): check that CUPS is running and "
                     "the queue is enabled"),
    "cups_late": ("tidak menjawab tepat waktu", "it did not answer in time"),
    "cups_timeout": ("CUPS tidak menjawab tepat waktu", "CUPS did not answer in time"),
    "cups_no_queue": ("CUPS tidak punya printer bernama {queue}", "CUPS has no printer named {queue}"),
    "cups_not_answering": ("CUPS tidak menjawab ({said})", "CUPS is not answering ({said})"),
    "cups_stopped": ("antrean CUPS dihentikan", "the CUPS queue is stopped"),
    # USB through python-escpos
    "usb_missing": ("Printer {printer}: dukungan USB belum terpasang: pasang pyusb (pip install pyusb) dan "
                    "paket Debian libusb-1.0-0",
                    "Printer {printer}: USB support is not installed: install pyusb (pip install pyusb) and "
                    "Debian's libusb-1.0-0"),
    "usb_permission": ("Printer {printer}: tidak ada izin memakai perangkat USB: tambahkan aturan udev yang "
                       "memberi pengguna server akses ke perangkat itu",
                       "Printer {printer}: no permission to use the USB device: add a udev rule giving the "
                       "server's user access to it"),
    "usb_not_found": ("Printer {printer} tidak ditemukan di USB: periksa kabelnya dan pastikan printer menyala",
                      "Printer {printer} was not found on USB: check its cable and that it is switched on"),
    "usb_libusb": ("Printer {printer}: libusb belum terpasang: apt-get install libusb-1.0-0",
                   "Printer {printer}: libusb is missing: apt-get install libusb-1.0-0"),
    "usb_refused": ("Printer {printer} tidak menerima tiket ({error}): periksa kabel dan kertasnya, dan "
                    "pastikan printer menyala",
                    "Printer {printer} did not take the ticket ({error}): check its cable, paper and that it "
                    "is switched on"),
    "usb_no_support": ("dukungan USB belum terpasang (pyusb)", "USB support is not installed (pyusb)"),
    "usb_uninspectable": ("USB tidak dapat diperiksa ({error})", "USB cannot be inspected ({error})"),
    "usb_absent": ("tidak ditemukan di USB: periksa kabelnya dan pastikan printer menyala",
                   "not found on USB: check its cable and that it is switched on"),
    "usb_connected": ("terhubung; printer jenis ini tidak melaporkan statusnya",
                      "connected; this kind of printer reports no status"),
    # serial through python-escpos
    "serial_missing": ("Printer {printer}: dukungan port serial belum terpasang: pip install pyserial",
                       "Printer {printer}: serial support is not installed: pip install pyserial"),
    "serial_unopened": ("Printer {printer}: port serial tidak dapat dibuka: periksa kabel dan nama perangkat "
                        "di config.yaml",
                        "Printer {printer}: the serial port cannot be opened: check the cable and the device "
                        "name in config.yaml"),
    "serial_refused": ("Printer {printer} tidak menerima tiket ({error}): pastikan printer menyala dan ada "
                       "kertasnya",
                       "Printer {printer} did not take the ticket ({error}): check that it is switched on and "
                       "has paper"),
    # the virtual printer (files in the data folder)
    "virtual_unwritable": ("Printer {printer} tidak dapat menulis hasil cetaknya ke {folder}: {error}; periksa "
                           "izin dan ruang kosong folder data",
                           "Printer {printer} cannot write its printout to {folder}: {error}; check the data "
                           "folder's permissions and free space"),
}
LANGS = ("id", "en")
NESTED = ("reason", "detail", "said")  # values that are messages themselves
_VALUE = {"printer": r"\S+ \(.*?\)"}  # how describe() names a printer


class Words(NamedTuple):
    code: str | None  # None: a text no message here was made from (a system's own words)
    text: str


def say(code: str, **values: object) -> str:
    """The English text of a message (what `detail` and job errors carry)."""
    return MESSAGES[code][1].format(**values)


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", template)
    regex = "".join(re.escape(part) if index % 2 == 0 else f"(?P<{part}>{_VALUE.get(part, '.+?')})"
                    for index, part in enumerate(parts))
    return re.compile(regex, re.S)


# The most specific first: more fixed words, fewer values.
_PATTERNS = sorted(((code, _pattern(en)) for code, (_, en) in MESSAGES.items()),
                   key=lambda item: -len(re.sub(r"\{\w+\}", "", MESSAGES[item[0]][1])))


def words(text: str | None, lang: str) -> Words | None:
    """`text` (made by `say`) in `lang`, with its message's code; None for no text."""
    if text is None:
        return None
    fallback: Words | None = None
    for code, pattern in _PATTERNS:
        match = pattern.fullmatch(text)
        if match is None:
            continue
        values = match.groupdict()
        inner = {key: words(values[key], lang) for key in NESTED if key in values}
        for key, found in inner.items():
            if found is not None:
                values[key] = found.text
        result = Words(code, MESSAGES[code][LANGS.index(lang)].format(**values))
        if all(found is not None and found.code is not None for found in inner.values()):
            return result
        fallback = fallback or result  # a value of the system's own words: keep looking for a closer fit
    return fallback or Words(None, text)


def both(text: str | None) -> dict[str, str | None]:
    """A printer's detail for the screens: its code and its words in Indonesian (`detail_id`)."""
    found = words(text, "id")
    return {"detail_code": found.code if found else None, "detail_id": found.text if found else None}
