"""`antrean printer test ID` and the bundled site's virtual printers, as a person uses them."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import requests
import yaml
from conftest import free_port
from test_config import antrean

from printers.decode import decode_escpos


def _site(tmp_path: Path, data: dict[str, Any]) -> Path:
    data = copy.deepcopy(data)
    data["server"] = {"data_dir": str(tmp_path / "data")}
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_printer_test_on_the_virtual_printer_writes_a_readable_ticket(tmp_path: Path,
                                                                      bundled_data: dict[str, Any]) -> None:
    config = _site(tmp_path, bundled_data)
    result = antrean("--config", str(config), "printer", "test", "printer-kios-1")
    assert result.returncode == 0, result.stderr
    pngs = list((tmp_path / "data" / "printouts").rglob("*.png"))
    texts = list((tmp_path / "data" / "printouts").rglob("*.txt"))
    assert len(pngs) == 1 and len(texts) == 1
    assert "Mall Pelayanan Publik Kabupaten Jember" in texts[0].read_text(encoding="utf-8")


def test_the_ticket_logo_is_found_beside_config_yaml_wherever_the_command_runs(
        tmp_path: Path, bundled_data: dict[str, Any]) -> None:
    from PIL import Image

    (tmp_path / "media").mkdir()
    Image.new("1", (200, 80), 0).save(tmp_path / "media" / "logo.png")
    data = copy.deepcopy(bundled_data)
    data["site"].setdefault("ticket", {})["logo"] = "media/logo.png"  # relative to config.yaml
    config = _site(tmp_path, data)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = antrean("--config", str(config), "printer", "test", "printer-kios-1", cwd=elsewhere)
    assert result.returncode == 0, result.stderr
    (printed,) = list((tmp_path / "data" / "printouts").rglob("*.bin"))
    assert decode_escpos(printed.read_bytes()).images == 1  # the logo is on the paper

    data["site"]["ticket"]["logo"] = "data/secret_key"  # not a screen file: refused, like an agency's logo
    refused = antrean("--config", str(_site(tmp_path, data)), "printer", "test", "printer-kios-1")
    assert refused.returncode != 0 and "site.ticket.logo: got 'data/secret_key'" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_printer_test_says_plainly_what_went_wrong(tmp_path: Path, bundled_data: dict[str, Any]) -> None:
    data = copy.deepcopy(bundled_data)
    port = free_port()  # nothing listens there
    data["printers"].append({"id": "printer-mati", "type": "network", "host": "127.0.0.1", "port": port})
    config = _site(tmp_path, data)
    result = antrean("--config", str(config), "printer", "test", "printer-mati")
    assert result.returncode == 1
    assert "printer-mati" in result.stderr and "Traceback" not in result.stderr
    unknown = antrean("--config", str(config), "printer", "test", "printer-hilang")
    assert unknown.returncode == 1 and "printer-hilang" in unknown.stderr


def test_a_kiosk_ticket_on_the_bundled_site_prints_on_its_virtual_printer(live_server: Any) -> None:
    answer = requests.post(live_server.url + "/api/v1/tickets",
                           json={"service_id": "kartu-keluarga", "kiosk_id": "kiosk-1"}, timeout=10)
    ticket = answer.json()
    assert answer.status_code == 201 and ticket["print"]["status"] == "printed"
    assert ticket["print"]["printer_id"] == "printer-kios-1"
    folder = live_server.folder / "data" / "printouts"
    (printed,) = list(folder.rglob(f"*{ticket['number']}*.bin"))
    decoded = decode_escpos(printed.read_bytes())
    assert ticket["number"] in decoded.text() and "Kartu Keluarga" in decoded.text()
    assert decoded.qr_payloads == [ticket["qr_url"]] and decoded.cuts == 1  # the phone page, with the survey secret
    assert printed.with_suffix(".png").exists() and printed.with_suffix(".txt").exists()
