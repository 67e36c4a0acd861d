"""Read ESC/POS bytes back into what a visitor would see on the paper.

A small interpreter for the commands our renderer (and python-escpos) emits:
tests assert on what is printed rather than on byte strings, and the virtual
printer writes a readable .txt and .png of every ticket. Unknown commands are
skipped and listed in `Decoded.unknown`; truncated input (a connection that
dropped halfway) decodes as far as it goes and sets `truncated`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ESC, GS, FS, DLE = 0x1B, 0x1D, 0x1C, 0x10
CODE_PAGES = {0: "cp437", 2: "cp850", 3: "cp860", 4: "cp863", 5: "cp865", 16: "cp1252",
              17: "cp866", 18: "cp852", 19: "cp858"}
ALIGNS = {0: "left", 1: "center", 2: "right", 48: "left", 49: "center", 50: "right"}
# Commands whose parameters we skip: (prefix, command byte) -> number of parameter bytes.
FIXED_PARAMS = {
    (ESC, ord("M")): 1, (ESC, ord("-")): 1, (ESC, ord("{")): 1, (ESC, ord("V")): 1,
    (ESC, ord("R")): 1, (ESC, ord("2")): 0, (ESC, ord("3")): 1, (ESC, ord("A")): 1,
    (ESC, ord("+")): 1, (ESC, ord("=")): 1, (ESC, ord(" ")): 1, (ESC, ord("$")): 2,
    (ESC, ord("\\")): 2, (ESC, ord("p")): 3, (ESC, ord("B")): 2, (ESC, ord("r")): 1,
    (ESC, ord("c")): 2, (ESC, ord("U")): 1, (ESC, ord("S")): 0, (ESC, ord("L")): 0,
    (GS, ord("B")): 1, (GS, ord("b")): 1, (GS, ord("|")): 1, (GS, ord("h")): 1,
    (GS, ord("w")): 1, (GS, ord("H")): 1, (GS, ord("f")): 1, (GS, ord("L")): 2,
    (GS, ord("W")): 2, (GS, ord("a")): 1, (GS, ord("r")): 1, (GS, ord("I")): 1,
    (FS, ord(".")): 0, (FS, ord("&")): 0, (FS, ord("!")): 1, (FS, ord("-")): 1,
    (FS, ord("C")): 1, (FS, ord("W")): 1,
}


@dataclass(frozen=True)
class Line:
    """One printed line; its style is the one in force at its first character."""

    text: str
    size: tuple[int, int] = (1, 1)
    bold: bool = False
    align: str = "left"


@dataclass(frozen=True)
class QrCode:
    payload: str
    module: int = 3
    align: str = "left"


@dataclass(frozen=True)
class Raster:
    """A bit image: rows of `(width + 7) // 8` bytes, most significant bit left, 1 = black."""

    width: int
    height: int
    data: bytes
    align: str = "left"


@dataclass(frozen=True)
class Cut:
    partial: bool = False


Item = Line | QrCode | Raster | Cut


@dataclass
class Decoded:
    items: list[Item] = field(default_factory=list)
    status_requests: list[int] = field(default_factory=list)  # DLE EOT n: the n of each
    unknown: list[str] = field(default_factory=list)
    truncated: bool = False

    @property
    def lines(self) -> list[Line]:
        return [item for item in self.items if isinstance(item, Line)]

    @property
    def qr_payloads(self) -> list[str]:
        return [item.payload for item in self.items if isinstance(item, QrCode)]

    @property
    def cuts(self) -> int:
        return sum(isinstance(item, Cut) for item in self.items)

    @property
    def images(self) -> int:
        return sum(isinstance(item, Raster) for item in self.items)

    def text(self, columns: int | None = None) -> str:
        """The paper as plain text; QR codes, images and cuts as [bracketed] notes.

        With `columns`, centred and right-aligned lines are placed as on paper.
        """
        out: list[str] = []
        for item in self.items:
            if isinstance(item, Line):
                text, width = item.text, len(item.text) * item.size[0]
            elif isinstance(item, QrCode):
                text, width = f"[QR: {item.payload}]", len(item.payload) + 6
                item = Line(text, align=item.align)
            elif isinstance(item, Raster):
                text = f"[image {item.width}x{item.height}]"
                width, item = len(text), Line(text, align=item.align)
            else:
                out.append("-" * (columns or 32) + " (cut)")
                continue
            pad = 0
            if columns and item.align in ("center", "right"):
                pad = max(0, columns - width) // (2 if item.align == "center" else 1)
            out.append((" " * pad + text).rstrip())
        return "\n".join(out).rstrip() + "\n"


class _Interpreter:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.i = 0
        self.out = Decoded()
        self.buffer: list[str] = []
        self.line_style: tuple[tuple[int, int], bool, str] | None = None
        self.qr_store = ""
        self.qr_module = 3
        self.graphics: Raster | None = None
        self.reset()

    def reset(self) -> None:
        self.align, self.bold, self.size, self.code_page = "left", False, (1, 1), "cp437"
        self.buffer, self.line_style = [], None

    def take(self, count: int) -> bytes:
        """The next `count` bytes; raises EOFError when the data ends first."""
        if self.i + count > len(self.data):
            raise EOFError
        chunk = self.data[self.i:self.i + count]
        self.i += count
        return chunk

    def byte(self) -> int:
        return self.take(1)[0]

    def flush(self, force: bool = True) -> None:
        if not self.buffer and not force:
            return
        size, bold, align = self.line_style or (self.size, self.bold, self.align)
        self.out.items.append(Line("".join(self.buffer), size, bold, align))
        self.buffer, self.line_style = [], None

    def char(self, value: int) -> None:
        if self.line_style is None:
            self.line_style = (self.size, self.bold, self.align)
        if value < 0x80:
            self.buffer.append(chr(value))
        else:
            try:
                self.buffer.append(bytes([value]).decode(self.code_page))
            except (LookupError, UnicodeDecodeError):
                self.buffer.append("?")

    def run(self) -> Decoded:
        try:
            while self.i < len(self.data):
                value = self.byte()
                if value == 0x0A:
                    self.flush()
                elif value == 0x09:
                    self.buffer.append(" " * (8 - len("".join(self.buffer)) % 8))
                elif value == 0x0C:
                    self.flush(force=False)
                elif value == ESC:
                    self.esc(self.byte())
                elif value == GS:
                    self.gs(self.byte())
                elif value == FS:
                    self.fs(self.byte())
                elif value == DLE:
                    self.dle(self.byte())
                elif value >= 0x20:
                    self.char(value)
                # other control bytes (CR, BEL, NUL, ...) print nothing
        except EOFError:
            self.out.truncated = True
        self.flush(force=False)
        return self.out

    def skip_fixed(self, prefix: int, command: int, name: str) -> None:
        count = FIXED_PARAMS.get((prefix, command))
        if count is None:
            self.out.unknown.append(f"{name} 0x{command:02x}")
        else:
            self.take(count)

    def esc(self, command: int) -> None:
        if command == ord("@"):
            self.reset()
        elif command == ord("a"):
            self.align = ALIGNS.get(self.byte(), "left")
        elif command in (ord("E"), ord("G")):
            self.bold = bool(self.byte() & 1)
        elif command == ord("!"):
            mode = self.byte()
            self.bold = bool(mode & 0x08)
            self.size = (2 if mode & 0x20 else 1, 2 if mode & 0x10 else 1)
        elif command == ord("t"):
            self.code_page = CODE_PAGES.get(self.byte(), "unknown")
        elif command == ord("d"):
            lines = self.byte()
            had_text = bool(self.buffer)
            self.flush(force=False)
            for _ in range(lines - 1 if had_text else lines):
                self.flush()
        elif command == ord("J"):
            self.take(1)
            self.flush(force=False)
        elif command in (ord("i"), ord("m")):
            self.flush(force=False)
            self.out.items.append(Cut(partial=command == ord("m")))
        elif command == ord("*"):
            mode, low, high = self.take(3)
            self.take((low + high * 256) * (3 if mode in (32, 33) else 1))
            self.out.items.append(Raster(low + high * 256, 24 if mode in (32, 33) else 8, b"", self.align))
        elif command == ord("D"):
            while self.byte() != 0:
                pass
        else:
            self.skip_fixed(ESC, command, "ESC")

    def gs(self, command: int) -> None:
        if command == ord("!"):
            value = self.byte()
            self.size = (((value >> 4) & 7) + 1, (value & 7) + 1)
        elif command == ord("V"):
            mode = self.byte()
            if mode in (65, 66, 97, 98, 103, 104):
                self.take(1)
            self.flush(force=False)
            self.out.items.append(Cut(partial=mode in (1, 49, 66, 98, 104)))
        elif command == ord("v"):
            self.take(2)  # "0" and the density mode
            xl, xh, yl, yh = self.take(4)
            width_bytes, height = xl + xh * 256, yl + yh * 256
            bits = self.take(width_bytes * height)
            self.flush(force=False)
            self.out.items.append(Raster(width_bytes * 8, height, bits, self.align))
        elif command == ord("("):
            kind = self.byte()
            low, high = self.take(2)
            self.function(kind, self.take(low + high * 256))
        elif command == ord("k"):
            symbology = self.byte()
            if symbology <= 6:
                while self.byte() != 0:
                    pass
            else:
                self.take(self.byte())
            self.out.unknown.append("barcode")
        else:
            self.skip_fixed(GS, command, "GS")

    def function(self, kind: int, body: bytes) -> None:
        """GS ( k (2D codes) and GS ( L (graphics); other GS ( functions are skipped."""
        if kind == ord("k") and len(body) >= 2 and body[0] == ord("1"):
            fn = body[1]
            if fn == 67 and len(body) > 2:
                self.qr_module = body[2]
            elif fn == 80:
                self.qr_store = body[3:].decode("utf-8", "replace")
            elif fn == 81:
                self.flush(force=False)
                self.out.items.append(QrCode(self.qr_store, self.qr_module, self.align))
        elif kind == ord("L") and len(body) >= 2:
            fn = body[1]
            if fn == 112 and len(body) >= 10:
                width = body[6] + body[7] * 256
                height = body[8] + body[9] * 256
                self.graphics = Raster(width, height, bytes(body[10:]), self.align)
            elif fn == 50 and self.graphics is not None:
                self.flush(force=False)
                self.out.items.append(self.graphics)
                self.graphics = None
        elif kind not in (ord("k"), ord("L")):
            self.out.unknown.append(f"GS ( {chr(kind)}")

    def fs(self, command: int) -> None:
        if command == ord("p"):
            self.take(2)
            self.out.items.append(Raster(0, 0, b"", self.align))  # a stored (NV) logo
        else:
            self.skip_fixed(FS, command, "FS")

    def dle(self, command: int) -> None:
        if command in (0x04, 0x05):  # DLE EOT n, DLE ENQ n: real-time requests
            n = self.byte()
            if command == 0x04:
                self.out.status_requests.append(n)
        elif command == 0x14:  # DLE DC4 fn m t
            self.take(3)
        else:
            self.out.unknown.append(f"DLE 0x{command:02x}")


def decode_escpos(data: bytes) -> Decoded:
    """Interpret ESC/POS `data`; never raises on malformed or truncated input."""
    return _Interpreter(bytes(data)).run()
