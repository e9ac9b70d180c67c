"""Photos for the demo and benchmark content, drawn with Pillow: no image files to ship."""

import io
import random

from PIL import Image, ImageDraw

PALETTE = [(0, 65, 109), (10, 107, 57), (160, 60, 20), (90, 60, 130), (30, 110, 140)]


def draw_photo(seed, size=(1200, 750)):
    """A simple landscape drawn with Pillow: sky, hills and a sun, different per seed."""
    rng = random.Random(seed)
    image = Image.new("RGB", size, (200, 220, 235))
    draw = ImageDraw.Draw(image)
    top = PALETTE[seed % len(PALETTE)]
    for y in range(size[1] // 2):
        shade = tuple(int(c + (255 - c) * y / size[1]) for c in top)
        draw.line([(0, y), (size[0], y)], fill=shade)
    draw.ellipse([size[0] * 0.7, 60, size[0] * 0.7 + 140, 200], fill=(250, 220, 120))
    for layer in range(3):
        base = size[1] // 2 + layer * 90
        points = [(0, size[1])]
        for x in range(0, size[0] + 100, 100):
            points.append((x, base + rng.randint(-60, 60)))
        points.append((size[0], size[1]))
        green = (40 + layer * 30, 100 + layer * 25, 60 + layer * 10)
        draw.polygon(points, fill=green)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=82)
    return buffer.getvalue()
