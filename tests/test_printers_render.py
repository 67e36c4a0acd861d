"""What a visitor reads on a printed ticket: rendered, then decoded back."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from printers.decode import Line, decode_escpos
from printers.preview import render_preview
from printers.render import number_size, render_ticket
from printers.textfit import fit, transliterate
from printers.ticket import TicketPrint
from server.core.vocabulary import WaitEstimate

WIB = ZoneInfo("Asia/Jakarta")
URL = "http://192.168.1.10:5000/t/01JD3F5X8Z9Y7W6V5T4S3R2Q1P"


def make_ticket(**changes: object) -> TicketPrint:
    ticket = TicketPrint(
        site_name="Mall Pelayanan Publik Kabupaten Jember",
        logo_path=None,
        agency_name="Dinas Kependudukan dan Pencatatan Sipil",
        service_name="Perekaman KTP-el",
        number="A007",
        issued_at=datetime(2026, 11, 30, 8, 15, tzinfo=WIB),
        ahead=12,
        wait=WaitEstimate.of_seconds(25 * 60),
        priority="elderly",
        counter_names=["Loket 3", "Loket 4", "Loket 5"],
        status_url=URL,
        footer="Layanan ini GRATIS. Tolak segala bentuk pungutan liar.",
        lang="id",
    )
    return dataclasses.replace(ticket, **changes)  # type: ignore[arg-type]


def texts(data: bytes) -> list[str]:
    return [line.text for line in decode_escpos(data).lines]


def biggest(data: bytes) -> Line:
    return max(decode_escpos(data).lines, key=lambda line: line.size[0] * line.size[1])


@pytest.mark.parametrize(("width_mm", "columns"), [(80, 48), (58, 32)])
def test_indonesian_ticket_reads_as_a_visitor_expects(width_mm: int, columns: int) -> None:
    data = render_ticket(make_ticket(), width_mm)
    decoded = decode_escpos(data)
    lines = texts(data)
    assert biggest(data).text == "A007"
    assert biggest(data).bold and biggest(data).align == "center"
    assert biggest(data).size == (8, 8)  # four characters fit at 8x even on 58 mm
    assert "Perekaman KTP-el" in lines
    assert any("Dinas Kependudukan" in line for line in lines)
    assert "Antrean di depan Anda: 12" in lines
    assert "Perkiraan tunggu: ± 25 menit" in lines
    assert "PRIORITAS: Lansia" in lines
    assert "Loket: 3, 4, 5" in lines
    assert "Senin, 30 November 2026 08:15" in lines
    assert "Pindai untuk memantau antrean" in lines
    assert decoded.qr_payloads == [URL]
    assert decoded.cuts == 1
    assert decoded.images == 0
    assert "Layanan ini GRATIS." in decoded.text()
    assert all(len(line.text) * line.size[0] <= columns for line in decoded.lines)
    assert decoded.unknown == [] and not decoded.truncated
    assert len(data) < 1536


def test_english_ticket() -> None:
    data = render_ticket(make_ticket(lang="en", priority="pregnant", wait=WaitEstimate.of_seconds(95 * 60),
                                     counter_names=["Counter 2"], footer="This service is FREE."))
    lines = texts(data)
    assert "QUEUE NUMBER" in lines
    assert "People ahead of you: 12" in lines
    assert "Estimated wait: about 95 minutes" in lines
    assert "PRIORITY: Pregnant woman" in lines
    assert "Counter: 2" in lines
    assert "Monday, 30 November 2026 08:15" in lines
    assert "Scan to follow your queue" in lines
    assert "This service is FREE." in lines


def test_optional_lines_are_left_out() -> None:
    lines = texts(render_ticket(make_ticket(wait=None, priority=None, counter_names=[])))
    assert not any(line.startswith(("Perkiraan", "PRIORITAS", "Loket")) for line in lines)
    assert "Antrean di depan Anda: 12" in lines


def test_six_characters_fit_the_number_line_on_both_papers() -> None:
    for width_mm, columns in ((80, 48), (58, 32)):
        line = biggest(render_ticket(make_ticket(number="KKA012"), width_mm))
        assert line.text == "KKA012"
        assert len(line.text) * line.size[0] <= columns
    assert number_size("KKA012", 48) == 8 and number_size("KKA012", 32) == 5


@pytest.mark.parametrize("number", ["A1000", "PAM1234", "KKA12345"])
def test_numbers_past_999_print_whole_on_both_papers(number: str) -> None:
    for width_mm, columns in ((80, 48), (58, 32)):
        line = biggest(render_ticket(make_ticket(number=number), width_mm))
        assert line.text == number and line.size[0] >= 4  # whole, and still the biggest line by far
        assert len(line.text) * line.size[0] <= columns


def test_long_text_wraps_to_the_paper_width() -> None:
    name = "Pelayanan Administrasi Kependudukan dan Pencatatan Sipil Terpadu Satu Pintu"
    decoded = decode_escpos(render_ticket(make_ticket(agency_name=name), 58))
    wrapped = [line.text for line in decoded.lines if line.size == (1, 1) and line.text]
    assert all(len(text) <= 32 for text in wrapped)
    assert " ".join(wrapped).count(name) == 1


def test_characters_outside_the_code_page_are_transliterated() -> None:
    data = render_ticket(make_ticket(agency_name="Café “Łódź” – Straße", footer="Tolak pungli… ✓ 日本"))
    text = decode_escpos(data).text()
    assert 'Cafe "Lodz" - Strasse' in text
    assert "Tolak pungli... ? ??" in text
    assert all(char.isascii() or char == "±" for char in text)
    assert transliterate("a\x1b@b\tc") == "a@b c"  # no escape code from data reaches the printer
    assert fit("Naïve—text", 20) == ["Naive-text"]


def test_other_printer_profiles() -> None:
    # A profile without native QR support gets the code as a raster image instead.
    decoded = decode_escpos(render_ticket(make_ticket(), 58, "POS-5890"))
    assert decoded.images == 1 and decoded.qr_payloads == []
    assert any(line.text == "A007" for line in decoded.lines)
    with pytest.raises(ValueError, match="Unknown printer profile 'NoSuchPrinter'"):
        render_ticket(make_ticket(), 80, "NoSuchPrinter")


def test_logo_is_printed_and_nothing_goes_to_stdout(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    logo = tmp_path / "logo.png"
    Image.new("RGB", (400, 200), "navy").save(logo)
    decoded = decode_escpos(render_ticket(make_ticket(logo_path=str(logo))))
    assert decoded.images == 1
    assert decoded.qr_payloads == [URL]
    missing = decode_escpos(render_ticket(make_ticket(logo_path=str(tmp_path / "missing.png"))))
    assert missing.images == 0 and missing.cuts == 1  # a missing logo never stops a ticket
    assert capsys.readouterr().out == ""


def test_preview_is_paper_wide() -> None:
    image = render_preview(decode_escpos(render_ticket(make_ticket(), 58)), 384)
    assert image.width == 384 + 2 * 24
    assert 600 < image.height < 2000
    assert image.getextrema() == (0, 255)


def test_decoder_survives_truncated_and_unknown_input() -> None:
    data = render_ticket(make_ticket())
    half = decode_escpos(data[: len(data) // 2])
    assert half.cuts == 0 and "A007" in half.text()
    odd = decode_escpos(b"\x1b\x7fhello\n\x10\x04\x04\x1d(k\x03")
    assert odd.lines[0].text == "hello" and odd.status_requests == [4] and odd.truncated


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        make_ticket(issued_at=datetime(2026, 11, 30, 8, 15))
