"""Draws the installable app's PNG icons (192 and 512 px) from the favicon's design (a white
truck on the blue rounded square, tenant_app/static/favicon.svg) with Pillow. Run once after
changing the design: python scripts/make_icons.py"""
import os

from PIL import Image, ImageDraw

BLUE, WHITE = (13, 110, 253), (255, 255, 255)
OUT = os.path.join(os.path.dirname(__file__), "..", "tenant_app", "static", "icons")


def icon(size: int) -> Image.Image:
    k = size / 32  # the favicon's 32-unit grid
    im = Image.new("RGB", (size, size), BLUE)  # full bleed: the platform rounds a maskable icon
    d = ImageDraw.Draw(im)
    box = lambda *xy: [v * k for v in xy]  # noqa: E731
    d.rectangle(box(5, 10, 18, 20), fill=WHITE)                          # the body
    d.polygon(box(18, 13, 23, 13, 27, 17, 27, 20, 18, 20), fill=WHITE)  # the cab
    for cx in (10, 23):                                                  # the wheels
        d.ellipse(box(cx - 3.75, 22 - 3.75, cx + 3.75, 22 + 3.75), fill=BLUE)
        d.ellipse(box(cx - 3, 19, cx + 3, 25), fill=WHITE)
    return im


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    for size in (192, 512):
        icon(size).save(os.path.join(OUT, f"icon-{size}.png"), optimize=True)
