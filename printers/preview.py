"""Draw decoded ESC/POS as a picture of the thermal paper (the virtual printer's .png).

Font A is 12 x 24 dots on a 203 dpi printer; we draw a monospace font of that
cell size, scaled as GS ! scales it, so line breaks and the big number land
where they would on paper. The QR code is redrawn from its payload.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import qrcode
from PIL import Image, ImageDraw, ImageFont, ImageOps

from printers.decode import Cut, Decoded, Line, QrCode, Raster

CELL_WIDTH, CELL_HEIGHT = 12, 24  # font A, in dots
LINE_GAP = 6  # ESC 2: the default line spacing is about 30 dots
MARGIN = 24  # unprintable paper at each side, drawn so the picture looks like a ticket
FONT_FILES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf",
)
FontType = ImageFont.FreeTypeFont | ImageFont.ImageFont


@lru_cache(maxsize=16)
def _font(height: int) -> FontType:
    """A monospace font whose glyphs are about `height` dots tall (any font as a fallback)."""
    size = round(height * 0.83)  # DejaVu Sans Mono: 20 pt gives a 12 x 24 cell
    for path in FONT_FILES:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


def _text_image(line: Line) -> Image.Image:
    width, height = line.size
    font = _font(CELL_HEIGHT * height)
    box = Image.new("L", (max(1, len(line.text)) * CELL_WIDTH * height, CELL_HEIGHT * height), 255)
    draw = ImageDraw.Draw(box)
    for x_offset in (0, 1) if line.bold else (0,):  # how a printer emboldens: strike twice
        draw.text((x_offset, 0), line.text, font=font, fill=0)
    if width != height:  # GS ! scales width and height independently
        box = box.resize((max(1, len(line.text)) * CELL_WIDTH * width, box.height), Image.Resampling.NEAREST)
    return box


def _qr_image(item: QrCode) -> Image.Image:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=max(1, item.module), border=0)
    code.add_data(item.payload)
    code.make(fit=True)
    image: Image.Image = code.make_image().get_image()
    return image.convert("L")


def _raster_image(item: Raster) -> Image.Image | None:
    if not item.width or not item.height:
        return None
    row = (item.width + 7) // 8
    data = item.data.ljust(row * item.height, b"\x00")[: row * item.height]
    image = Image.frombytes("1", (row * 8, item.height), data).convert("L")
    return ImageOps.invert(image).crop((0, 0, item.width, item.height))  # ESC/POS: 1 is black


def _cut_image(dots: int) -> Image.Image:
    image = Image.new("L", (dots + 2 * MARGIN, CELL_HEIGHT), 255)
    draw = ImageDraw.Draw(image)
    for x in range(0, image.width, 12):
        draw.line((x, CELL_HEIGHT // 2, x + 6, CELL_HEIGHT // 2), fill=128)
    return image


def render_preview(decoded: Decoded, dots: int = 576) -> Image.Image:
    """A greyscale picture of the printed paper, `dots` wide plus margins."""
    blocks: list[tuple[Image.Image, str, int]] = []  # image, alignment, space below
    for item in decoded.items:
        if isinstance(item, Line):
            if item.text.strip():
                blocks.append((_text_image(item), item.align, LINE_GAP * item.size[1]))
            else:
                blocks.append((Image.new("L", (1, CELL_HEIGHT), 255), "left", LINE_GAP))
        elif isinstance(item, QrCode):
            blocks.append((_qr_image(item), item.align, LINE_GAP))
        elif isinstance(item, Raster):
            raster = _raster_image(item)
            if raster is not None:
                blocks.append((raster, item.align, LINE_GAP))
        elif isinstance(item, Cut):
            blocks.append((_cut_image(dots), "cut", 0))
    height = 2 * MARGIN + sum(image.height + gap for image, _, gap in blocks)
    paper = Image.new("L", (dots + 2 * MARGIN, height), 255)
    y = MARGIN
    for image, align, gap in blocks:
        if align == "cut":
            paper.paste(image, (0, y))
        else:
            if image.width > dots:  # wider than the paper: the printer would clip it too
                image = image.crop((0, 0, dots, image.height))
            free = dots - image.width
            x = MARGIN + {"center": free // 2, "right": free}.get(align, 0)
            paper.paste(image, (x, y))
        y += image.height + gap
    return paper
