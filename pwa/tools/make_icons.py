"""Draw the app icons (a white shield with a check mark on the brand green) as PNG files
with nothing but the standard library, so they can be remade without image tools:

    python pwa/tools/make_icons.py

"any" icons have rounded corners on a transparent ground; "maskable" ones fill the square
and keep the drawing inside the central 80 % safe zone.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

ICONS = Path(__file__).resolve().parents[1] / "icons"
GREEN = (11, 93, 75)
WHITE = (255, 255, 255)
SAMPLES = 3  # supersampling per axis, for smooth edges


def _shield(x: float, y: float) -> bool:
    """Unit square coordinates: a shield with a flat top and a pointed bottom."""
    if not (0.22 <= x <= 0.78 and 0.16 <= y <= 0.86):
        return False
    if y <= 0.52:
        return True
    # Lower part narrows to a point at (0.5, 0.86) along two arcs approximated by a curve.
    t = (y - 0.52) / (0.86 - 0.52)
    half = 0.28 * (1 - t**1.6)
    return abs(x - 0.5) <= half


def _segment_distance(px: float, py: float, ax: float, ay: float, bx: float, by: float) -> float:
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    cx, cy = ax + t * dx, ay + t * dy
    return ((px - cx) ** 2 + (py - cy) ** 2) ** 0.5


def _check(x: float, y: float) -> bool:
    width = 0.045
    return (
        _segment_distance(x, y, 0.36, 0.47, 0.46, 0.60) <= width
        or _segment_distance(x, y, 0.46, 0.60, 0.66, 0.36) <= width
    )


def _rounded_square(x: float, y: float, radius: float = 0.18) -> bool:
    cx = min(max(x, radius), 1 - radius)
    cy = min(max(y, radius), 1 - radius)
    return (x - cx) ** 2 + (y - cy) ** 2 <= radius**2


def render(size: int, maskable: bool) -> bytes:
    rows = []
    scale = 0.8 if maskable else 1.0  # maskable: shrink the drawing into the safe zone
    for j in range(size):
        row = bytearray([0])  # filter type 0
        for i in range(size):
            r = g = b = a = 0.0
            for sj in range(SAMPLES):
                for si in range(SAMPLES):
                    x = (i + (si + 0.5) / SAMPLES) / size
                    y = (j + (sj + 0.5) / SAMPLES) / size
                    if not maskable and not _rounded_square(x, y):
                        continue
                    u = (x - 0.5) / scale + 0.5
                    v = (y - 0.5) / scale + 0.5
                    color = GREEN
                    if _shield(u, v):
                        color = GREEN if _check(u, v) else WHITE
                    r += color[0]
                    g += color[1]
                    b += color[2]
                    a += 255
            n = SAMPLES * SAMPLES
            if a:
                cover = a / 255
                row += bytes([round(r / cover), round(g / cover), round(b / cover), round(a / n)])
            else:
                row += bytes(4)
        rows.append(bytes(row))
    raw = b"".join(rows)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def main() -> None:
    ICONS.mkdir(exist_ok=True)
    for size in (192, 512):
        (ICONS / f"icon-{size}.png").write_bytes(render(size, maskable=False))
        (ICONS / f"maskable-{size}.png").write_bytes(render(size, maskable=True))
        print(f"wrote icon-{size}.png and maskable-{size}.png")


if __name__ == "__main__":
    main()
