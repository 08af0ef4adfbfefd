"""Pictures for the demo unions, drawn here with Pillow: no photo is shipped or fetched.

Each is a simple scene (a hall with a stage and its banner, fields under the sun, a
laboratory, an award ceremony) in the union's colours, with the event's name on the
banner, so the front page is photo-led from the first visit. A scene takes a few
milliseconds; the demo's dozens keep `load_initial_data` within seconds.
"""

import hashlib
import io
import random
from functools import cache
from pathlib import Path

from django.core.files.images import ImageFile
from PIL import Image, ImageDraw, ImageFilter, ImageFont

SIZE = (1200, 750)
SCENES = ("hall", "field", "lab", "award")
# Fonts with Vietnamese letters, from Debian's fonts-dejavu-core / fonts-liberation2; Pillow's
# own font is the fallback (its letters lack some Vietnamese marks, the picture still works).
_FONT_FILES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
)


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in _FONT_FILES:
        if Path(path).is_file():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return (int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16))


def _mix(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> tuple[int, int, int]:
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def _gradient(size: tuple[int, int], top: tuple, bottom: tuple) -> Image.Image:
    # One column drawn, then stretched: a gradient in a few hundred pixel writes.
    column = Image.new("RGB", (1, size[1]))
    for y in range(size[1]):
        column.putpixel((0, y), _mix(top, bottom, y / max(size[1] - 1, 1)))
    return column.resize(size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(f"{lines[-1]} {word}", font=font) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines[:3]


def _banner(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], text: str, colour) -> None:
    draw.rounded_rectangle(box, radius=8, fill=colour, outline=(255, 255, 255), width=3)
    font = _font(34)
    lines = _wrap(draw, text, font, box[2] - box[0] - 40)
    y = (box[1] + box[3]) / 2 - len(lines) * 22
    for line in lines:
        draw.text(((box[0] + box[2]) / 2, y), line, font=font, fill=(255, 255, 255), anchor="ma")
        y += 44


def _audience(draw: ImageDraw.ImageDraw, rnd: random.Random, top: int, rows: int) -> None:
    for row in range(rows):
        y = top + row * 46
        radius = 16 + row * 3
        for x in range(-20, SIZE[0] + 40, radius * 2 + 10):
            shade = rnd.randint(25, 70)
            jitter = rnd.randint(-6, 6)
            draw.ellipse(
                (x + jitter, y, x + jitter + radius * 2, y + radius * 2), fill=(shade,) * 3
            )
            draw.rectangle(
                (x + jitter - 6, y + radius * 2 - 4, x + jitter + radius * 2 + 6, SIZE[1]),
                fill=(shade + 20, shade + 25, shade + 35),
            )


def _hall(img, draw, rnd, primary, accent, text) -> None:
    wall = _mix(primary, (255, 255, 255), 0.15)
    img.paste(_gradient(SIZE, _mix(wall, (0, 0, 0), 0.35), wall))
    draw.rectangle((0, 430, SIZE[0], SIZE[1]), fill=_mix(primary, (0, 0, 0), 0.55))
    draw.rectangle((120, 380, SIZE[0] - 120, 440), fill=(120, 78, 40))  # the stage
    for x in (220, 420, 780, 980):  # flowers on the stage's edge
        draw.ellipse((x - 30, 350, x + 30, 400), fill=accent)
    _banner(draw, (140, 70, SIZE[0] - 140, 300), text, _mix(primary, (0, 0, 0), 0.15))
    _audience(draw, rnd, 500, 5)


def _field(img, draw, rnd, primary, accent, text) -> None:
    img.paste(_gradient(SIZE, (126, 190, 240), (232, 244, 252)))
    draw.ellipse((880, 60, 1010, 190), fill=accent)
    for n, colour in enumerate([(78, 140, 60), (96, 160, 70), (60, 120, 50)]):
        top = 330 + n * 90
        points = [(0, top + 40)]
        for x in range(0, SIZE[0] + 100, 100):
            points.append((x, top + rnd.randint(-30, 30)))
        points += [(SIZE[0], SIZE[1]), (0, SIZE[1])]
        draw.polygon(points, fill=colour)
    for row in range(6):  # rows of young rice
        y = 560 + row * 32
        for x in range(-40 + row * 11, SIZE[0], 38):
            draw.line((x, y, x + 6, y - 18), fill=(170, 210, 90), width=3)
    if text:  # the home page's background has no banner: its title is written over it
        _banner(draw, (60, 40, 760, 210), text, primary)


def _lab(img, draw, rnd, primary, accent, text) -> None:
    img.paste(_gradient(SIZE, (236, 242, 248), _mix(primary, (255, 255, 255), 0.55)))
    draw.rectangle((0, 520, SIZE[0], SIZE[1]), fill=(90, 98, 110))  # the bench
    for n in range(7):  # flasks and tubes
        x = 90 + n * 150 + rnd.randint(-20, 20)
        height = rnd.randint(90, 170)
        liquid = [primary, accent, (60, 170, 150)][n % 3]
        draw.rectangle((x, 520 - height, x + 40, 520), outline=(70, 80, 90), width=3)
        draw.rectangle((x + 3, 520 - height // 2, x + 37, 517), fill=liquid)
    for _ in range(12):  # a circuit on the wall
        x, y = rnd.randint(40, 1160), rnd.randint(250, 330)
        draw.line((x, y, x + rnd.randint(40, 140), y), fill=_mix(primary, (0, 0, 0), 0.2), width=4)
        draw.ellipse((x - 7, y - 7, x + 7, y + 7), fill=accent)
    _banner(draw, (140, 40, SIZE[0] - 140, 220), text, primary)


def _award(img, draw, rnd, primary, accent, text) -> None:
    img.paste(_gradient(SIZE, _mix(primary, (0, 0, 0), 0.5), _mix(primary, (0, 0, 0), 0.1)))
    for _ in range(60):  # confetti
        x, y = rnd.randint(0, SIZE[0]), rnd.randint(0, 420)
        draw.rectangle((x, y, x + 8, y + 14), fill=rnd.choice([accent, (255, 255, 255)]))
    for x, height in ((420, 150), (540, 210), (660, 120)):  # the podium
        draw.rectangle((x, 600 - height, x + 120, 600), fill=(240, 240, 240))
    for x, y in ((480, 400), (600, 340), (720, 430)):  # cups
        draw.polygon([(x - 30, y), (x + 30, y), (x + 14, y + 40), (x - 14, y + 40)], fill=accent)
        draw.rectangle((x - 6, y + 40, x + 6, y + 55), fill=accent)
    draw.rectangle((0, 600, SIZE[0], SIZE[1]), fill=(30, 30, 34))
    _banner(draw, (140, 40, SIZE[0] - 140, 230), text, _mix(primary, (0, 0, 0), 0.25))


_DRAW = {"hall": _hall, "field": _field, "lab": _lab, "award": _award}


def scene(*, text: str, kind: str, primary: str, accent: str) -> bytes:
    """A JPEG of one scene with `text` on its banner, the same for the same arguments.

    Only the fields scene may go without a banner (`text=""`)."""
    rnd = random.Random(hashlib.sha256(f"{kind}{text}".encode()).digest())
    if not text and kind != "field":
        raise ValueError("Only the fields scene is drawn without a banner.")
    img = Image.new("RGB", SIZE)
    draw = ImageDraw.Draw(img)
    _DRAW[kind](img, draw, rnd, _rgb(primary), _rgb(accent), text)
    # A touch of blur and grain so it reads as a photo rather than a diagram.
    img = img.filter(ImageFilter.GaussianBlur(0.8))
    buffer = io.BytesIO()
    img.save(buffer, "JPEG", quality=82)
    return buffer.getvalue()


def logo(*, initials: str, primary: str, accent: str) -> bytes:
    """A round emblem with the union's initials, as a PNG (the site's logo and favicon)."""
    size = 256
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    draw.ellipse((4, 4, size - 4, size - 4), fill=_rgb(primary), outline=_rgb(accent), width=12)
    for angle in (0, 60, 120):  # the atom of science and technology, behind the letters
        ring = Image.new("RGBA", (size, size), (0, 0, 0, 0))
        ImageDraw.Draw(ring).ellipse((40, 100, 216, 156), outline=(255, 255, 255, 90), width=5)
        img.alpha_composite(ring.rotate(angle, resample=Image.Resampling.BICUBIC))
    draw.text((size / 2, size / 2), initials, font=_font(78), fill=(255, 255, 255), anchor="mm")
    buffer = io.BytesIO()
    img.save(buffer, "PNG")
    return buffer.getvalue()


def image_file(data: bytes, name: str) -> ImageFile:
    return ImageFile(io.BytesIO(data), name=name)
